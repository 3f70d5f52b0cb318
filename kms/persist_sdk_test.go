package kms_test

import (
	"bytes"
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

// Asymmetric and HMAC keys come back after a restart with their key
// material: a signature made before verifies after, with the same public
// key, and so does a MAC.
func TestAsymmetricKeysSurviveARestart(t *testing.T) {
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
	signer := newSpecKey(t, c, types.KeySpecRsa2048, types.KeyUsageTypeSignVerify)
	ecc := newSpecKey(t, c, types.KeySpecEccNistP384, types.KeyUsageTypeSignVerify)
	mac := newSpecKey(t, c, types.KeySpecHmac384, types.KeyUsageTypeGenerateVerifyMac)
	msg := []byte("signed before the restart")
	rsaSig, err := c.Sign(ctx, &kms.SignInput{KeyId: signer.KeyId, Message: msg, SigningAlgorithm: types.SigningAlgorithmSpecRsassaPssSha384})
	if err != nil {
		t.Fatal(err)
	}
	eccSig, err := c.Sign(ctx, &kms.SignInput{KeyId: ecc.KeyId, Message: msg, SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha384})
	if err != nil {
		t.Fatal(err)
	}
	_, before := publicKey(t, c, *signer.KeyId)
	tag, err := c.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: mac.KeyId, Message: msg, MacAlgorithm: types.MacAlgorithmSpecHmacSha384})
	if err != nil {
		t.Fatal(err)
	}
	srv.Close()

	srv = run()
	defer srv.Close()
	c = kmsFor(srv, rootOf(ownerAccount))
	if _, err := c.Verify(ctx, &kms.VerifyInput{KeyId: signer.KeyId, Message: msg, Signature: rsaSig.Signature,
		SigningAlgorithm: types.SigningAlgorithmSpecRsassaPssSha384}); err != nil {
		t.Fatalf("the RSA signature after a restart: %v", err)
	}
	if _, err := c.Verify(ctx, &kms.VerifyInput{KeyId: ecc.KeyId, Message: msg, Signature: eccSig.Signature,
		SigningAlgorithm: types.SigningAlgorithmSpecEcdsaSha384}); err != nil {
		t.Fatalf("the ECDSA signature after a restart: %v", err)
	}
	if _, after := publicKey(t, c, *signer.KeyId); !bytes.Equal(after.PublicKey, before.PublicKey) {
		t.Fatal("the public key changed across a restart")
	}
	if _, err := c.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: mac.KeyId, Message: msg, Mac: tag.Mac,
		MacAlgorithm: types.MacAlgorithmSpecHmacSha384}); err != nil {
		t.Fatalf("the MAC after a restart: %v", err)
	}
	d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: ecc.KeyId})
	if err != nil || d.KeyMetadata.KeySpec != types.KeySpecEccNistP384 || d.KeyMetadata.KeyUsage != types.KeyUsageTypeSignVerify {
		t.Fatalf("DescribeKey after a restart: %+v %v", d, err)
	}
}
