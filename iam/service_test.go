package iam

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/persist"
)

// Handlers called directly, without the emulator: validation tables,
// persistence, identifiers, and what the emulator asks of IAM.

func newService(t *testing.T, store persist.Store) *Service {
	t.Helper()
	s, err := New(Config{Store: store, Now: func() time.Time { return time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC) }})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func rootRequest(account string) *api.Request {
	return &api.Request{
		ID: "r", Account: account, Region: "us-east-1", Protocol: api.ProtocolQuery,
		Principal: api.Principal{ARN: "arn:aws:iam::" + account + ":root", Account: account, Type: api.PrincipalRoot, UserID: account},
	}
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error %v", err)
		}
		return
	}
	ae, ok := err.(*api.Error)
	if !ok || ae.WireCode() != code {
		t.Fatalf("got %v, want %s", err, code)
	}
}

func TestNameAndPathValidation(t *testing.T) {
	s := newService(t, persist.NewMemory())
	req := rootRequest("123456789012")
	long := strings.Repeat("a", 65)
	cases := []struct {
		name, user, path, code, message string
	}{
		{"plain", "alice", "", "", ""},
		{"all allowed characters", "a_b+c=d,e.f@g-h", "/a/b/", "", ""},
		{"64 characters", strings.Repeat("a", 64), "", "", ""},
		{"65 characters", long, "", "ValidationError",
			"1 validation error detected: Value '" + long + "' at 'userName' failed to satisfy constraint: Member must have length less than or equal to 64"},
		{"space", "a b", "", "ValidationError",
			`1 validation error detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+`},
		{"slash", "a/b", "", "ValidationError", ""},
		{"empty", "", "", "ValidationError",
			"1 validation error detected: Value null at 'userName' failed to satisfy constraint: Member must not be null"},
		{"path without the final slash", "p1", "/a", "ValidationError",
			`1 validation error detected: Value '/a' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`},
		{"path without the first slash", "p2", "a/", "ValidationError", ""},
		{"path with a space", "p3", "/a b/", "ValidationError", ""},
		{"two errors", "a b", "x", "ValidationError",
			`2 validation errors detected: Value 'a b' at 'userName' failed to satisfy constraint: Member must satisfy regular expression pattern: [\w+=,.@-]+; Value 'x' at 'path' failed to satisfy constraint: Member must satisfy regular expression pattern: (\u002F)|(\u002F[\u0021-\u007E]+\u002F)`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.createUser(context.Background(), req, &createUserInput{UserName: tc.user, Path: tc.path})
			wantCode(t, err, tc.code)
			if tc.message != "" && err.(*api.Error).Message != tc.message {
				t.Errorf("message\n got %s\nwant %s", err.(*api.Error).Message, tc.message)
			}
		})
	}
}

func TestOtherLimitsValidation(t *testing.T) {
	s := newService(t, persist.NewMemory())
	req := rootRequest("123456789012")
	ctx := context.Background()
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}]}`
	d := func(n int32) *int32 { return &n }
	str := func(s string) *string { return &s }
	roles := []struct {
		name string
		in   createRoleInput
		code string
	}{
		{"minimum session", createRoleInput{RoleName: "a", AssumeRolePolicyDocument: trust, MaxSessionDuration: d(3600)}, ""},
		{"maximum session", createRoleInput{RoleName: "b", AssumeRolePolicyDocument: trust, MaxSessionDuration: d(43200)}, ""},
		{"session too short", createRoleInput{RoleName: "c", AssumeRolePolicyDocument: trust, MaxSessionDuration: d(3599)}, "ValidationError"},
		{"session too long", createRoleInput{RoleName: "c", AssumeRolePolicyDocument: trust, MaxSessionDuration: d(43201)}, "ValidationError"},
		{"65-character name", createRoleInput{RoleName: strings.Repeat("r", 65), AssumeRolePolicyDocument: trust}, "ValidationError"},
		{"no trust policy", createRoleInput{RoleName: "c"}, "ValidationError"},
		{"description of 1000", createRoleInput{RoleName: "d", AssumeRolePolicyDocument: trust, Description: str(strings.Repeat("x", 1000))}, ""},
		{"description of 1001", createRoleInput{RoleName: "e", AssumeRolePolicyDocument: trust, Description: str(strings.Repeat("x", 1001))}, "ValidationError"},
		{"too many tags", createRoleInput{RoleName: "f", AssumeRolePolicyDocument: trust, Tags: make([]tag, 51)}, "ValidationError"},
		{"bad tag key", createRoleInput{RoleName: "f", AssumeRolePolicyDocument: trust, Tags: []tag{{Key: "a*b"}}}, "ValidationError"},
		{"tag value of 257", createRoleInput{RoleName: "f", AssumeRolePolicyDocument: trust, Tags: []tag{{Key: "k", Value: strings.Repeat("v", 257)}}}, "ValidationError"},
		{"duplicate tag keys", createRoleInput{RoleName: "f", AssumeRolePolicyDocument: trust, Tags: []tag{{Key: "k"}, {Key: "K"}}}, "InvalidInput"},
		{"unknown boundary", createRoleInput{RoleName: "f", AssumeRolePolicyDocument: trust, PermissionsBoundary: "arn:aws:iam::123456789012:policy/none"}, "NoSuchEntity"},
	}
	for _, tc := range roles {
		t.Run("CreateRole "+tc.name, func(t *testing.T) {
			_, err := s.createRole(ctx, req, &tc.in)
			wantCode(t, err, tc.code)
		})
	}
	group := strings.Repeat("g", 128)
	if _, err := s.createGroup(ctx, req, &createGroupInput{GroupName: group}); err != nil {
		t.Errorf("128-character group name: %v", err)
	}
	_, err := s.createGroup(ctx, req, &createGroupInput{GroupName: group + "g"})
	wantCode(t, err, "ValidationError")
	_, err = s.createPolicy(ctx, req, &createPolicyInput{PolicyName: strings.Repeat("p", 129), PolicyDocument: `{}`})
	wantCode(t, err, "ValidationError")
	_, err = s.getPolicy(ctx, req, &getPolicyInput{PolicyArn: "arn:short"})
	wantCode(t, err, "ValidationError")
	_, err = s.deleteAccessKey(ctx, req, &deleteAccessKeyInput{UserName: "a", AccessKeyId: "short"})
	wantCode(t, err, "ValidationError")
	_, err = s.listPolicies(ctx, req, &listPoliciesInput{Scope: "Everything"})
	wantCode(t, err, "ValidationError")
	_, err = s.listUsers(ctx, req, &listUsersInput{Marker: "not base64!"})
	wantCode(t, err, "ValidationError")
}

// A request's validation runs before authorization: the target resolver
// refuses a malformed request with ValidationError, not AccessDenied.
func TestTargetsValidateFirst(t *testing.T) {
	s := newService(t, persist.NewMemory())
	a := s.API().Actions["CreateUser"]
	_, err := a.Target(context.Background(), rootRequest("123456789012"), &createUserInput{UserName: "bad name"})
	wantCode(t, err, "ValidationError")
}

func TestTargets(t *testing.T) {
	s := newService(t, persist.NewMemory())
	ctx := context.Background()
	req := rootRequest("123456789012")
	if _, err := s.createUser(ctx, req, &createUserInput{UserName: "alice", Path: "/eng/", Tags: []tag{{Key: "Team", Value: "core"}}, PermissionsBoundary: "arn:aws:iam::aws:policy/ReadOnlyAccess"}); err != nil {
		t.Fatal(err)
	}
	target := func(action string, in any) api.Target {
		t.Helper()
		tg, err := s.API().Actions[action].Target(ctx, req, in)
		if err != nil {
			t.Fatalf("%s: %v", action, err)
		}
		return tg
	}
	tg := target("CreateUser", &createUserInput{UserName: "bob", Path: "/ops/", Tags: []tag{{Key: "Env", Value: "dev"}}})
	if tg.ARN != "arn:aws:iam::123456789012:user/ops/bob" || tg.Account != "123456789012" || !tg.SameAccountOnly {
		t.Errorf("CreateUser target %+v", tg)
	}
	if got := tg.Conditions["aws:requesttag/env"]; len(got) != 1 || got[0] != "dev" {
		t.Errorf("aws:RequestTag/Env %v", got)
	}
	if got := tg.Conditions["aws:tagkeys"]; len(got) != 1 || got[0] != "Env" {
		t.Errorf("aws:TagKeys %v", got)
	}
	tg = target("AttachUserPolicy", &attachUserPolicyInput{UserName: "alice", PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess"})
	if tg.ARN != "arn:aws:iam::123456789012:user/eng/alice" || tg.Tags["Team"] != "core" {
		t.Errorf("AttachUserPolicy target %+v", tg)
	}
	if got := tg.Conditions["iam:policyarn"]; len(got) != 1 || got[0] != "arn:aws:iam::aws:policy/AdministratorAccess" {
		t.Errorf("iam:PolicyARN %v", got)
	}
	if got := tg.Conditions["iam:permissionsboundary"]; len(got) != 1 || got[0] != "arn:aws:iam::aws:policy/ReadOnlyAccess" {
		t.Errorf("iam:PermissionsBoundary %v", got)
	}
	tg = target("UntagUser", &untagUserInput{UserName: "alice", TagKeys: []string{"Team"}})
	if got := tg.Conditions["aws:tagkeys"]; len(got) != 1 || got[0] != "Team" {
		t.Errorf("UntagUser aws:TagKeys %v", got)
	}
	tg = target("ListRoles", &listRolesInput{PathPrefix: "/app/"})
	if tg.ARN != "arn:aws:iam::123456789012:role/app/" {
		t.Errorf("ListRoles target %s", tg.ARN)
	}
	tg = target("GetPolicy", &getPolicyInput{PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess"})
	if tg.Account != "123456789012" {
		t.Errorf("reading an AWS managed policy is within the account: %+v", tg)
	}
	tg = target("DeletePolicy", &deletePolicyInput{PolicyArn: "arn:aws:iam::aws:policy/AdministratorAccess"})
	if tg.Account != "aws" {
		t.Errorf("changing an AWS managed policy is a request to another account: %+v", tg)
	}
	tg = target("GetPolicy", &getPolicyInput{PolicyArn: "arn:aws:iam::999999999999:policy/theirs"})
	if tg.Account != "999999999999" {
		t.Errorf("another account's policy: %+v", tg)
	}
}

func TestPersistenceRestoresEverything(t *testing.T) {
	store := persist.NewMemory()
	s := newService(t, store)
	ctx := context.Background()
	req := rootRequest("123456789012")
	must := func(_ any, err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`
	trust := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"123456789012"},"Action":"sts:AssumeRole"}]}`
	must(s.createPolicy(ctx, req, &createPolicyInput{PolicyName: "p", PolicyDocument: allow}))
	must(s.createPolicyVersion(ctx, req, &createPolicyVersionInput{PolicyArn: "arn:aws:iam::123456789012:policy/p", PolicyDocument: allow, SetAsDefault: true}))
	must(s.createUser(ctx, req, &createUserInput{UserName: "alice", Tags: []tag{{Key: "k", Value: "v"}}}))
	must(s.putUserPolicy(ctx, req, &putUserPolicyInput{UserName: "alice", PolicyName: "inline", PolicyDocument: allow}))
	must(s.attachUserPolicy(ctx, req, &attachUserPolicyInput{UserName: "alice", PolicyArn: "arn:aws:iam::123456789012:policy/p"}))
	must(s.createGroup(ctx, req, &createGroupInput{GroupName: "devs"}))
	must(s.putGroupPolicy(ctx, req, &putGroupPolicyInput{GroupName: "devs", PolicyName: "g", PolicyDocument: allow}))
	must(s.addUserToGroup(ctx, req, &membershipInput{GroupName: "devs", UserName: "alice"}))
	key, err := s.createAccessKey(ctx, req, &createAccessKeyInput{UserName: "alice"})
	must(key, err)
	must(s.createRole(ctx, req, &createRoleInput{RoleName: "r", AssumeRolePolicyDocument: trust, MaxSessionDuration: ptr(int32(7200)), PermissionsBoundary: "arn:aws:iam::123456789012:policy/p"}))
	must(s.attachRolePolicy(ctx, req, &attachRolePolicyInput{RoleName: "r", PolicyArn: "arn:aws:iam::aws:policy/AmazonSQSFullAccess"}))
	must(s.createUser(ctx, rootRequest("210987654321"), &createUserInput{UserName: "elsewhere"}))

	r := newService(t, store) // a restart over the same store
	ident, ok := r.Lookup(key.AccessKey.AccessKeyID)
	if !ok || ident.Secret != key.AccessKey.SecretAccessKey || ident.Principal.Name != "alice" || ident.Principal.Tags["k"] != "v" {
		t.Fatalf("Lookup after restart: %+v %v", ident, ok)
	}
	identity, boundary := r.PoliciesFor(ident.Principal)
	var names []string
	for _, np := range identity {
		names = append(names, np.Name)
	}
	if got := strings.Join(names, ","); got != "user/alice inline policy inline,group/devs inline policy g,arn:aws:iam::123456789012:policy/p" || boundary != nil {
		t.Errorf("PoliciesFor alice after restart: %s (boundary %v)", got, boundary)
	}
	role, ok := r.Role("arn:aws:iam::123456789012:role/r")
	if !ok || role.Trust == nil || role.MaxSessionDuration != 2*time.Hour || !strings.HasPrefix(role.ID, "AROA") {
		t.Fatalf("Role after restart: %+v %v", role, ok)
	}
	session := api.Principal{Type: api.PrincipalAssumedRole, Account: "123456789012", RoleARN: role.ARN, UserID: role.ID + ":s"}
	identity, boundary = r.PoliciesFor(session)
	if len(identity) != 1 || identity[0].Name != "arn:aws:iam::aws:policy/AmazonSQSFullAccess" || boundary == nil || boundary.Name != "arn:aws:iam::123456789012:policy/p" {
		t.Errorf("PoliciesFor the role's session: %+v, boundary %+v", identity, boundary)
	}
	p, err := r.getPolicy(ctx, req, &getPolicyInput{PolicyArn: "arn:aws:iam::123456789012:policy/p"})
	if err != nil || p.Policy.DefaultVersionID != "v2" || p.Policy.AttachmentCount != 1 || p.Policy.PermissionsBoundaryUsageCount != 1 {
		t.Errorf("policy after restart: %+v %v", p, err)
	}
	if _, err := r.getUser(ctx, rootRequest("210987654321"), &getUserInput{UserName: "elsewhere"}); err != nil {
		t.Errorf("the other account's user: %v", err)
	}
	// Deletions are durable too.
	must(r.removeUserFromGroup(ctx, req, &removeMembershipInput{GroupName: "devs", UserName: "alice"}))
	must(r.deleteGroupPolicy(ctx, req, &deleteGroupPolicyInput{GroupName: "devs", PolicyName: "g"}))
	must(r.deleteGroup(ctx, req, &deleteGroupInput{GroupName: "devs"}))
	again := newService(t, store)
	if _, err := again.getGroup(ctx, req, &getGroupInput{GroupName: "devs"}); err == nil {
		t.Error("a deleted group came back after a restart")
	}
}

func ptr[T any](v T) *T { return &v }

func TestPoliciesForSeesNothingOfARecreatedEntity(t *testing.T) {
	s := newService(t, persist.NewMemory())
	ctx := context.Background()
	req := rootRequest("123456789012")
	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`
	if _, err := s.createUser(ctx, req, &createUserInput{UserName: "alice"}); err != nil {
		t.Fatal(err)
	}
	key, err := s.createAccessKey(ctx, req, &createAccessKeyInput{UserName: "alice"})
	if err != nil {
		t.Fatal(err)
	}
	old, _ := s.Lookup(key.AccessKey.AccessKeyID)
	if _, err := s.deleteAccessKey(ctx, req, &deleteAccessKeyInput{UserName: "alice", AccessKeyId: key.AccessKey.AccessKeyID}); err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Lookup(key.AccessKey.AccessKeyID); ok {
		t.Fatal("a deleted key still authenticates")
	}
	if _, err := s.deleteUser(ctx, req, &deleteUserInput{UserName: "alice"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.createUser(ctx, req, &createUserInput{UserName: "alice"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.putUserPolicy(ctx, req, &putUserPolicyInput{UserName: "alice", PolicyName: "p", PolicyDocument: allow}); err != nil {
		t.Fatal(err)
	}
	if identity, _ := s.PoliciesFor(old.Principal); identity != nil {
		t.Errorf("the old alice has the new alice's policies: %v", identity)
	}
}

func TestAccessKeyIDsEncodeTheAccount(t *testing.T) {
	for _, account := range []string{"000000000000", "000000000042", "123456789012", "999999999999"} {
		for _, prefix := range []string{"AKIA", "ASIA"} {
			id := NewAccessKeyID(prefix, account)
			if len(id) != 20 || !strings.HasPrefix(id, prefix) {
				t.Fatalf("id %q", id)
			}
			if got, ok := AccountOfAccessKey(id); !ok || got != account {
				t.Errorf("AccountOfAccessKey(%s) = %s, want %s", id, got, account)
			}
		}
		if id := newUniqueID(prefixRole, account); len(id) != 21 {
			t.Errorf("unique id %q", id)
		}
	}
	// Keys AWS made decode the same way.
	for id, want := range map[string]string{"ASIAQNZGKIQY56JQ7WML": "029608264753", "LSIAQAAAAAAVNCBMPNSG": "000000000042"} {
		if got, ok := AccountOfAccessKey(id); !ok || got != want {
			t.Errorf("AccountOfAccessKey(%s) = %s, want %s", id, got, want)
		}
	}
}

func TestAWSManagedPoliciesParse(t *testing.T) {
	ps, err := awsManagedPolicies()
	if err != nil {
		t.Fatal(err)
	}
	if len(ps) != 8 {
		t.Errorf("%d AWS managed policies", len(ps))
	}
	for _, p := range ps {
		if p.defaultVersion() == nil || p.defaultVersion().parsed == nil || !strings.HasPrefix(p.ID, "ANPA") || len(p.ID) != 21 {
			t.Errorf("%s: %+v", p.Name, p)
		}
	}
}

// Authentication reads keys and policies while changes are made; run with
// -race.
func TestConcurrentChangesAndLookups(t *testing.T) {
	s := newService(t, persist.NewMemory())
	ctx := context.Background()
	req := rootRequest("123456789012")
	allow := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`
	done := make(chan struct{})
	keys := make(chan string, 64)
	go func() {
		defer close(done)
		for id := range keys {
			for range 50 {
				ident, ok := s.Lookup(id)
				if ok {
					s.PoliciesFor(ident.Principal)
				}
			}
		}
	}()
	for i := range 20 {
		name := "u" + strings.Repeat("x", i)
		if _, err := s.createUser(ctx, req, &createUserInput{UserName: name}); err != nil {
			t.Fatal(err)
		}
		k, err := s.createAccessKey(ctx, req, &createAccessKeyInput{UserName: name})
		if err != nil {
			t.Fatal(err)
		}
		keys <- k.AccessKey.AccessKeyID
		if _, err := s.putUserPolicy(ctx, req, &putUserPolicyInput{UserName: name, PolicyName: "p", PolicyDocument: allow}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.updateAccessKey(ctx, req, &updateAccessKeyInput{UserName: name, AccessKeyId: k.AccessKey.AccessKeyID, Status: statusInactive}); err != nil {
			t.Fatal(err)
		}
	}
	close(keys)
	<-done
}
