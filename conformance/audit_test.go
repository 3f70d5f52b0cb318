package conformance

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sts"
)

// The audit trail at /_ferry/audit and the --iam modes (DESIGN §4). The
// decisions themselves follow
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html;
// the reasons use the wording of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html.

// call is one request whose decision the audit trail must hold.
type call struct {
	requestID, action string
}

// wantEvents checks audit events against the calls, in order.
func wantEvents(t *testing.T, what string, got []auditEvent, want ...call) {
	t.Helper()
	ok := len(got) == len(want)
	for i := 0; ok && i < len(got); i++ {
		ok = got[i].RequestID == want[i].requestID && got[i].Action == want[i].action
	}
	if !ok {
		var g []string
		for _, e := range got {
			g = append(g, e.Action+"/"+e.Decision+"/"+e.Principal+"/"+e.RequestID)
		}
		t.Errorf("%s: events\n%s\nwant %+v", what, strings.Join(g, "\n"), want)
	}
}

// deniedID checks that a call was denied and returns its request id.
func deniedID(t *testing.T, err error) string {
	t.Helper()
	apiError(t, err, "AccessDenied", http.StatusForbidden)
	id := requestID(t, err)
	if id == "" {
		t.Fatalf("%v: no request id", err)
	}
	return id
}

// TestAuditTrail: after allowed and denied calls, /_ferry/audit holds each
// decision with its request id, principal, account, action and resource;
// a denial names the deciding statement (policy and Sid) when a statement
// decided, and otherwise says which kind of policy did not allow. The
// account, principal, action and decision filters select, and limit keeps
// the newest.
func TestAuditTrail(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	start := time.Now()
	iamA := f.iam(rootOf(acctA))
	rootA, rootB := f.sqs(rootOf(acctA)), f.sqs(rootOf(acctB))
	name := "audited"
	arn := sqsARN(acctA, name)
	carolARN := userARN(acctA, "carol")
	carol := f.sqs(newUser(t, iamA, "carol", "carol-sqs", doc(t,
		stmt{"Sid": "SendOrders", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": arn},
		stmt{"Sid": "NoPurge", "Effect": "Deny", "Action": "sqs:PurgeQueue", "Resource": "*"},
	)))
	daveKey := newUser(t, iamA, "dave", "", "")
	dave := f.sqs(daveKey)
	auditorARN := newRole(t, iamA, "auditor", doc(t, stmt{"Effect": "Allow", "Principal": map[string]any{"AWS": carolARN}, "Action": "sts:AssumeRole"}), "", 0)
	u := newQueue(t, rootA, name, doc(t, stmt{"Sid": "DenyCarolAttributes", "Effect": "Deny",
		"Principal": map[string]any{"AWS": carolARN}, "Action": "sqs:GetQueueAttributes", "Resource": arn}))
	created, err := rootB.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("b-side")})
	if err != nil {
		t.Fatal(err)
	}
	bCreate, _ := awsmiddleware.GetRequestIDMetadata(created.ResultMetadata)

	sent, err := carol.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(u), MessageBody: aws.String("order 1")})
	if err != nil {
		t.Fatalf("carol sends, as her policy allows: %v", err)
	}
	carolSend, _ := awsmiddleware.GetRequestIDMetadata(sent.ResultMetadata)
	_, err = carol.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(u)})
	carolReceive := deniedID(t, err)
	_, err = carol.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: aws.String(u)})
	carolPurge := deniedID(t, err)
	_, err = carol.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(u)})
	carolAttrs := deniedID(t, err)
	_, err = f.sts(daveKey).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(auditorARN), RoleSessionName: aws.String("dave")})
	daveAssume := deniedID(t, err)
	daveSend := deniedID(t, sendTo(ctx, dave, u, "from dave"))
	bSend := deniedID(t, sendTo(ctx, rootB, u, "from B"))
	end := time.Now()

	denials := f.audit(t, url.Values{"decision": {"Deny"}, "principal": {carolARN}})
	wantEvents(t, "carol's denials", denials,
		call{carolReceive, "sqs:ReceiveMessage"}, call{carolPurge, "sqs:PurgeQueue"}, call{carolAttrs, "sqs:GetQueueAttributes"})
	for _, e := range denials {
		if e.Account != acctA || e.Principal != carolARN || e.Resource != arn || e.Decision != "Deny" {
			t.Errorf("event %+v: want account %s, principal %s, resource %s, Deny", e, acctA, carolARN, arn)
		}
		if e.Enforced == nil || !*e.Enforced {
			t.Errorf("%s: enforced = %v, want true under --iam enforce", e.Action, e.Enforced)
		}
		if e.Time.Before(start.Add(-time.Second)) || e.Time.After(end.Add(time.Second)) {
			t.Errorf("%s: time %v, not between %v and %v", e.Action, e.Time, start, end)
		}
	}
	if len(denials) == 3 {
		// Implicit: no statement; the reason names the missing kind of policy.
		if e := denials[0]; e.Statement != nil || !strings.HasSuffix(e.Reason, becauseNo("identity-based", "sqs:ReceiveMessage")) {
			t.Errorf("implicit deny: statement %+v, reason %q; want no statement and a reason ending %q", e.Statement, e.Reason, becauseNo("identity-based", "sqs:ReceiveMessage"))
		}
		// Explicit, in carol's inline policy.
		if e := denials[1]; e.Statement == nil || e.Statement.Sid != "NoPurge" || !strings.Contains(e.Statement.Policy, "carol-sqs") ||
			!strings.Contains(e.Reason, "with an explicit deny in an identity-based policy") {
			t.Errorf("identity-policy deny: statement %+v, reason %q; want Sid NoPurge in policy carol-sqs", e.Statement, e.Reason)
		}
		// Explicit, in the queue policy.
		if e := denials[2]; e.Statement == nil || e.Statement.Sid != "DenyCarolAttributes" || e.Statement.Policy == "" ||
			!strings.Contains(e.Reason, "with an explicit deny in a resource-based policy") {
			t.Errorf("queue-policy deny: statement %+v, reason %q; want Sid DenyCarolAttributes in the queue policy", e.Statement, e.Reason)
		}
	}

	mine := f.audit(t, url.Values{"principal": {carolARN}})
	wantEvents(t, "carol's decisions", mine, call{carolSend, "sqs:SendMessage"},
		call{carolReceive, "sqs:ReceiveMessage"}, call{carolPurge, "sqs:PurgeQueue"}, call{carolAttrs, "sqs:GetQueueAttributes"})
	if len(mine) == 4 {
		if e := mine[0]; e.Decision != "Allow" || e.Statement == nil || e.Statement.Sid != "SendOrders" {
			t.Errorf("carol's send: %+v, want Allow by statement SendOrders", e)
		}
	}

	daveEvents := f.audit(t, url.Values{"principal": {userARN(acctA, "dave")}})
	wantEvents(t, "dave's decisions", daveEvents, call{daveAssume, "sts:AssumeRole"}, call{daveSend, "sqs:SendMessage"})
	if len(daveEvents) == 2 {
		if e := daveEvents[0]; e.Decision != "Deny" || e.Resource != auditorARN || e.Statement != nil ||
			!strings.HasSuffix(e.Reason, becauseNo("role trust", "sts:AssumeRole")) {
			t.Errorf("dave's AssumeRole: %+v, want a Deny of %s because no role trust policy allows it", e, auditorARN)
		}
	}

	wantEvents(t, "account B", f.audit(t, url.Values{"account": {acctB}}), call{bCreate, "sqs:CreateQueue"}, call{bSend, "sqs:SendMessage"})
	wantEvents(t, "every SendMessage", f.audit(t, url.Values{"action": {"sqs:SendMessage"}}),
		call{carolSend, "sqs:SendMessage"}, call{daveSend, "sqs:SendMessage"}, call{bSend, "sqs:SendMessage"})
	wantEvents(t, "account A's denied sends", f.audit(t, url.Values{"action": {"sqs:SendMessage"}, "decision": {"Deny"}, "account": {acctA}}),
		call{daveSend, "sqs:SendMessage"})

	all := f.audit(t, nil)
	if len(all) < 8 {
		t.Fatalf("%d events in all, want at least the 8 calls above", len(all))
	}
	wantEvents(t, "all", all[len(all)-2:], call{daveSend, "sqs:SendMessage"}, call{bSend, "sqs:SendMessage"})
	wantEvents(t, "limit=2", f.audit(t, url.Values{"limit": {"2"}}), call{daveSend, "sqs:SendMessage"}, call{bSend, "sqs:SendMessage"})
	wantEvents(t, "carol's newest denial", f.audit(t, url.Values{"decision": {"Deny"}, "principal": {carolARN}, "limit": {"1"}}),
		call{carolAttrs, "sqs:GetQueueAttributes"})
}

// TestIAMModeAudit: with --iam audit every decision is evaluated and
// recorded, but a Deny does not stop the request: it succeeds, and its Deny
// is recorded with "enforced": false (DESIGN §4; LocalStack's IAM_SOFT_MODE
// is the same idea). Each would-be denial is one AWS makes: no identity
// policy in the same account, an explicit deny in the queue policy, and no
// queue policy across accounts.
func TestIAMModeAudit(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "audit")
	ctx := ctxFor(t)
	rootA, rootB := f.sqs(rootOf(acctA)), f.sqs(rootOf(acctB))
	ghostARN := userARN(acctA, "ghost")
	ghost := f.sqs(newUser(t, f.iam(rootOf(acctA)), "ghost", "", ""))
	name := "soft"
	arn := sqsARN(acctA, name)
	u := newQueue(t, rootA, name, doc(t, stmt{"Sid": "NoGhostTags", "Effect": "Deny",
		"Principal": map[string]any{"AWS": ghostARN}, "Action": "sqs:TagQueue", "Resource": arn}))

	sent, err := ghost.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(u), MessageBody: aws.String("unchecked")})
	if err != nil {
		t.Fatalf("SendMessage that enforce mode would deny: %v", err)
	}
	sendID, _ := awsmiddleware.GetRequestIDMetadata(sent.ResultMetadata)
	tagged, err := ghost.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: aws.String(u), Tags: map[string]string{"by": "ghost"}})
	if err != nil {
		t.Fatalf("TagQueue that the queue policy denies: %v", err)
	}
	tagID, _ := awsmiddleware.GetRequestIDMetadata(tagged.ResultMetadata)
	fromB, err := rootB.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(u), MessageBody: aws.String("from B")})
	if err != nil {
		t.Fatalf("cross-account SendMessage without a queue policy allowing it: %v", err)
	}
	bID, _ := awsmiddleware.GetRequestIDMetadata(fromB.ResultMetadata)

	// The requests took effect.
	if got := depth(t, rootA, u); got != "2" {
		t.Errorf("queue holds %s messages, want 2", got)
	}
	tags, err := rootA.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: aws.String(u)})
	if err != nil {
		t.Fatal(err)
	}
	if tags.Tags["by"] != "ghost" {
		t.Errorf("tags %v, want by=ghost", tags.Tags)
	}

	denials := f.audit(t, url.Values{"decision": {"Deny"}})
	wantEvents(t, "would-be denials", denials, call{sendID, "sqs:SendMessage"}, call{tagID, "sqs:TagQueue"}, call{bID, "sqs:SendMessage"})
	for _, e := range denials {
		if e.Enforced == nil || *e.Enforced {
			t.Errorf("%s by %s: enforced = %v, want false under --iam audit", e.Action, e.Principal, e.Enforced)
		}
	}
	if len(denials) == 3 {
		if e := denials[0]; e.Principal != ghostARN || e.Resource != arn || !strings.HasSuffix(e.Reason, becauseNo("identity-based", "sqs:SendMessage")) {
			t.Errorf("ghost's send: %+v", e)
		}
		if e := denials[1]; e.Statement == nil || e.Statement.Sid != "NoGhostTags" {
			t.Errorf("ghost's tagging: %+v, want the statement NoGhostTags", e)
		}
		if e := denials[2]; e.Account != acctB || !strings.HasSuffix(e.Reason, becauseNo("resource-based", "sqs:SendMessage")) {
			t.Errorf("B's send: %+v", e)
		}
	}
}

// TestIAMModeOff: with --iam off nothing is evaluated, so everything is
// allowed and nothing is recorded (DESIGN §4). Signatures are still
// verified (DESIGN §3).
func TestIAMModeOff(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "off")
	ctx := ctxFor(t)
	rootA, rootB := f.sqs(rootOf(acctA)), f.sqs(rootOf(acctB))
	key := newUser(t, f.iam(rootOf(acctA)), "ghost", "", "")
	ghost := f.sqs(key)
	u := newQueue(t, rootA, "open", "")

	if err := sendTo(ctx, ghost, u, "no policy"); err != nil {
		t.Errorf("SendMessage by a user without policies: %v", err)
	}
	if err := sendTo(ctx, rootB, u, "other account"); err != nil {
		t.Errorf("SendMessage from another account without a queue policy: %v", err)
	}
	if _, err := ghost.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(u)}); err != nil {
		t.Errorf("ReceiveMessage by a user without policies: %v", err)
	}
	if _, err := f.iam(key).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Errorf("iam:ListUsers by a user without policies: %v", err)
	}
	if got := f.audit(t, nil); len(got) != 0 {
		t.Errorf("%d audit events under --iam off, want none: %+v", len(got), got)
	}

	wrong := f.sqs(cred{key.id, strings.Repeat("x", 40), ""})
	apiError(t, sendTo(ctx, wrong, u, "forged"), "SignatureDoesNotMatch", http.StatusForbidden)
}
