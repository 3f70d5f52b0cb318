package queue

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestConcurrentSendReceiveDelete runs in real time (run it with -race):
// senders and receivers work the same queue; receivers delete most messages
// and release some with ChangeVisibility 0. Every message must be deleted
// exactly once, none lost, a message never delivered twice while in flight,
// and on a FIFO queue each group's messages must be consumed in order.
func TestConcurrentSendReceiveDelete(t *testing.T) {
	for _, fifo := range []bool{false, true} {
		name := map[bool]string{false: "standard", true: "fifo"}[fifo]
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			const senders, perSender, receivers, groupsPerSender = 4, 1500, 6, 5
			const total = senders * perSender
			q := New(arn, defaults(Settings{FIFO: fifo, VisibilityTimeout: time.Minute}))

			var (
				mu        sync.Mutex
				consumed  = make(map[string]bool, total)
				inFlight  = make(map[string]bool)
				lastIndex = make(map[string]int) // FIFO: group → index of the last consumed message
				done      atomic.Int64
				failures  atomic.Int64
			)
			fail := func(format string, args ...any) {
				if failures.Add(1) <= 5 {
					t.Errorf(format, args...)
				}
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()

			var wg sync.WaitGroup
			for s := range senders {
				wg.Go(func() {
					for i := range perSender {
						body := fmt.Sprintf("%d/%d/%d", s, i%groupsPerSender, i)
						m := Message{Body: body, GroupID: fmt.Sprintf("%d/%d", s, i%groupsPerSender), DeduplicationID: body}
						if _, dup, err := q.Send(&m, nil); err != nil || dup {
							fail("Send %s: dup %v, err %v", body, dup, err)
						}
					}
				})
			}
			for r := range receivers {
				wg.Go(func() {
					for n := 0; ; n++ {
						got, err := q.Receive(ctx, ReceiveInput{Max: 1 + n%10, Wait: time.Second})
						if errors.Is(err, context.Canceled) {
							return
						}
						if err != nil {
							fail("Receive: %v", err)
							return
						}
						// Releasing one message releases the rest of the batch
						// too, as a FIFO consumer must to keep group order.
						releasing := false
						for k, rc := range got {
							body := rc.Message.Body
							mu.Lock()
							if inFlight[body] || consumed[body] {
								fail("%s delivered while in flight or after deletion", body)
							}
							releasing = releasing || (r+n+k)%7 == 0
							release := releasing
							if !release {
								consumed[body] = true
								if fifo {
									parts := strings.Split(body, "/")
									g := parts[0] + "/" + parts[1]
									i, _ := strconv.Atoi(parts[2])
									if last, ok := lastIndex[g]; ok && i <= last {
										fail("group %s: %d consumed after %d", g, i, last)
									}
									lastIndex[g] = i
								}
							} else {
								inFlight[body] = true
							}
							mu.Unlock()
							if release {
								mu.Lock()
								delete(inFlight, body)
								mu.Unlock()
								if err := q.ChangeVisibility(rc.ReceiptHandle, 0); err != nil {
									fail("ChangeVisibility %s: %v", body, err)
								}
								continue
							}
							if err := q.Delete(rc.ReceiptHandle); err != nil {
								fail("Delete %s: %v", body, err)
							}
							if done.Add(1) == total {
								cancel()
							}
						}
					}
				})
			}
			finished := make(chan struct{})
			go func() { wg.Wait(); close(finished) }()
			select {
			case <-finished:
			case <-time.After(time.Minute):
				cancel()
				<-finished
				t.Fatalf("timed out with %d of %d consumed", done.Load(), total)
			}
			if len(consumed) != total {
				t.Fatalf("consumed %d distinct messages, want %d", len(consumed), total)
			}
			if c := q.Counts(); c != (Counts{}) {
				t.Fatalf("left in the queue: %+v", c)
			}
		})
	}
}
