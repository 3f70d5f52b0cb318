package emulator

import (
	"net/http"
	"strconv"
	"sync"
	"time"
)

// AuditEvent is one authorization decision, as /_ferry/audit serves it
// (DESIGN §4).
type AuditEvent struct {
	Time      time.Time       `json:"time"`
	RequestID string          `json:"requestId"`
	Account   string          `json:"account"`
	Principal string          `json:"principal"`
	Action    string          `json:"action"`
	Resource  string          `json:"resource"`
	Decision  string          `json:"decision"` // Allow or Deny
	Reason    string          `json:"reason"`
	Statement *AuditStatement `json:"statement,omitempty"`
	// Enforced is false when ferry runs with --iam audit: the decision was
	// recorded but a Deny did not stop the request.
	Enforced bool `json:"enforced"`
}

// AuditStatement names the statement that decided.
type AuditStatement struct {
	Policy string `json:"policy"`
	Sid    string `json:"sid,omitempty"`
}

// AuditFilter selects events; empty fields match everything.
type AuditFilter struct {
	Account, Principal, Action, Decision string
	Limit                                int // newest N; 0 = all kept
}

func (f AuditFilter) match(e *AuditEvent) bool {
	return (f.Account == "" || f.Account == e.Account) &&
		(f.Principal == "" || f.Principal == e.Principal) &&
		(f.Action == "" || f.Action == e.Action) &&
		(f.Decision == "" || f.Decision == e.Decision)
}

// auditRecord is an event as the ring stores it: flat, with the statement
// inline and an allow's reason left to be worded when the event is read,
// so that recording a decision allocates nothing.
type auditRecord struct {
	AuditEvent
	policy, sid string
}

func (r *auditRecord) event() AuditEvent {
	e := r.AuditEvent
	if r.policy != "" {
		e.Statement = &AuditStatement{Policy: r.policy, Sid: r.sid}
		if e.Reason == "" {
			e.Reason = "allowed by " + r.policy
		}
	}
	return e
}

// auditLog keeps the most recent decisions in a fixed ring, so recording one
// never allocates or grows memory, whatever the request rate.
type auditLog struct {
	mu     sync.Mutex
	events []auditRecord
	next   int  // slot the next event goes to
	full   bool // the ring has wrapped
}

const auditCapacity = 10000

func newAuditLog(capacity int) *auditLog {
	return &auditLog{events: make([]auditRecord, capacity)}
}

func (a *auditLog) record(e auditRecord) {
	a.mu.Lock()
	a.events[a.next] = e
	a.next++
	if a.next == len(a.events) {
		a.next, a.full = 0, true
	}
	a.mu.Unlock()
}

// query returns matching events, oldest first.
func (a *auditLog) query(f AuditFilter) []AuditEvent {
	a.mu.Lock()
	defer a.mu.Unlock()
	var out []AuditEvent
	add := func(records []auditRecord) {
		for i := range records {
			if f.match(&records[i].AuditEvent) {
				out = append(out, records[i].event())
			}
		}
	}
	if a.full {
		add(a.events[a.next:])
	}
	add(a.events[:a.next])
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[len(out)-f.Limit:]
	}
	return out
}

func (a *auditLog) reset() {
	a.mu.Lock()
	clear(a.events)
	a.next, a.full = 0, false
	a.mu.Unlock()
}

// Audit returns recorded decisions matching f, oldest first.
func (s *Server) Audit(f AuditFilter) []AuditEvent { return s.audit.query(f) }

func (s *Server) serveAudit(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f := AuditFilter{
		Account: q.Get("account"), Principal: q.Get("principal"),
		Action: q.Get("action"), Decision: q.Get("decision"),
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 0 {
			writeAdminJSON(w, http.StatusBadRequest, map[string]string{"error": "limit must be a non-negative integer"})
			return
		}
		f.Limit = n
	}
	events := s.audit.query(f)
	if events == nil {
		events = []AuditEvent{}
	}
	writeAdminJSON(w, http.StatusOK, map[string]any{"events": events})
}
