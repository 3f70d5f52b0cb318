package queue

import (
	"cmp"
	"context"
	"errors"
	"math/big"
	"slices"
	"testing"
	"testing/synctest"
	"time"
)

func fifoQueue(s Settings) *Queue {
	s.FIFO = true
	return New(arn+".fifo", defaults(s))
}

func sendFIFO(t *testing.T, q *Queue, group, body string) Message {
	t.Helper()
	return mustSend(t, q, Message{Body: body, GroupID: group, DeduplicationID: body})
}

func TestFIFOGroupOrderAndLocking(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := fifoQueue(Settings{})
		sendFIFO(t, q, "A", "a1")
		sendFIFO(t, q, "B", "b1")
		sendFIFO(t, q, "A", "a2")
		sendFIFO(t, q, "A", "a3")
		sendFIFO(t, q, "C", "c1")

		// As many of one group as possible, in order, then the next group.
		first := receive(t, q, ReceiveInput{Max: 2})
		wantBodies(t, first, "a1", "a2")
		// Group A is locked while a1 or a2 is in flight; a3 waits.
		wantBodies(t, receive(t, q, ReceiveInput{Max: 10}), "b1", "c1")
		wantBodies(t, receive(t, q, ReceiveInput{Max: 10}))

		if err := q.Delete(first[0].ReceiptHandle); err != nil {
			t.Fatal(err)
		}
		wantBodies(t, receive(t, q, ReceiveInput{Max: 10})) // a2 still in flight
		if err := q.Delete(first[1].ReceiptHandle); err != nil {
			t.Fatal(err)
		}
		wantBodies(t, receive(t, q, ReceiveInput{Max: 10}), "a3")
	})
}

func TestFIFOVisibilityTimeoutKeepsOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := fifoQueue(Settings{VisibilityTimeout: 10 * time.Second})
		sendFIFO(t, q, "A", "a1")
		sendFIFO(t, q, "A", "a2")
		got := receive(t, q, ReceiveInput{Max: 1})
		wantBodies(t, got, "a1")
		time.Sleep(10 * time.Second)
		again := receive(t, q, ReceiveInput{Max: 10})
		wantBodies(t, again, "a1", "a2")
		if again[0].Message.ReceiveCount != 2 || again[1].Message.ReceiveCount != 1 {
			t.Errorf("receive counts %d, %d", again[0].Message.ReceiveCount, again[1].Message.ReceiveCount)
		}
		// Releasing the second of two in-flight messages keeps the group locked.
		if err := q.ChangeVisibility(again[1].ReceiptHandle, 0); err != nil {
			t.Fatal(err)
		}
		wantBodies(t, receive(t, q, ReceiveInput{Max: 10}))
		q.Delete(again[0].ReceiptHandle)
		wantBodies(t, receive(t, q, ReceiveInput{Max: 10}), "a2")
	})
}

func TestFIFOLongPollWakesWhenGroupUnlocks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := fifoQueue(Settings{})
		sendFIFO(t, q, "A", "a1")
		sendFIFO(t, q, "A", "a2")
		h := receive(t, q, ReceiveInput{Max: 1})[0].ReceiptHandle
		res := poll(context.Background(), q, ReceiveInput{Wait: 20 * time.Second})
		time.Sleep(time.Second)
		synctest.Wait()
		sendFIFO(t, q, "A", "a3") // into the locked group: nothing to wake for
		synctest.Wait()
		select {
		case r := <-res:
			t.Fatalf("woke for a locked group: %q", bodiesOf(r.got))
		default:
		}
		time.Sleep(time.Second)
		q.Delete(h)
		r := <-res
		if r.elapsed != 2*time.Second {
			t.Fatalf("returned after %v", r.elapsed)
		}
		wantBodies(t, r.got, "a2", "a3")
	})
}

func TestFIFODeduplication(t *testing.T) {
	type send struct {
		group, dedup, body string
		after              time.Duration // sleep before sending
	}
	tests := []struct {
		name     string
		settings Settings
		sends    []send
		wantDup  []bool
		wantErr  error // of the last send
	}{
		{
			name:    "same id within 5 minutes",
			sends:   []send{{"g", "d", "one", 0}, {"g", "d", "two", 4*time.Minute + 59*time.Second}},
			wantDup: []bool{false, true},
		},
		{
			name:    "same id after 5 minutes",
			sends:   []send{{"g", "d", "one", 0}, {"g", "d", "two", 5 * time.Minute}},
			wantDup: []bool{false, false},
		},
		{
			name:    "queue scope spans groups",
			sends:   []send{{"g1", "d", "one", 0}, {"g2", "d", "two", 0}},
			wantDup: []bool{false, true},
		},
		{
			name:     "message group scope",
			settings: Settings{DedupPerMessageGroup: true},
			sends:    []send{{"g1", "d", "one", 0}, {"g2", "d", "two", 0}, {"g2", "d", "three", 0}},
			wantDup:  []bool{false, false, true},
		},
		{
			name:     "content based",
			settings: Settings{ContentBasedDeduplication: true},
			sends:    []send{{"g", "", "same", 0}, {"g", "", "same", 0}, {"g", "", "other", 0}},
			wantDup:  []bool{false, true, false},
		},
		{
			name:     "explicit id overrides content",
			settings: Settings{ContentBasedDeduplication: true},
			sends:    []send{{"g", "", "same", 0}, {"g", "x", "same", 0}},
			wantDup:  []bool{false, false},
		},
		{
			name:     "explicit id equal to the content hash",
			settings: Settings{ContentBasedDeduplication: true},
			sends:    []send{{"g", "", "same", 0}, {"g", contentDeduplicationID("same"), "different", 0}},
			wantDup:  []bool{false, true},
		},
		{
			name:    "no id and no content-based deduplication",
			sends:   []send{{"g", "", "one", 0}},
			wantErr: ErrMissingDeduplicationID,
		},
		{
			name:    "no group",
			sends:   []send{{"", "d", "one", 0}},
			wantErr: ErrMissingGroupID,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				q := fifoQueue(tt.settings)
				var enqueued []Message
				for i, s := range tt.sends {
					time.Sleep(s.after)
					stored, dup, err := q.Send(&Message{Body: s.body, GroupID: s.group, DeduplicationID: s.dedup}, nil)
					if tt.wantErr != nil {
						if !errors.Is(err, tt.wantErr) {
							t.Fatalf("err = %v, want %v", err, tt.wantErr)
						}
						wantCounts(t, q, Counts{})
						return
					}
					if err != nil || dup != tt.wantDup[i] {
						t.Fatalf("send %d: dup %v, err %v", i, dup, err)
					}
					if !dup {
						enqueued = append(enqueued, stored)
						continue
					}
					// AWS answers a duplicate with the original's id and sequence number.
					i := slices.IndexFunc(enqueued, func(m Message) bool { return m.ID == stored.ID })
					if i < 0 || enqueued[i].SequenceNumber != stored.SequenceNumber || enqueued[i].Body != stored.Body {
						t.Errorf("duplicate returned %+v, not an original", stored)
					}
				}
				if c := q.Counts(); c.Visible != len(enqueued) {
					t.Fatalf("%d visible, want %d", c.Visible, len(enqueued))
				}
			})
		})
	}
}

func TestFIFODeduplicationOutlivesDeletion(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := fifoQueue(Settings{ContentBasedDeduplication: true})
		orig := mustSend(t, q, Message{Body: "x", GroupID: "g"})
		if orig.DeduplicationID != contentDeduplicationID("x") {
			t.Errorf("DeduplicationID = %q, want the body's SHA-256", orig.DeduplicationID)
		}
		q.Delete(receive(t, q, ReceiveInput{})[0].ReceiptHandle)
		stored, dup, _ := q.Send(&Message{Body: "x", GroupID: "g"}, nil)
		if !dup || stored.ID != orig.ID {
			t.Fatalf("dup %v, id %q", dup, stored.ID)
		}
		wantCounts(t, q, Counts{})
	})
}

func TestFIFOSequenceNumbers(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := fifoQueue(Settings{ContentBasedDeduplication: true})
		prev := new(big.Int)
		for i := range 50 {
			m := mustSend(t, q, Message{Body: string(rune('a' + i)), GroupID: []string{"x", "y", "z"}[i%3]})
			n, ok := new(big.Int).SetString(m.SequenceNumber, 10)
			if !ok || len(m.SequenceNumber) < 20 || n.Cmp(prev) <= 0 {
				t.Fatalf("sequence number %q after %v", m.SequenceNumber, prev)
			}
			prev = n
		}
		got := receive(t, q, ReceiveInput{Max: 10})
		for _, r := range got {
			if r.Message.SequenceNumber == "" {
				t.Fatal("received message lacks its sequence number")
			}
		}
	})
}

func TestReceiveRequestAttemptID(t *testing.T) {
	tests := []struct {
		name string
		// between runs after the first receive with attempt "try" (visibility 30s).
		between  func(t *testing.T, q *Queue, first []Received)
		vt       time.Duration // default 30s
		wantSame bool
		wantBody []string // of the second receive when not the same
	}{
		{
			name:     "plain retry",
			between:  func(t *testing.T, q *Queue, first []Received) { time.Sleep(20 * time.Second) },
			wantSame: true,
		},
		{
			name: "after one message was deleted",
			between: func(t *testing.T, q *Queue, first []Received) {
				q.Delete(first[0].ReceiptHandle)
			},
			wantBody: nil, // a fresh receive: a2 still locks the group
		},
		{
			name: "after a visibility change",
			between: func(t *testing.T, q *Queue, first []Received) {
				q.ChangeVisibility(first[1].ReceiptHandle, time.Minute)
			},
			wantBody: nil,
		},
		{
			name:     "after the visibility timeout",
			between:  func(t *testing.T, q *Queue, first []Received) { time.Sleep(30 * time.Second) },
			wantBody: []string{"a1", "a2"},
		},
		{
			name:     "after 5 minutes",
			vt:       time.Hour,
			between:  func(t *testing.T, q *Queue, first []Received) { time.Sleep(5 * time.Minute) },
			wantBody: nil, // a fresh receive: the group is locked
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				q := fifoQueue(Settings{VisibilityTimeout: cmp.Or(tt.vt, 30*time.Second)})
				sendFIFO(t, q, "A", "a1")
				sendFIFO(t, q, "A", "a2")
				in := ReceiveInput{Max: 2, AttemptID: "try"}
				first := receive(t, q, in)
				wantBodies(t, first, "a1", "a2")
				tt.between(t, q, first)
				in.Max = 10
				second := receive(t, q, in)
				if !tt.wantSame {
					wantBodies(t, second, tt.wantBody...)
					return
				}
				if len(second) != len(first) {
					t.Fatalf("retry returned %q", bodiesOf(second))
				}
				for i := range first {
					if second[i].ReceiptHandle != first[i].ReceiptHandle || second[i].Message.ID != first[i].Message.ID ||
						second[i].Message.ReceiveCount != 1 {
						t.Fatalf("retry returned %+v, first %+v", second[i], first[i])
					}
				}
				// The retry restarted the visibility timeout: 30s from the retry.
				time.Sleep(29 * time.Second)
				wantBodies(t, receive(t, q, ReceiveInput{Max: 10}))
				time.Sleep(time.Second)
				wantBodies(t, receive(t, q, ReceiveInput{Max: 10}), "a1", "a2")
			})
		})
	}
}

func TestAttemptIDIgnoredOnStandardQueues(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := New(arn, defaults(Settings{}))
		sendBodies(t, q, "a", "b")
		wantBodies(t, receive(t, q, ReceiveInput{Max: 1, AttemptID: "x"}), "a")
		wantBodies(t, receive(t, q, ReceiveInput{Max: 1, AttemptID: "x"}), "b")
	})
}

func TestFIFOTakeVisibleAndEnqueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := fifoQueue(Settings{})
		dst := New(arn+"-dst.fifo", defaults(Settings{FIFO: true}))
		sendFIFO(t, src, "A", "a1")
		sendFIFO(t, src, "A", "a2")
		sendFIFO(t, src, "B", "b1")
		sendFIFO(t, src, "B", "b2")
		wantBodies(t, receive(t, src, ReceiveInput{Max: 1}), "a1")
		taken, _ := src.TakeVisible(10) // group A is locked
		if len(taken) != 2 || taken[0].Body != "b1" || taken[1].Body != "b2" {
			t.Fatalf("TakeVisible = %+v", taken)
		}
		wantCounts(t, src, Counts{Visible: 1, InFlight: 1})
		for _, m := range taken {
			if err := dst.Enqueue(m); err != nil {
				t.Fatal(err)
			}
		}
		if err := dst.Enqueue(Message{Body: "no group"}); !errors.Is(err, ErrMissingGroupID) {
			t.Errorf("Enqueue without a group: %v", err)
		}
		got := receive(t, dst, ReceiveInput{Max: 10})
		wantBodies(t, got, "b1", "b2")
		if got[0].Message.ID != taken[0].ID || got[0].Message.DeduplicationID != "b1" || got[0].Message.SequenceNumber == "" {
			t.Errorf("moved message %+v", got[0].Message)
		}
	})
}
