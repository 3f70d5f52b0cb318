package sqs_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/ferry-emulator/ferry/emulator"
	"github.com/ferry-emulator/ferry/persist"
	"github.com/ferry-emulator/ferry/persist/persisttest"
)

// When the disk is full, a send is answered with an error (not an
// acknowledgement it cannot keep), and what was already durable is still
// there after a restart.
func TestFullDiskFailsTheRequestAndKeepsWhatIsDurable(t *testing.T) {
	dir := t.TempDir()
	b, err := persist.OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	disk := &persisttest.FullDisk{Bolt: b}
	srv, err := emulator.Run(emulator.Config{Listen: "127.0.0.1:0", Store: disk})
	if err != nil {
		t.Fatal(err)
	}
	c := newClient(srv)
	url := createQueue(t, c, "disk", nil)
	for range 3 {
		if _, err := c.SendMessage(ctxT(t), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("kept")}); err != nil {
			t.Fatal(err)
		}
	}
	disk.Full.Store(true)
	_, err = c.SendMessage(ctxT(t), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("no room")})
	var status interface{ HTTPStatusCode() int }
	if err == nil || !errors.As(err, &status) || status.HTTPStatusCode() != 500 {
		t.Fatalf("send on a full disk: %v, want a 500 InternalError", err)
	}
	if _, err := c.CreateQueue(ctxT(t), &sqs.CreateQueueInput{QueueName: aws.String("no-room")}); err == nil {
		t.Fatal("creating a queue on a full disk succeeded")
	}
	srv.Close()

	b, err = persist.OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err = emulator.Run(emulator.Config{Listen: "127.0.0.1:0", Store: b})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	c = newClient(srv)
	got, err := c.ReceiveMessage(ctxT(t), &sqs.ReceiveMessageInput{QueueUrl: aws.String(srv.URL() + "/000000000000/disk"), MaxNumberOfMessages: 10})
	if err != nil {
		t.Fatal(err)
	}
	kept := 0
	for _, m := range got.Messages {
		if *m.Body == "kept" {
			kept++
		}
	}
	if kept != 3 {
		t.Fatalf("after the restart: %d of the 3 durable messages", kept)
	}
}
