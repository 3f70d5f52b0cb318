package emulator

import (
	"strconv"
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
