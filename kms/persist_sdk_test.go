package kms_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/ferry-emulator/ferry/emulator"
	"github.com/ferry-emulator/ferry/persist"
)

// Keys come back after a restart over the same data directory with their
// key material (every version), aliases, policies, tags, grants, rotation
// history and state, so what was encrypted before decrypts after.
func TestKeysSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	run := func() *emulator.Server {
		store, err := persist.OpenBolt(dir)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := emulator.Run(emulator.Config{Listen: "127.0.0.1:0", Store: store})
		if err != nil {
			t.Fatal(err)
		}
		return srv
	}
	srv := run()
	ctx := ctxT(t)
	c := kmsFor(srv, rootOf(ownerAccount))
	app := newUser(t, iamFor(srv, rootOf(ownerAccount)), "app", "")
	k := newKey(t, c, keyPolicy(rootStatement(ownerAccount), principalStatement("Auditor", userARN(ownerAccount, "auditor"), "kms:DescribeKey")))
	if _, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/durable"), TargetKeyId: k.KeyId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.TagResource(ctx, &kms.TagResourceInput{KeyId: k.KeyId, Tags: kmsTags("env", "dev")}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UpdateKeyDescription(ctx, &kms.UpdateKeyDescriptionInput{KeyId: k.KeyId, Description: aws.String("kept")}); err != nil {
		t.Fatal(err)
	}
	old := encrypt(t, c, "alias/durable", "before rotation", map[string]string{"k": "v"})
	if _, err := c.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: k.KeyId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: k.KeyId, RotationPeriodInDays: aws.Int32(180)}); err != nil {
		t.Fatal(err)
	}
	newer := encrypt(t, c, "alias/durable", "after rotation", nil)
	g, err := c.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: k.KeyId, GranteePrincipal: aws.String(userARN(ownerAccount, "app")),
		Operations: []types.GrantOperation{types.GrantOperationDecrypt}, Name: aws.String("app")})
	if err != nil {
		t.Fatal(err)
	}
	doomed := newKey(t, c, "")
	if _, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: doomed.KeyId, PendingWindowInDays: aws.Int32(7)}); err != nil {
		t.Fatal(err)
	}
	managed, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/aws/sns")})
	if err != nil {
		t.Fatal(err)
	}
	retired, err := c.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: k.KeyId, GranteePrincipal: aws.String(userARN(ownerAccount, "app")),
		Operations: []types.GrantOperation{types.GrantOperationEncrypt}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.RevokeGrant(ctx, &kms.RevokeGrantInput{KeyId: k.KeyId, GrantId: retired.GrantId}); err != nil {
		t.Fatal(err)
	}
	srv.Close()

	srv = run()
	defer srv.Close()
	c = kmsFor(srv, rootOf(ownerAccount))
	if got := decrypt(t, c, old, map[string]string{"k": "v"}); got != "before rotation" {
		t.Fatalf("decrypted %q", got)
	}
	if got := decrypt(t, kmsFor(srv, app), newer, nil); got != "after rotation" {
		t.Fatalf("the grantee decrypted %q", got)
	}
	d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/durable")})
	if err != nil || aws.ToString(d.KeyMetadata.KeyId) != *k.KeyId || aws.ToString(d.KeyMetadata.Description) != "kept" {
		t.Fatalf("the alias after restart: %+v %v", d, err)
	}
	p, _ := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: k.KeyId})
	if aws.ToString(p.Policy) != keyPolicy(rootStatement(ownerAccount), principalStatement("Auditor", userARN(ownerAccount, "auditor"), "kms:DescribeKey")) {
		t.Fatalf("policy after restart: %s", aws.ToString(p.Policy))
	}
	tags, _ := c.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: k.KeyId})
	if len(tags.Tags) != 1 {
		t.Fatalf("tags after restart: %+v", tags.Tags)
	}
	grants, _ := c.ListGrants(ctx, &kms.ListGrantsInput{KeyId: k.KeyId})
	if len(grants.Grants) != 1 || aws.ToString(grants.Grants[0].GrantId) != *g.GrantId {
		t.Fatalf("grants after restart: %+v", grants.Grants)
	}
	st, _ := c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: k.KeyId})
	rots, _ := c.ListKeyRotations(ctx, &kms.ListKeyRotationsInput{KeyId: k.KeyId})
	if !st.KeyRotationEnabled || aws.ToInt32(st.RotationPeriodInDays) != 180 || len(rots.Rotations) != 1 {
		t.Fatalf("rotation after restart: %+v %+v", st, rots.Rotations)
	}
	dd, _ := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: doomed.KeyId})
	if dd.KeyMetadata.KeyState != types.KeyStatePendingDeletion || aws.ToInt32(dd.KeyMetadata.PendingDeletionWindowInDays) != 7 {
		t.Fatalf("pending deletion after restart: %+v", dd.KeyMetadata)
	}
	m, _ := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/aws/sns")})
	if aws.ToString(m.KeyMetadata.KeyId) != *managed.KeyMetadata.KeyId || m.KeyMetadata.KeyManager != types.KeyManagerTypeAws {
		t.Fatalf("the AWS managed key changed across a restart: %+v", m.KeyMetadata)
	}
}
