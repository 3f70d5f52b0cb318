package queue

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"
)

// The tests run in synctest bubbles: time is fake and advances only when every
// goroutine of the bubble is blocked, so a long poll that wakes "at once" is
// seen to return with no time elapsed. A bubble also fails the test if a
// receiver is left blocked at its end.

const arn = "arn:aws:sqs:us-east-1:000000000000:q"

func defaults(s Settings) Settings {
	if s.VisibilityTimeout == 0 {
		s.VisibilityTimeout = 30 * time.Second
	}
	if s.RetentionPeriod == 0 {
		s.RetentionPeriod = 4 * 24 * time.Hour
	}
	return s
}

func dur(d time.Duration) *time.Duration { return &d }

func mustSend(t *testing.T, q *Queue, m Message) Message {
	t.Helper()
	stored, dup, err := q.Send(&m, nil)
	if err != nil || dup {
		t.Fatalf("Send(%q) = dup %v, err %v", m.Body, dup, err)
	}
	return stored
}

func sendBodies(t *testing.T, q *Queue, bodies ...string) {
	t.Helper()
	for _, b := range bodies {
		mustSend(t, q, Message{Body: b})
	}
}

func receive(t *testing.T, q *Queue, in ReceiveInput) []Received {
	t.Helper()
	if in.Max == 0 {
		in.Max = 10
	}
	got, err := q.Receive(context.Background(), in)
	if err != nil {
		t.Fatalf("Receive: %v", err)
	}
	return got
}

func bodiesOf(rs []Received) []string {
	out := make([]string, len(rs))
	for i, r := range rs {
		out[i] = r.Message.Body
	}
	return out
}

func wantBodies(t *testing.T, got []Received, want ...string) {
	t.Helper()
	if b := bodiesOf(got); !slices.Equal(b, want) && !(len(b) == 0 && len(want) == 0) {
		t.Fatalf("received %q, want %q", b, want)
	}
}

func wantCounts(t *testing.T, q *Queue, want Counts) {
	t.Helper()
	if got := q.Counts(); got != want {
		t.Fatalf("Counts() = %+v, want %+v", got, want)
	}
}

// poll starts a long poll and returns a channel with its result.
type pollResult struct {
	got     []Received
	err     error
	elapsed time.Duration
}

func poll(ctx context.Context, q *Queue, in ReceiveInput) <-chan pollResult {
	ch := make(chan pollResult, 1)
	if in.Max == 0 {
		in.Max = 10
	}
	go func() {
		start := time.Now()
		got, err := q.Receive(ctx, in)
		ch <- pollResult{got, err, time.Since(start)}
	}()
	return ch
}

func TestSendAssignsIDAndTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := New(arn, defaults(Settings{}))
		m := Message{Body: "hello", MD5OfBody: "5d41402abc4b2a76b9719d911017c592"}
		stored := mustSend(t, q, m)
		if len(stored.ID) != 36 || stored.ID[14] != '4' {
			t.Errorf("ID = %q, want a UUID v4", stored.ID)
		}
		if !stored.SentAt.Equal(time.Now()) || stored.SequenceNumber != "" {
			t.Errorf("SentAt %v, SequenceNumber %q", stored.SentAt, stored.SequenceNumber)
		}
		if m.ID != "" {
			t.Error("Send modified its argument")
		}
		kept := mustSend(t, q, Message{ID: "given", Body: "x"})
		if kept.ID != "given" {
			t.Errorf("ID = %q, want the given one", kept.ID)
		}
		got := receive(t, q, ReceiveInput{Max: 1})
		if got[0].Message.ID != stored.ID || got[0].Message.MD5OfBody != m.MD5OfBody {
			t.Errorf("received %+v", got[0].Message)
		}
	})
}

func TestVisibilityTimeout(t *testing.T) {
	tests := []struct {
		name     string
		queueVT  time.Duration
		receive  *time.Duration
		wantHide time.Duration
	}{
		{"queue default", 30 * time.Second, nil, 30 * time.Second},
		{"per receive", 30 * time.Second, dur(5 * time.Second), 5 * time.Second},
		{"per receive longer", 10 * time.Second, dur(2 * time.Minute), 2 * time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				q := New(arn, defaults(Settings{VisibilityTimeout: tt.queueVT}))
				sendBodies(t, q, "a")
				start := time.Now()
				first := receive(t, q, ReceiveInput{VisibilityTimeout: tt.receive})
				wantBodies(t, first, "a")
				if rc := first[0].Message.ReceiveCount; rc != 1 {
					t.Fatalf("ReceiveCount = %d, want 1", rc)
				}
				wantCounts(t, q, Counts{InFlight: 1})

				time.Sleep(tt.wantHide - time.Millisecond)
				wantBodies(t, receive(t, q, ReceiveInput{}))
				time.Sleep(time.Millisecond)
				wantCounts(t, q, Counts{Visible: 1})

				again := receive(t, q, ReceiveInput{})
				wantBodies(t, again, "a")
				m := again[0].Message
				if m.ReceiveCount != 2 || !m.FirstReceiveAt.Equal(start) {
					t.Errorf("ReceiveCount %d, FirstReceiveAt %v; want 2, %v", m.ReceiveCount, m.FirstReceiveAt, start)
				}
				if again[0].ReceiptHandle == first[0].ReceiptHandle {
					t.Error("a second delivery reused the receipt handle")
				}
			})
		})
	}
}

func TestChangeVisibility(t *testing.T) {
	tests := []struct {
		name string
		// act runs 5s after the message was received with a 10s visibility timeout.
		act         func(q *Queue, handle string) error
		wantErr     error
		visibleFrom time.Duration // after the receive; 0: not checked
	}{
		{
			name:        "extend counts from now",
			act:         func(q *Queue, h string) error { return q.ChangeVisibility(h, 20*time.Second) },
			visibleFrom: 25 * time.Second,
		},
		{
			name:        "shorten",
			act:         func(q *Queue, h string) error { return q.ChangeVisibility(h, time.Second) },
			visibleFrom: 6 * time.Second,
		},
		{
			name:        "zero makes it visible now",
			act:         func(q *Queue, h string) error { return q.ChangeVisibility(h, 0) },
			visibleFrom: 5 * time.Second,
		},
		{
			name: "not in flight",
			act: func(q *Queue, h string) error {
				time.Sleep(5 * time.Second) // the visibility timeout ends
				return q.ChangeVisibility(h, time.Minute)
			},
			wantErr:     ErrMessageNotInflight,
			visibleFrom: 10 * time.Second,
		},
		{
			name: "deleted",
			act: func(q *Queue, h string) error {
				if err := q.Delete(h); err != nil {
					return err
				}
				return q.ChangeVisibility(h, time.Minute)
			},
			wantErr: ErrInvalidReceiptHandle,
		},
		{
			name: "received again since",
			act: func(q *Queue, h string) error {
				q.ChangeVisibility(h, 0)
				q.Receive(context.Background(), ReceiveInput{Max: 1})
				return q.ChangeVisibility(h, time.Minute)
			},
			wantErr: ErrInvalidReceiptHandle,
		},
		{
			name:    "malformed",
			act:     func(q *Queue, h string) error { return q.ChangeVisibility("not a handle!", time.Minute) },
			wantErr: ErrInvalidReceiptHandle,
		},
		{
			name: "another queue's",
			act: func(q *Queue, h string) error {
				other := New(arn, defaults(Settings{}))
				return other.ChangeVisibility(h, time.Minute)
			},
			wantErr:     ErrInvalidReceiptHandle,
			visibleFrom: 10 * time.Second,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				q := New(arn, defaults(Settings{VisibilityTimeout: 10 * time.Second}))
				sendBodies(t, q, "a")
				start := time.Now()
				h := receive(t, q, ReceiveInput{})[0].ReceiptHandle
				time.Sleep(5 * time.Second)
				if err := tt.act(q, h); !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				if tt.visibleFrom == 0 {
					return
				}
				if d := tt.visibleFrom - time.Since(start); d > 0 {
					time.Sleep(d - time.Millisecond)
					if c := q.Counts(); c.Visible != 0 {
						t.Fatalf("visible %v early", d)
					}
					time.Sleep(time.Millisecond)
				}
				wantBodies(t, receive(t, q, ReceiveInput{}), "a")
			})
		})
	}
}

func TestChangeVisibilityZeroWakesLongPoll(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := New(arn, defaults(Settings{}))
		sendBodies(t, q, "a")
		h := receive(t, q, ReceiveInput{})[0].ReceiptHandle
		res := poll(context.Background(), q, ReceiveInput{Wait: 20 * time.Second})
		time.Sleep(3 * time.Second)
		synctest.Wait()
		if err := q.ChangeVisibility(h, 0); err != nil {
			t.Fatal(err)
		}
		r := <-res
		if r.err != nil || r.elapsed != 3*time.Second {
			t.Fatalf("long poll returned after %v, err %v; want 3s", r.elapsed, r.err)
		}
		wantBodies(t, r.got, "a")
	})
}

func TestDelay(t *testing.T) {
	tests := []struct {
		name       string
		fifo       bool
		queueDelay time.Duration
		msgDelay   *time.Duration
		want       time.Duration
	}{
		{"none", false, 0, nil, 0},
		{"queue delay", false, 10 * time.Second, nil, 10 * time.Second},
		{"message delay", false, 0, dur(5 * time.Second), 5 * time.Second},
		{"message delay overrides queue", false, 10 * time.Second, dur(3 * time.Second), 3 * time.Second},
		{"message delay zero overrides queue", false, 10 * time.Second, dur(0), 0},
		{"fifo uses the queue delay", true, 10 * time.Second, dur(3 * time.Second), 10 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				q := New(arn, defaults(Settings{FIFO: tt.fifo, Delay: tt.queueDelay}))
				m := Message{Body: "a", GroupID: "g", DeduplicationID: "d"}
				if _, _, err := q.Send(&m, tt.msgDelay); err != nil {
					t.Fatal(err)
				}
				if tt.want > 0 {
					wantCounts(t, q, Counts{Delayed: 1})
					time.Sleep(tt.want - time.Millisecond)
					wantBodies(t, receive(t, q, ReceiveInput{}))
					time.Sleep(time.Millisecond)
				}
				wantCounts(t, q, Counts{Visible: 1})
				wantBodies(t, receive(t, q, ReceiveInput{}), "a")
			})
		})
	}
}

func TestFIFODelayIsRetroactive(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := defaults(Settings{FIFO: true, Delay: time.Minute, ContentBasedDeduplication: true})
		q := New(arn, s)
		mustSend(t, q, Message{Body: "a", GroupID: "g"})
		res := poll(context.Background(), q, ReceiveInput{Wait: 20 * time.Second})
		time.Sleep(5 * time.Second)
		synctest.Wait()
		s.Delay = 5 * time.Second // already over for "a"
		q.SetSettings(s)
		r := <-res
		if r.err != nil || r.elapsed != 5*time.Second {
			t.Fatalf("long poll returned after %v, err %v", r.elapsed, r.err)
		}
		wantBodies(t, r.got, "a")
	})
}

func TestRetention(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := New(arn, defaults(Settings{RetentionPeriod: time.Minute, VisibilityTimeout: time.Hour}))
		sendBodies(t, q, "in flight")
		h := receive(t, q, ReceiveInput{})[0].ReceiptHandle
		time.Sleep(30 * time.Second)
		sendBodies(t, q, "visible")
		time.Sleep(30*time.Second - time.Millisecond)
		wantCounts(t, q, Counts{Visible: 1, InFlight: 1})
		time.Sleep(time.Millisecond)
		wantCounts(t, q, Counts{Visible: 1})
		if err := q.Delete(h); err != nil {
			t.Errorf("Delete of an expired message: %v", err)
		}
		time.Sleep(30 * time.Second)
		wantCounts(t, q, Counts{})
		wantBodies(t, receive(t, q, ReceiveInput{}))
	})
}

func TestLongPoll(t *testing.T) {
	tests := []struct {
		name        string
		setup       func(t *testing.T, q *Queue) // before the poll starts
		during      func(t *testing.T, q *Queue) // 2s into the poll
		wantAfter   time.Duration
		wantBodies  []string
		queueConfig Settings
	}{
		{
			name:       "nothing arrives",
			wantAfter:  20 * time.Second,
			wantBodies: nil,
		},
		{
			name:       "a send wakes it",
			during:     func(t *testing.T, q *Queue) { sendBodies(t, q, "a") },
			wantAfter:  2 * time.Second,
			wantBodies: []string{"a"},
		},
		{
			name:       "a delayed send wakes it when the delay ends",
			during:     func(t *testing.T, q *Queue) { q.Send(&Message{Body: "a"}, dur(7*time.Second)) },
			wantAfter:  9 * time.Second,
			wantBodies: []string{"a"},
		},
		{
			name:       "a delay ending after the wait",
			during:     func(t *testing.T, q *Queue) { q.Send(&Message{Body: "a"}, dur(time.Minute)) },
			wantAfter:  20 * time.Second,
			wantBodies: nil,
		},
		{
			name: "a visibility timeout ending wakes it",
			setup: func(t *testing.T, q *Queue) {
				sendBodies(t, q, "a")
				receive(t, q, ReceiveInput{VisibilityTimeout: dur(12 * time.Second)})
			},
			wantAfter:  12 * time.Second,
			wantBodies: []string{"a"},
		},
		{
			name: "a visibility timeout shortened during the wait",
			setup: func(t *testing.T, q *Queue) {
				sendBodies(t, q, "a")
				h := receive(t, q, ReceiveInput{VisibilityTimeout: dur(time.Hour)})[0].ReceiptHandle
				go func() {
					time.Sleep(4 * time.Second)
					q.ChangeVisibility(h, 3*time.Second)
				}()
			},
			wantAfter:  7 * time.Second,
			wantBodies: []string{"a"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				q := New(arn, defaults(tt.queueConfig))
				if tt.setup != nil {
					tt.setup(t, q)
				}
				res := poll(context.Background(), q, ReceiveInput{Wait: 20 * time.Second})
				if tt.during != nil {
					time.Sleep(2 * time.Second)
					synctest.Wait()
					tt.during(t, q)
				}
				r := <-res
				if r.err != nil || r.elapsed != tt.wantAfter {
					t.Fatalf("returned after %v with err %v, want %v", r.elapsed, r.err, tt.wantAfter)
				}
				wantBodies(t, r.got, tt.wantBodies...)
			})
		})
	}
}

func TestLongPollManyWaiters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := New(arn, defaults(Settings{}))
		var polls []<-chan pollResult
		for range 5 {
			polls = append(polls, poll(context.Background(), q, ReceiveInput{Max: 1, Wait: 20 * time.Second}))
		}
		synctest.Wait()
		sendBodies(t, q, "a", "b", "c")
		var got []string
		for _, p := range polls {
			r := <-p
			got = append(got, bodiesOf(r.got)...)
		}
		slices.Sort(got)
		if !slices.Equal(got, []string{"a", "b", "c"}) {
			t.Fatalf("polls got %q", got)
		}
	})
}

func TestReceiveContextCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := New(arn, defaults(Settings{}))
		ctx, cancel := context.WithCancel(context.Background())
		res := poll(ctx, q, ReceiveInput{Wait: 20 * time.Second})
		time.Sleep(time.Second)
		cancel()
		r := <-res
		if !errors.Is(r.err, context.Canceled) || r.elapsed != time.Second {
			t.Fatalf("err %v after %v", r.err, r.elapsed)
		}
		// The cancelled receiver took nothing.
		sendBodies(t, q, "a")
		wantBodies(t, receive(t, q, ReceiveInput{}), "a")

		done, cancel2 := context.WithCancel(context.Background())
		cancel2()
		if _, err := q.Receive(done, ReceiveInput{Max: 1}); !errors.Is(err, context.Canceled) {
			t.Fatalf("Receive with a done context: %v", err)
		}
	})
}

func TestClose(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := New(arn, defaults(Settings{}))
		sendBodies(t, q, "a")
		h := receive(t, q, ReceiveInput{})[0].ReceiptHandle
		res := poll(context.Background(), q, ReceiveInput{Wait: 20 * time.Second})
		other := poll(context.Background(), q, ReceiveInput{Wait: 20 * time.Second})
		time.Sleep(time.Second)
		q.Close()
		for _, p := range []<-chan pollResult{res, other} {
			if r := <-p; !errors.Is(r.err, ErrQueueDeleted) || r.elapsed != time.Second {
				t.Fatalf("waiting receiver: err %v after %v", r.err, r.elapsed)
			}
		}
		if _, _, err := q.Send(&Message{Body: "b"}, nil); !errors.Is(err, ErrQueueDeleted) {
			t.Errorf("Send: %v", err)
		}
		if _, err := q.Receive(context.Background(), ReceiveInput{Max: 1}); !errors.Is(err, ErrQueueDeleted) {
			t.Errorf("Receive: %v", err)
		}
		if err := q.Delete(h); !errors.Is(err, ErrQueueDeleted) {
			t.Errorf("Delete: %v", err)
		}
		if err := q.ChangeVisibility(h, 0); !errors.Is(err, ErrQueueDeleted) {
			t.Errorf("ChangeVisibility: %v", err)
		}
		if err := q.Enqueue(Message{Body: "c"}); !errors.Is(err, ErrQueueDeleted) {
			t.Errorf("Enqueue: %v", err)
		}
		if n := q.Purge(); n != 0 {
			t.Errorf("Purge = %d", n)
		}
		wantCounts(t, q, Counts{})
		q.Close() // idempotent
	})
}

func TestDelete(t *testing.T) {
	tests := []struct {
		name        string
		fifo        bool
		act         func(t *testing.T, q *Queue, h string) error
		wantErr     error
		wantCounts  Counts
		wantVisible bool
	}{
		{
			name: "latest handle",
			act:  func(t *testing.T, q *Queue, h string) error { return q.Delete(h) },
		},
		{
			name: "twice",
			act: func(t *testing.T, q *Queue, h string) error {
				q.Delete(h)
				return q.Delete(h)
			},
		},
		{
			name: "latest handle after the visibility timeout",
			act: func(t *testing.T, q *Queue, h string) error {
				time.Sleep(time.Minute)
				return q.Delete(h)
			},
		},
		{
			name: "stale handle succeeds but does not delete",
			act: func(t *testing.T, q *Queue, h string) error {
				q.ChangeVisibility(h, 0)
				receive(t, q, ReceiveInput{})
				return q.Delete(h)
			},
			wantCounts: Counts{InFlight: 1},
		},
		{
			name:       "malformed",
			act:        func(t *testing.T, q *Queue, h string) error { return q.Delete(h[:len(h)-2]) },
			wantErr:    ErrInvalidReceiptHandle,
			wantCounts: Counts{InFlight: 1},
		},
		{
			name: "never issued",
			act: func(t *testing.T, q *Queue, h string) error {
				return q.Delete(q.handle(q.lastKey+1, 1))
			},
			wantErr:    ErrInvalidReceiptHandle,
			wantCounts: Counts{InFlight: 1},
		},
		{
			name: "fifo latest handle",
			fifo: true,
			act:  func(t *testing.T, q *Queue, h string) error { return q.Delete(h) },
		},
		{
			name: "fifo handle after the visibility timeout",
			fifo: true,
			act: func(t *testing.T, q *Queue, h string) error {
				time.Sleep(time.Minute)
				return q.Delete(h)
			},
			wantErr:    ErrReceiptHandleExpired,
			wantCounts: Counts{Visible: 1},
		},
		{
			name: "fifo stale handle",
			fifo: true,
			act: func(t *testing.T, q *Queue, h string) error {
				q.ChangeVisibility(h, 0)
				receive(t, q, ReceiveInput{})
				return q.Delete(h)
			},
			wantErr:    ErrReceiptHandleExpired,
			wantCounts: Counts{InFlight: 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				q := New(arn, defaults(Settings{FIFO: tt.fifo, ContentBasedDeduplication: true}))
				mustSend(t, q, Message{Body: "a", GroupID: "g"})
				h := receive(t, q, ReceiveInput{})[0].ReceiptHandle
				if err := tt.act(t, q, h); !errors.Is(err, tt.wantErr) {
					t.Fatalf("err = %v, want %v", err, tt.wantErr)
				}
				wantCounts(t, q, tt.wantCounts)
			})
		})
	}
}

func TestPurgeAndCounts(t *testing.T) {
	for _, fifo := range []bool{false, true} {
		t.Run(map[bool]string{false: "standard", true: "fifo"}[fifo], func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				q := New(arn, defaults(Settings{FIFO: fifo, ContentBasedDeduplication: true}))
				for i, b := range []string{"a", "b", "c", "d"} {
					mustSend(t, q, Message{Body: b, GroupID: string(rune('p' + i))})
				}
				q.Send(&Message{Body: "e"}, dur(time.Minute)) // a FIFO queue: no group, refused
				s := q.Settings()
				s.Delay = time.Minute
				q.SetSettings(s)
				mustSend(t, q, Message{Body: "f", GroupID: "z"})
				h := receive(t, q, ReceiveInput{Max: 2})[0].ReceiptHandle
				want := Counts{Visible: 2, InFlight: 2, Delayed: 1}
				if !fifo {
					want.Delayed = 2
				}
				wantCounts(t, q, want)
				if n := q.Purge(); n != want.Visible+want.InFlight+want.Delayed {
					t.Fatalf("Purge = %d", n)
				}
				wantCounts(t, q, Counts{})
				if err := q.Delete(h); err != nil {
					t.Errorf("Delete of a purged message: %v", err)
				}
				time.Sleep(2 * time.Minute)
				wantBodies(t, receive(t, q, ReceiveInput{}))
				// The queue works after a purge.
				mustSend(t, q, Message{Body: "g", GroupID: "g", DeduplicationID: "new"})
				time.Sleep(time.Minute)
				wantBodies(t, receive(t, q, ReceiveInput{}), "g")
			})
		})
	}
}

func TestTakeVisibleAndEnqueue(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		src := New(arn, defaults(Settings{}))
		dst := New(arn+"-dst", defaults(Settings{}))
		sendBodies(t, src, "a", "b", "c", "d")
		receive(t, src, ReceiveInput{Max: 1}) // "a" in flight
		src.Send(&Message{Body: "delayed"}, dur(time.Minute))
		taken, keys := src.TakeVisible(2)
		if len(keys) != 2 || keys[0] == keys[1] {
			t.Fatalf("keys %v", keys)
		}
		if b := []string{taken[0].Body, taken[1].Body}; !slices.Equal(b, []string{"b", "c"}) {
			t.Fatalf("TakeVisible(2) = %q", b)
		}
		wantCounts(t, src, Counts{Visible: 1, InFlight: 1, Delayed: 1})
		more, _ := src.TakeVisible(10)
		taken = append(taken, more...)
		if len(taken) != 3 {
			t.Fatalf("took %d", len(taken))
		}
		time.Sleep(time.Second)
		for _, m := range taken {
			m.ReceiveCount = 3
			if err := dst.Enqueue(m); err != nil {
				t.Fatal(err)
			}
		}
		got := receive(t, dst, ReceiveInput{})
		wantBodies(t, got, "b", "c", "d")
		for i, r := range got {
			if r.Message.ID != taken[i].ID || !r.Message.SentAt.Equal(taken[i].SentAt) || r.Message.ReceiveCount != 1 {
				t.Errorf("moved message %+v, was %+v", r.Message, taken[i])
			}
		}
	})
}

func TestReceiveOrderStandard(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := New(arn, defaults(Settings{}))
		sendBodies(t, q, "a", "b", "c", "d", "e")
		wantBodies(t, receive(t, q, ReceiveInput{Max: 2}), "a", "b")
		wantBodies(t, receive(t, q, ReceiveInput{Max: 2}), "c", "d")
		wantBodies(t, receive(t, q, ReceiveInput{Max: 2}), "e")
		wantBodies(t, receive(t, q, ReceiveInput{Max: 2}))
	})
}

func TestReceiptHandleShort(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		q := New(arn, defaults(Settings{}))
		sendBodies(t, q, "a")
		h := receive(t, q, ReceiveInput{})[0].ReceiptHandle
		if len(h) > 40 {
			t.Errorf("receipt handle %q is %d long", h, len(h))
		}
		if _, _, ok := q.parseHandle(h + "A"); ok {
			t.Error("a handle with trailing data parsed")
		}
	})
}

func TestSetSettings(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := defaults(Settings{VisibilityTimeout: time.Minute})
		q := New(arn, s)
		sendBodies(t, q, "a", "b")
		receive(t, q, ReceiveInput{Max: 1}) // "a", in flight for a minute
		time.Sleep(10 * time.Second)

		s.VisibilityTimeout = 5 * time.Second
		s.Delay = time.Hour // standard: not retroactive
		s.FIFO = true       // ignored
		q.SetSettings(s)
		if q.Settings().FIFO {
			t.Error("SetSettings changed FIFO")
		}
		h := receive(t, q, ReceiveInput{Max: 1})
		wantBodies(t, h, "b")
		time.Sleep(5 * time.Second) // "b" uses the new visibility timeout; "a" keeps its minute
		wantCounts(t, q, Counts{Visible: 1, InFlight: 1})

		s.RetentionPeriod = 10 * time.Second
		q.SetSettings(s)
		wantCounts(t, q, Counts{})
	})
}
