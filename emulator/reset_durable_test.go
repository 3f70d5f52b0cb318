package emulator_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	bolt "go.etcd.io/bbolt"

	"github.com/ferry-emulator/ferry/emulator"
	"github.com/ferry-emulator/ferry/persist"
)

// runDurable starts ferry on the bbolt store in dir.
func runDurable(t *testing.T, dir string) (*emulator.Server, *sqs.Client) {
	t.Helper()
	store, err := persist.OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := emulator.Run(emulator.Config{Listen: "127.0.0.1:0", MQTTListen: "off", Store: store})
	if err != nil {
		store.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv, sqs.New(sqs.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL()),
		Credentials:  credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:      aws.NopRetryer{},
	})
}

// POST /_ferry/reset on a durable store drops what is on disk too: after a
// restart on the same directory, nothing that was there before comes back.
func TestResetDropsDurableState(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	srv, c := runDurable(t, dir)

	std, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	fifo, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders.fifo"),
		Attributes: map[string]string{"FifoQueue": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	for _, body := range []string{"one", "two", "three"} {
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: std.QueueUrl, MessageBody: aws.String(body)}); err != nil {
			t.Fatal(err)
		}
	}
	fifoSent, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: fifo.QueueUrl, MessageBody: aws.String("f"),
		MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("d")})
	if err != nil {
		t.Fatal(err)
	}
	// One message in flight, one deleted: every kind of record is on disk.
	got, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: std.QueueUrl, MaxNumberOfMessages: 2, VisibilityTimeout: 600})
	if err != nil || len(got.Messages) != 2 {
		t.Fatalf("receive: %v", err)
	}
	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: std.QueueUrl, ReceiptHandle: got.Messages[0].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}

	resp, err := http.Post(srv.URL()+"/_ferry/reset", "", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("POST /_ferry/reset: %d", resp.StatusCode)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	// On disk: the schema and nothing else.
	db, err := bolt.Open(filepath.Join(dir, persist.BoltFile), 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var buckets []string
	db.View(func(tx *bolt.Tx) error {
		return tx.ForEach(func(name []byte, _ *bolt.Bucket) error {
			buckets = append(buckets, string(name))
			return nil
		})
	})
	db.Close()
	if len(buckets) != 1 || buckets[0] != "ferry.meta" {
		t.Fatalf("buckets on disk after the reset: %q, want only ferry.meta", buckets)
	}

	// Through the API, after a restart on the same directory.
	_, c = runDurable(t, dir)
	list, err := c.ListQueues(ctx, &sqs.ListQueuesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.QueueUrls) != 0 {
		t.Fatalf("queues after the reset and a restart: %v", list.QueueUrls)
	}
	_, err = c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("orders")})
	if qe := (*types.QueueDoesNotExist)(nil); !errors.As(err, &qe) {
		t.Fatalf("GetQueueUrl orders after the reset: %v", err)
	}
	// Created again, the queues are empty, and the FIFO queue has
	// forgotten its deduplication ids.
	std, err = c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	fifo, err = c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders.fifo"),
		Attributes: map[string]string{"FifoQueue": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	again, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: fifo.QueueUrl, MessageBody: aws.String("f"),
		MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("d")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(again.MessageId) == aws.ToString(fifoSent.MessageId) {
		t.Fatal("a deduplication id from before the reset still deduplicates")
	}
	// Visible messages: none in the standard queue, the one just sent in the FIFO queue.
	for url, visible := range map[string]string{aws.ToString(std.QueueUrl): "0", aws.ToString(fifo.QueueUrl): "1"} {
		out, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url),
			AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameAll}})
		if err != nil {
			t.Fatal(err)
		}
		a := out.Attributes
		if a["ApproximateNumberOfMessages"] != visible || a["ApproximateNumberOfMessagesNotVisible"] != "0" || a["ApproximateNumberOfMessagesDelayed"] != "0" {
			t.Fatalf("%s after the reset: %v", url, a)
		}
	}
}

// failingReset is a store whose Reset fails.
type failingReset struct{ persist.Store }

func (failingReset) Reset() error { return errors.New("disk on fire") }

// A store that cannot reset is not silent about it: its state would come
// back at the next start.
func TestResetLogsAStoreThatCannotReset(t *testing.T) {
	var logged bytes.Buffer
	srv, err := emulator.New(emulator.Config{
		Store:  failingReset{persist.NewMemory()},
		Logger: slog.New(slog.NewTextHandler(&logged, &slog.HandlerOptions{Level: slog.LevelError})),
	})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	srv.Reset()
	if out := logged.String(); !strings.Contains(out, "level=ERROR") || !strings.Contains(out, "disk on fire") {
		t.Fatalf("log after a failed reset: %q", out)
	}
}
