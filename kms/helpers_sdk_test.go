package kms_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"

	"github.com/ferry-emulator/ferry/emulator"
	"github.com/ferry-emulator/ferry/emulator/api"
)

// The KMS API through the real aws-sdk-go-v2 client (AWS JSON 1.1) against
// ferry started in-process. This file holds the shared helpers; each
// action family has its own file.

const (
	ownerAccount = emulator.DefaultAccount
	otherAccount = "111111111111" // a numeric access key is the root of that account
	region       = "us-east-1"
)

func startFerry(t *testing.T) *emulator.Server {
	t.Helper()
	srv, err := emulator.Run(emulator.Config{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatalf("starting ferry: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// cred is an access key and its secret.
type cred struct{ key, secret string }

// rootOf is the root user of an account ("test" for the default one).
func rootOf(account string) cred {
	if account == ownerAccount {
		return cred{"test", "test"}
	}
	return cred{account, "test"}
}

// kmsFor is a KMS client signing with c; retries are off so that every
// error is the server's first answer.
func kmsFor(srv *emulator.Server, c cred) *kms.Client {
	return kms.New(kms.Options{
		Region: region, BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider(c.key, c.secret, ""),
		Retryer:     aws.NopRetryer{},
	})
}

func iamFor(srv *emulator.Server, c cred) *iam.Client {
	return iam.New(iam.Options{
		Region: region, BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider(c.key, c.secret, ""),
		Retryer:     aws.NopRetryer{},
	})
}

// setup starts ferry and returns a KMS client for the default account's root.
func setup(t *testing.T) (*emulator.Server, *kms.Client) {
	t.Helper()
	srv := startFerry(t)
	return srv, kmsFor(srv, rootOf(ownerAccount))
}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// newKey creates a key (with the default key policy unless policy is
// given) and returns its metadata.
func newKey(t *testing.T, c *kms.Client, policy string) *types.KeyMetadata {
	t.Helper()
	in := &kms.CreateKeyInput{}
	if policy != "" {
		in.Policy = aws.String(policy)
	}
	out, err := c.CreateKey(ctxT(t), in)
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	return out.KeyMetadata
}

// newUser creates an IAM user with an inline policy (none if doc is empty)
// and returns its access key.
func newUser(t *testing.T, c *iam.Client, name, doc string) cred {
	t.Helper()
	ctx := ctxT(t)
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatalf("CreateUser %s: %v", name, err)
	}
	if doc != "" {
		if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{
			UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc),
		}); err != nil {
			t.Fatalf("PutUserPolicy %s: %v", name, err)
		}
	}
	key, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatalf("CreateAccessKey %s: %v", name, err)
	}
	return cred{aws.ToString(key.AccessKey.AccessKeyId), aws.ToString(key.AccessKey.SecretAccessKey)}
}

func userARN(account, name string) string { return "arn:aws:iam::" + account + ":user/" + name }

// allow is an identity policy allowing actions on resource.
func allow(resource string, actions ...string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["` + strings.Join(actions, `","`) +
		`"],"Resource":"` + resource + `"}]}`
}

// keyPolicy is a key policy of the given statements.
func keyPolicy(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

// rootStatement is the default key policy's statement for an account.
func rootStatement(account string) string {
	return `{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + account +
		`:root"},"Action":"kms:*","Resource":"*"}`
}

// principalStatement allows one principal actions on the key.
func principalStatement(sid, principal string, actions ...string) string {
	return `{"Sid":"` + sid + `","Effect":"Allow","Principal":{"AWS":"` + principal + `"},"Action":["` +
		strings.Join(actions, `","`) + `"],"Resource":"*"}`
}

// errorCode is an error's code, from the SDK or from an in-process call.
func errorCode(err error) string {
	if err == nil {
		return ""
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	var fe *api.Error
	if errors.As(err, &fe) {
		return fe.Code
	}
	return err.Error()
}

func errorMessage(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorMessage()
	}
	var fe *api.Error
	if errors.As(err, &fe) {
		return fe.Message
	}
	return ""
}

// wantError checks an API error's code and that its message contains want.
func wantError(t *testing.T, err error, code, want string) {
	t.Helper()
	if errorCode(err) != code || !strings.Contains(errorMessage(err), want) {
		t.Fatalf("error = %v, want %s containing %q", err, code, want)
	}
}

// wantDenied checks a KMS access denial: AccessDeniedException naming the
// caller, the action, the key and the missing kind of policy.
func wantDenied(t *testing.T, err error, principal, action, resource, because string) {
	t.Helper()
	want := "User: " + principal + " is not authorized to perform: " + action + " on resource: " + resource + " because " + because
	wantError(t, err, "AccessDeniedException", want)
}

func encrypt(t *testing.T, c *kms.Client, keyID, plaintext string, ec map[string]string) []byte {
	t.Helper()
	out, err := c.Encrypt(ctxT(t), &kms.EncryptInput{KeyId: aws.String(keyID), Plaintext: []byte(plaintext), EncryptionContext: ec})
	if err != nil {
		t.Fatalf("Encrypt under %s: %v", keyID, err)
	}
	return out.CiphertextBlob
}

func decrypt(t *testing.T, c *kms.Client, blob []byte, ec map[string]string) string {
	t.Helper()
	out, err := c.Decrypt(ctxT(t), &kms.DecryptInput{CiphertextBlob: blob, EncryptionContext: ec})
	if err != nil {
		t.Fatalf("Decrypt: %v", err)
	}
	return string(out.Plaintext)
}
