package kms_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"

	"github.com/ferry-emulator/ferry/emulator"
)

const noIdentity = "no identity-based policy allows the "
const noResource = "no resource-based policy allows the "

// The default key policy lets the account root do anything, which
// delegates to IAM: an IAM user may use the key as far as its identity
// policies say, and no further.
func TestDefaultKeyPolicyDelegatesToIAM(t *testing.T) {
	srv, root := setup(t)
	ctx := ctxT(t)
	k := newKey(t, root, "")
	p, err := root.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: k.KeyId, PolicyName: aws.String("default")})
	if err != nil || aws.ToString(p.PolicyName) != "default" ||
		!strings.Contains(aws.ToString(p.Policy), `"AWS" : "arn:aws:iam::000000000000:root"`) ||
		!strings.Contains(aws.ToString(p.Policy), `"Action" : "kms:*"`) {
		t.Fatalf("default key policy: %v %v", aws.ToString(p.Policy), err)
	}
	ic := iamFor(srv, rootOf(ownerAccount))
	encrypter := kmsFor(srv, newUser(t, ic, "encrypter", allow(*k.Arn, "kms:Encrypt")))
	nobody := kmsFor(srv, newUser(t, ic, "nobody", ""))

	blob := encrypt(t, encrypter, *k.KeyId, "by IAM", nil)
	_, err = encrypter.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: blob})
	wantDenied(t, err, userARN(ownerAccount, "encrypter"), "kms:Decrypt", *k.Arn, noIdentity+"kms:Decrypt action")
	var re *awshttp.ResponseError
	if !errors.As(err, &re) || re.HTTPStatusCode() != 400 {
		t.Fatalf("KMS denies with HTTP 400: %v", err)
	}
	_, err = nobody.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x")})
	wantDenied(t, err, userARN(ownerAccount, "nobody"), "kms:Encrypt", *k.Arn, noIdentity+"kms:Encrypt action")
	// Decrypt is authorized against the key the ciphertext names.
	if got := decrypt(t, root, blob, nil); got != "by IAM" {
		t.Fatalf("root decrypted %q", got)
	}
	events := srv.Audit(emulator.AuditFilter{Principal: userARN(ownerAccount, "nobody"), Action: "kms:Encrypt"})
	if len(events) != 1 || events[0].Decision != "Deny" || events[0].Resource != *k.Arn {
		t.Fatalf("audit trail: %+v", events)
	}
}

// A key policy without the account root statement shuts IAM out: the
// identity policies of the account's users, and the root user itself,
// count for nothing.
func TestKeyPolicyWithoutRootShutsOutIAM(t *testing.T) {
	srv, root := setup(t)
	ctx := ctxT(t)
	ic := iamFor(srv, rootOf(ownerAccount))
	admin := kmsFor(srv, newUser(t, ic, "admin", ""))
	poweruser := kmsFor(srv, newUser(t, ic, "poweruser", allow("*", "kms:*")))
	doc := keyPolicy(principalStatement("Admin", userARN(ownerAccount, "admin"), "kms:*"))
	out, err := root.CreateKey(ctx, &kms.CreateKeyInput{Policy: aws.String(doc), BypassPolicyLockoutSafetyCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	k := out.KeyMetadata
	_, err = root.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x")})
	wantDenied(t, err, "arn:aws:iam::000000000000:root", "kms:Encrypt", *k.Arn, noResource+"kms:Encrypt action")
	_, err = poweruser.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x")})
	wantDenied(t, err, userARN(ownerAccount, "poweruser"), "kms:Encrypt", *k.Arn, noResource+"kms:Encrypt action")
	// The user the key policy names needs no identity policy.
	blob := encrypt(t, admin, *k.KeyId, "admin's", nil)
	if got := decrypt(t, admin, blob, nil); got != "admin's" {
		t.Fatalf("admin decrypted %q", got)
	}
	_, err = root.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
	wantDenied(t, err, "arn:aws:iam::000000000000:root", "kms:DescribeKey", *k.Arn, noResource+"kms:DescribeKey action")
	// An explicit Deny in the key policy binds even the principal it names
	// elsewhere, and the denial names the statement.
	deny := keyPolicy(principalStatement("Admin", userARN(ownerAccount, "admin"), "kms:*"),
		`{"Sid":"NoDecrypt","Effect":"Deny","Principal":"*","Action":"kms:Decrypt","Resource":"*"}`)
	if _, err := admin.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(deny)}); err != nil {
		t.Fatal(err)
	}
	_, err = admin.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: blob})
	wantError(t, err, "AccessDeniedException", `with an explicit deny in a resource-based policy (statement "NoDecrypt" in key policy)`)
}

// The policy lockout safety check: a new key policy must let its caller
// change it later, unless the caller says to bypass the check.
func TestPolicyLockoutSafetyCheck(t *testing.T) {
	srv, root := setup(t)
	ctx := ctxT(t)
	ic := iamFor(srv, rootOf(ownerAccount))
	onlyAdmin := keyPolicy(principalStatement("Admin", userARN(ownerAccount, "admin"), "kms:*"))
	_, err := root.CreateKey(ctx, &kms.CreateKeyInput{Policy: aws.String(onlyAdmin)})
	wantError(t, err, "MalformedPolicyDocumentException", "The new key policy will not allow you to update the key policy in the future.")

	// A user allowed only CreateKey cannot give a key the default-like
	// policy: the root statement delegates to IAM, which does not let it
	// PutKeyPolicy.
	creator := kmsFor(srv, newUser(t, ic, "creator", allow("*", "kms:CreateKey")))
	_, err = creator.CreateKey(ctx, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(rootStatement(ownerAccount)))})
	wantError(t, err, "MalformedPolicyDocumentException", "will not allow you to update the key policy")
	// Without a policy it gets the default one, unchecked.
	if _, err := creator.CreateKey(ctx, &kms.CreateKeyInput{}); err != nil {
		t.Fatalf("CreateKey with the default policy: %v", err)
	}
	manager := kmsFor(srv, newUser(t, ic, "manager", allow("*", "kms:CreateKey", "kms:PutKeyPolicy")))
	if _, err := manager.CreateKey(ctx, &kms.CreateKeyInput{Policy: aws.String(keyPolicy(rootStatement(ownerAccount)))}); err != nil {
		t.Fatalf("a user who may PutKeyPolicy through IAM: %v", err)
	}

	k := newKey(t, root, "")
	_, err = root.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(onlyAdmin), PolicyName: aws.String("default")})
	wantError(t, err, "MalformedPolicyDocumentException", "will not allow you to update the key policy")
	if _, err := root.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(onlyAdmin), BypassPolicyLockoutSafetyCheck: true}); err != nil {
		t.Fatal(err)
	}
	_, err = root.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(keyPolicy(rootStatement(ownerAccount)))})
	wantDenied(t, err, "arn:aws:iam::000000000000:root", "kms:PutKeyPolicy", *k.Arn, noResource+"kms:PutKeyPolicy action")
}

func TestKeyPolicyDocumentRules(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	k := newKey(t, c, "")
	for _, tc := range []struct {
		doc, code, msg string
	}{
		{`{"Statement":[{"Effect":"Allow","Action":"kms:*","Resource":"*"}]}`, "MalformedPolicyDocumentException", "Missing required field Principal"},
		{`not json`, "MalformedPolicyDocumentException", "Syntax errors in policy."},
		{keyPolicy(rootStatement(ownerAccount), `{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*",`+
			`"Condition":{"ForAllValues:StringEquals":{"kms:EncryptionContext:dept":"x"}}}`), "MalformedPolicyDocumentException", "OverlyPermissiveCondition"},
		{keyPolicy(rootStatement(ownerAccount), `{"Sid":"`+strings.Repeat("x", 32768)+`","Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*"}`),
			"LimitExceededException", "32 KB"},
	} {
		_, err := c.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(tc.doc)})
		wantError(t, err, tc.code, tc.msg)
	}
	_, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: k.KeyId, PolicyName: aws.String("other")})
	wantError(t, err, "NotFoundException", "No such policy exists")
	names, err := c.ListKeyPolicies(ctx, &kms.ListKeyPoliciesInput{KeyId: k.KeyId})
	if err != nil || len(names.PolicyNames) != 1 || names.PolicyNames[0] != "default" || names.Truncated {
		t.Fatalf("ListKeyPolicies: %+v %v", names, err)
	}
	custom := keyPolicy(rootStatement(ownerAccount))
	if _, err := c.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: k.KeyId, Policy: aws.String(custom)}); err != nil {
		t.Fatal(err)
	}
	got, _ := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: k.KeyId})
	if aws.ToString(got.Policy) != custom {
		t.Fatalf("GetKeyPolicy = %s, want the document as put", aws.ToString(got.Policy))
	}
}

// Across accounts both sides must allow: the key policy (naming the other
// account, which delegates to its IAM) and the caller's identity policy.
// Operations AWS never performs across accounts are denied whatever the
// policies say, and another account's key is named by ARN only.
func TestCrossAccountKeyUse(t *testing.T) {
	srv, root := setup(t)
	ctx := ctxT(t)
	shared := keyPolicy(rootStatement(ownerAccount),
		principalStatement("Partner", "arn:aws:iam::"+otherAccount+":root", "kms:*"))
	k := newKey(t, root, shared)
	private := newKey(t, root, "")

	theirRoot := kmsFor(srv, rootOf(otherAccount))
	theirIAM := iamFor(srv, rootOf(otherAccount))
	user := kmsFor(srv, newUser(t, theirIAM, "worker", allow(*k.Arn, "kms:Encrypt", "kms:Decrypt", "kms:ScheduleKeyDeletion")))
	bare := kmsFor(srv, newUser(t, theirIAM, "bare", ""))

	blob := encrypt(t, user, *k.Arn, "shared", map[string]string{"x": "1"})
	if got := decrypt(t, user, blob, map[string]string{"x": "1"}); got != "shared" {
		t.Fatalf("decrypted %q", got)
	}
	if got := decrypt(t, root, blob, map[string]string{"x": "1"}); got != "shared" {
		t.Fatalf("the owner decrypted %q", got)
	}
	encrypt(t, theirRoot, *k.Arn, "root needs no identity policy", nil)
	_, err := bare.Encrypt(ctx, &kms.EncryptInput{KeyId: k.Arn, Plaintext: []byte("x")})
	wantDenied(t, err, userARN(otherAccount, "bare"), "kms:Encrypt", *k.Arn, noIdentity+"kms:Encrypt action")
	_, err = theirRoot.Encrypt(ctx, &kms.EncryptInput{KeyId: private.Arn, Plaintext: []byte("x")})
	wantDenied(t, err, "arn:aws:iam::111111111111:root", "kms:Encrypt", *private.Arn, noResource+"kms:Encrypt action")
	_, err = user.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: k.Arn})
	wantDenied(t, err, userARN(otherAccount, "worker"), "kms:ScheduleKeyDeletion", *k.Arn, noResource+"kms:ScheduleKeyDeletion action")
	_, err = theirRoot.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: k.Arn})
	wantError(t, err, "AccessDeniedException", "kms:ScheduleKeyDeletion")
	_, err = theirRoot.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x")})
	wantError(t, err, "NotFoundException", "arn:aws:kms:us-east-1:111111111111:key/"+*k.KeyId)
	// An alias ARN of the owner's names the key across accounts too.
	if _, err := root.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/shared"), TargetKeyId: k.KeyId}); err != nil {
		t.Fatal(err)
	}
	encrypt(t, theirRoot, "arn:aws:kms:us-east-1:000000000000:alias/shared", "by alias ARN", nil)
}

// kms:EncryptionContext:<key> and kms:EncryptionContextKeys conditions.
func TestEncryptionContextConditions(t *testing.T) {
	srv, root := setup(t)
	ctx := ctxT(t)
	ic := iamFor(srv, rootOf(ownerAccount))
	finance := newUser(t, ic, "finance", "")
	tagged := newUser(t, ic, "tagged", "")
	doc := keyPolicy(rootStatement(ownerAccount),
		`{"Sid":"FinanceOnly","Effect":"Allow","Principal":{"AWS":"`+userARN(ownerAccount, "finance")+`"},`+
			`"Action":["kms:Encrypt","kms:Decrypt"],"Resource":"*","Condition":{"StringEquals":{"kms:EncryptionContext:Department":"finance"}}}`,
		`{"Sid":"NeedsKeys","Effect":"Allow","Principal":{"AWS":"`+userARN(ownerAccount, "tagged")+`"},`+
			`"Action":"kms:Encrypt","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"kms:EncryptionContextKeys":"project"}}}`)
	k := newKey(t, root, doc)
	fc := kmsFor(srv, finance)
	// Condition key names are case-insensitive; the value is matched as
	// StringEquals says.
	blob := encrypt(t, fc, *k.KeyId, "ledger", map[string]string{"department": "finance"})
	decrypt(t, fc, blob, map[string]string{"department": "finance"})
	for _, ec := range []map[string]string{nil, {"department": "hr"}, {"department": "Finance"}} {
		_, err := fc.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x"), EncryptionContext: ec})
		// The root statement delegates to IAM, where nothing allows it.
		wantDenied(t, err, userARN(ownerAccount, "finance"), "kms:Encrypt", *k.Arn, noIdentity+"kms:Encrypt action")
	}
	tc := kmsFor(srv, tagged)
	encrypt(t, tc, *k.KeyId, "x", map[string]string{"project": "p1", "other": "o"})
	_, err := tc.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x"), EncryptionContext: map[string]string{"other": "o"}})
	wantDenied(t, err, userARN(ownerAccount, "tagged"), "kms:Encrypt", *k.Arn, noIdentity+"kms:Encrypt action")
}

// The AWS managed keys describe as AWS's, carry AWS's policy, and refuse
// direct use and every change.
func TestAWSManagedKeys(t *testing.T) {
	_, root := setup(t)
	ctx := ctxT(t)
	for _, svc := range []string{"sqs", "sns"} {
		d, err := root.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/aws/" + svc)})
		if err != nil {
			t.Fatal(err)
		}
		m := d.KeyMetadata
		if m.KeyManager != types.KeyManagerTypeAws || !strings.Contains(aws.ToString(m.Description), strings.ToUpper(svc)) || m.KeyState != types.KeyStateEnabled {
			t.Fatalf("alias/aws/%s: %+v", svc, m)
		}
		again, _ := root.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("arn:aws:kms:us-east-1:000000000000:alias/aws/" + svc)})
		if aws.ToString(again.KeyMetadata.KeyId) != aws.ToString(m.KeyId) {
			t.Fatal("a second reference made a second key")
		}
		p, err := root.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: m.KeyId})
		if err != nil || !strings.Contains(*p.Policy, `"kms:ViaService" : "`+svc+`.us-east-1.amazonaws.com"`) ||
			!strings.Contains(*p.Policy, `"kms:CallerAccount" : "000000000000"`) {
			t.Fatalf("policy of alias/aws/%s: %v %v", svc, aws.ToString(p.Policy), err)
		}
		rot, err := root.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: m.KeyId})
		if err != nil || !rot.KeyRotationEnabled || aws.ToInt32(rot.RotationPeriodInDays) != 365 {
			t.Fatalf("AWS managed keys rotate yearly: %+v %v", rot, err)
		}
		denied := []struct {
			action string
			call   func() error
		}{
			{"kms:Encrypt", func() error {
				_, err := root.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String("alias/aws/" + svc), Plaintext: []byte("x")})
				return err
			}},
			{"kms:GenerateDataKey", func() error {
				_, err := root.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: m.KeyId, KeySpec: types.DataKeySpecAes256})
				return err
			}},
			{"kms:PutKeyPolicy", func() error {
				_, err := root.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: m.KeyId, Policy: aws.String(keyPolicy(rootStatement(ownerAccount))), BypassPolicyLockoutSafetyCheck: true})
				return err
			}},
			{"kms:ScheduleKeyDeletion", func() error {
				_, err := root.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: m.KeyId})
				return err
			}},
			{"kms:DisableKey", func() error {
				_, err := root.DisableKey(ctx, &kms.DisableKeyInput{KeyId: m.KeyId})
				return err
			}},
			{"kms:DisableKeyRotation", func() error {
				_, err := root.DisableKeyRotation(ctx, &kms.DisableKeyRotationInput{KeyId: m.KeyId})
				return err
			}},
			{"kms:TagResource", func() error {
				_, err := root.TagResource(ctx, &kms.TagResourceInput{KeyId: m.KeyId, Tags: []types.Tag{{TagKey: aws.String("k"), TagValue: aws.String("v")}}})
				return err
			}},
			{"kms:CreateAlias", func() error {
				_, err := root.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String("alias/mine-" + svc), TargetKeyId: m.KeyId})
				return err
			}},
		}
		for _, d := range denied {
			wantDenied(t, d.call(), "arn:aws:iam::000000000000:root", d.action, *m.Arn, noResource+d.action+" action")
		}
	}
}

// With authorization off nothing is denied, but an AWS managed key still
// cannot be changed.
func TestAWSManagedKeysWithAuthorizationOff(t *testing.T) {
	srv, err := emulator.Run(emulator.Config{Listen: "127.0.0.1:0", IAMMode: "off"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	c := kmsFor(srv, rootOf(ownerAccount))
	ctx := ctxT(t)
	d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String("alias/aws/sqs")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.ScheduleKeyDeletion(ctx, &kms.ScheduleKeyDeletionInput{KeyId: d.KeyMetadata.KeyId})
	wantDenied(t, err, "arn:aws:iam::000000000000:root", "kms:ScheduleKeyDeletion", *d.KeyMetadata.Arn, noResource+"kms:ScheduleKeyDeletion action")
	// Direct use is not denied when nothing is.
	encrypt(t, c, "alias/aws/sqs", "x", nil)
}
