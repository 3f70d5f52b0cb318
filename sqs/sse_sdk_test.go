package sqs_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/ferry-emulator/ferry/emulator"
	"github.com/ferry-emulator/ferry/persist"
)

// Server-side encryption through the real clients: SSE-KMS queues ask KMS
// for data keys as the caller, SSE-SQS queues need no KMS permission, and
// a durable store never holds an encrypted queue's bodies in plaintext.

func kmsClient(srv *emulator.Server, key, secret string) *kms.Client {
	return kms.New(kms.Options{
		Region: region, BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, ""),
		Retryer:     aws.NopRetryer{},
	})
}

// newUser creates an IAM user of the default account with an inline
// policy allowing actions on every resource, and returns an SQS client
// signing as it.
func newUser(t *testing.T, srv *emulator.Server, name string, actions ...string) *sqs.Client {
	t.Helper()
	key := newUserKey(t, srv, name, actions...)
	return clientFor(srv, *key.AccessKeyId, *key.SecretAccessKey, region)
}

// newUserKey is newUser's user, returned as its access key, for clients of
// other services.
func newUserKey(t *testing.T, srv *emulator.Server, name string, actions ...string) *iamtypes.AccessKey {
	t.Helper()
	ic := iam.New(iam.Options{
		Region: region, BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:     aws.NopRetryer{},
	})
	ctx := ctxT(t)
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatalf("CreateUser %s: %v", name, err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["` + strings.Join(actions, `","`) + `"],"Resource":"*"}]}`
	if _, err := ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatalf("PutUserPolicy %s: %v", name, err)
	}
	key, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateAccessKey %s: %v", name, err)
	}
	return key.AccessKey
}

// newKey creates a customer managed key with the default key policy (which
// delegates to IAM) unless a policy is given.
func newKey(t *testing.T, srv *emulator.Server, policy string) string {
	t.Helper()
	in := &kms.CreateKeyInput{}
	if policy != "" {
		in.Policy, in.BypassPolicyLockoutSafetyCheck = aws.String(policy), true
	}
	out, err := kmsClient(srv, "test", "test").CreateKey(ctxT(t), in)
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	return *out.KeyMetadata.KeyId
}

// wantSQSError checks an error's type and its code as the SDK reports it.
func wantSQSError[E interface {
	error
	ErrorCode() string
}](t *testing.T, err error, contains string) {
	t.Helper()
	var e E
	if !errors.As(err, &e) {
		t.Fatalf("got %v, want %T", err, e)
	}
	if !strings.Contains(err.Error(), contains) {
		t.Fatalf("%v: want the message to contain %q", err, contains)
	}
}

func TestSSEKMSRoundTrip(t *testing.T) {
	srv, root := setup(t)
	keyID := newKey(t, srv, "")
	url := createQueue(t, root, "sealed", map[string]string{"KmsMasterKeyId": keyID})
	if got := queueAttrs(t, root, url, "All"); got["KmsMasterKeyId"] != keyID || got["KmsDataKeyReusePeriodSeconds"] != "300" || got["SqsManagedSseEnabled"] != "false" {
		t.Fatalf("attributes %v", got)
	}
	producer := newUser(t, srv, "producer", "sqs:SendMessage", "kms:GenerateDataKey", "kms:Decrypt")
	consumer := newUser(t, srv, "consumer", "sqs:ReceiveMessage", "sqs:DeleteMessage", "kms:Decrypt")
	snoop := newUser(t, srv, "snoop", "sqs:ReceiveMessage")
	stranger := newUser(t, srv, "stranger", "sqs:SendMessage", "kms:Decrypt")

	// The SDK checks the MD5 of the body it sent against the answer's.
	send(t, producer, url, "patient record 17")
	if _, err := producer.SendMessageBatch(ctxT(t), &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("a"), MessageBody: aws.String("batch one")}, {Id: aws.String("b"), MessageBody: aws.String("batch two")},
	}}); err != nil {
		t.Fatalf("SendMessageBatch: %v", err)
	}

	_, err := stranger.SendMessage(ctxT(t), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x")})
	wantSQSError[*types.KmsAccessDenied](t, err, "is not authorized to perform: kms:GenerateDataKey")
	_, err = snoop.ReceiveMessage(ctxT(t), &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10})
	wantSQSError[*types.KmsAccessDenied](t, err, "is not authorized to perform: kms:Decrypt")

	// What the snoop could not open is visible again at once.
	got := map[string]bool{}
	for _, m := range receive(t, consumer, url, 10) {
		if md5Hex(*m.Body) != *m.MD5OfBody {
			t.Errorf("MD5OfBody %s for %q", *m.MD5OfBody, *m.Body)
		}
		got[*m.Body] = true
	}
	for _, want := range []string{"patient record 17", "batch one", "batch two"} {
		if !got[want] {
			t.Errorf("%q not received; got %v", want, got)
		}
	}

	// Data keys are reused: one GenerateDataKey for the producer's three
	// messages, one Decrypt of it (to verify it) and one for the consumer.
	if n := len(srv.Audit(emulator.AuditFilter{Action: "kms:GenerateDataKey", Decision: "Allow"})); n != 1 {
		t.Errorf("%d data keys generated, want 1", n)
	}
	if n := len(srv.Audit(emulator.AuditFilter{Action: "kms:Decrypt", Decision: "Allow"})); n != 2 {
		t.Errorf("%d data keys decrypted, want 2", n)
	}
}

// A principal's data key is reused for the queue's reuse period, then
// replaced.
func TestSSEKMSDataKeyReusePeriod(t *testing.T) {
	var offset atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	srv, err := emulator.Run(emulator.Config{Listen: "127.0.0.1:0", Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	root := newClient(srv)
	url := createQueue(t, root, "reuse", map[string]string{"KmsMasterKeyId": newKey(t, srv, ""), "KmsDataKeyReusePeriodSeconds": "60"})
	generated := func() int {
		return len(srv.Audit(emulator.AuditFilter{Action: "kms:GenerateDataKey", Decision: "Allow"}))
	}
	send(t, root, url, "one")
	send(t, root, url, "two")
	offset.Store(int64(59 * time.Second))
	send(t, root, url, "three")
	if n := generated(); n != 1 {
		t.Fatalf("%d data keys within the period, want 1", n)
	}
	offset.Store(int64(61 * time.Second))
	send(t, root, url, "four")
	if n := generated(); n != 2 {
		t.Fatalf("%d data keys after the period, want 2", n)
	}
	if ms := receive(t, root, url, 10); len(ms) != 4 {
		t.Fatalf("received %d messages, want 4", len(ms))
	}
}

func TestSSEKMSKeyStates(t *testing.T) {
	srv, root := setup(t)
	kc := kmsClient(srv, "test", "test")
	disabled := newKey(t, srv, "")
	if _, err := kc.DisableKey(ctxT(t), &kms.DisableKeyInput{KeyId: aws.String(disabled)}); err != nil {
		t.Fatal(err)
	}
	url := createQueue(t, root, "disabled-key", map[string]string{"KmsMasterKeyId": disabled})
	_, err := root.SendMessage(ctxT(t), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x")})
	wantSQSError[*types.KmsDisabled](t, err, "is disabled.")

	pending := newKey(t, srv, "")
	if _, err := kc.ScheduleKeyDeletion(ctxT(t), &kms.ScheduleKeyDeletionInput{KeyId: aws.String(pending), PendingWindowInDays: aws.Int32(7)}); err != nil {
		t.Fatal(err)
	}
	url = createQueue(t, root, "pending-key", map[string]string{"KmsMasterKeyId": pending})
	_, err = root.SendMessage(ctxT(t), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x")})
	wantSQSError[*types.KmsInvalidState](t, err, "is pending deletion.")

	url = createQueue(t, root, "missing-key", map[string]string{"KmsMasterKeyId": "alias/nothing-here"})
	_, err = root.SendMessage(ctxT(t), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x")})
	wantSQSError[*types.KmsNotFound](t, err, "is not found.")
}

// The query protocol answers with SQS's query code for the KMS error.
func TestSSEKMSQueryProtocolError(t *testing.T) {
	srv, root := setup(t)
	// A key whose policy leaves out the account root: the root may not use it.
	keyID := newKey(t, srv, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/nobody"},"Action":"kms:*","Resource":"*"}]}`)
	url := createQueue(t, root, "locked", map[string]string{"KmsMasterKeyId": keyID})
	msg := queryErr(t, srv, "/", form("Action", "SendMessage", "QueueUrl", url, "MessageBody", "x"), 400, "KMS.AccessDeniedException")
	if !strings.Contains(msg, "kms:GenerateDataKey") {
		t.Fatalf("message %q", msg)
	}
}

// The AWS managed key is usable through SQS by the account's principals
// without any KMS permission of theirs; SSE-SQS needs none either.
func TestSSEWithoutKMSPermissions(t *testing.T) {
	srv, root := setup(t)
	user := newUser(t, srv, "worker", "sqs:*")
	for name, attrs := range map[string]map[string]string{
		"managed-key": {"KmsMasterKeyId": "alias/aws/sqs"},
		"sse-sqs":     nil,
	} {
		url := createQueue(t, root, name, attrs)
		send(t, user, url, "hello "+name)
		send(t, root, url, "hello again "+name)
		ms := receive(t, user, url, 10)
		if len(ms) != 2 {
			t.Fatalf("%s: received %d messages, want 2", name, len(ms))
		}
		for _, m := range ms {
			if !strings.HasPrefix(*m.Body, "hello") || !strings.HasSuffix(*m.Body, name) {
				t.Errorf("%s: body %q", name, *m.Body)
			}
		}
	}
	if got := queueAttrs(t, root, createQueue(t, root, "defaults", nil), "SqsManagedSseEnabled"); got["SqsManagedSseEnabled"] != "true" {
		t.Fatalf("a new queue: %v, want SSE-SQS", got)
	}
}

// Encrypted FIFO queues deduplicate by content as plain ones do, and a
// message moved to a dead-letter queue keeps its encryption.
func TestSSEFIFOAndRedrive(t *testing.T) {
	srv, root := setup(t)
	keyID := newKey(t, srv, "")
	url := createQueue(t, root, "sealed.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true", "KmsMasterKeyId": keyID})
	for range 2 {
		if _, err := root.SendMessage(ctxT(t), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("same"), MessageGroupId: aws.String("g")}); err != nil {
			t.Fatal(err)
		}
	}
	if ms := receive(t, root, url, 10); len(ms) != 1 || *ms[0].Body != "same" {
		t.Fatalf("received %v, want one message", ms)
	}

	dlq := createQueue(t, root, "plain-dlq", map[string]string{"SqsManagedSseEnabled": "false"})
	src := createQueue(t, root, "sealed-src", map[string]string{"KmsMasterKeyId": keyID, "VisibilityTimeout": "0",
		"RedrivePolicy": redrivePolicy(queueArn(t, root, dlq), 1)})
	send(t, root, src, "to the dlq")
	receiveUntilMoved(t, root, src)
	user := newUser(t, srv, "dlq-reader", "sqs:ReceiveMessage")
	_, err := user.ReceiveMessage(ctxT(t), &sqs.ReceiveMessageInput{QueueUrl: aws.String(dlq)})
	wantSQSError[*types.KmsAccessDenied](t, err, "kms:Decrypt")
	if ms := receive(t, root, dlq, 10); len(ms) != 1 || *ms[0].Body != "to the dlq" {
		t.Fatalf("dead-letter queue: %v", ms)
	}
}

// With a durable store, the file holds an encrypted queue's bodies only
// sealed, and they open again after a restart.
func TestSSEBodiesAtRest(t *testing.T) {
	dir := t.TempDir()
	start := func() *emulator.Server {
		store, err := persist.OpenBolt(dir)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := emulator.Run(emulator.Config{Listen: "127.0.0.1:0", Store: store})
		if err != nil {
			t.Fatal(err)
		}
		return srv
	}
	srv := start()
	root := newClient(srv)
	keyID := newKey(t, srv, "")
	bodies := map[string]string{
		"sse-kms": "sse-kms-body-5b0e2f7c91d34a2e",
		"sse-sqs": "sse-sqs-body-c4a81e06f2b94d7a",
		"plain":   "plain-body-9d27f1b3e8c64a05",
	}
	urls := map[string]string{
		"sse-kms": createQueue(t, root, "sse-kms", map[string]string{"KmsMasterKeyId": keyID}),
		"sse-sqs": createQueue(t, root, "sse-sqs", nil),
		"plain":   createQueue(t, root, "plain", map[string]string{"SqsManagedSseEnabled": "false"}),
	}
	fifo := createQueue(t, root, "sse-kms.fifo", map[string]string{"FifoQueue": "true", "KmsMasterKeyId": keyID})
	fifoBody := "sse-kms-fifo-body-1f6a3c9e7b20d48e"
	for name, url := range urls {
		send(t, root, url, bodies[name])
	}
	if _, err := root.SendMessage(ctxT(t), &sqs.SendMessageInput{QueueUrl: aws.String(fifo), MessageBody: aws.String(fifoBody),
		MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("d")}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	raw, err := os.ReadFile(filepath.Join(dir, persist.BoltFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte(bodies["plain"])) {
		t.Fatal("the plain queue's body is not in the file: the scan proves nothing")
	}
	for _, name := range []string{"sse-kms", "sse-sqs"} {
		if bytes.Contains(raw, []byte(bodies[name])) {
			t.Errorf("the %s queue's body is in the file in plaintext", name)
		}
	}
	if bytes.Contains(raw, []byte(fifoBody)) {
		t.Error("the encrypted FIFO queue's body is in the file in plaintext")
	}

	srv = start()
	t.Cleanup(func() { srv.Close() })
	root = newClient(srv)
	for name, url := range urls {
		if ms := receive(t, root, url, 10); len(ms) != 1 || *ms[0].Body != bodies[name] {
			t.Errorf("%s after a restart: %v", name, ms)
		}
	}
	if ms := receive(t, root, fifo, 10); len(ms) != 1 || *ms[0].Body != fifoBody {
		t.Errorf("the FIFO queue after a restart: %v", ms)
	}
}
