package sns_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"

	"github.com/ferry-emulator/ferry/emulator"
)

// The SNS API through the real aws-sdk-go-v2 clients (query protocol for
// SNS, JSON for SQS), against ferry started in-process. This file holds the
// shared helpers; each action family has its own file.

const (
	ownerAccount = emulator.DefaultAccount
	otherAccount = "111111111111"
	region       = "us-east-1"
)

func startFerry(t *testing.T) *emulator.Server {
	t.Helper()
	srv, err := emulator.Run(emulator.Config{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatalf("starting ferry: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func snsFor(srv *emulator.Server, key string) *sns.Client {
	return sns.New(sns.Options{
		Region: region, BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider(key, "test", ""),
		Retryer:     aws.NopRetryer{},
	})
}

func sqsFor(srv *emulator.Server, key string) *sqs.Client {
	return sqs.New(sqs.Options{
		Region: region, BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider(key, "test", ""),
		Retryer:     aws.NopRetryer{},
	})
}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func createTopic(t *testing.T, c *sns.Client, name string, attrs map[string]string) string {
	t.Helper()
	out, err := c.CreateTopic(ctxT(t), &sns.CreateTopicInput{Name: aws.String(name), Attributes: attrs})
	if err != nil {
		t.Fatalf("CreateTopic %s: %v", name, err)
	}
	return *out.TopicArn
}

// queue is a queue with its URL and ARN.
type queue struct{ url, arn string }

func createQueue(t *testing.T, c *sqs.Client, name string, attrs map[string]string) queue {
	t.Helper()
	out, err := c.CreateQueue(ctxT(t), &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		t.Fatalf("CreateQueue %s: %v", name, err)
	}
	a, err := c.GetQueueAttributes(ctxT(t), &sqs.GetQueueAttributesInput{QueueUrl: out.QueueUrl,
		AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameQueueArn}})
	if err != nil {
		t.Fatalf("GetQueueAttributes: %v", err)
	}
	return queue{url: *out.QueueUrl, arn: a.Attributes["QueueArn"]}
}

// allowTopic sets the queue policy AWS documents for a topic delivering
// into a queue: sns.amazonaws.com may SendMessage when aws:SourceArn is the
// topic.
func allowTopic(t *testing.T, c *sqs.Client, q queue, topicARNs ...string) {
	t.Helper()
	doc := map[string]any{
		"Version": "2012-10-17",
		"Statement": []any{map[string]any{
			"Sid": "AllowTopics", "Effect": "Allow", "Principal": map[string]any{"Service": "sns.amazonaws.com"},
			"Action": "sqs:SendMessage", "Resource": q.arn,
			"Condition": map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": topicARNs}},
		}},
	}
	b, _ := json.Marshal(doc)
	if _, err := c.SetQueueAttributes(ctxT(t), &sqs.SetQueueAttributesInput{QueueUrl: aws.String(q.url),
		Attributes: map[string]string{"Policy": string(b)}}); err != nil {
		t.Fatalf("SetQueueAttributes Policy: %v", err)
	}
}

func subscribeQueue(t *testing.T, c *sns.Client, topic string, q queue, attrs map[string]string) string {
	t.Helper()
	out, err := c.Subscribe(ctxT(t), &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"),
		Endpoint: aws.String(q.arn), Attributes: attrs, ReturnSubscriptionArn: true})
	if err != nil {
		t.Fatalf("Subscribe %s: %v", q.arn, err)
	}
	return *out.SubscriptionArn
}

// receive long-polls a queue until it has n messages (or 10 s pass).
func receive(t *testing.T, c *sqs.Client, q queue, n int) []sqstypes.Message {
	t.Helper()
	var got []sqstypes.Message
	deadline := time.Now().Add(10 * time.Second)
	for len(got) < n && time.Now().Before(deadline) {
		out, err := c.ReceiveMessage(ctxT(t), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q.url),
			MaxNumberOfMessages: int32(min(10, n-len(got))), WaitTimeSeconds: 1, VisibilityTimeout: 60,
			MessageAttributeNames: []string{"All"}, MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{"All"}})
		if err != nil {
			t.Fatalf("ReceiveMessage: %v", err)
		}
		got = append(got, out.Messages...)
	}
	if len(got) != n {
		t.Fatalf("received %d messages from %s, want %d", len(got), q.url, n)
	}
	return got
}

// empty checks that nothing was delivered to a queue, once every delivery
// in flight has been made.
func empty(t *testing.T, srv *emulator.Server, c *sqs.Client, q queue) {
	t.Helper()
	if err := srv.Flush(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	out, err := c.ReceiveMessage(ctxT(t), &sqs.ReceiveMessageInput{QueueUrl: aws.String(q.url), MaxNumberOfMessages: 10})
	if err != nil {
		t.Fatalf("ReceiveMessage: %v", err)
	}
	if len(out.Messages) != 0 {
		t.Fatalf("queue %s has %d messages, want none: %q", q.url, len(out.Messages), *out.Messages[0].Body)
	}
}

// envelope decodes a notification as delivered into a queue.
type envelope struct {
	Type, MessageId, TopicArn, Subject, Message, Timestamp string
	SignatureVersion, Signature, SigningCertURL            string
	UnsubscribeURL, SubscribeURL, Token, SequenceNumber    string
	MessageAttributes                                      map[string]struct{ Type, Value string }
}

func decodeEnvelope(t *testing.T, body string) envelope {
	t.Helper()
	var e envelope
	if err := json.Unmarshal([]byte(body), &e); err != nil {
		t.Fatalf("not an SNS envelope: %v\n%s", err, body)
	}
	return e
}

func errorCode(err error) string {
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return err.Error()
}

// errorMessage is an API error's message.
func errorMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	return ""
}

// wantError checks an API error's code and that its message contains want.
func wantError(t *testing.T, err error, code, want string) {
	t.Helper()
	if errorCode(err) != code || !strings.Contains(errorMessage(err), want) {
		t.Fatalf("error = %v, want %s containing %q", err, code, want)
	}
}

func httpGet(url string) (int, error) {
	resp, err := http.Get(url)
	if err != nil {
		return 0, err
	}
	resp.Body.Close()
	return resp.StatusCode, nil
}
