package conformance

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"encoding/xml"
	"fmt"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/ferry-emulator/ferry/emulator"
)

// SNS end to end: the real aws-sdk-go-v2 SNS, SQS, IAM and STS clients
// against ferry started in-process, with several accounts at once, following
// AWS's articles on SNS fan-out into SQS, across accounts, and on verifying
// the signatures of the messages SNS sends. The shared identity helpers
// (idFerry, cred, rootOf, newQueue, doc, stmt, apiError, denial) are in
// identity_test.go.

const (
	acctC = "333333333333" // an account no policy names
	acctD = "444444444444" // in the management-account flow, an account outside the organization

	// snsServicePrincipal is who delivers into SQS for a topic.
	snsServicePrincipal = "sns.amazonaws.com"
	// snsTimestampLayout is the layout of the Timestamp in SNS's documents.
	snsTimestampLayout = "2006-01-02T15:04:05.000Z"
)

// sns is an SNS client (query protocol) signing with c; like the other
// clients, it never retries.
func (f *idFerry) sns(c cred) *sns.Client {
	return sns.New(sns.Options{
		Region: idRegion, BaseEndpoint: aws.String(f.srv.URL()), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(c.id, c.secret, c.token),
	})
}

func snsTopicARN(account, name string) string {
	return "arn:aws:sns:" + idRegion + ":" + account + ":" + name
}

func rootARN(account string) string { return "arn:aws:iam::" + account + ":root" }

// newTopic creates a topic in account and checks its ARN.
func newTopic(t *testing.T, c *sns.Client, account, name string, attrs map[string]string) string {
	t.Helper()
	out, err := c.CreateTopic(ctxFor(t), &sns.CreateTopicInput{Name: aws.String(name), Attributes: attrs})
	if err != nil {
		t.Fatalf("CreateTopic %s: %v", name, err)
	}
	if got, want := aws.ToString(out.TopicArn), snsTopicARN(account, name); got != want {
		t.Fatalf("CreateTopic %s: TopicArn = %s, want %s", name, got, want)
	}
	return aws.ToString(out.TopicArn)
}

// topicDeliveryPolicy is the queue policy AWS documents for a topic
// delivering into a queue: sns.amazonaws.com may send when aws:SourceArn is
// one of the topics.
// https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html
func topicDeliveryPolicy(t *testing.T, queueARN string, topicARNs ...string) string {
	t.Helper()
	return doc(t, stmt{
		"Sid": "AllowTopicDelivery", "Effect": "Allow",
		"Principal": map[string]any{"Service": snsServicePrincipal},
		"Action":    "sqs:SendMessage", "Resource": queueARN,
		"Condition": map[string]any{"ArnEquals": map[string]any{"aws:SourceArn": topicARNs}},
	})
}

func setQueuePolicy(t *testing.T, c *sqsClient, queueURL, policy string) {
	t.Helper()
	if _, err := c.SetQueueAttributes(ctxFor(t), &sqs.SetQueueAttributesInput{
		QueueUrl: aws.String(queueURL), Attributes: map[string]string{"Policy": policy},
	}); err != nil {
		t.Fatalf("SetQueueAttributes Policy on %s: %v", queueURL, err)
	}
}

// addTopicStatement adds a statement to a topic's access policy, keeping
// what is there, as the console's policy editor does.
func addTopicStatement(t *testing.T, c *sns.Client, topicARN string, s stmt) {
	t.Helper()
	ctx := ctxFor(t)
	out, err := c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topicARN)})
	if err != nil {
		t.Fatalf("GetTopicAttributes %s: %v", topicARN, err)
	}
	var policy map[string]any
	if err := json.Unmarshal([]byte(out.Attributes["Policy"]), &policy); err != nil {
		t.Fatalf("topic %s: Policy %q: %v", topicARN, out.Attributes["Policy"], err)
	}
	statements, _ := policy["Statement"].([]any)
	if len(statements) == 0 {
		t.Fatalf("topic %s: default policy has no statements: %s", topicARN, out.Attributes["Policy"])
	}
	policy["Statement"] = append(statements, s)
	if _, err := c.SetTopicAttributes(ctx, &sns.SetTopicAttributesInput{
		TopicArn: aws.String(topicARN), AttributeName: aws.String("Policy"), AttributeValue: aws.String(mustJSON(t, policy)),
	}); err != nil {
		t.Fatalf("SetTopicAttributes Policy on %s: %v", topicARN, err)
	}
}

// subscribeQueueTo subscribes a queue, as c, and returns what Subscribe
// answered: the subscription's ARN, or "pending confirmation".
func subscribeQueueTo(t *testing.T, c *sns.Client, topicARN, queueARN string, attrs map[string]string) string {
	t.Helper()
	out, err := c.Subscribe(ctxFor(t), &sns.SubscribeInput{
		TopicArn: aws.String(topicARN), Protocol: aws.String("sqs"), Endpoint: aws.String(queueARN), Attributes: attrs,
	})
	if err != nil {
		t.Fatalf("Subscribe %s to %s: %v", queueARN, topicARN, err)
	}
	return aws.ToString(out.SubscriptionArn)
}

// checkSubscriptionARN checks that Subscribe answered a confirmed
// subscription's ARN: the topic's ARN and a UUID.
func checkSubscriptionARN(t *testing.T, got, topicARN string) {
	t.Helper()
	id, ok := strings.CutPrefix(got, topicARN+":")
	if !ok || len(id) != 36 || strings.Count(id, "-") != 4 {
		t.Fatalf("SubscriptionArn = %q, want %s:<uuid>", got, topicARN)
	}
}

func publish(t *testing.T, c *sns.Client, in *sns.PublishInput) (messageID, requestID string) {
	t.Helper()
	out, err := c.Publish(ctxFor(t), in)
	if err != nil {
		t.Fatalf("Publish to %s: %v", aws.ToString(in.TopicArn), err)
	}
	rid, _ := awsmiddleware.GetRequestIDMetadata(out.ResultMetadata)
	if aws.ToString(out.MessageId) == "" || rid == "" {
		t.Fatalf("Publish to %s: MessageId %q, request id %q; want both", aws.ToString(in.TopicArn), aws.ToString(out.MessageId), rid)
	}
	return aws.ToString(out.MessageId), rid
}

// receiveSNS receives (and deletes) until it holds n messages, for at most
// 20 long polls of a second; more than n is an error.
func receiveSNS(t *testing.T, c *sqsClient, queueURL string, n int) []sqstypes.Message {
	t.Helper()
	ctx := ctxFor(t)
	var got []sqstypes.Message
	for i := 0; i < 20 && len(got) < n; i++ {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{
			QueueUrl: aws.String(queueURL), MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 60,
			MessageAttributeNames:       []string{"All"},
			MessageSystemAttributeNames: []sqstypes.MessageSystemAttributeName{sqstypes.MessageSystemAttributeNameAll},
		})
		if err != nil {
			t.Fatalf("ReceiveMessage %s: %v", queueURL, err)
		}
		for _, m := range out.Messages {
			if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: aws.String(queueURL), ReceiptHandle: m.ReceiptHandle}); err != nil {
				t.Fatalf("DeleteMessage %s: %v", queueURL, err)
			}
		}
		got = append(got, out.Messages...)
	}
	if len(got) != n {
		var bodies []string
		for _, m := range got {
			bodies = append(bodies, aws.ToString(m.Body))
		}
		t.Fatalf("received %d messages from %s, want %d: %q", len(got), queueURL, n, bodies)
	}
	return got
}

// wantNothingMore checks, once every delivery in flight has been made, that
// a queue holds nothing.
func wantNothingMore(t *testing.T, f *idFerry, c *sqsClient, queueURL string) {
	t.Helper()
	if err := f.srv.Flush(ctxFor(t)); err != nil {
		t.Fatalf("Flush: %v", err)
	}
	out, err := c.ReceiveMessage(ctxFor(t), &sqs.ReceiveMessageInput{QueueUrl: aws.String(queueURL), MaxNumberOfMessages: 10})
	if err != nil {
		t.Fatalf("ReceiveMessage %s: %v", queueURL, err)
	}
	if len(out.Messages) != 0 {
		t.Fatalf("%s holds %d more messages, want none; the first: %s", queueURL, len(out.Messages), aws.ToString(out.Messages[0].Body))
	}
}

// snsDoc is a JSON document SNS delivers: a Notification, a
// SubscriptionConfirmation or an UnsubscribeConfirmation.
// https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html
type snsDoc struct {
	Type             string
	MessageId        string
	Token            string
	TopicArn         string
	Subject          *string // present only when the message was published with one
	Message          string
	SubscribeURL     string
	Timestamp        string
	SignatureVersion string
	Signature        string
	SigningCertURL   string
	UnsubscribeURL   string
	SequenceNumber   string
	// Type and Value of each attribute.
	MessageAttributes map[string]struct{ Type, Value string }
}

// decodeSNS decodes a delivered document; a field AWS does not send is an
// error.
func decodeSNS(t *testing.T, body string) snsDoc {
	t.Helper()
	var d snsDoc
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&d); err != nil {
		t.Fatalf("not an SNS document: %v\n%s", err, body)
	}
	return d
}

// stringToSign is AWS's string to sign for a document: each field's name
// and value on lines of their own, in this order.
// https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message-verify-message-signature.html
func (d snsDoc) stringToSign() (string, error) {
	var fields [][2]string
	switch d.Type {
	case "Notification":
		fields = [][2]string{{"Message", d.Message}, {"MessageId", d.MessageId}}
		if d.Subject != nil {
			fields = append(fields, [2]string{"Subject", *d.Subject})
		}
		fields = append(fields, [2]string{"Timestamp", d.Timestamp}, [2]string{"TopicArn", d.TopicArn}, [2]string{"Type", d.Type})
	case "SubscriptionConfirmation", "UnsubscribeConfirmation":
		fields = [][2]string{{"Message", d.Message}, {"MessageId", d.MessageId}, {"SubscribeURL", d.SubscribeURL},
			{"Timestamp", d.Timestamp}, {"Token", d.Token}, {"TopicArn", d.TopicArn}, {"Type", d.Type}}
	default:
		return "", fmt.Errorf("unknown message type %q", d.Type)
	}
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(f[0] + "\n" + f[1] + "\n")
	}
	return b.String(), nil
}

// signingCert fetches the certificate a document names, unsigned, as a
// subscriber does.
func signingCert(ctx context.Context, certURL string) (*x509.Certificate, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, certURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %s", certURL, resp.Status, body)
	}
	block, _ := pem.Decode(body)
	if block == nil || block.Type != "CERTIFICATE" {
		return nil, fmt.Errorf("GET %s: no PEM certificate in %q", certURL, body)
	}
	return x509.ParseCertificate(block.Bytes)
}

// verify checks a document's Signature with the certificate at its
// SigningCertURL: SHA1withRSA for SignatureVersion 1, SHA256withRSA for 2.
func (d snsDoc) verify(ctx context.Context) error {
	cert, err := signingCert(ctx, d.SigningCertURL)
	if err != nil {
		return err
	}
	pub, ok := cert.PublicKey.(*rsa.PublicKey)
	if !ok {
		return fmt.Errorf("the signing certificate's key is a %T, want RSA", cert.PublicKey)
	}
	s, err := d.stringToSign()
	if err != nil {
		return err
	}
	sig, err := base64.StdEncoding.DecodeString(d.Signature)
	if err != nil {
		return fmt.Errorf("Signature is not base64: %v", err)
	}
	switch d.SignatureVersion {
	case "1":
		sum := sha1.Sum([]byte(s))
		return rsa.VerifyPKCS1v15(pub, crypto.SHA1, sum[:], sig)
	case "2":
		sum := sha256.Sum256([]byte(s))
		return rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig)
	}
	return fmt.Errorf("SignatureVersion %q", d.SignatureVersion)
}

// checkSigned checks that a document's signature verifies, and that the
// same document with its Message or Timestamp changed does not.
func checkSigned(t *testing.T, f *idFerry, d snsDoc) {
	t.Helper()
	ctx := ctxFor(t)
	if want := f.srv.URL() + "/_ferry/sns/SimpleNotificationService-"; !strings.HasPrefix(d.SigningCertURL, want) || !strings.HasSuffix(d.SigningCertURL, ".pem") {
		t.Errorf("%s: SigningCertURL = %s, want %s<hash>.pem", d.Type, d.SigningCertURL, want)
	}
	if err := d.verify(ctx); err != nil {
		t.Fatalf("%s (SignatureVersion %s) does not verify: %v", d.Type, d.SignatureVersion, err)
	}
	tampered := d
	tampered.Message += " (altered)"
	if err := tampered.verify(ctx); err == nil {
		t.Errorf("%s with an altered Message still verifies", d.Type)
	}
	tampered = d
	tampered.Timestamp = "2000-01-01T00:00:00.000Z"
	if err := tampered.verify(ctx); err == nil {
		t.Errorf("%s with an altered Timestamp still verifies", d.Type)
	}
}

func checkRecentTimestamp(t *testing.T, d snsDoc) {
	t.Helper()
	ts, err := time.Parse(snsTimestampLayout, d.Timestamp)
	if err != nil {
		t.Errorf("%s Timestamp %q: %v", d.Type, d.Timestamp, err)
		return
	}
	if age := time.Since(ts); age < -time.Minute || age > 10*time.Minute {
		t.Errorf("%s Timestamp %s is not a recent time", d.Type, d.Timestamp)
	}
}

// checkNotification checks a Notification as delivered into a queue of
// any account by the topic's subscription sub.
func checkNotification(t *testing.T, f *idFerry, d snsDoc, topicARN, subARN, messageID, message string, subject *string) {
	t.Helper()
	if d.Type != "Notification" || d.MessageId != messageID || d.TopicArn != topicARN || d.Message != message ||
		aws.ToString(d.Subject) != aws.ToString(subject) || (d.Subject == nil) != (subject == nil) {
		t.Errorf("notification = {Type %q, MessageId %q, TopicArn %q, Message %q, Subject %v}, want {Notification, %q, %q, %q, %v}",
			d.Type, d.MessageId, d.TopicArn, d.Message, aws.ToString(d.Subject), messageID, topicARN, message, aws.ToString(subject))
	}
	checkUnsubscribeURL(t, f, d.UnsubscribeURL, subARN)
	if d.Token != "" || d.SubscribeURL != "" {
		t.Errorf("a Notification carries Token %q and SubscribeURL %q; want neither", d.Token, d.SubscribeURL)
	}
	checkRecentTimestamp(t, d)
}

// checkUnsubscribeURL checks that a message's UnsubscribeURL is ferry's
// endpoint with Action=Unsubscribe and the subscription's ARN. AWS's
// examples leave the ARN's colons unescaped; either form is the same query.
func checkUnsubscribeURL(t *testing.T, f *idFerry, got, subARN string) {
	t.Helper()
	u, err := url.Parse(got)
	if err != nil || u.Scheme+"://"+u.Host != f.srv.URL() || u.Path != "/" || len(u.Query()) != 2 ||
		u.Query().Get("Action") != "Unsubscribe" || u.Query().Get("SubscriptionArn") != subARN {
		t.Errorf("UnsubscribeURL = %s, want %s/?Action=Unsubscribe&SubscriptionArn=%s", got, f.srv.URL(), subARN)
	}
}

// checkSubscriptionConfirmation checks a SubscriptionConfirmation and
// returns its token.
func checkSubscriptionConfirmation(t *testing.T, f *idFerry, d snsDoc, topicARN string) string {
	t.Helper()
	if d.Type != "SubscriptionConfirmation" || d.TopicArn != topicARN || d.MessageId == "" || len(d.Token) < 64 {
		t.Fatalf("confirmation = {Type %q, TopicArn %q, MessageId %q, Token %q}, want SubscriptionConfirmation for %s with a token",
			d.Type, d.TopicArn, d.MessageId, d.Token, topicARN)
	}
	wantMessage := "You have chosen to subscribe to the topic " + topicARN +
		".\nTo confirm the subscription, visit the SubscribeURL included in this message."
	if d.Message != wantMessage {
		t.Errorf("confirmation Message = %q, want %q", d.Message, wantMessage)
	}
	u, err := url.Parse(d.SubscribeURL)
	if err != nil || u.Scheme+"://"+u.Host != f.srv.URL() || u.Query().Get("Action") != "ConfirmSubscription" ||
		u.Query().Get("TopicArn") != topicARN || u.Query().Get("Token") != d.Token {
		t.Errorf("SubscribeURL = %s, want %s/?Action=ConfirmSubscription&TopicArn=%s&Token=<the token>", d.SubscribeURL, f.srv.URL(), topicARN)
	}
	if d.Subject != nil || d.UnsubscribeURL != "" || len(d.MessageAttributes) != 0 {
		t.Errorf("a confirmation carries Subject %v, UnsubscribeURL %q, attributes %v; want none", d.Subject, d.UnsubscribeURL, d.MessageAttributes)
	}
	checkRecentTimestamp(t, d)
	return d.Token
}

// confirmByURL opens a SubscribeURL with a plain, unsigned GET, as a
// subscriber does, and returns the SubscriptionArn it answers.
func confirmByURL(t *testing.T, subscribeURL string) string {
	t.Helper()
	req, err := http.NewRequestWithContext(ctxFor(t), http.MethodGet, subscribeURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET SubscribeURL: %v", err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET SubscribeURL: %s: %s", resp.Status, body)
	}
	var out struct {
		XMLName         xml.Name `xml:"ConfirmSubscriptionResponse"`
		SubscriptionArn string   `xml:"ConfirmSubscriptionResult>SubscriptionArn"`
		RequestID       string   `xml:"ResponseMetadata>RequestId"`
	}
	if err := xml.Unmarshal(body, &out); err != nil {
		t.Fatalf("GET SubscribeURL: %v: %s", err, body)
	}
	if out.RequestID == "" {
		t.Errorf("GET SubscribeURL: no RequestId in %s", body)
	}
	return out.SubscriptionArn
}

// getUnsigned GETs a URL SNS handed out and wants 200.
func getUnsigned(t *testing.T, u string) {
	t.Helper()
	req, err := http.NewRequestWithContext(ctxFor(t), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s: %s", u, resp.Status, body)
	}
}

func subscriptionAttributes(t *testing.T, c *sns.Client, subARN string) map[string]string {
	t.Helper()
	out, err := c.GetSubscriptionAttributes(ctxFor(t), &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(subARN)})
	if err != nil {
		t.Fatalf("GetSubscriptionAttributes %s: %v", subARN, err)
	}
	return out.Attributes
}

func wantAttributes(t *testing.T, what string, got, want map[string]string) {
	t.Helper()
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %s = %q, want %q", what, k, got[k], v)
		}
	}
}

func topicSubscriptions(t *testing.T, c *sns.Client, topicARN string) []snstypes.Subscription {
	t.Helper()
	out, err := c.ListSubscriptionsByTopic(ctxFor(t), &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topicARN)})
	if err != nil {
		t.Fatalf("ListSubscriptionsByTopic %s: %v", topicARN, err)
	}
	return out.Subscriptions
}

// wantSNSDenied checks an SNS denial: AuthorizationError, HTTP 403, and
// AWS's "User: … is not authorized to perform: SNS:<Action> on resource: …"
// with one of the endings in why.
// https://docs.aws.amazon.com/sns/latest/api/CommonErrors.html
func wantSNSDenied(t *testing.T, err error, principal, action, resource string, why ...string) {
	t.Helper()
	ae := apiError(t, err, "AuthorizationError", http.StatusForbidden)
	if !strings.Contains(ae.ErrorMessage(), "is not authorized to perform: "+action) {
		t.Errorf("message %q does not name %s", ae.ErrorMessage(), action)
	}
	denial{principal: principal, action: action, resource: resource, why: why}.check(t, ae.ErrorMessage())
}

// deliveryEvents are the audit trail's records of SNS's deliveries for one
// publish (or subscribe) request.
func deliveryEvents(f *idFerry, requestID string) []emulator.AuditEvent {
	var out []emulator.AuditEvent
	for _, e := range f.srv.Audit(emulator.AuditFilter{Principal: snsServicePrincipal}) {
		if e.RequestID == requestID {
			out = append(out, e)
		}
	}
	return out
}

// wantDeliveryDenied checks that the audit trail holds exactly one record
// of the request's delivery into queueARN, a denial that says the queue's
// resource-based policy does not allow the topic.
func wantDeliveryDenied(t *testing.T, f *idFerry, requestID, topicAccount, queueARN string) {
	t.Helper()
	events := deliveryEvents(f, requestID)
	if len(events) != 1 {
		t.Fatalf("audit records %d deliveries for request %s, want 1: %+v", len(events), requestID, events)
	}
	e := events[0]
	if e.Decision != "Deny" || e.Action != "sqs:SendMessage" || e.Resource != queueARN || e.Account != topicAccount || !e.Enforced {
		t.Errorf("delivery record = {Decision %s, Action %s, Resource %s, Account %s, Enforced %v}, want {Deny, sqs:SendMessage, %s, %s, true}",
			e.Decision, e.Action, e.Resource, e.Account, e.Enforced, queueARN, topicAccount)
	}
	want := "User: " + snsServicePrincipal + " is not authorized to perform: sqs:SendMessage on resource: " + queueARN +
		" because no resource-based policy allows the sqs:SendMessage action"
	if e.Reason != want {
		t.Errorf("delivery denied for the reason\n %q\nwant %q", e.Reason, want)
	}
}

// TestSNSCrossAccountQueueOwnerSubscribes follows "Sending Amazon SNS
// messages to an Amazon SQS queue in a different account", where the queue
// owner subscribes
// (https://docs.aws.amazon.com/sns/latest/dg/sns-send-message-to-sqs-cross-account.html):
// the topic owner A lets account B subscribe through the topic's access
// policy; B subscribes its own queue, which needs no confirmation; B's
// queue policy must allow the topic before anything is delivered, and a
// delivery it does not allow is dropped and recorded.
func TestSNSCrossAccountQueueOwnerSubscribes(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	snsA, snsB := f.sns(rootOf(acctA)), f.sns(rootOf(acctB))
	sqsB := f.sqs(rootOf(acctB))
	topic := newTopic(t, snsA, acctA, "orders-events", nil)
	queueURL := newQueue(t, sqsB, "orders-inbox", "")
	queueARN := sqsARN(acctB, "orders-inbox")

	// The default topic policy lets only A's own principals subscribe.
	_, err := snsB.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"), Endpoint: aws.String(queueARN)})
	wantSNSDenied(t, err, rootARN(acctB), "SNS:Subscribe", topic, becauseNo("resource-based", "SNS:Subscribe"))

	// The statement names B by its account id (across accounts: any of B's
	// principals that B's own policies allow) and, with sns:Endpoint, lets
	// B subscribe only its own queues.
	addTopicStatement(t, snsA, topic, stmt{
		"Sid": "AllowSubscribeFromB", "Effect": "Allow", "Principal": map[string]any{"AWS": acctB},
		"Action": "sns:Subscribe", "Resource": topic,
		"Condition": map[string]any{"ArnLike": map[string]any{"sns:Endpoint": "arn:aws:sqs:*:" + acctB + ":*"}},
	})
	_, err = snsB.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("http"), Endpoint: aws.String("http://127.0.0.1:9/orders")})
	wantSNSDenied(t, err, rootARN(acctB), "SNS:Subscribe", topic, becauseNo("resource-based", "SNS:Subscribe"))
	subARN := subscribeQueueTo(t, snsB, topic, queueARN, nil)
	// The queue's owner subscribed it: confirmed at once, so Subscribe
	// answers the ARN even without ReturnSubscriptionArn.
	checkSubscriptionARN(t, subARN, topic)
	wantAttributes(t, "B's subscription", subscriptionAttributes(t, snsB, subARN), map[string]string{
		"SubscriptionArn": subARN, "TopicArn": topic, "Owner": acctB, "Protocol": "sqs", "Endpoint": queueARN,
		"PendingConfirmation": "false", "ConfirmationWasAuthenticated": "true", "RawMessageDelivery": "false",
		"SubscriptionPrincipal": rootARN(acctB),
	})
	subs := topicSubscriptions(t, snsA, topic)
	if len(subs) != 1 || aws.ToString(subs[0].SubscriptionArn) != subARN || aws.ToString(subs[0].Owner) != acctB ||
		aws.ToString(subs[0].Endpoint) != queueARN || aws.ToString(subs[0].Protocol) != "sqs" || aws.ToString(subs[0].TopicArn) != topic {
		t.Fatalf("A lists the topic's subscriptions as %+v, want B's %s", subs, subARN)
	}
	// No SubscriptionConfirmation was sent: SNS has not yet tried the queue.
	if err := f.srv.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	if events := f.srv.Audit(emulator.AuditFilter{Principal: snsServicePrincipal}); len(events) != 0 {
		t.Fatalf("SNS acted before anything was published: %+v", events)
	}

	// B's queue has no policy yet: Publish succeeds, the delivery is
	// dropped, and the audit trail says why.
	_, early := publish(t, snsA, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("order 1001 placed")})
	wantNothingMore(t, f, sqsB, queueURL)
	wantDeliveryDenied(t, f, early, acctA, queueARN)
	over := f.audit(t, url.Values{"principal": {snsServicePrincipal}, "decision": {"Deny"}})
	if len(over) != 1 || over[0].RequestID != early || over[0].Resource != queueARN {
		t.Errorf("/_ferry/audit?principal=sns.amazonaws.com&decision=Deny = %+v, want the one denied delivery", over)
	}

	setQueuePolicy(t, sqsB, queueURL, topicDeliveryPolicy(t, queueARN, topic))
	subject := aws.String("Order placed")
	id, rid := publish(t, snsA, &sns.PublishInput{
		TopicArn: aws.String(topic), Message: aws.String(`{"order":1002,"total":"19.99"}`), Subject: subject,
		MessageAttributes: map[string]snstypes.MessageAttributeValue{
			"customer": {DataType: aws.String("String"), StringValue: aws.String("c-42")},
			"items":    {DataType: aws.String("Number"), StringValue: aws.String("3")},
		},
	})
	m := receiveSNS(t, sqsB, queueURL, 1)[0]
	d := decodeSNS(t, aws.ToString(m.Body))
	checkNotification(t, f, d, topic, subARN, id, `{"order":1002,"total":"19.99"}`, subject)
	if d.SignatureVersion != "1" {
		t.Errorf("SignatureVersion = %q, want 1 (the default)", d.SignatureVersion)
	}
	gotAttrs := map[string]string{}
	for name, a := range d.MessageAttributes {
		gotAttrs[name] = a.Type + " " + a.Value
	}
	if want := map[string]string{"customer": "String c-42", "items": "Number 3"}; !maps.Equal(gotAttrs, want) {
		t.Errorf("MessageAttributes = %v, want %v", gotAttrs, want)
	}
	if len(m.MessageAttributes) != 0 {
		t.Errorf("an enveloped delivery carries SQS message attributes %v; want none", keys(m.MessageAttributes))
	}
	checkSigned(t, f, d)
	events := deliveryEvents(f, rid)
	if len(events) != 1 || events[0].Decision != "Allow" || events[0].Resource != queueARN || events[0].Statement == nil ||
		events[0].Statement.Sid != "AllowTopicDelivery" {
		t.Errorf("audit of the allowed delivery = %+v, want one Allow by the queue policy's AllowTopicDelivery", events)
	}
	// The message published before the policy is not delivered late.
	wantNothingMore(t, f, sqsB, queueURL)
}

// TestSNSCrossAccountTopicOwnerSubscribes follows the same article where the
// topic owner subscribes another account's queue
// (https://docs.aws.amazon.com/sns/latest/dg/sns-send-message-to-sqs-cross-account.html
// and https://docs.aws.amazon.com/sns/latest/dg/SendMessageToHttp.confirm.html):
// A's Subscribe is pending until the queue's owner confirms, with the
// SubscribeURL of the SubscriptionConfirmation that arrives in the queue
// (opened unsigned) or with ConfirmSubscription and its token.
func TestSNSCrossAccountTopicOwnerSubscribes(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// confirm confirms as the queue's owner B and returns the
		// subscription's ARN.
		confirm       func(t *testing.T, f *idFerry, topic string, d snsDoc) string
		authenticated string // ConfirmationWasAuthenticated once confirmed
	}{
		{"SubscribeURL", func(t *testing.T, _ *idFerry, _ string, d snsDoc) string {
			return confirmByURL(t, d.SubscribeURL)
		}, "false"},
		{"ConfirmSubscription", func(t *testing.T, f *idFerry, topic string, d snsDoc) string {
			out, err := f.sns(rootOf(acctB)).ConfirmSubscription(ctxFor(t), &sns.ConfirmSubscriptionInput{
				TopicArn: aws.String(topic), Token: aws.String(d.Token),
			})
			if err != nil {
				t.Fatalf("ConfirmSubscription as B: %v", err)
			}
			return aws.ToString(out.SubscriptionArn)
		}, "true"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := startIdentityFerry(t, "")
			ctx := ctxFor(t)
			snsA := f.sns(rootOf(acctA))
			sqsB := f.sqs(rootOf(acctB))
			topic := newTopic(t, snsA, acctA, "shipments", nil)
			queueARN := sqsARN(acctB, "shipments-inbox")
			queueURL := newQueue(t, sqsB, "shipments-inbox", topicDeliveryPolicy(t, queueARN, topic))

			if got := subscribeQueueTo(t, snsA, topic, queueARN, nil); got != "pending confirmation" {
				t.Fatalf("A subscribes B's queue: SubscriptionArn = %q, want \"pending confirmation\"", got)
			}
			subs := topicSubscriptions(t, snsA, topic)
			if len(subs) != 1 || aws.ToString(subs[0].SubscriptionArn) != "PendingConfirmation" || aws.ToString(subs[0].Endpoint) != queueARN {
				t.Fatalf("ListSubscriptionsByTopic = %+v, want one PendingConfirmation for %s", subs, queueARN)
			}
			attrs, err := snsA.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
			if err != nil {
				t.Fatal(err)
			}
			wantAttributes(t, "pending", attrs.Attributes, map[string]string{"SubscriptionsPending": "1", "SubscriptionsConfirmed": "0"})

			conf := decodeSNS(t, aws.ToString(receiveSNS(t, sqsB, queueURL, 1)[0].Body))
			checkSubscriptionConfirmation(t, f, conf, topic)
			checkSigned(t, f, conf)

			// Nothing is delivered while the subscription waits.
			publish(t, snsA, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("shipment 1 (before confirming)")})
			wantNothingMore(t, f, sqsB, queueURL)

			subARN := tc.confirm(t, f, topic, conf)
			checkSubscriptionARN(t, subARN, topic)
			wantAttributes(t, "confirmed", subscriptionAttributes(t, snsA, subARN), map[string]string{
				"SubscriptionArn": subARN, "TopicArn": topic, "Endpoint": queueARN, "PendingConfirmation": "false",
				"ConfirmationWasAuthenticated": tc.authenticated,
			})
			if subs := topicSubscriptions(t, snsA, topic); len(subs) != 1 || aws.ToString(subs[0].SubscriptionArn) != subARN {
				t.Fatalf("after confirming, ListSubscriptionsByTopic = %+v, want %s", subs, subARN)
			}
			// Confirming again answers the same subscription.
			if again := confirmByURL(t, conf.SubscribeURL); again != subARN {
				t.Errorf("SubscribeURL opened again: SubscriptionArn %s, want %s", again, subARN)
			}

			id, _ := publish(t, snsA, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("shipment 2")})
			d := decodeSNS(t, aws.ToString(receiveSNS(t, sqsB, queueURL, 1)[0].Body))
			checkNotification(t, f, d, topic, subARN, id, "shipment 2", nil)
			checkSigned(t, f, d)
			wantNothingMore(t, f, sqsB, queueURL)
		})
	}
}

// TestSNSThirdAccountDenied: an account that A's topic policy does not name
// can neither subscribe, publish nor read the topic's attributes, whatever
// its own identity policies allow; across accounts both sides must allow
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html,
// https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html).
func TestSNSThirdAccountDenied(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	snsA, snsB, snsC := f.sns(rootOf(acctA)), f.sns(rootOf(acctB)), f.sns(rootOf(acctC))
	topic := newTopic(t, snsA, acctA, "ledger", nil)
	addTopicStatement(t, snsA, topic, stmt{
		"Sid": "PartnerB", "Effect": "Allow", "Principal": map[string]any{"AWS": rootARN(acctB)},
		"Action": []string{"sns:Subscribe", "sns:Publish", "sns:GetTopicAttributes"}, "Resource": topic,
	})
	sqsB, sqsC := f.sqs(rootOf(acctB)), f.sqs(rootOf(acctC))
	queueB := sqsARN(acctB, "ledger-b")
	urlB := newQueue(t, sqsB, "ledger-b", topicDeliveryPolicy(t, queueB, topic))
	queueC := sqsARN(acctC, "ledger-c")
	urlC := newQueue(t, sqsC, "ledger-c", topicDeliveryPolicy(t, queueC, topic))

	// B, which the policy names, may.
	subB := subscribeQueueTo(t, snsB, topic, queueB, nil)
	checkSubscriptionARN(t, subB, topic)
	idB, _ := publish(t, snsB, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("entry from B")})
	if _, err := snsB.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topic)}); err != nil {
		t.Errorf("B reads the topic's attributes: %v", err)
	}

	// C's root and an administrator of C: identity policies allow
	// everything, the topic's policy does not name C.
	admin := newUser(t, f.iam(rootOf(acctC)), "admin", "", "")
	if _, err := f.iam(rootOf(acctC)).AttachUserPolicy(ctx, &iam.AttachUserPolicyInput{
		UserName: aws.String("admin"), PolicyArn: aws.String("arn:aws:iam::aws:policy/AdministratorAccess"),
	}); err != nil {
		t.Fatal(err)
	}
	for _, who := range []struct {
		name, principal string
		c               *sns.Client
	}{
		{"root", rootARN(acctC), snsC},
		{"admin", userARN(acctC, "admin"), f.sns(admin)},
	} {
		t.Run(who.name, func(t *testing.T) {
			_, err := who.c.Subscribe(ctx, &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"), Endpoint: aws.String(queueC)})
			wantSNSDenied(t, err, who.principal, "SNS:Subscribe", topic, becauseNo("resource-based", "SNS:Subscribe"))
			_, err = who.c.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("forged entry")})
			wantSNSDenied(t, err, who.principal, "SNS:Publish", topic, becauseNo("resource-based", "SNS:Publish"))
			_, err = who.c.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
			wantSNSDenied(t, err, who.principal, "SNS:GetTopicAttributes", topic, becauseNo("resource-based", "SNS:GetTopicAttributes"))
			_, err = who.c.ListSubscriptionsByTopic(ctx, &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic)})
			wantSNSDenied(t, err, who.principal, "SNS:ListSubscriptionsByTopic", topic, becauseNo("resource-based", "SNS:ListSubscriptionsByTopic"))
		})
	}

	// Nor may C read or end B's subscription to A's topic: only the
	// subscription's owner and the topic's owner may.
	_, err := snsC.GetSubscriptionAttributes(ctx, &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(subB)})
	if ae := apiError(t, err, "AuthorizationError", http.StatusForbidden); !strings.Contains(ae.ErrorMessage(), "is not authorized to perform: SNS:GetSubscriptionAttributes") {
		t.Errorf("C's GetSubscriptionAttributes: message %q", ae.ErrorMessage())
	}
	_, err = snsC.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: aws.String(subB)})
	if ae := apiError(t, err, "AuthorizationError", http.StatusForbidden); !strings.Contains(ae.ErrorMessage(), "is not authorized to perform: SNS:Unsubscribe") {
		t.Errorf("C's Unsubscribe: message %q", ae.ErrorMessage())
	}

	// C's attempts changed nothing: one subscription, B's, and only B's
	// message was delivered.
	if subs := topicSubscriptions(t, snsA, topic); len(subs) != 1 || aws.ToString(subs[0].SubscriptionArn) != subB {
		t.Errorf("the topic's subscriptions = %+v, want only B's %s", subs, subB)
	}
	d := decodeSNS(t, aws.ToString(receiveSNS(t, sqsB, urlB, 1)[0].Body))
	if d.MessageId != idB || d.Message != "entry from B" {
		t.Errorf("B's queue received %+v, want B's message %s", d, idB)
	}
	wantNothingMore(t, f, sqsB, urlB)
	wantNothingMore(t, f, sqsC, urlC)
}

// TestSNSMissingQueuePolicyDropsDelivery: SNS delivers into a queue only
// when the queue's policy allows sns.amazonaws.com for the topic, even in
// the topic's own account; otherwise Publish still succeeds and the message
// is dropped, which the audit trail records with the reason
// (https://docs.aws.amazon.com/sns/latest/dg/subscribe-sqs-queue-to-sns-topic.html,
// https://docs.aws.amazon.com/sns/latest/dg/sns-troubleshooting.html).
func TestSNSMissingQueuePolicyDropsDelivery(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	snsA, sqsA := f.sns(rootOf(acctA)), f.sqs(rootOf(acctA))
	topic := newTopic(t, snsA, acctA, "invoices", nil)
	other := newTopic(t, snsA, acctA, "refunds", nil)
	queueARN := sqsARN(acctA, "invoices-worker")
	queueURL := newQueue(t, sqsA, "invoices-worker", "")
	subARN := subscribeQueueTo(t, snsA, topic, queueARN, nil)
	checkSubscriptionARN(t, subARN, topic)

	for _, tc := range []struct{ name, policy string }{
		{"NoPolicy", ""},
		{"PolicyForAnotherTopic", topicDeliveryPolicy(t, queueARN, other)},
		{"PolicyForAnotherAccount", doc(t, stmt{
			"Effect": "Allow", "Principal": map[string]any{"Service": snsServicePrincipal}, "Action": "sqs:SendMessage",
			"Resource": queueARN, "Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": acctB}},
		})},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.policy != "" {
				setQueuePolicy(t, sqsA, queueURL, tc.policy)
			}
			_, rid := publish(t, snsA, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("invoice " + tc.name)})
			wantNothingMore(t, f, sqsA, queueURL)
			wantDeliveryDenied(t, f, rid, acctA, queueARN)
		})
	}

	// The topic's account in aws:SourceAccount is enough, as AWS's
	// confused-deputy guidance allows.
	setQueuePolicy(t, sqsA, queueURL, doc(t, stmt{
		"Sid": "FromMyTopics", "Effect": "Allow", "Principal": map[string]any{"Service": snsServicePrincipal}, "Action": "sqs:SendMessage",
		"Resource": queueARN, "Condition": map[string]any{"StringEquals": map[string]any{"aws:SourceAccount": acctA}},
	}))
	id, rid := publish(t, snsA, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("invoice delivered")})
	d := decodeSNS(t, aws.ToString(receiveSNS(t, sqsA, queueURL, 1)[0].Body))
	checkNotification(t, f, d, topic, subARN, id, "invoice delivered", nil)
	if events := deliveryEvents(f, rid); len(events) != 1 || events[0].Decision != "Allow" {
		t.Errorf("audit of the allowed delivery = %+v, want one Allow", events)
	}
	wantNothingMore(t, f, sqsA, queueURL)
	if n := len(f.srv.Audit(emulator.AuditFilter{Principal: snsServicePrincipal, Decision: "Deny"})); n != 3 {
		t.Errorf("audit holds %d denied deliveries, want 3", n)
	}
}

// TestSNSFanOutPatientRecords is the healthcare fan-out of AWS's article
// "Fanout Amazon SNS notifications to Amazon SQS queues for asynchronous
// processing" (https://docs.aws.amazon.com/sns/latest/dg/sns-sqs-as-subscriber.html):
// a Patient-Records topic feeds the billing, scheduling and prescription
// integrations, each through its own queue, and every queue receives every
// record exactly once.
func TestSNSFanOutPatientRecords(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	snsA, sqsA := f.sns(rootOf(acctA)), f.sqs(rootOf(acctA))
	topic := newTopic(t, snsA, acctA, "Patient-Records", nil)
	queues := map[string]string{} // name → URL
	subs := map[string]string{}   // name → subscription ARN
	for _, name := range []string{"Billing-Integration", "Scheduling-Integration", "Prescription-Integration"} {
		arn := sqsARN(acctA, name)
		queues[name] = newQueue(t, sqsA, name, topicDeliveryPolicy(t, arn, topic))
		subs[name] = subscribeQueueTo(t, snsA, topic, arn, nil)
		checkSubscriptionARN(t, subs[name], topic)
	}
	attrs, err := snsA.GetTopicAttributes(ctx, &sns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
	if err != nil {
		t.Fatal(err)
	}
	wantAttributes(t, "Patient-Records", attrs.Attributes, map[string]string{"SubscriptionsConfirmed": "3", "SubscriptionsPending": "0"})

	// Three records one at a time, three in a batch.
	published := map[string]string{} // MessageId → record
	record := func(i int) string {
		return fmt.Sprintf(`{"patientId":"P-%04d","event":"admission","ward":"%c"}`, 1000+i, 'A'+i)
	}
	for i := range 3 {
		id, _ := publish(t, snsA, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(record(i)),
			MessageAttributes: map[string]snstypes.MessageAttributeValue{
				"recordType": {DataType: aws.String("String"), StringValue: aws.String("admission")},
			}})
		published[id] = record(i)
	}
	var entries []snstypes.PublishBatchRequestEntry
	for i := 3; i < 6; i++ {
		entries = append(entries, snstypes.PublishBatchRequestEntry{Id: aws.String(fmt.Sprintf("record-%d", i)), Message: aws.String(record(i))})
	}
	batch, err := snsA.PublishBatch(ctx, &sns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: entries})
	if err != nil {
		t.Fatalf("PublishBatch: %v", err)
	}
	if len(batch.Successful) != 3 || len(batch.Failed) != 0 {
		t.Fatalf("PublishBatch: %d successful, failed %+v; want 3 successful", len(batch.Successful), batch.Failed)
	}
	for _, s := range batch.Successful {
		var i int
		if _, err := fmt.Sscanf(aws.ToString(s.Id), "record-%d", &i); err != nil || aws.ToString(s.MessageId) == "" {
			t.Fatalf("PublishBatch entry %+v", s)
		}
		published[aws.ToString(s.MessageId)] = record(i)
	}
	if len(published) != 6 {
		t.Fatalf("six publishes gave %d distinct message ids", len(published))
	}

	for name, queueURL := range queues {
		got := map[string]string{}
		for _, m := range receiveSNS(t, sqsA, queueURL, 6) {
			d := decodeSNS(t, aws.ToString(m.Body))
			if _, dup := got[d.MessageId]; dup {
				t.Errorf("%s received message %s twice", name, d.MessageId)
			}
			got[d.MessageId] = d.Message
			if d.TopicArn != topic || d.Type != "Notification" {
				t.Errorf("%s received %+v", name, d)
			}
			checkUnsubscribeURL(t, f, d.UnsubscribeURL, subs[name])
		}
		if !maps.Equal(got, published) {
			t.Errorf("%s received\n%v\nwant\n%v", name, got, published)
		}
		wantNothingMore(t, f, sqsA, queueURL)
	}
}

// TestSNSSignatures verifies every kind of document SNS sends with the
// certificate ferry serves, as "Verifying the signatures of Amazon SNS
// messages" tells subscribers to
// (https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html):
// Notifications with SignatureVersion 1 (SHA1withRSA) and 2 (SHA256withRSA),
// with and without a Subject; SubscriptionConfirmations into a queue and to
// an HTTP endpoint; the UnsubscribeConfirmation an HTTP endpoint gets when
// its UnsubscribeURL is opened.
func TestSNSSignatures(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	snsA, sqsA, sqsB := f.sns(rootOf(acctA)), f.sqs(rootOf(acctA)), f.sqs(rootOf(acctB))

	for _, version := range []string{"1", "2"} {
		t.Run("SignatureVersion"+version, func(t *testing.T) {
			attrs := map[string]string{"SignatureVersion": version}
			if version == "1" {
				attrs = nil // the default
			}
			name := "signed-v" + version
			topic := newTopic(t, snsA, acctA, name, attrs)

			t.Run("Notification", func(t *testing.T) {
				queueARN := sqsARN(acctA, name)
				queueURL := newQueue(t, sqsA, name, topicDeliveryPolicy(t, queueARN, topic))
				subARN := subscribeQueueTo(t, snsA, topic, queueARN, nil)
				// JSON escapes, markup characters, a newline and non-ASCII:
				// the signature is over the text as published.
				subject, text := aws.String("Lab result ready"), "result 7 for \"P-1001\" <ok> & done\nsecond line ✓"
				withSubject, _ := publish(t, snsA, &sns.PublishInput{TopicArn: aws.String(topic), Subject: subject, Message: aws.String(text)})
				withoutSubject, _ := publish(t, snsA, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("no subject here")})
				byID := map[string]snsDoc{}
				for _, m := range receiveSNS(t, sqsA, queueURL, 2) {
					d := decodeSNS(t, aws.ToString(m.Body))
					byID[d.MessageId] = d
				}
				checkNotification(t, f, byID[withSubject], topic, subARN, withSubject, text, subject)
				checkNotification(t, f, byID[withoutSubject], topic, subARN, withoutSubject, "no subject here", nil)
				for _, d := range byID {
					if d.SignatureVersion != version {
						t.Errorf("SignatureVersion = %q, want %s", d.SignatureVersion, version)
					}
					checkSigned(t, f, d)
					// The other version's hash does not verify.
					other := d
					other.SignatureVersion = map[string]string{"1": "2", "2": "1"}[version]
					if err := other.verify(ctxFor(t)); err == nil {
						t.Errorf("a version %s signature verifies as version %s", version, other.SignatureVersion)
					}
				}
			})

			t.Run("SubscriptionConfirmationIntoQueue", func(t *testing.T) {
				queueARN := sqsARN(acctB, name)
				queueURL := newQueue(t, sqsB, name, topicDeliveryPolicy(t, queueARN, topic))
				if got := subscribeQueueTo(t, snsA, topic, queueARN, nil); got != "pending confirmation" {
					t.Fatalf("Subscribe B's queue as A: %q, want pending confirmation", got)
				}
				d := decodeSNS(t, aws.ToString(receiveSNS(t, sqsB, queueURL, 1)[0].Body))
				checkSubscriptionConfirmation(t, f, d, topic)
				if d.SignatureVersion != version {
					t.Errorf("SignatureVersion = %q, want %s", d.SignatureVersion, version)
				}
				checkSigned(t, f, d)
			})

			t.Run("HTTPEndpoint", func(t *testing.T) {
				hook := newSNSEndpoint(t)
				out, err := snsA.Subscribe(ctxFor(t), &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("http"), Endpoint: aws.String(hook.URL)})
				if err != nil {
					t.Fatal(err)
				}
				if got := aws.ToString(out.SubscriptionArn); got != "pending confirmation" {
					t.Fatalf("Subscribe an HTTP endpoint: %q, want pending confirmation", got)
				}
				conf := hook.next(t, "SubscriptionConfirmation")
				checkSubscriptionConfirmation(t, f, conf, topic)
				checkSigned(t, f, conf)
				subARN := confirmByURL(t, conf.SubscribeURL)
				checkSubscriptionARN(t, subARN, topic)

				id, _ := publish(t, snsA, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("to the endpoint")})
				n := hook.next(t, "Notification")
				checkNotification(t, f, n, topic, subARN, id, "to the endpoint", nil)
				checkSigned(t, f, n)

				// The endpoint opens the UnsubscribeURL: SNS confirms with
				// a document whose SubscribeURL would restore it.
				getUnsigned(t, n.UnsubscribeURL)
				u := hook.next(t, "UnsubscribeConfirmation")
				if u.TopicArn != topic || u.Token == "" || !strings.Contains(u.SubscribeURL, "Action=ConfirmSubscription") ||
					u.Message != "You have chosen to deactivate subscription "+subARN+
						".\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message." {
					t.Errorf("UnsubscribeConfirmation = %+v", u)
				}
				if u.SignatureVersion != version {
					t.Errorf("SignatureVersion = %q, want %s", u.SignatureVersion, version)
				}
				checkSigned(t, f, u)
				for _, s := range topicSubscriptions(t, snsA, topic) {
					if aws.ToString(s.SubscriptionArn) == subARN {
						t.Errorf("%s is still subscribed after its UnsubscribeURL was opened", subARN)
					}
				}
			})
		})
	}
}

// snsEndpoint is an HTTP subscriber that records the documents SNS posts.
type snsEndpoint struct {
	*httptest.Server
	posts chan snsPost
}

type snsPost struct {
	messageType string // x-amz-sns-message-type
	body        string
}

func newSNSEndpoint(t *testing.T) *snsEndpoint {
	t.Helper()
	e := &snsEndpoint{posts: make(chan snsPost, 16)}
	e.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		select {
		case e.posts <- snsPost{r.Header.Get("x-amz-sns-message-type"), string(b)}:
		default: // the test stopped reading; it has failed already
		}
	}))
	t.Cleanup(e.Close)
	return e
}

// next waits (at most 10 s) for the next POST, which must be a document of
// the given type.
func (e *snsEndpoint) next(t *testing.T, messageType string) snsDoc {
	t.Helper()
	select {
	case p := <-e.posts:
		d := decodeSNS(t, p.body)
		if p.messageType != messageType || d.Type != messageType {
			t.Fatalf("endpoint received a %s (x-amz-sns-message-type %q), want a %s:\n%s", d.Type, p.messageType, messageType, p.body)
		}
		return d
	case <-time.After(10 * time.Second):
		t.Fatalf("no %s reached the endpoint", messageType)
		return snsDoc{}
	}
}

// TestSNSManagementAccount follows a management account's use of its member
// accounts: the members publish to the management account's Account topic,
// which its policy lets them do
// (https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html#sns-grant-aws-account-access-to-topic),
// and an administrator of the management account works inside a member
// account through a role there that trusts only that administrator
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access-cross-account-role.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/tutorial_cross-account-with-roles.html).
func TestSNSManagementAccount(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	const mgmt, member1, member2, outsider = acctA, acctB, acctC, acctD
	snsM, sqsM := f.sns(rootOf(mgmt)), f.sqs(rootOf(mgmt))
	topic := newTopic(t, snsM, mgmt, "Account", nil)
	addTopicStatement(t, snsM, topic, stmt{
		"Sid": "MembersPublish", "Effect": "Allow",
		"Principal": map[string]any{"AWS": []string{rootARN(member1), rootARN(member2)}},
		"Action":    "sns:Publish", "Resource": topic,
	})
	queueARN := sqsARN(mgmt, "account-events")
	queueURL := newQueue(t, sqsM, "account-events", topicDeliveryPolicy(t, queueARN, topic))
	subARN := subscribeQueueTo(t, snsM, topic, queueARN, nil)
	checkSubscriptionARN(t, subARN, topic)

	t.Run("MembersPublish", func(t *testing.T) {
		published := map[string]string{}
		for _, member := range []string{member1, member2} {
			msg := `{"account":"` + member + `","event":"budget-threshold"}`
			id, _ := publish(t, f.sns(rootOf(member)), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(msg)})
			published[id] = msg
		}
		// A member's user needs its own identity policy too.
		iam1 := f.iam(rootOf(member1))
		noPolicy := newUser(t, iam1, "reporter", "", "")
		_, err := f.sns(noPolicy).Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("unauthorized report")})
		wantSNSDenied(t, err, userARN(member1, "reporter"), "SNS:Publish", topic, becauseNo("identity-based", "SNS:Publish"))
		withPolicy := newUser(t, iam1, "notifier", "publish-account", doc(t, stmt{"Effect": "Allow", "Action": "sns:Publish", "Resource": topic}))
		msg := `{"account":"` + member1 + `","event":"user-report"}`
		id, _ := publish(t, f.sns(withPolicy), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(msg)})
		published[id] = msg

		// An account outside the policy is refused.
		_, err = f.sns(rootOf(outsider)).Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("not a member")})
		wantSNSDenied(t, err, rootARN(outsider), "SNS:Publish", topic, becauseNo("resource-based", "SNS:Publish"))

		got := map[string]string{}
		for _, m := range receiveSNS(t, sqsM, queueURL, 3) {
			d := decodeSNS(t, aws.ToString(m.Body))
			if d.TopicArn != topic {
				t.Errorf("received from %s, want %s", d.TopicArn, topic)
			}
			got[d.MessageId] = d.Message
		}
		if !maps.Equal(got, published) {
			t.Errorf("the management account received\n%v\nwant\n%v", got, published)
		}
		wantNothingMore(t, f, sqsM, queueURL)
	})

	t.Run("AdministerMember", func(t *testing.T) {
		const roleName = "OrganizationAccountAccessRole"
		memberRole := roleARN(member1, roleName)
		iamM, iamMember := f.iam(rootOf(mgmt)), f.iam(rootOf(member1))
		assumePolicy := doc(t, stmt{"Sid": "AssumeMemberAdmin", "Effect": "Allow", "Action": "sts:AssumeRole", "Resource": memberRole})
		admin := newUser(t, iamM, "org-admin", "assume-member-admin", assumePolicy)
		other := newUser(t, iamM, "org-auditor", "assume-member-admin", assumePolicy)
		trust := doc(t, stmt{"Effect": "Allow", "Principal": map[string]any{"AWS": userARN(mgmt, "org-admin")}, "Action": "sts:AssumeRole"})
		if got := newRole(t, iamMember, roleName, trust, doc(t, stmt{"Effect": "Allow", "Action": "iam:*", "Resource": "*"}), 0); got != memberRole {
			t.Fatalf("role ARN %s, want %s", got, memberRole)
		}

		out, err := f.sts(admin).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(memberRole), RoleSessionName: aws.String("org-admin")})
		if err != nil {
			t.Fatalf("org-admin assumes %s: %v", memberRole, err)
		}
		sessionARN := "arn:aws:sts::" + member1 + ":assumed-role/" + roleName + "/org-admin"
		if got := aws.ToString(out.AssumedRoleUser.Arn); got != sessionARN {
			t.Errorf("AssumedRoleUser.Arn = %s, want %s", got, sessionARN)
		}
		session := sessionCred(out.Credentials)
		if !strings.HasPrefix(session.id, "ASIA") || session.token == "" {
			t.Errorf("session credentials: key %q, token set %v", session.id, session.token != "")
		}
		who, err := f.sts(session).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			t.Fatal(err)
		}
		if aws.ToString(who.Account) != member1 || aws.ToString(who.Arn) != sessionARN {
			t.Errorf("the session is %s in %s, want %s in %s", aws.ToString(who.Arn), aws.ToString(who.Account), sessionARN, member1)
		}

		// With the session, the administrator manages the member's IAM.
		iamSession := f.iam(session)
		created, err := iamSession.CreateRole(ctx, &iam.CreateRoleInput{
			RoleName:                 aws.String("member-app"),
			AssumeRolePolicyDocument: aws.String(doc(t, stmt{"Effect": "Allow", "Principal": map[string]any{"AWS": rootARN(member1)}, "Action": "sts:AssumeRole"})),
		})
		if err != nil {
			t.Fatalf("CreateRole with the member session: %v", err)
		}
		if got, want := aws.ToString(created.Role.Arn), roleARN(member1, "member-app"); got != want {
			t.Errorf("created role ARN %s, want %s (in the member account)", got, want)
		}
		if _, err := iamMember.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("member-app")}); err != nil {
			t.Errorf("the member account does not hold member-app: %v", err)
		}
		_, err = iamM.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("member-app")})
		apiError(t, err, "NoSuchEntity", http.StatusNotFound)
		if _, err := iamSession.DeleteRole(ctx, &iam.DeleteRoleInput{RoleName: aws.String("member-app")}); err != nil {
			t.Fatalf("DeleteRole with the member session: %v", err)
		}
		_, err = iamMember.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("member-app")})
		apiError(t, err, "NoSuchEntity", http.StatusNotFound)

		// The session has the role's permissions and no others.
		_, err = f.sns(session).CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("member-topic")})
		wantSNSDenied(t, err, sessionARN, "SNS:CreateTopic", snsTopicARN(member1, "member-topic"), becauseNo("identity-based", "SNS:CreateTopic"))

		// Another principal of the management account, with the same
		// identity policy: the trust policy names only org-admin.
		_, err = f.sts(other).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String(memberRole), RoleSessionName: aws.String("org-auditor")})
		wantQueryDenied(t, err, denial{principal: userARN(mgmt, "org-auditor"), action: "sts:AssumeRole", resource: memberRole,
			why: []string{becauseNo("role trust", "sts:AssumeRole")}})
	})
}

// TestSNSFIFOCrossAccount: a FIFO topic delivers into a FIFO queue of
// another account keeping each message group's order, and a message
// published again with the same MessageDeduplicationId within five minutes
// is accepted but not delivered again
// (https://docs.aws.amazon.com/sns/latest/dg/sns-fifo-topics.html,
// https://docs.aws.amazon.com/sns/latest/dg/fifo-message-dedup.html).
// B subscribes its queue after A grants it Subscribe with AddPermission.
func TestSNSFIFOCrossAccount(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	snsA, snsB, sqsB := f.sns(rootOf(acctA)), f.sns(rootOf(acctB)), f.sqs(rootOf(acctB))
	topic := newTopic(t, snsA, acctA, "prescriptions.fifo", map[string]string{"FifoTopic": "true"})
	if _, err := snsA.AddPermission(ctx, &sns.AddPermissionInput{
		TopicArn: aws.String(topic), Label: aws.String("pharmacy-subscribes"),
		AWSAccountId: []string{acctB}, ActionName: []string{"Subscribe"},
	}); err != nil {
		t.Fatalf("AddPermission: %v", err)
	}
	queueARN := sqsARN(acctB, "pharmacy.fifo")
	out, err := sqsB.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("pharmacy.fifo"), Attributes: map[string]string{
		"FifoQueue": "true", "Policy": topicDeliveryPolicy(t, queueARN, topic),
	}})
	if err != nil {
		t.Fatal(err)
	}
	queueURL := aws.ToString(out.QueueUrl)
	subARN := subscribeQueueTo(t, snsB, topic, queueARN, nil)
	checkSubscriptionARN(t, subARN, topic)

	type sent struct{ id, seq, group, body, dedup string }
	var published []sent
	for i := range 6 {
		group := fmt.Sprintf("patient-%d", i%2)
		body := fmt.Sprintf("prescription %d for %s", i, group)
		dedup := fmt.Sprintf("rx-%d", i)
		out, err := snsA.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(body),
			MessageGroupId: aws.String(group), MessageDeduplicationId: aws.String(dedup)})
		if err != nil {
			t.Fatalf("Publish %d: %v", i, err)
		}
		published = append(published, sent{aws.ToString(out.MessageId), aws.ToString(out.SequenceNumber), group, body, dedup})
	}
	for i := 1; i < len(published); i++ {
		if !seqLess(published[i-1].seq, published[i].seq) {
			t.Fatalf("SequenceNumbers %s then %s: want increasing", published[i-1].seq, published[i].seq)
		}
	}
	// The same deduplication id again, with another body: "accepted
	// successfully but aren't delivered". SNS itself drops it (the queue,
	// which deduplicates too, never sees it): no delivery is recorded for
	// that publish.
	dup, err := snsA.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("prescription 0 resent"),
		MessageGroupId: aws.String("patient-0"), MessageDeduplicationId: aws.String("rx-0")})
	if err != nil {
		t.Fatalf("duplicate Publish: %v", err)
	}
	dupRequest, _ := awsmiddleware.GetRequestIDMetadata(dup.ResultMetadata)
	if aws.ToString(dup.MessageId) == "" || dupRequest == "" {
		t.Errorf("duplicate Publish: MessageId %q, request id %q; want both", aws.ToString(dup.MessageId), dupRequest)
	}
	if events := deliveryEvents(f, dupRequest); len(events) != 0 {
		t.Errorf("the duplicate was delivered to SQS: %+v", events)
	}

	byGroup := map[string][]sent{}
	for _, m := range receiveSNS(t, sqsB, queueURL, 6) {
		d := decodeSNS(t, aws.ToString(m.Body))
		group := m.Attributes[string(sqstypes.MessageSystemAttributeNameMessageGroupId)]
		byGroup[group] = append(byGroup[group], sent{d.MessageId, d.SequenceNumber, group, d.Message,
			m.Attributes[string(sqstypes.MessageSystemAttributeNameMessageDeduplicationId)]})
		if d.TopicArn != topic || d.Type != "Notification" {
			t.Errorf("received %+v", d)
		}
	}
	for _, group := range []string{"patient-0", "patient-1"} {
		var want []sent
		for _, p := range published {
			if p.group == group {
				want = append(want, p)
			}
		}
		if !slices.Equal(byGroup[group], want) {
			t.Errorf("group %s received\n%+v\nwant, in order,\n%+v", group, byGroup[group], want)
		}
	}
	wantNothingMore(t, f, sqsB, queueURL)

	// AddPermission granted Subscribe only.
	_, err = snsB.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("x"),
		MessageGroupId: aws.String("g"), MessageDeduplicationId: aws.String("d")})
	wantSNSDenied(t, err, rootARN(acctB), "SNS:Publish", topic, becauseNo("resource-based", "SNS:Publish"))
}

// TestSNSFIFOPublishBatch: "For FIFO topics, multiple messages within a
// single batch are published in the order they are sent, and messages are
// deduplicated within the batch and across batches for five minutes"
// (https://docs.aws.amazon.com/sns/latest/api/API_PublishBatch.html). Two
// batches into a FIFO topic with a FIFO queue subscribed: each Successful
// entry carries its MessageId and SequenceNumber, the sequence numbers grow
// in entry order, each message group arrives in order, and an entry that
// repeats an earlier MessageDeduplicationId, in the same batch or the next,
// is accepted but not delivered.
func TestSNSFIFOPublishBatch(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	snsA, sqsA := f.sns(rootOf(acctA)), f.sqs(rootOf(acctA))
	topic := newTopic(t, snsA, acctA, "shipments.fifo", map[string]string{"FifoTopic": "true"})
	queueARN := sqsARN(acctA, "shipments.fifo")
	out, err := sqsA.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("shipments.fifo"), Attributes: map[string]string{
		"FifoQueue": "true", "Policy": topicDeliveryPolicy(t, queueARN, topic),
	}})
	if err != nil {
		t.Fatal(err)
	}
	queueURL := aws.ToString(out.QueueUrl)
	subscribeQueueTo(t, snsA, topic, queueARN, nil)

	type entry struct{ id, group, dedup, body string }
	type sent struct{ id, seq, group, dedup, body string }
	var delivered []sent // what is published and not a duplicate, in order
	lastSeq := ""
	publishBatch := func(entries []entry, duplicates map[string]bool) {
		t.Helper()
		in := &sns.PublishBatchInput{TopicArn: aws.String(topic)}
		for _, e := range entries {
			in.PublishBatchRequestEntries = append(in.PublishBatchRequestEntries, snstypes.PublishBatchRequestEntry{
				Id: aws.String(e.id), Message: aws.String(e.body),
				MessageGroupId: aws.String(e.group), MessageDeduplicationId: aws.String(e.dedup),
			})
		}
		out, err := snsA.PublishBatch(ctx, in)
		if err != nil {
			t.Fatalf("PublishBatch: %v", err)
		}
		if len(out.Failed) != 0 || len(out.Successful) != len(entries) {
			t.Fatalf("PublishBatch: %d successful, failed %+v; want all %d successful", len(out.Successful), out.Failed, len(entries))
		}
		for i, e := range entries {
			ok := out.Successful[i]
			id, seq := aws.ToString(ok.MessageId), aws.ToString(ok.SequenceNumber)
			if aws.ToString(ok.Id) != e.id || id == "" || seq == "" {
				t.Fatalf("Successful[%d] = {Id %q, MessageId %q, SequenceNumber %q}, want Id %q with a MessageId and a SequenceNumber",
					i, aws.ToString(ok.Id), id, seq, e.id)
			}
			if duplicates[e.id] {
				continue
			}
			if lastSeq != "" && !seqLess(lastSeq, seq) {
				t.Errorf("entry %s: SequenceNumber %s after %s, want increasing in entry order", e.id, seq, lastSeq)
			}
			lastSeq = seq
			delivered = append(delivered, sent{id, seq, e.group, e.dedup, e.body})
		}
	}
	publishBatch([]entry{
		{"e0", "truck-1", "ship-0", "truck-1 leaves the depot"},
		{"e1", "truck-2", "ship-1", "truck-2 leaves the depot"},
		{"e2", "truck-1", "ship-2", "truck-1 reaches Lyon"},
		{"e3", "truck-1", "ship-1", "truck-1 resends ship-1"}, // a duplicate within the batch
		{"e4", "truck-2", "ship-4", "truck-2 reaches Turin"},
		{"e5", "truck-1", "ship-5", "truck-1 reaches Paris"},
	}, map[string]bool{"e3": true})
	publishBatch([]entry{
		{"f0", "truck-2", "ship-6", "truck-2 reaches Milan"},
		{"f1", "truck-1", "ship-0", "truck-1 leaves the depot again"}, // a duplicate of the first batch
		{"f2", "truck-1", "ship-8", "truck-1 is unloaded"},
	}, map[string]bool{"f1": true})

	byGroup := map[string][]sent{}
	for _, m := range receiveSNS(t, sqsA, queueURL, len(delivered)) {
		d := decodeSNS(t, aws.ToString(m.Body))
		if d.Type != "Notification" || d.TopicArn != topic {
			t.Errorf("received %+v", d)
		}
		group := m.Attributes[string(sqstypes.MessageSystemAttributeNameMessageGroupId)]
		byGroup[group] = append(byGroup[group], sent{d.MessageId, d.SequenceNumber, group,
			m.Attributes[string(sqstypes.MessageSystemAttributeNameMessageDeduplicationId)], d.Message})
	}
	for _, group := range []string{"truck-1", "truck-2"} {
		var want []sent
		for _, p := range delivered {
			if p.group == group {
				want = append(want, p)
			}
		}
		if !slices.Equal(byGroup[group], want) {
			t.Errorf("group %s received\n%+v\nwant, in order,\n%+v", group, byGroup[group], want)
		}
	}
	wantNothingMore(t, f, sqsA, queueURL)
}

// TestSNSQueueSubscriptionUnsubscribeNeedsSignature: "Amazon SQS queue
// subscriptions require authentication for deletion. Only the owner of the
// subscription, or the owner of the topic can unsubscribe using the
// required AWS signature"
// (https://docs.aws.amazon.com/sns/latest/api/API_Unsubscribe.html). The
// UnsubscribeURL in a notification delivered into a queue, opened without a
// signature, is refused and the subscription stays; the subscription's
// owner, signing, ends it.
func TestSNSQueueSubscriptionUnsubscribeNeedsSignature(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	snsA, snsB, sqsB := f.sns(rootOf(acctA)), f.sns(rootOf(acctB)), f.sqs(rootOf(acctB))
	topic := newTopic(t, snsA, acctA, "alerts", nil)
	addTopicStatement(t, snsA, topic, stmt{
		"Effect": "Allow", "Principal": map[string]any{"AWS": rootARN(acctB)}, "Action": "sns:Subscribe", "Resource": topic,
	})
	queueARN := sqsARN(acctB, "alerts-inbox")
	queueURL := newQueue(t, sqsB, "alerts-inbox", topicDeliveryPolicy(t, queueARN, topic))
	subARN := subscribeQueueTo(t, snsB, topic, queueARN, nil)
	checkSubscriptionARN(t, subARN, topic)
	id, _ := publish(t, snsA, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("disk 91% full")})
	d := decodeSNS(t, aws.ToString(receiveSNS(t, sqsB, queueURL, 1)[0].Body))
	checkNotification(t, f, d, topic, subARN, id, "disk 91% full", nil)

	req, err := http.NewRequestWithContext(ctx, http.MethodGet, d.UnsubscribeURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET UnsubscribeURL: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatal(err)
	}
	var refusal struct {
		XMLName xml.Name `xml:"ErrorResponse"`
		Code    string   `xml:"Error>Code"`
	}
	if resp.StatusCode != http.StatusForbidden || xml.Unmarshal(body, &refusal) != nil || refusal.Code != "AuthorizationError" {
		t.Errorf("unsigned GET of an SQS subscription's UnsubscribeURL: %s\n%s\nwant 403 AuthorizationError", resp.Status, body)
	}
	if subs := topicSubscriptions(t, snsA, topic); len(subs) != 1 || aws.ToString(subs[0].SubscriptionArn) != subARN {
		t.Fatalf("after an unsigned unsubscribe, the topic's subscriptions are %+v, want %s still", subs, subARN)
	}
	id, _ = publish(t, snsA, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("disk 95% full")})
	d = decodeSNS(t, aws.ToString(receiveSNS(t, sqsB, queueURL, 1)[0].Body))
	checkNotification(t, f, d, topic, subARN, id, "disk 95% full", nil)

	if _, err := snsB.Unsubscribe(ctx, &sns.UnsubscribeInput{SubscriptionArn: aws.String(subARN)}); err != nil {
		t.Fatalf("the subscription's owner unsubscribes, signed: %v", err)
	}
	if subs := topicSubscriptions(t, snsA, topic); len(subs) != 0 {
		t.Errorf("after Unsubscribe, the topic's subscriptions are %+v, want none", subs)
	}
	publish(t, snsA, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("disk 99% full")})
	wantNothingMore(t, f, sqsB, queueURL)
}
