package queue

import (
	"testing"
	"time"
)

// Peek shows messages in the order they were stored, in every state, and
// changes nothing.
func TestPeekChangesNothing(t *testing.T) {
	q := New(arn, defaults(Settings{}))
	sendBodies(t, q, "a", "b", "c")
	q.Send(&Message{Body: "later"}, dur(time.Hour))
	receive(t, q, ReceiveInput{Max: 1, VisibilityTimeout: dur(time.Hour)}) // "a" in flight
	before := q.Counts()
	got := q.Peek(10)
	if len(got) != 4 || got[0].Body != "a" || got[0].State != InFlight || got[0].ReceiveCount != 1 ||
		got[1].Body != "b" || got[1].State != Visible || got[3].Body != "later" || got[3].State != Delayed {
		t.Fatalf("Peek = %+v", got)
	}
	if after := q.Counts(); after != before {
		t.Fatalf("counts changed: %+v → %+v", before, after)
	}
	if got := q.Peek(2); len(got) != 2 || got[1].Body != "b" {
		t.Fatalf("Peek(2) = %+v", got)
	}
	if again := receive(t, q, ReceiveInput{Max: 10}); len(again) != 2 || again[0].Message.ReceiveCount != 1 {
		t.Fatalf("a peeked message was received before: %+v", again)
	}
}
