package sqs_test

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/ferry-emulator/ferry/emulator"
	"github.com/ferry-emulator/ferry/persist"
)

// Restarts on a durable store, in a synctest bubble: visibility deadlines
// and the deduplication window are measured in the bubble's time, which
// the queues read, so a test steps over minutes at once and exactly.

// inProcess is the SDK's HTTP client for a server in the same process: it
// hands each request to the server's handler with no network between them
// (a bubble cannot wait on sockets).
type inProcess struct{ h http.Handler }

func (c inProcess) Do(r *http.Request) (*http.Response, error) {
	in := r.Clone(r.Context())
	if in.Host == "" {
		in.Host = r.URL.Host
	}
	in.RequestURI = r.URL.RequestURI()
	in.RemoteAddr = "127.0.0.1:40000"
	if in.Body == nil {
		in.Body = http.NoBody
	}
	w := httptest.NewRecorder()
	c.h.ServeHTTP(w, in)
	return w.Result(), nil
}

// durableFerry is ferry on a bbolt store in dir that a test stops and
// starts again; c is a client of the running one.
type durableFerry struct {
	t   *testing.T
	dir string
	srv *emulator.Server
	c   *sqs.Client
}

func startDurable(t *testing.T) *durableFerry {
	f := &durableFerry{t: t, dir: t.TempDir()}
	f.start()
	t.Cleanup(func() {
		if f.srv != nil {
			f.srv.Close()
		}
	})
	return f
}

func (f *durableFerry) start() {
	f.t.Helper()
	store, err := persist.OpenBolt(f.dir)
	if err != nil {
		f.t.Fatal(err)
	}
	srv, err := emulator.New(emulator.Config{Store: store})
	if err != nil {
		f.t.Fatal(err)
	}
	f.srv = srv
	f.c = sqs.New(sqs.Options{
		Region:       region,
		BaseEndpoint: aws.String("http://ferry.test"),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:      aws.NopRetryer{},
		HTTPClient:   inProcess{srv},
	})
}

func (f *durableFerry) stop() {
	f.t.Helper()
	if err := f.srv.Close(); err != nil {
		f.t.Fatal(err)
	}
	f.srv = nil
}

func (f *durableFerry) restart() {
	f.t.Helper()
	f.stop()
	f.start()
}

func (f *durableFerry) sendFIFO(url, body, group, dedup string) *sqs.SendMessageOutput {
	f.t.Helper()
	out, err := f.c.SendMessage(f.t.Context(), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body),
		MessageGroupId: aws.String(group), MessageDeduplicationId: aws.String(dedup)})
	if err != nil {
		f.t.Fatalf("send %s: %v", body, err)
	}
	return out
}

func (f *durableFerry) receiveWith(url string, max, visibility int32) []types.Message {
	f.t.Helper()
	out, err := f.c.ReceiveMessage(f.t.Context(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: max,
		VisibilityTimeout:           visibility,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll}})
	if err != nil {
		f.t.Fatalf("receive from %s: %v", url, err)
	}
	return out.Messages
}

func (f *durableFerry) delete(url string, handle *string) {
	f.t.Helper()
	if _, err := f.c.DeleteMessage(f.t.Context(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: handle}); err != nil {
		f.t.Fatalf("delete: %v", err)
	}
}

func (f *durableFerry) counts(url string) (visible, inFlight string) {
	f.t.Helper()
	a := queueAttrs(f.t, f.c, url, "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")
	return a["ApproximateNumberOfMessages"], a["ApproximateNumberOfMessagesNotVisible"]
}

func wantReceived(t *testing.T, got []types.Message, want ...string) {
	t.Helper()
	if b := bodies(got); !slices.Equal(b, want) {
		t.Fatalf("received %q, want %q", b, want)
	}
}

func receiveCount(m types.Message) string { return m.Attributes["ApproximateReceiveCount"] }

// A FIFO queue comes back from a restart as it was: each group in send
// order, a group with a message in flight locked until that message's
// visibility deadline, and deduplication ids remembered for the rest of
// their 5 minutes, and forgotten after.
func TestFIFORecoveryAfterRestart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := startDurable(t)
		url := createQueue(t, f.c, "orders.fifo", map[string]string{"FifoQueue": "true", "VisibilityTimeout": "30"})
		sent := map[string]*sqs.SendMessageOutput{}
		for _, m := range [][2]string{{"a1", "A"}, {"b1", "B"}, {"a2", "A"}, {"b2", "B"}, {"a3", "A"}, {"c1", "C"}} {
			sent[m[0]] = f.sendFIFO(url, m[0], m[1], "dedup-"+m[0])
		}
		start := time.Now()
		first := f.receiveWith(url, 1, 0)
		wantReceived(t, first, "a1") // group A is locked until start+30s

		time.Sleep(5 * time.Second)
		f.restart()

		// Group A is still locked: B and C come, each in order.
		got := f.receiveWith(url, 10, 0)
		wantReceived(t, got, "b1", "b2", "c1")
		for _, m := range got {
			f.delete(url, m.ReceiptHandle)
		}
		if got := f.receiveWith(url, 10, 0); len(got) != 0 {
			t.Fatalf("received %q while a1 is in flight", bodies(got))
		}

		// Within the 5 minutes, a duplicate is accepted, answered with the
		// original's id and sequence number, and not enqueued.
		dup := f.sendFIFO(url, "a2 again", "A", "dedup-a2")
		if aws.ToString(dup.MessageId) != aws.ToString(sent["a2"].MessageId) || aws.ToString(dup.SequenceNumber) != aws.ToString(sent["a2"].SequenceNumber) {
			t.Fatalf("duplicate after a restart: id %s seq %s, want the original's %s %s", aws.ToString(dup.MessageId),
				aws.ToString(dup.SequenceNumber), aws.ToString(sent["a2"].MessageId), aws.ToString(sent["a2"].SequenceNumber))
		}
		// A message sent after the restart goes behind its group.
		a4 := f.sendFIFO(url, "a4", "A", "dedup-a4")
		if aws.ToString(a4.SequenceNumber) <= aws.ToString(sent["c1"].SequenceNumber) {
			t.Fatalf("sequence number %s after the restart, not after %s", aws.ToString(a4.SequenceNumber), aws.ToString(sent["c1"].SequenceNumber))
		}

		// One second before a1's deadline, group A is still locked...
		time.Sleep(time.Until(start.Add(29 * time.Second)))
		if got := f.receiveWith(url, 10, 0); len(got) != 0 {
			t.Fatalf("received %q before a1's visibility deadline", bodies(got))
		}
		// ...and at it, the group comes back in order, a1 first.
		time.Sleep(time.Until(start.Add(30 * time.Second)))
		got = f.receiveWith(url, 10, 0)
		wantReceived(t, got, "a1", "a2", "a3", "a4")
		if receiveCount(got[0]) != "2" || receiveCount(got[1]) != "1" {
			t.Fatalf("receive counts %s and %s, want 2 and 1", receiveCount(got[0]), receiveCount(got[1]))
		}
		// a1's handle from before the restart is expired now that it was
		// received again (a FIFO queue says so; a standard one ignores it).
		_, err := f.c.DeleteMessage(t.Context(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: first[0].ReceiptHandle})
		wantAPIError(t, err, "InvalidParameterValue")
		if !strings.Contains(err.Error(), "The receipt handle has expired") {
			t.Fatalf("stale FIFO handle: %v", err)
		}
		for _, m := range got {
			f.delete(url, m.ReceiptHandle)
		}

		// One dedup id's window ends while ferry runs (b1's, sent at the
		// start), another's while it is stopped (a4's, sent 5 s later):
		// both ids are then accepted again, as new messages.
		time.Sleep(time.Until(start.Add(5*time.Minute - time.Second)))
		f.restart()
		if dup := f.sendFIFO(url, "b1 again", "B", "dedup-b1"); aws.ToString(dup.MessageId) != aws.ToString(sent["b1"].MessageId) {
			t.Fatal("dedup-b1 accepted again a second before its window ends")
		}
		time.Sleep(time.Second)
		againB := f.sendFIFO(url, "b1 again", "B", "dedup-b1")
		if aws.ToString(againB.MessageId) == aws.ToString(sent["b1"].MessageId) {
			t.Error("dedup-b1 still a duplicate after its 5 minutes")
		}
		if dup := f.sendFIFO(url, "a4 again", "A", "dedup-a4"); aws.ToString(dup.MessageId) != aws.ToString(a4.MessageId) {
			t.Fatal("dedup-a4 accepted again within its window")
		}
		f.stop()
		time.Sleep(time.Minute)
		f.start()
		againA := f.sendFIFO(url, "a4 again", "A", "dedup-a4")
		if aws.ToString(againA.MessageId) == aws.ToString(a4.MessageId) {
			t.Error("dedup-a4 still a duplicate after a restart past its 5 minutes")
		}
		wantReceived(t, f.receiveWith(url, 10, 0), "b1 again", "a4 again")
	})
}

// An in-flight message stays hidden across a restart until its visibility
// deadline, then comes back as received once more; the receipt handles
// handed out before the restart behave as AWS documents for DeleteMessage:
// the latest deletes, an earlier one succeeds without deleting.
func TestInFlightDeadlineAcrossRestart(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := startDurable(t)
		url := createQueue(t, f.c, "jobs", nil)
		send(t, f.c, url, "slow")
		send(t, f.c, url, "quick")
		start := time.Now()
		first := f.receiveWith(url, 10, 60)
		wantReceived(t, first, "slow", "quick")

		time.Sleep(10 * time.Second)
		f.restart()
		if v, nv := f.counts(url); v != "0" || nv != "2" {
			t.Fatalf("after the restart: %s visible, %s in flight; want 0 and 2", v, nv)
		}
		// The handle still deletes its message after the restart.
		f.delete(url, first[1].ReceiptHandle)

		time.Sleep(time.Until(start.Add(59 * time.Second)))
		if got := f.receiveWith(url, 10, 0); len(got) != 0 {
			t.Fatalf("received %q before the visibility deadline", bodies(got))
		}
		time.Sleep(time.Until(start.Add(60 * time.Second)))
		again := f.receiveWith(url, 10, 60)
		wantReceived(t, again, "slow")
		if receiveCount(again[0]) != "2" {
			t.Fatalf("ApproximateReceiveCount %s, want 2", receiveCount(again[0]))
		}
		if aws.ToString(again[0].ReceiptHandle) == aws.ToString(first[0].ReceiptHandle) {
			t.Fatal("the second delivery has the first's receipt handle")
		}
		// The earlier handle: DeleteMessage succeeds but deletes nothing
		// (API_DeleteMessage: "otherwise, the request succeeds, but the
		// message will not be deleted"); ChangeMessageVisibility refuses it.
		f.delete(url, first[0].ReceiptHandle)
		if v, nv := f.counts(url); v != "0" || nv != "1" {
			t.Fatalf("after deleting with the earlier handle: %s visible, %s in flight; want 0 and 1", v, nv)
		}
		_, err := f.c.ChangeMessageVisibility(t.Context(), &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url),
			ReceiptHandle: first[0].ReceiptHandle, VisibilityTimeout: 0})
		wantTyped[*types.ReceiptHandleIsInvalid](t, err)
		f.delete(url, again[0].ReceiptHandle)
		if v, nv := f.counts(url); v != "0" || nv != "0" {
			t.Fatalf("after deleting with the latest handle: %s visible, %s in flight", v, nv)
		}

		// A deadline that passes while ferry is stopped has passed when it
		// starts again.
		send(t, f.c, url, "abandoned")
		held := f.receiveWith(url, 1, 60)
		f.stop()
		time.Sleep(2 * time.Minute)
		f.start()
		back := f.receiveWith(url, 1, 60)
		wantReceived(t, back, "abandoned")
		if receiveCount(back[0]) != "2" {
			t.Fatalf("ApproximateReceiveCount %s, want 2", receiveCount(back[0]))
		}
		f.delete(url, held[0].ReceiptHandle) // earlier: deletes nothing
		if _, nv := f.counts(url); nv != "1" {
			t.Fatalf("%s in flight after deleting with the earlier handle, want 1", nv)
		}
		f.delete(url, back[0].ReceiptHandle)
	})
}

// The receipt handle of a message deleted before a restart never deletes
// a message sent after it: a retried DeleteMessage must not take another
// consumer's message with it.
func TestHandleOfADeletedMessageAfterRestart(t *testing.T) {
	for _, fifo := range []bool{false, true} {
		name, attrs := "standard", map[string]string(nil)
		if fifo {
			name, attrs = "fifo.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"}
		}
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				f := startDurable(t)
				url := createQueue(t, f.c, name, attrs)
				sendOne := func(body string) {
					t.Helper()
					if _, err := f.c.SendMessage(t.Context(), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body),
						MessageGroupId: aws.String("g")}); err != nil {
						t.Fatal(err)
					}
				}
				sendOne("done")
				done := f.receiveWith(url, 1, 30)
				f.delete(url, done[0].ReceiptHandle)
				// Past the deduplication window: nothing is left of "done".
				time.Sleep(6 * time.Minute)
				f.restart()

				sendOne("next")
				next := f.receiveWith(url, 1, 30)
				wantReceived(t, next, "next")
				if aws.ToString(next[0].ReceiptHandle) == aws.ToString(done[0].ReceiptHandle) {
					t.Fatal("a message after the restart got the receipt handle of one deleted before it")
				}
				if fifo {
					if got, was := next[0].Attributes["SequenceNumber"], done[0].Attributes["SequenceNumber"]; got <= was {
						t.Errorf("sequence number %s after the restart, not after %s", got, was)
					}
				}
				// Retrying the old deletion deletes nothing.
				f.c.DeleteMessage(t.Context(), &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: done[0].ReceiptHandle})
				if _, nv := f.counts(url); nv != "1" {
					t.Fatalf("%s in flight after a retried deletion of another message, want 1", nv)
				}
				f.delete(url, next[0].ReceiptHandle)
			})
		})
	}
}
