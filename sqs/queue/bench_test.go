package queue

import (
	"context"
	"strconv"
	"strings"
	"testing"
	"time"
)

var benchBody = strings.Repeat("x", 256)

func benchQueues(b *testing.B, run func(b *testing.B, q *Queue, fifo bool)) {
	for _, fifo := range []bool{false, true} {
		b.Run(map[bool]string{false: "standard", true: "fifo"}[fifo], func(b *testing.B) {
			run(b, New(arn, defaults(Settings{FIFO: fifo})), fifo)
		})
	}
}

// benchMessage returns the i-th message: FIFO messages spread over groups
// groups, each with its own deduplication id.
func benchMessage(i, groups int) Message {
	return Message{Body: benchBody, GroupID: strconv.Itoa(i % groups), DeduplicationID: strconv.Itoa(i)}
}

func BenchmarkSend(b *testing.B) {
	benchQueues(b, func(b *testing.B, q *Queue, fifo bool) {
		i := 0
		for b.Loop() {
			m := benchMessage(i, 1000)
			i++
			if _, _, err := q.Send(&m, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkSendReceiveDelete(b *testing.B) {
	benchQueues(b, func(b *testing.B, q *Queue, fifo bool) {
		ctx := context.Background()
		i := 0
		for b.Loop() {
			m := benchMessage(i, 1000)
			i++
			if _, _, err := q.Send(&m, nil); err != nil {
				b.Fatal(err)
			}
			got, err := q.Receive(ctx, ReceiveInput{Max: 1})
			if err != nil || len(got) != 1 {
				b.Fatalf("Receive: %d, %v", len(got), err)
			}
			if err := q.Delete(got[0].ReceiptHandle); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkReceiveDeepQueue keeps 100k visible messages in the queue: each
// iteration receives 10, deletes them and sends 10 more. Another 100k sit in
// flight, so the in-flight heap is deep too. FIFO messages spread over 10k
// locked groups (the in-flight ones) and 20k others.
func BenchmarkReceiveDeepQueue(b *testing.B) {
	const depth = 100_000
	for _, fifo := range []bool{false, true} {
		b.Run(map[bool]string{false: "standard", true: "fifo"}[fifo], func(b *testing.B) {
			q := New(arn, defaults(Settings{FIFO: fifo, VisibilityTimeout: time.Hour}))
			ctx := context.Background()
			send := func(i int, group string) {
				m := Message{Body: benchBody, GroupID: group, DeduplicationID: strconv.Itoa(i)}
				if _, _, err := q.Send(&m, nil); err != nil {
					b.Fatal(err)
				}
			}
			i := 0
			for ; i < depth; i++ {
				send(i, "f"+strconv.Itoa(i%10_000))
			}
			for n := 0; n < depth; {
				got, _ := q.Receive(ctx, ReceiveInput{Max: 10})
				if len(got) == 0 {
					b.Fatalf("only %d in flight", n)
				}
				n += len(got)
			}
			for ; i < 2*depth; i++ {
				send(i, "v"+strconv.Itoa(i%20_000))
			}
			if c := q.Counts(); c.Visible != depth || c.InFlight != depth {
				b.Fatalf("counts %+v", c)
			}
			for b.Loop() {
				got, err := q.Receive(ctx, ReceiveInput{Max: 10})
				if err != nil || len(got) == 0 {
					b.Fatalf("Receive: %d, %v", len(got), err)
				}
				for _, r := range got {
					q.Delete(r.ReceiptHandle)
					send(i, "v"+strconv.Itoa(i%20_000))
					i++
				}
			}
		})
	}
}
