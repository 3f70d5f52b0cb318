package emulator

import (
	"embed"
	"net/http"
	"sort"

	"github.com/ferry-emulator/ferry/iam"
	"github.com/ferry-emulator/ferry/sqs"
)

// The web dashboard at /_ferry/: every queue with its depth and policy, and
// the authorization decisions with their explanations, refreshed live. It
// is one embedded page with no external assets, reading /_ferry/state and
// /_ferry/audit.

//go:embed dashboard/index.html
var dashboardFiles embed.FS

func (s *Server) serveDashboard(w http.ResponseWriter, r *http.Request) {
	page, err := dashboardFiles.ReadFile("dashboard/index.html")
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	// The page runs only its own inline script and talks only to ferry.
	h.Set("Content-Security-Policy", "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
	w.Write(page)
}

// stateQueue is a queue as /_ferry/state shows it.
type stateQueue struct {
	Account  string `json:"account"`
	Region   string `json:"region"`
	Name     string `json:"name"`
	ARN      string `json:"arn"`
	Visible  int    `json:"visible"`
	InFlight int    `json:"inFlight"`
	Delayed  int    `json:"delayed"`
	Policy   string `json:"policy,omitempty"`
	// Messages are the first few, looked at without being received.
	Messages []sqs.PeekedMessage `json:"messages"`
}

// peekPerQueue is how many messages of each queue the dashboard shows.
const peekPerQueue = 3

// stateTopic is a topic as /_ferry/state shows it.
type stateTopic struct {
	Account       string              `json:"account"`
	Region        string              `json:"region"`
	Name          string              `json:"name"`
	ARN           string              `json:"arn"`
	FIFO          bool                `json:"fifo"`
	Published     int64               `json:"published"`
	Delivered     int64               `json:"delivered"`
	Failed        int64               `json:"failed"`
	FilteredOut   int64               `json:"filteredOut"`
	Policy        string              `json:"policy"`
	Subscriptions []stateSubscription `json:"subscriptions"`
}

type stateSubscription struct {
	ARN          string `json:"arn"`
	Owner        string `json:"owner"`
	Protocol     string `json:"protocol"`
	Endpoint     string `json:"endpoint"`
	Pending      bool   `json:"pending"`
	Raw          bool   `json:"raw"`
	FilterPolicy string `json:"filterPolicy,omitempty"`
	Delivered    int64  `json:"delivered"`
	Failed       int64  `json:"failed"`
	LastError    string `json:"lastError,omitempty"`
}

func (s *Server) stateTopics() []stateTopic {
	topics := []stateTopic{}
	for _, t := range s.sns.Topics() {
		st := stateTopic{Account: t.Account, Region: t.Region, Name: t.Name, ARN: t.ARN, FIFO: t.FIFO,
			Published: t.Published, Delivered: t.Delivered, Failed: t.Failed, FilteredOut: t.FilteredOut,
			Policy: t.Policy, Subscriptions: []stateSubscription{}}
		for _, sub := range t.Subscriptions {
			st.Subscriptions = append(st.Subscriptions, stateSubscription{ARN: sub.ARN, Owner: sub.Owner,
				Protocol: sub.Protocol, Endpoint: sub.Endpoint, Pending: sub.Pending, Raw: sub.Raw,
				FilterPolicy: sub.FilterPolicy, Delivered: sub.Delivered, Failed: sub.Failed, LastError: sub.LastError})
		}
		topics = append(topics, st)
	}
	return topics
}

// serveState answers /_ferry/state: every account's queues, topics, IoT
// rules and identities with their policies.
func (s *Server) serveState(w http.ResponseWriter, r *http.Request) {
	queues := []stateQueue{}
	for _, q := range s.sqs.Depths() {
		msgs, _ := s.sqs.Peek(q.ARN, peekPerQueue)
		if msgs == nil {
			msgs = []sqs.PeekedMessage{}
		}
		queues = append(queues, stateQueue{
			Account: q.Account, Region: q.Region, Name: q.Name, ARN: q.ARN,
			Visible: q.Visible, InFlight: q.InFlight, Delayed: q.Delayed, Policy: q.Policy, Messages: msgs,
		})
	}
	sort.Slice(queues, func(i, j int) bool {
		a, b := queues[i], queues[j]
		if a.Account != b.Account {
			return a.Account < b.Account
		}
		if a.Region != b.Region {
			return a.Region < b.Region
		}
		return a.Name < b.Name
	})
	identities := s.iam.Identities()
	if identities == nil {
		identities = []iam.Identity{}
	}
	writeAdminJSON(w, http.StatusOK, map[string]any{"queues": queues, "topics": s.stateTopics(), "rules": s.iot.RuleViews(),
		"identities": identities})
}
