package kms_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/ferry-emulator/ferry/emulator"
)

// A grant allows its grantee its operations on its key, under its
// encryption-context constraints, and stops allowing the moment it is
// retired or revoked.
func TestGrantsAllowTheirGrantee(t *testing.T) {
	srv, root := setup(t)
	ctx := ctxT(t)
	ic := iamFor(srv, rootOf(ownerAccount))
	app := kmsFor(srv, newUser(t, ic, "app", ""))
	retirer := kmsFor(srv, newUser(t, ic, "retirer", ""))
	k := newKey(t, root, "")
	tenantA := map[string]string{"tenant": "a", "extra": "ok"}

	_, err := app.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x"), EncryptionContext: tenantA})
	wantDenied(t, err, userARN(ownerAccount, "app"), "kms:Encrypt", *k.Arn, noIdentity+"kms:Encrypt action")

	g, err := root.CreateGrant(ctx, &kms.CreateGrantInput{
		KeyId: k.KeyId, GranteePrincipal: aws.String(userARN(ownerAccount, "app")),
		RetiringPrincipal: aws.String(userARN(ownerAccount, "retirer")),
		Operations:        []types.GrantOperation{types.GrantOperationEncrypt, types.GrantOperationDecrypt},
		Constraints:       &types.GrantConstraints{EncryptionContextSubset: map[string]string{"tenant": "a"}},
		Name:              aws.String("app-tenant-a"),
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(aws.ToString(g.GrantId)) != 64 || aws.ToString(g.GrantToken) == "" {
		t.Fatalf("CreateGrant: %+v", g)
	}
	blob := encrypt(t, app, *k.KeyId, "granted", tenantA)
	if got := decrypt(t, app, blob, tenantA); got != "granted" {
		t.Fatalf("decrypted %q", got)
	}
	events := srv.Audit(emulator.AuditFilter{Principal: userARN(ownerAccount, "app"), Action: "kms:Encrypt", Decision: "Allow"})
	if len(events) != 1 || events[0].Statement == nil || events[0].Statement.Policy != "grant "+*g.GrantId {
		t.Fatalf("the audit trail names the grant: %+v", events)
	}
	for _, ec := range []map[string]string{nil, {"tenant": "b"}, {"Tenant": "a"}} {
		_, err := app.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x"), EncryptionContext: ec})
		wantDenied(t, err, userARN(ownerAccount, "app"), "kms:Encrypt", *k.Arn, noIdentity+"kms:Encrypt action")
	}
	_, err = app.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: k.KeyId, KeySpec: types.DataKeySpecAes256, EncryptionContext: tenantA})
	wantDenied(t, err, userARN(ownerAccount, "app"), "kms:GenerateDataKey", *k.Arn, noIdentity+"kms:GenerateDataKey action")

	// The same name and parameters give back the same grant.
	again, err := root.CreateGrant(ctx, &kms.CreateGrantInput{
		KeyId: k.KeyId, GranteePrincipal: aws.String(userARN(ownerAccount, "app")),
		RetiringPrincipal: aws.String(userARN(ownerAccount, "retirer")),
		Operations:        []types.GrantOperation{types.GrantOperationDecrypt, types.GrantOperationEncrypt},
		Constraints:       &types.GrantConstraints{EncryptionContextSubset: map[string]string{"tenant": "a"}},
		Name:              aws.String("app-tenant-a"),
	})
	if err != nil || aws.ToString(again.GrantId) != *g.GrantId {
		t.Fatalf("repeated CreateGrant: %+v %v", again, err)
	}
	list, err := root.ListGrants(ctx, &kms.ListGrantsInput{KeyId: k.KeyId})
	if err != nil || len(list.Grants) != 1 {
		t.Fatalf("ListGrants: %+v %v", list, err)
	}
	e := list.Grants[0]
	if aws.ToString(e.KeyId) != *k.Arn || aws.ToString(e.GrantId) != *g.GrantId || aws.ToString(e.Name) != "app-tenant-a" ||
		aws.ToString(e.GranteePrincipal) != userARN(ownerAccount, "app") || aws.ToString(e.IssuingAccount) != "arn:aws:iam::000000000000:root" ||
		len(e.Operations) != 2 || e.Constraints == nil || e.Constraints.EncryptionContextSubset["tenant"] != "a" || e.CreationDate == nil {
		t.Fatalf("grant entry: %+v", e)
	}
	retirable, err := root.ListRetirableGrants(ctx, &kms.ListRetirableGrantsInput{RetiringPrincipal: aws.String(userARN(ownerAccount, "retirer"))})
	if err != nil || len(retirable.Grants) != 1 || aws.ToString(retirable.Grants[0].GrantId) != *g.GrantId {
		t.Fatalf("ListRetirableGrants: %+v %v", retirable, err)
	}

	// Someone else may not retire it; its retiring principal may.
	_, err = app.RetireGrant(ctx, &kms.RetireGrantInput{KeyId: k.Arn, GrantId: g.GrantId})
	wantDenied(t, err, userARN(ownerAccount, "app"), "kms:RetireGrant", *k.Arn, noIdentity+"kms:RetireGrant action")
	if _, err := retirer.RetireGrant(ctx, &kms.RetireGrantInput{GrantToken: g.GrantToken}); err != nil {
		t.Fatalf("RetireGrant by the retiring principal: %v", err)
	}
	_, err = app.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: blob, EncryptionContext: tenantA})
	wantDenied(t, err, userARN(ownerAccount, "app"), "kms:Decrypt", *k.Arn, noIdentity+"kms:Decrypt action")
	list, _ = root.ListGrants(ctx, &kms.ListGrantsInput{KeyId: k.KeyId})
	if len(list.Grants) != 0 {
		t.Fatalf("grants after retiring: %+v", list.Grants)
	}
}

func TestRevokeGrantAndEqualsConstraint(t *testing.T) {
	srv, root := setup(t)
	ctx := ctxT(t)
	app := kmsFor(srv, newUser(t, iamFor(srv, rootOf(ownerAccount)), "app", ""))
	k := newKey(t, root, "")
	g, err := root.CreateGrant(ctx, &kms.CreateGrantInput{
		KeyId: k.Arn, GranteePrincipal: aws.String(userARN(ownerAccount, "app")),
		Operations:  []types.GrantOperation{types.GrantOperationGenerateDataKey, types.GrantOperationRetireGrant, types.GrantOperationDescribeKey},
		Constraints: &types.GrantConstraints{EncryptionContextEquals: map[string]string{"a": "1"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: k.KeyId, KeySpec: types.DataKeySpecAes128, EncryptionContext: map[string]string{"a": "1"}}); err != nil {
		t.Fatalf("the exact context: %v", err)
	}
	// Constraints apply to operations that take a context only.
	if _, err := app.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId}); err != nil {
		t.Fatalf("DescribeKey by grant: %v", err)
	}
	_, err = app.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: k.KeyId, KeySpec: types.DataKeySpecAes128, EncryptionContext: map[string]string{"a": "1", "b": "2"}})
	wantError(t, err, "AccessDeniedException", "kms:GenerateDataKey")
	if _, err := root.RevokeGrant(ctx, &kms.RevokeGrantInput{KeyId: k.KeyId, GrantId: g.GrantId}); err != nil {
		t.Fatal(err)
	}
	_, err = app.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: k.KeyId, KeySpec: types.DataKeySpecAes128, EncryptionContext: map[string]string{"a": "1"}})
	wantError(t, err, "AccessDeniedException", "kms:GenerateDataKey")
	_, err = root.RevokeGrant(ctx, &kms.RevokeGrantInput{KeyId: k.KeyId, GrantId: g.GrantId})
	wantError(t, err, "NotFoundException", *g.GrantId)

	// A grantee whose grant includes RetireGrant may retire it itself.
	g2, err := root.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: k.KeyId, GranteePrincipal: aws.String(userARN(ownerAccount, "app")),
		Operations: []types.GrantOperation{types.GrantOperationEncrypt, types.GrantOperationRetireGrant}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.RetireGrant(ctx, &kms.RetireGrantInput{KeyId: k.Arn, GrantId: g2.GrantId}); err != nil {
		t.Fatalf("RetireGrant by a grantee with RetireGrant: %v", err)
	}
}

// A Deny statement beats a grant.
func TestDenyBeatsGrant(t *testing.T) {
	srv, root := setup(t)
	ctx := ctxT(t)
	app := kmsFor(srv, newUser(t, iamFor(srv, rootOf(ownerAccount)), "app", ""))
	doc := keyPolicy(rootStatement(ownerAccount),
		`{"Sid":"NoEncrypt","Effect":"Deny","Principal":{"AWS":"`+userARN(ownerAccount, "app")+`"},"Action":"kms:Encrypt","Resource":"*"}`)
	k := newKey(t, root, doc)
	if _, err := root.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: k.KeyId, GranteePrincipal: aws.String(userARN(ownerAccount, "app")),
		Operations: []types.GrantOperation{types.GrantOperationEncrypt}}); err != nil {
		t.Fatal(err)
	}
	_, err := app.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x")})
	wantError(t, err, "AccessDeniedException", "with an explicit deny in a resource-based policy")
}

// A grant to a principal of another account lets it use the key by ARN.
func TestCrossAccountGrant(t *testing.T) {
	srv, root := setup(t)
	ctx := ctxT(t)
	partner := kmsFor(srv, newUser(t, iamFor(srv, rootOf(otherAccount)), "partner", ""))
	k := newKey(t, root, "")
	_, err := partner.Encrypt(ctx, &kms.EncryptInput{KeyId: k.Arn, Plaintext: []byte("x")})
	wantError(t, err, "AccessDeniedException", "kms:Encrypt")
	if _, err := root.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: k.KeyId, GranteePrincipal: aws.String(userARN(otherAccount, "partner")),
		Operations: []types.GrantOperation{types.GrantOperationEncrypt}}); err != nil {
		t.Fatal(err)
	}
	encrypt(t, partner, *k.Arn, "granted across accounts", nil)
}

func TestGrantErrors(t *testing.T) {
	_, root := setup(t)
	ctx := ctxT(t)
	k := newKey(t, root, "")
	grantee := aws.String(userARN(ownerAccount, "app"))
	for _, tc := range []struct {
		in        kms.CreateGrantInput
		code, msg string
	}{
		{kms.CreateGrantInput{GranteePrincipal: grantee, Operations: []types.GrantOperation{"Fly"}}, "ValidationException",
			"Value 'Fly' at 'operations' failed to satisfy constraint: Member must satisfy enum value set: [Decrypt, Encrypt"},
		{kms.CreateGrantInput{GranteePrincipal: grantee, Operations: []types.GrantOperation{types.GrantOperationSign}}, "ValidationException", "[Sign] are not valid"},
		{kms.CreateGrantInput{GranteePrincipal: grantee, Operations: []types.GrantOperation{}}, "ValidationException", "at least one operation"},
		{kms.CreateGrantInput{GranteePrincipal: aws.String("bob"), Operations: []types.GrantOperation{types.GrantOperationEncrypt}}, "InvalidArnException", "bob"},
		{kms.CreateGrantInput{GranteePrincipal: aws.String("has space"), Operations: []types.GrantOperation{types.GrantOperationEncrypt}}, "ValidationException", "at 'granteePrincipal'"},
		{kms.CreateGrantInput{GranteePrincipal: grantee, Operations: []types.GrantOperation{types.GrantOperationEncrypt}, GrantTokens: []string{"bad"}}, "InvalidGrantTokenException", ""},
		{kms.CreateGrantInput{GranteePrincipal: grantee, Operations: []types.GrantOperation{types.GrantOperationEncrypt}, DryRun: aws.Bool(true)}, "DryRunOperationException", ""},
	} {
		in := tc.in
		in.KeyId = k.KeyId
		_, err := root.CreateGrant(ctx, &in)
		wantError(t, err, tc.code, tc.msg)
	}
	_, err := root.RevokeGrant(ctx, &kms.RevokeGrantInput{KeyId: k.KeyId, GrantId: aws.String("nope")})
	wantError(t, err, "InvalidGrantIdException", "")
	_, err = root.RetireGrant(ctx, &kms.RetireGrantInput{GrantToken: aws.String("not-a-token")})
	wantError(t, err, "InvalidGrantTokenException", "")
	_, err = root.RetireGrant(ctx, &kms.RetireGrantInput{KeyId: k.KeyId})
	wantError(t, err, "ValidationException", "GrantToken")
	_, err = root.RetireGrant(ctx, &kms.RetireGrantInput{KeyId: k.KeyId, GrantId: aws.String(strings.Repeat("a", 64))})
	wantError(t, err, "NotFoundException", "not found")
	// A service principal may be a grantee (SQS and SNS use grants).
	if _, err := root.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: k.KeyId, GranteePrincipal: aws.String("sns.amazonaws.com"),
		Operations: []types.GrantOperation{types.GrantOperationDecrypt}}); err != nil {
		t.Fatalf("a service principal grantee: %v", err)
	}
}
