package emulator

import (
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
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
// never allocates or grows memory, whatever the request rate. Every request
// records a decision, so writers do not share a lock: each takes a sequence
// number and locks only the slot it lands in.
type auditLog struct {
	slots []auditSlot
	next  atomic.Uint64 // events ever recorded; event n lands in slot n % len(slots)
	since atomic.Uint64 // first event still reported (moved by reset)
}

type auditSlot struct {
	mu  sync.Mutex
	seq uint64 // 1 + the number of the event held; 0 while empty
	rec auditRecord
}

const auditCapacity = 10000

func newAuditLog(capacity int) *auditLog {
	return &auditLog{slots: make([]auditSlot, capacity)}
}

func (a *auditLog) record(e auditRecord) {
	n := a.next.Add(1) - 1
	s := &a.slots[n%uint64(len(a.slots))]
	s.mu.Lock()
	if s.seq <= n { // a writer delayed by a whole lap must not overwrite a newer event
		s.seq, s.rec = n+1, e
	}
	s.mu.Unlock()
}

// query returns matching events, oldest first. An event whose writer has
// taken its number but not yet filled its slot is not reported.
func (a *auditLog) query(f AuditFilter) []AuditEvent {
	end, start := a.next.Load(), a.since.Load()
	capacity := uint64(len(a.slots))
	if end > capacity && end-capacity > start {
		start = end - capacity
	}
	var out []AuditEvent
	for n := start; n < end; n++ {
		s := &a.slots[n%capacity]
		s.mu.Lock()
		if s.seq == n+1 && f.match(&s.rec.AuditEvent) {
			out = append(out, s.rec.event())
		}
		s.mu.Unlock()
	}
	if f.Limit > 0 && len(out) > f.Limit {
		out = out[len(out)-f.Limit:]
	}
	return out
}

func (a *auditLog) reset() {
	a.since.Store(a.next.Load())
	for i := range a.slots {
		s := &a.slots[i]
		s.mu.Lock()
		s.seq, s.rec = 0, auditRecord{}
		s.mu.Unlock()
	}
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
