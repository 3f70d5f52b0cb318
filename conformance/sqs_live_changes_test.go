package conformance

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

// A queue's tags, policy and size limit, changed through the API, decide the
// very next request: ferry keeps what requests read of a queue in a
// snapshot, and every change must replace it.
func TestQueueChangesDecideTheNextRequest(t *testing.T) {
	f := startIdentityFerry(t, "enforce")
	ctx := ctxFor(t)
	root := f.sqs(rootOf(acctA))
	user := newUser(t, f.iam(rootOf(acctA)), "tagged-sender", "send-to-blue", doc(t, stmt{
		"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "*",
		"Condition": map[string]any{"StringEquals": map[string]any{"aws:ResourceTag/team": "blue"}},
	}))
	sender := f.sqs(user)
	q := newQueue(t, root, "live", "")

	send := func(body string) error { return sendTo(ctx, sender, q, body) }
	denied := func(step string) {
		t.Helper()
		if err := send("x"); err == nil {
			t.Fatalf("%s: the send was allowed", step)
		} else {
			apiError(t, err, "AccessDenied", 403)
		}
	}
	allowed := func(step string) {
		t.Helper()
		if err := send("x"); err != nil {
			t.Fatalf("%s: %v", step, err)
		}
	}

	denied("untagged")
	if _, err := root.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: &q, Tags: map[string]string{"team": "blue"}}); err != nil {
		t.Fatal(err)
	}
	allowed("after TagQueue team=blue")
	if _, err := root.UntagQueue(ctx, &sqs.UntagQueueInput{QueueUrl: &q, TagKeys: []string{"team"}}); err != nil {
		t.Fatal(err)
	}
	denied("after UntagQueue")
	if _, err := root.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: &q, Tags: map[string]string{"team": "blue"}}); err != nil {
		t.Fatal(err)
	}

	// A queue policy's explicit deny wins over the identity policy's allow.
	deny := doc(t, stmt{"Effect": "Deny", "Principal": map[string]any{"AWS": userARN(acctA, "tagged-sender")},
		"Action": "sqs:SendMessage", "Resource": sqsARN(acctA, "live")})
	if _, err := root.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: &q, Attributes: map[string]string{"Policy": deny}}); err != nil {
		t.Fatal(err)
	}
	denied("after a denying queue policy")
	if _, err := root.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: &q, Attributes: map[string]string{"Policy": ""}}); err != nil {
		t.Fatal(err)
	}
	allowed("after the policy is removed")

	// MaximumMessageSize, lowered and raised again.
	if _, err := root.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: &q, Attributes: map[string]string{"MaximumMessageSize": "1024"}}); err != nil {
		t.Fatal(err)
	}
	if err := send(strings.Repeat("x", 2000)); err == nil {
		t.Fatal("a 2,000-byte message was accepted by a queue limited to 1,024")
	} else {
		apiError(t, err, "InvalidParameterValue", 400)
	}
	if _, err := root.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: &q, Attributes: map[string]string{"MaximumMessageSize": "262144"}}); err != nil {
		t.Fatal(err)
	}
	if err := send(strings.Repeat("x", 2000)); err != nil {
		t.Fatalf("after raising the limit: %v", err)
	}
	if got := depth(t, root, q); got != "3" {
		t.Errorf("ApproximateNumberOfMessages = %s, want 3 (the allowed sends)", got)
	}
}
