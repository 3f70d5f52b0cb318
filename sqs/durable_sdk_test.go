package sqs_test

import (
	"errors"
	"os"
	"sync/atomic"
	"syscall"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/ferry-emulator/ferry/emulator"
	"github.com/ferry-emulator/ferry/persist"
)

// fullDisk is a durable store whose disk fills up on demand: every write
// then fails as a full disk fails it.
type fullDisk struct {
	*persist.Bolt
	full atomic.Bool
}

type failed struct{ err error }

func (f failed) Wait() error { return f.err }

var errNoSpace = &os.PathError{Op: "write", Path: "ferry.db", Err: syscall.ENOSPC}

func (d *fullDisk) Update(w ...persist.Write) error {
	if d.full.Load() {
		return errNoSpace
	}
	return d.Bolt.Update(w...)
}

func (d *fullDisk) Submit(w ...persist.Write) persist.Pending {
	if d.full.Load() {
		return failed{errNoSpace}
	}
	return d.Bolt.Submit(w...)
}

// When the disk is full, a send is answered with an error (not an
// acknowledgement it cannot keep), and what was already durable is still
// there after a restart.
func TestFullDiskFailsTheRequestAndKeepsWhatIsDurable(t *testing.T) {
	dir := t.TempDir()
	b, err := persist.OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	disk := &fullDisk{Bolt: b}
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
	disk.full.Store(true)
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
