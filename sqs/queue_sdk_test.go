package sqs_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// Queue lifecycle, attributes, tags and permissions through the SDK.

func TestCreateQueue(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)

	attrs := map[string]string{"VisibilityTimeout": "45", "DelaySeconds": "5", "MaximumMessageSize": "2048"}
	out, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{
		QueueName: aws.String("created"), Attributes: attrs,
		Tags: map[string]string{"team": "payments", "env": "dev"},
	})
	if err != nil {
		t.Fatal(err)
	}
	url := aws.ToString(out.QueueUrl)
	got := queueAttrs(t, c, url, "All")
	want := map[string]string{
		"VisibilityTimeout": "45", "DelaySeconds": "5", "MaximumMessageSize": "2048",
		"MessageRetentionPeriod": "345600", "ReceiveMessageWaitTimeSeconds": "0",
		"QueueArn": "arn:aws:sqs:us-east-1:" + defaultAccount + ":created", "SqsManagedSseEnabled": "true",
		"ApproximateNumberOfMessages": "0", "ApproximateNumberOfMessagesNotVisible": "0", "ApproximateNumberOfMessagesDelayed": "0",
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("attribute %s = %q, want %q", k, got[k], v)
		}
	}
	for _, k := range []string{"CreatedTimestamp", "LastModifiedTimestamp"} {
		if got[k] == "" {
			t.Errorf("attribute %s missing", k)
		}
	}
	if _, ok := got["FifoQueue"]; ok {
		t.Errorf("standard queue reports FifoQueue=%s", got["FifoQueue"])
	}
	tags, err := c.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: out.QueueUrl})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Tags) != 2 || tags.Tags["team"] != "payments" || tags.Tags["env"] != "dev" {
		t.Fatalf("tags = %v", tags.Tags)
	}

	// Re-creating with the same attributes, a subset of them, or none at all
	// returns the existing queue.
	for _, a := range []map[string]string{attrs, {"VisibilityTimeout": "45"}, nil} {
		again, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("created"), Attributes: a})
		if err != nil {
			t.Fatalf("re-create with %v: %v", a, err)
		}
		if aws.ToString(again.QueueUrl) != url {
			t.Fatalf("re-create returned %s, want %s", aws.ToString(again.QueueUrl), url)
		}
	}
	// A different value for any attribute is QueueNameExists (query code QueueAlreadyExists).
	for _, a := range []map[string]string{{"VisibilityTimeout": "46"}, {"DelaySeconds": "0"}, {"MessageRetentionPeriod": "60"}} {
		_, err = c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("created"), Attributes: a})
		wantTyped[*types.QueueNameExists](t, err)
		wantAPIError(t, err, "QueueAlreadyExists")
		wantStatus(t, err, http.StatusBadRequest)
	}
}

func TestCreateQueueNames(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)

	long := strings.Repeat("a", 80)
	for _, ok := range []struct {
		name string
		fifo bool
	}{
		{"a", false}, {"A-z_09", false}, {long, false},
		{"a.fifo", true}, {strings.Repeat("b", 75) + ".fifo", true},
	} {
		in := &sqs.CreateQueueInput{QueueName: aws.String(ok.name)}
		if ok.fifo {
			in.Attributes = map[string]string{"FifoQueue": "true"}
		}
		if _, err := c.CreateQueue(ctx, in); err != nil {
			t.Errorf("CreateQueue %q (fifo %v): %v", ok.name, ok.fifo, err)
		}
	}
	for _, bad := range []struct {
		name  string
		attrs map[string]string
	}{
		{"", nil},
		{"has space", nil},
		{"dot.ted", nil},
		{long + "x", nil},
		{"plain.fifo", nil}, // .fifo needs FifoQueue=true
		{"nosuffix", map[string]string{"FifoQueue": "true"}}, // FifoQueue=true needs .fifo
		{".fifo", map[string]string{"FifoQueue": "true"}},
		{strings.Repeat("c", 76) + ".fifo", map[string]string{"FifoQueue": "true"}},
	} {
		_, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(bad.name), Attributes: bad.attrs})
		if bad.name == "" {
			wantAPIError(t, err, "MissingParameter")
			continue
		}
		wantAPIError(t, err, "InvalidParameterValue")
	}
	// FIFO-only attributes on a standard queue, and unknown attributes.
	for _, a := range []map[string]string{{"ContentBasedDeduplication": "true"}, {"Bogus": "1"}} {
		_, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("attrs"), Attributes: a})
		wantTyped[*types.InvalidAttributeName](t, err)
	}
	_, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("attrs"), Attributes: map[string]string{"VisibilityTimeout": "-1"}})
	wantTyped[*types.InvalidAttributeValue](t, err)

	fifo := createQueue(t, c, "defaults.fifo", map[string]string{"FifoQueue": "true"})
	got := queueAttrs(t, c, fifo, "All")
	for k, v := range map[string]string{"FifoQueue": "true", "ContentBasedDeduplication": "false", "DeduplicationScope": "queue", "FifoThroughputLimit": "perQueue"} {
		if got[k] != v {
			t.Errorf("FIFO attribute %s = %q, want %q", k, got[k], v)
		}
	}
}

func TestQueueDeletedRecently(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "phoenix", nil)
	if _, err := c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("phoenix")})
	wantTyped[*types.QueueDeletedRecently](t, err)
	wantAPIError(t, err, "AWS.SimpleQueueService.QueueDeletedRecently")

	// The rule is per name: other names are free.
	createQueue(t, c, "phoenix2", nil)
}

func TestGetQueueURL(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	other := clientFor(srv, otherAccount, "test", region)
	ctx := ctxT(t)

	url := createQueue(t, c, "findme", nil)
	out, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("findme")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.QueueUrl) != url {
		t.Fatalf("GetQueueUrl = %s, want %s", aws.ToString(out.QueueUrl), url)
	}

	_, err = c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("nope")})
	e := wantTyped[*types.QueueDoesNotExist](t, err)
	if e.ErrorCode() != "AWS.SimpleQueueService.NonExistentQueue" {
		t.Fatalf("ErrorCode = %s", e.ErrorCode())
	}
	wantStatus(t, err, http.StatusBadRequest)

	// Another account's queue, by owner: denied until its policy lets us in.
	theirs := createQueue(t, other, "shared", nil)
	_, err = c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("shared"), QueueOwnerAWSAccountId: aws.String(otherAccount)})
	wantAPIError(t, err, "AccessDenied")
	if _, err := other.AddPermission(ctx, &sqs.AddPermissionInput{
		QueueUrl: aws.String(theirs), Label: aws.String("lookup"),
		AWSAccountIds: []string{"000000000000"}, Actions: []string{"GetQueueUrl"},
	}); err != nil {
		t.Fatal(err)
	}
	out, err = c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("shared"), QueueOwnerAWSAccountId: aws.String(otherAccount)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.QueueUrl) != theirs {
		t.Fatalf("GetQueueUrl with owner = %s, want %s", aws.ToString(out.QueueUrl), theirs)
	}
	_, err = c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("shared")})
	wantTyped[*types.QueueDoesNotExist](t, err)
}

func TestListQueues(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)

	empty, err := c.ListQueues(ctx, &sqs.ListQueuesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(empty.QueueUrls) != 0 || empty.NextToken != nil {
		t.Fatalf("ListQueues on no queues = %v, %v", empty.QueueUrls, empty.NextToken)
	}

	var want []string
	for i := 0; i < 7; i++ {
		want = append(want, createQueue(t, c, fmt.Sprintf("page-%d", i), nil))
	}
	other := createQueue(t, c, "other", nil)

	all, err := c.ListQueues(ctx, &sqs.ListQueuesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all.QueueUrls) != 8 || all.NextToken != nil {
		t.Fatalf("ListQueues = %d urls, NextToken %v; want 8 and no token without MaxResults", len(all.QueueUrls), all.NextToken)
	}
	pre, err := c.ListQueues(ctx, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("oth")})
	if err != nil {
		t.Fatal(err)
	}
	if len(pre.QueueUrls) != 1 || pre.QueueUrls[0] != other {
		t.Fatalf("prefix oth = %v", pre.QueueUrls)
	}

	// Pages of 3 through the SDK's own paginator: every queue exactly once.
	p := sqs.NewListQueuesPaginator(c, &sqs.ListQueuesInput{QueueNamePrefix: aws.String("page-"), MaxResults: aws.Int32(3)})
	var got []string
	pages := 0
	for p.HasMorePages() && pages < 10 {
		page, err := p.NextPage(ctx)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		if len(page.QueueUrls) > 3 {
			t.Fatalf("page of %d urls, MaxResults 3", len(page.QueueUrls))
		}
		got = append(got, page.QueueUrls...)
	}
	if pages != 3 || strings.Join(got, " ") != strings.Join(want, " ") {
		t.Fatalf("%d pages: %v, want 3 pages: %v", pages, got, want)
	}

	for _, n := range []int32{0, 1001} {
		_, err = c.ListQueues(ctx, &sqs.ListQueuesInput{MaxResults: aws.Int32(n)})
		wantAPIError(t, err, "InvalidParameterValue")
	}
	_, err = c.ListQueues(ctx, &sqs.ListQueuesInput{MaxResults: aws.Int32(2), NextToken: aws.String("!!not a token!!")})
	wantAPIError(t, err, "InvalidParameterValue")
}

func TestDeleteQueue(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "doomed", nil)
	send(t, c, url, "lost with the queue")
	if _, err := c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)}); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("doomed")})
	wantTyped[*types.QueueDoesNotExist](t, err)
	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("x")})
	wantTyped[*types.QueueDoesNotExist](t, err)
	_, err = c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(url)})
	wantTyped[*types.QueueDoesNotExist](t, err)
	list, err := c.ListQueues(ctx, &sqs.ListQueuesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.QueueUrls) != 0 {
		t.Fatalf("ListQueues after delete = %v", list.QueueUrls)
	}
}

func TestQueueAttributes(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "attrs", nil)

	// Specific names return just those.
	got := queueAttrs(t, c, url, "VisibilityTimeout", "QueueArn")
	if len(got) != 2 || got["VisibilityTimeout"] != "30" || got["QueueArn"] == "" {
		t.Fatalf("specific attributes = %v", got)
	}
	if got := queueAttrs(t, c, url); len(got) != 0 {
		t.Fatalf("no names asked, got %v", got)
	}

	// Every settable attribute at both ends of its range.
	for name, values := range map[string][]string{
		"DelaySeconds":                  {"0", "900"},
		"MaximumMessageSize":            {"1024", "1048576"},
		"MessageRetentionPeriod":        {"60", "1209600"},
		"ReceiveMessageWaitTimeSeconds": {"0", "20"},
		"VisibilityTimeout":             {"0", "43200"},
	} {
		for _, v := range values {
			if _, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{name: v}}); err != nil {
				t.Fatalf("Set %s=%s: %v", name, v, err)
			}
			if g := queueAttrs(t, c, url, name)[name]; g != v {
				t.Fatalf("%s = %s after setting %s", name, g, v)
			}
		}
	}
	for name, values := range map[string][]string{
		"DelaySeconds":                  {"-1", "901", "x"},
		"MaximumMessageSize":            {"1023", "1048577"},
		"MessageRetentionPeriod":        {"59", "1209601"},
		"ReceiveMessageWaitTimeSeconds": {"21"},
		"VisibilityTimeout":             {"43201", ""},
		"Policy":                        {"{not json"},
		"SqsManagedSseEnabled":          {"maybe"},
	} {
		for _, v := range values {
			_, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{name: v}})
			wantTyped[*types.InvalidAttributeValue](t, err)
			wantAPIError(t, err, "InvalidAttributeValue")
		}
	}
	for _, name := range []string{"Bogus", "QueueArn", "ApproximateNumberOfMessages", "ContentBasedDeduplication"} {
		_, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{name: "1"}})
		wantTyped[*types.InvalidAttributeName](t, err)
	}
	_, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url), AttributeNames: []types.QueueAttributeName{"Bogus"}})
	wantTyped[*types.InvalidAttributeName](t, err)
	wantAPIError(t, err, "InvalidAttributeName")

	// A failed set changes nothing, even for the valid attributes next to the bad one.
	_, err = c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url),
		Attributes: map[string]string{"DelaySeconds": "7", "VisibilityTimeout": "99999"}})
	wantTyped[*types.InvalidAttributeValue](t, err)
	if g := queueAttrs(t, c, url, "DelaySeconds")["DelaySeconds"]; g != "900" {
		t.Fatalf("DelaySeconds = %s after a failed set, want 900", g)
	}

	// The message counters.
	c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: map[string]string{"DelaySeconds": "0"}})
	send(t, c, url, "one")
	send(t, c, url, "two")
	if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String("later"), DelaySeconds: 900}); err != nil {
		t.Fatal(err)
	}
	if got := receive(t, c, url, 1); len(got) != 1 {
		t.Fatalf("received %d", len(got))
	}
	counts := queueAttrs(t, c, url, "ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible", "ApproximateNumberOfMessagesDelayed")
	if counts["ApproximateNumberOfMessages"] != "1" || counts["ApproximateNumberOfMessagesNotVisible"] != "1" || counts["ApproximateNumberOfMessagesDelayed"] != "1" {
		t.Fatalf("counts = %v, want 1 visible, 1 in flight, 1 delayed", counts)
	}

	_, err = c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url + "-gone"), AttributeNames: []types.QueueAttributeName{"All"}})
	wantTyped[*types.QueueDoesNotExist](t, err)
}

func TestQueueEncryptionAttributes(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "sse", nil)
	set := func(attrs map[string]string) error {
		_, err := c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(url), Attributes: attrs})
		return err
	}
	names := []string{"KmsMasterKeyId", "KmsDataKeyReusePeriodSeconds", "SqsManagedSseEnabled"}

	if got := queueAttrs(t, c, url, names...); len(got) != 1 || got["SqsManagedSseEnabled"] != "true" {
		t.Fatalf("new queue: %v, want SSE-SQS on", got)
	}
	// SSE-KMS replaces SSE-SQS, with AWS's default key reuse period.
	if err := set(map[string]string{"KmsMasterKeyId": "alias/aws/sqs"}); err != nil {
		t.Fatal(err)
	}
	got := queueAttrs(t, c, url, names...)
	if got["KmsMasterKeyId"] != "alias/aws/sqs" || got["KmsDataKeyReusePeriodSeconds"] != "300" || got["SqsManagedSseEnabled"] != "false" {
		t.Fatalf("after setting a KMS key: %v", got)
	}
	for _, v := range []string{"59", "86401"} {
		wantTyped[*types.InvalidAttributeValue](t, set(map[string]string{"KmsDataKeyReusePeriodSeconds": v}))
	}
	if err := set(map[string]string{"KmsDataKeyReusePeriodSeconds": "86400"}); err != nil {
		t.Fatal(err)
	}
	// Both kinds at once is refused.
	wantTyped[*types.InvalidAttributeValue](t, set(map[string]string{"KmsMasterKeyId": "alias/other", "SqsManagedSseEnabled": "true"}))
	// Back to SSE-SQS: the KMS attributes go.
	if err := set(map[string]string{"SqsManagedSseEnabled": "true"}); err != nil {
		t.Fatal(err)
	}
	if got := queueAttrs(t, c, url, names...); len(got) != 1 || got["SqsManagedSseEnabled"] != "true" {
		t.Fatalf("after turning SSE-SQS back on: %v", got)
	}
}

func TestPurgeQueue(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "purged", nil)
	for i := 0; i < 3; i++ {
		send(t, c, url, fmt.Sprint(i))
	}
	receive(t, c, url, 1)
	if _, err := c.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(url)}); err != nil {
		t.Fatal(err)
	}
	counts := queueAttrs(t, c, url, "All")
	if counts["ApproximateNumberOfMessages"] != "0" || counts["ApproximateNumberOfMessagesNotVisible"] != "0" {
		t.Fatalf("after purge: %v", counts)
	}
	_, err := c.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(url)})
	wantTyped[*types.PurgeQueueInProgress](t, err)
	wantAPIError(t, err, "AWS.SimpleQueueService.PurgeQueueInProgress")
	wantStatus(t, err, http.StatusForbidden)

	// The queue still takes messages while the purge window lasts.
	send(t, c, url, "after")
	if got := receive(t, c, url, 10); len(got) != 1 || aws.ToString(got[0].Body) != "after" {
		t.Fatalf("after purge received %q", bodies(got))
	}
	_, err = c.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(url + "x")})
	wantTyped[*types.QueueDoesNotExist](t, err)
}

func TestQueueTags(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "tagged", nil)
	list := func() map[string]string {
		t.Helper()
		out, err := c.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: aws.String(url)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Tags
	}
	if got := list(); len(got) != 0 {
		t.Fatalf("new queue has tags %v", got)
	}
	if _, err := c.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: aws.String(url), Tags: map[string]string{"a": "1", "b": "2", "empty": ""}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: aws.String(url), Tags: map[string]string{"a": "one"}}); err != nil {
		t.Fatal(err)
	}
	if got := list(); len(got) != 3 || got["a"] != "one" || got["b"] != "2" || got["empty"] != "" {
		t.Fatalf("tags = %v", got)
	}
	if _, err := c.UntagQueue(ctx, &sqs.UntagQueueInput{QueueUrl: aws.String(url), TagKeys: []string{"b", "not-there"}}); err != nil {
		t.Fatal(err)
	}
	if got := list(); len(got) != 2 || got["a"] != "one" {
		t.Fatalf("tags after untag = %v", got)
	}

	_, err := c.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: aws.String(url), Tags: map[string]string{"aws:reserved": "x"}})
	wantAPIError(t, err, "InvalidParameterValue")
	many := map[string]string{}
	for i := 0; i < 49; i++ {
		many[fmt.Sprint("k", i)] = "v"
	}
	_, err = c.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: aws.String(url), Tags: many})
	wantAPIError(t, err, "InvalidParameterValue") // 2 kept + 49 new > 50
	_, err = c.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: aws.String(url + "-gone"), Tags: map[string]string{"a": "b"}})
	wantTyped[*types.QueueDoesNotExist](t, err)
	_, err = c.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: aws.String(url + "-gone")})
	wantTyped[*types.QueueDoesNotExist](t, err)
}

func TestPermissions(t *testing.T) {
	t.Parallel()
	_, c := setup(t)
	ctx := ctxT(t)
	url := createQueue(t, c, "shared", nil)
	arn := "arn:aws:sqs:us-east-1:" + defaultAccount + ":shared"
	policy := func() (string, bool) {
		t.Helper()
		p, ok := queueAttrs(t, c, url, "Policy")["Policy"]
		return p, ok
	}

	if _, err := c.AddPermission(ctx, &sqs.AddPermissionInput{
		QueueUrl: aws.String(url), Label: aws.String("send1"),
		AWSAccountIds: []string{otherAccount}, Actions: []string{"SendMessage"},
	}); err != nil {
		t.Fatal(err)
	}
	one := `{"Sid":"send1","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + otherAccount + `:root"},"Action":"SQS:SendMessage","Resource":"` + arn + `"}`
	want := `{"Version":"2012-10-17","Id":"` + arn + `/SQSDefaultPolicy","Statement":[` + one + `]}`
	if got, _ := policy(); got != want {
		t.Fatalf("Policy =\n%s\nwant\n%s", got, want)
	}

	if _, err := c.AddPermission(ctx, &sqs.AddPermissionInput{
		QueueUrl: aws.String(url), Label: aws.String("consume"),
		AWSAccountIds: []string{otherAccount, "222222222222"}, Actions: []string{"ReceiveMessage", "DeleteMessage"},
	}); err != nil {
		t.Fatal(err)
	}
	two := `{"Sid":"consume","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::` + otherAccount + `:root","arn:aws:iam::222222222222:root"]},` +
		`"Action":["SQS:ReceiveMessage","SQS:DeleteMessage"],"Resource":"` + arn + `"}`
	want = `{"Version":"2012-10-17","Id":"` + arn + `/SQSDefaultPolicy","Statement":[` + one + `,` + two + `]}`
	if got, _ := policy(); got != want {
		t.Fatalf("Policy =\n%s\nwant\n%s", got, want)
	}
	got, _ := policy()
	if !json.Valid([]byte(got)) {
		t.Fatalf("Policy is not JSON: %s", got)
	}

	_, err := c.AddPermission(ctx, &sqs.AddPermissionInput{
		QueueUrl: aws.String(url), Label: aws.String("send1"),
		AWSAccountIds: []string{otherAccount}, Actions: []string{"SendMessage"},
	})
	wantAPIError(t, err, "InvalidParameterValue")
	_, err = c.AddPermission(ctx, &sqs.AddPermissionInput{
		QueueUrl: aws.String(url), Label: aws.String("bad"),
		AWSAccountIds: []string{otherAccount}, Actions: []string{"CreateQueue"},
	})
	wantAPIError(t, err, "InvalidParameterValue")
	// At most seven actions per statement.
	_, err = c.AddPermission(ctx, &sqs.AddPermissionInput{
		QueueUrl: aws.String(url), Label: aws.String("many"), AWSAccountIds: []string{otherAccount},
		Actions: []string{"SendMessage", "ReceiveMessage", "DeleteMessage", "ChangeMessageVisibility",
			"GetQueueAttributes", "GetQueueUrl", "PurgeQueue", "ListQueueTags"},
	})
	wantTyped[*types.OverLimit](t, err)

	if _, err := c.RemovePermission(ctx, &sqs.RemovePermissionInput{QueueUrl: aws.String(url), Label: aws.String("send1")}); err != nil {
		t.Fatal(err)
	}
	want = `{"Version":"2012-10-17","Id":"` + arn + `/SQSDefaultPolicy","Statement":[` + two + `]}`
	if got, _ := policy(); got != want {
		t.Fatalf("Policy after remove =\n%s\nwant\n%s", got, want)
	}
	_, err = c.RemovePermission(ctx, &sqs.RemovePermissionInput{QueueUrl: aws.String(url), Label: aws.String("send1")})
	wantAPIError(t, err, "InvalidParameterValue")
	if _, err := c.RemovePermission(ctx, &sqs.RemovePermissionInput{QueueUrl: aws.String(url), Label: aws.String("consume")}); err != nil {
		t.Fatal(err)
	}
	if p, ok := policy(); ok {
		t.Fatalf("Policy after removing every statement = %s, want none", p)
	}
	_, err = c.AddPermission(ctx, &sqs.AddPermissionInput{
		QueueUrl: aws.String(url + "-gone"), Label: aws.String("x"),
		AWSAccountIds: []string{otherAccount}, Actions: []string{"SendMessage"},
	})
	wantTyped[*types.QueueDoesNotExist](t, err)
}
