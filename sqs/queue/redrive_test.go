package queue

import (
	"context"
	"testing"
	"testing/synctest"
	"time"
)

func TestRedrive(t *testing.T) {
	tests := []struct {
		name string
		fifo bool
	}{
		{"standard", false},
		{"fifo", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				dlq := New(arn+"-dlq", defaults(Settings{FIFO: tt.fifo}))
				q := New(arn, defaults(Settings{
					FIFO: tt.fifo, VisibilityTimeout: time.Second, ContentBasedDeduplication: true,
					MaxReceiveCount: 2, DeadLetter: dlq,
				}))
				orig := mustSend(t, q, Message{Body: "poison", GroupID: "g", Attributes: map[string]Attribute{"k": {DataType: "String", StringValue: "v"}}})
				for i := 1; i <= 2; i++ {
					got := receive(t, q, ReceiveInput{Max: 1})
					wantBodies(t, got, "poison")
					if got[0].Message.ReceiveCount != i {
						t.Fatalf("ReceiveCount = %d, want %d", got[0].Message.ReceiveCount, i)
					}
					time.Sleep(time.Second)
				}
				mustSend(t, q, Message{Body: "next", GroupID: "g"})
				// The third receive moves "poison" and returns what follows it.
				wantBodies(t, receive(t, q, ReceiveInput{Max: 10}), "next")
				wantCounts(t, q, Counts{InFlight: 1})
				wantCounts(t, dlq, Counts{Visible: 1})

				got := receive(t, dlq, ReceiveInput{})
				wantBodies(t, got, "poison")
				m := got[0].Message
				if m.ID != orig.ID || m.DeadLetterSourceARN != arn || m.ReceiveCount != 3 ||
					!m.SentAt.Equal(orig.SentAt) || m.Attributes["k"].StringValue != "v" {
					t.Errorf("in the DLQ: %+v", m)
				}
				if tt.fifo {
					if m.DeduplicationID != m.ID || m.SequenceNumber == "" || m.GroupID != "g" {
						t.Errorf("FIFO DLQ message: dedup %q, seq %q, group %q", m.DeduplicationID, m.SequenceNumber, m.GroupID)
					}
				}
			})
		})
	}
}

func TestRedriveRetention(t *testing.T) {
	tests := []struct {
		name    string
		fifo    bool
		wantDLQ Counts // 90s after the move, with a 2-minute DLQ retention
	}{
		// A standard DLQ counts retention from the original enqueue time; a FIFO
		// DLQ from the move.
		{"standard keeps the enqueue time", false, Counts{}},
		{"fifo restarts it", true, Counts{Visible: 1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				dlq := New(arn+"-dlq", defaults(Settings{FIFO: tt.fifo, RetentionPeriod: 2 * time.Minute}))
				q := New(arn, defaults(Settings{
					FIFO: tt.fifo, VisibilityTimeout: time.Minute, ContentBasedDeduplication: true,
					MaxReceiveCount: 1, DeadLetter: dlq,
				}))
				mustSend(t, q, Message{Body: "a", GroupID: "g"})
				receive(t, q, ReceiveInput{})
				time.Sleep(time.Minute)
				wantBodies(t, receive(t, q, ReceiveInput{}))
				wantCounts(t, dlq, Counts{Visible: 1})
				time.Sleep(90 * time.Second)
				wantCounts(t, dlq, tt.wantDLQ)
			})
		})
	}
}

func TestRedriveToDeletedQueueKeepsMessage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dlq := New(arn+"-dlq", defaults(Settings{}))
		q := New(arn, defaults(Settings{VisibilityTimeout: time.Second, MaxReceiveCount: 1, DeadLetter: dlq}))
		sendBodies(t, q, "a")
		receive(t, q, ReceiveInput{})
		time.Sleep(time.Second)
		dlq.Close()
		got := receive(t, q, ReceiveInput{})
		wantBodies(t, got, "a")
		if got[0].Message.ReceiveCount != 2 {
			t.Errorf("ReceiveCount = %d", got[0].Message.ReceiveCount)
		}
	})
}

func TestRedriveRestoresWhenDLQVanishes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		for _, fifo := range []bool{false, true} {
			q := New(arn, defaults(Settings{FIFO: fifo, ContentBasedDeduplication: true}))
			mustSend(t, q, Message{Body: "a", GroupID: "g"})
			mustSend(t, q, Message{Body: "b", GroupID: "g"})
			q.mu.Lock()
			e := q.ready.head
			if fifo {
				e = q.readyGroups.head.list.head
			}
			mv := moved{msg: e.msg.message(), enqueuedAt: e.enqueuedAt.time()}
			q.remove(e)
			q.mu.Unlock()

			gone := New(arn+"-dlq", defaults(Settings{FIFO: fifo}))
			gone.Close()
			q.moveToDeadLetter(gone, []moved{mv})
			want := []string{"b", "a"}
			if fifo {
				want = []string{"a", "b"} // back at the head of its group
			}
			wantBodies(t, receive(t, q, ReceiveInput{}), want...)
		}
	})
}

func TestRedriveLoopBetweenQueues(t *testing.T) {
	// Two queues that are each other's DLQ: moving never holds both locks.
	synctest.Test(t, func(t *testing.T) {
		a := New(arn+"-a", defaults(Settings{VisibilityTimeout: time.Second}))
		b := New(arn+"-b", defaults(Settings{VisibilityTimeout: time.Second, MaxReceiveCount: 1, DeadLetter: a}))
		sa := a.Settings()
		sa.MaxReceiveCount, sa.DeadLetter = 1, b
		a.SetSettings(sa)
		sendBodies(t, a, "x")
		receive(t, a, ReceiveInput{})
		time.Sleep(time.Second)
		wantBodies(t, receive(t, a, ReceiveInput{})) // moved to b
		wantBodies(t, receive(t, b, ReceiveInput{})) // still over the limit: back to a
		got := receive(t, a, ReceiveInput{})
		if len(got) != 0 {
			t.Fatalf("got %q", bodiesOf(got))
		}
		ca, cb := a.Counts(), b.Counts()
		if ca.Visible+cb.Visible != 1 {
			t.Fatalf("message lost or duplicated: %+v %+v", ca, cb)
		}
	})
}

func TestRedriveWakesDLQLongPoll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		dlq := New(arn+"-dlq", defaults(Settings{}))
		q := New(arn, defaults(Settings{VisibilityTimeout: time.Second, MaxReceiveCount: 1, DeadLetter: dlq}))
		sendBodies(t, q, "a")
		receive(t, q, ReceiveInput{})
		res := poll(context.Background(), dlq, ReceiveInput{Wait: 20 * time.Second})
		time.Sleep(5 * time.Second)
		wantBodies(t, receive(t, q, ReceiveInput{}))
		r := <-res
		if r.elapsed != 5*time.Second {
			t.Errorf("DLQ long poll returned after %v", r.elapsed)
		}
		wantBodies(t, r.got, "a")
	})
}
