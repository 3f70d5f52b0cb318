// Package gotest shows ferry started inside Go tests through the emulator
// package, with the real aws-sdk-go-v2 clients pointed at it. It is the
// example of docs/go-tests.md; "go test ./docs/..." runs it.
package gotest

import (
	"encoding/json"
	"errors"
	"log/slog"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/ferry-emulator/ferry/emulator"
	"github.com/ferry-emulator/ferry/persist"
)

// startFerry runs ferry in-process on a free loopback port until the test
// ends. Its log goes to the test's output, shown when the test fails or
// runs with -v.
func startFerry(t *testing.T, cfg emulator.Config) *emulator.Server {
	t.Helper()
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.NewTextHandler(t.Output(), &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	srv, err := emulator.Run(cfg)
	if err != nil {
		t.Fatalf("start ferry: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close ferry: %v", err)
		}
	})
	return srv
}

// The access key picks the account: "test" is 000000000000, a 12-digit key
// is that account's root (secret "test"), an IAM user's key is that user.
func sqsClient(srv *emulator.Server, accessKey, secret string) *sqs.Client {
	return sqs.New(sqs.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL()),
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, secret, ""),
	})
}

func snsClient(srv *emulator.Server, accessKey, secret string) *sns.Client {
	return sns.New(sns.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL()),
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, secret, ""),
	})
}

func TestSendAndReceive(t *testing.T) {
	srv := startFerry(t, emulator.Config{})
	client := sqsClient(srv, "test", "test")
	ctx := t.Context()

	q, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String(`{"order":42}`)}); err != nil {
		t.Fatal(err)
	}
	out, err := client.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, WaitTimeSeconds: 1})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Messages) != 1 || *out.Messages[0].Body != `{"order":42}` {
		t.Fatalf("received %+v, want the message sent", out.Messages)
	}
}

// A topic in account 111111111111 fans out to a queue in 222222222222. The
// first publish is lost because the queue's policy does not let the topic
// in; the audit trail says so. With the policy, the next one arrives.
func TestCrossAccountFanOut(t *testing.T) {
	srv := startFerry(t, emulator.Config{})
	ctx := t.Context()
	topicOwner := snsClient(srv, "111111111111", "test")
	queueOwner := sqsClient(srv, "222222222222", "test")
	queueOwnerSNS := snsClient(srv, "222222222222", "test")

	topic, err := topicOwner.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	q, err := queueOwner.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("billing")})
	if err != nil {
		t.Fatal(err)
	}
	queueARN := "arn:aws:sqs:us-east-1:222222222222:billing"

	// The queue's owner subscribes it once the topic's owner allows that:
	// no confirmation needed.
	if _, err := topicOwner.AddPermission(ctx, &sns.AddPermissionInput{TopicArn: topic.TopicArn,
		Label: aws.String("billing"), AWSAccountId: []string{"222222222222"}, ActionName: []string{"Subscribe"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := queueOwnerSNS.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn,
		Protocol: aws.String("sqs"), Endpoint: aws.String(queueARN)}); err != nil {
		t.Fatal(err)
	}

	// No queue policy yet: Publish succeeds, the delivery is refused.
	if _, err := topicOwner.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String("lost")}); err != nil {
		t.Fatal(err)
	}
	// Flush waits for the fan-out, so "nothing arrived" is certain.
	if err := srv.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, queueOwner, *q.QueueUrl); len(got) != 0 {
		t.Fatalf("without a queue policy: received %v, want nothing", got)
	}
	denied := srv.Audit(emulator.AuditFilter{Principal: "sns.amazonaws.com", Decision: "Deny"})
	if len(denied) != 1 || denied[0].Resource != queueARN || denied[0].Action != "sqs:SendMessage" {
		t.Fatalf("audit: %+v, want one Deny of sqs:SendMessage on %s", denied, queueARN)
	}
	t.Logf("why: %s", denied[0].Reason)

	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"` + queueARN + `",
		"Condition":{"ArnEquals":{"aws:SourceArn":"` + *topic.TopicArn + `"}}}]}`
	if _, err := queueOwner.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: q.QueueUrl,
		Attributes: map[string]string{"Policy": policy}}); err != nil {
		t.Fatal(err)
	}
	if _, err := topicOwner.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String("delivered")}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got := receive(t, queueOwner, *q.QueueUrl)
	if len(got) != 1 {
		t.Fatalf("with the queue policy: received %d messages, want 1", len(got))
	}
	var envelope struct{ Type, TopicArn, Message string }
	if err := json.Unmarshal([]byte(got[0]), &envelope); err != nil {
		t.Fatal(err)
	}
	if envelope.Type != "Notification" || envelope.TopicArn != *topic.TopicArn || envelope.Message != "delivered" {
		t.Errorf("envelope = %+v", envelope)
	}
}

// receive returns the bodies of the messages waiting in a queue, without
// waiting for more.
func receive(t *testing.T, client *sqs.Client, queueURL string) []string {
	t.Helper()
	out, err := client.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: aws.String(queueURL), MaxNumberOfMessages: 10})
	if err != nil {
		t.Fatal(err)
	}
	var bodies []string
	for _, m := range out.Messages {
		bodies = append(bodies, *m.Body)
	}
	return bodies
}

// ferry's errors carry AWS's codes, so the SDKs' typed errors work.
func TestTypedErrors(t *testing.T) {
	srv := startFerry(t, emulator.Config{})
	ctx := t.Context()

	_, err := sqsClient(srv, "test", "test").GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("missing")})
	var notFound *sqstypes.QueueDoesNotExist
	if !errors.As(err, &notFound) {
		t.Fatalf("GetQueueUrl of a missing queue: %v, want QueueDoesNotExist", err)
	}

	topic, err := snsClient(srv, "111111111111", "test").CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("private")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = snsClient(srv, "333333333333", "test").Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String("x")})
	var denied *snstypes.AuthorizationErrorException
	if !errors.As(err, &denied) {
		t.Fatalf("Publish from another account: %v, want AuthorizationError", err)
	}
	// Every error is also a smithy.APIError with AWS's code and message.
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		t.Logf("%s: %s", apiErr.ErrorCode(), apiErr.ErrorMessage())
	}
}

// A start-up configuration (the file --config reads) gives the test an
// IAM user with a fixed key; its policy is enforced.
func TestStartupConfig(t *testing.T) {
	cfg, err := emulator.LoadConfig("testdata/ferry.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := startFerry(t, emulator.Config{Startup: cfg})
	ctx := t.Context()
	service := sqsClient(srv, "AKIAORDERSSERVICE001", "orders-secret")

	q, err := service.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := service.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("hi")}); err != nil {
		t.Fatal(err)
	}
	// The user may send but not receive.
	_, err = service.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl})
	var apiErr smithy.APIError
	if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDenied" {
		t.Fatalf("ReceiveMessage as orders-service: %v, want AccessDenied", err)
	}
}

// A start-up configuration can also be written in Go. Here it wires a
// topic in one account to a queue in another, with the queue policy that
// lets the topic in; the file form of the same is in the README.
func TestStartupInGo(t *testing.T) {
	const topicARN = "arn:aws:sns:us-east-1:111111111111:orders"
	const queueARN = "arn:aws:sqs:us-east-1:222222222222:billing"
	srv := startFerry(t, emulator.Config{Startup: &emulator.StartupConfig{Accounts: map[string]emulator.AccountConfig{
		"111111111111": {Topics: []emulator.TopicConfig{{
			Name: "orders",
			Subscriptions: []emulator.SubscriptionConfig{{Protocol: "sqs", Endpoint: queueARN,
				Attributes: map[string]any{"RawMessageDelivery": true}}},
		}}},
		"222222222222": {Queues: []emulator.QueueConfig{{
			Name: "billing",
			Attributes: map[string]any{"Policy": map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
				"Effect": "Allow", "Principal": map[string]any{"Service": "sns.amazonaws.com"},
				"Action": "sqs:SendMessage", "Resource": queueARN,
				"Condition": map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": topicARN}},
			}}}},
		}}},
	}}})
	ctx := t.Context()

	if _, err := snsClient(srv, "111111111111", "test").Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topicARN), Message: aws.String("raw")}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	billing := sqsClient(srv, "222222222222", "test")
	q, err := billing.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("billing")})
	if err != nil {
		t.Fatal(err)
	}
	if got := receive(t, billing, *q.QueueUrl); len(got) != 1 || got[0] != "raw" {
		t.Fatalf("received %v, want [raw]: the subscription delivers raw messages", got)
	}
}

// With IAMMode "audit" ferry records what enforce would deny, and lets it
// through: a way to find the policies an application is missing.
func TestAuditMode(t *testing.T) {
	cfg, err := emulator.LoadConfig("testdata/ferry.yaml")
	if err != nil {
		t.Fatal(err)
	}
	srv := startFerry(t, emulator.Config{Startup: cfg, IAMMode: "audit"})
	service := sqsClient(srv, "AKIAORDERSSERVICE001", "orders-secret")

	q, err := service.GetQueueUrl(t.Context(), &sqs.GetQueueUrlInput{QueueName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := service.ReceiveMessage(t.Context(), &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl}); err != nil {
		t.Fatalf("ReceiveMessage in audit mode: %v, want it let through", err)
	}
	missing := srv.Audit(emulator.AuditFilter{Decision: "Deny"})
	if len(missing) != 1 || missing[0].Action != "sqs:ReceiveMessage" || missing[0].Enforced {
		t.Fatalf("audit: %+v, want one unenforced Deny of sqs:ReceiveMessage", missing)
	}
	t.Logf("orders-service would need: %s on %s", missing[0].Action, missing[0].Resource)
}

// With an on-disk store, what one ferry acknowledged is there for the next
// one started on the same directory.
func TestDurableState(t *testing.T) {
	dir := t.TempDir()
	start := func() *emulator.Server {
		store, err := persist.OpenBolt(dir)
		if err != nil {
			t.Fatal(err)
		}
		return startFerry(t, emulator.Config{Store: store}) // Close closes the store
	}
	ctx := t.Context()

	first := start()
	client := sqsClient(first, "test", "test")
	q, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := client.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("kept")}); err != nil {
		t.Fatal(err)
	}
	if err := first.Close(); err != nil {
		t.Fatal(err)
	}

	second := start()
	client = sqsClient(second, "test", "test")
	// The new server has a new port, so ask for the queue's URL again.
	q2, err := client.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	if got := receive(t, client, *q2.QueueUrl); len(got) != 1 || got[0] != "kept" {
		t.Fatalf("after a restart: received %v, want [kept]", got)
	}
}

// Reset empties a shared server between subtests, as a fresh start would.
func TestReset(t *testing.T) {
	srv := startFerry(t, emulator.Config{})
	client := sqsClient(srv, "test", "test")
	for _, name := range []string{"first", "second"} {
		t.Run(name, func(t *testing.T) {
			t.Cleanup(srv.Reset)
			ctx := t.Context()
			out, err := client.ListQueues(ctx, &sqs.ListQueuesInput{})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.QueueUrls) != 0 {
				t.Fatalf("queues left from before: %v", out.QueueUrls)
			}
			if _, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("scratch")}); err != nil {
				t.Fatal(err)
			}
		})
	}
}
