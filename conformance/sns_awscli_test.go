package conformance

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/ferry-emulator/ferry/emulator"
)

// TestSNSAWSCLI runs the AWS CLI's SNS commands against ferry, as the CLI
// reference and "Fanout Amazon SNS notifications to Amazon SQS queues" use
// them (https://docs.aws.amazon.com/cli/latest/reference/sns/,
// https://docs.aws.amazon.com/sns/latest/dg/sns-sqs-as-subscriber.html,
// https://docs.aws.amazon.com/sns/latest/dg/sns-large-payload-raw-message-delivery.html,
// https://docs.aws.amazon.com/sns/latest/dg/sns-message-filtering.html).
// The CLI speaks SNS's query protocol. It runs the same CLI as TestAWSCLI.
func TestSNSAWSCLI(t *testing.T) {
	if testing.Short() {
		t.Skip("the aws CLI flows take a minute or two; skipped in -short mode")
	}
	t.Parallel()
	candidates := []string{debianAWSCLI, "aws"}
	if bin := os.Getenv("FERRY_AWS_CLI"); bin != "" {
		candidates = []string{bin}
	}
	clis := distinctExecutables(candidates...)
	if len(clis) == 0 {
		t.Skip("aws CLI not installed: " + installHint)
	}
	bin := clis[0]
	r := runProcess(t, t.TempDir(), clientEnv(t), bin, "--version")
	version := strings.TrimSpace(string(r.stdout) + string(r.stderr))
	if r.err != nil {
		t.Fatalf("%s --version: %v: %s", bin, r.err, version)
	}
	t.Logf("%s: %s", bin, version)
	srv := startFerry(t)
	cli := &awsCLI{bin: bin, endpoint: srv.URL(), v1: strings.HasPrefix(version, "aws-cli/1.")}
	cli.snsFanOut(t, srv)
}

// snsFanOut: a topic delivering raw into a queue, with message attributes
// and then a filter policy, listed, read and torn down; and the error a
// missing topic gives.
func (c *awsCLI) snsFanOut(t *testing.T, srv *emulator.Server) {
	var topic struct{ TopicArn string }
	c.call(t, &topic, "sns", "create-topic", "--name", "order-events")
	topicARN := "arn:aws:sns:us-east-1:" + account + ":order-events"
	if topic.TopicArn != topicARN {
		t.Fatalf("create-topic: TopicArn = %q, want %q", topic.TopicArn, topicARN)
	}

	queueURL := c.createQueue(t, "order-events-billing")
	queueARN := c.queueAttributes(t, queueURL, "QueueArn")["QueueArn"]
	if want := "arn:aws:sqs:us-east-1:" + account + ":order-events-billing"; queueARN != want {
		t.Fatalf("QueueArn = %q, want %q", queueARN, want)
	}
	policy := mustJSON(t, map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Effect": "Allow", "Principal": map[string]any{"Service": "sns.amazonaws.com"},
		"Action": "sqs:SendMessage", "Resource": queueARN,
		"Condition": map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": topicARN}},
	}}})
	c.call(t, nil, "sqs", "set-queue-attributes", "--queue-url", queueURL,
		"--attributes", mustJSON(t, map[string]string{"Policy": policy}))

	var sub struct{ SubscriptionArn string }
	c.call(t, &sub, "sns", "subscribe", "--topic-arn", topicARN, "--protocol", "sqs",
		"--notification-endpoint", queueARN, "--attributes", "RawMessageDelivery=true")
	// The queue's own account subscribed it: confirmed at once.
	if id, ok := strings.CutPrefix(sub.SubscriptionArn, topicARN+":"); !ok || len(id) != 36 {
		t.Fatalf("subscribe: SubscriptionArn = %q, want %s:<uuid>", sub.SubscriptionArn, topicARN)
	}

	// publish with --message-attributes; raw delivery makes them SQS
	// message attributes of the same names, types and values.
	body := `{"orderId":"o-1001","total":42.5}`
	var pub struct{ MessageId string }
	c.call(t, &pub, "sns", "publish", "--topic-arn", topicARN, "--message", body, "--message-attributes",
		`{"event":{"DataType":"String","StringValue":"order_placed"},"amount":{"DataType":"Number","StringValue":"42.5"}}`)
	if len(pub.MessageId) != 36 {
		t.Errorf("publish: MessageId = %q, want a UUID", pub.MessageId)
	}
	msgs := c.receive(t, queueURL)
	if len(msgs) != 1 {
		t.Fatalf("receive-message: %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Body != body {
		t.Errorf("raw delivery: Body = %q, want the message itself, %q", m.Body, body)
	}
	want := map[string]msgAttr{
		"event":  {DataType: "String", StringValue: "order_placed"},
		"amount": {DataType: "Number", StringValue: "42.5"},
	}
	if len(m.MessageAttributes) != len(want) {
		t.Errorf("raw delivery: attributes %v, want %v", keys(m.MessageAttributes), keys(want))
	}
	for name, w := range want {
		if got := m.MessageAttributes[name]; got.DataType != w.DataType || got.StringValue != w.StringValue || len(got.BinaryValue) != 0 {
			t.Errorf("raw delivery: attribute %s = %+v, want %+v", name, got, w)
		}
	}
	if m.Attributes["SenderId"] == account {
		t.Errorf("SenderId = %s: the message was sent by SNS, not by the account's root", m.Attributes["SenderId"])
	}
	c.call(t, nil, "sqs", "delete-message", "--queue-url", queueURL, "--receipt-handle", m.ReceiptHandle)

	var listed struct {
		Subscriptions []struct{ SubscriptionArn, Owner, Protocol, Endpoint, TopicArn string }
	}
	c.call(t, &listed, "sns", "list-subscriptions-by-topic", "--topic-arn", topicARN)
	if len(listed.Subscriptions) != 1 {
		t.Fatalf("list-subscriptions-by-topic: %+v, want one subscription", listed.Subscriptions)
	}
	if s := listed.Subscriptions[0]; s.SubscriptionArn != sub.SubscriptionArn || s.Owner != account || s.Protocol != "sqs" ||
		s.Endpoint != queueARN || s.TopicArn != topicARN {
		t.Errorf("list-subscriptions-by-topic: %+v, want {%s %s sqs %s %s}", s, sub.SubscriptionArn, account, queueARN, topicARN)
	}

	var topicAttrs struct{ Attributes map[string]string }
	c.call(t, &topicAttrs, "sns", "get-topic-attributes", "--topic-arn", topicARN)
	for k, v := range map[string]string{"TopicArn": topicARN, "Owner": account, "SubscriptionsConfirmed": "1",
		"SubscriptionsPending": "0", "SubscriptionsDeleted": "0"} {
		if topicAttrs.Attributes[k] != v {
			t.Errorf("get-topic-attributes: %s = %q, want %q", k, topicAttrs.Attributes[k], v)
		}
	}
	if p := topicAttrs.Attributes["Policy"]; !strings.Contains(p, topicARN) || !strings.Contains(p, `"Statement"`) {
		t.Errorf("get-topic-attributes: Policy = %q, want the default policy for the topic", p)
	}

	// A filter policy on the subscription: only order_placed events.
	filter := `{"event":["order_placed"]}`
	c.call(t, nil, "sns", "set-subscription-attributes", "--subscription-arn", sub.SubscriptionArn,
		"--attribute-name", "FilterPolicy", "--attribute-value", filter)
	var subAttrs struct{ Attributes map[string]string }
	c.call(t, &subAttrs, "sns", "get-subscription-attributes", "--subscription-arn", sub.SubscriptionArn)
	wantSub := map[string]string{"FilterPolicy": filter, "FilterPolicyScope": "MessageAttributes", "RawMessageDelivery": "true",
		"PendingConfirmation": "false", "Endpoint": queueARN, "Protocol": "sqs", "TopicArn": topicARN, "Owner": account}
	for k, v := range wantSub {
		if subAttrs.Attributes[k] != v {
			t.Errorf("get-subscription-attributes: %s = %q, want %q", k, subAttrs.Attributes[k], v)
		}
	}
	c.call(t, nil, "sns", "publish", "--topic-arn", topicARN, "--message", `{"orderId":"o-1001"}`,
		"--message-attributes", `{"event":{"DataType":"String","StringValue":"order_cancelled"}}`)
	if err := srv.Flush(ctxFor(t)); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	if n := c.queueAttributes(t, queueURL, "ApproximateNumberOfMessages")["ApproximateNumberOfMessages"]; n != "0" {
		t.Errorf("after a filtered-out publish: ApproximateNumberOfMessages = %q, want 0", n)
	}
	c.call(t, nil, "sns", "publish", "--topic-arn", topicARN, "--message", `{"orderId":"o-1002"}`,
		"--message-attributes", `{"event":{"DataType":"String","StringValue":"order_placed"}}`)
	if msgs := c.receive(t, queueURL); len(msgs) != 1 || msgs[0].Body != `{"orderId":"o-1002"}` {
		t.Errorf("after the filter: received %+v, want only o-1002", msgs)
	}

	c.call(t, nil, "sns", "unsubscribe", "--subscription-arn", sub.SubscriptionArn)
	listed.Subscriptions = nil
	c.call(t, &listed, "sns", "list-subscriptions-by-topic", "--topic-arn", topicARN)
	if len(listed.Subscriptions) != 0 {
		t.Errorf("list-subscriptions-by-topic after unsubscribe: %+v, want none", listed.Subscriptions)
	}
	c.call(t, nil, "sns", "delete-topic", "--topic-arn", topicARN)
	var topics struct{ Topics []struct{ TopicArn string } }
	c.call(t, &topics, "sns", "list-topics")
	for _, tp := range topics.Topics {
		if tp.TopicArn == topicARN {
			t.Errorf("list-topics after delete-topic still lists %s", topicARN)
		}
	}

	// The topic is gone: publishing to it is a service error, NotFound.
	c.snsServiceError(t, "NotFound", "Publish", "Topic does not exist",
		"sns", "publish", "--topic-arn", topicARN, "--message", "too late")
	// Another account's root is refused by the topic's policy.
	other := c.createTopicAs(t, "111111111111", "partner-events")
	c.snsServiceError(t, "AuthorizationError", "Publish",
		"User: arn:aws:iam::"+account+":root is not authorized to perform: SNS:Publish on resource: "+other,
		"sns", "publish", "--topic-arn", other, "--message", "not allowed")
}

// createTopicAs creates a topic as the root of account and returns its ARN.
func (c *awsCLI) createTopicAs(t *testing.T, account, name string) string {
	t.Helper()
	r := c.exec(t, []string{"AWS_ACCESS_KEY_ID=" + account}, "sns", "create-topic", "--name", name)
	if r.err != nil {
		t.Fatalf("create-topic %s as %s: %v\n%s", name, account, r.err, r.stderr)
	}
	want := "arn:aws:sns:us-east-1:" + account + ":" + name
	if !strings.Contains(string(r.stdout), `"`+want+`"`) {
		t.Fatalf("create-topic %s as %s: %s, want TopicArn %s", name, account, r.stdout, want)
	}
	return want
}

// snsServiceError runs a command that the service must refuse: the CLI
// exits with its service-error status (254 for CLI v2; v1 exits 255 for
// every error) and prints "An error occurred (CODE) when calling the OP
// operation: MESSAGE…".
// https://docs.aws.amazon.com/cli/latest/userguide/cli-chap-retcodes.html
func (c *awsCLI) snsServiceError(t *testing.T, code, operation, message string, args ...string) {
	t.Helper()
	r := c.exec(t, nil, args...)
	wantExit := 254
	if c.v1 {
		wantExit = 255
	}
	if r.exitCode() != wantExit {
		t.Errorf("aws %s: exit %d (%v), want %d\nstdout: %s\nstderr: %s", strings.Join(args, " "), r.exitCode(), r.err, wantExit, r.stdout, r.stderr)
	}
	want := fmt.Sprintf("An error occurred (%s) when calling the %s operation: %s", code, operation, message)
	if !strings.Contains(string(r.stderr), want) {
		t.Errorf("aws %s: stderr\n%s\nwant it to contain\n%s", strings.Join(args, " "), r.stderr, want)
	}
}
