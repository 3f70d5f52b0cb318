package kms_test

import (
	"bytes"
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	sdkkms "github.com/aws/aws-sdk-go-v2/service/kms"

	"github.com/ferry-emulator/ferry/emulator"
	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/kms"
)

// KMS in process, as SQS and SNS call it for server-side encryption:
// through the emulator's Invoker, authorized like any request, with
// kms:ViaService set when a service calls for its caller.

func rootPrincipal(account string) api.Principal {
	return api.Principal{ARN: "arn:aws:iam::" + account + ":root", Account: account, Type: api.PrincipalRoot, UserID: account}
}

// userPrincipal creates an IAM user (without policies) and returns the
// principal its requests carry.
func userPrincipal(t *testing.T, srv *emulator.Server, name string) api.Principal {
	t.Helper()
	ic := iamFor(srv, rootOf(ownerAccount))
	if _, err := ic.CreateUser(ctxT(t), &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	u, err := ic.GetUser(ctxT(t), &iam.GetUserInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return api.Principal{ARN: *u.User.Arn, Account: ownerAccount, Type: api.PrincipalUser, UserID: *u.User.UserId, Name: name}
}

func invoke[Out any](t *testing.T, srv *emulator.Server, c *api.Call) (*Out, error) {
	t.Helper()
	if c.Service == "" {
		c.Service = "kms"
	}
	if c.Region == "" {
		c.Region = region
	}
	out, err := srv.Invoke(context.Background(), c)
	if err != nil {
		return nil, err
	}
	return out.(*Out), nil
}

// The AWS managed key of SQS is usable through SQS by any principal of its
// account, without any KMS permission of its own, and not otherwise.
func TestAWSManagedKeyThroughItsService(t *testing.T) {
	srv := startFerry(t)
	user := userPrincipal(t, srv, "producer")
	ec := map[string]string{"aws:sqs:arn": "arn:aws:sqs:us-east-1:000000000000:orders"}
	viaSQS := "sqs.us-east-1.amazonaws.com"
	dk, err := invoke[kms.GenerateDataKeyOutput](t, srv, &api.Call{Action: "GenerateDataKey", Principal: user, ViaService: viaSQS,
		Input: &kms.GenerateDataKeyInput{KeyId: "alias/aws/sqs", KeySpec: "AES_256", EncryptionContext: ec}})
	if err != nil {
		t.Fatalf("GenerateDataKey through SQS: %v", err)
	}
	if len(dk.Plaintext) != 32 || dk.KeyId == "" {
		t.Fatalf("data key: %d bytes, key %q", len(dk.Plaintext), dk.KeyId)
	}
	plain, err := invoke[kms.DecryptOutput](t, srv, &api.Call{Action: "Decrypt", Principal: user, ViaService: viaSQS,
		Input: &kms.DecryptInput{CiphertextBlob: dk.CiphertextBlob, EncryptionContext: ec}})
	if err != nil || !bytes.Equal(plain.Plaintext, dk.Plaintext) || plain.KeyId != dk.KeyId {
		t.Fatalf("Decrypt through SQS: %v", err)
	}
	d, err := invoke[kms.DescribeKeyOutput](t, srv, &api.Call{Action: "DescribeKey", Principal: user, ViaService: viaSQS,
		Input: &kms.DescribeKeyInput{KeyId: "alias/aws/sqs"}})
	if err != nil || d.KeyMetadata.KeyManager != "AWS" || d.KeyMetadata.Arn != dk.KeyId {
		t.Fatalf("DescribeKey through SQS: %+v %v", d, err)
	}

	for name, c := range map[string]*api.Call{
		"directly": {Action: "Decrypt", Principal: user,
			Input: &kms.DecryptInput{CiphertextBlob: dk.CiphertextBlob, EncryptionContext: ec}},
		"through SNS": {Action: "Decrypt", Principal: user, ViaService: "sns.us-east-1.amazonaws.com",
			Input: &kms.DecryptInput{CiphertextBlob: dk.CiphertextBlob, EncryptionContext: ec}},
		"through SQS in another region": {Action: "GenerateDataKey", Principal: user, ViaService: "sqs.eu-west-1.amazonaws.com",
			Input: &kms.GenerateDataKeyInput{KeyId: "alias/aws/sqs", KeySpec: "AES_256"}},
		"from another account": {Action: "GenerateDataKey", Principal: rootPrincipal(otherAccount), ViaService: viaSQS,
			Input: &kms.GenerateDataKeyInput{KeyId: "arn:aws:kms:us-east-1:000000000000:alias/aws/sqs", KeySpec: "AES_256"}},
		"as SNS itself": {Action: "GenerateDataKey", Principal: api.Principal{Type: api.PrincipalService, Service: "sns.amazonaws.com"},
			SourceAccount: ownerAccount, Input: &kms.GenerateDataKeyInput{KeyId: dk.KeyId, KeySpec: "AES_256"}},
	} {
		_, err := invoke[struct{}](t, srv, c)
		if errorCode(err) != "AccessDeniedException" {
			t.Errorf("%s: %v, want AccessDeniedException", name, err)
		}
	}
	// The direct call is denied by the key policy, not for want of an
	// identity policy: its principal statement's conditions do not hold.
	_, err = invoke[struct{}](t, srv, &api.Call{Action: "Encrypt", Principal: rootPrincipal(ownerAccount),
		Input: &kms.EncryptInput{KeyId: "alias/aws/sqs", Plaintext: []byte("x")}})
	wantError(t, err, "AccessDeniedException", "because no resource-based policy allows the kms:Encrypt action")
}

// A service principal uses a customer managed key only as the key policy
// trusts it, the way SNS delivers into an encrypted queue.
func TestServicePrincipalNeedsTheKeyPolicy(t *testing.T) {
	srv, root := setup(t)
	sns := api.Principal{Type: api.PrincipalService, Service: "sns.amazonaws.com"}
	call := func(keyID string) error {
		_, err := invoke[kms.GenerateDataKeyOutput](t, srv, &api.Call{Action: "GenerateDataKey", Principal: sns,
			SourceARN: "arn:aws:sns:us-east-1:000000000000:t", SourceAccount: ownerAccount,
			Input: &kms.GenerateDataKeyInput{KeyId: keyID, KeySpec: "AES_256"}})
		return err
	}
	plain := newKey(t, root, "")
	wantError(t, call(*plain.Arn), "AccessDeniedException", "because no resource-based policy allows the kms:GenerateDataKey action")
	trusting := newKey(t, root, keyPolicy(rootStatement(ownerAccount),
		`{"Sid":"SNS","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":["kms:GenerateDataKey*","kms:Decrypt"],"Resource":"*",`+
			`"Condition":{"StringEquals":{"aws:SourceAccount":"000000000000"}}}`))
	if err := call(*trusting.Arn); err != nil {
		t.Fatalf("a key policy trusting sns.amazonaws.com: %v", err)
	}
	if n := len(srv.Audit(emulator.AuditFilter{Action: "kms:GenerateDataKey", Decision: "Deny"})); n != 1 {
		t.Fatalf("%d denials recorded, want 1", n)
	}
}

// Time passes: a key is gone once its deletion date has passed, and a key
// with automatic rotation gets new key material when its date comes. The
// calls after the clock jumps go in process: the SDK's signatures would
// be out of date.
func TestDeletionAndRotationDates(t *testing.T) {
	var offset atomic.Int64
	clock := func() time.Time { return time.Now().Add(time.Duration(offset.Load())) }
	srv, err := emulator.Run(emulator.Config{Listen: "127.0.0.1:0", Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c := kmsFor(srv, rootOf(ownerAccount))
	ctx := ctxT(t)
	doomed, rotating := newKey(t, c, ""), newKey(t, c, "")
	if _, err := c.CreateAlias(ctx, &sdkkms.CreateAliasInput{AliasName: aws.String("alias/doomed"), TargetKeyId: doomed.KeyId}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.ScheduleKeyDeletion(ctx, &sdkkms.ScheduleKeyDeletionInput{KeyId: doomed.KeyId, PendingWindowInDays: aws.Int32(7)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.EnableKeyRotation(ctx, &sdkkms.EnableKeyRotationInput{KeyId: rotating.KeyId, RotationPeriodInDays: aws.Int32(90)}); err != nil {
		t.Fatal(err)
	}
	before := encrypt(t, c, *rotating.KeyId, "first material", nil)
	root := rootPrincipal(ownerAccount)
	describe := func(keyID string) error {
		_, err := invoke[kms.DescribeKeyOutput](t, srv, &api.Call{Action: "DescribeKey", Principal: root, Input: &kms.DescribeKeyInput{KeyId: keyID}})
		return err
	}

	offset.Store(int64(6 * 24 * time.Hour))
	if err := describe(*doomed.KeyId); err != nil {
		t.Fatalf("six days into a seven-day window: %v", err)
	}
	offset.Store(int64(7*24*time.Hour + time.Minute))
	wantError(t, describe(*doomed.KeyId), "NotFoundException", "does not exist")
	wantError(t, describe("alias/doomed"), "NotFoundException", "is not found.")

	offset.Store(int64(181 * 24 * time.Hour)) // two periods: two rotations
	out, err := invoke[kms.EncryptOutput](t, srv, &api.Call{Action: "Encrypt", Principal: root,
		Input: &kms.EncryptInput{KeyId: *rotating.KeyId, Plaintext: []byte("third material")}})
	if err != nil {
		t.Fatal(err)
	}
	if v := materialVersion(t, out.CiphertextBlob); v != 2 {
		t.Fatalf("material version %d after two rotation periods, want 2", v)
	}
	old, err := invoke[kms.DecryptOutput](t, srv, &api.Call{Action: "Decrypt", Principal: root, Input: &kms.DecryptInput{CiphertextBlob: before}})
	if err != nil || string(old.Plaintext) != "first material" {
		t.Fatalf("the first material's ciphertext after automatic rotation: %v", err)
	}
}
