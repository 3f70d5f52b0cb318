package kms_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

func TestAliasLifecycle(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	a, b := newKey(t, c, ""), newKey(t, c, "")
	if _, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/app/Orders_1"), TargetKeyId: a.Arn}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/app/Orders_1"), TargetKeyId: b.KeyId})
	wantError(t, err, "AlreadyExistsException", "An alias with the name arn:aws:kms:us-east-1:000000000000:alias/app/Orders_1 already exists")
	// Aliases are case-sensitive: another case is another alias.
	if _, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/app/orders_1"), TargetKeyId: b.KeyId}); err != nil {
		t.Fatal(err)
	}
	blob := encrypt(t, c, "alias/app/Orders_1", "via alias", nil)
	if _, err := c.UpdateAlias(ctx, &kms.UpdateAliasInput{AliasName: aws.String("alias/app/Orders_1"), TargetKeyId: b.KeyId}); err != nil {
		t.Fatal(err)
	}
	d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/app/Orders_1")})
	if err != nil || aws.ToString(d.KeyMetadata.KeyId) != *b.KeyId {
		t.Fatalf("after UpdateAlias the alias names %v (%v)", d, err)
	}
	// What the alias encrypted before still decrypts: the blob names its key.
	if got := decrypt(t, c, blob, nil); got != "via alias" {
		t.Fatalf("decrypted %q", got)
	}
	list, err := c.ListAliases(ctx, &kms.ListAliasesInput{KeyId: b.KeyId})
	if err != nil || len(list.Aliases) != 2 {
		t.Fatalf("aliases of b: %+v %v", list, err)
	}
	for _, e := range list.Aliases {
		if aws.ToString(e.TargetKeyId) != *b.KeyId || aws.ToString(e.AliasArn) != "arn:aws:kms:us-east-1:000000000000:"+aws.ToString(e.AliasName) ||
			e.CreationDate == nil || e.LastUpdatedDate == nil {
			t.Fatalf("entry %+v", e)
		}
	}
	if _, err := c.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: aws.String("alias/app/Orders_1")}); err != nil {
		t.Fatal(err)
	}
	_, err = c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/app/Orders_1")})
	wantError(t, err, "NotFoundException", "is not found.")
	_, err = c.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: aws.String("alias/app/Orders_1")})
	wantError(t, err, "NotFoundException", "Alias 'arn:aws:kms:us-east-1:000000000000:alias/app/Orders_1' is not found.")
	_, err = c.UpdateAlias(ctx, &kms.UpdateAliasInput{AliasName: aws.String("alias/app/Orders_1"), TargetKeyId: a.KeyId})
	wantError(t, err, "NotFoundException", "is not found.")
}

func TestAliasNameRules(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	k := newKey(t, c, "")
	for _, tc := range []struct{ name, code, msg string }{
		{"orders", "InvalidAliasNameException", `Alias must start with the prefix "alias/".`},
		{"alias/", "InvalidAliasNameException", `Alias must start with the prefix "alias/".`},
		{"alias/aws/sqs", "InvalidAliasNameException", "reserved for AWS managed keys"},
		{"alias/aws/mine", "InvalidAliasNameException", "reserved for AWS managed keys"},
		{"alias/has space", "ValidationException", "Value 'alias/has space' at 'aliasName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$"},
		{"alias/" + strings.Repeat("a", 251), "ValidationException", "Member must have length less than or equal to 256"},
	} {
		_, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(tc.name), TargetKeyId: k.KeyId})
		wantError(t, err, tc.code, tc.msg)
	}
	if _, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/" + strings.Repeat("a", 250)), TargetKeyId: k.KeyId}); err != nil {
		t.Fatalf("a 256-character alias: %v", err)
	}
	// The target must be a key (not an alias) of the caller's.
	if _, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/one"), TargetKeyId: k.KeyId}); err != nil {
		t.Fatal(err)
	}
	_, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/two"), TargetKeyId: aws.String("alias/one")})
	wantError(t, err, "NotFoundException", "Invalid keyId 'alias/one'")
	_, err = c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/two"), TargetKeyId: aws.String("arn:aws:kms:us-east-1:111111111111:key/" + *k.KeyId)})
	wantError(t, err, "NotFoundException", "does not exist")
	_, err = c.DeleteAlias(ctx, &kms.DeleteAliasInput{AliasName: aws.String("alias/aws/sqs")})
	wantError(t, err, "InvalidAliasNameException", "reserved")
}

// ListAliases shows the AWS managed keys' aliases before the keys exist,
// without a key, as AWS does; referring to one creates its key.
func TestListAliasesShowsAWSManagedAliases(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	k := newKey(t, c, "")
	if _, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/mine"), TargetKeyId: k.KeyId}); err != nil {
		t.Fatal(err)
	}
	names := func() map[string]types.AliasListEntry {
		out, err := c.ListAliases(ctx, &kms.ListAliasesInput{})
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]types.AliasListEntry{}
		for _, e := range out.Aliases {
			m[*e.AliasName] = e
		}
		return m
	}
	got := names()
	if len(got) != 3 || got["alias/aws/sqs"].TargetKeyId != nil || got["alias/aws/sns"].TargetKeyId != nil || got["alias/mine"].TargetKeyId == nil {
		t.Fatalf("aliases: %+v", got)
	}
	d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/aws/sqs")})
	if err != nil {
		t.Fatal(err)
	}
	got = names()
	if aws.ToString(got["alias/aws/sqs"].TargetKeyId) != *d.KeyMetadata.KeyId {
		t.Fatalf("after DescribeKey: %+v", got["alias/aws/sqs"])
	}
	out, err := c.ListAliases(ctx, &kms.ListAliasesInput{Limit: aws.Int32(1)})
	if err != nil || len(out.Aliases) != 1 || !out.Truncated || out.NextMarker == nil {
		t.Fatalf("first page: %+v %v", out, err)
	}
	rest, err := c.ListAliases(ctx, &kms.ListAliasesInput{Marker: out.NextMarker})
	if err != nil || len(rest.Aliases) != 2 || rest.Truncated {
		t.Fatalf("second page: %+v %v", rest, err)
	}
}

// A key scheduled for deletion cannot get an alias; its aliases go with it.
func TestAliasesOfKeyPendingDeletion(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	k, other := newKey(t, c, ""), newKey(t, c, "")
	if _, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/x"), TargetKeyId: other.KeyId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: k.KeyId}); err != nil {
		t.Fatal(err)
	}
	_, err := c.UpdateAlias(ctx, &kms.UpdateAliasInput{AliasName: aws.String("alias/x"), TargetKeyId: k.KeyId})
	wantError(t, err, "KMSInvalidStateException", *k.Arn+" is pending deletion.")
}

// The management operations take a key id or key ARN only: an alias there
// is not found, as AWS answers it, while the cryptographic operations take
// one.
func TestManagementOperationsRefuseAliases(t *testing.T) {
	_, c := setup(t)
	k := newKey(t, c, "")
	if _, err := c.CreateAlias(ctxT(t), &kms.CreateAliasInput{AliasName: aws.String("alias/mgmt"), TargetKeyId: k.KeyId}); err != nil {
		t.Fatal(err)
	}
	for _, id := range []string{"alias/mgmt", "arn:aws:kms:us-east-1:000000000000:alias/mgmt"} {
		_, err := c.PutKeyPolicy(ctxT(t), &kms.PutKeyPolicyInput{KeyId: aws.String(id), PolicyName: aws.String("default"),
			Policy: aws.String(keyPolicy(rootStatement("000000000000")))})
		wantError(t, err, "NotFoundException", "Invalid keyId "+id)
		_, err = c.DisableKey(ctxT(t), &kms.DisableKeyInput{KeyId: aws.String(id)})
		wantError(t, err, "NotFoundException", "Invalid keyId "+id)
		_, err = c.GetKeyPolicy(ctxT(t), &kms.GetKeyPolicyInput{KeyId: aws.String(id), PolicyName: aws.String("default")})
		wantError(t, err, "NotFoundException", "Invalid keyId "+id)
	}
	encrypt(t, c, "alias/mgmt", "still fine", nil)
}
