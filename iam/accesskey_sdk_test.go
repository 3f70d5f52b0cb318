package iam_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
)

func TestAccessKeysAuthenticateTheirUser(t *testing.T) {
	srv, c := setup(t)
	ctx := ctxT(t)
	alice, key := userWithKey(t, srv, c, "alice")
	id, secret := aws.ToString(key.AccessKeyId), aws.ToString(key.SecretAccessKey)
	if len(id) != 20 || !strings.HasPrefix(id, "AKIA") || len(secret) != 40 || key.Status != types.StatusTypeActive {
		t.Errorf("access key %s / %d-character secret / %s", id, len(secret), key.Status)
	}
	if _, err := c.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("alice"), PolicyArn: aws.String("arn:aws:iam::aws:policy/IAMFullAccess")}); err != nil {
		t.Fatal(err)
	}
	me, err := alice.GetUser(ctx, &iam.GetUserInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(me.User.UserName) != "alice" {
		t.Errorf("GetUser as the key's user: %+v", me.User)
	}
	// Without UserName, the key actions act on the caller.
	second, err := alice.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(second.AccessKey.UserName) != "alice" {
		t.Errorf("second key belongs to %q", aws.ToString(second.AccessKey.UserName))
	}
	_, err = alice.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	wantAPIError(t, err, "LimitExceeded", "Cannot exceed quota for AccessKeysPerUser: 2")
	list, err := alice.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.AccessKeyMetadata) != 2 {
		t.Errorf("ListAccessKeys: %d keys", len(list.AccessKeyMetadata))
	}
	for _, k := range list.AccessKeyMetadata {
		if aws.ToString(k.UserName) != "alice" || k.Status != types.StatusTypeActive || k.CreateDate == nil {
			t.Errorf("key metadata %+v", k)
		}
	}
	last, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String(id)})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(last.UserName) != "alice" || aws.ToString(last.AccessKeyLastUsed.ServiceName) != "N/A" {
		t.Errorf("GetAccessKeyLastUsed %+v", last)
	}

	// An inactive key no longer authenticates; active again, it does.
	if _, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: aws.String(id), Status: types.StatusTypeInactive}); err != nil {
		t.Fatal(err)
	}
	_, err = alice.GetUser(ctx, &iam.GetUserInput{})
	wantAPIError(t, err, "InvalidClientTokenId", "")
	if _, err := c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: aws.String(id), Status: types.StatusTypeActive}); err != nil {
		t.Fatal(err)
	}
	if _, err := alice.GetUser(ctx, &iam.GetUserInput{}); err != nil {
		t.Fatal(err)
	}
	// A wrong secret is a bad signature.
	_, err = clientFor(srv, id, strings.Repeat("x", 40), "").GetUser(ctx, &iam.GetUserInput{})
	wantAPIError(t, err, "SignatureDoesNotMatch", "")

	_, err = c.UpdateAccessKey(ctx, &iam.UpdateAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: aws.String(id), Status: "Paused"})
	wantAPIError(t, err, "ValidationError", "1 validation error detected: Value 'Paused' at 'status' failed to satisfy constraint: Member must satisfy enum value set: [Active, Inactive]")
	_, err = c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: aws.String("AKIAAAAAAAAAAAAAAAAA")})
	wantAPIError(t, err, "NoSuchEntity", "The Access Key with id AKIAAAAAAAAAAAAAAAAA cannot be found.")

	if _, err := c.DeleteAccessKey(ctx, &iam.DeleteAccessKeyInput{UserName: aws.String("alice"), AccessKeyId: aws.String(id)}); err != nil {
		t.Fatal(err)
	}
	_, err = alice.GetUser(ctx, &iam.GetUserInput{})
	wantAPIError(t, err, "InvalidClientTokenId", "")
}

func TestAccessKeyActionsNeedAUser(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	_, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{})
	wantAPIError(t, err, "ValidationError", "Must specify userName when calling with non-User credentials")
	list, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.AccessKeyMetadata) != 0 {
		t.Errorf("root's IAM access keys: %+v", list.AccessKeyMetadata)
	}
	_, err = c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("nobody")})
	wantAPIError(t, err, "NoSuchEntity", "The user with name nobody cannot be found.")
}

// Every IAM action is confined to the caller's account: another account's
// root can neither read nor change this account's entities, whatever it
// names.
func TestIAMIsConfinedToTheCallersAccount(t *testing.T) {
	srv, c := setup(t)
	ctx := ctxT(t)
	if _, err := c.CreatePolicy(ctx, &iam.CreatePolicyInput{PolicyName: aws.String("mine"), PolicyDocument: aws.String(allowAll)}); err != nil {
		t.Fatal(err)
	}
	other := clientFor(srv, otherAccount, "test", "")
	_, err := other.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String("arn:aws:iam::000000000000:policy/mine")})
	wantAPIError(t, err, "AccessDenied", "")
	if _, err := other.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("x")}); err != nil {
		t.Fatal(err)
	}
	_, err = other.AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{UserName: aws.String("x"), PolicyArn: aws.String("arn:aws:iam::000000000000:policy/mine")})
	wantAPIError(t, err, "NoSuchEntity", "Policy arn:aws:iam::000000000000:policy/mine does not exist or is not attachable.")
}
