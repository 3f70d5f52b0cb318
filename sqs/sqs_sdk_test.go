package sqs_test

import (
	"context"
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"

	"github.com/ferry-emulator/ferry/emulator"
)

// The SQS API through the real aws-sdk-go-v2 client (AWS JSON 1.0), against
// ferry started in-process. This file holds the shared helpers and the
// cross-cutting behaviour: authentication, accounts, regions and the queue
// URL forms. The action families have their own files.

const (
	defaultAccount = emulator.DefaultAccount
	otherAccount   = "111111111111" // a numeric access key is the root of that account
	region         = "us-east-1"
)

// startFerry runs a fresh ferry on a free port for one test.
func startFerry(t *testing.T) *emulator.Server {
	t.Helper()
	srv, err := emulator.Run(emulator.Config{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatalf("starting ferry: %v", err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

// clientFor is an SDK client signing with the given key in the given region.
// Retries are off so that every error the test sees is the server's first answer.
func clientFor(srv *emulator.Server, accessKey, secret, regionName string) *sqs.Client {
	return sqs.New(sqs.Options{
		Region:       regionName,
		BaseEndpoint: aws.String(srv.URL()),
		Credentials:  credentials.NewStaticCredentialsProvider(accessKey, secret, ""),
		Retryer:      aws.NopRetryer{},
	})
}

// newClient is the root of the default account in us-east-1.
func newClient(srv *emulator.Server) *sqs.Client {
	return clientFor(srv, "test", "test", region)
}

// setup starts ferry and returns a default-account client.
func setup(t *testing.T) (*emulator.Server, *sqs.Client) {
	t.Helper()
	srv := startFerry(t)
	return srv, newClient(srv)
}

func ctxT(t *testing.T) context.Context {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// createQueue creates a queue and returns its URL.
func createQueue(t *testing.T, c *sqs.Client, name string, attrs map[string]string) string {
	t.Helper()
	out, err := c.CreateQueue(ctxT(t), &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: attrs})
	if err != nil {
		t.Fatalf("CreateQueue %s: %v", name, err)
	}
	return aws.ToString(out.QueueUrl)
}

func queueArn(t *testing.T, c *sqs.Client, url string) string {
	t.Helper()
	return queueAttrs(t, c, url, "QueueArn")["QueueArn"]
}

func queueAttrs(t *testing.T, c *sqs.Client, url string, names ...string) map[string]string {
	t.Helper()
	in := &sqs.GetQueueAttributesInput{QueueUrl: aws.String(url)}
	for _, n := range names {
		in.AttributeNames = append(in.AttributeNames, types.QueueAttributeName(n))
	}
	out, err := c.GetQueueAttributes(ctxT(t), in)
	if err != nil {
		t.Fatalf("GetQueueAttributes %s: %v", url, err)
	}
	return out.Attributes
}

func send(t *testing.T, c *sqs.Client, url, body string) *sqs.SendMessageOutput {
	t.Helper()
	out, err := c.SendMessage(ctxT(t), &sqs.SendMessageInput{QueueUrl: aws.String(url), MessageBody: aws.String(body)})
	if err != nil {
		t.Fatalf("SendMessage to %s: %v", url, err)
	}
	return out
}

// receive takes up to max messages without waiting.
func receive(t *testing.T, c *sqs.Client, url string, max int32) []types.Message {
	t.Helper()
	out, err := c.ReceiveMessage(ctxT(t), &sqs.ReceiveMessageInput{
		QueueUrl: aws.String(url), MaxNumberOfMessages: max,
		MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameAll},
		MessageAttributeNames:       []string{"All"},
	})
	if err != nil {
		t.Fatalf("ReceiveMessage from %s: %v", url, err)
	}
	return out.Messages
}

// drain receives every visible message of a queue (bounded), making them invisible.
func drain(t *testing.T, c *sqs.Client, url string) []types.Message {
	t.Helper()
	var all []types.Message
	for i := 0; i < 100; i++ {
		got := receive(t, c, url, 10)
		if len(got) == 0 {
			return all
		}
		all = append(all, got...)
	}
	t.Fatalf("queue %s did not drain", url)
	return nil
}

func bodies(msgs []types.Message) []string {
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = aws.ToString(m.Body)
	}
	return out
}

func sortedBodies(msgs []types.Message) []string {
	b := bodies(msgs)
	sort.Strings(b)
	return b
}

// wantAPIError asserts that err is an AWS API error with this code (for
// query-compatible errors, the code the SDK reports is the legacy query code).
func wantAPIError(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	var ae smithy.APIError
	if !errors.As(err, &ae) {
		t.Fatalf("got %v (%T), want API error %s", err, err, code)
	}
	if ae.ErrorCode() != code {
		t.Fatalf("got error code %q (%v), want %q", ae.ErrorCode(), err, code)
	}
}

// wantStatus asserts the HTTP status of a failed call.
func wantStatus(t *testing.T, err error, status int) {
	t.Helper()
	var re *smithyhttp.ResponseError
	if !errors.As(err, &re) {
		t.Fatalf("error %v carries no HTTP response", err)
	}
	if re.HTTPStatusCode() != status {
		t.Fatalf("HTTP status %d, want %d (%v)", re.HTTPStatusCode(), status, err)
	}
}

// wantTyped asserts that err unwraps to the SDK's typed error *E.
func wantTyped[E error](t *testing.T, err error) E {
	t.Helper()
	var target E
	if !errors.As(err, &target) {
		t.Fatalf("got %v (%T), want %T", err, err, target)
	}
	return target
}

// md5OfAttributes is the message-attribute digest as the SQS Developer Guide
// describes it, written independently of ferry's: per attribute in name
// order, length-prefixed name, length-prefixed data type, a transport byte
// (1 string, 2 binary) and the length-prefixed value.
func md5OfAttributes(attrs map[string]types.MessageAttributeValue) string {
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	h := md5.New()
	put := func(b []byte) {
		h.Write(binary.BigEndian.AppendUint32(nil, uint32(len(b))))
		h.Write(b)
	}
	for _, n := range names {
		v := attrs[n]
		put([]byte(n))
		put([]byte(aws.ToString(v.DataType)))
		if strings.HasPrefix(aws.ToString(v.DataType), "Binary") {
			h.Write([]byte{2})
			put(v.BinaryValue)
		} else {
			h.Write([]byte{1})
			put([]byte(aws.ToString(v.StringValue)))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func md5OfSystemAttributes(attrs map[string]types.MessageSystemAttributeValue) string {
	conv := make(map[string]types.MessageAttributeValue, len(attrs))
	for k, v := range attrs {
		conv[k] = types.MessageAttributeValue{DataType: v.DataType, StringValue: v.StringValue, BinaryValue: v.BinaryValue}
	}
	return md5OfAttributes(conv)
}

func TestSDKAuthentication(t *testing.T) {
	t.Parallel()
	srv := startFerry(t)
	ctx := ctxT(t)

	_, err := clientFor(srv, "test", "wrong-secret", region).ListQueues(ctx, &sqs.ListQueuesInput{})
	wantAPIError(t, err, "SignatureDoesNotMatch")
	wantStatus(t, err, http.StatusForbidden)

	_, err = clientFor(srv, "AKIAIOSFODNN7EXAMPLE", "test", region).ListQueues(ctx, &sqs.ListQueuesInput{})
	wantAPIError(t, err, "InvalidClientTokenId")
	wantStatus(t, err, http.StatusForbidden)

	// A numeric key with the wrong secret is a bad signature, not an unknown key.
	_, err = clientFor(srv, otherAccount, "nope", region).ListQueues(ctx, &sqs.ListQueuesInput{})
	wantAPIError(t, err, "SignatureDoesNotMatch")

	if _, err := clientFor(srv, otherAccount, "test", region).ListQueues(ctx, &sqs.ListQueuesInput{}); err != nil {
		t.Fatalf("numeric account key with the root secret: %v", err)
	}
}

func TestSDKAccountsAreIsolated(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	other := clientFor(srv, otherAccount, "test", region)
	ctx := ctxT(t)

	mine := createQueue(t, c, "orders", nil)
	theirs := createQueue(t, other, "orders", nil)
	if mine == theirs {
		t.Fatalf("two accounts got the same queue URL %s", mine)
	}
	if !strings.HasSuffix(mine, "/"+defaultAccount+"/orders") || !strings.HasSuffix(theirs, "/"+otherAccount+"/orders") {
		t.Fatalf("queue URLs %s, %s do not name their accounts", mine, theirs)
	}
	if arn := queueArn(t, other, theirs); arn != "arn:aws:sqs:us-east-1:"+otherAccount+":orders" {
		t.Fatalf("QueueArn = %s", arn)
	}
	send(t, c, mine, "for account zero")
	if got := receive(t, other, theirs, 10); len(got) != 0 {
		t.Fatalf("the other account's queue received %q", bodies(got))
	}
	createQueue(t, other, "only-theirs", nil)
	list, err := c.ListQueues(ctx, &sqs.ListQueuesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(list.QueueUrls) != 1 || list.QueueUrls[0] != mine {
		t.Fatalf("ListQueues of the default account = %v, want only %s", list.QueueUrls, mine)
	}
	_, err = c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("only-theirs")})
	wantTyped[*types.QueueDoesNotExist](t, err)
}

func TestSDKRegionsAreIsolated(t *testing.T) {
	t.Parallel()
	srv, east := setup(t)
	west := clientFor(srv, "test", "test", "eu-west-1")

	eastURL := createQueue(t, east, "jobs", nil)
	westURL := createQueue(t, west, "jobs", nil)
	if a, b := queueArn(t, east, eastURL), queueArn(t, west, westURL); a == b || !strings.Contains(b, ":eu-west-1:") {
		t.Fatalf("ARNs %s and %s: want one queue per region", a, b)
	}
	send(t, east, eastURL, "east")
	if got := receive(t, west, westURL, 10); len(got) != 0 {
		t.Fatalf("eu-west-1 queue received %q sent in us-east-1", bodies(got))
	}
	if got := receive(t, east, eastURL, 10); len(got) != 1 || aws.ToString(got[0].Body) != "east" {
		t.Fatalf("us-east-1 queue received %q", bodies(got))
	}
	// Deleting one region's queue leaves the other's.
	if _, err := west.DeleteQueue(ctxT(t), &sqs.DeleteQueueInput{QueueUrl: aws.String(westURL)}); err != nil {
		t.Fatal(err)
	}
	queueAttrs(t, east, eastURL, "All")
}

func TestSDKQueueURLForms(t *testing.T) {
	t.Parallel()
	srv, c := setup(t)
	west := clientFor(srv, "test", "test", "eu-west-1")
	ctx := ctxT(t)

	local := createQueue(t, c, "forms", nil)
	if want := srv.URL() + "/" + defaultAccount + "/forms"; local != want {
		t.Fatalf("QueueUrl = %s, want %s", local, want)
	}
	awsForm := "https://sqs.us-east-1.amazonaws.com/" + defaultAccount + "/forms"
	legacy := "https://queue.amazonaws.com/" + defaultAccount + "/forms"
	for _, u := range []string{awsForm, legacy, "http://localhost:4566/" + defaultAccount + "/forms"} {
		send(t, c, u, "via "+u)
	}
	got := drain(t, c, local)
	if len(got) != 3 {
		t.Fatalf("received %q through the local URL, want the 3 messages sent through the other forms", bodies(got))
	}

	// The AWS form names its region, whatever region the request is signed for.
	westURL := createQueue(t, west, "forms", nil)
	send(t, c, "https://sqs.eu-west-1.amazonaws.com/"+defaultAccount+"/forms", "to the west")
	if got := receive(t, west, westURL, 10); len(got) != 1 {
		t.Fatalf("eu-west-1 queue got %q, want the message addressed by its AWS URL", bodies(got))
	}

	// A URL that names no account/queue path is InvalidAddress.
	_, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(srv.URL() + "/not-an-account/forms"), MessageBody: aws.String("x")})
	wantTyped[*types.InvalidAddress](t, err)
	wantStatus(t, err, http.StatusNotFound)

	_, err = c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: aws.String(awsForm + "-missing"), MessageBody: aws.String("x")})
	wantTyped[*types.QueueDoesNotExist](t, err)
	wantAPIError(t, err, "AWS.SimpleQueueService.NonExistentQueue")
}
