package sts_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/aws-sdk-go-v2/service/sts/types"
	"github.com/aws/smithy-go"

	"github.com/ferry-emulator/ferry/emulator"
)

// STS through the real aws-sdk-go-v2 clients (IAM to set up users and
// roles), against ferry started in-process with a clock the tests move.

const (
	account      = emulator.DefaultAccount
	otherAccount = "111111111111"
	region       = "us-east-1"
)

type ferry struct {
	srv    *emulator.Server
	offset atomic.Int64 // added to the real time, in nanoseconds
	iam    *iam.Client  // the default account's root
}

func (f *ferry) now() time.Time { return time.Now().Add(time.Duration(f.offset.Load())) }

func (f *ferry) setOffset(d time.Duration) { f.offset.Store(int64(d)) }

func start(t *testing.T) *ferry {
	t.Helper()
	f := &ferry{}
	srv, err := emulator.Run(emulator.Config{Listen: "127.0.0.1:0", Clock: f.now})
	if err != nil {
		t.Fatalf("starting ferry: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	f.srv = srv
	f.iam = f.iamClient("test", "test", "")
	return f
}

func (f *ferry) iamClient(key, secret, token string) *iam.Client {
	return iam.New(iam.Options{
		Region: region, BaseEndpoint: aws.String(f.srv.URL()), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, token),
	})
}

func (f *ferry) stsClient(key, secret, token string) *sts.Client {
	return sts.New(sts.Options{
		Region: region, BaseEndpoint: aws.String(f.srv.URL()), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(key, secret, token),
	})
}

func (f *ferry) stsWith(c *types.Credentials) *sts.Client {
	return f.stsClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func wantAPIError(t *testing.T, err error, code, msg string) {
	t.Helper()
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v, want API error %s", err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("error code %q (%s), want %q", ae.ErrorCode(), ae.ErrorMessage(), code)
	}
	if msg != "" && ae.ErrorMessage() != msg {
		t.Fatalf("error message\n got %q\nwant %q", ae.ErrorMessage(), msg)
	}
}

// user creates an IAM user with an inline policy and a key, and returns an
// STS client signing as it.
func (f *ferry) user(t *testing.T, c *iam.Client, name, policy string) *sts.Client {
	t.Helper()
	ctx := ctxT(t)
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	if policy != "" {
		if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(policy)}); err != nil {
			t.Fatal(err)
		}
	}
	key, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return f.stsClient(aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey), "")
}

// role creates a role with a trust policy and an inline permissions policy.
func role(t *testing.T, c *iam.Client, name, trust, permissions string) string {
	t.Helper()
	ctx := ctxT(t)
	out, err := c.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String(name), AssumeRolePolicyDocument: aws.String(trust)})
	if err != nil {
		t.Fatal(err)
	}
	if permissions != "" {
		if _, err := c.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(permissions)}); err != nil {
			t.Fatal(err)
		}
	}
	return aws.ToString(out.Role.Arn)
}

func trusting(principal string, conditions string) string {
	cond := ""
	if conditions != "" {
		cond = `,"Condition":` + conditions
	}
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]` + cond + `}]}`
}

const (
	canAssume = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sts:AssumeRole","sts:TagSession"],"Resource":"*"}]}`
	iamRead   = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:Get*","iam:List*","sts:AssumeRole"],"Resource":"*"}]}`
)

func TestAssumeRole(t *testing.T) {
	f := start(t)
	ctx := ctxT(t)
	alice := f.user(t, f.iam, "alice", canAssume)
	arn := role(t, f.iam, "reader", trusting("arn:aws:iam::000000000000:user/alice", ""), iamRead)

	out, err := alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("job-1")})
	if err != nil {
		t.Fatal(err)
	}
	c := out.Credentials
	if id := aws.ToString(c.AccessKeyId); len(id) != 20 || !strings.HasPrefix(id, "ASIA") {
		t.Errorf("AccessKeyId %q", id)
	}
	if len(aws.ToString(c.SecretAccessKey)) != 40 || len(aws.ToString(c.SessionToken)) < 100 {
		t.Errorf("secret %d, token %d characters", len(aws.ToString(c.SecretAccessKey)), len(aws.ToString(c.SessionToken)))
	}
	if d := time.Until(aws.ToTime(c.Expiration)); d < 59*time.Minute || d > 61*time.Minute {
		t.Errorf("expires in %v, want the default hour", d)
	}
	if got := aws.ToString(out.AssumedRoleUser.Arn); got != "arn:aws:sts::000000000000:assumed-role/reader/job-1" {
		t.Errorf("AssumedRoleUser.Arn %s", got)
	}
	roleOut, err := f.iam.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("reader")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := aws.ToString(out.AssumedRoleUser.AssumedRoleId), aws.ToString(roleOut.Role.RoleId)+":job-1"; got != want {
		t.Errorf("AssumedRoleId %s, want %s", got, want)
	}
	//lint:ignore SA1019 AWS still returns PackedPolicySize, and ferry must too.
	if out.PackedPolicySize != nil {
		t.Errorf("PackedPolicySize %d without session policies or tags", *out.PackedPolicySize) //lint:ignore SA1019 as above
	}

	session := f.stsWith(c)
	who, err := session.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who.Arn) != aws.ToString(out.AssumedRoleUser.Arn) || aws.ToString(who.UserId) != aws.ToString(out.AssumedRoleUser.AssumedRoleId) || aws.ToString(who.Account) != account {
		t.Errorf("GetCallerIdentity %+v", who)
	}
	// The session has the role's permissions, not alice's.
	sessionIAM := f.iamClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	if _, err := sessionIAM.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers as the role: %v", err)
	}
	_, err = sessionIAM.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x")})
	wantAPIError(t, err, "AccessDenied", "")
	// A session token is required, and must be the session's.
	_, err = f.stsClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), "").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "InvalidClientTokenId", "")
}

func TestAssumeRoleIsRefusedUnlessTheTrustPolicyAllows(t *testing.T) {
	f := start(t)
	ctx := ctxT(t)
	alice := f.user(t, f.iam, "alice", canAssume)
	f.user(t, f.iam, "bob", "")
	arn := role(t, f.iam, "other", trusting("arn:aws:iam::000000000000:user/bob", ""), "")
	_, err := alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("s1")})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:iam::000000000000:user/alice is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::000000000000:role/other because no role trust policy allows the sts:AssumeRole action")

	// A role that does not exist is refused the same way: AccessDenied, not "no such role".
	_, err = alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::000000000000:role/ghost"), RoleSessionName: aws.String("s1")})
	wantAPIError(t, err, "AccessDenied", "")

	// Trust alone is not enough across accounts: the caller's own policies must allow it too.
	other := f.iamClient(otherAccount, "test", "")
	bob := f.user(t, other, "bob", "")
	cross := role(t, f.iam, "cross", trusting("arn:aws:iam::"+otherAccount+":user/bob", ""), "")
	_, err = bob.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(cross), RoleSessionName: aws.String("s1")})
	wantAPIError(t, err, "AccessDenied", "")
	if _, err := other.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bob"), PolicyName: aws.String("p"), PolicyDocument: aws.String(canAssume)}); err != nil {
		t.Fatal(err)
	}
	out, err := bob.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(cross), RoleSessionName: aws.String("s1")})
	if err != nil {
		t.Fatalf("cross-account AssumeRole allowed on both sides: %v", err)
	}
	who, err := f.stsWith(out.Credentials).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who.Account) != account {
		t.Errorf("a session of the role is in the role's account, got %s", aws.ToString(who.Account))
	}

	// Roots do not assume roles.
	rootArn := role(t, f.iam, "for-root", trusting("arn:aws:iam::000000000000:root", ""), "")
	_, err = f.stsClient("test", "test", "").AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(rootArn), RoleSessionName: aws.String("s1")})
	wantAPIError(t, err, "AccessDenied", "Roles may not be assumed by root accounts.")
}

func TestExternalIDAndSessionNameConditions(t *testing.T) {
	f := start(t)
	ctx := ctxT(t)
	alice := f.user(t, f.iam, "alice", canAssume)
	arn := role(t, f.iam, "vendor", trusting("arn:aws:iam::000000000000:user/alice",
		`{"StringEquals":{"sts:ExternalId":"s3cr3t-id"},"StringLike":{"sts:RoleSessionName":"alice-*"}}`), "")
	_, err := alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("alice-1")})
	wantAPIError(t, err, "AccessDenied", "")
	_, err = alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("bob-1"), ExternalId: aws.String("s3cr3t-id")})
	wantAPIError(t, err, "AccessDenied", "")
	if _, err := alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("alice-1"), ExternalId: aws.String("s3cr3t-id")}); err != nil {
		t.Fatalf("with the external id and a matching session name: %v", err)
	}
}

func TestAssumeRoleValidation(t *testing.T) {
	f := start(t)
	ctx := ctxT(t)
	alice := f.user(t, f.iam, "alice", canAssume)
	arn := role(t, f.iam, "r", trusting("arn:aws:iam::000000000000:user/alice", ""), "")
	cases := []struct {
		name string
		in   sts.AssumeRoleInput
		code string
		msg  string
	}{
		{"session name with a space", sts.AssumeRoleInput{RoleSessionName: aws.String("my session")}, "ValidationError",
			`1 validation error detected: Value 'my session' at 'roleSessionName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]*`},
		{"session name of one character", sts.AssumeRoleInput{RoleSessionName: aws.String("a")}, "ValidationError",
			"1 validation error detected: Value 'a' at 'roleSessionName' failed to satisfy constraint: Member must have length greater than or equal to 2"},
		{"session name of 65", sts.AssumeRoleInput{RoleSessionName: aws.String(strings.Repeat("s", 65))}, "ValidationError", ""},
		{"duration under 900", sts.AssumeRoleInput{RoleSessionName: aws.String("ok"), DurationSeconds: aws.Int32(899)}, "ValidationError",
			"1 validation error detected: Value '899' at 'durationSeconds' failed to satisfy constraint: Member must have value greater than or equal to 900"},
		{"duration over the role's maximum", sts.AssumeRoleInput{RoleSessionName: aws.String("ok"), DurationSeconds: aws.Int32(3601)}, "ValidationError",
			"The requested DurationSeconds exceeds the MaxSessionDuration set for this role."},
		{"external id of one character", sts.AssumeRoleInput{RoleSessionName: aws.String("ok"), ExternalId: aws.String("x")}, "ValidationError", ""},
		{"malformed session policy", sts.AssumeRoleInput{RoleSessionName: aws.String("ok"), Policy: aws.String(`{"Statement":[{"Effect":"Allow"}]}`)}, "MalformedPolicyDocument", ""},
		{"session policy over 2048", sts.AssumeRoleInput{RoleSessionName: aws.String("ok"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"` + strings.Repeat("x", 2048) + `","Effect":"Allow","Action":"*","Resource":"*"}]}`)}, "ValidationError", ""},
		{"eleven policy ARNs", sts.AssumeRoleInput{RoleSessionName: aws.String("ok"), PolicyArns: make([]types.PolicyDescriptorType, 11)}, "ValidationError", ""},
		{"unknown policy ARN", sts.AssumeRoleInput{RoleSessionName: aws.String("ok"), PolicyArns: []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::000000000000:policy/none")}}}, "InvalidParameterValue", ""},
		{"duplicate tag keys", sts.AssumeRoleInput{RoleSessionName: aws.String("ok"), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}, {Key: aws.String("A"), Value: aws.String("2")}}}, "InvalidParameterValue",
			"Duplicate tag keys found. Please note that Tag keys are case insensitive."},
		{"transitive key not among the tags", sts.AssumeRoleInput{RoleSessionName: aws.String("ok"), Tags: []types.Tag{{Key: aws.String("a"), Value: aws.String("1")}}, TransitiveTagKeys: []string{"b"}}, "InvalidParameterValue", ""},
		{"too many tags", sts.AssumeRoleInput{RoleSessionName: aws.String("ok"), Tags: manyTags(51, 1)}, "ValidationError", ""},
		{"tags too large once packed", sts.AssumeRoleInput{RoleSessionName: aws.String("ok"), Tags: manyTags(50, 250)}, "PackedPolicyTooLarge", ""},
		{"token code of five digits", sts.AssumeRoleInput{RoleSessionName: aws.String("ok"), SerialNumber: aws.String("arn:aws:iam::000000000000:mfa/alice"), TokenCode: aws.String("12345")}, "ValidationError", ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			in := tc.in
			in.RoleArn = aws.String(arn)
			for i := range in.PolicyArns {
				if in.PolicyArns[i].Arn == nil {
					in.PolicyArns[i].Arn = aws.String("arn:aws:iam::aws:policy/ReadOnlyAccess")
				}
			}
			_, err := alice.AssumeRole(ctx, &in)
			wantAPIError(t, err, tc.code, tc.msg)
		})
	}
}

// manyTags makes n tags with distinct keys and values of valueLen
// characters that do not compress.
func manyTags(n, valueLen int) []types.Tag {
	tags := make([]types.Tag, n)
	for i := range tags {
		var v strings.Builder
		for j := 0; v.Len() < valueLen; j++ {
			sum := sha256.Sum256([]byte(fmt.Sprint(i, j)))
			v.WriteString(hex.EncodeToString(sum[:]))
		}
		tags[i] = types.Tag{Key: aws.String(fmt.Sprintf("key%02d", i)), Value: aws.String(v.String()[:valueLen])}
	}
	return tags
}

func TestSessionPoliciesNarrowTheRole(t *testing.T) {
	f := start(t)
	ctx := ctxT(t)
	alice := f.user(t, f.iam, "alice", canAssume)
	arn := role(t, f.iam, "admin", trusting("arn:aws:iam::000000000000:user/alice", ""), `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"*","Resource":"*"}]}`)
	out, err := alice.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String(arn), RoleSessionName: aws.String("narrow"),
		Policy:     aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iam:ListUsers","Resource":"*"}]}`),
		PolicyArns: []types.PolicyDescriptorType{{Arn: aws.String("arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	//lint:ignore SA1019 AWS still returns PackedPolicySize, and ferry must too.
	if out.PackedPolicySize == nil || *out.PackedPolicySize <= 0 || *out.PackedPolicySize > 100 {
		t.Errorf("PackedPolicySize %v", out.PackedPolicySize) //lint:ignore SA1019 as above
	}
	c := out.Credentials
	session := f.iamClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	if _, err := session.ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("ListUsers, allowed by the role and the session policy: %v", err)
	}
	_, err = session.ListRoles(ctx, &iam.ListRolesInput{})
	wantAPIError(t, err, "AccessDenied", "")
}

func TestRoleChaining(t *testing.T) {
	f := start(t)
	ctx := ctxT(t)
	alice := f.user(t, f.iam, "alice", canAssume)
	first := role(t, f.iam, "first", trusting("arn:aws:iam::000000000000:user/alice", ""), canAssume)
	if _, err := f.iam.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("first"), MaxSessionDuration: aws.Int32(43200)}); err != nil {
		t.Fatal(err)
	}
	second := role(t, f.iam, "second", trusting("arn:aws:iam::000000000000:role/first", `{"StringEquals":{"aws:PrincipalTag/project":"apollo"}}`), "")
	if _, err := f.iam.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("second"), MaxSessionDuration: aws.Int32(43200)}); err != nil {
		t.Fatal(err)
	}

	out, err := alice.AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String(first), RoleSessionName: aws.String("one"), DurationSeconds: aws.Int32(7200), SourceIdentity: aws.String("alice"),
		Tags:              []types.Tag{{Key: aws.String("project"), Value: aws.String("apollo")}, {Key: aws.String("cost"), Value: aws.String("42")}},
		TransitiveTagKeys: []string{"project"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.SourceIdentity) != "alice" {
		t.Errorf("SourceIdentity %q", aws.ToString(out.SourceIdentity))
	}
	chained := f.stsWith(out.Credentials)
	_, err = chained.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("two"), DurationSeconds: aws.Int32(3601)})
	wantAPIError(t, err, "ValidationError", "The requested DurationSeconds exceeds the 1 hour session limit for roles assumed by role chaining.")
	_, err = chained.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("two"), Tags: []types.Tag{{Key: aws.String("Project"), Value: aws.String("gemini")}}})
	wantAPIError(t, err, "InvalidParameterValue", "One of the specified transitive tag keys can't be set because it conflicts with a transitive tag key from the calling session.")

	// The transitive tag passes on, so the second role's trust policy
	// (aws:PrincipalTag/project) lets the first role's session in.
	two, err := chained.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(second), RoleSessionName: aws.String("two")})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(aws.ToTime(two.Credentials.Expiration)); d > 61*time.Minute {
		t.Errorf("a chained session lasts %v", d)
	}
	if aws.ToString(two.SourceIdentity) != "alice" {
		t.Errorf("the source identity did not persist through chaining: %q", aws.ToString(two.SourceIdentity))
	}
	// A non-transitive tag does not pass on: the second hop's trust would
	// refuse a session tagged only with cost.
	noProject := role(t, f.iam, "third", trusting("arn:aws:iam::000000000000:role/second", `{"StringEquals":{"aws:PrincipalTag/cost":"42"}}`), "")
	_, err = f.stsWith(two.Credentials).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(noProject), RoleSessionName: aws.String("three")})
	wantAPIError(t, err, "AccessDenied", "")
}

func TestGetSessionToken(t *testing.T) {
	f := start(t)
	ctx := ctxT(t)
	alice := f.user(t, f.iam, "alice", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["iam:ListUsers","sts:AssumeRole"],"Resource":"*"}]}`)
	out, err := alice.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(aws.ToTime(out.Credentials.Expiration)); d < 11*time.Hour || d > 13*time.Hour {
		t.Errorf("expires in %v, want the default 12 hours", d)
	}
	session := f.stsWith(out.Credentials)
	who, err := session.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who.Arn) != "arn:aws:iam::000000000000:user/alice" {
		t.Errorf("a session token's caller is the user: %+v", who)
	}
	c := out.Credentials
	if _, err := f.iamClient(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken)).ListUsers(ctx, &iam.ListUsersInput{}); err != nil {
		t.Fatalf("the user's permissions through its session: %v", err)
	}
	_, err = session.GetSessionToken(ctx, &sts.GetSessionTokenInput{})
	wantAPIError(t, err, "AccessDenied", "Cannot call GetSessionToken with session credentials")
	// Assuming a role with session-token credentials is capped at one hour.
	arn := role(t, f.iam, "r", trusting("arn:aws:iam::000000000000:user/alice", ""), "")
	if _, err := f.iam.UpdateRole(ctx, &iam.UpdateRoleInput{RoleName: aws.String("r"), MaxSessionDuration: aws.Int32(7200)}); err != nil {
		t.Fatal(err)
	}
	_, err = session.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("s1"), DurationSeconds: aws.Int32(7200)})
	wantAPIError(t, err, "ValidationError", "")

	root := f.stsClient("test", "test", "")
	rootOut, err := root.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(7200)})
	if err != nil {
		t.Fatal(err)
	}
	if d := time.Until(aws.ToTime(rootOut.Credentials.Expiration)); d > 61*time.Minute {
		t.Errorf("a root's session lasts %v, want at most an hour", d)
	}
	_, err = root.GetSessionToken(ctx, &sts.GetSessionTokenInput{DurationSeconds: aws.Int32(129601)})
	wantAPIError(t, err, "ValidationError", "1 validation error detected: Value '129601' at 'durationSeconds' failed to satisfy constraint: Member must have value less than or equal to 129600")
}

func TestGetCallerIdentityIsNeverDenied(t *testing.T) {
	f := start(t)
	ctx := ctxT(t)
	alice := f.user(t, f.iam, "alice", `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Action":"*","Resource":"*"}]}`)
	who, err := alice.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatalf("GetCallerIdentity under an explicit deny of everything: %v", err)
	}
	users, err := f.iam.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("alice")})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(who.UserId) != aws.ToString(users.User.UserId) || aws.ToString(who.Arn) != aws.ToString(users.User.Arn) {
		t.Errorf("GetCallerIdentity %+v", who)
	}
	root, err := f.stsClient(otherAccount, "test", "").GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(root.Arn) != "arn:aws:iam::111111111111:root" || aws.ToString(root.UserId) != otherAccount || aws.ToString(root.Account) != otherAccount {
		t.Errorf("root GetCallerIdentity %+v", root)
	}
}

func TestSessionsExpire(t *testing.T) {
	f := start(t)
	ctx := ctxT(t)
	alice := f.user(t, f.iam, "alice", canAssume)
	arn := role(t, f.iam, "r", trusting("arn:aws:iam::000000000000:user/alice", ""), "")
	// Issue the session with the server's clock 14 minutes behind, so that
	// once the clock is put right the session has expired while requests
	// signed now are still within the allowed clock skew.
	f.setOffset(-14 * time.Minute)
	out, err := alice.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(arn), RoleSessionName: aws.String("short"), DurationSeconds: aws.Int32(900)})
	if err != nil {
		t.Fatal(err)
	}
	session := f.stsWith(out.Credentials)
	if _, err := session.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}); err != nil {
		t.Fatal(err)
	}
	f.setOffset(2 * time.Minute)
	_, err = session.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	wantAPIError(t, err, "ExpiredToken", "")
}

func TestGetAccessKeyInfo(t *testing.T) {
	f := start(t)
	ctx := ctxT(t)
	other := f.iamClient(otherAccount, "test", "")
	if _, err := other.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bob")}); err != nil {
		t.Fatal(err)
	}
	key, err := other.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bob")})
	if err != nil {
		t.Fatal(err)
	}
	root := f.stsClient("test", "test", "")
	for id, want := range map[string]string{
		aws.ToString(key.AccessKey.AccessKeyId): otherAccount,
		"ASIAQNZGKIQY56JQ7WML":                  "029608264753", // a key AWS issued
		"test":                                  account,
		"222222222222":                          "222222222222",
	} {
		out, err := root.GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String(id)})
		if err != nil {
			t.Fatalf("GetAccessKeyInfo %s: %v", id, err)
		}
		if aws.ToString(out.Account) != want {
			t.Errorf("GetAccessKeyInfo %s = %s, want %s", id, aws.ToString(out.Account), want)
		}
	}
	_, err = root.GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String("AKIASHORT")})
	wantAPIError(t, err, "ValidationError", "")
	// Unlike GetCallerIdentity, it takes a permission.
	_, err = f.user(t, f.iam, "carol", "").GetAccessKeyInfo(ctx, &sts.GetAccessKeyInfoInput{AccessKeyId: aws.String("ASIAQNZGKIQY56JQ7WML")})
	wantAPIError(t, err, "AccessDenied", "")
}

func TestDecodeAuthorizationMessageRefusesForeignMessages(t *testing.T) {
	f := start(t)
	ctx := ctxT(t)
	_, err := f.stsClient("test", "test", "").DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String("not-a-ferry-message")})
	var invalid *types.InvalidAuthorizationMessageException
	if !errors.As(err, &invalid) {
		t.Fatalf("got %v, want InvalidAuthorizationMessageException", err)
	}
}

// Session tags need sts:TagSession, and a source identity
// sts:SetSourceIdentity, in the trust policy and on the caller's side
// (id_session-tags.html#id_session-tags_permissions-required;
// id_credentials_temp_control-access_monitor.html).
func TestSessionTagsAndSourceIdentityNeedTheirOwnPermissions(t *testing.T) {
	f := start(t)
	ctx := ctxT(t)
	onlyAssume := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:user/carol"},"Action":"sts:AssumeRole"}]}`
	carol := f.user(t, f.iam, "carol", canAssume)
	strict := role(t, f.iam, "strict", onlyAssume, "")
	open := role(t, f.iam, "open", trusting("arn:aws:iam::000000000000:user/carol", ""), "")
	tags := []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}}

	if _, err := carol.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(strict), RoleSessionName: aws.String("plain")}); err != nil {
		t.Fatalf("without tags: %v", err)
	}
	_, err := carol.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(strict), RoleSessionName: aws.String("tagged"), Tags: tags})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:iam::000000000000:user/carol is not authorized to perform: sts:TagSession on resource: "+strict+" because no role trust policy allows the sts:TagSession action")
	if _, err := carol.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(open), RoleSessionName: aws.String("tagged"), Tags: tags}); err != nil {
		t.Fatalf("tags with sts:TagSession on both sides: %v", err)
	}
	_, err = carol.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(strict), RoleSessionName: aws.String("sourced"), SourceIdentity: aws.String("carol")})
	wantAPIError(t, err, "AccessDenied", "User: arn:aws:iam::000000000000:user/carol is not authorized to perform: sts:SetSourceIdentity on resource: "+strict+" because no role trust policy allows the sts:SetSourceIdentity action")
	// In the same account a trust policy naming the user grants directly,
	// so carol's own policy need not allow sts:SetSourceIdentity.
	if _, err := carol.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(open), RoleSessionName: aws.String("sourced"), SourceIdentity: aws.String("carol")}); err != nil {
		t.Fatalf("source identity allowed by the trust policy: %v", err)
	}
}
