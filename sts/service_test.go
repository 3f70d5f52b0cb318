package sts

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam"
	"github.com/ferry-emulator/ferry/iam/policy"
	"github.com/ferry-emulator/ferry/persist"
)

// STS called directly, with a fake IAM: persistence, expiry, messages.

type fakeIAM struct {
	roles    map[string]iam.Role
	policies map[string]policy.NamedPolicy
}

func (f *fakeIAM) Role(arn string) (iam.Role, bool) { r, ok := f.roles[arn]; return r, ok }
func (f *fakeIAM) ManagedPolicy(arn string) (policy.NamedPolicy, bool) {
	p, ok := f.policies[arn]
	return p, ok
}

const roleARN = "arn:aws:iam::123456789012:role/r"

func newFake(t *testing.T) *fakeIAM {
	t.Helper()
	trust, err := policy.Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"sts:AssumeRole"}]}`, policy.Trust)
	if err != nil {
		t.Fatal(err)
	}
	ro, err := policy.Parse(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:Get*","Resource":"*"}]}`, policy.Identity)
	if err != nil {
		t.Fatal(err)
	}
	return &fakeIAM{
		roles: map[string]iam.Role{roleARN: {
			ARN: roleARN, ID: "AROAEXAMPLEEXAMPLE12", Name: "r", Path: "/", Account: "123456789012", Trust: trust,
			MaxSessionDuration: 12 * time.Hour, Tags: map[string]string{"team": "core", "env": "prod"},
		}},
		policies: map[string]policy.NamedPolicy{"arn:aws:iam::aws:policy/ReadOnlyAccess": {Name: "arn:aws:iam::aws:policy/ReadOnlyAccess", Policy: ro}},
	}
}

type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func newSTS(t *testing.T, store persist.Store, c *clock, f *fakeIAM) *Service {
	t.Helper()
	s, err := New(Config{Store: store, Now: c.now, Roles: f, Policies: f})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func userRequest() *api.Request {
	return &api.Request{
		ID: "r", Account: "123456789012", Region: "us-east-1", AccessKeyID: "AKIAEXAMPLEEXAMPLE12",
		Principal: api.Principal{ARN: "arn:aws:iam::123456789012:user/alice", Account: "123456789012", Type: api.PrincipalUser, UserID: "AIDAEXAMPLE", Name: "alice"},
	}
}

func str(s string) *string { return &s }
func i32(n int32) *int32   { return &n }

func TestSessionsPersistAndExpire(t *testing.T) {
	store := persist.NewMemory()
	c := &clock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	f := newFake(t)
	s := newSTS(t, store, c, f)
	ctx := context.Background()
	long, err := s.assumeRole(ctx, userRequest(), &assumeRoleInput{
		RoleArn: str(roleARN), RoleSessionName: str("long"), DurationSeconds: i32(7200),
		Policy:     str(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`),
		PolicyArns: []policyDescriptor{{ARN: "arn:aws:iam::aws:policy/ReadOnlyAccess"}},
		Tags:       []tag{{Key: "Team", Value: "edge"}, {Key: "k", Value: "v"}}, TransitiveTagKeys: []string{"k"},
		SourceIdentity: str("alice"),
	})
	if err != nil {
		t.Fatal(err)
	}
	short, err := s.assumeRole(ctx, userRequest(), &assumeRoleInput{RoleArn: str(roleARN), RoleSessionName: str("short"), DurationSeconds: i32(900)})
	if err != nil {
		t.Fatal(err)
	}

	ident, ok := s.Lookup(long.Credentials.AccessKeyID)
	if !ok {
		t.Fatal("Lookup of a new session")
	}
	p := ident.Principal
	if p.Type != api.PrincipalAssumedRole || p.ARN != "arn:aws:sts::123456789012:assumed-role/r/long" || p.UserID != "AROAEXAMPLEEXAMPLE12:long" ||
		p.RoleARN != roleARN || p.Name != "long" || p.Account != "123456789012" || p.SourceIdentity != "alice" {
		t.Errorf("principal %+v", p)
	}
	if len(p.SessionPolicies) != 2 || p.SessionPolicies[0].Name != "session policy" || p.SessionPolicies[1].Name != "arn:aws:iam::aws:policy/ReadOnlyAccess" {
		t.Errorf("session policies %+v", p.SessionPolicies)
	}
	// Session tags override the role's, keys compared without case.
	if len(p.Tags) != 3 || p.Tags["Team"] != "edge" || p.Tags["env"] != "prod" || p.Tags["k"] != "v" {
		t.Errorf("principal tags %v", p.Tags)
	}
	if !ident.Expires.Equal(c.t.Add(2*time.Hour)) || ident.SessionToken != long.Credentials.SessionToken {
		t.Errorf("identity %+v", ident)
	}

	// An hour on, the short session has expired: still found, with its
	// expiry, so that the emulator answers ExpiredToken.
	c.t = c.t.Add(time.Hour)
	ident, ok = s.Lookup(short.Credentials.AccessKeyID)
	if !ok || !ident.Expires.Before(c.t) {
		t.Errorf("expired session: %+v %v", ident, ok)
	}

	// A restart brings back the session that has not expired, and not the other.
	r := newSTS(t, store, c, f)
	restored, ok := r.Lookup(long.Credentials.AccessKeyID)
	if !ok || restored.Secret != long.Credentials.SecretAccessKey || len(restored.Principal.SessionPolicies) != 2 || restored.Principal.Tags["k"] != "v" {
		t.Errorf("restored session %+v %v", restored, ok)
	}
	if _, ok := r.Lookup(short.Credentials.AccessKeyID); ok {
		t.Error("an expired session came back after a restart")
	}

	// Chaining from the restored session carries its transitive tag and source identity.
	chainReq := userRequest()
	chainReq.AccessKeyID, chainReq.Principal = long.Credentials.AccessKeyID, restored.Principal
	next, err := r.assumeRole(ctx, chainReq, &assumeRoleInput{RoleArn: str(roleARN), RoleSessionName: str("next")})
	if err != nil {
		t.Fatal(err)
	}
	chained, _ := r.Lookup(next.Credentials.AccessKeyID)
	if chained.Principal.Tags["k"] != "v" || chained.Principal.Tags["team"] != "core" || len(chained.Principal.Tags) != 3 || chained.Principal.SourceIdentity != "alice" {
		t.Errorf("chained principal %+v", chained.Principal)
	}
	if next.SourceIdentity != "alice" {
		t.Errorf("chained SourceIdentity %q", next.SourceIdentity)
	}
}

func TestLongExpiredSessionsAreForgotten(t *testing.T) {
	store := persist.NewMemory()
	c := &clock{t: time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)}
	s := newSTS(t, store, c, newFake(t))
	ctx := context.Background()
	old, err := s.assumeRole(ctx, userRequest(), &assumeRoleInput{RoleArn: str(roleARN), RoleSessionName: str("old"), DurationSeconds: i32(900)})
	if err != nil {
		t.Fatal(err)
	}
	c.t = c.t.Add(expiredRetention + time.Hour)
	if _, err := s.assumeRole(ctx, userRequest(), &assumeRoleInput{RoleArn: str(roleARN), RoleSessionName: str("new")}); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Lookup(old.Credentials.AccessKeyID); ok {
		t.Error("a session expired a day ago is still kept")
	}
	n := 0
	store.Scan(sessionsBucket, nil, func(_, _ []byte) error { n++; return nil })
	if n != 1 {
		t.Errorf("%d session records, want 1", n)
	}
}

func TestAssumeRoleHandlerChecks(t *testing.T) {
	c := &clock{t: time.Now()}
	s := newSTS(t, persist.NewMemory(), c, newFake(t))
	ctx := context.Background()
	root := &api.Request{Account: "123456789012", Principal: api.Principal{Type: api.PrincipalRoot, ARN: "arn:aws:iam::123456789012:root", Account: "123456789012"}}
	_, err := s.assumeRole(ctx, root, &assumeRoleInput{RoleArn: str(roleARN), RoleSessionName: str("s1")})
	if e, ok := err.(*api.Error); !ok || e.Message != "Roles may not be assumed by root accounts." {
		t.Errorf("root: %v", err)
	}
	_, err = s.assumeRole(ctx, userRequest(), &assumeRoleInput{RoleArn: str("arn:aws:iam::123456789012:role/ghost"), RoleSessionName: str("s1")})
	if e, ok := err.(*api.Error); !ok || e.WireCode() != "AccessDenied" {
		t.Errorf("unknown role: %v", err)
	}
	_, err = s.assumeRole(ctx, userRequest(), &assumeRoleInput{RoleArn: str(roleARN)})
	if e, ok := err.(*api.Error); !ok || e.Message != "1 validation error detected: Value null at 'roleSessionName' failed to satisfy constraint: Member must not be null" {
		t.Errorf("no session name: %v", err)
	}
	// The target carries the trust policy and the condition keys.
	tg, err := s.API().Actions["AssumeRole"].Target(ctx, userRequest(), &assumeRoleInput{
		RoleArn: str(roleARN), RoleSessionName: str("s1"), ExternalId: str("ext-1"), SourceIdentity: str("alice"),
		Tags: []tag{{Key: "Project", Value: "x"}}, TransitiveTagKeys: []string{"Project"},
	})
	if err != nil {
		t.Fatal(err)
	}
	if tg.ARN != roleARN || tg.Account != "123456789012" || tg.Policy == nil || tg.Kind != policy.TrustResource || tg.PolicyName != "role trust policy" || tg.Tags["team"] != "core" {
		t.Errorf("target %+v", tg)
	}
	for k, want := range map[string]string{"sts:externalid": "ext-1", "sts:rolesessionname": "s1", "sts:sourceidentity": "alice", "aws:requesttag/project": "x", "aws:tagkeys": "Project", "sts:transitivetagkeys": "Project"} {
		if got := tg.Conditions[k]; len(got) != 1 || got[0] != want {
			t.Errorf("%s = %v, want %s", k, got, want)
		}
	}
	tg, err = s.API().Actions["AssumeRole"].Target(ctx, userRequest(), &assumeRoleInput{RoleArn: str("arn:aws:iam::999999999999:role/ghost"), RoleSessionName: str("s1")})
	if err != nil || tg.Policy != nil || tg.Account != "999999999999" {
		t.Errorf("unknown role's target %+v %v", tg, err)
	}
	_, err = s.API().Actions["AssumeRole"].Target(ctx, userRequest(), &assumeRoleInput{RoleArn: str(roleARN), RoleSessionName: str("a b")})
	if e, ok := err.(*api.Error); !ok || e.WireCode() != "ValidationError" {
		t.Errorf("a malformed request is refused before authorization: %v", err)
	}
}

func TestAuthorizationMessages(t *testing.T) {
	store := persist.NewMemory()
	c := &clock{t: time.Now()}
	s := newSTS(t, store, c, newFake(t))
	ctx := context.Background()
	msg := `{"allowed":false,"explicitDeny":false,"matchedStatements":{"items":[]}}`
	enc := s.EncodeAuthorizationMessage(msg)
	out, err := s.decodeAuthorizationMessage(ctx, userRequest(), &decodeAuthorizationMessageInput{EncodedMessage: &enc})
	if err != nil || out.DecodedMessage != msg {
		t.Fatalf("decode: %+v %v", out, err)
	}
	// The key survives a restart.
	r := newSTS(t, store, c, newFake(t))
	if out, err := r.decodeAuthorizationMessage(ctx, userRequest(), &decodeAuthorizationMessageInput{EncodedMessage: &enc}); err != nil || out.DecodedMessage != msg {
		t.Errorf("decode after a restart: %+v %v", out, err)
	}
	for _, bad := range []string{"x", enc + "x", strings.Replace(enc, ".", ".A", 1), "e30." + strings.SplitN(enc, ".", 2)[1]} {
		_, err := s.decodeAuthorizationMessage(ctx, userRequest(), &decodeAuthorizationMessageInput{EncodedMessage: &bad})
		if e, ok := err.(*api.Error); !ok || e.WireCode() != "InvalidAuthorizationMessageException" {
			t.Errorf("decode %q: %v", bad, err)
		}
	}
}

func TestPackedPercent(t *testing.T) {
	if p := packedPercent(nil, nil, nil); p != 0 {
		t.Errorf("nothing packs to %d%%", p)
	}
	small := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`
	if p := packedPercent(&small, nil, nil); p < 1 || p > 20 {
		t.Errorf("a small policy packs to %d%%", p)
	}
	if p := packedPercent(&small, []string{"arn:aws:iam::aws:policy/ReadOnlyAccess"}, []tag{{Key: "a", Value: "b"}}); p > 30 {
		t.Errorf("a small session packs to %d%%", p)
	}
}
