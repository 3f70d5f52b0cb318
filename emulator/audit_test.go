package emulator

import (
	"fmt"
	"strconv"
	"sync"
	"testing"
)

func TestAuditLogRingAndFilters(t *testing.T) {
	a := newAuditLog(4)
	for i := 0; i < 6; i++ {
		d := "Allow"
		if i%2 == 1 {
			d = "Deny"
		}
		a.record(auditRecord{AuditEvent: AuditEvent{RequestID: strconv.Itoa(i), Account: "111111111111", Decision: d, Action: "sqs:SendMessage"}})
	}
	ids := func(events []AuditEvent) string {
		s := ""
		for _, e := range events {
			s += e.RequestID
		}
		return s
	}
	tests := []struct {
		name string
		f    AuditFilter
		want string
	}{
		{"oldest dropped, newest last", AuditFilter{}, "2345"},
		{"by decision", AuditFilter{Decision: "Deny"}, "35"},
		{"by account and action", AuditFilter{Account: "111111111111", Action: "sqs:SendMessage"}, "2345"},
		{"no match", AuditFilter{Principal: "arn:aws:iam::1:user/x"}, ""},
		{"limit keeps the newest", AuditFilter{Limit: 2}, "45"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := ids(a.query(tc.f)); got != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	a.reset()
	if got := a.query(AuditFilter{}); len(got) != 0 {
		t.Fatalf("after reset: %v", got)
	}
}

func TestAuditLogConcurrentWriters(t *testing.T) {
	const capacity, writers, each = 64, 8, 500
	a := newAuditLog(capacity)
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				a.record(auditRecord{AuditEvent: AuditEvent{RequestID: fmt.Sprintf("%d-%d", w, i)}})
				if i%100 == 0 {
					a.query(AuditFilter{}) // readers run alongside writers
				}
			}
		}()
	}
	wg.Wait()
	got := a.query(AuditFilter{})
	if len(got) != capacity {
		t.Fatalf("kept %d events, want the ring's %d", len(got), capacity)
	}
	seen := map[string]bool{}
	last := map[int]int{} // per writer, the newest event reported so far
	for _, e := range got {
		if seen[e.RequestID] {
			t.Fatalf("event %s reported twice", e.RequestID)
		}
		seen[e.RequestID] = true
		var w, i int
		fmt.Sscanf(e.RequestID, "%d-%d", &w, &i)
		if prev, ok := last[w]; ok && i <= prev {
			t.Fatalf("writer %d: event %d reported after %d", w, i, prev)
		}
		last[w] = i
	}
	// Each writer recorded more events after its first than the ring holds.
	for w := 0; w < writers; w++ {
		if id := fmt.Sprintf("%d-0", w); seen[id] {
			t.Errorf("event %s outlived %d newer ones", id, each-1)
		}
	}
	a.reset()
	a.record(auditRecord{AuditEvent: AuditEvent{RequestID: "after"}})
	if got := a.query(AuditFilter{}); len(got) != 1 || got[0].RequestID != "after" {
		t.Fatalf("after reset and one record: %v", got)
	}
}
