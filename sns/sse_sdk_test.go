package sns_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/ferry-emulator/ferry/emulator"
)

// Server-side encryption with SNS: publishing to an encrypted topic needs
// the publisher's KMS permissions, and delivering into an encrypted queue
// needs the queue key's policy to trust sns.amazonaws.com.

func kmsFor(srv *emulator.Server) *kms.Client {
	return kms.New(kms.Options{
		Region: region, BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:     aws.NopRetryer{},
	})
}

const rootKeyStatement = `{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::000000000000:root"},"Action":"kms:*","Resource":"*"}`

func keyPolicy(statements ...string) string {
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(statements, ",") + `]}`
}

// The classic production failure: a topic delivering into a queue
// encrypted with a customer managed key whose policy does not trust
// sns.amazonaws.com. Publish succeeds, nothing arrives, and the audit
// trail says why; once the key policy trusts SNS, deliveries arrive.
func TestDeliveryIntoEncryptedQueueNeedsTheKeyPolicy(t *testing.T) {
	srv := startFerry(t)
	sc, qc, kc := snsFor(srv, "test"), sqsFor(srv, "test"), kmsFor(srv)
	key, err := kc.CreateKey(ctxT(t), &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	keyID := *key.KeyMetadata.KeyId
	topic := createTopic(t, sc, "records", nil)
	q := createQueue(t, qc, "records-sealed", map[string]string{"KmsMasterKeyId": keyID})
	allowTopic(t, qc, q, topic)
	subscribeQueue(t, sc, topic, q, nil)

	if _, err := sc.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("lost")}); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	empty(t, srv, qc, q)
	denied := srv.Audit(emulator.AuditFilter{Principal: "sns.amazonaws.com", Action: "kms:GenerateDataKey", Decision: "Deny"})
	if len(denied) != 1 || !strings.Contains(denied[0].Resource, keyID) {
		t.Fatalf("KMS denials of SNS: %+v", denied)
	}
	failed := srv.Audit(emulator.AuditFilter{Principal: "sns.amazonaws.com", Action: "sqs:SendMessage", Decision: "Error"})
	if len(failed) != 1 || failed[0].Resource != q.arn || !strings.Contains(failed[0].Reason, "KMS.AccessDeniedException") {
		t.Fatalf("failed deliveries: %+v", failed)
	}

	trustSNS := `{"Sid":"AllowSNS","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":["kms:GenerateDataKey*","kms:Decrypt"],"Resource":"*",` +
		`"Condition":{"ArnEquals":{"aws:SourceArn":"` + topic + `"}}}`
	if _, err := kc.PutKeyPolicy(ctxT(t), &kms.PutKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default"),
		Policy: aws.String(keyPolicy(rootKeyStatement, trustSNS))}); err != nil {
		t.Fatalf("PutKeyPolicy: %v", err)
	}
	if _, err := sc.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("delivered")}); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	ms := receive(t, qc, q, 1)
	if e := decodeEnvelope(t, *ms[0].Body); e.Message != "delivered" || e.TopicArn != topic {
		t.Fatalf("delivered %+v", e)
	}
}

// The AWS managed key of SQS cannot serve SNS: its policy trusts only the
// account's own principals through SQS.
func TestDeliveryIntoQueueWithTheAWSManagedKeyFails(t *testing.T) {
	srv := startFerry(t)
	sc, qc := snsFor(srv, "test"), sqsFor(srv, "test")
	topic := createTopic(t, sc, "managed", nil)
	q := createQueue(t, qc, "managed-sealed", map[string]string{"KmsMasterKeyId": "alias/aws/sqs"})
	allowTopic(t, qc, q, topic)
	subscribeQueue(t, sc, topic, q, nil)
	if _, err := sc.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("lost")}); err != nil {
		t.Fatalf("Publish: %v", err)
	}
	empty(t, srv, qc, q)
	if n := len(srv.Audit(emulator.AuditFilter{Principal: "sns.amazonaws.com", Action: "kms:GenerateDataKey", Decision: "Deny"})); n != 1 {
		t.Fatalf("%d KMS denials of SNS, want 1", n)
	}
}

// Publishing to an encrypted topic needs kms:GenerateDataKey and
// kms:Decrypt on its key.
func TestPublishToEncryptedTopic(t *testing.T) {
	srv := startFerry(t)
	sc, kc := snsFor(srv, "test"), kmsFor(srv)
	key, err := kc.CreateKey(ctxT(t), &kms.CreateKeyInput{})
	if err != nil {
		t.Fatal(err)
	}
	topic := createTopic(t, sc, "sealed", map[string]string{"KmsMasterKeyId": *key.KeyMetadata.KeyId})
	publish := func(c *sns.Client) error {
		_, err := c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m")})
		return err
	}
	wantError(t, publish(publisher(t, srv, "no-kms", "sns:Publish")), "KMSAccessDenied", "kms:GenerateDataKey")
	wantError(t, publish(publisher(t, srv, "no-decrypt", "sns:Publish", "kms:GenerateDataKey")), "KMSAccessDenied", "kms:Decrypt")
	allowed := publisher(t, srv, "allowed", "sns:Publish", "kms:GenerateDataKey", "kms:Decrypt")
	if err := publish(allowed); err != nil {
		t.Fatalf("a publisher with the key's permissions: %v", err)
	}
	if _, err := allowed.PublishBatch(ctxT(t), &sns.PublishBatchInput{TopicArn: aws.String(topic),
		PublishBatchRequestEntries: []snstypes.PublishBatchRequestEntry{{Id: aws.String("a"), Message: aws.String("m")}}}); err != nil {
		t.Fatalf("PublishBatch: %v", err)
	}
	// One data key for the publisher's two requests.
	if n := len(srv.Audit(emulator.AuditFilter{Action: "kms:GenerateDataKey", Decision: "Allow"})); n != 2 {
		t.Fatalf("%d data keys generated, want 2 (no-decrypt's and allowed's)", n)
	}

	if _, err := kc.DisableKey(ctxT(t), &kms.DisableKeyInput{KeyId: key.KeyMetadata.KeyId}); err != nil {
		t.Fatal(err)
	}
	wantError(t, publish(sc), "KMSDisabled", "is disabled.")

	managed := createTopic(t, sc, "managed", map[string]string{"KmsMasterKeyId": "alias/aws/sns"})
	if _, err := sc.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(managed), Message: aws.String("m")}); err != nil {
		t.Fatalf("the AWS managed key through SNS: %v", err)
	}
	missing := createTopic(t, sc, "missing", map[string]string{"KmsMasterKeyId": "alias/not-there"})
	_, err = sc.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(missing), Message: aws.String("m")})
	wantError(t, err, "KMSNotFound", "is not found.")
}

// publisher is an SNS client of a new IAM user allowed the actions.
func publisher(t *testing.T, srv *emulator.Server, name string, actions ...string) *sns.Client {
	t.Helper()
	ic := iam.New(iam.Options{
		Region: region, BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		Retryer:     aws.NopRetryer{},
	})
	ctx := ctxT(t)
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		t.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["` + strings.Join(actions, `","`) + `"],"Resource":"*"}]}`
	if _, err := ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String(name), PolicyName: aws.String("p"), PolicyDocument: aws.String(doc)}); err != nil {
		t.Fatal(err)
	}
	key, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		t.Fatal(err)
	}
	return sns.New(sns.Options{
		Region: region, BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider(*key.AccessKey.AccessKeyId, *key.AccessKey.SecretAccessKey, ""),
		Retryer:     aws.NopRetryer{},
	})
}
