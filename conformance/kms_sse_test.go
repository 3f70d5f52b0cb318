package conformance

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/ferry-emulator/ferry/emulator"
)

// KMS and server-side encryption end to end: the real aws-sdk-go-v2 KMS,
// SNS, SQS and IAM clients against ferry started in-process, following the
// healthcare scenario of AWS's "Encrypting messages published to Amazon SNS
// with AWS KMS"
// (https://aws.amazon.com/blogs/compute/encrypting-messages-published-to-amazon-sns-with-aws-kms/):
// a customer managed key EMRKey, an encrypted topic Patient-Records that an
// EMR system publishes patient records to, and three encrypted queues, one
// per integration, subscribed to it. The permissions are AWS's:
//
//   - publishing to an encrypted topic needs kms:GenerateDataKey and
//     kms:Decrypt on its key
//     (https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html);
//   - SNS delivering into an encrypted queue asks KMS for the queue's data
//     key as sns.amazonaws.com, so the queue key's policy must allow that
//     service principal kms:GenerateDataKey* and kms:Decrypt
//     (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-key-management.html#compatibility-with-aws-services);
//     without it Publish still succeeds and the message is silently lost
//     (https://repost.aws/knowledge-center/sns-topic-sqs-queue-sse-kms-key-policy);
//   - a consumer needs kms:Decrypt to receive from an encrypted queue.
//
// The identity helpers (idFerry, cred, newUser, doc, stmt, apiError,
// denial) are in identity_test.go, the SNS ones (newTopic,
// topicDeliveryPolicy, subscribeQueueTo, publish, receiveSNS,
// wantNothingMore, decodeSNS, checkNotification) in sns_test.go.

const (
	emrAlias = "alias/EMRKey"
	// kmsSNSSid names the key policy statement that trusts SNS.
	kmsSNSSid = "Allow Amazon SNS to use this key"
)

// kms is a KMS client (AWS JSON 1.1) signing with c; like the other
// clients, it never retries.
func (f *idFerry) kms(c cred) *kms.Client {
	return kms.New(kms.Options{
		Region: idRegion, BaseEndpoint: aws.String(f.srv.URL()), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(c.id, c.secret, c.token),
	})
}

// emrKeyPolicy is the EMRKey's key policy: the statements of the KMS
// console's default key policy
// (https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html)
// for the account root, the key administrator Admin and the key user
// Admin; one letting EMRUser get and decrypt data keys, as publishing to
// the topic needs; and, when trustSNS is set, the one letting
// sns.amazonaws.com do the same, as delivering into the queues needs.
func emrKeyPolicy(t *testing.T, trustSNS bool) string {
	t.Helper()
	admin, emrUser := userARN(acctA, "Admin"), userARN(acctA, "EMRUser")
	statements := []stmt{
		{
			"Sid": "Enable IAM User Permissions", "Effect": "Allow",
			"Principal": map[string]any{"AWS": rootARN(acctA)}, "Action": "kms:*", "Resource": "*",
		},
		{
			"Sid": "Allow access for Key Administrators", "Effect": "Allow",
			"Principal": map[string]any{"AWS": admin},
			"Action": []string{
				"kms:Create*", "kms:Describe*", "kms:Enable*", "kms:List*", "kms:Put*", "kms:Update*",
				"kms:Revoke*", "kms:Disable*", "kms:Get*", "kms:Delete*", "kms:TagResource", "kms:UntagResource",
				"kms:ScheduleKeyDeletion", "kms:CancelKeyDeletion",
			},
			"Resource": "*",
		},
		{
			"Sid": "Allow use of the key", "Effect": "Allow",
			"Principal": map[string]any{"AWS": admin},
			"Action":    []string{"kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"},
			"Resource":  "*",
		},
		{
			"Sid": "Allow EMRUser to publish to encrypted topics", "Effect": "Allow",
			"Principal": map[string]any{"AWS": emrUser},
			"Action":    []string{"kms:GenerateDataKey*", "kms:Decrypt"},
			"Resource":  "*",
		},
	}
	if trustSNS {
		statements = append(statements, stmt{
			"Sid": kmsSNSSid, "Effect": "Allow",
			"Principal": map[string]any{"Service": snsServicePrincipal},
			"Action":    []string{"kms:GenerateDataKey*", "kms:Decrypt"},
			"Resource":  "*",
		})
	}
	return doc(t, statements...)
}

// TestKMSEncryptedPatientRecordsFanOut is the blog's scenario end to end,
// then the classic failure: the key policy replaced by one that does not
// trust sns.amazonaws.com, after which Publish still succeeds, nothing
// arrives, and the audit trail says why.
func TestKMSEncryptedPatientRecordsFanOut(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	iamRoot := f.iam(rootOf(acctA))
	topicARN := snsTopicARN(acctA, "Patient-Records")

	// IAM: the administrator, the EMR system's publisher, and two users the
	// key policy does not name and no KMS identity policy allows: a
	// publisher and a consumer of the scheduling queue.
	admin := newUser(t, iamRoot, "Admin", "AdminAccess", doc(t, stmt{
		"Effect": "Allow", "Action": []string{"kms:*", "sns:*", "sqs:*"}, "Resource": "*",
	}))
	emrUser := newUser(t, iamRoot, "EMRUser", "PublishPatientRecords", doc(t, stmt{
		"Effect": "Allow", "Action": "sns:Publish", "Resource": topicARN,
	}))
	intern := newUser(t, iamRoot, "Intern", "PublishPatientRecords", doc(t, stmt{
		"Effect": "Allow", "Action": "sns:Publish", "Resource": topicARN,
	}))
	scheduler := newUser(t, iamRoot, "Scheduler", "ReadScheduling", doc(t, stmt{
		"Effect": "Allow", "Action": []string{"sqs:ReceiveMessage", "sqs:DeleteMessage"},
		"Resource": sqsARN(acctA, "Scheduling-Integration"),
	}))
	kmsAdmin, snsAdmin, sqsAdmin := f.kms(admin), f.sns(admin), f.sqs(admin)

	// KMS: the key, with its policy, and the alias everything names it by.
	created, err := kmsAdmin.CreateKey(ctx, &kms.CreateKeyInput{
		Description: aws.String("Patient records"), Policy: aws.String(emrKeyPolicy(t, true)),
	})
	if err != nil {
		t.Fatalf("CreateKey: %v", err)
	}
	keyID, keyARN := aws.ToString(created.KeyMetadata.KeyId), aws.ToString(created.KeyMetadata.Arn)
	if want := "arn:aws:kms:" + idRegion + ":" + acctA + ":key/" + keyID; keyARN != want {
		t.Fatalf("key ARN %s, want %s", keyARN, want)
	}
	if _, err := kmsAdmin.CreateAlias(ctx, &kms.CreateAliasInput{AliasName: aws.String(emrAlias), TargetKeyId: aws.String(keyID)}); err != nil {
		t.Fatalf("CreateAlias: %v", err)
	}
	described, err := kmsAdmin.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(emrAlias)})
	if err != nil {
		t.Fatalf("DescribeKey %s: %v", emrAlias, err)
	}
	if got := aws.ToString(described.KeyMetadata.Arn); got != keyARN {
		t.Fatalf("%s names %s, want %s", emrAlias, got, keyARN)
	}

	// SNS and SQS: the encrypted topic and the three encrypted queues, each
	// with the queue policy that lets the topic deliver. Billing and
	// Scheduling get SNS's JSON envelope, Prescription raw delivery.
	newTopic(t, snsAdmin, acctA, "Patient-Records", map[string]string{"KmsMasterKeyId": emrAlias})
	type integration struct {
		name, url, arn, sub string
		raw                 bool
	}
	integrations := []*integration{
		{name: "Billing-Integration"}, {name: "Scheduling-Integration"}, {name: "Prescription-Integration", raw: true},
	}
	for _, q := range integrations {
		q.arn = sqsARN(acctA, q.name)
		out, err := sqsAdmin.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(q.name), Attributes: map[string]string{
			"KmsMasterKeyId": emrAlias, "Policy": topicDeliveryPolicy(t, q.arn, topicARN),
		}})
		if err != nil {
			t.Fatalf("CreateQueue %s: %v", q.name, err)
		}
		q.url = aws.ToString(out.QueueUrl)
		attrs, err := sqsAdmin.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{
			QueueUrl: aws.String(q.url), AttributeNames: []sqstypes.QueueAttributeName{sqstypes.QueueAttributeNameAll},
		})
		if err != nil {
			t.Fatalf("GetQueueAttributes %s: %v", q.name, err)
		}
		wantAttributes(t, q.name, attrs.Attributes, map[string]string{
			"KmsMasterKeyId": emrAlias, "KmsDataKeyReusePeriodSeconds": "300", "SqsManagedSseEnabled": "false",
		})
		var subAttrs map[string]string
		if q.raw {
			subAttrs = map[string]string{"RawMessageDelivery": "true"}
		}
		q.sub = subscribeQueueTo(t, snsAdmin, topicARN, q.arn, subAttrs)
		checkSubscriptionARN(t, q.sub, topicARN)
	}
	topicAttrs, err := snsAdmin.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topicARN)})
	if err != nil {
		t.Fatalf("GetTopicAttributes: %v", err)
	}
	wantAttributes(t, "Patient-Records", topicAttrs.Attributes, map[string]string{"KmsMasterKeyId": emrAlias, "SubscriptionsConfirmed": "3"})

	// receiveOne has Admin, who may decrypt, take the one record a queue
	// holds, and checks that it holds no other. Once ferry's clock has been
	// moved ahead, an envelope's Timestamp is ferry's time, not the test's,
	// so only the envelope's other fields are compared.
	receiveOne := func(q *integration, messageID, record string, clockMoved bool) {
		t.Helper()
		m := receiveSNS(t, sqsAdmin, q.url, 1)[0]
		body := aws.ToString(m.Body)
		if got := aws.ToString(m.MD5OfBody); got != md5Hex(body) {
			t.Errorf("%s: MD5OfBody %s for %q", q.name, got, body)
		}
		if q.raw {
			if body != record {
				t.Errorf("%s (raw delivery) received %q, want %q", q.name, body, record)
			}
		} else {
			d := decodeSNS(t, body)
			checkSigned(t, f, d)
			if !clockMoved {
				checkNotification(t, f, d, topicARN, q.sub, messageID, record, nil)
			} else if d.Type != "Notification" || d.MessageId != messageID || d.TopicArn != topicARN || d.Message != record {
				t.Errorf("%s received {Type %q, MessageId %q, TopicArn %q, Message %q}, want {Notification, %q, %q, %q}",
					q.name, d.Type, d.MessageId, d.TopicArn, d.Message, messageID, topicARN, record)
			}
		}
		wantNothingMore(t, f, sqsAdmin, q.url)
	}

	// 1. EMRUser publishes a patient record, signing with the access key
	// IAM gave it; every integration receives it exactly once.
	record := mustJSON(t, map[string]any{
		"patientId": "P-1042", "name": "Jane Doe", "event": "admission", "ward": "Cardiology",
		"prescriptions": []string{"atorvastatin 20 mg"}, "insurance": map[string]string{"provider": "Acme Health", "policy": "AH-556677"},
	})
	messageID, publishID := publish(t, f.sns(emrUser), &sns.PublishInput{TopicArn: aws.String(topicARN), Message: aws.String(record)})
	if err := f.srv.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v", err)
	}

	// Every delivery went through the key policy's statement for SNS: SQS
	// asked KMS for each queue's data key as sns.amazonaws.com (and, as
	// SQS does, decrypted it before use); EMRUser's own data key for the
	// topic came through the statement naming EMRUser.
	snsAllowed := sortedLines(
		"kms:Decrypt "+keyARN+" Allow [key policy/"+kmsSNSSid+"] allowed by key policy",
		"kms:GenerateDataKey "+keyARN+" Allow [key policy/"+kmsSNSSid+"] allowed by key policy",
	)
	var firstDeliveries []string
	for _, q := range integrations {
		firstDeliveries = append(firstDeliveries,
			"sqs:SendMessage "+q.arn+" Allow [queue policy/AllowTopicDelivery] allowed by queue policy")
		firstDeliveries = append(firstDeliveries, snsAllowed...)
	}
	wantAudit(t, f, "EMRUser's first record, SNS's deliveries", publishID, snsServicePrincipal, firstDeliveries...)
	wantAudit(t, f, "EMRUser's first record, EMRUser's data key", publishID, userARN(acctA, "EMRUser"),
		"sns:Publish "+topicARN+" Allow [topic policy/__default_statement_ID] allowed by topic policy",
		"kms:GenerateDataKey "+keyARN+" Allow [key policy/Allow EMRUser to publish to encrypted topics] allowed by key policy",
		"kms:Decrypt "+keyARN+" Allow [key policy/Allow EMRUser to publish to encrypted topics] allowed by key policy",
	)

	// 2. A consumer without kms:Decrypt on the key (the key policy does not
	// name it, and its identity policy allows only SQS) cannot open the
	// scheduling queue's record: SQS answers KmsAccessDenied with KMS's
	// message, and the record stays in the queue for those who can.
	// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html#API_ReceiveMessage_Errors
	schedulerSQS := f.sqs(scheduler)
	_, err = schedulerSQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(integrations[1].url), MaxNumberOfMessages: 10})
	wantKMSDeniedBySQS(t, err, schedulerSQS, denial{
		principal: userARN(acctA, "Scheduler"), action: "kms:Decrypt", resource: keyARN,
		why: []string{becauseNo("identity-based", "kms:Decrypt")},
	})

	// 3. A publisher allowed sns:Publish but nothing on the key: SNS
	// refuses the record with KMSAccessDenied and KMS's message, and
	// delivers nothing.
	// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_Errors
	_, err = f.sns(intern).Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topicARN), Message: aws.String(record)})
	ae := apiError(t, err, "KMSAccessDenied", http.StatusBadRequest)
	wantKMSMessage(t, ae.ErrorMessage(), denial{
		principal: userARN(acctA, "Intern"), action: "kms:GenerateDataKey", resource: keyARN,
		why: []string{becauseNo("identity-based", "kms:GenerateDataKey")},
	})
	internRequest := requestID(t, err)
	wantAudit(t, f, "Intern's refused record", internRequest, userARN(acctA, "Intern"),
		"sns:Publish "+topicARN+" Allow [topic policy/__default_statement_ID] allowed by topic policy",
		"kms:GenerateDataKey "+keyARN+" Deny [] User: "+userARN(acctA, "Intern")+" is not authorized to perform: kms:GenerateDataKey on resource: "+
			keyARN+" because no identity-based policy allows the kms:GenerateDataKey action",
	)
	if err := f.srv.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	wantAudit(t, f, "Intern's refused record, SNS's deliveries", internRequest, snsServicePrincipal)

	// Admin, who may decrypt, finds EMRUser's record in every queue, once,
	// and nothing of Intern's.
	for _, q := range integrations {
		receiveOne(q, messageID, record, false)
	}

	// 4. Admin replaces the key policy with one that no longer trusts
	// sns.amazonaws.com (EMRUser and Admin keep their statements).
	untrusting := emrKeyPolicy(t, false)
	if _, err := kmsAdmin.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(keyID), Policy: aws.String(untrusting)}); err != nil {
		t.Fatalf("PutKeyPolicy without the SNS statement: %v", err)
	}
	got, err := kmsAdmin.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String(keyID), PolicyName: aws.String("default")})
	if err != nil {
		t.Fatalf("GetKeyPolicy: %v", err)
	}
	if !sameJSON(t, aws.ToString(got.Policy), untrusting) {
		t.Fatalf("GetKeyPolicy = %s, want %s", aws.ToString(got.Policy), untrusting)
	}

	// Within the queues' KmsDataKeyReusePeriodSeconds SQS does not call
	// KMS again ("the length of time … for which Amazon SQS can reuse a
	// data key to encrypt or decrypt messages before calling AWS KMS
	// again", https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html),
	// so a record published at once still arrives: the change of policy
	// shows only once the data keys SNS was given have expired.
	record2 := mustJSON(t, map[string]any{"patientId": "P-1042", "event": "transfer", "ward": "Recovery"})
	messageID2, publishID2 := publish(t, f.sns(emrUser), &sns.PublishInput{TopicArn: aws.String(topicARN), Message: aws.String(record2)})
	if err := f.srv.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	var reused []string
	for _, q := range integrations {
		reused = append(reused, "sqs:SendMessage "+q.arn+" Allow [queue policy/AllowTopicDelivery] allowed by queue policy")
	}
	wantAudit(t, f, "a record within the reuse period, SNS's deliveries", publishID2, snsServicePrincipal, reused...)
	for _, q := range integrations {
		receiveOne(q, messageID2, record2, false)
	}

	// 5. Past the reuse period (300 s, the default, for the queues; five
	// minutes for SNS's own data keys), a record EMRUser publishes is
	// accepted, since EMRUser is still allowed the key, but SNS can no
	// longer get a data key for any queue: the queues receive nothing, and
	// the audit trail says why, for each queue: SQS allowed the topic to
	// send, KMS denied sns.amazonaws.com the data key because no statement
	// of the key policy allows it, and the delivery failed with that
	// denial.
	f.setOffset(6 * time.Minute)
	record3 := mustJSON(t, map[string]any{"patientId": "P-1042", "event": "discharge", "followUp": "2 weeks"})
	_, publishID3 := publish(t, f.sns(emrUser), &sns.PublishInput{TopicArn: aws.String(topicARN), Message: aws.String(record3)})
	for _, q := range integrations {
		wantNothingMore(t, f, sqsAdmin, q.url)
	}
	kmsDenial := "User: " + snsServicePrincipal + " is not authorized to perform: kms:GenerateDataKey on resource: " + keyARN +
		" because no resource-based policy allows the kms:GenerateDataKey action"
	var lost []string
	for _, q := range integrations {
		lost = append(lost,
			"sqs:SendMessage "+q.arn+" Allow [queue policy/AllowTopicDelivery] allowed by queue policy",
			"kms:GenerateDataKey "+keyARN+" Deny [] "+kmsDenial,
			"sqs:SendMessage "+q.arn+" Error [] the call failed: KMS.AccessDeniedException: "+kmsDenial+
				" (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException)",
		)
	}
	wantAudit(t, f, "a record after the key stopped trusting SNS, SNS's deliveries", publishID3, snsServicePrincipal, lost...)
	wantAudit(t, f, "a record after the key stopped trusting SNS, EMRUser's new data key", publishID3, userARN(acctA, "EMRUser"),
		"sns:Publish "+topicARN+" Allow [topic policy/__default_statement_ID] allowed by topic policy",
		"kms:GenerateDataKey "+keyARN+" Allow [key policy/Allow EMRUser to publish to encrypted topics] allowed by key policy",
		"kms:Decrypt "+keyARN+" Allow [key policy/Allow EMRUser to publish to encrypted topics] allowed by key policy",
	)
	// The audit trail's decision filter finds the denials too.
	denied := 0
	for _, e := range f.srv.Audit(emulator.AuditFilter{Account: acctA, Principal: snsServicePrincipal, Action: "kms:GenerateDataKey", Decision: "Deny"}) {
		if e.RequestID == publishID3 && e.Resource == keyARN && e.Enforced {
			denied++
		}
	}
	if denied != len(integrations) {
		t.Errorf("the audit trail's filter finds %d enforced KMS denials of SNS for the record, want %d", denied, len(integrations))
	}

	// 6. AWS's fix, the statement for SNS put back: the next record
	// arrives everywhere again. The lost one stays lost.
	if _, err := kmsAdmin.PutKeyPolicy(ctx, &kms.PutKeyPolicyInput{KeyId: aws.String(keyID), Policy: aws.String(emrKeyPolicy(t, true))}); err != nil {
		t.Fatalf("PutKeyPolicy with the SNS statement: %v", err)
	}
	record4 := mustJSON(t, map[string]any{"patientId": "P-1042", "event": "follow-up", "clinic": "Cardiology"})
	messageID4, publishID4 := publish(t, f.sns(emrUser), &sns.PublishInput{TopicArn: aws.String(topicARN), Message: aws.String(record4)})
	if err := f.srv.Flush(ctx); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	wantAudit(t, f, "a record after the fix, SNS's deliveries", publishID4, snsServicePrincipal, firstDeliveries...)
	for _, q := range integrations {
		receiveOne(q, messageID4, record4, true)
	}
}

// wantAudit checks the audit trail's events of one request by one
// principal, in any order (SNS delivers to the queues concurrently), each
// written as "action resource decision [policy/sid] reason". Every event
// must be enforced and filed under the scenario's account.
func wantAudit(t *testing.T, f *idFerry, what, requestID, principal string, want ...string) {
	t.Helper()
	var got []string
	for _, e := range f.srv.Audit(emulator.AuditFilter{Principal: principal}) {
		if e.RequestID != requestID {
			continue
		}
		st := ""
		if e.Statement != nil {
			st = e.Statement.Policy + "/" + e.Statement.Sid
		}
		got = append(got, e.Action+" "+e.Resource+" "+e.Decision+" ["+st+"] "+e.Reason)
		if !e.Enforced || e.Account != acctA {
			t.Errorf("%s: event %s %s filed under account %q, enforced %v; want %s, true", what, e.Action, e.Resource, e.Account, e.Enforced, acctA)
		}
	}
	slices.Sort(got)
	want = sortedLines(want...)
	if !slices.Equal(got, want) {
		t.Errorf("%s: audit events of %s for request %s\n got:\n  %s\nwant:\n  %s", what, principal, requestID,
			strings.Join(got, "\n  "), strings.Join(want, "\n  "))
	}
}

func sortedLines(lines ...string) []string {
	out := slices.Clone(lines)
	slices.Sort(out)
	return out
}

// wantKMSMessage checks the message of a KMS error that SQS or SNS relays:
// KMS's access-denied message followed by the Java SDK's description of
// KMS's answer, which AWS's services append ("(Service: AWSKMS; Status
// Code: 400; Error Code: AccessDeniedException; Request ID: …)"; whether
// the request id and the rest follow is not checked).
func wantKMSMessage(t *testing.T, msg string, d denial) {
	t.Helper()
	kmsPart, relayed, ok := strings.Cut(msg, " (Service: AWSKMS; ")
	if !ok || !strings.HasPrefix(relayed, "Status Code: 400; Error Code: AccessDeniedException") || !strings.HasSuffix(relayed, ")") {
		t.Errorf("message %q does not end with (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException…)", msg)
	}
	d.check(t, kmsPart)
}

// wantKMSDeniedBySQS checks SQS's KmsAccessDenied as the SDK sees it and
// as it came over the wire: HTTP 400, AWS JSON 1.0 with the __type
// KmsAccessDenied and, SQS being query-compatible, the header
// x-amzn-query-error: KMS.AccessDeniedException;Sender.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_ReceiveMessage.html#API_ReceiveMessage_Errors
func wantKMSDeniedBySQS(t *testing.T, err error, c *sqsClient, d denial) {
	t.Helper()
	var kad *sqstypes.KmsAccessDenied
	if !errors.As(err, &kad) {
		t.Fatalf("got %v, want KmsAccessDenied", err)
	}
	// The SDK reports the query code of x-amzn-query-error as the code.
	ae := apiError(t, err, "KMS.AccessDeniedException", http.StatusBadRequest)
	wantKMSMessage(t, ae.ErrorMessage(), d)
	status, header, body := c.wire.last()
	if status != http.StatusBadRequest {
		t.Errorf("wire status %d, want 400", status)
	}
	if got := header.Get("x-amzn-query-error"); got != "KMS.AccessDeniedException;Sender" {
		t.Errorf("x-amzn-query-error = %q, want KMS.AccessDeniedException;Sender", got)
	}
	var wireErr struct {
		Type    string `json:"__type"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal(body, &wireErr); err != nil {
		t.Fatalf("error body %q: %v", body, err)
	}
	if _, shape, _ := strings.Cut(wireErr.Type, "#"); shape != "KmsAccessDenied" {
		t.Errorf("__type = %q, want com.amazonaws.sqs#KmsAccessDenied", wireErr.Type)
	}
	if wireErr.Message != ae.ErrorMessage() {
		t.Errorf("body message %q, SDK message %q", wireErr.Message, ae.ErrorMessage())
	}
}

// sameJSON reports whether two JSON documents are equal as values.
func sameJSON(t *testing.T, a, b string) bool {
	t.Helper()
	var va, vb any
	if err := json.Unmarshal([]byte(a), &va); err != nil {
		t.Fatalf("%q: %v", a, err)
	}
	if err := json.Unmarshal([]byte(b), &vb); err != nil {
		t.Fatalf("%q: %v", b, err)
	}
	return reflect.DeepEqual(va, vb)
}
