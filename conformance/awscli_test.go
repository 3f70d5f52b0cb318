package conformance

import (
	"encoding/json"
	"fmt"
	"maps"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// debianAWSCLI is where Debian's awscli package puts the CLI; it is the
// build that speaks SQS's query protocol.
const debianAWSCLI = "/usr/bin/aws"

// TestAWSCLI runs the AWS CLI's SQS commands, as the CLI reference and the
// SQS developer guide use them, against ferry. It runs Debian's CLI, or else
// the aws on PATH; FERRY_AWS_CLI names another to run instead (a newer CLI,
// which speaks AWS JSON to SQS). Each CLI command is a Python start-up, so
// one CLI is run, not every one the machine has.
func TestAWSCLI(t *testing.T) {
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
	// The flows use distinct queue names, so they share one ferry and run
	// side by side. They are not t.Parallel: most of their time is spent
	// starting Python or in long polls, so they overlap well beyond
	// -parallel's default of one per CPU.
	var wg sync.WaitGroup
	for _, flow := range []struct {
		name string
		run  func(*testing.T)
	}{
		{"StandardQueue", cli.standardQueue},
		{"DeadLetterQueue", cli.deadLetterQueue},
		{"Tags", cli.tags},
		{"PurgeQueue", cli.purgeQueue},
		{"DeleteQueue", cli.deleteQueue},
		{"FIFOQueue", cli.fifoQueue},
		{"Errors", cli.errors},
		{"Credentials", cli.credentials},
		{"IdentityTutorial", cli.identityTutorial},
	} {
		wg.Go(func() { t.Run(flow.name, flow.run) })
	}
	wg.Wait()
}

// awsCLI runs one AWS CLI against one ferry.
type awsCLI struct {
	bin      string
	endpoint string
	v1       bool // CLI v1 sends blob arguments as given; v2 base64-decodes them
}

// exec runs "aws --endpoint-url E --output json ARGS..." with the clean
// environment of clientEnv; env entries override it.
func (c *awsCLI) exec(t *testing.T, env []string, args ...string) result {
	t.Helper()
	full := append([]string{"--endpoint-url", c.endpoint, "--output", "json"}, args...)
	return runProcess(t, t.TempDir(), clientEnv(t, env...), c.bin, full...)
}

// call runs a command that must succeed and decodes its JSON output into out
// (a command with an empty result prints nothing; out is then left as is).
func (c *awsCLI) call(t *testing.T, out any, args ...string) {
	t.Helper()
	r := c.exec(t, nil, args...)
	if r.err != nil {
		t.Fatalf("aws %s: %v\nstderr: %s", strings.Join(args, " "), r.err, r.stderr)
	}
	if out == nil || len(strings.TrimSpace(string(r.stdout))) == 0 {
		return
	}
	if err := json.Unmarshal(r.stdout, out); err != nil {
		t.Fatalf("aws %s: output is not JSON: %v\n%s", strings.Join(args, " "), err, r.stdout)
	}
}

// fail runs a command that must fail with AWS error code code, as the CLI
// prints it: "An error occurred (CODE) when calling the OP operation: ...".
func (c *awsCLI) fail(t *testing.T, env []string, code string, args ...string) {
	t.Helper()
	r := c.exec(t, env, args...)
	if r.err == nil {
		t.Fatalf("aws %s: exited 0, want error %s\nstdout: %s", strings.Join(args, " "), code, r.stdout)
	}
	if r.exitCode() <= 0 {
		t.Fatalf("aws %s: %v, want an exit status\nstderr: %s", strings.Join(args, " "), r.err, r.stderr)
	}
	if !strings.Contains(string(r.stderr), "("+code+")") {
		t.Fatalf("aws %s: exit %d, stderr does not name (%s):\n%s", strings.Join(args, " "), r.exitCode(), code, r.stderr)
	}
}

func (c *awsCLI) createQueue(t *testing.T, name string, extra ...string) string {
	t.Helper()
	var out struct{ QueueUrl string }
	c.call(t, &out, append([]string{"sqs", "create-queue", "--queue-name", name}, extra...)...)
	if want := c.endpoint + "/" + account + "/" + name; out.QueueUrl != want {
		t.Fatalf("create-queue %s: QueueUrl = %q, want %q", name, out.QueueUrl, want)
	}
	return out.QueueUrl
}

func (c *awsCLI) queueAttributes(t *testing.T, url string, names ...string) map[string]string {
	t.Helper()
	var out struct{ Attributes map[string]string }
	c.call(t, &out, append([]string{"sqs", "get-queue-attributes", "--queue-url", url, "--attribute-names"}, names...)...)
	return out.Attributes
}

// cliMessage is a received message as the CLI prints it.
type cliMessage struct {
	MessageId              string
	ReceiptHandle          string
	MD5OfBody              string
	Body                   string
	MD5OfMessageAttributes string
	Attributes             map[string]string
	MessageAttributes      map[string]msgAttr
}

func (c *awsCLI) receive(t *testing.T, url string, extra ...string) []cliMessage {
	t.Helper()
	var out struct{ Messages []cliMessage }
	args := []string{"sqs", "receive-message", "--queue-url", url,
		"--attribute-names", "All", "--message-attribute-names", "All",
		"--max-number-of-messages", "10", "--wait-time-seconds", "1"}
	c.call(t, &out, append(args, extra...)...)
	for _, m := range out.Messages {
		if m.MD5OfBody != md5Hex(m.Body) {
			t.Errorf("message %q: MD5OfBody = %s, want %s", m.Body, m.MD5OfBody, md5Hex(m.Body))
		}
		if len(m.MessageAttributes) > 0 && m.MD5OfMessageAttributes != md5OfAttributes(m.MessageAttributes) {
			t.Errorf("message %q: MD5OfMessageAttributes = %s, want %s", m.Body, m.MD5OfMessageAttributes, md5OfAttributes(m.MessageAttributes))
		}
		if m.MessageId == "" || m.ReceiptHandle == "" {
			t.Errorf("message %q: MessageId %q, ReceiptHandle %q: want both", m.Body, m.MessageId, m.ReceiptHandle)
		}
	}
	return out.Messages
}

// receiveAll receives until it holds want messages, as a consumer of a
// standard queue must (one receive may return fewer than are visible).
func (c *awsCLI) receiveAll(t *testing.T, url string, want int, extra ...string) map[string]cliMessage {
	t.Helper()
	got := map[string]cliMessage{}
	for range 5 {
		for _, m := range c.receive(t, url, extra...) {
			if _, dup := got[m.Body]; dup {
				t.Fatalf("message %q received twice while in flight", m.Body)
			}
			got[m.Body] = m
		}
		if len(got) >= want {
			break
		}
	}
	if len(got) != want {
		t.Fatalf("received %d messages %v, want %d", len(got), keys(got), want)
	}
	return got
}

// standardQueue is the SQS developer guide's tutorial flow: create a queue,
// find it, send (with attributes, and in a batch), receive, change
// visibility, delete, and read the queue's attributes.
func (c *awsCLI) standardQueue(t *testing.T) {
	url := c.createQueue(t, "orders", "--attributes", "VisibilityTimeout=300")

	var got struct{ QueueUrl string }
	c.call(t, &got, "sqs", "get-queue-url", "--queue-name", "orders")
	if got.QueueUrl != url {
		t.Errorf("get-queue-url = %q, want %q", got.QueueUrl, url)
	}
	var listed struct{ QueueUrls []string }
	c.call(t, &listed, "sqs", "list-queues", "--queue-name-prefix", "ord")
	if !slices.Equal(listed.QueueUrls, []string{url}) {
		t.Errorf("list-queues --queue-name-prefix ord = %q, want [%s]", listed.QueueUrls, url)
	}
	listed.QueueUrls = nil
	c.call(t, &listed, "sqs", "list-queues")
	if !slices.Contains(listed.QueueUrls, url) {
		t.Errorf("list-queues = %q, want it to hold %s", listed.QueueUrls, url)
	}

	// send-message with the attributes of the CLI reference's example.
	binary := "aGVsbG8gd29ybGQ=" // base64 of "hello world"
	sent := map[string]msgAttr{
		"City":       {DataType: "String", StringValue: "Any City"},
		"Population": {DataType: "Number", StringValue: "1250800"},
		"Greeting":   {DataType: "Binary"},
	}
	// CLI v2 reads blob arguments as base64; v1 sends the text itself.
	if c.v1 {
		sent["Greeting"] = msgAttr{DataType: "Binary", BinaryValue: []byte(binary)}
	} else {
		sent["Greeting"] = msgAttr{DataType: "Binary", BinaryValue: []byte("hello world")}
	}
	attrArg := fmt.Sprintf(`{"City":{"DataType":"String","StringValue":"Any City"},`+
		`"Population":{"DataType":"Number","StringValue":"1250800"},`+
		`"Greeting":{"DataType":"Binary","BinaryValue":%q}}`, binary)
	var send struct {
		MessageId, MD5OfMessageBody, MD5OfMessageAttributes string
	}
	c.call(t, &send, "sqs", "send-message", "--queue-url", url,
		"--message-body", "Information about the largest city in Any Region.",
		"--message-attributes", attrArg)
	if send.MessageId == "" {
		t.Error("send-message: no MessageId")
	}
	if want := md5Hex("Information about the largest city in Any Region."); send.MD5OfMessageBody != want {
		t.Errorf("send-message: MD5OfMessageBody = %s, want %s", send.MD5OfMessageBody, want)
	}
	if want := md5OfAttributes(sent); send.MD5OfMessageAttributes != want {
		t.Errorf("send-message: MD5OfMessageAttributes = %s, want %s", send.MD5OfMessageAttributes, want)
	}

	var batch struct {
		Successful []struct{ Id, MessageId, MD5OfMessageBody, MD5OfMessageAttributes string }
		Failed     []struct{ Id, Code, Message string }
	}
	c.call(t, &batch, "sqs", "send-message-batch", "--queue-url", url, "--entries",
		`[{"Id":"first","MessageBody":"batch one"},`+
			`{"Id":"second","MessageBody":"batch two","DelaySeconds":0,`+
			`"MessageAttributes":{"Seq":{"DataType":"Number","StringValue":"2"}}}]`)
	if len(batch.Failed) != 0 || len(batch.Successful) != 2 {
		t.Fatalf("send-message-batch: Successful %v, Failed %v; want 2 successful", batch.Successful, batch.Failed)
	}
	for _, s := range batch.Successful {
		body := map[string]string{"first": "batch one", "second": "batch two"}[s.Id]
		if body == "" || s.MessageId == "" || s.MD5OfMessageBody != md5Hex(body) {
			t.Errorf("send-message-batch entry %+v: want Id first or second, a MessageId and MD5 %s", s, md5Hex(body))
		}
		if s.Id == "second" && s.MD5OfMessageAttributes != md5OfAttributes(map[string]msgAttr{"Seq": {DataType: "Number", StringValue: "2"}}) {
			t.Errorf("send-message-batch entry second: MD5OfMessageAttributes = %s", s.MD5OfMessageAttributes)
		}
	}

	msgs := c.receiveAll(t, url, 3)
	city := msgs["Information about the largest city in Any Region."]
	if city.MessageId != send.MessageId {
		t.Errorf("received MessageId %s, sent %s", city.MessageId, send.MessageId)
	}
	for name, want := range sent {
		got := city.MessageAttributes[name]
		if got.DataType != want.DataType || got.StringValue != want.StringValue || string(got.BinaryValue) != string(want.BinaryValue) {
			t.Errorf("received attribute %s = %+v, want %+v", name, got, want)
		}
	}
	if len(city.MessageAttributes) != len(sent) {
		t.Errorf("received attributes %v, want %v", keys(city.MessageAttributes), keys(sent))
	}
	if city.Attributes["SenderId"] != account {
		t.Errorf("SenderId = %q, want %s (the root of the account)", city.Attributes["SenderId"], account)
	}
	if city.Attributes["ApproximateReceiveCount"] != "1" {
		t.Errorf("ApproximateReceiveCount = %q, want 1", city.Attributes["ApproximateReceiveCount"])
	}
	checkRecent(t, "SentTimestamp", city.Attributes["SentTimestamp"], time.Millisecond)
	checkRecent(t, "ApproximateFirstReceiveTimestamp", city.Attributes["ApproximateFirstReceiveTimestamp"], time.Millisecond)
	if m := msgs["batch one"]; len(m.MessageAttributes) != 0 || m.MD5OfMessageAttributes != "" {
		t.Errorf("message without attributes came back with %v (MD5 %q)", m.MessageAttributes, m.MD5OfMessageAttributes)
	}
	if got := msgs["batch two"].MessageAttributes["Seq"]; got.DataType != "Number" || got.StringValue != "2" {
		t.Errorf("batch two: attribute Seq = %+v", got)
	}

	// All three are in flight for five minutes: nothing more to receive.
	if more := c.receive(t, url); len(more) != 0 {
		t.Errorf("receive while all are in flight: got %d messages", len(more))
	}
	attrs := c.queueAttributes(t, url, "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")
	if attrs["ApproximateNumberOfMessages"] != "0" || attrs["ApproximateNumberOfMessagesNotVisible"] != "3" {
		t.Errorf("in flight: attributes %v, want 0 visible and 3 not visible", attrs)
	}

	// change-message-visibility to 0 makes "batch one" visible again at once.
	c.call(t, nil, "sqs", "change-message-visibility", "--queue-url", url,
		"--receipt-handle", msgs["batch one"].ReceiptHandle, "--visibility-timeout", "0")
	again := c.receive(t, url)
	if len(again) != 1 || again[0].Body != "batch one" {
		t.Fatalf("receive after change-message-visibility 0: got %v, want only batch one", again)
	}
	if n := again[0].Attributes["ApproximateReceiveCount"]; n != "2" {
		t.Errorf("second receive: ApproximateReceiveCount = %q, want 2", n)
	}

	c.call(t, nil, "sqs", "delete-message", "--queue-url", url, "--receipt-handle", city.ReceiptHandle)
	var del struct {
		Successful []struct{ Id string }
		Failed     []struct {
			Id, Code    string
			SenderFault bool
		}
	}
	c.call(t, &del, "sqs", "delete-message-batch", "--queue-url", url, "--entries", mustJSON(t, []map[string]string{
		{"Id": "one", "ReceiptHandle": again[0].ReceiptHandle},
		{"Id": "two", "ReceiptHandle": msgs["batch two"].ReceiptHandle},
	}))
	if len(del.Failed) != 0 || len(del.Successful) != 2 {
		t.Errorf("delete-message-batch: Successful %v, Failed %v; want both successful", del.Successful, del.Failed)
	}

	// A receipt handle that no receive ever issued fails its entry alone.
	del.Successful, del.Failed = nil, nil
	c.call(t, &del, "sqs", "delete-message-batch", "--queue-url", url, "--entries",
		`[{"Id":"bogus","ReceiptHandle":"not-a-receipt-handle"}]`)
	if len(del.Failed) != 1 || del.Failed[0].Id != "bogus" || del.Failed[0].Code != "ReceiptHandleIsInvalid" || !del.Failed[0].SenderFault {
		t.Errorf("delete-message-batch with a bad handle: Failed %+v, want bogus ReceiptHandleIsInvalid (sender fault)", del.Failed)
	}

	attrs = c.queueAttributes(t, url, "All")
	want := map[string]string{
		"QueueArn":                              "arn:aws:sqs:us-east-1:" + account + ":orders",
		"VisibilityTimeout":                     "300",
		"ApproximateNumberOfMessages":           "0",
		"ApproximateNumberOfMessagesNotVisible": "0",
		"ApproximateNumberOfMessagesDelayed":    "0",
		"DelaySeconds":                          "0",
		"ReceiveMessageWaitTimeSeconds":         "0",
		"MessageRetentionPeriod":                "345600",
	}
	for k, v := range want {
		if attrs[k] != v {
			t.Errorf("get-queue-attributes All: %s = %q, want %q", k, attrs[k], v)
		}
	}
	checkRecent(t, "CreatedTimestamp", attrs["CreatedTimestamp"], time.Second)
	checkRecent(t, "LastModifiedTimestamp", attrs["LastModifiedTimestamp"], time.Second)
	if _, ok := attrs["MaximumMessageSize"]; !ok {
		t.Error("get-queue-attributes All: no MaximumMessageSize")
	}

	// The AWS form of a queue URL names the same queue (DESIGN §3).
	awsURL := "https://sqs.us-east-1.amazonaws.com/" + account + "/orders"
	if arn := c.queueAttributes(t, awsURL, "QueueArn")["QueueArn"]; arn != want["QueueArn"] {
		t.Errorf("get-queue-attributes --queue-url %s: QueueArn = %q, want %q", awsURL, arn, want["QueueArn"])
	}
}

// deadLetterQueue follows "Configuring a dead-letter queue": a RedrivePolicy
// set with set-queue-attributes moves a message that was received more than
// maxReceiveCount times to the DLQ.
func (c *awsCLI) deadLetterQueue(t *testing.T) {
	dlq := c.createQueue(t, "payments-dlq")
	dlqARN := c.queueAttributes(t, dlq, "QueueArn")["QueueArn"]
	if want := "arn:aws:sqs:us-east-1:" + account + ":payments-dlq"; dlqARN != want {
		t.Fatalf("DLQ QueueArn = %q, want %q", dlqARN, want)
	}
	src := c.createQueue(t, "payments")
	policy := fmt.Sprintf(`{"deadLetterTargetArn":%q,"maxReceiveCount":"1"}`, dlqARN)
	c.call(t, nil, "sqs", "set-queue-attributes", "--queue-url", src,
		"--attributes", mustJSON(t, map[string]string{"RedrivePolicy": policy}))

	t.Run("GetRedrivePolicy", func(t *testing.T) {
		checkRedrivePolicy(t, c.queueAttributes(t, src, "RedrivePolicy")["RedrivePolicy"], dlqARN, 1)
	})

	var sources struct {
		QueueUrls []string `json:"queueUrls"`
	}
	c.call(t, &sources, "sqs", "list-dead-letter-source-queues", "--queue-url", dlq)
	if !slices.Equal(sources.QueueUrls, []string{src}) {
		t.Errorf("list-dead-letter-source-queues = %q, want [%s]", sources.QueueUrls, src)
	}

	c.call(t, nil, "sqs", "send-message", "--queue-url", src, "--message-body", "poison")
	first := c.receive(t, src, "--visibility-timeout", "0")
	if len(first) != 1 || first[0].Body != "poison" {
		t.Fatalf("first receive: %v, want poison", first)
	}
	// The second receive would be the second delivery: over maxReceiveCount,
	// so the message goes to the DLQ instead.
	if second := c.receive(t, src); len(second) != 0 {
		t.Errorf("second receive from the source queue: got %v, want nothing", second)
	}
	moved := c.receive(t, dlq)
	if len(moved) != 1 || moved[0].Body != "poison" || moved[0].MessageId != first[0].MessageId {
		t.Fatalf("receive from the DLQ: %v, want poison with MessageId %s", moved, first[0].MessageId)
	}
	if n := moved[0].Attributes["DeadLetterQueueSourceArn"]; n != "arn:aws:sqs:us-east-1:"+account+":payments" {
		t.Errorf("DeadLetterQueueSourceArn = %q, want the source queue's ARN", n)
	}
}

// tags: create-queue --tags, tag-queue, list-queue-tags, untag-queue.
func (c *awsCLI) tags(t *testing.T) {
	url := c.createQueue(t, "inventory", "--tags", "team=core")
	c.call(t, nil, "sqs", "tag-queue", "--queue-url", url, "--tags", "env=test,owner=ops")
	var out struct{ Tags map[string]string }
	c.call(t, &out, "sqs", "list-queue-tags", "--queue-url", url)
	if want := map[string]string{"team": "core", "env": "test", "owner": "ops"}; !maps.Equal(out.Tags, want) {
		t.Errorf("list-queue-tags = %v, want %v", out.Tags, want)
	}
	c.call(t, nil, "sqs", "untag-queue", "--queue-url", url, "--tag-keys", "owner", "team")
	out.Tags = nil
	c.call(t, &out, "sqs", "list-queue-tags", "--queue-url", url)
	if want := map[string]string{"env": "test"}; !maps.Equal(out.Tags, want) {
		t.Errorf("list-queue-tags after untag-queue = %v, want %v", out.Tags, want)
	}
}

// purgeQueue: purge-queue empties the queue, and AWS allows one purge a minute.
func (c *awsCLI) purgeQueue(t *testing.T) {
	url := c.createQueue(t, "logs")
	c.call(t, nil, "sqs", "send-message-batch", "--queue-url", url, "--entries",
		`[{"Id":"a","MessageBody":"one"},{"Id":"b","MessageBody":"two"}]`)
	if n := c.queueAttributes(t, url, "ApproximateNumberOfMessages")["ApproximateNumberOfMessages"]; n != "2" {
		t.Errorf("before purge: ApproximateNumberOfMessages = %q, want 2", n)
	}
	c.call(t, nil, "sqs", "purge-queue", "--queue-url", url)
	if got := c.receive(t, url); len(got) != 0 {
		t.Errorf("receive after purge-queue: %d messages, want none", len(got))
	}
	if n := c.queueAttributes(t, url, "ApproximateNumberOfMessages")["ApproximateNumberOfMessages"]; n != "0" {
		t.Errorf("after purge: ApproximateNumberOfMessages = %q, want 0", n)
	}
	c.fail(t, nil, "AWS.SimpleQueueService.PurgeQueueInProgress", "sqs", "purge-queue", "--queue-url", url)
}

// deleteQueue: a deleted queue is gone for every action.
func (c *awsCLI) deleteQueue(t *testing.T) {
	url := c.createQueue(t, "scratch")
	c.call(t, nil, "sqs", "delete-queue", "--queue-url", url)
	c.fail(t, nil, "AWS.SimpleQueueService.NonExistentQueue", "sqs", "get-queue-url", "--queue-name", "scratch")
	c.fail(t, nil, "AWS.SimpleQueueService.NonExistentQueue", "sqs", "send-message", "--queue-url", url, "--message-body", "x")
	var listed struct{ QueueUrls []string }
	c.call(t, &listed, "sqs", "list-queues", "--queue-name-prefix", "scratch")
	if len(listed.QueueUrls) != 0 {
		t.Errorf("list-queues after delete-queue: %q, want none", listed.QueueUrls)
	}
}

// fifoQueue follows the FIFO tutorial: content-based deduplication, order
// within a message group, and the FIFO-only message attributes.
func (c *awsCLI) fifoQueue(t *testing.T) {
	url := c.createQueue(t, "events.fifo", "--attributes", "FifoQueue=true,ContentBasedDeduplication=true")
	attrs := c.queueAttributes(t, url, "FifoQueue", "ContentBasedDeduplication")
	if attrs["FifoQueue"] != "true" || attrs["ContentBasedDeduplication"] != "true" {
		t.Errorf("FIFO queue attributes = %v", attrs)
	}

	type sendOut struct{ MessageId, SequenceNumber, MD5OfMessageBody string }
	var first, second, dup sendOut
	c.call(t, &first, "sqs", "send-message", "--queue-url", url, "--message-body", "order created", "--message-group-id", "order-1")
	c.call(t, &second, "sqs", "send-message", "--queue-url", url, "--message-body", "order paid", "--message-group-id", "order-1")
	c.call(t, &dup, "sqs", "send-message", "--queue-url", url, "--message-body", "order created", "--message-group-id", "order-1")
	if first.SequenceNumber == "" || second.SequenceNumber == "" {
		t.Errorf("send-message to a FIFO queue: SequenceNumber %q, %q; want both", first.SequenceNumber, second.SequenceNumber)
	}
	if !seqLess(first.SequenceNumber, second.SequenceNumber) {
		t.Errorf("SequenceNumber %s then %s: want increasing", first.SequenceNumber, second.SequenceNumber)
	}
	// A duplicate within the deduplication interval is accepted, not enqueued,
	// and answered with the original's MessageId.
	if dup.MessageId != first.MessageId {
		t.Errorf("duplicate send: MessageId %s, want the original's %s", dup.MessageId, first.MessageId)
	}

	var batch struct {
		Successful []struct{ Id, MessageId, SequenceNumber string }
		Failed     []struct{ Id, Code string }
	}
	c.call(t, &batch, "sqs", "send-message-batch", "--queue-url", url, "--entries",
		`[{"Id":"s","MessageBody":"order shipped","MessageGroupId":"order-1","MessageDeduplicationId":"ship-1"},`+
			`{"Id":"o","MessageBody":"order created","MessageGroupId":"order-2","MessageDeduplicationId":"create-2"}]`)
	if len(batch.Failed) != 0 || len(batch.Successful) != 2 {
		t.Fatalf("send-message-batch to a FIFO queue: Successful %v, Failed %v", batch.Successful, batch.Failed)
	}
	for _, s := range batch.Successful {
		if s.SequenceNumber == "" {
			t.Errorf("send-message-batch entry %s: no SequenceNumber", s.Id)
		}
	}

	c.fail(t, nil, "MissingParameter", "sqs", "send-message", "--queue-url", url, "--message-body", "no group")

	var order []string
	byGroup := map[string][]cliMessage{}
	for range 5 {
		for _, m := range c.receive(t, url) {
			order = append(order, m.Body)
			byGroup[m.Attributes["MessageGroupId"]] = append(byGroup[m.Attributes["MessageGroupId"]], m)
		}
		if len(order) >= 4 {
			break
		}
	}
	var group1 []string
	for _, m := range byGroup["order-1"] {
		group1 = append(group1, m.Body)
	}
	if want := []string{"order created", "order paid", "order shipped"}; !slices.Equal(group1, want) {
		t.Fatalf("group order-1 received %q, want %q in order (all received: %q)", group1, want, order)
	}
	if g2 := byGroup["order-2"]; len(g2) != 1 || g2[0].Body != "order created" {
		t.Fatalf("group order-2 received %v, want [order created]", g2)
	}
	m := byGroup["order-1"][0]
	if m.Attributes["SequenceNumber"] != first.SequenceNumber {
		t.Errorf("received SequenceNumber %q, sent %q", m.Attributes["SequenceNumber"], first.SequenceNumber)
	}
	// Content-based deduplication uses the SHA-256 of the body as the id.
	if want := sha256Hex("order created"); m.Attributes["MessageDeduplicationId"] != want {
		t.Errorf("MessageDeduplicationId = %q, want the body's SHA-256 %s", m.Attributes["MessageDeduplicationId"], want)
	}
	if id := byGroup["order-1"][2].Attributes["MessageDeduplicationId"]; id != "ship-1" {
		t.Errorf("explicit MessageDeduplicationId = %q, want ship-1", id)
	}
}

// errors: the failures a user sees first, with the query protocol's codes.
func (c *awsCLI) errors(t *testing.T) {
	c.fail(t, nil, "AWS.SimpleQueueService.NonExistentQueue", "sqs", "get-queue-url", "--queue-name", "no-such-queue")
	c.fail(t, nil, "AWS.SimpleQueueService.NonExistentQueue", "sqs", "get-queue-attributes",
		"--queue-url", c.endpoint+"/"+account+"/no-such-queue", "--attribute-names", "All")
	// A name with characters SQS does not allow.
	c.fail(t, nil, "InvalidParameterValue", "sqs", "create-queue", "--queue-name", "bad name!")
	// A queue that exists with other attributes cannot be created again.
	c.createQueue(t, "settings", "--attributes", "VisibilityTimeout=10")
	c.fail(t, nil, "QueueAlreadyExists", "sqs", "create-queue", "--queue-name", "settings", "--attributes", "VisibilityTimeout=20")
	// The same name with the same attributes is the same queue.
	c.createQueue(t, "settings", "--attributes", "VisibilityTimeout=10")

	url := c.createQueue(t, "handles")
	c.call(t, nil, "sqs", "send-message", "--queue-url", url, "--message-body", "once")
	msgs := c.receive(t, url)
	if len(msgs) != 1 {
		t.Fatalf("receive: %d messages, want 1", len(msgs))
	}
	c.fail(t, nil, "ReceiptHandleIsInvalid", "sqs", "delete-message", "--queue-url", url, "--receipt-handle", "not-a-receipt-handle")
	c.call(t, nil, "sqs", "delete-message", "--queue-url", url, "--receipt-handle", msgs[0].ReceiptHandle)
	// Deleting again with the same handle succeeds, as in AWS.
	c.call(t, nil, "sqs", "delete-message", "--queue-url", url, "--receipt-handle", msgs[0].ReceiptHandle)
	t.Run("ChangeVisibilityOfDeletedMessage", func(t *testing.T) {
		r := c.exec(t, nil, "sqs", "change-message-visibility", "--queue-url", url,
			"--receipt-handle", msgs[0].ReceiptHandle, "--visibility-timeout", "10")
		if r.err == nil || !strings.Contains(string(r.stderr), "(InvalidParameterValue)") {
			t.Errorf("change-message-visibility of a deleted message: %v, stderr %s; want InvalidParameterValue", r.err, r.stderr)
		}
	})
	c.fail(t, nil, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", "sqs", "send-message-batch", "--queue-url", url,
		"--entries", `[{"Id":"a","MessageBody":"x"},{"Id":"a","MessageBody":"y"}]`)
	c.fail(t, nil, "InvalidAttributeName", "sqs", "set-queue-attributes", "--queue-url", url, "--attributes", "NoSuchAttribute=1")
	c.fail(t, nil, "InvalidAttributeValue", "sqs", "set-queue-attributes", "--queue-url", url, "--attributes", "VisibilityTimeout=99999")
}

// credentials: ferry checks every signature (DESIGN §3).
func (c *awsCLI) credentials(t *testing.T) {
	c.fail(t, []string{"AWS_SECRET_ACCESS_KEY=wrong"}, "SignatureDoesNotMatch", "sqs", "list-queues")
	c.fail(t, []string{"AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE"}, "InvalidClientTokenId", "sqs", "list-queues")

	// A 12-digit access key with the root secret is the root of that account.
	r := c.exec(t, []string{"AWS_ACCESS_KEY_ID=111111111111"}, "sqs", "create-queue", "--queue-name", "tenant")
	if r.err != nil {
		t.Fatalf("create-queue as account 111111111111: %v\n%s", r.err, r.stderr)
	}
	var out struct{ QueueUrl string }
	if err := json.Unmarshal(r.stdout, &out); err != nil {
		t.Fatal(err)
	}
	if want := c.endpoint + "/111111111111/tenant"; out.QueueUrl != want {
		t.Errorf("create-queue as account 111111111111: QueueUrl %q, want %q", out.QueueUrl, want)
	}
	// Account 000000000000 does not see it.
	c.fail(t, nil, "AWS.SimpleQueueService.NonExistentQueue", "sqs", "get-queue-url", "--queue-name", "tenant")
}
