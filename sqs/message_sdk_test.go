package sqs_test

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Sending, receiving, deleting and the visibility of messages, standard and
// FIFO, through the SDK. The SDK itself verifies MD5OfMessageBody on every
// send and receive; the tests check the attribute digests.

func strAttr(typ, v string) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String(typ), StringValue: aws.String(v)}
}

func binAttr(typ string, v []byte) types.MessageAttributeValue {
	return types.MessageAttributeValue{DataType: aws.String(typ), BinaryValue: v}
}

func TestMessageAttributeDigests(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "digests", nil)

	// Digests published with AWS's own examples of the algorithm.
	for _, tc := range []struct {
		attrs map[string]types.MessageAttributeValue
		want  string
	}{
		{map[string]types.MessageAttributeValue{
			"test_attribute_name_2": strAttr("String", "test_attribute_value_2"),
			"test_attribute_name_1": strAttr("String", "test_attribute_value_1"),
		}, "d53f3b558fe951154770f25cb63dbba9"},
		{map[string]types.MessageAttributeValue{
			"test_attribute_name": binAttr("Binary", []byte("test_attribute_value")),
		}, "23f6bd27ea87aab7dfeadcc9aebee495"},
	} {
		out, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x"), MessageAttributes: tc.attrs})
		if err != nil {
			t.Fatal(err)
		}
		if got := aws.ToString(out.MD5OfMessageAttributes); got != tc.want {
			t.Errorf("MD5OfMessageAttributes = %s, want %s", got, tc.want)
		}
		if md5OfAttributes(tc.attrs) != tc.want {
			t.Fatalf("the test's own digest disagrees with AWS's example %s", tc.want)
		}
	}
	drain(t, c, url)

	// Every data type, custom types included, round-trips with its digest.
	attrs := map[string]types.MessageAttributeValue{
		"str":        strAttr("String", "héllo wörld"),
		"num":        strAttr("Number", "-12.5e3"),
		"bin":        binAttr("Binary", []byte{0, 1, 2, 0xff}),
		"custom.str": strAttr("String.Email", "a@example.com"),
		"int":        strAttr("Number.int", "42"),
		"img":        binAttr("Binary.gif", []byte("GIF89a")),
	}
	out, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("typed"), MessageAttributes: attrs})
	if err != nil {
		t.Fatal(err)
	}
	want := md5OfAttributes(attrs)
	if got := aws.ToString(out.MD5OfMessageAttributes); got != want {
		t.Fatalf("MD5OfMessageAttributes = %s, want %s", got, want)
	}
	if out.MD5OfMessageSystemAttributes != nil {
		t.Fatalf("MD5OfMessageSystemAttributes = %s with no system attributes", *out.MD5OfMessageSystemAttributes)
	}
	got := receive(t, c, url, 1)
	if len(got) != 1 {
		t.Fatalf("received %d", len(got))
	}
	m := got[0]
	if aws.ToString(m.MD5OfMessageAttributes) != want || aws.ToString(m.MessageId) != aws.ToString(out.MessageId) {
		t.Fatalf("received MD5OfMessageAttributes %s id %s, want %s id %s",
			aws.ToString(m.MD5OfMessageAttributes), aws.ToString(m.MessageId), want, aws.ToString(out.MessageId))
	}
	if md5OfAttributes(m.MessageAttributes) != want {
		t.Fatalf("received attributes %v do not digest to %s", m.MessageAttributes, want)
	}
	for name, sent := range attrs {
		r := m.MessageAttributes[name]
		if aws.ToString(r.DataType) != aws.ToString(sent.DataType) || aws.ToString(r.StringValue) != aws.ToString(sent.StringValue) || string(r.BinaryValue) != string(sent.BinaryValue) {
			t.Errorf("attribute %s: sent %+v, received %+v", name, sent, r)
		}
	}
}

func TestSendMessageSystemAttributes(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "traced", nil)
	trace := "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"
	sys := map[string]types.MessageSystemAttributeValue{
		"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String(trace)},
	}
	out, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("traced"), MessageSystemAttributes: sys})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(out.MD5OfMessageSystemAttributes), md5OfSystemAttributes(sys); got != want {
		t.Fatalf("MD5OfMessageSystemAttributes = %s, want %s", got, want)
	}
	r, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url),
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAWSTraceHeader}})
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Messages) != 1 || r.Messages[0].Attributes["AWSTraceHeader"] != trace || len(r.Messages[0].Attributes) != 1 {
		t.Fatalf("received %+v", r.Messages)
	}

	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x"),
		MessageSystemAttributes: map[string]types.MessageSystemAttributeValue{
			"AWSTraceHeader": {DataType: aws.String("Number"), StringValue: aws.String("1")},
		}})
	wantAPIError(t, err, "InvalidParameterValue")
}

func TestSendMessageValidation(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "strict", nil)
	sendErr := func(in *sqs.SendMessageInput) error {
		in.QueueUrl = aws.String(url)
		if in.MessageBody == nil {
			in.MessageBody = aws.String("body")
		}
		_, err := c.SendMessage(ctx, in)
		return err
	}

	// 1 MiB is the default limit, the body and the attributes counted together.
	if err := sendErr(&sqs.SendMessageInput{MessageBody: aws.String(strings.Repeat("a", 1<<20))}); err != nil {
		t.Fatalf("a 1 MiB body: %v", err)
	}
	err := sendErr(&sqs.SendMessageInput{MessageBody: aws.String(strings.Repeat("a", 1<<20+1))})
	wantAPIError(t, err, "InvalidParameterValue")
	wantStatus(t, err, http.StatusBadRequest)
	err = sendErr(&sqs.SendMessageInput{MessageBody: aws.String(strings.Repeat("a", 1<<20-4)),
		MessageAttributes: map[string]types.MessageAttributeValue{"n": strAttr("String", "v")}})
	wantAPIError(t, err, "InvalidParameterValue")

	for _, body := range []string{"nul\x00", "bell\a", "\uFFFE", "\uFFFF", "ok\x1f"} {
		err := sendErr(&sqs.SendMessageInput{MessageBody: aws.String(body)})
		wantTyped[*types.InvalidMessageContents](t, err)
		wantAPIError(t, err, "InvalidMessageContents")
	}
	for _, body := range []string{"tab\tnewline\ncr\r", "\U0001F600 emoji", "\uE000\uFFFD"} {
		if err := sendErr(&sqs.SendMessageInput{MessageBody: aws.String(body)}); err != nil {
			t.Errorf("body %q: %v", body, err)
		}
	}

	for _, d := range []int32{-1, 901} {
		wantAPIError(t, sendErr(&sqs.SendMessageInput{DelaySeconds: d}), "InvalidParameterValue")
	}
	for _, attrs := range []map[string]types.MessageAttributeValue{
		{"bad name": strAttr("String", "v")},
		{"AWS.reserved": strAttr("String", "v")},
		{".dot": strAttr("String", "v")},
		{"n": strAttr("Number", "not a number")},
		{"n": strAttr("Integer", "1")},
		{"n": strAttr("String", "")},
		{"n": {DataType: aws.String("Binary")}},
	} {
		wantAPIError(t, sendErr(&sqs.SendMessageInput{MessageAttributes: attrs}), "InvalidParameterValue")
	}
	eleven := map[string]types.MessageAttributeValue{}
	for i := 0; i < 11; i++ {
		eleven[fmt.Sprint("a", i)] = strAttr("String", "v")
	}
	wantAPIError(t, sendErr(&sqs.SendMessageInput{MessageAttributes: eleven}), "InvalidParameterValue")
	// A standard queue takes no deduplication id.
	wantAPIError(t, sendErr(&sqs.SendMessageInput{MessageDeduplicationId: aws.String("d")}), "InvalidParameterValue")

	// A queue's MaximumMessageSize lowers the limit.
	small := createQueue(t, c, "small", map[string]string{"MaximumMessageSize": "1024"})
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(small), MessageBody: aws.String(strings.Repeat("a", 1024))}); err != nil {
		t.Fatal(err)
	}
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(small), MessageBody: aws.String(strings.Repeat("a", 1025))})
	wantAPIError(t, err, "InvalidParameterValue")
}

func TestSendMessageDelay(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "delayed", nil)
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("later"), DelaySeconds: 900}); err != nil {
		t.Fatal(err)
	}
	send(t, c, url, "now")
	if got := bodies(drain(t, c, url)); len(got) != 1 || got[0] != "now" {
		t.Fatalf("received %q, want only the undelayed message", got)
	}

	// The queue's DelaySeconds applies when the message names none (the SDK
	// does not send a zero DelaySeconds; TestQueryProtocolMessages sends an
	// explicit 0, which overrides the queue's); a message's own delay
	// overrides it.
	q := createQueue(t, c, "queue-delay", map[string]string{"DelaySeconds": "900"})
	send(t, c, q, "queue delay")
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(q), MessageBody: aws.String("own delay"), DelaySeconds: 1}); err != nil {
		t.Fatal(err)
	}
	counts := queueAttrs(t, c, q, "ApproximateNumberOfMessagesDelayed", "ApproximateNumberOfMessages")
	if counts["ApproximateNumberOfMessagesDelayed"] != "2" || counts["ApproximateNumberOfMessages"] != "0" {
		t.Fatalf("counts = %v", counts)
	}
}

func TestReceiveMessageAttributes(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "recv-attrs", nil)
	attrs := map[string]types.MessageAttributeValue{
		"order.id":    strAttr("Number", "7"),
		"order.state": strAttr("String", "new"),
		"trace":       strAttr("String", "t-1"),
	}
	before := time.Now().Add(-time.Second).UnixMilli()
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("m"), MessageAttributes: attrs}); err != nil {
		t.Fatal(err)
	}
	recv := func(sys []types.MessageSystemAttributeName, names []string) types.Message {
		t.Helper()
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url),
			MessageSystemAttributeNames: sys, MessageAttributeNames: names})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Messages) != 1 {
			t.Fatalf("received %d messages", len(out.Messages))
		}
		m := out.Messages[0]
		// Make it visible again for the next receive.
		if _, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0}); err != nil {
			t.Fatal(err)
		}
		return m
	}

	m := recv([]types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll}, nil)
	if m.Attributes["SenderId"] != defaultAccount {
		t.Errorf("SenderId = %q, want the account id", m.Attributes["SenderId"])
	}
	if m.Attributes["ApproximateReceiveCount"] != "1" {
		t.Errorf("ApproximateReceiveCount = %q", m.Attributes["ApproximateReceiveCount"])
	}
	for _, k := range []string{"SentTimestamp", "ApproximateFirstReceiveTimestamp"} {
		ms, err := strconv.ParseInt(m.Attributes[k], 10, 64)
		if err != nil || ms < before || ms > time.Now().Add(time.Second).UnixMilli() {
			t.Errorf("%s = %q, want epoch milliseconds of now", k, m.Attributes[k])
		}
	}
	for _, k := range []string{"SequenceNumber", "MessageGroupId", "MessageDeduplicationId"} {
		if v, ok := m.Attributes[k]; ok {
			t.Errorf("standard message has %s=%s", k, v)
		}
	}
	if len(m.MessageAttributes) != 0 || m.MD5OfMessageAttributes != nil {
		t.Errorf("message attributes returned without MessageAttributeNames: %v %v", m.MessageAttributes, aws.ToString(m.MD5OfMessageAttributes))
	}

	m = recv([]types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount}, nil)
	if len(m.Attributes) != 1 || m.Attributes["ApproximateReceiveCount"] != "2" {
		t.Errorf("asked for ApproximateReceiveCount, got %v", m.Attributes)
	}
	m = recv(nil, nil)
	if len(m.Attributes) != 0 {
		t.Errorf("asked for no attributes, got %v", m.Attributes)
	}

	for _, tc := range []struct {
		names []string
		want  []string
	}{
		{[]string{"All"}, []string{"order.id", "order.state", "trace"}},
		{[]string{".*"}, []string{"order.id", "order.state", "trace"}},
		{[]string{"order.*"}, []string{"order.id", "order.state"}},
		{[]string{"trace", "missing"}, []string{"trace"}},
		{[]string{"missing"}, nil},
	} {
		m := recv(nil, tc.names)
		if len(m.MessageAttributes) != len(tc.want) {
			t.Errorf("MessageAttributeNames %v returned %v, want %v", tc.names, m.MessageAttributes, tc.want)
			continue
		}
		sub := map[string]types.MessageAttributeValue{}
		for _, k := range tc.want {
			v, ok := m.MessageAttributes[k]
			if !ok {
				t.Errorf("MessageAttributeNames %v: %s missing", tc.names, k)
			}
			sub[k] = v
		}
		if len(tc.want) == 0 {
			if m.MD5OfMessageAttributes != nil {
				t.Errorf("MessageAttributeNames %v: MD5OfMessageAttributes %s for no attributes", tc.names, *m.MD5OfMessageAttributes)
			}
			continue
		}
		// The digest covers the attributes returned.
		if got, want := aws.ToString(m.MD5OfMessageAttributes), md5OfAttributes(sub); got != want {
			t.Errorf("MessageAttributeNames %v: MD5OfMessageAttributes %s, want %s", tc.names, got, want)
		}
	}

	_, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MessageSystemAttributeNames: []types.MessageSystemAttributeName{"Bogus"}})
	wantTyped[*types.InvalidAttributeName](t, err)
	for _, in := range []*sqs.ReceiveMessageInput{
		{MaxNumberOfMessages: 11}, {MaxNumberOfMessages: -1}, {WaitTimeSeconds: 21}, {VisibilityTimeout: 43201},
	} {
		in.QueueUrl = aws.String(url)
		_, err := c.ReceiveMessage(ctx, in)
		wantAPIError(t, err, "InvalidParameterValue")
	}
	_, err = c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url + "-gone")})
	wantTyped[*types.QueueDoesNotExist](t, err)
}

func TestReceiveLongPoll(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "long-poll", nil)

	// Nothing arrives: the poll ends empty, without error.
	out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 1})
	if err != nil || len(out.Messages) != 0 {
		t.Fatalf("empty long poll: %v, %d messages", err, len(out.Messages))
	}

	// A send during the poll is what the poll returns.
	type result struct {
		out *sqs.ReceiveMessageOutput
		err error
	}
	done := make(chan result, 1)
	go func() {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 2})
		done <- result{out, err}
	}()
	send(t, c, url, "wake up")
	r := <-done
	if r.err != nil {
		t.Fatal(r.err)
	}
	if len(r.out.Messages) != 1 || aws.ToString(r.out.Messages[0].Body) != "wake up" {
		t.Fatalf("long poll returned %q", bodies(r.out.Messages))
	}

	// The queue's ReceiveMessageWaitTimeSeconds applies when the request gives none.
	c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"ReceiveMessageWaitTimeSeconds": "1"}})
	go func() {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url)})
		done <- result{out, err}
	}()
	send(t, c, url, "queue default wait")
	if r := <-done; r.err != nil || len(r.out.Messages) != 1 {
		t.Fatalf("receive with the queue's wait: %v, %q", r.err, bodies(r.out.Messages))
	}

	// Deleting the queue ends a waiting receive with QueueDoesNotExist (and a
	// receive that starts after the delete gets the same).
	go func() {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), WaitTimeSeconds: 2})
		done <- result{out, err}
	}()
	if _, err := c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)}); err != nil {
		t.Fatal(err)
	}
	r = <-done
	wantTyped[*types.QueueDoesNotExist](t, r.err)
}

func TestVisibility(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "visibility", nil)
	send(t, c, url, "m")

	// Received with the queue's 30 s: invisible to the next receive.
	first := receive(t, c, url, 1)
	if len(first) != 1 {
		t.Fatalf("received %d", len(first))
	}
	if got := receive(t, c, url, 1); len(got) != 0 {
		t.Fatalf("in-flight message received again: %q", bodies(got))
	}
	// ChangeMessageVisibility to 0 makes it visible at once.
	if _, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: first[0].ReceiptHandle, VisibilityTimeout: 0}); err != nil {
		t.Fatal(err)
	}
	// ...after which its handle no longer refers to an in-flight message.
	_, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: first[0].ReceiptHandle, VisibilityTimeout: 10})
	wantTyped[*types.MessageNotInflight](t, err)
	wantAPIError(t, err, "AWS.SimpleQueueService.MessageNotInflight")

	// A receive's VisibilityTimeout overrides the queue's. (The SDK does not
	// send a zero VisibilityTimeout, so the queue's is set to 0 here.)
	c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"VisibilityTimeout": "0"}})
	if got := receive(t, c, url, 1); len(got) != 1 || got[0].Attributes["ApproximateReceiveCount"] != "2" {
		t.Fatalf("second receive = %+v, want the message with ApproximateReceiveCount 2", got)
	}
	out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), VisibilityTimeout: 60,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameApproximateReceiveCount}})
	if err != nil || len(out.Messages) != 1 {
		t.Fatalf("receive with VisibilityTimeout 60: %v %d", err, len(out.Messages))
	}
	second := out.Messages
	if second[0].Attributes["ApproximateReceiveCount"] != "3" {
		t.Fatalf("third receive = %+v, want ApproximateReceiveCount 3", second[0].Attributes)
	}
	if got := receive(t, c, url, 1); len(got) != 0 {
		t.Fatalf("received %q while the override's 60 s run", bodies(got))
	}
	if aws.ToString(second[0].ReceiptHandle) == aws.ToString(first[0].ReceiptHandle) {
		t.Fatalf("two deliveries share a receipt handle")
	}

	// Extending works on the latest handle; bad values and handles fail.
	if _, err := c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: second[0].ReceiptHandle, VisibilityTimeout: 43200}); err != nil {
		t.Fatal(err)
	}
	_, err = c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: second[0].ReceiptHandle, VisibilityTimeout: 43201})
	wantAPIError(t, err, "InvalidParameterValue")
	_, err = c.ChangeMessageVisibility(ctx, &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: aws.String("not-a-handle"), VisibilityTimeout: 0})
	wantTyped[*types.ReceiptHandleIsInvalid](t, err)
	wantStatus(t, err, http.StatusNotFound)
}

func TestDeleteMessage(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "deletes", nil)
	send(t, c, url, "m")
	got := receive(t, c, url, 1)
	if len(got) != 1 {
		t.Fatalf("received %d", len(got))
	}
	h := got[0].ReceiptHandle
	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: h}); err != nil {
		t.Fatal(err)
	}
	counts := queueAttrs(t, c, url, "All")
	if counts["ApproximateNumberOfMessages"] != "0" || counts["ApproximateNumberOfMessagesNotVisible"] != "0" {
		t.Fatalf("after delete: %v", counts)
	}
	// Deleting again with the same handle succeeds, as in AWS.
	if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: h}); err != nil {
		t.Fatalf("second delete: %v", err)
	}
	for _, bad := range []string{"garbage", "AQEB" + strings.Repeat("x", 40)} {
		_, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: aws.String(bad)})
		e := wantTyped[*types.ReceiptHandleIsInvalid](t, err)
		if e.ErrorCode() != "ReceiptHandleIsInvalid" {
			t.Fatalf("ErrorCode %s", e.ErrorCode())
		}
		wantStatus(t, err, http.StatusNotFound)
	}
	// Another queue's handle is not valid here.
	other := createQueue(t, c, "deletes-other", nil)
	send(t, c, other, "o")
	oh := receive(t, c, other, 1)[0].ReceiptHandle
	_, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: oh})
	wantTyped[*types.ReceiptHandleIsInvalid](t, err)
	_, err = c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: aws.String("")})
	wantAPIError(t, err, "MissingParameter")
}

func TestFIFOQueue(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "orders.fifo", map[string]string{"FifoQueue": "true"})
	sendFIFO := func(body, group, dedup string) *sqs.SendMessageOutput {
		t.Helper()
		out, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body),
			MessageGroupId: aws.String(group), MessageDeduplicationId: aws.String(dedup)})
		if err != nil {
			t.Fatalf("send %s: %v", body, err)
		}
		return out
	}

	var seqs []string
	for _, m := range [][3]string{{"a1", "A", "1"}, {"b1", "B", "2"}, {"a2", "A", "3"}, {"a3", "A", "4"}, {"b2", "B", "5"}} {
		out := sendFIFO(m[0], m[1], m[2])
		s := aws.ToString(out.SequenceNumber)
		if len(s) != 20 {
			t.Fatalf("SequenceNumber %q is not 20 digits", s)
		}
		if len(seqs) > 0 && s <= seqs[len(seqs)-1] {
			t.Fatalf("SequenceNumber %s not after %s", s, seqs[len(seqs)-1])
		}
		seqs = append(seqs, s)
	}

	// Order within each group; a group with a message in flight is locked.
	first := receive(t, c, url, 1)
	if len(first) != 1 || aws.ToString(first[0].Body) != "a1" {
		t.Fatalf("first receive = %q, want a1", bodies(first))
	}
	m := first[0]
	if m.Attributes["MessageGroupId"] != "A" || m.Attributes["MessageDeduplicationId"] != "1" || m.Attributes["SequenceNumber"] != seqs[0] {
		t.Fatalf("FIFO attributes = %v", m.Attributes)
	}
	rest := receive(t, c, url, 10)
	if got := strings.Join(bodies(rest), ","); got != "b1,b2" {
		t.Fatalf("while group A is locked, received %s, want b1,b2", got)
	}
	for _, r := range append(first, rest...) {
		if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: r.ReceiptHandle}); err != nil {
			t.Fatal(err)
		}
	}
	if got := strings.Join(bodies(receive(t, c, url, 10)), ","); got != "a2,a3" {
		t.Fatalf("after deleting a1, received %s, want a2,a3", got)
	}

	// Deduplication: the same id within the window is accepted, not enqueued,
	// and answered with the original MessageId and SequenceNumber, even with
	// a different body (the SDK checks the body digest against its own body).
	orig := sendFIFO("first", "D", "same")
	dup := sendFIFO("second", "D", "same")
	if aws.ToString(dup.MessageId) != aws.ToString(orig.MessageId) || aws.ToString(dup.SequenceNumber) != aws.ToString(orig.SequenceNumber) {
		t.Fatalf("duplicate got id %s seq %s, want %s %s", aws.ToString(dup.MessageId), aws.ToString(dup.SequenceNumber),
			aws.ToString(orig.MessageId), aws.ToString(orig.SequenceNumber))
	}
	// Same id in another group: still a duplicate with the default (queue) scope.
	sendFIFO("third", "E", "same")
	if got := bodies(drain(t, c, url)); strings.Join(got, ",") != "first" {
		t.Fatalf("after duplicates, received %q, want only first", got)
	}

	// Validation.
	_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x"), MessageDeduplicationId: aws.String("x")})
	wantAPIError(t, err, "MissingParameter")
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x"), MessageGroupId: aws.String("g")})
	wantAPIError(t, err, "InvalidParameterValue") // no dedup id and no content-based deduplication
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x"), MessageGroupId: aws.String("g"),
		MessageDeduplicationId: aws.String("x"), DelaySeconds: 5})
	wantAPIError(t, err, "InvalidParameterValue")
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x"), MessageGroupId: aws.String("has space"),
		MessageDeduplicationId: aws.String("x")})
	wantAPIError(t, err, "InvalidParameterValue")
}

func TestFIFOContentBasedDeduplication(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "cbd.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"})
	sendBody := func(body string, attrs map[string]types.MessageAttributeValue) *sqs.SendMessageOutput {
		t.Helper()
		out, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body),
			MessageGroupId: aws.String("g"), MessageAttributes: attrs})
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	a := sendBody("same body", nil)
	// The digest is of the body alone: different attributes are still a duplicate,
	// and the answer carries the digest of this request's attributes.
	attrs := map[string]types.MessageAttributeValue{"k": strAttr("String", "v")}
	b := sendBody("same body", attrs)
	if aws.ToString(a.MessageId) != aws.ToString(b.MessageId) {
		t.Fatalf("same body got ids %s and %s", aws.ToString(a.MessageId), aws.ToString(b.MessageId))
	}
	if got, want := aws.ToString(b.MD5OfMessageAttributes), md5OfAttributes(attrs); got != want {
		t.Fatalf("duplicate's MD5OfMessageAttributes = %q, want %s (this request's)", got, want)
	}
	c2 := sendBody("other body", nil)
	if aws.ToString(c2.MessageId) == aws.ToString(a.MessageId) {
		t.Fatal("different bodies deduplicated")
	}
	got := drain(t, c, url)
	if strings.Join(bodies(got), ",") != "same body,other body" {
		t.Fatalf("received %q", bodies(got))
	}
	if got[0].Attributes["MessageDeduplicationId"] == "" {
		t.Fatal("content-based deduplication id not reported")
	}
}

func TestFIFODeduplicationScopeMessageGroup(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	_, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("bad.fifo"),
		Attributes: map[string]string{"FifoQueue": "true", "FifoThroughputLimit": "perMessageGroupId"}})
	wantTyped[*types.InvalidAttributeValue](t, err)

	_, err = c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("bad.fifo"),
		Attributes: map[string]string{"FifoQueue": "true", "DeduplicationScope": "perGroup"}})
	wantTyped[*types.InvalidAttributeValue](t, err)

	url := createQueue(t, c, "hi.fifo", map[string]string{"FifoQueue": "true", "DeduplicationScope": "messageGroup", "FifoThroughputLimit": "perMessageGroupId"})
	ids := map[string]bool{}
	for _, g := range []string{"g1", "g2", "g1"} {
		out, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(g),
			MessageGroupId: aws.String(g), MessageDeduplicationId: aws.String("same")})
		if err != nil {
			t.Fatal(err)
		}
		ids[aws.ToString(out.MessageId)] = true
	}
	if len(ids) != 2 {
		t.Fatalf("%d distinct ids, want 2 (one per group)", len(ids))
	}
	if got := sortedBodies(drain(t, c, url)); strings.Join(got, ",") != "g1,g2" {
		t.Fatalf("received %q", got)
	}
}

func TestFIFOReceiveRequestAttemptID(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "attempt.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"})
	for _, b := range []string{"1", "2", "3"} {
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(b), MessageGroupId: aws.String(b)}); err != nil {
			t.Fatal(err)
		}
	}
	recv := func(attempt string) []types.Message {
		t.Helper()
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 2, ReceiveRequestAttemptId: aws.String(attempt)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Messages
	}
	a := recv("attempt-1")
	b := recv("attempt-1")
	if len(a) != 2 || len(b) != 2 || aws.ToString(a[0].ReceiptHandle) != aws.ToString(b[0].ReceiptHandle) || aws.ToString(a[1].ReceiptHandle) != aws.ToString(b[1].ReceiptHandle) {
		t.Fatalf("retried attempt returned %q / %q, want the same messages and handles", bodies(a), bodies(b))
	}
	if got := bodies(recv("attempt-2")); len(got) != 1 || got[0] != "3" {
		t.Fatalf("new attempt received %q, want 3", got)
	}
}
