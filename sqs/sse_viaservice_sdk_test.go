package sqs_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
)

// A key policy may let a principal use a key only through SQS, with the
// condition key kms:ViaService: SQS calls KMS for its caller with
// kms:ViaService = sqs.<region>.amazonaws.com, so the principal sends to
// and receives from a queue encrypted with that key, while the same KMS
// actions called directly are denied.
// https://docs.aws.amazon.com/kms/latest/developerguide/conditions-kms.html#conditions-kms-via-service
func TestSSEKeyUsableOnlyThroughSQS(t *testing.T) {
	srv, root := setup(t)
	const name = "through-sqs-only"
	// The identity policy allows SQS only: KMS use comes from the key policy.
	ak := newUserKey(t, srv, name, "sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage")
	userARN := "arn:aws:iam::" + defaultAccount + ":user/" + name
	keyID := newKey(t, srv, `{"Version":"2012-10-17","Statement":[`+
		`{"Sid":"Admin","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::`+defaultAccount+`:root"},"Action":"kms:*","Resource":"*"},`+
		`{"Sid":"ThroughSQSOnly","Effect":"Allow","Principal":{"AWS":"`+userARN+`"},"Action":["kms:GenerateDataKey","kms:Decrypt"],"Resource":"*",`+
		`"Condition":{"StringEquals":{"kms:ViaService":"sqs.us-east-1.amazonaws.com"}}}]}`)
	url := createQueue(t, root, "through-sqs", map[string]string{"KmsMasterKeyId": keyID})

	user := clientFor(srv, *ak.AccessKeyId, *ak.SecretAccessKey, region)
	for _, body := range []string{"one", "two"} {
		if out := send(t, user, url, body); aws.ToString(out.MD5OfMessageBody) != md5Hex(body) {
			t.Fatalf("MD5OfMessageBody %s for %q", aws.ToString(out.MD5OfMessageBody), body)
		}
	}
	got := map[string]bool{}
	for _, m := range receive(t, user, url, 10) {
		if aws.ToString(m.MD5OfBody) != md5Hex(aws.ToString(m.Body)) {
			t.Errorf("MD5OfBody %s for %q", aws.ToString(m.MD5OfBody), aws.ToString(m.Body))
		}
		got[aws.ToString(m.Body)] = true
		if _, err := user.DeleteMessage(ctxT(t), &sqs.DeleteMessageInput{QueueUrl: aws.String(url), ReceiptHandle: m.ReceiptHandle}); err != nil {
			t.Fatal(err)
		}
	}
	if !got["one"] || !got["two"] {
		t.Fatalf("received %v", got)
	}

	// The same principal calling KMS itself: the condition does not hold.
	kc := kmsClient(srv, *ak.AccessKeyId, *ak.SecretAccessKey)
	keyARN := "arn:aws:kms:us-east-1:" + defaultAccount + ":key/" + keyID
	wantKMSDenied := func(err error, action string) {
		t.Helper()
		want := "User: " + userARN + " is not authorized to perform: " + action + " on resource: " + keyARN
		var ae smithy.APIError
		if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDeniedException" || !strings.Contains(ae.ErrorMessage(), want) {
			t.Fatalf("%s called directly: %v, want AccessDeniedException %q", action, err, want)
		}
	}
	_, err := kc.GenerateDataKey(ctxT(t), &kms.GenerateDataKeyInput{KeyId: aws.String(keyID), KeySpec: "AES_256",
		EncryptionContext: map[string]string{"aws:sqs:arn": queueArn(t, root, url)}})
	wantKMSDenied(err, "kms:GenerateDataKey")
	// A ciphertext the account's root made under the key (its policy's
	// Admin statement lets it).
	enc, err := kmsClient(srv, "test", "test").Encrypt(ctxT(t), &kms.EncryptInput{KeyId: aws.String(keyID), Plaintext: []byte("secret")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = kc.Decrypt(ctxT(t), &kms.DecryptInput{CiphertextBlob: enc.CiphertextBlob})
	wantKMSDenied(err, "kms:Decrypt")

	// And through SQS it still works after the denials.
	send(t, user, url, "three")
	if ms := receive(t, user, url, 10); len(ms) != 1 || aws.ToString(ms[0].Body) != "three" {
		t.Fatalf("after the direct calls: %v", ms)
	}
}
