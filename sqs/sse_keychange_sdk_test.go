package sqs_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Changing or removing a queue's KMS key affects new messages only: a
// message keeps the encryption it was sent with, and receiving it needs the
// key it was sealed under, which KMS must still let the receiver use. With
// that key disabled, ReceiveMessage fails with KmsDisabled (one of
// ReceiveMessage's errors in the API reference).
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html
func TestSSEKeyChangeAffectsNewMessagesOnly(t *testing.T) {
	srv, root := setup(t)
	kc := kmsClient(srv, "test", "test")
	keyA, keyB := newKey(t, srv, ""), newKey(t, srv, "")
	url := createQueue(t, root, "rekeyed", map[string]string{"KmsMasterKeyId": keyA})
	setAttributes := func(attrs map[string]string) {
		t.Helper()
		if _, err := root.SetQueueAttributes(ctxT(t), &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: attrs}); err != nil {
			t.Fatalf("SetQueueAttributes %v: %v", attrs, err)
		}
	}
	sendChecked := func(body string) {
		t.Helper()
		if out := send(t, root, url, body); aws.ToString(out.MD5OfMessageBody) != md5Hex(body) {
			t.Fatalf("MD5OfMessageBody %s for %q", aws.ToString(out.MD5OfMessageBody), body)
		}
	}
	const m1, m2, m3 = "m1, sealed under key A", "m2, sealed under key B", "m3, sent without SSE"

	sendChecked(m1)
	setAttributes(map[string]string{"KmsMasterKeyId": keyB})
	if got := queueAttrs(t, root, url, "All"); got["KmsMasterKeyId"] != keyB || got["SqsManagedSseEnabled"] != "false" {
		t.Fatalf("after the key change: %v", got)
	}
	sendChecked(m2)
	// Removing SSE altogether: no KMS key and no SSE-SQS.
	setAttributes(map[string]string{"KmsMasterKeyId": "", "SqsManagedSseEnabled": "false"})
	got := queueAttrs(t, root, url, "All")
	if _, ok := got["KmsMasterKeyId"]; ok || got["SqsManagedSseEnabled"] != "false" {
		t.Fatalf("after removing SSE: %v", got)
	}
	sendChecked(m3)

	// All three come back as they were sent, each opened with its own key.
	// They stay in flight until made visible again.
	inFlight := map[string]types.Message{}
	for range 10 {
		out, err := root.ReceiveMessage(ctxT(t), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, VisibilityTimeout: 600})
		if err != nil {
			t.Fatalf("ReceiveMessage: %v", err)
		}
		for _, m := range out.Messages {
			inFlight[aws.ToString(m.Body)] = m
		}
		if len(inFlight) == 3 {
			break
		}
	}
	for _, body := range []string{m1, m2, m3} {
		m, ok := inFlight[body]
		if !ok {
			t.Fatalf("%q not received; got %v", body, inFlight)
		}
		if aws.ToString(m.MD5OfBody) != md5Hex(body) {
			t.Errorf("MD5OfBody %s for %q", aws.ToString(m.MD5OfBody), body)
		}
	}
	makeVisible := func(body string) {
		t.Helper()
		if _, err := root.ChangeMessageVisibility(ctxT(t), &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url),
			ReceiptHandle: inFlight[body].ReceiptHandle, VisibilityTimeout: 0}); err != nil {
			t.Fatalf("ChangeMessageVisibility %q: %v", body, err)
		}
	}

	// Key A is disabled. A consumer allowed kms:Decrypt by IAM still reads
	// m2 (key B) and m3 (no key).
	if _, err := kc.DisableKey(ctxT(t), &kms.DisableKeyInput{KeyId: aws.String(keyA)}); err != nil {
		t.Fatal(err)
	}
	consumer := newUser(t, srv, "consumer", "sqs:ReceiveMessage", "sqs:DeleteMessage", "kms:Decrypt")
	makeVisible(m2)
	makeVisible(m3)
	ms := receive(t, consumer, url, 10)
	if len(ms) != 2 {
		t.Fatalf("received %d messages, want m2 and m3", len(ms))
	}
	for _, m := range ms {
		body := aws.ToString(m.Body)
		if (body != m2 && body != m3) || aws.ToString(m.MD5OfBody) != md5Hex(body) {
			t.Fatalf("received %q (MD5 %s)", body, aws.ToString(m.MD5OfBody))
		}
		if _, err := consumer.DeleteMessage(ctxT(t), &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
			t.Fatal(err)
		}
	}

	// m1 needs key A: receiving it fails as long as the key is disabled,
	// and the message is not lost by that.
	makeVisible(m1)
	_, err := consumer.ReceiveMessage(ctxT(t), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10})
	wantSQSError[*types.KmsDisabled](t, err, "key/"+keyA+" is disabled.")
	if _, err := kc.EnableKey(ctxT(t), &kms.EnableKeyInput{KeyId: aws.String(keyA)}); err != nil {
		t.Fatal(err)
	}
	ms = receive(t, consumer, url, 10)
	if len(ms) != 1 || aws.ToString(ms[0].Body) != m1 || aws.ToString(ms[0].MD5OfBody) != md5Hex(m1) {
		t.Fatalf("with key A enabled again: %v", ms)
	}
}
