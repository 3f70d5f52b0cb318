package sqs_test

import (
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Dead-letter queues, ListDeadLetterSourceQueues and message move tasks
// through the SDK.

func redrivePolicy(dlqArn string, maxReceive int) string {
	return fmt.Sprintf(`{"deadLetterTargetArn":"%s","maxReceiveCount":%d}`, dlqArn, maxReceive)
}

// receiveUntilMoved receives from a redriving source queue (its visibility
// timeout 0) until a receive comes back empty: every message has then gone to
// the dead-letter queue.
func receiveUntilMoved(t *testing.T, c *sqs.Client, url string) {
	t.Helper()
	for i := 0; i < 50; i++ {
		if len(receive(t, c, url, 10)) == 0 {
			return
		}
	}
	t.Fatalf("messages of %s never reached the dead-letter queue", url)
}

func TestRedrivePolicy(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	dlq := createQueue(t, c, "dead", nil)
	dlqArn := queueArn(t, c, dlq)
	src := createQueue(t, c, "source", map[string]string{"VisibilityTimeout": "0", "RedrivePolicy": redrivePolicy(dlqArn, 2)})
	srcArn := queueArn(t, c, src)
	sent := send(t, c, src, "poison")

	for n := 1; n <= 2; n++ {
		got := receive(t, c, src, 1)
		if len(got) != 1 || got[0].Attributes["ApproximateReceiveCount"] != fmt.Sprint(n) {
			t.Fatalf("receive %d = %+v", n, got)
		}
	}
	// The third receive finds it over maxReceiveCount: it goes to the DLQ.
	if got := receive(t, c, src, 1); len(got) != 0 {
		t.Fatalf("third receive returned %q, want it moved", bodies(got))
	}
	got := receive(t, c, dlq, 10)
	if len(got) != 1 || aws.ToString(got[0].Body) != "poison" || aws.ToString(got[0].MessageId) != aws.ToString(sent.MessageId) {
		t.Fatalf("dead-letter queue holds %+v", got)
	}
	if got[0].Attributes["DeadLetterQueueSourceArn"] != srcArn {
		t.Fatalf("DeadLetterQueueSourceArn = %q, want %s", got[0].Attributes["DeadLetterQueueSourceArn"], srcArn)
	}
	if rp := queueAttrs(t, c, src, "RedrivePolicy")["RedrivePolicy"]; !strings.Contains(rp, dlqArn) {
		t.Fatalf("RedrivePolicy = %s", rp)
	}

	// maxReceiveCount as a string is accepted, as AWS accepts it.
	if _, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(src),
		Attributes: map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + dlqArn + `","maxReceiveCount":"5"}`}}); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{
		redrivePolicy(dlqArn, 0),
		redrivePolicy(dlqArn, 1001),
		redrivePolicy("arn:aws:sqs:us-east-1:"+defaultAccount+":missing", 3),
		redrivePolicy("not-an-arn", 3),
		`{"maxReceiveCount":3}`,
		`{"deadLetterTargetArn":"` + dlqArn + `"}`,
	} {
		_, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(src), Attributes: map[string]string{"RedrivePolicy": bad}})
		wantAPIError(t, err, "InvalidParameterValue")
	}
	_, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(src), Attributes: map[string]string{"RedrivePolicy": "{oops"}})
	wantTyped[*types.InvalidAttributeValue](t, err)

	// A FIFO queue cannot dead-letter into a standard one.
	fifo := createQueue(t, c, "src.fifo", map[string]string{"FifoQueue": "true"})
	_, err = c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(fifo), Attributes: map[string]string{"RedrivePolicy": redrivePolicy(dlqArn, 3)}})
	wantAPIError(t, err, "InvalidParameterValue")

	// The DLQ's RedriveAllowPolicy decides who may use it.
	if _, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(dlq),
		Attributes: map[string]string{"RedriveAllowPolicy": `{"redrivePermission":"byQueue","sourceQueueArns":["` + srcArn + `"]}`}}); err != nil {
		t.Fatal(err)
	}
	other := createQueue(t, c, "other-source", nil)
	_, err = c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(other), Attributes: map[string]string{"RedrivePolicy": redrivePolicy(dlqArn, 3)}})
	wantAPIError(t, err, "InvalidParameterValue")
	if _, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(src), Attributes: map[string]string{"RedrivePolicy": redrivePolicy(dlqArn, 3)}}); err != nil {
		t.Fatalf("allowed source: %v", err)
	}
	_, err = c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(dlq), Attributes: map[string]string{"RedriveAllowPolicy": `{"redrivePermission":"sometimes"}`}})
	wantAPIError(t, err, "InvalidParameterValue")

	// Removing the policy stops the redrive.
	if _, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(src), Attributes: map[string]string{"RedrivePolicy": ""}}); err != nil {
		t.Fatal(err)
	}
	if _, ok := queueAttrs(t, c, src, "All")["RedrivePolicy"]; ok {
		t.Fatal("RedrivePolicy still set after setting it to empty")
	}
}

func TestRedriveFIFO(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	dlq := createQueue(t, c, "dead.fifo", map[string]string{"FifoQueue": "true"})
	src := createQueue(t, c, "src.fifo", map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "true",
		"VisibilityTimeout": "0", "RedrivePolicy": redrivePolicy(queueArn(t, c, dlq), 1)})
	for _, b := range []string{"1", "2", "3"} {
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(src), MessageBody: aws.String(b), MessageGroupId: aws.String("g")}); err != nil {
			t.Fatal(err)
		}
	}
	receiveUntilMoved(t, c, src)
	if got := strings.Join(bodies(drain(t, c, dlq)), ","); got != "1,2,3" {
		t.Fatalf("FIFO dead-letter queue received %s, want 1,2,3 in order", got)
	}
}

func TestListDeadLetterSourceQueues(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	dlq := createQueue(t, c, "dlq", nil)
	dlqArn := queueArn(t, c, dlq)
	var want []string
	for _, n := range []string{"src-a", "src-b", "src-c"} {
		want = append(want, createQueue(t, c, n, map[string]string{"RedrivePolicy": redrivePolicy(dlqArn, 3)}))
	}
	createQueue(t, c, "unrelated", nil)

	out, err := c.ListDeadLetterSourceQueues(ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(dlq)})
	if err != nil {
		t.Fatal(err)
	}
	got := append([]string(nil), out.QueueUrls...)
	sort.Strings(got)
	if strings.Join(got, " ") != strings.Join(want, " ") || out.NextToken != nil {
		t.Fatalf("sources = %v (token %v), want %v", got, out.NextToken, want)
	}

	p := sqs.NewListDeadLetterSourceQueuesPaginator(c, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(dlq), MaxResults: aws.Int32(2)})
	got = nil
	for i := 0; p.HasMorePages() && i < 10; i++ {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, page.QueueUrls...)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("paged sources = %v, want %v", got, want)
	}

	// A queue nobody dead-letters into has no sources.
	out, err = c.ListDeadLetterSourceQueues(ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(want[0])})
	if err != nil || len(out.QueueUrls) != 0 {
		t.Fatalf("sources of a plain queue: %v %v", out.QueueUrls, err)
	}
	_, err = c.ListDeadLetterSourceQueues(ctx, &sqs.ListDeadLetterSourceQueuesInput{QueueUrl: aws.String(dlq + "-gone")})
	wantTyped[*types.QueueDoesNotExist](t, err)
}

// moveTaskSetup makes two source queues that dead-letter into one DLQ after
// one receive, and fills the DLQ with n messages from each.
func moveTaskSetup(t *testing.T, c *sqs.Client, n int) (dlq, dlqArn, srcA, srcB string) {
	t.Helper()
	dlq = createQueue(t, c, "dlq", nil)
	dlqArn = queueArn(t, c, dlq)
	attrs := map[string]string{"VisibilityTimeout": "0", "RedrivePolicy": redrivePolicy(dlqArn, 1)}
	srcA = createQueue(t, c, "src-a", attrs)
	srcB = createQueue(t, c, "src-b", attrs)
	for i := 0; i < n; i++ {
		send(t, c, srcA, fmt.Sprint("a", i))
		send(t, c, srcB, fmt.Sprint("b", i))
	}
	receiveUntilMoved(t, c, srcA)
	receiveUntilMoved(t, c, srcB)
	// Back to normal visibility, so that the tests' receives take messages out.
	for _, u := range []string{srcA, srcB} {
		if _, err := c.SetQueueAttributes(ctxT(t), &sqs.SetQueueAttributesInput{QueueUrl: aws.String(u), Attributes: map[string]string{"VisibilityTimeout": "30"}}); err != nil {
			t.Fatal(err)
		}
	}
	if got := queueAttrs(t, c, dlq, "ApproximateNumberOfMessages")["ApproximateNumberOfMessages"]; got != fmt.Sprint(2*n) {
		t.Fatalf("DLQ holds %s messages, want %d", got, 2*n)
	}
	return dlq, dlqArn, srcA, srcB
}

// waitForTask polls ListMessageMoveTasks (bounded) until the newest task
// leaves RUNNING and CANCELLING.
func waitForTask(t *testing.T, c *sqs.Client, sourceArn string) types.ListMessageMoveTasksResultEntry {
	t.Helper()
	for i := 0; i < 500; i++ {
		out, err := c.ListMessageMoveTasks(ctxT(t), &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(sourceArn)})
		if err != nil {
			t.Fatal(err)
		}
		if len(out.Results) != 1 {
			t.Fatalf("ListMessageMoveTasks = %+v, want the newest task", out.Results)
		}
		if s := aws.ToString(out.Results[0].Status); s != "RUNNING" && s != "CANCELLING" {
			return out.Results[0]
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("move task did not finish")
	return types.ListMessageMoveTasksResultEntry{}
}

func TestMessageMoveTaskToSources(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	dlq, dlqArn, srcA, srcB := moveTaskSetup(t, c, 4)

	out, err := c.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(dlqArn)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.TaskHandle) == "" {
		t.Fatal("no TaskHandle")
	}
	task := waitForTask(t, c, dlqArn)
	if aws.ToString(task.Status) != "COMPLETED" || task.ApproximateNumberOfMessagesMoved != 8 || aws.ToString(task.SourceArn) != dlqArn || task.StartedTimestamp == 0 {
		t.Fatalf("task = %+v", task)
	}
	// Every message is back in the queue it came from; none is left behind.
	if got := strings.Join(sortedBodies(drain(t, c, srcA)), ","); got != "a0,a1,a2,a3" {
		t.Fatalf("src-a holds %s", got)
	}
	if got := strings.Join(sortedBodies(drain(t, c, srcB)), ","); got != "b0,b1,b2,b3" {
		t.Fatalf("src-b holds %s", got)
	}
	if got := receive(t, c, dlq, 10); len(got) != 0 {
		t.Fatalf("DLQ still holds %q", bodies(got))
	}
}

func TestMessageMoveTaskToDestination(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	dlq, dlqArn, srcA, _ := moveTaskSetup(t, c, 2)
	dest := createQueue(t, c, "replay", nil)

	if _, err := c.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(dlqArn), DestinationArn: aws.String(queueArn(t, c, dest))}); err != nil {
		t.Fatal(err)
	}
	task := waitForTask(t, c, dlqArn)
	if aws.ToString(task.Status) != "COMPLETED" || aws.ToString(task.DestinationArn) != queueArn(t, c, dest) {
		t.Fatalf("task = %+v", task)
	}
	if got := strings.Join(sortedBodies(drain(t, c, dest)), ","); got != "a0,a1,b0,b1" {
		t.Fatalf("destination holds %s", got)
	}
	if got := receive(t, c, srcA, 10); len(got) != 0 {
		t.Fatalf("source queue got %q from a task with a destination", bodies(got))
	}
	if got := receive(t, c, dlq, 10); len(got) != 0 {
		t.Fatalf("DLQ still holds %q", bodies(got))
	}
}

func TestMessageMoveTaskCancel(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	dlq, dlqArn, srcA, srcB := moveTaskSetup(t, c, 5)

	// One message a second keeps the task running long enough to cancel it
	// and to see a second start refused.
	out, err := c.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(dlqArn), MaxNumberOfMessagesPerSecond: aws.Int32(1)})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(dlqArn)})
	wantTyped[*types.UnsupportedOperation](t, err)
	wantAPIError(t, err, "AWS.SimpleQueueService.UnsupportedOperation")

	list, err := c.ListMessageMoveTasks(ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(dlqArn)})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.Results) != 1 || aws.ToString(list.Results[0].TaskHandle) != aws.ToString(out.TaskHandle) ||
		aws.ToInt32(list.Results[0].MaxNumberOfMessagesPerSecond) != 1 || list.Results[0].ApproximateNumberOfMessagesToMove == nil {
		t.Fatalf("running task = %+v", list.Results)
	}

	cancelled, err := c.CancelMessageMoveTask(ctx, &sqs.CancelMessageMoveTaskInput{TaskHandle: out.TaskHandle})
	if err != nil {
		t.Fatal(err)
	}
	task := waitForTask(t, c, dlqArn)
	if aws.ToString(task.Status) != "CANCELLED" || task.ApproximateNumberOfMessagesMoved < cancelled.ApproximateNumberOfMessagesMoved {
		t.Fatalf("cancelled task = %+v (cancel reported %d moved)", task, cancelled.ApproximateNumberOfMessagesMoved)
	}
	if task.TaskHandle != nil {
		t.Fatalf("a finished task still shows its handle %s", aws.ToString(task.TaskHandle))
	}
	// Nothing lost: the messages are in the DLQ or back at their source.
	all := append(append(drain(t, c, dlq), drain(t, c, srcA)...), drain(t, c, srcB)...)
	if got := strings.Join(sortedBodies(all), ","); got != "a0,a1,a2,a3,a4,b0,b1,b2,b3,b4" {
		t.Fatalf("after cancelling, the queues hold %s", got)
	}

	_, err = c.CancelMessageMoveTask(ctx, &sqs.CancelMessageMoveTaskInput{TaskHandle: out.TaskHandle})
	wantTyped[*types.UnsupportedOperation](t, err)
	_, err = c.CancelMessageMoveTask(ctx, &sqs.CancelMessageMoveTaskInput{TaskHandle: aws.String("no-such-task")})
	wantTyped[*types.ResourceNotFoundException](t, err)
	wantAPIError(t, err, "ResourceNotFoundException")

	list, err = c.ListMessageMoveTasks(ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(dlqArn), MaxResults: aws.Int32(10)})
	if err != nil || len(list.Results) != 1 {
		t.Fatalf("ListMessageMoveTasks MaxResults 10 = %+v, %v", list, err)
	}
}

func TestMessageMoveTaskErrors(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	plain := createQueue(t, c, "plain", nil)
	plainArn := queueArn(t, c, plain)
	missing := "arn:aws:sqs:us-east-1:" + defaultAccount + ":missing"

	_, err := c.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(plainArn)})
	wantAPIError(t, err, "InvalidParameterValue") // not a dead-letter queue
	_, err = c.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(missing)})
	wantTyped[*types.ResourceNotFoundException](t, err)
	_, err = c.ListMessageMoveTasks(ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(missing)})
	wantTyped[*types.ResourceNotFoundException](t, err)

	dlq := createQueue(t, c, "dlq", nil)
	dlqArn := queueArn(t, c, dlq)
	createQueue(t, c, "src", map[string]string{"RedrivePolicy": redrivePolicy(dlqArn, 3)})
	_, err = c.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(dlqArn), DestinationArn: aws.String(missing)})
	wantTyped[*types.ResourceNotFoundException](t, err)
	_, err = c.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(dlqArn), MaxNumberOfMessagesPerSecond: aws.Int32(501)})
	wantAPIError(t, err, "InvalidParameterValue")

	// A task on an empty DLQ completes at once, and the list shows it.
	if _, err := c.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(dlqArn)}); err != nil {
		t.Fatal(err)
	}
	if task := waitForTask(t, c, dlqArn); aws.ToString(task.Status) != "COMPLETED" || task.ApproximateNumberOfMessagesMoved != 0 {
		t.Fatalf("task on an empty DLQ = %+v", task)
	}
	list, err := c.ListMessageMoveTasks(ctx, &sqs.ListMessageMoveTasksInput{SourceArn: aws.String(plainArn)})
	if err != nil || len(list.Results) != 0 {
		t.Fatalf("tasks of a queue with none = %+v, %v", list.Results, err)
	}
}

// A task whose messages' source queue is gone fails, and keeps them.
func TestMessageMoveTaskSourceGone(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	dlq, dlqArn, srcA, srcB := moveTaskSetup(t, c, 2)
	if _, err := c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(srcA)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{SourceArn: aws.String(dlqArn)}); err != nil {
		t.Fatal(err)
	}
	task := waitForTask(t, c, dlqArn)
	if aws.ToString(task.Status) != "FAILED" || aws.ToString(task.FailureReason) == "" {
		t.Fatalf("task = %+v, want FAILED with a reason", task)
	}
	left := append(drain(t, c, dlq), drain(t, c, srcB)...)
	var as []string
	for _, b := range sortedBodies(left) {
		if strings.HasPrefix(b, "a") {
			as = append(as, b)
		}
	}
	if strings.Join(as, ",") != "a0,a1" || len(left) != 4 {
		t.Fatalf("after the failed task the queues hold %q, want all four messages, a0 and a1 still in the DLQ", sortedBodies(left))
	}
}

// AWS returns the redrive attributes normalized: compact JSON, the receive
// count as a number, whatever spacing and types the caller sent.
func TestSDKRedriveAttributesNormalized(t *testing.T) {
	_, c := setup(t)
	dlq := createQueue(t, c, "norm-dlq", nil)
	dlqARN := queueArn(t, c, dlq)
	src := createQueue(t, c, "norm-src", nil)
	_, err := c.SetQueueAttributes(ctxT(t), &sqs.SetQueueAttributesInput{QueueUrl: aws.String(src), Attributes: map[string]string{
		"RedrivePolicy": `{ "deadLetterTargetArn" : "` + dlqARN + `", "maxReceiveCount" : "4" }`,
	}})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.SetQueueAttributes(ctxT(t), &sqs.SetQueueAttributesInput{QueueUrl: aws.String(dlq), Attributes: map[string]string{
		"RedriveAllowPolicy": `{"sourceQueueArns": ["` + queueArn(t, c, src) + `"], "redrivePermission": "byQueue"}`,
	}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := queueAttrs(t, c, src, "RedrivePolicy")["RedrivePolicy"], `{"deadLetterTargetArn":"`+dlqARN+`","maxReceiveCount":4}`; got != want {
		t.Errorf("RedrivePolicy = %s, want %s", got, want)
	}
	if got, want := queueAttrs(t, c, dlq, "RedriveAllowPolicy")["RedriveAllowPolicy"], `{"redrivePermission":"byQueue","sourceQueueArns":["`+queueArn(t, c, src)+`"]}`; got != want {
		t.Errorf("RedriveAllowPolicy = %s, want %s", got, want)
	}
}

// ChangeMessageVisibility with the handle of a message that is gone is
// InvalidParameterValue, not ReceiptHandleIsInvalid (which is for handles
// that were never valid).
func TestSDKChangeVisibilityOfDeletedMessage(t *testing.T) {
	_, c := setup(t)
	url := createQueue(t, c, "gone", nil)
	send(t, c, url, "x")
	msgs := receive(t, c, url, 1)
	if len(msgs) != 1 {
		t.Fatalf("received %d", len(msgs))
	}
	if _, err := c.DeleteMessage(ctxT(t), &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: msgs[0].ReceiptHandle}); err != nil {
		t.Fatal(err)
	}
	_, err := c.ChangeMessageVisibility(ctxT(t), &sqs.ChangeMessageVisibilityInput{QueueUrl: aws.String(url), ReceiptHandle: msgs[0].ReceiptHandle, VisibilityTimeout: 10})
	wantAPIError(t, err, "InvalidParameterValue")
}
