package conformance

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	iamtypes "github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/ferry-emulator/ferry/emulator"
)

// End-to-end identity tests: the real aws-sdk-go-v2 IAM, STS and SQS clients
// against ferry started in-process, with several accounts at once. A
// 12-digit access key with the secret "test" is the root of that account
// (DESIGN §3). This file holds the shared helpers, the cross-account role
// scenario and IAM access keys; sqs_authz_matrix_test.go holds the SQS
// authorization matrix and audit_test.go the audit trail and IAM modes.

const (
	acctA    = "111111111111" // owns the resources
	acctB    = "222222222222" // the other account
	idRegion = "us-east-1"
)

// cred is one set of credentials a client signs with.
type cred struct{ id, secret, token string }

// rootOf is the root user of an account.
func rootOf(account string) cred { return cred{account, "test", ""} }

func sessionCred(c *ststypes.Credentials) cred {
	return cred{aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)}
}

// idFerry is a ferry for identity tests, with a clock the tests may move.
type idFerry struct {
	srv    *emulator.Server
	offset atomic.Int64 // added to the real time, in nanoseconds
}

func (f *idFerry) now() time.Time { return time.Now().Add(time.Duration(f.offset.Load())) }

func (f *idFerry) setOffset(d time.Duration) { f.offset.Store(int64(d)) }

// startIdentityFerry runs ferry in-process with the given --iam mode ("" is
// enforce) until the test ends.
func startIdentityFerry(t *testing.T, iamMode string) *idFerry {
	t.Helper()
	f := &idFerry{}
	srv, err := emulator.Run(emulator.Config{Listen: "127.0.0.1:0", IAMMode: iamMode, Clock: f.now})
	if err != nil {
		t.Fatalf("start ferry: %v", err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Errorf("close ferry: %v", err)
		}
	})
	f.srv = srv
	return f
}

// Clients never retry, so every error a test sees is ferry's first answer.

func (f *idFerry) iam(c cred) *iam.Client {
	return iam.New(iam.Options{
		Region: idRegion, BaseEndpoint: aws.String(f.srv.URL()), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(c.id, c.secret, c.token),
	})
}

func (f *idFerry) sts(c cred) *sts.Client {
	return sts.New(sts.Options{
		Region: idRegion, BaseEndpoint: aws.String(f.srv.URL()), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(c.id, c.secret, c.token),
	})
}

// sqs is an SQS client (AWS JSON 1.0) that also keeps the last raw response,
// so that tests can check the wire form of errors.
func (f *idFerry) sqs(c cred) *sqsClient {
	w := &wire{}
	cl := sqs.New(sqs.Options{
		Region: idRegion, BaseEndpoint: aws.String(f.srv.URL()), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(c.id, c.secret, c.token),
		APIOptions:  []func(*middleware.Stack) error{w.capture},
	})
	return &sqsClient{Client: cl, wire: w}
}

type sqsClient struct {
	*sqs.Client
	wire *wire
}

// wire is the last HTTP response a client read, as it came off the wire.
type wire struct {
	mu     sync.Mutex
	status int
	header http.Header
	body   []byte
}

// capture adds a step right below the operation's deserializer that copies
// the raw response before the SDK reads it.
func (w *wire) capture(stack *middleware.Stack) error {
	return stack.Deserialize.Insert(middleware.DeserializeMiddlewareFunc("CaptureRawResponse",
		func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleDeserialize(ctx, in)
			if resp, ok := out.RawResponse.(*smithyhttp.Response); ok && resp != nil && resp.Body != nil {
				b, rerr := io.ReadAll(resp.Body)
				resp.Body.Close()
				resp.Body = io.NopCloser(bytes.NewReader(b))
				w.mu.Lock()
				w.status, w.header, w.body = resp.StatusCode, resp.Header.Clone(), b
				w.mu.Unlock()
				if rerr != nil && err == nil {
					err = rerr
				}
			}
			return out, md, err
		}), "OperationDeserializer", middleware.After)
}

func (w *wire) last() (int, http.Header, []byte) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.status, w.header, w.body
}

func ctxFor(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// stmt is one policy statement; doc makes a policy document of statements.
type stmt = map[string]any

func doc(t *testing.T, statements ...stmt) string {
	t.Helper()
	return mustJSON(t, map[string]any{"Version": "2012-10-17", "Statement": statements})
}

func userARN(account, name string) string { return "arn:aws:iam::" + account + ":user/" + name }
func roleARN(account, name string) string { return "arn:aws:iam::" + account + ":role/" + name }
func sqsARN(account, name string) string {
	return "arn:aws:sqs:" + idRegion + ":" + account + ":" + name
}

// newUser creates an IAM user with an inline policy (none if policyDoc is
// empty) and an access key, and returns the key.
func newUser(t *testing.T, c *iam.Client, name, policyName, policyDoc string) cred {
	t.Helper()
	ctx := ctxFor(t)
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatalf("CreateUser %s: %v", name, err)
	}
	if policyDoc != "" {
		if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{
			UserName: aws.String(name), PolicyName: aws.String(policyName), PolicyDocument: aws.String(policyDoc),
		}); err != nil {
			t.Fatalf("PutUserPolicy %s: %v", name, err)
		}
	}
	key, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateAccessKey %s: %v", name, err)
	}
	return cred{aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), ""}
}

// newRole creates a role with a trust policy, an inline permissions policy
// (none if permissions is empty) and, if maxSeconds > 0, a
// MaxSessionDuration.
func newRole(t *testing.T, c *iam.Client, name, trust, permissions string, maxSeconds int32) string {
	t.Helper()
	ctx := ctxFor(t)
	in := &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)}
	if maxSeconds > 0 {
		in.MaxSessionDuration = aws.Int32(maxSeconds)
	}
	out, err := c.CreateRole(ctx, in)
	if err != nil {
		t.Fatalf("CreateRole %s: %v", name, err)
	}
	if permissions != "" {
		if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{
			RoleName: aws.String(name), PolicyName: aws.String(name + "-permissions"), PolicyDocument: aws.String(permissions),
		}); err != nil {
			t.Fatalf("PutRolePolicy %s: %v", name, err)
		}
	}
	return aws.ToString(out.Role.Arn)
}

// newQueue creates a queue, with a queue policy unless policyDoc is empty,
// and returns its URL.
func newQueue(t *testing.T, c *sqsClient, name, policyDoc string) string {
	t.Helper()
	in := &sqs.CreateQueueInput{QueueName: aws.String(name)}
	if policyDoc != "" {
		in.Attributes = map[string]string{"Policy": policyDoc}
	}
	out, err := c.CreateQueue(ctxFor(t), in)
	if err != nil {
		t.Fatalf("CreateQueue %s: %v", name, err)
	}
	return aws.ToString(out.QueueUrl)
}

func sendTo(ctx context.Context, c *sqsClient, queueURL, body string) error {
	_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(queueURL), MessageBody: aws.String(body)})
	return err
}

// depth is a queue's ApproximateNumberOfMessages (ferry counts exactly).
func depth(t *testing.T, c *sqsClient, queueURL string) string {
	t.Helper()
	out, err := c.GetQueueAttributes(ctxFor(t), &sqs.GetQueueAttributesInput{
		QueueUrl: aws.String(queueURL), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameApproximateNumberOfMessages},
	})
	if err != nil {
		t.Fatalf("GetQueueAttributes %s: %v", queueURL, err)
	}
	return out.Attributes["ApproximateNumberOfMessages"]
}

// apiError checks that err is an API error with the code and HTTP status.
func apiError(t *testing.T, err error, code string, status int) smithy.APIError {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want API error %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code %q (%s), want %q", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("%v: no HTTP response", err)
	}
	if re.HTTPStatusCode() != status {
		t.Errorf("%s: HTTP %d, want %d", code, re.HTTPStatusCode(), status)
	}
	return ae
}

// denial is what an access-denied answer must say, in the words of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html:
// "User: <principal> is not authorized to perform: <action> on resource:
// <resource> <why>".
type denial struct {
	principal, action, resource string
	// why lists the acceptable endings, e.g. "because no identity-based
	// policy allows the sqs:SendMessage action" or "with an explicit deny
	// in a resource-based policy". More than one where AWS's documentation
	// does not settle which policy kind the text names.
	why []string
	// sid, for an explicit deny by a statement with a Sid: the message must
	// name it.
	sid string
}

func becauseNo(kind, action string) string {
	return "because no " + kind + " policy allows the " + action + " action"
}

// check checks an access-denied message. AWS's SQS JSON answers write the
// action in lower case (sqs:sendmessage; aws/serverless-application-model
// #3633), its other services as the action is named; either is accepted.
func (d denial) check(t *testing.T, msg string) {
	t.Helper()
	for _, action := range []string{d.action, strings.ToLower(d.action)} {
		for _, why := range d.why {
			why = strings.ReplaceAll(why, d.action, action)
			want := "User: " + d.principal + " is not authorized to perform: " + action + " on resource: " + d.resource + " " + why
			if d.sid == "" && msg == want {
				return
			}
			if d.sid != "" && strings.HasPrefix(msg, want) {
				if !strings.Contains(msg, d.sid) {
					t.Errorf("access denied by statement %q, but the message does not name it:\n%s", d.sid, msg)
				}
				return
			}
		}
	}
	t.Errorf("access-denied message\n got %q\nwant %q (one of the endings %q)", msg,
		"User: "+d.principal+" is not authorized to perform: "+d.action+" on resource: "+d.resource+" "+d.why[0], d.why)
}

// wantSQSDenied checks an SQS access denial as the SDK sees it (ErrorCode
// AccessDenied, HTTP 403) and as it came over the wire: AWS JSON 1.0 with
// __type AccessDeniedException and, SQS being query-compatible, the header
// x-amzn-query-error: AccessDenied;Sender.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-json-faqs.html
func wantSQSDenied(t *testing.T, err error, c *sqsClient, d denial) {
	t.Helper()
	ae := apiError(t, err, "AccessDenied", http.StatusForbidden)
	d.check(t, ae.ErrorMessage())
	status, header, body := c.wire.last()
	if status != http.StatusForbidden {
		t.Errorf("wire status %d, want 403", status)
	}
	if got := header.Get("x-amzn-query-error"); got != "AccessDenied;Sender" {
		t.Errorf("x-amzn-query-error = %q, want AccessDenied;Sender", got)
	}
	var wireErr struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(body, &wireErr); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	if _, shape, _ := strings.Cut(wireErr.Type, "#"); wireErr.Type != "AccessDeniedException" && shape != "AccessDeniedException" {
		t.Errorf("__type = %q, want AccessDeniedException", wireErr.Type)
	}
	if wireErr.Message != ae.ErrorMessage() {
		t.Errorf("body message %q, SDK message %q", wireErr.Message, ae.ErrorMessage())
	}
}

// wantQueryDenied checks an IAM or STS (query protocol) access denial.
func wantQueryDenied(t *testing.T, err error, d denial) {
	t.Helper()
	ae := apiError(t, err, "AccessDenied", http.StatusForbidden)
	d.check(t, ae.ErrorMessage())
}

// TestIdentityCrossAccountRoleChain is the cross-account role scenario: a
// user in account B assumes a role RB of its own account, and RB's session
// assumes a role RA in account A that trusts RB and requires an external
// id. It follows
// https://docs.aws.amazon.com/IAM/latest/UserGuide/tutorial_cross-account-with-roles.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html,
// the role-chaining limit of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining
// and https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html,
// and the cross-account evaluation of
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html.
func TestIdentityCrossAccountRoleChain(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	iamA, iamB := f.iam(rootOf(acctA)), f.iam(rootOf(acctB))
	const externalID = "ext-7781-acme"
	rbARN, raARN, rcARN := roleARN(acctB, "RB"), roleARN(acctA, "RA"), roleARN(acctB, "RC")
	ordersARN := sqsARN(acctA, "orders")

	// Account B: bob may assume RB (and RC); RB trusts bob and may assume
	// RA; RC trusts bob and may assume any role, but RA does not trust it.
	bob := newUser(t, iamB, "bob", "bob-assume", doc(t,
		stmt{"Sid": "AssumeRB", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": rbARN},
		stmt{"Sid": "AssumeRC", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": rcARN},
	))
	trustsBob := doc(t, stmt{"Effect": "Allow", "Principal": map[string]any{"AWS": userARN(acctB, "bob")}, "Action": "sts:AssumeRole"})
	if got := newRole(t, iamB, "RB", trustsBob, doc(t, stmt{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": raARN}), 0); got != rbARN {
		t.Fatalf("RB's ARN = %s, want %s", got, rbARN)
	}
	newRole(t, iamB, "RC", trustsBob, doc(t, stmt{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"}), 0)

	// Account A: RA trusts RB with the external id, and may send to A's
	// orders queue and nothing else. Its MaxSessionDuration is 12 hours, so
	// that only the role-chaining limit caps a chained session.
	raTrust := doc(t, stmt{
		"Effect": "Allow", "Principal": map[string]any{"AWS": rbARN}, "Action": "sts:AssumeRole",
		"Condition": map[string]any{"StringEquals": map[string]any{"sts:ExternalId": externalID}},
	})
	newRole(t, iamA, "RA", raTrust, doc(t, stmt{"Sid": "SendOrders", "Effect": "Allow", "Action": "sqs:SendMessage", "Resource": ordersARN}), 43200)
	rootSQSA, rootSQSB := f.sqs(rootOf(acctA)), f.sqs(rootOf(acctB))
	ordersURL := newQueue(t, rootSQSA, "orders", "")
	inboxURL := newQueue(t, rootSQSB, "inbox", "")

	// bob → RB.
	rbOut, err := f.sts(bob).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(rbARN), RoleSessionName: aws.String("bob-session")})
	if err != nil {
		t.Fatalf("bob assumes RB: %v", err)
	}
	if got, want := aws.ToString(rbOut.AssumedRoleUser.Arn), "arn:aws:sts::"+acctB+":assumed-role/RB/bob-session"; got != want {
		t.Errorf("RB session ARN %s, want %s", got, want)
	}
	rb := sessionCred(rbOut.Credentials)
	rbSTS := f.sts(rb)

	// RB session → RA, with the external id.
	before := time.Now()
	raOut, err := rbSTS.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String(raARN), RoleSessionName: aws.String("rb-to-ra"), ExternalId: aws.String(externalID),
	})
	if err != nil {
		t.Fatalf("RB's session assumes RA with the external id: %v", err)
	}
	raSessionARN := "arn:aws:sts::" + acctA + ":assumed-role/RA/rb-to-ra"
	if got := aws.ToString(raOut.AssumedRoleUser.Arn); got != raSessionARN {
		t.Errorf("AssumedRoleUser.Arn = %s, want %s", got, raSessionARN)
	}
	roleID := aws.ToString(raOut.AssumedRoleUser.AssumedRoleId)
	if !strings.HasPrefix(roleID, "AROA") || !strings.HasSuffix(roleID, ":rb-to-ra") {
		t.Errorf("AssumedRoleId = %s, want AROA…:rb-to-ra", roleID)
	}
	if id := aws.ToString(raOut.Credentials.AccessKeyId); !strings.HasPrefix(id, "ASIA") || aws.ToString(raOut.Credentials.SessionToken) == "" {
		t.Errorf("temporary credentials: key %q, token set %v", id, aws.ToString(raOut.Credentials.SessionToken) != "")
	}
	// The default duration is one hour.
	checkExpiration(t, raOut.Credentials.Expiration, before, time.Hour)
	ra := sessionCred(raOut.Credentials)

	t.Run("GetCallerIdentity", func(t *testing.T) {
		// https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html
		who, err := f.sts(ra).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(who.Arn) != raSessionARN || aws.ToString(who.Account) != acctA || aws.ToString(who.UserId) != roleID {
			t.Errorf("GetCallerIdentity = {Arn %s, Account %s, UserId %s}, want {%s, %s, %s}",
				aws.ToString(who.Arn), aws.ToString(who.Account), aws.ToString(who.UserId), raSessionARN, acctA, roleID)
		}
	})

	t.Run("ExactlyRAsPermissions", func(t *testing.T) {
		raSQS := f.sqs(ra)
		if err := sendTo(ctx, raSQS, ordersURL, "from RA"); err != nil {
			t.Fatalf("RA's session sends to A's queue, which RA's policy allows: %v", err)
		}
		if got := depth(t, rootSQSA, ordersURL); got != "1" {
			t.Errorf("orders holds %s messages, want 1", got)
		}
		_, err := raSQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(ordersURL)})
		wantSQSDenied(t, err, raSQS, denial{principal: raSessionARN, action: "sqs:ReceiveMessage", resource: ordersARN,
			why: []string{becauseNo("identity-based", "sqs:ReceiveMessage")}})

		// Another queue of A, which RA's policy does not name.
		paymentsURL := newQueue(t, rootSQSA, "payments", "")
		err = sendTo(ctx, raSQS, paymentsURL, "not mine")
		wantSQSDenied(t, err, raSQS, denial{principal: raSessionARN, action: "sqs:SendMessage", resource: sqsARN(acctA, "payments"),
			why: []string{becauseNo("identity-based", "sqs:SendMessage")}})

		// B's queue: RA's policy does not allow it and the queue has no
		// policy; AWS's documentation does not say which side the text names.
		err = sendTo(ctx, raSQS, inboxURL, "to B")
		wantSQSDenied(t, err, raSQS, denial{principal: raSessionARN, action: "sqs:SendMessage", resource: sqsARN(acctB, "inbox"),
			why: []string{becauseNo("identity-based", "sqs:SendMessage"), becauseNo("resource-based", "sqs:SendMessage")}})
		if got := depth(t, rootSQSB, inboxURL); got != "0" {
			t.Errorf("B's inbox holds %s messages after a denied send", got)
		}

		_, err = f.iam(ra).ListUsers(ctx, &iam.ListUsersInput{})
		wantQueryDenied(t, err, denial{principal: raSessionARN, action: "iam:ListUsers", resource: "arn:aws:iam::" + acctA + ":user/",
			why: []string{becauseNo("identity-based", "iam:ListUsers")}})
	})

	t.Run("UntrustedPrincipals", func(t *testing.T) {
		// bob himself: RA trusts RB, not bob (and bob's policies do not
		// allow RA either).
		_, err := f.sts(bob).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(raARN), RoleSessionName: aws.String("bob-direct"), ExternalId: aws.String(externalID)})
		wantQueryDenied(t, err, denial{principal: userARN(acctB, "bob"), action: "sts:AssumeRole", resource: raARN,
			why: []string{becauseNo("role trust", "sts:AssumeRole"), becauseNo("identity-based", "sts:AssumeRole")}})

		// Another role of B, whose own policy allows any AssumeRole: only
		// RA's trust policy is missing.
		rcOut, err := f.sts(bob).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(rcARN), RoleSessionName: aws.String("bob-rc")})
		if err != nil {
			t.Fatalf("bob assumes RC: %v", err)
		}
		_, err = f.sts(sessionCred(rcOut.Credentials)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(raARN), RoleSessionName: aws.String("rc-to-ra"), ExternalId: aws.String(externalID)})
		wantQueryDenied(t, err, denial{principal: "arn:aws:sts::" + acctB + ":assumed-role/RC/bob-rc", action: "sts:AssumeRole", resource: raARN,
			why: []string{becauseNo("role trust", "sts:AssumeRole")}})
	})

	t.Run("ExternalID", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			id   *string
		}{{"wrong", aws.String("ext-0000-acme")}, {"missing", nil}} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := rbSTS.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(raARN), RoleSessionName: aws.String("rb-to-ra"), ExternalId: tc.id})
				wantQueryDenied(t, err, denial{principal: "arn:aws:sts::" + acctB + ":assumed-role/RB/bob-session", action: "sts:AssumeRole", resource: raARN,
					why: []string{becauseNo("role trust", "sts:AssumeRole")}})
			})
		}
	})

	t.Run("ChainingCapsDuration", func(t *testing.T) {
		// RA allows 12 hours, but a session assumed with role-session
		// credentials lasts at most one.
		for _, d := range []int32{3601, 7200, 43200} {
			_, err := rbSTS.AssumeRole(ctx, &sts.AssumeRoleInput{
				RoleArn: aws.String(raARN), RoleSessionName: aws.String("long"), ExternalId: aws.String(externalID), DurationSeconds: aws.Int32(d),
			})
			ae := apiError(t, err, "ValidationError", http.StatusBadRequest)
			if want := "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining."; ae.ErrorMessage() != want {
				t.Errorf("DurationSeconds %d: message %q, want %q", d, ae.ErrorMessage(), want)
			}
		}
		for _, d := range []int32{900, 3600} {
			before := time.Now()
			out, err := rbSTS.AssumeRole(ctx, &sts.AssumeRoleInput{
				RoleArn: aws.String(raARN), RoleSessionName: aws.String("capped"), ExternalId: aws.String(externalID), DurationSeconds: aws.Int32(d),
			})
			if err != nil {
				t.Fatalf("chained AssumeRole for %d seconds: %v", d, err)
			}
			checkExpiration(t, out.Credentials.Expiration, before, time.Duration(d)*time.Second)
		}
	})

	t.Run("SessionExpires", func(t *testing.T) {
		// Issue a 15-minute session with ferry's clock 14 minutes behind,
		// then put the clock 2 minutes ahead: the session has expired, while
		// requests signed now are still within the allowed clock skew.
		// https://docs.aws.amazon.com/STS/latest/APIReference/CommonErrors.html
		f.setOffset(-14 * time.Minute)
		out, err := rbSTS.AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn: aws.String(raARN), RoleSessionName: aws.String("short"), ExternalId: aws.String(externalID), DurationSeconds: aws.Int32(900),
		})
		if err != nil {
			f.setOffset(0)
			t.Fatal(err)
		}
		short := f.sqs(sessionCred(out.Credentials))
		if err := sendTo(ctx, short, ordersURL, "in time"); err != nil {
			t.Errorf("a fresh session sends: %v", err)
		}
		f.setOffset(2 * time.Minute)
		defer f.setOffset(0)
		apiError(t, sendTo(ctx, short, ordersURL, "too late"), "ExpiredToken", http.StatusForbidden)
		_, err = f.sts(sessionCred(out.Credentials)).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		apiError(t, err, "ExpiredToken", http.StatusForbidden)
	})
}

// TestIdentityRecreatedRoleLosesTrust: a trust policy that names a role
// stores the role's unique principal id, so a role deleted and made again
// under the same name is no longer trusted until the trust policy is saved
// again, and meanwhile the stored id shows in place of the ARN: "if you
// delete the role or user, then the relationship is broken. The policy no
// longer applies, even if you recreate the user or role because it does not
// match the principal ID stored in the trust policy. When this happens, the
// principal ID shows up in the console because AWS can no longer map it back
// to an ARN."
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_policy-examples.html#example-delegate-xaccount-rolesapi
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-roles
func TestIdentityRecreatedRoleLosesTrust(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	iamA, iamB := f.iam(rootOf(acctA)), f.iam(rootOf(acctB))
	rbARN, raARN := roleARN(acctB, "RB"), roleARN(acctA, "RA")
	bob := newUser(t, iamB, "bob", "bob-assume", doc(t, stmt{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": rbARN}))
	trustsBob := doc(t, stmt{"Effect": "Allow", "Principal": map[string]any{"AWS": userARN(acctB, "bob")}, "Action": "sts:AssumeRole"})
	rbPermissions := doc(t, stmt{"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": raARN})
	newRole(t, iamB, "RB", trustsBob, rbPermissions, 0)
	raTrust := doc(t, stmt{"Effect": "Allow", "Principal": map[string]any{"AWS": rbARN}, "Action": "sts:AssumeRole"})
	newRole(t, iamA, "RA", raTrust, "", 0)
	assumeRA := func(name string) error {
		t.Helper()
		rb, err := f.sts(bob).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(rbARN), RoleSessionName: aws.String(name)})
		if err != nil {
			t.Fatalf("bob assumes RB: %v", err)
		}
		_, err = f.sts(sessionCred(rb.Credentials)).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(raARN), RoleSessionName: aws.String(name)})
		return err
	}
	if err := assumeRA("original"); err != nil {
		t.Fatalf("RB's session assumes RA: %v", err)
	}

	// RB is deleted and made again, the same name, path and policies.
	if _, err := iamB.DeleteRolePolicy(ctx, &iam.DeleteRolePolicyInput{RoleName: aws.String("RB"), PolicyName: aws.String("RB-permissions")}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamB.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("RB")}); err != nil {
		t.Fatal(err)
	}
	newRole(t, iamB, "RB", trustsBob, rbPermissions, 0)
	err := assumeRA("recreated")
	if err == nil {
		t.Errorf("a session of the re-created RB assumed RA, whose trust policy names the deleted RB; want AccessDenied")
	} else {
		wantQueryDenied(t, err, denial{principal: "arn:aws:sts::" + acctB + ":assumed-role/RB/recreated", action: "sts:AssumeRole", resource: raARN,
			why: []string{becauseNo("role trust", "sts:AssumeRole")}})
	}
	got, err := iamA.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("RA")})
	if err != nil {
		t.Fatal(err)
	}
	trust, err := url.QueryUnescape(aws.ToString(got.Role.AssumeRolePolicyDocument))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(trust, rbARN) {
		t.Errorf("RA's trust policy still shows %s after RB was deleted, want RB's former unique id (AROA…): %s", rbARN, trust)
	}

	// Saving the trust policy again trusts the new RB.
	if _, err := iamA.UpdateAssumeRolePolicy(ctx, &iam.UpdateAssumeRolePolicyInput{RoleName: aws.String("RA"), PolicyDocument: aws.String(raTrust)}); err != nil {
		t.Fatal(err)
	}
	if err := assumeRA("resaved"); err != nil {
		t.Errorf("after the trust policy is saved again: %v", err)
	}
}

// checkExpiration checks a session's Expiration: set, and the requested
// duration after the request (to the second).
func checkExpiration(t *testing.T, exp *time.Time, before time.Time, d time.Duration) {
	t.Helper()
	if exp == nil {
		t.Errorf("Expiration is not set")
		return
	}
	lo, hi := before.Add(d).Add(-2*time.Second), time.Now().Add(d).Add(time.Second)
	if exp.Before(lo) || exp.After(hi) {
		t.Errorf("Expiration %v, want %v after the request (between %v and %v)", exp, d, lo, hi)
	}
}

// TestIAMAccessKeysSignSQS: an access key made with CreateAccessKey signs
// SQS requests as its user; an inactive or deleted key is an unknown one
// (InvalidClientTokenId) and a wrong secret a bad signature
// (SignatureDoesNotMatch). Follows
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_access-keys.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/signature-v4-troubleshooting.html and
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html.
func TestIAMAccessKeysSignSQS(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	iamA := f.iam(rootOf(acctA))
	rootSQS := f.sqs(rootOf(acctA))
	jobsURL := newQueue(t, rootSQS, "erin-jobs", "")
	jobsARN := sqsARN(acctA, "erin-jobs")

	if _, err := iamA.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("erin")}); err != nil {
		t.Fatal(err)
	}
	if _, err := iamA.PutUserPolicy(ctx, &iam.PutUserPolicyInput{
		UserName: aws.String("erin"), PolicyName: aws.String("jobs"),
		PolicyDocument: aws.String(doc(t, stmt{"Effect": "Allow", "Action": []string{"sqs:SendMessage", "sqs:ReceiveMessage"}, "Resource": jobsARN})),
	}); err != nil {
		t.Fatal(err)
	}
	created, err := iamA.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("erin")})
	if err != nil {
		t.Fatal(err)
	}
	key := cred{aws.ToString(created.AccessKey.AccessKeyId), aws.ToString(created.AccessKey.SecretAccessKey), ""}
	if !strings.HasPrefix(key.id, "AKIA") || len(key.id) != 20 || len(key.secret) != 40 || created.AccessKey.Status != iamtypes.StatusTypeActive {
		t.Errorf("CreateAccessKey: id %q, %d-character secret, status %s", key.id, len(key.secret), created.AccessKey.Status)
	}
	erinARN := userARN(acctA, "erin")
	erin := f.sqs(key)

	// The key signs as erin: her policy lets her send, and what it does not
	// allow is refused in her name.
	if err := sendTo(ctx, erin, jobsURL, "job 1"); err != nil {
		t.Fatalf("SendMessage signed with erin's key: %v", err)
	}
	who, err := f.sts(key).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who.Arn) != erinARN || aws.ToString(who.Account) != acctA {
		t.Errorf("GetCallerIdentity with erin's key: %s in %s", aws.ToString(who.Arn), aws.ToString(who.Account))
	}
	_, err = erin.DeleteQueue(ctx, &sqs.DeleteQueueInput{QueueUrl: aws.String(jobsURL)})
	wantSQSDenied(t, err, erin, denial{principal: erinARN, action: "sqs:DeleteQueue", resource: jobsARN,
		why: []string{becauseNo("identity-based", "sqs:DeleteQueue")}})

	setStatus := func(s iamtypes.StatusType) {
		t.Helper()
		if _, err := iamA.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("erin"), AccessKeyId: aws.String(key.id), Status: s}); err != nil {
			t.Fatalf("UpdateAccessKey %s: %v", s, err)
		}
	}
	setStatus(iamtypes.StatusTypeInactive)
	ae := apiError(t, sendTo(ctx, erin, jobsURL, "job 2"), "InvalidClientTokenId", http.StatusForbidden)
	if want := "The security token included in the request is invalid."; ae.ErrorMessage() != want {
		t.Errorf("inactive key: message %q, want %q", ae.ErrorMessage(), want)
	}
	setStatus(iamtypes.StatusTypeActive)
	if err := sendTo(ctx, erin, jobsURL, "job 3"); err != nil {
		t.Fatalf("SendMessage with the key active again: %v", err)
	}

	wrong := f.sqs(cred{key.id, strings.Repeat("x", 40), ""})
	ae = apiError(t, sendTo(ctx, wrong, jobsURL, "forged"), "SignatureDoesNotMatch", http.StatusForbidden)
	if want := "The request signature we calculated does not match the signature you provided."; !strings.HasPrefix(ae.ErrorMessage(), want) {
		t.Errorf("wrong secret: message %q, want it to begin %q", ae.ErrorMessage(), want)
	}

	if _, err := iamA.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("erin"), AccessKeyId: aws.String(key.id)}); err != nil {
		t.Fatal(err)
	}
	apiError(t, sendTo(ctx, erin, jobsURL, "job 4"), "InvalidClientTokenId", http.StatusForbidden)

	// Only the two messages sent with a working key arrived.
	if got := depth(t, rootSQS, jobsURL); got != "2" {
		t.Errorf("erin-jobs holds %s messages, want 2", got)
	}
}

// auditEvent is one event of /_ferry/audit (DESIGN §4).
type auditEvent struct {
	Time      time.Time `json:"time"`
	RequestID string    `json:"requestId"`
	Account   string    `json:"account"`
	Principal string    `json:"principal"`
	Action    string    `json:"action"`
	Resource  string    `json:"resource"`
	Decision  string    `json:"decision"`
	Reason    string    `json:"reason"`
	Statement *struct {
		Policy string `json:"policy"`
		Sid    string `json:"sid"`
	} `json:"statement"`
	Enforced *bool `json:"enforced"`
}

// audit reads /_ferry/audit with the given filters.
func (f *idFerry) audit(t *testing.T, filters url.Values) []auditEvent {
	t.Helper()
	u := f.srv.URL() + "/_ferry/audit"
	if len(filters) > 0 {
		u += "?" + filters.Encode()
	}
	req, err := http.NewRequestWithContext(ctxFor(t), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", u, resp.Status, body)
	}
	var out struct {
		Events *[]auditEvent `json:"events"`
	}
	if err := json.Unmarshal(body, &out); err != nil {
		t.Fatalf("GET %s: %v: %s", u, err, body)
	}
	if out.Events == nil {
		t.Fatalf("GET %s: no events array: %s", u, body)
	}
	return *out.Events
}

// requestID is the x-amzn-RequestId of the response behind an SDK error.
func requestID(t *testing.T, err error) string {
	t.Helper()
	var re *awshttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("%v: no HTTP response", err)
	}
	return re.ServiceRequestID()
}
