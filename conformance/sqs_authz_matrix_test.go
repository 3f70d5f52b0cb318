package conformance

import (
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// SQS authorization, end to end: who may act on a queue, by the identity
// policies of the caller and the queue's policy, within one account and
// across two.

// TestSQSAuthzMatrix: principal (an IAM user in the queue's account, or in
// another) × identity policy (allows sqs:SendMessage on the queue, or none) ×
// queue policy (allows the user's ARN, none, or denies it explicitly). In
// the same account an explicit deny wins and otherwise either side allowing
// suffices; across accounts both must allow. SendMessageBatch is authorized
// as sqs:SendMessage. Follows
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html,
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-basic-examples-of-sqs-policies.html
// and the messages of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html.
func TestSQSAuthzMatrix(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	iamA, iamB := f.iam(rootOf(acctA)), f.iam(rootOf(acctB))
	rootSQS := f.sqs(rootOf(acctA))

	// One identity policy for every queue of the matrix.
	sendToMatrix := doc(t, stmt{"Sid": "SendToMatrix", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": sqsARN(acctA, "matrix-*")})
	type caller struct {
		arn string
		sqs *sqsClient
	}
	mkUser := func(account, name string, withPolicy bool) caller {
		c := iamA
		if account == acctB {
			c = iamB
		}
		p := ""
		if withPolicy {
			p = sendToMatrix
		}
		return caller{userARN(account, name), f.sqs(newUser(t, c, name, "send-to-matrix", p))}
	}
	callers := map[string]caller{
		"same-account/identity-allows":  mkUser(acctA, "local-sender", true),
		"same-account/no-identity":      mkUser(acctA, "local-stranger", false),
		"cross-account/identity-allows": mkUser(acctB, "remote-sender", true),
		"cross-account/no-identity":     mkUser(acctB, "remote-stranger", false),
	}

	const (
		allowed = iota
		noIdentity
		noResource
		noneEither // neither side allows (across accounts): the documentation does not say which kind the text names
		explicitDeny
	)
	cases := []struct {
		caller, queuePolicy string
		want                int
	}{
		{"same-account/identity-allows", "allows-user", allowed},
		{"same-account/identity-allows", "none", allowed},
		{"same-account/identity-allows", "denies-user", explicitDeny},
		{"same-account/no-identity", "allows-user", allowed}, // a queue policy naming the user suffices in its account
		{"same-account/no-identity", "none", noIdentity},
		{"same-account/no-identity", "denies-user", explicitDeny},
		{"cross-account/identity-allows", "allows-user", allowed},
		{"cross-account/identity-allows", "none", noResource},
		{"cross-account/identity-allows", "denies-user", explicitDeny},
		{"cross-account/no-identity", "allows-user", noIdentity},
		{"cross-account/no-identity", "none", noneEither},
		{"cross-account/no-identity", "denies-user", explicitDeny},
	}
	for i, tc := range cases {
		t.Run(tc.caller+"/queue-policy-"+tc.queuePolicy, func(t *testing.T) {
			ctx := ctxFor(t)
			who := callers[tc.caller]
			name := fmt.Sprintf("matrix-%02d", i)
			arn := sqsARN(acctA, name)
			policyDoc := ""
			switch tc.queuePolicy {
			case "allows-user":
				policyDoc = doc(t, stmt{"Sid": "AllowTheUser", "Effect": "Allow", "Principal": map[string]any{"AWS": who.arn}, "Action": "sqs:SendMessage", "Resource": arn})
			case "denies-user":
				policyDoc = doc(t, stmt{"Sid": "DenyTheUser", "Effect": "Deny", "Principal": map[string]any{"AWS": who.arn}, "Action": "sqs:SendMessage", "Resource": arn})
			}
			queueURL := newQueue(t, rootSQS, name, policyDoc)

			errSend := sendTo(ctx, who.sqs, queueURL, "single")
			var statusSend int
			if errSend != nil {
				statusSend, _, _ = who.sqs.wire.last()
			}
			_, errBatch := who.sqs.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: aws.String(queueURL), Entries: []sqstypes.SendMessageBatchRequestEntry{
				{Id: aws.String("b1"), MessageBody: aws.String("batched")},
			}})

			if tc.want == allowed {
				if errSend != nil {
					t.Errorf("SendMessage: %v (wire status %d), want success", errSend, statusSend)
				}
				if errBatch != nil {
					t.Errorf("SendMessageBatch: %v, want success", errBatch)
				}
				if got := depth(t, rootSQS, queueURL); got != "2" {
					t.Errorf("queue holds %s messages, want 2", got)
				}
				return
			}
			d := denial{principal: who.arn, action: "sqs:SendMessage", resource: arn}
			switch tc.want {
			case noIdentity:
				d.why = []string{becauseNo("identity-based", "sqs:SendMessage")}
			case noResource:
				d.why = []string{becauseNo("resource-based", "sqs:SendMessage")}
			case noneEither:
				d.why = []string{becauseNo("identity-based", "sqs:SendMessage"), becauseNo("resource-based", "sqs:SendMessage")}
			case explicitDeny:
				d.why, d.sid = []string{"with an explicit deny in a resource-based policy"}, "DenyTheUser"
			}
			// The batch's answer is the one the wire recorded last, so it is
			// checked first.
			t.Run("SendMessageBatch", func(t *testing.T) { wantSQSDenied(t, errBatch, who.sqs, d) })
			if errSend == nil {
				t.Errorf("SendMessage succeeded, want AccessDenied")
			} else {
				ae := apiError(t, errSend, "AccessDenied", http.StatusForbidden)
				d.check(t, ae.ErrorMessage())
			}
			if got := depth(t, rootSQS, queueURL); got != "0" {
				t.Errorf("queue holds %s messages after denied sends, want 0", got)
			}
		})
	}
}

// TestSQSAuthzMatrixAccountPrincipalDelegates: a queue policy that names
// only an account ({"AWS":"A"}, or the arn:aws:iam::A:root that
// AddPermission writes) delegates to that account's IAM; in the same
// account it grants nothing by itself. "Using the account ARN … does not
// limit permissions to only the root user" and the account's identity
// policies must still allow:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts,
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_AddPermission.html.
func TestSQSAuthzMatrixAccountPrincipalDelegates(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	iamA := f.iam(rootOf(acctA))
	rootSQS := f.sqs(rootOf(acctA))
	stranger := f.sqs(newUser(t, iamA, "stranger", "", ""))
	sender := f.sqs(newUser(t, iamA, "sender", "send", doc(t, stmt{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": sqsARN(acctA, "delegated-*")})))

	bare := newQueue(t, rootSQS, "delegated-bare", doc(t, stmt{"Sid": "WholeAccount", "Effect": "Allow",
		"Principal": map[string]any{"AWS": acctA}, "Action": "sqs:SendMessage", "Resource": sqsARN(acctA, "delegated-bare")}))
	added := newQueue(t, rootSQS, "delegated-added", "")
	if _, err := rootSQS.AddPermission(ctx, &sqs.AddPermissionInput{
		QueueUrl: aws.String(added), Label: aws.String("AccountSend"), AWSAccountIds: []string{acctA}, Actions: []string{"SendMessage"},
	}); err != nil {
		t.Fatal(err)
	}
	for _, q := range []struct{ name, url string }{{"delegated-bare", bare}, {"delegated-added", added}} {
		t.Run(q.name, func(t *testing.T) {
			err := sendTo(ctx, stranger, q.url, "x")
			wantSQSDenied(t, err, stranger, denial{principal: userARN(acctA, "stranger"), action: "sqs:SendMessage", resource: sqsARN(acctA, q.name),
				why: []string{becauseNo("identity-based", "sqs:SendMessage")}})
			if err := sendTo(ctx, sender, q.url, "x"); err != nil {
				t.Errorf("a user whose identity policy allows: %v", err)
			}
			if got := depth(t, rootSQS, q.url); got != "1" {
				t.Errorf("queue holds %s messages, want 1", got)
			}
		})
	}
}

// TestSQSAuthzMatrixAccountRoot: the root user may do anything to its own
// account's queues, whatever the queue policy allows, unless the queue
// policy denies it explicitly; another account's root acts on a queue only
// if the queue policy allows its account.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html
// ("the account root user … has full access"; an explicit deny in a
// resource-based policy applies to it),
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/grant-cross-account-permissions-to-role-and-user-name.html.
func TestSQSAuthzMatrixAccountRoot(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	rootA, rootB := f.sqs(rootOf(acctA)), f.sqs(rootOf(acctB))
	rootAARN, rootBARN := "arn:aws:iam::"+acctA+":root", "arn:aws:iam::"+acctB+":root"

	t.Run("OwnQueueWithoutPolicy", func(t *testing.T) {
		u := newQueue(t, rootA, "root-plain", "")
		if err := sendTo(ctx, rootA, u, "x"); err != nil {
			t.Fatal(err)
		}
		if _, err := rootA.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(u)}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("OwnQueueWhosePolicyNamesSomeoneElse", func(t *testing.T) {
		u := newQueue(t, rootA, "root-other", doc(t, stmt{"Sid": "OnlyB", "Effect": "Allow",
			"Principal": map[string]any{"AWS": acctB}, "Action": "sqs:*", "Resource": sqsARN(acctA, "root-other")}))
		if err := sendTo(ctx, rootA, u, "x"); err != nil {
			t.Fatal(err)
		}
		if _, err := rootA.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(u), Attributes: map[string]string{"VisibilityTimeout": "45"}}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("OwnQueueDenyingRoot", func(t *testing.T) {
		name := "root-denied"
		u := newQueue(t, rootA, name, doc(t, stmt{"Sid": "NoRootSends", "Effect": "Deny",
			"Principal": map[string]any{"AWS": rootAARN}, "Action": "sqs:SendMessage", "Resource": sqsARN(acctA, name)}))
		err := sendTo(ctx, rootA, u, "x")
		wantSQSDenied(t, err, rootA, denial{principal: rootAARN, action: "sqs:SendMessage", resource: sqsARN(acctA, name),
			why: []string{"with an explicit deny in a resource-based policy"}, sid: "NoRootSends"})
		// What the statement does not deny stays allowed.
		if _, err := rootA.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(u)}); err != nil {
			t.Errorf("ReceiveMessage, which the Deny does not cover: %v", err)
		}
	})
	t.Run("OwnQueueDenyingAUser", func(t *testing.T) {
		// A Deny naming one user of the account does not bind the root.
		name := "root-deny-user"
		newUser(t, f.iam(rootOf(acctA)), "mallory", "", "")
		u := newQueue(t, rootA, name, doc(t, stmt{"Sid": "NoMallory", "Effect": "Deny",
			"Principal": map[string]any{"AWS": userARN(acctA, "mallory")}, "Action": "sqs:*", "Resource": sqsARN(acctA, name)}))
		if err := sendTo(ctx, rootA, u, "x"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("OwnQueueDenyingEveryone", func(t *testing.T) {
		// A Deny for everyone ("*") binds the root too.
		name := "root-deny-all"
		u := newQueue(t, rootA, name, doc(t, stmt{"Sid": "NobodySends", "Effect": "Deny",
			"Principal": "*", "Action": "sqs:SendMessage", "Resource": sqsARN(acctA, name)}))
		err := sendTo(ctx, rootA, u, "x")
		wantSQSDenied(t, err, rootA, denial{principal: rootAARN, action: "sqs:SendMessage", resource: sqsARN(acctA, name),
			why: []string{"with an explicit deny in a resource-based policy"}, sid: "NobodySends"})
	})
	t.Run("OtherRootAllowedByAccount", func(t *testing.T) {
		name := "root-shared"
		u := newQueue(t, rootA, name, doc(t, stmt{"Sid": "AccountB", "Effect": "Allow",
			"Principal": map[string]any{"AWS": acctB}, "Action": "sqs:SendMessage", "Resource": sqsARN(acctA, name)}))
		if err := sendTo(ctx, rootB, u, "from B"); err != nil {
			t.Fatalf("B's root sends to a queue whose policy allows B: %v", err)
		}
		if got := depth(t, rootA, u); got != "1" {
			t.Errorf("queue holds %s messages, want 1", got)
		}
		// …and only what it allows.
		_, err := rootB.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(u)})
		wantSQSDenied(t, err, rootB, denial{principal: rootBARN, action: "sqs:ReceiveMessage", resource: sqsARN(acctA, name),
			why: []string{becauseNo("resource-based", "sqs:ReceiveMessage")}})
	})
	t.Run("OtherRootWithoutPolicy", func(t *testing.T) {
		name := "root-private"
		u := newQueue(t, rootA, name, "")
		err := sendTo(ctx, rootB, u, "from B")
		wantSQSDenied(t, err, rootB, denial{principal: rootBARN, action: "sqs:SendMessage", resource: sqsARN(acctA, name),
			why: []string{becauseNo("resource-based", "sqs:SendMessage")}})
	})
}

// TestSQSAuthzMatrixSameAccountOnlyActions: some SQS actions are never
// performed across accounts, whatever the queue policy and the caller's
// policies say: "Cross-account permissions don't apply to the following
// actions: AddPermission, CreateQueue, DeleteQueue, ListQueues,
// ListQueueTags, RemovePermission, SetQueueAttributes, TagQueue,
// UntagQueue".
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-limitations-of-custom-policies.html#sqs-cross-account-access
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_AddPermission.html
func TestSQSAuthzMatrixSameAccountOnlyActions(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	rootA := f.sqs(rootOf(acctA))
	adminARN := userARN(acctB, "remote-admin")
	admin := f.sqs(newUser(t, f.iam(rootOf(acctB)), "remote-admin", "sqs-all", doc(t, stmt{"Effect": "Allow", "Action": "sqs:*", "Resource": "*"})))
	name := "shared-all"
	arn := sqsARN(acctA, name)
	queuePolicy := doc(t, stmt{"Sid": "CrossAccountAll", "Effect": "Allow",
		"Principal": map[string]any{"AWS": []string{acctB, adminARN}}, "Action": "sqs:*", "Resource": arn})
	u := newQueue(t, rootA, name, queuePolicy)
	if _, err := rootA.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: aws.String(u), Tags: map[string]string{"team": "a"}}); err != nil {
		t.Fatal(err)
	}
	before, err := rootA.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(u), AttributeNames: []sqstypes.QueueAttributeName{"All"}})
	if err != nil {
		t.Fatal(err)
	}

	for _, who := range []struct {
		arn string
		c   *sqsClient
	}{{adminARN, admin}, {"arn:aws:iam::" + acctB + ":root", f.sqs(rootOf(acctB))}} {
		t.Run(strings.TrimPrefix(who.arn, "arn:aws:iam::"+acctB+":"), func(t *testing.T) {
			// Control: the queue policy and the caller's account both allow
			// sqs:*, so the actions that do work across accounts do.
			if err := sendTo(ctx, who.c, u, "cross"); err != nil {
				t.Fatalf("SendMessage across accounts, allowed on both sides: %v", err)
			}
			if _, err := who.c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(u)}); err != nil {
				t.Fatalf("GetQueueAttributes across accounts, allowed on both sides: %v", err)
			}
			for _, op := range []struct {
				action string
				call   func() error
			}{
				{"sqs:SetQueueAttributes", func() error {
					_, err := who.c.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(u), Attributes: map[string]string{"VisibilityTimeout": "99"}})
					return err
				}},
				{"sqs:AddPermission", func() error {
					_, err := who.c.AddPermission(ctx, &sqs.AddPermissionInput{QueueUrl: aws.String(u), Label: aws.String("Sneaky"), AWSAccountIds: []string{acctB}, Actions: []string{"ReceiveMessage"}})
					return err
				}},
				{"sqs:RemovePermission", func() error {
					_, err := who.c.RemovePermission(ctx, &sqs.RemovePermissionInput{QueueUrl: aws.String(u), Label: aws.String("CrossAccountAll")})
					return err
				}},
				{"sqs:DeleteQueue", func() error {
					_, err := who.c.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(u)})
					return err
				}},
				{"sqs:TagQueue", func() error {
					_, err := who.c.TagQueue(ctx, &sqs.TagQueueInput{QueueUrl: aws.String(u), Tags: map[string]string{"owner": "b"}})
					return err
				}},
				{"sqs:UntagQueue", func() error {
					_, err := who.c.UntagQueue(ctx, &sqs.UntagQueueInput{QueueUrl: aws.String(u), TagKeys: []string{"team"}})
					return err
				}},
				{"sqs:ListQueueTags", func() error {
					_, err := who.c.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: aws.String(u)})
					return err
				}},
			} {
				t.Run(strings.TrimPrefix(op.action, "sqs:"), func(t *testing.T) {
					// AWS does not document which policy kind the text names
					// for these.
					wantSQSDenied(t, op.call(), who.c, denial{principal: who.arn, action: op.action, resource: arn,
						why: []string{becauseNo("resource-based", op.action), becauseNo("identity-based", op.action)}})
				})
			}
		})
	}

	// Nothing changed: the queue, its attributes (but the message count),
	// its policy and its tags.
	after, err := rootA.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(u), AttributeNames: []sqstypes.QueueAttributeName{"All"}})
	if err != nil {
		t.Fatalf("the queue after denied cross-account changes: %v", err)
	}
	for k, v := range before.Attributes {
		if strings.HasPrefix(k, "ApproximateNumberOfMessages") {
			continue
		}
		if after.Attributes[k] != v {
			t.Errorf("attribute %s changed from %q to %q", k, v, after.Attributes[k])
		}
	}
	if len(after.Attributes) != len(before.Attributes) {
		t.Errorf("attributes %v, before %v", keys(after.Attributes), keys(before.Attributes))
	}
	tags, err := rootA.ListQueueTags(ctx, &sqs.ListQueueTagsInput{QueueUrl: aws.String(u)})
	if err != nil {
		t.Fatal(err)
	}
	if len(tags.Tags) != 1 || tags.Tags["team"] != "a" {
		t.Errorf("tags %v, want only team=a", tags.Tags)
	}
}

// TestSQSAuthzMatrixInvalidQueuePolicy: a Policy attribute that is not a
// valid resource policy is refused with InvalidAttributeValue, and nothing
// changes: not the policy in force, nor any other attribute of the same
// request, nor (for CreateQueue) the queue's existence.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_CreateQueue.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
func TestSQSAuthzMatrixInvalidQueuePolicy(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	rootA := f.sqs(rootOf(acctA))
	friendARN := userARN(acctA, "friend")
	friend := f.sqs(newUser(t, f.iam(rootOf(acctA)), "friend", "", ""))
	name := "guarded"
	arn := sqsARN(acctA, name)
	valid := doc(t, stmt{"Sid": "Friend", "Effect": "Allow", "Principal": map[string]any{"AWS": friendARN}, "Action": "sqs:SendMessage", "Resource": arn})
	u := newQueue(t, rootA, name, valid)
	attrs := func() map[string]string {
		t.Helper()
		out, err := rootA.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: aws.String(u), AttributeNames: []sqstypes.QueueAttributeName{"Policy", "VisibilityTimeout"}})
		if err != nil {
			t.Fatal(err)
		}
		return out.Attributes
	}
	want := attrs()

	invalid := map[string]string{
		"not JSON":            `{"Version":"2012-10-17","Statement":[`,
		"no Principal":        doc(t, stmt{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": arn}),
		"no Effect":           doc(t, stmt{"Principal": map[string]any{"AWS": friendARN}, "Action": "sqs:SendMessage", "Resource": arn}),
		"bad Effect":          doc(t, stmt{"Effect": "Perhaps", "Principal": map[string]any{"AWS": friendARN}, "Action": "sqs:SendMessage", "Resource": arn}),
		"partial wildcard":    doc(t, stmt{"Effect": "Allow", "Principal": map[string]any{"AWS": "arn:aws:iam::" + acctA + ":user/fr*"}, "Action": "sqs:SendMessage", "Resource": arn}),
		"no Statement":        `{"Version":"2012-10-17"}`,
		"unsupported Version": `{"Version":"2020-01-01","Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"` + arn + `"}]}`,
	}
	for _, what := range keys(invalid) {
		t.Run(strings.ReplaceAll(what, " ", "-"), func(t *testing.T) {
			_, err := rootA.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: aws.String(u), Attributes: map[string]string{
				"VisibilityTimeout": "99", "Policy": invalid[what],
			}})
			ae := apiError(t, err, "InvalidAttributeValue", http.StatusBadRequest)
			if !strings.HasPrefix(ae.ErrorMessage(), "Invalid value for the parameter Policy") {
				t.Errorf("message %q, want it to begin %q", ae.ErrorMessage(), "Invalid value for the parameter Policy")
			}
			if got := attrs(); got["Policy"] != want["Policy"] || got["VisibilityTimeout"] != want["VisibilityTimeout"] {
				t.Errorf("after a refused SetQueueAttributes: %v, want %v", got, want)
			}

			_, err = rootA.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("born-invalid"), Attributes: map[string]string{"Policy": invalid[what]}})
			apiError(t, err, "InvalidAttributeValue", http.StatusBadRequest)
			_, err = rootA.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("born-invalid")})
			apiError(t, err, "AWS.SimpleQueueService.NonExistentQueue", http.StatusBadRequest)
		})
	}
	// The policy in force is still the valid one.
	if err := sendTo(ctx, friend, u, "still allowed"); err != nil {
		t.Errorf("the user the unchanged policy allows: %v", err)
	}
}
