package sqs_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// The batch actions through the SDK: whole-request errors, and entries that
// succeed or fail on their own.

func failedByID(failed []types.BatchResultErrorEntry) map[string]types.BatchResultErrorEntry {
	m := map[string]types.BatchResultErrorEntry{}
	for _, f := range failed {
		m[aws.ToString(f.Id)] = f
	}
	return m
}

func TestSendMessageBatch(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "batch", nil)
	attrs := map[string]types.MessageAttributeValue{"k": strAttr("String", "v")}

	out, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("ok-1"), MessageBody: aws.String("one")},
		{Id: aws.String("bad-chars"), MessageBody: aws.String("nul\x00")},
		{Id: aws.String("ok_2"), MessageBody: aws.String("two"), MessageAttributes: attrs},
		{Id: aws.String("bad-delay"), MessageBody: aws.String("x"), DelaySeconds: 901},
		{Id: aws.String("bad-attr"), MessageBody: aws.String("x"), MessageAttributes: map[string]types.MessageAttributeValue{"n": strAttr("Number", "NaN!")}},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Successful) != 2 || aws.ToString(out.Successful[0].Id) != "ok-1" || aws.ToString(out.Successful[1].Id) != "ok_2" {
		t.Fatalf("Successful = %+v", out.Successful)
	}
	ok2 := out.Successful[1]
	if aws.ToString(ok2.MD5OfMessageAttributes) != md5OfAttributes(attrs) || aws.ToString(ok2.MessageId) == "" {
		t.Fatalf("entry ok_2 = %+v", ok2)
	}
	if out.Successful[0].MD5OfMessageAttributes != nil {
		t.Fatalf("entry ok-1 without attributes has MD5OfMessageAttributes %s", *out.Successful[0].MD5OfMessageAttributes)
	}
	failed := failedByID(out.Failed)
	for id, code := range map[string]string{"bad-chars": "InvalidMessageContents", "bad-delay": "InvalidParameterValue", "bad-attr": "InvalidParameterValue"} {
		f, ok := failed[id]
		if !ok {
			t.Fatalf("entry %s did not fail: %+v", id, out.Failed)
		}
		if aws.ToString(f.Code) != code || !f.SenderFault || aws.ToString(f.Message) == "" {
			t.Errorf("entry %s failed with %+v, want code %s, sender fault, a message", id, f, code)
		}
	}
	if got := sortedBodies(drain(t, c, url)); strings.Join(got, ",") != "one,two" {
		t.Fatalf("queue holds %q", got)
	}

	// Whole-request errors.
	entry := func(id string) types.SendMessageBatchRequestEntry {
		return types.SendMessageBatchRequestEntry{Id: aws.String(id), MessageBody: aws.String("b")}
	}
	_, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: []types.SendMessageBatchRequestEntry{}})
	wantTyped[*types.EmptyBatchRequest](t, err)
	wantAPIError(t, err, "AWS.SimpleQueueService.EmptyBatchRequest")
	var eleven []types.SendMessageBatchRequestEntry
	for i := 0; i < 11; i++ {
		eleven = append(eleven, entry(fmt.Sprint("e", i)))
	}
	_, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: eleven})
	wantTyped[*types.TooManyEntriesInBatchRequest](t, err)
	wantAPIError(t, err, "AWS.SimpleQueueService.TooManyEntriesInBatchRequest")
	_, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: []types.SendMessageBatchRequestEntry{entry("x"), entry("x")}})
	wantTyped[*types.BatchEntryIdsNotDistinct](t, err)
	wantAPIError(t, err, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct")
	for _, id := range []string{"has space", "dot.ted", strings.Repeat("i", 81), ""} {
		_, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: []types.SendMessageBatchRequestEntry{entry(id)}})
		wantTyped[*types.InvalidBatchEntryId](t, err)
		wantAPIError(t, err, "AWS.SimpleQueueService.InvalidBatchEntryId")
	}
	half := strings.Repeat("h", 600<<10)
	_, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("a"), MessageBody: aws.String(half)}, {Id: aws.String("b"), MessageBody: aws.String(half)},
	}})
	wantTyped[*types.BatchRequestTooLong](t, err)
	wantAPIError(t, err, "AWS.SimpleQueueService.BatchRequestTooLong")
	if got := queueAttrs(t, c, url, "ApproximateNumberOfMessages")["ApproximateNumberOfMessages"]; got != "0" {
		t.Fatalf("a rejected batch enqueued %s messages", got)
	}
	_, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url + "-gone"), Entries: []types.SendMessageBatchRequestEntry{entry("a")}})
	wantTyped[*types.QueueDoesNotExist](t, err)

	// The batch limit is the API's, not the queue's MaximumMessageSize: each
	// entry is checked against that on its own.
	small := createQueue(t, c, "batch-small", map[string]string{"MaximumMessageSize": "1024"})
	out, err = c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(small), Entries: []types.SendMessageBatchRequestEntry{
		{Id: aws.String("a"), MessageBody: aws.String(strings.Repeat("a", 1000))},
		{Id: aws.String("b"), MessageBody: aws.String(strings.Repeat("b", 1000))},
		{Id: aws.String("c"), MessageBody: aws.String(strings.Repeat("c", 1025))},
	}})
	if err != nil {
		t.Fatalf("two 1000-byte messages to a queue of 1 KiB messages: %v", err)
	}
	if len(out.Successful) != 2 || len(out.Failed) != 1 || aws.ToString(out.Failed[0].Id) != "c" || aws.ToString(out.Failed[0].Code) != "InvalidParameterValue" {
		t.Fatalf("Successful %+v Failed %+v", out.Successful, out.Failed)
	}
}

func TestSendMessageBatchFIFO(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "batch.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true"})
	var entries []types.SendMessageBatchRequestEntry
	for i := 0; i < 5; i++ {
		entries = append(entries, types.SendMessageBatchRequestEntry{Id: aws.String(fmt.Sprint("m", i)), MessageBody: aws.String(fmt.Sprint(i)), MessageGroupId: aws.String("g")})
	}
	entries = append(entries, types.SendMessageBatchRequestEntry{Id: aws.String("nogroup"), MessageBody: aws.String("x")})
	out, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(url), Entries: entries})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Successful) != 5 || len(out.Failed) != 1 || aws.ToString(out.Failed[0].Code) != "MissingParameter" {
		t.Fatalf("Successful %d, Failed %+v", len(out.Successful), out.Failed)
	}
	var seqs []string
	for _, s := range out.Successful {
		seqs = append(seqs, aws.ToString(s.SequenceNumber))
	}
	if !sort.StringsAreSorted(seqs) {
		t.Fatalf("sequence numbers out of entry order: %v", seqs)
	}
	if got := strings.Join(bodies(drain(t, c, url)), ""); got != "01234" {
		t.Fatalf("FIFO batch received in order %s", got)
	}
}

func TestDeleteMessageBatch(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "delete-batch", nil)
	send(t, c, url, "a")
	send(t, c, url, "b")
	got := receive(t, c, url, 10)
	if len(got) != 2 {
		t.Fatalf("received %d", len(got))
	}
	out, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: []types.DeleteMessageBatchRequestEntry{
		{Id: aws.String("a"), ReceiptHandle: got[0].ReceiptHandle},
		{Id: aws.String("bogus"), ReceiptHandle: aws.String("bogus-handle")},
		{Id: aws.String("b"), ReceiptHandle: got[1].ReceiptHandle},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Successful) != 2 || aws.ToString(out.Successful[0].Id) != "a" || aws.ToString(out.Successful[1].Id) != "b" {
		t.Fatalf("Successful = %+v", out.Successful)
	}
	if len(out.Failed) != 1 || aws.ToString(out.Failed[0].Id) != "bogus" || aws.ToString(out.Failed[0].Code) != "ReceiptHandleIsInvalid" || !out.Failed[0].SenderFault {
		t.Fatalf("Failed = %+v", out.Failed)
	}
	counts := queueAttrs(t, c, url, "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible")
	if counts["ApproximateNumberOfMessages"] != "0" || counts["ApproximateNumberOfMessagesNotVisible"] != "0" {
		t.Fatalf("after batch delete: %v", counts)
	}

	_, err = c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: []types.DeleteMessageBatchRequestEntry{}})
	wantTyped[*types.EmptyBatchRequest](t, err)
	_, err = c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(url), Entries: []types.DeleteMessageBatchRequestEntry{
		{Id: aws.String("x"), ReceiptHandle: aws.String("h")}, {Id: aws.String("x"), ReceiptHandle: aws.String("h")},
	}})
	wantTyped[*types.BatchEntryIdsNotDistinct](t, err)
}

func TestChangeMessageVisibilityBatch(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "cmv-batch", nil)
	send(t, c, url, "a")
	send(t, c, url, "b")
	got := receive(t, c, url, 10)
	if len(got) != 2 {
		t.Fatalf("received %d", len(got))
	}
	out, err := c.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(url), Entries: []types.ChangeMessageVisibilityBatchRequestEntry{
		{Id: aws.String("a"), ReceiptHandle: got[0].ReceiptHandle, VisibilityTimeout: 0},
		{Id: aws.String("b"), ReceiptHandle: got[1].ReceiptHandle, VisibilityTimeout: 600},
		{Id: aws.String("bogus"), ReceiptHandle: aws.String("bogus"), VisibilityTimeout: 0},
		{Id: aws.String("range"), ReceiptHandle: got[1].ReceiptHandle, VisibilityTimeout: 43201},
	}})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Successful) != 2 {
		t.Fatalf("Successful = %+v", out.Successful)
	}
	failed := failedByID(out.Failed)
	if aws.ToString(failed["bogus"].Code) != "ReceiptHandleIsInvalid" || aws.ToString(failed["range"].Code) != "InvalidParameterValue" {
		t.Fatalf("Failed = %+v", out.Failed)
	}
	// "a" is visible again at once, "b" stays hidden.
	if again := bodies(receive(t, c, url, 10)); len(again) != 1 || again[0] != aws.ToString(got[0].Body) {
		t.Fatalf("after the batch change, received %q", again)
	}
	_, err = c.ChangeMessageVisibilityBatch(ctx, &sqs.ChangeMessageVisibilityBatchInput{QueueUrl: aws.String(url), Entries: []types.ChangeMessageVisibilityBatchRequestEntry{}})
	wantTyped[*types.EmptyBatchRequest](t, err)
}
