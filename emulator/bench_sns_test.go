package emulator

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

// serveQuery sends one query-protocol request signed for a service as the
// root of the default account, and fails on an error answer.
func serveQuery(tb testing.TB, srv *Server, service string, form url.Values) {
	tb.Helper()
	req := signedQuery(tb, service, form)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, req)
	if rec.Code != 200 {
		tb.Fatalf("%s %s: %d %s", service, form.Get("Action"), rec.Code, rec.Body)
	}
}

func signedQuery(tb testing.TB, service string, form url.Values) *http.Request {
	body := []byte(form.Encode())
	req := httptest.NewRequest("POST", "http://127.0.0.1:4566/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), service, "us-east-1", time.Now()); err != nil {
		tb.Fatal(err)
	}
	return req
}

// BenchmarkServePublishFanout is one Publish to a topic with ten raw SQS
// subscribers, each allowed in by its queue policy: the request and every
// delivery it causes (the benchmark waits for them all).
func BenchmarkServePublishFanout(b *testing.B) {
	srv, err := New(Config{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Shutdown(context.Background()) })
	topic := "arn:aws:sns:us-east-1:000000000000:fanout"
	serveQuery(b, srv, "sns", url.Values{"Action": {"CreateTopic"}, "Name": {"fanout"}})
	for i := range 10 {
		name := fmt.Sprintf("q%d", i)
		arn := "arn:aws:sqs:us-east-1:000000000000:" + name
		policy := fmt.Sprintf(`{"Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":%q,"Condition":{"ArnEquals":{"aws:SourceArn":%q}}}]}`, arn, topic)
		serveQuery(b, srv, "sqs", url.Values{"Action": {"CreateQueue"}, "QueueName": {name},
			"Attribute.1.Name": {"Policy"}, "Attribute.1.Value": {policy}})
		serveQuery(b, srv, "sns", url.Values{"Action": {"Subscribe"}, "TopicArn": {topic}, "Protocol": {"sqs"}, "Endpoint": {arn},
			"Attributes.entry.1.key": {"RawMessageDelivery"}, "Attributes.entry.1.value": {"true"}})
	}
	form := url.Values{"Action": {"Publish"}, "TopicArn": {topic}, "Message": {`{"order":42,"status":"shipped"}`}}
	signed := signedQuery(b, "sns", form)
	body := []byte(form.Encode())
	header := signed.Header.Clone()
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		w := &discardWriter{h: http.Header{}}
		for pb.Next() {
			r := httptest.NewRequest("POST", "http://127.0.0.1:4566/", bytes.NewReader(body))
			r.Header = header
			clear(w.h)
			srv.ServeHTTP(w, r)
		}
	})
	if err := srv.Flush(context.Background()); err != nil {
		b.Fatal(err)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*10)/b.Elapsed().Seconds(), "deliveries/s")
}
