package kms_test

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

func TestCreateAndDescribeKey(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	before := time.Now().Add(-time.Second)
	out, err := c.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("orders"),
		Tags: []types.Tag{{TagKey: aws.String("team"), TagValue: aws.String("blue")}}})
	if err != nil {
		t.Fatal(err)
	}
	m := out.KeyMetadata
	id := aws.ToString(m.KeyId)
	if len(id) != 36 || aws.ToString(m.Arn) != "arn:aws:kms:us-east-1:000000000000:key/"+id {
		t.Fatalf("id %q, ARN %q", id, aws.ToString(m.Arn))
	}
	if aws.ToString(m.AWSAccountId) != ownerAccount || !m.Enabled || m.KeyState != types.KeyStateEnabled ||
		m.KeyUsage != types.KeyUsageTypeEncryptDecrypt || m.KeySpec != types.KeySpecSymmetricDefault ||
		m.Origin != types.OriginTypeAwsKms || m.KeyManager != types.KeyManagerTypeCustomer || m.MultiRegion == nil || *m.MultiRegion ||
		aws.ToString(m.Description) != "orders" || len(m.EncryptionAlgorithms) != 1 || m.EncryptionAlgorithms[0] != types.EncryptionAlgorithmSpecSymmetricDefault {
		t.Fatalf("metadata: %+v", m)
	}
	if m.CreationDate == nil || m.CreationDate.Before(before) || m.CreationDate.After(time.Now().Add(time.Second)) {
		t.Fatalf("CreationDate %v", m.CreationDate)
	}
	// Every form of KeyId names the key.
	if _, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/orders"), TargetKeyId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	for _, ref := range []string{id, *m.Arn, "alias/orders", "arn:aws:kms:us-east-1:000000000000:alias/orders"} {
		d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(ref)})
		if err != nil || aws.ToString(d.KeyMetadata.KeyId) != id {
			t.Fatalf("DescribeKey %s: %v %v", ref, d, err)
		}
	}
	tags, err := c.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: aws.String(id)})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].TagValue) != "blue" {
		t.Fatalf("tags: %v %v", tags, err)
	}
}

func TestKeyIDErrors(t *testing.T) {
	srv, c := setup(t)
	ctx := ctxT(t)
	missing := "11111111-2222-4333-8444-555555555555"
	_, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(missing)})
	wantError(t, err, "NotFoundException", "Key 'arn:aws:kms:us-east-1:000000000000:key/"+missing+"' does not exist")
	_, err = c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/none")})
	wantError(t, err, "NotFoundException", "Alias 'arn:aws:kms:us-east-1:000000000000:alias/none' is not found.")
	_, err = c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("not-a-key")})
	wantError(t, err, "NotFoundException", "Invalid keyId 'not-a-key'")
	_, err = c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("")})
	wantError(t, err, "ValidationException", "1 validation error detected: Value '' at 'keyId' failed to satisfy constraint: Member must have length greater than or equal to 1")
	_, err = c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(strings.Repeat("a", 2049))})
	wantError(t, err, "ValidationException", "Member must have length less than or equal to 2048")
	// Another account's key is found only by ARN: a bare id is looked up
	// in the caller's own account.
	k := newKey(t, c, "")
	_, err = kmsFor(srv, rootOf(otherAccount)).DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
	wantError(t, err, "NotFoundException", "arn:aws:kms:us-east-1:111111111111:key/"+*k.KeyId)

	// ARNs that do not name a KMS key of this endpoint. KMS answers a KeyId
	// that is no key id, key ARN, alias name or alias ARN with "Invalid
	// keyId", and the ARN of a key in another region with "Invalid arn
	// <region>": a key is reached only through its own region's endpoint.
	// (AWS's recorded answers, also as S3 and DynamoDB relay them:
	// KMS.NotFoundException "Invalid keyId 'fake-key-id'" and "Invalid arn
	// us-west-2". An alias ARN of another region gets the same answer as a
	// key ARN here; no recording of that case was found.)
	for _, tc := range []struct{ keyID, msg string }{
		{"arn:aws:kms:us-east-1:000000000000:key/not-a-uuid", "Invalid keyId 'arn:aws:kms:us-east-1:000000000000:key/not-a-uuid'"},
		{"arn:aws:sqs:us-east-1:000000000000:q", "Invalid keyId 'arn:aws:sqs:us-east-1:000000000000:q'"},
		{"arn:aws:kms:us-east-1:000000000000:" + *k.KeyId, "Invalid keyId 'arn:aws:kms:us-east-1:000000000000:" + *k.KeyId + "'"},
		{"arn:aws:kms:us-east-1:0000:key/" + *k.KeyId, "Invalid keyId 'arn:aws:kms:us-east-1:0000:key/" + *k.KeyId + "'"},
		{"arn:aws:kms::000000000000:key/" + *k.KeyId, "Invalid keyId 'arn:aws:kms::000000000000:key/" + *k.KeyId + "'"},
		{"arn:aws:kms:us-east-1", "Invalid keyId 'arn:aws:kms:us-east-1'"},
		{"arn:" + *k.KeyId, "Invalid keyId 'arn:" + *k.KeyId + "'"},
		// Every key of ferry's is in the aws partition.
		{"arn:aws-cn:kms:us-east-1:000000000000:key/" + *k.KeyId, "Invalid keyId 'arn:aws-cn:kms:us-east-1:000000000000:key/" + *k.KeyId + "'"},
		{"arn:aws-us-gov:kms:us-east-1:000000000000:alias/none", "Invalid keyId 'arn:aws-us-gov:kms:us-east-1:000000000000:alias/none'"},
		{"arn:aws:kms:us-west-2:000000000000:key/" + *k.KeyId, "Invalid arn us-west-2"},
		{"arn:aws:kms:eu-west-1:000000000000:alias/orders", "Invalid arn eu-west-1"},
	} {
		_, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(tc.keyID)})
		if errorCode(err) != "NotFoundException" || errorMessage(err) != tc.msg {
			t.Errorf("DescribeKey %s: %v, want NotFoundException %q", tc.keyID, err, tc.msg)
		}
		_, err = c.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String(tc.keyID), Plaintext: []byte("x")})
		if errorCode(err) != "NotFoundException" || errorMessage(err) != tc.msg {
			t.Errorf("Encrypt %s: %v, want NotFoundException %q", tc.keyID, err, tc.msg)
		}
	}
}

func TestCreateKeyRefusesWhatFerryDoesNotModel(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	for _, tc := range []struct {
		in   *kms.CreateKeyInput
		code string
		msg  string
	}{
		{&kms.CreateKeyInput{KeySpec: types.KeySpecEccSecgP256k1, KeyUsage: types.KeyUsageTypeSignVerify}, "UnsupportedOperationException", "ECC_SECG_P256K1"},
		{&kms.CreateKeyInput{KeySpec: types.KeySpecEccNistP256, KeyUsage: types.KeyUsageTypeKeyAgreement}, "UnsupportedOperationException", "KEY_AGREEMENT"},
		{&kms.CreateKeyInput{Origin: types.OriginTypeExternal}, "UnsupportedOperationException", "EXTERNAL"},
		{&kms.CreateKeyInput{MultiRegion: aws.Bool(true)}, "UnsupportedOperationException", "multi-Region"},
		{&kms.CreateKeyInput{KeySpec: "AES_999"}, "ValidationException", "Value 'AES_999' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [RSA_2048"},
		//lint:ignore SA1019 the deprecated member is what is being tested
		{&kms.CreateKeyInput{KeySpec: types.KeySpecSymmetricDefault, CustomerMasterKeySpec: types.CustomerMasterKeySpecSymmetricDefault}, "ValidationException", "CustomerMasterKeySpec is deprecated"},
		{&kms.CreateKeyInput{Description: aws.String(strings.Repeat("d", 8193))}, "ValidationException", "at 'description' failed to satisfy constraint: Member must have length less than or equal to 8192"},
		{&kms.CreateKeyInput{Policy: aws.String(`{"Statement":`)}, "MalformedPolicyDocumentException", "Syntax errors in policy."},
		{&kms.CreateKeyInput{Tags: []types.Tag{{TagKey: aws.String("aws:x"), TagValue: aws.String("v")}}}, "TagException", "aws:"},
	} {
		_, err := c.CreateKey(ctx, tc.in)
		wantError(t, err, tc.code, tc.msg)
	}
}

func TestListKeysPages(t *testing.T) {
	srv, c := setup(t)
	ctx := ctxT(t)
	want := map[string]bool{}
	for range 5 {
		want[*newKey(t, c, "").KeyId] = true
	}
	newKey(t, kmsFor(srv, rootOf(otherAccount)), "") // not listed: another account
	got := map[string]bool{}
	marker := ""
	pages := 0
	for {
		in := &kms.ListKeysInput{Limit: aws.Int32(2)}
		if marker != "" {
			in.Marker = aws.String(marker)
		}
		out, err := c.ListKeys(ctx, in)
		if err != nil {
			t.Fatal(err)
		}
		pages++
		for _, k := range out.Keys {
			if aws.ToString(k.KeyArn) != "arn:aws:kms:us-east-1:000000000000:key/"+aws.ToString(k.KeyId) {
				t.Fatalf("entry %+v", k)
			}
			got[*k.KeyId] = true
		}
		if !out.Truncated {
			break
		}
		marker = aws.ToString(out.NextMarker)
	}
	if pages != 3 || len(got) != 5 {
		t.Fatalf("%d pages, keys %v, want 3 pages of %v", pages, got, want)
	}
	for id := range want {
		if !got[id] {
			t.Fatalf("key %s not listed", id)
		}
	}
	_, err := c.ListKeys(ctx, &kms.ListKeysInput{Marker: aws.String("%%%")})
	wantError(t, err, "InvalidMarkerException", "")
	_, err = c.ListKeys(ctx, &kms.ListKeysInput{Limit: aws.Int32(0)})
	wantError(t, err, "ValidationException", "Value '0' at 'limit' failed to satisfy constraint: Member must have value greater than or equal to 1")
}

func TestEnableDisableAndDescription(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	k := newKey(t, c, "")
	blob := encrypt(t, c, *k.KeyId, "secret", nil)
	if _, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: k.KeyId}); err != nil {
		t.Fatal(err)
	}
	d, _ := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
	if d.KeyMetadata.Enabled || d.KeyMetadata.KeyState != types.KeyStateDisabled {
		t.Fatalf("after DisableKey: %+v", d.KeyMetadata)
	}
	_, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: blob})
	wantError(t, err, "DisabledException", *k.Arn+" is disabled.")
	if _, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: k.KeyId}); err != nil {
		t.Fatalf("disabling a disabled key: %v", err)
	}
	if _, err := c.EnableKey(ctx, &kms.EnableKeyInput{KeyId: k.KeyId}); err != nil {
		t.Fatal(err)
	}
	if got := decrypt(t, c, blob, nil); got != "secret" {
		t.Fatalf("decrypted %q after EnableKey", got)
	}
	if _, err := c.UpdateKeyDescription(ctx, &kms.UpdateKeyDescriptionInput{KeyId: k.KeyId, Description: aws.String("new")}); err != nil {
		t.Fatal(err)
	}
	d, _ = c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
	if aws.ToString(d.KeyMetadata.Description) != "new" {
		t.Fatalf("description %q", aws.ToString(d.KeyMetadata.Description))
	}
}

func TestScheduleAndCancelKeyDeletion(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	k := newKey(t, c, "")
	_, err := c.CancelKeyDeletion(ctx, &kms.CancelKeyDeletionInput{KeyId: k.KeyId})
	wantError(t, err, "KMSInvalidStateException", *k.Arn+" is not pending deletion.")
	for _, days := range []int32{6, 31} {
		_, err = c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: k.KeyId, PendingWindowInDays: aws.Int32(days)})
		wantError(t, err, "ValidationException", "at 'pendingWindowInDays' failed to satisfy constraint")
	}
	out, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: k.KeyId})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.KeyId) != *k.Arn || out.KeyState != types.KeyStatePendingDeletion || aws.ToInt32(out.PendingWindowInDays) != 30 ||
		out.DeletionDate == nil || time.Until(*out.DeletionDate) < 29*24*time.Hour {
		t.Fatalf("ScheduleKeyDeletion: %+v", out)
	}
	d, _ := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
	if d.KeyMetadata.KeyState != types.KeyStatePendingDeletion || aws.ToInt32(d.KeyMetadata.PendingDeletionWindowInDays) != 30 || d.KeyMetadata.DeletionDate == nil {
		t.Fatalf("described: %+v", d.KeyMetadata)
	}
	_, err = c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: k.KeyId})
	wantError(t, err, "KMSInvalidStateException", *k.Arn+" is pending deletion.")
	cancel, err := c.CancelKeyDeletion(ctx, &kms.CancelKeyDeletionInput{KeyId: k.KeyId})
	if err != nil || aws.ToString(cancel.KeyId) != *k.Arn {
		t.Fatalf("CancelKeyDeletion: %v %v", cancel, err)
	}
	d, _ = c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
	if d.KeyMetadata.KeyState != types.KeyStateDisabled || d.KeyMetadata.DeletionDate != nil {
		t.Fatalf("after cancelling, a key is disabled: %+v", d.KeyMetadata)
	}
}
