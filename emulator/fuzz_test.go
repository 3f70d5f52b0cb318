package emulator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// Fuzz targets for the parsers of untrusted input. The decoder targets must
// never panic; the whole-request targets go through a signed ServeHTTP and
// must never answer 500, which is what a recovered panic or an unexpected
// failure renders as.

func FuzzDecodeQuery(f *testing.F) {
	for _, s := range []string{
		"QueueName=q&MaxResults=7",
		"Attribute.1.Name=DelaySeconds&Attribute.1.Value=5",
		"Entry.1.Id=a&Entry.1.MessageAttribute.1.Name=n&Entry.1.MessageAttribute.1.Value.DataType=String",
		"AttributeName.1=All&AttributeName.2=",
		"Entry.1.MessageAttribute.1.Value.BinaryValue=AQI=",
		"Tag.1.Key=&Tag.1.Value=x&Tag.2.Key=y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		values, err := url.ParseQuery(s)
		if err != nil {
			return
		}
		var v queryShape
		decodeQuery(values, &v)
	})
}

func FuzzDecodeJSON(f *testing.F) {
	for _, s := range []string{`{}`, `{"QueueName":"q","MaxResults":3}`, `{"Entries":[{"Id":"a"}]}`, `[`, `{"MaxResults":"x"}`, ``} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var v queryShape
		decodeJSON(b, &v)
	})
}

// signedRequest builds a request signed as the root of 000000000000.
func signedRequest(tb testing.TB, target, contentType string, body []byte) *http.Request {
	return signedRequestAs(tb, aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}, target, contentType, body)
}

func signedRequestAs(tb testing.TB, creds aws.Credentials, target, contentType string, body []byte) *http.Request {
	req := httptest.NewRequest("POST", "http://127.0.0.1:4566/", bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if target != "" {
		req.Header.Set("X-Amz-Target", target)
	}
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "sqs", "us-east-1", time.Now()); err != nil {
		tb.Fatal(err)
	}
	return req
}

// serverWithQueue makes an unstarted server holding the queue "fuzz".
func serverWithQueue(f testing.TB) *Server {
	srv, err := New(Config{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { srv.Shutdown(context.Background()) })
	// A queue to aim at, so that fuzzed requests reach deep into the handlers.
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, signedRequest(f, "AmazonSQS.CreateQueue", "application/x-amz-json-1.0", []byte(`{"QueueName":"fuzz"}`)))
	if rec.Code != 200 {
		f.Fatalf("create queue: %d %s", rec.Code, rec.Body)
	}
	return srv
}

func FuzzServeQuery(f *testing.F) {
	srv := serverWithQueue(f)
	q := "QueueUrl=http%3A%2F%2F127.0.0.1%3A4566%2F000000000000%2Ffuzz"
	for _, s := range []string{
		"Action=ListQueues",
		"Action=SendMessage&" + q + "&MessageBody=hi&MessageAttribute.1.Name=a&MessageAttribute.1.Value.DataType=Number&MessageAttribute.1.Value.StringValue=1e5",
		"Action=SendMessageBatch&" + q + "&SendMessageBatchRequestEntry.1.Id=a&SendMessageBatchRequestEntry.1.MessageBody=x",
		"Action=ReceiveMessage&" + q + "&MaxNumberOfMessages=10&AttributeName.1=All",
		"Action=DeleteMessageBatch&" + q + "&DeleteMessageBatchRequestEntry.1.Id=a&DeleteMessageBatchRequestEntry.1.ReceiptHandle=zz",
		"Action=SetQueueAttributes&" + q + "&Attribute.1.Name=RedrivePolicy&Attribute.1.Value=%7B%7D",
		"Action=AddPermission&" + q + "&Label=l&AWSAccountId.1=111111111111&ActionName.1=SendMessage",
		"Action=CreateQueue&QueueName=a.fifo&Attribute.1.Name=FifoQueue&Attribute.1.Value=true",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, signedRequest(t, "", "application/x-www-form-urlencoded", body))
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}

func FuzzServeJSON(f *testing.F) {
	srv := serverWithQueue(f)
	q := `"QueueUrl":"http://127.0.0.1:4566/000000000000/fuzz"`
	for _, s := range []struct{ action, body string }{
		{"SendMessage", `{` + q + `,"MessageBody":"hi","MessageAttributes":{"a":{"DataType":"Binary","BinaryValue":"AQI="}}}`},
		{"SendMessageBatch", `{` + q + `,"Entries":[{"Id":"a","MessageBody":"x","DelaySeconds":3}]}`},
		{"ReceiveMessage", `{` + q + `,"MaxNumberOfMessages":10,"MessageAttributeNames":["All"]}`},
		{"ChangeMessageVisibilityBatch", `{` + q + `,"Entries":[{"Id":"a","ReceiptHandle":"x","VisibilityTimeout":5}]}`},
		{"GetQueueAttributes", `{` + q + `,"AttributeNames":["All"]}`},
		{"StartMessageMoveTask", `{"SourceArn":"arn:aws:sqs:us-east-1:000000000000:fuzz"}`},
		{"TagQueue", `{` + q + `,"Tags":{"a":"b"}}`},
		{"Nope", `{}`},
	} {
		f.Add(s.action, []byte(s.body))
	}
	f.Fuzz(func(t *testing.T, action string, body []byte) {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, signedRequest(t, "AmazonSQS."+action, "application/x-amz-json-1.0", body))
		if rec.Code >= 500 {
			t.Fatalf("status %d for %s %q: %s", rec.Code, action, body, rec.Body)
		}
	})
}
