package sqs

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/kms"
	"github.com/ferry-emulator/ferry/persist"
)

// The SSE-KMS data key cache in synctest time: the service runs in the
// bubble with its default clock (time.Now, the bubble's fake one) and
// reaches KMS through Config.Invoker, here a fake that counts what it is
// asked. Sleeping moves the clock past the reuse period at once.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html#sqs-sse-key-terms

// countingKMS answers GenerateDataKey with fresh data keys and Decrypt with
// the ones it made, counting both.
type countingKMS struct {
	mu        sync.Mutex
	keys      map[string][]byte // ciphertext blob -> plaintext data key
	generated int
	decrypted int
	calls     []*api.Call
}

func (f *countingKMS) Invoke(_ context.Context, c *api.Call) (any, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, c)
	switch c.Action {
	case "GenerateDataKey":
		in := c.Input.(*kms.GenerateDataKeyInput)
		f.generated++
		key := make([]byte, 32)
		rand.Read(key)
		blob := fmt.Appendf(nil, "data key %d", f.generated)
		f.keys[string(blob)] = key
		return &kms.GenerateDataKeyOutput{CiphertextBlob: blob, Plaintext: bytes.Clone(key), KeyId: in.KeyId}, nil
	case "Decrypt":
		in := c.Input.(*kms.DecryptInput)
		key, ok := f.keys[string(in.CiphertextBlob)]
		if !ok {
			return nil, &api.Error{Code: "InvalidCiphertextException", Status: 400}
		}
		f.decrypted++
		return &kms.DecryptOutput{Plaintext: bytes.Clone(key)}, nil
	}
	return nil, fmt.Errorf("unexpected KMS call %s", c.Action)
}

func (f *countingKMS) counts() (generated, decrypted int) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.generated, f.decrypted
}

func TestDataKeyReusePeriodInSynctestTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		fake := &countingKMS{keys: map[string][]byte{}}
		s, err := New(Config{Store: persist.NewMemory(), Invoker: fake})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		const account = "000000000000"
		keyARN := "arn:aws:kms:us-east-1:" + account + ":key/8f1c2a34-5b6d-4e7f-8a9b-0c1d2e3f4a5b"
		ctx := context.Background()
		request := func(action string) *api.Request {
			return &api.Request{ID: "r", Service: "sqs", Action: action, Account: account, Region: "us-east-1",
				Host: "localhost:4566", Scheme: "http", Protocol: api.ProtocolJSON10, Time: time.Now(),
				Principal: api.Principal{ARN: "arn:aws:iam::" + account + ":root", Account: account, Type: api.PrincipalRoot, UserID: account}}
		}
		created, err := s.createQueue(ctx, request("CreateQueue"), &createQueueInput{QueueName: "orders",
			Attributes: map[string]string{"KmsMasterKeyId": keyARN, "KmsDataKeyReusePeriodSeconds": "300"}})
		if err != nil {
			t.Fatal(err)
		}
		url := created.QueueURL
		start := time.Now()
		sendAt := func(body string) {
			t.Helper()
			out, err := s.sendMessage(ctx, request("SendMessage"), &SendMessageInput{QueueURL: url, MessageBody: &body})
			if err != nil {
				t.Fatalf("SendMessage %q at %v: %v", body, time.Since(start), err)
			}
			if sum := md5.Sum([]byte(body)); out.MD5OfMessageBody != hex.EncodeToString(sum[:]) {
				t.Fatalf("MD5OfMessageBody %s for %q", out.MD5OfMessageBody, body)
			}
		}
		wantCalls := func(when string, generated, decrypted int) {
			t.Helper()
			if g, d := fake.counts(); g != generated || d != decrypted {
				t.Fatalf("%s: %d GenerateDataKey and %d Decrypt, want %d and %d", when, g, d, generated, decrypted)
			}
		}

		// The first send asks for a data key, and decrypts it as SQS
		// verifies a new one; the sends within the period use it.
		sendAt("first")
		wantCalls("after the first send", 1, 1)
		time.Sleep(150 * time.Second)
		sendAt("second")
		time.Sleep(149 * time.Second)
		sendAt("third, a second before the period ends")
		wantCalls("within the reuse period", 1, 1)

		// A receive within the period opens the messages with the cached
		// key: KMS is not asked.
		max, visibility := 10, 600
		got, err := s.receiveMessage(ctx, request("ReceiveMessage"), &receiveMessageInput{QueueURL: url,
			MaxNumberOfMessages: &max, VisibilityTimeout: &visibility})
		if err != nil {
			t.Fatal(err)
		}
		bodies := map[string]bool{}
		for _, m := range got.Messages {
			bodies[m.Body] = true
		}
		if len(bodies) != 3 || !bodies["first"] || !bodies["second"] || !bodies["third, a second before the period ends"] {
			t.Fatalf("received %v", bodies)
		}
		wantCalls("after a receive within the period", 1, 1)

		// Past the period: the next send asks KMS for a new data key.
		time.Sleep(2 * time.Second)
		if elapsed := time.Since(start); elapsed <= 300*time.Second {
			t.Fatalf("only %v passed", elapsed)
		}
		sendAt("fourth, after the period")
		wantCalls("after the period", 2, 2)
		sendAt("fifth")
		wantCalls("within the new period", 2, 2)

		// Every KMS call went as the sender, through SQS, for this queue.
		for _, c := range fake.calls {
			if c.Principal.ARN != "arn:aws:iam::"+account+":root" || c.ViaService != "sqs.us-east-1.amazonaws.com" {
				t.Errorf("%s as %s via %q", c.Action, c.Principal.ARN, c.ViaService)
			}
			if g, ok := c.Input.(*kms.GenerateDataKeyInput); ok && (g.KeyId != keyARN || g.EncryptionContext["aws:sqs:arn"] != "arn:aws:sqs:us-east-1:"+account+":orders") {
				t.Errorf("GenerateDataKey %+v", g)
			}
		}
	})
}
