package kms_test

import (
	"bytes"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

func TestEncryptDecryptRoundTrip(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	k := newKey(t, c, "")
	ec := map[string]string{"aws:sqs:arn": "arn:aws:sqs:us-east-1:000000000000:orders", "purpose": "test"}
	out, err := c.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("hello"), EncryptionContext: ec})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.KeyId) != *k.Arn || out.EncryptionAlgorithm != types.EncryptionAlgorithmSpecSymmetricDefault {
		t.Fatalf("Encrypt: %+v", out)
	}
	if bytes.Contains(out.CiphertextBlob, []byte("hello")) {
		t.Fatal("the ciphertext holds the plaintext")
	}
	again := encrypt(t, c, *k.KeyId, "hello", ec)
	if bytes.Equal(again, out.CiphertextBlob) {
		t.Fatal("two encryptions of one plaintext are the same blob: the nonce is not random")
	}
	// Decrypt needs no KeyId; given, it may be any form naming the key.
	d, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: out.CiphertextBlob, EncryptionContext: ec})
	if err != nil || string(d.Plaintext) != "hello" || aws.ToString(d.KeyId) != *k.Arn ||
		d.EncryptionAlgorithm != types.EncryptionAlgorithmSpecSymmetricDefault {
		t.Fatalf("Decrypt: %+v %v", d, err)
	}
	for _, ref := range []string{*k.KeyId, *k.Arn} {
		if _, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: out.CiphertextBlob, EncryptionContext: ec, KeyId: aws.String(ref)}); err != nil {
			t.Fatalf("Decrypt with KeyId %s: %v", ref, err)
		}
	}
	other := newKey(t, c, "")
	_, err = c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: out.CiphertextBlob, EncryptionContext: ec, KeyId: other.KeyId})
	wantError(t, err, "IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.")
}

// The encryption context is bound exactly: the same pairs in any order
// decrypt; anything else, however close, is InvalidCiphertextException.
func TestEncryptionContextMustMatchExactly(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	k := newKey(t, c, "")
	ec := map[string]string{"ab": "c", "x": "y"}
	blob := encrypt(t, c, *k.KeyId, "bound", ec)
	if got := decrypt(t, c, blob, map[string]string{"x": "y", "ab": "c"}); got != "bound" {
		t.Fatalf("decrypted %q", got)
	}
	for _, wrong := range []map[string]string{
		nil,
		{"ab": "c"},
		{"a": "bc", "x": "y"}, // the same concatenation, split differently
		{"AB": "c", "x": "y"}, // keys are case-sensitive
		{"ab": "C", "x": "y"}, // and so are values
		{"ab": "c", "x": "y", "z": ""},
		{"ab": "c", "xy": ""},
	} {
		_, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: blob, EncryptionContext: wrong})
		if errorCode(err) != "InvalidCiphertextException" || errorMessage(err) != "" {
			t.Fatalf("context %v: %v, want InvalidCiphertextException with no message", wrong, err)
		}
	}
	plain := encrypt(t, c, *k.KeyId, "unbound", nil)
	_, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: plain, EncryptionContext: map[string]string{"a": "b"}})
	wantError(t, err, "InvalidCiphertextException", "")
}

func TestDecryptRefusesBadCiphertext(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	k := newKey(t, c, "")
	blob := encrypt(t, c, *k.KeyId, "payload", nil)
	for name, bad := range map[string][]byte{
		"garbage":          []byte("not a ciphertext at all, just some bytes of text"),
		"truncated":        blob[:len(blob)-1],
		"tag flipped":      flip(blob, len(blob)-1),
		"ciphertext flip":  flip(blob, len(blob)-17),
		"nonce flipped":    flip(blob, len(blob)-30),
		"material version": flip(blob, 2+len(*k.Arn)+3),
		"version byte":     flip(blob, 0),
	} {
		_, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: bad})
		if errorCode(err) != "InvalidCiphertextException" {
			t.Errorf("%s: %v, want InvalidCiphertextException", name, err)
		}
	}
	// A well-formed blob of a key that does not exist gets KMS's
	// access-denied answer.
	gone := bytes.Replace(blob, []byte(*k.KeyId), []byte("00000000-0000-4000-8000-000000000000"), 1)
	_, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: gone})
	wantError(t, err, "AccessDeniedException", "The ciphertext refers to a customer master key that does not exist")
	_, err = c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: make([]byte, 6145)})
	wantError(t, err, "ValidationException", "at 'ciphertextBlob' failed to satisfy constraint: Member must have length less than or equal to 6144")
}

func flip(b []byte, i int) []byte {
	out := bytes.Clone(b)
	out[i] ^= 0x01
	return out
}

func TestEncryptLimits(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	k := newKey(t, c, "")
	if _, err := c.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: make([]byte, 4096)}); err != nil {
		t.Fatalf("4096 bytes: %v", err)
	}
	_, err := c.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: make([]byte, 4097)})
	wantError(t, err, "ValidationException",
		"1 validation error detected: Value 'java.nio.HeapByteBuffer[pos=0 lim=4097 cap=4097]' at 'plaintext' failed to satisfy constraint: Member must have length less than or equal to 4096")
	_, err = c.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x"), EncryptionAlgorithm: types.EncryptionAlgorithmSpecRsaesOaepSha256})
	wantError(t, err, "InvalidKeyUsageException", "RSAES_OAEP_SHA_256")
	_, err = c.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x"), GrantTokens: []string{"not a token"}})
	wantError(t, err, "InvalidGrantTokenException", "")
	_, err = c.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x"), DryRun: aws.Bool(true)})
	wantError(t, err, "DryRunOperationException", "would have succeeded")
}

func TestReEncrypt(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	src, dst := newKey(t, c, ""), newKey(t, c, "")
	blob := encrypt(t, c, *src.KeyId, "moving", map[string]string{"from": "a"})
	out, err := c.ReEncrypt(ctx, &kms.ReEncryptInput{CiphertextBlob: blob, DestinationKeyId: dst.KeyId,
		SourceEncryptionContext: map[string]string{"from": "a"}, DestinationEncryptionContext: map[string]string{"to": "b"}})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(out.SourceKeyId) != *src.Arn || aws.ToString(out.KeyId) != *dst.Arn ||
		out.SourceEncryptionAlgorithm != types.EncryptionAlgorithmSpecSymmetricDefault {
		t.Fatalf("ReEncrypt: %+v", out)
	}
	d, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: out.CiphertextBlob, EncryptionContext: map[string]string{"to": "b"}})
	if err != nil || string(d.Plaintext) != "moving" || aws.ToString(d.KeyId) != *dst.Arn {
		t.Fatalf("decrypting the re-encrypted blob: %+v %v", d, err)
	}
	_, err = c.ReEncrypt(ctx, &kms.ReEncryptInput{CiphertextBlob: blob, DestinationKeyId: dst.KeyId})
	wantError(t, err, "InvalidCiphertextException", "")
	_, err = c.ReEncrypt(ctx, &kms.ReEncryptInput{CiphertextBlob: blob, DestinationKeyId: dst.KeyId, SourceKeyId: dst.KeyId,
		SourceEncryptionContext: map[string]string{"from": "a"}})
	wantError(t, err, "IncorrectKeyException", "")
	_, err = c.ReEncrypt(ctx, &kms.ReEncryptInput{CiphertextBlob: blob, DestinationKeyId: aws.String("alias/nowhere"),
		SourceEncryptionContext: map[string]string{"from": "a"}})
	wantError(t, err, "NotFoundException", "alias/nowhere")
	if _, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: dst.KeyId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.ReEncrypt(ctx, &kms.ReEncryptInput{CiphertextBlob: blob, DestinationKeyId: dst.KeyId,
		SourceEncryptionContext: map[string]string{"from": "a"}})
	wantError(t, err, "DisabledException", *dst.Arn+" is disabled.")
}

func TestGenerateDataKey(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	k := newKey(t, c, "")
	ec := map[string]string{"aws:sns:topicArn": "arn:aws:sns:us-east-1:000000000000:t"}
	for _, tc := range []struct {
		in   kms.GenerateDataKeyInput
		size int
	}{
		{kms.GenerateDataKeyInput{KeySpec: types.DataKeySpecAes256}, 32},
		{kms.GenerateDataKeyInput{KeySpec: types.DataKeySpecAes128}, 16},
		{kms.GenerateDataKeyInput{NumberOfBytes: aws.Int32(1)}, 1},
		{kms.GenerateDataKeyInput{NumberOfBytes: aws.Int32(1024)}, 1024},
	} {
		in := tc.in
		in.KeyId, in.EncryptionContext = aws.String("alias/dk"), ec
		if tc.size == 32 {
			in.KeyId = k.KeyId
			if _, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/dk"), TargetKeyId: k.KeyId}); err != nil {
				t.Fatal(err)
			}
		}
		out, err := c.GenerateDataKey(ctx, &in)
		if err != nil {
			t.Fatalf("%+v: %v", tc.in, err)
		}
		if len(out.Plaintext) != tc.size || aws.ToString(out.KeyId) != *k.Arn {
			t.Fatalf("%+v: %d bytes, key %s", tc.in, len(out.Plaintext), aws.ToString(out.KeyId))
		}
		d, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: out.CiphertextBlob, EncryptionContext: ec})
		if err != nil || !bytes.Equal(d.Plaintext, out.Plaintext) {
			t.Fatalf("the data key's blob does not decrypt to it: %v", err)
		}
	}
	wp, err := c.GenerateDataKeyWithoutPlaintext(ctx, &kms.GenerateDataKeyWithoutPlaintextInput{KeyId: k.KeyId, KeySpec: types.DataKeySpecAes256})
	if err != nil || aws.ToString(wp.KeyId) != *k.Arn {
		t.Fatalf("GenerateDataKeyWithoutPlaintext: %v %v", wp, err)
	}
	if d, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: wp.CiphertextBlob}); err != nil || len(d.Plaintext) != 32 {
		t.Fatalf("decrypting a data key made without plaintext: %v", err)
	}
	for _, tc := range []struct {
		in   kms.GenerateDataKeyInput
		code string
		msg  string
	}{
		{kms.GenerateDataKeyInput{}, "ValidationException", "Please specify either number of bytes or key spec."},
		{kms.GenerateDataKeyInput{KeySpec: types.DataKeySpecAes256, NumberOfBytes: aws.Int32(32)}, "ValidationException", "Please specify either number of bytes or key spec."},
		{kms.GenerateDataKeyInput{NumberOfBytes: aws.Int32(0)}, "ValidationException", "Value '0' at 'numberOfBytes' failed to satisfy constraint: Member must have value greater than or equal to 1"},
		{kms.GenerateDataKeyInput{NumberOfBytes: aws.Int32(1025)}, "ValidationException", "Value '1025' at 'numberOfBytes' failed to satisfy constraint: Member must have value less than or equal to 1024"},
		{kms.GenerateDataKeyInput{KeySpec: "AES_512"}, "ValidationException", "Value 'AES_512' at 'keySpec' failed to satisfy constraint: Member must satisfy enum value set: [AES_256, AES_128]"},
	} {
		in := tc.in
		in.KeyId = k.KeyId
		_, err := c.GenerateDataKey(ctx, &in)
		wantError(t, err, tc.code, tc.msg)
	}
}

func TestGenerateRandom(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	a, err := c.GenerateRandom(ctx, &kms.GenerateRandomInput{NumberOfBytes: aws.Int32(64)})
	if err != nil || len(a.Plaintext) != 64 {
		t.Fatalf("GenerateRandom: %v %v", a, err)
	}
	b, _ := c.GenerateRandom(ctx, &kms.GenerateRandomInput{NumberOfBytes: aws.Int32(64)})
	if bytes.Equal(a.Plaintext, b.Plaintext) {
		t.Fatal("two random strings are equal")
	}
	_, err = c.GenerateRandom(ctx, &kms.GenerateRandomInput{NumberOfBytes: aws.Int32(1025)})
	wantError(t, err, "ValidationException", "at 'numberOfBytes'")
	_, err = c.GenerateRandom(ctx, &kms.GenerateRandomInput{})
	wantError(t, err, "ValidationException", "Value null at 'numberOfBytes' failed to satisfy constraint: Member must not be null")
}

// Every operation on a key in each state, as the key-state table says.
// https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
func TestKeyStatesAndOperations(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	type op struct {
		name string
		call func(id string, blob []byte) error
	}
	ops := []op{
		{"Encrypt", func(id string, _ []byte) error {
			_, err := c.Encrypt(ctx, &kms.EncryptInput{KeyId: &id, Plaintext: []byte("x")})
			return err
		}},
		{"Decrypt", func(_ string, blob []byte) error {
			_, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: blob})
			return err
		}},
		{"ReEncrypt", func(id string, blob []byte) error {
			_, err := c.ReEncrypt(ctx, &kms.ReEncryptInput{CiphertextBlob: blob, DestinationKeyId: &id})
			return err
		}},
		{"GenerateDataKey", func(id string, _ []byte) error {
			_, err := c.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: &id, KeySpec: types.DataKeySpecAes256})
			return err
		}},
		{"GenerateDataKeyWithoutPlaintext", func(id string, _ []byte) error {
			_, err := c.GenerateDataKeyWithoutPlaintext(ctx, &kms.GenerateDataKeyWithoutPlaintextInput{KeyId: &id, KeySpec: types.DataKeySpecAes256})
			return err
		}},
		{"CreateGrant", func(id string, _ []byte) error {
			_, err := c.CreateGrant(ctx, &kms.CreateGrantInput{KeyId: &id, GranteePrincipal: aws.String(userARN(ownerAccount, "u")),
				Operations: []types.GrantOperation{types.GrantOperationDecrypt}})
			return err
		}},
		{"EnableKeyRotation", func(id string, _ []byte) error {
			_, err := c.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: &id})
			return err
		}},
		{"DisableKeyRotation", func(id string, _ []byte) error {
			_, err := c.DisableKeyRotation(ctx, &kms.DisableKeyRotationInput{KeyId: &id})
			return err
		}},
		{"RotateKeyOnDemand", func(id string, _ []byte) error {
			_, err := c.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: &id})
			return err
		}},
		{"EnableKey", func(id string, _ []byte) error {
			_, err := c.EnableKey(ctx, &kms.EnableKeyInput{KeyId: &id})
			return err
		}},
		{"DisableKey", func(id string, _ []byte) error {
			_, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: &id})
			return err
		}},
		{"UpdateKeyDescription", func(id string, _ []byte) error {
			_, err := c.UpdateKeyDescription(ctx, &kms.UpdateKeyDescriptionInput{KeyId: &id, Description: aws.String("d")})
			return err
		}},
		{"TagResource", func(id string, _ []byte) error {
			_, err := c.TagResource(ctx, &kms.TagResourceInput{KeyId: &id, Tags: []types.Tag{{TagKey: aws.String("k"), TagValue: aws.String("v")}}})
			return err
		}},
		{"UntagResource", func(id string, _ []byte) error {
			_, err := c.UntagResource(ctx, &kms.UntagResourceInput{KeyId: &id, TagKeys: []string{"k"}})
			return err
		}},
		{"CreateAlias", func(id string, _ []byte) error {
			_, err := c.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/s-" + id), TargetKeyId: &id})
			return err
		}},
		{"ScheduleKeyDeletion", func(id string, _ []byte) error {
			_, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: &id, PendingWindowInDays: aws.Int32(7)})
			return err
		}},
		{"DescribeKey", func(id string, _ []byte) error {
			_, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: &id})
			return err
		}},
		{"GetKeyPolicy", func(id string, _ []byte) error {
			_, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: &id})
			return err
		}},
		{"GetKeyRotationStatus", func(id string, _ []byte) error {
			_, err := c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: &id})
			return err
		}},
		{"ListGrants", func(id string, _ []byte) error {
			_, err := c.ListGrants(ctx, &kms.ListGrantsInput{KeyId: &id})
			return err
		}},
		{"ListResourceTags", func(id string, _ []byte) error {
			_, err := c.ListResourceTags(ctx, &kms.ListResourceTagsInput{KeyId: &id})
			return err
		}},
		{"ListKeyPolicies", func(id string, _ []byte) error {
			_, err := c.ListKeyPolicies(ctx, &kms.ListKeyPoliciesInput{KeyId: &id})
			return err
		}},
		{"CancelKeyDeletion", func(id string, _ []byte) error {
			_, err := c.CancelKeyDeletion(ctx, &kms.CancelKeyDeletionInput{KeyId: &id})
			return err
		}},
	}
	disabledErr := func(arn string) (string, string) { return "DisabledException", arn + " is disabled." }
	pendingErr := func(arn string) (string, string) { return "KMSInvalidStateException", arn + " is pending deletion." }
	notPending := func(arn string) (string, string) {
		return "KMSInvalidStateException", arn + " is not pending deletion."
	}
	ok := func(string) (string, string) { return "", "" }
	// want[op] = the outcome in the Enabled, Disabled and PendingDeletion states.
	want := map[string][3]func(string) (string, string){
		"Encrypt":                         {ok, disabledErr, pendingErr},
		"Decrypt":                         {ok, disabledErr, pendingErr},
		"ReEncrypt":                       {ok, disabledErr, pendingErr},
		"GenerateDataKey":                 {ok, disabledErr, pendingErr},
		"GenerateDataKeyWithoutPlaintext": {ok, disabledErr, pendingErr},
		"CreateGrant":                     {ok, disabledErr, pendingErr},
		"EnableKeyRotation":               {ok, disabledErr, pendingErr},
		"DisableKeyRotation":              {ok, disabledErr, pendingErr},
		"RotateKeyOnDemand":               {ok, disabledErr, pendingErr},
		"EnableKey":                       {ok, ok, pendingErr},
		"DisableKey":                      {ok, ok, pendingErr},
		"UpdateKeyDescription":            {ok, ok, pendingErr},
		"TagResource":                     {ok, ok, pendingErr},
		"UntagResource":                   {ok, ok, pendingErr},
		"CreateAlias":                     {ok, ok, pendingErr},
		"ScheduleKeyDeletion":             {ok, ok, pendingErr},
		"DescribeKey":                     {ok, ok, ok},
		"GetKeyPolicy":                    {ok, ok, ok},
		"GetKeyRotationStatus":            {ok, ok, ok},
		"ListGrants":                      {ok, ok, ok},
		"ListResourceTags":                {ok, ok, ok},
		"ListKeyPolicies":                 {ok, ok, ok},
		"CancelKeyDeletion":               {notPending, notPending, ok},
	}
	states := []types.KeyState{types.KeyStateEnabled, types.KeyStateDisabled, types.KeyStatePendingDeletion}
	for _, o := range ops {
		for i, state := range states {
			// A fresh key per case: some operations change the state.
			k := newKey(t, c, "")
			blob := encrypt(t, c, *k.KeyId, "x", nil)
			switch state {
			case types.KeyStateDisabled:
				if _, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: k.KeyId}); err != nil {
					t.Fatal(err)
				}
			case types.KeyStatePendingDeletion:
				if _, err := c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: k.KeyId}); err != nil {
					t.Fatal(err)
				}
			}
			code, msg := want[o.name][i](*k.Arn)
			err := o.call(*k.KeyId, blob)
			if code == "" {
				if err != nil {
					t.Errorf("%s on a %s key: %v, want success", o.name, state, err)
				}
				continue
			}
			if errorCode(err) != code || errorMessage(err) != msg {
				t.Errorf("%s on a %s key: %v, want %s: %s", o.name, state, err, code, msg)
			}
		}
	}
	if len(want) != len(ops) {
		t.Fatalf("%d expectations for %d operations", len(want), len(ops))
	}
}
