package emulator

import (
	"bytes"
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"net/http"
	"net/http/httptest"
	"testing"
)

// discardWriter is a ResponseWriter that keeps nothing, so the benchmarks
// measure the server, not the recorder.
type discardWriter struct{ h http.Header }

func (d *discardWriter) Header() http.Header         { return d.h }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}

// benchServe replays one signed request through ServeHTTP: the server's own
// cost per request (signature verification, decoding, the action, encoding),
// without the network.
func benchServe(b *testing.B, target, contentType string, body []byte) {
	benchServeWith(b, serverWithQueue(b), target, contentType, body)
}

func benchServeWith(b *testing.B, srv *Server, target, contentType string, body []byte) {
	signed := signedRequest(b, target, contentType, body)
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
}

func BenchmarkServeSendMessageJSON(b *testing.B) {
	benchServe(b, "AmazonSQS.SendMessage", "application/x-amz-json-1.0",
		[]byte(`{"QueueUrl":"http://127.0.0.1:4566/000000000000/fuzz","MessageBody":"hello from the benchmark"}`))
}

func BenchmarkServeSendMessageQuery(b *testing.B) {
	benchServe(b, "", "application/x-www-form-urlencoded",
		[]byte("Action=SendMessage&Version=2012-11-05&QueueUrl=http%3A%2F%2F127.0.0.1%3A4566%2F000000000000%2Ffuzz&MessageBody=hello+from+the+benchmark"))
}

// BenchmarkServeSendMessageAsUser is SendMessage signed by an IAM user whose
// inline policy (with a condition) allows it: the full cost of enforcement,
// identity policies and request context included.
func BenchmarkServeSendMessageAsUser(b *testing.B) {
	srv, err := Run(Config{Listen: "127.0.0.1:0"})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { srv.Close() })
	ctx := context.Background()
	root := credentials.NewStaticCredentialsProvider("test", "test", "")
	ic := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()), Credentials: root})
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("bench")}); err != nil {
		b.Fatal(err)
	}
	doc := `{"Version":"2012-10-17","Statement":[{"Sid":"Send","Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:*:000000000000:*","Condition":{"Bool":{"aws:SecureTransport":"false"}}},{"Effect":"Deny","Action":"sqs:DeleteQueue","Resource":"*"}]}`
	if _, err := ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("bench"), PolicyName: aws.String("send"), PolicyDocument: &doc}); err != nil {
		b.Fatal(err)
	}
	key, err := ic.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: aws.String("bench")})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := sqsClient(srv, "test", "test").CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("fuzz")}); err != nil {
		b.Fatal(err)
	}
	body := []byte(`{"QueueUrl":"http://127.0.0.1:4566/000000000000/fuzz","MessageBody":"hello from the benchmark"}`)
	signed := signedRequestAs(b, aws.Credentials{AccessKeyID: *key.AccessKey.AccessKeyId, SecretAccessKey: *key.AccessKey.SecretAccessKey},
		"AmazonSQS.SendMessage", "application/x-amz-json-1.0", body)
	header := signed.Header.Clone()
	w := &discardWriter{h: http.Header{}}
	check := httptest.NewRecorder()
	srv.ServeHTTP(check, signed)
	if check.Code != 200 {
		b.Fatalf("as user: %d %s", check.Code, check.Body)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		r := httptest.NewRequest("POST", "http://127.0.0.1:4566/", bytes.NewReader(body))
		r.Header = header
		clear(w.h)
		srv.ServeHTTP(w, r)
	}
}

// BenchmarkServeSendMessageFIFODuplicate sends a message that deduplicates,
// so nothing accumulates: set against BenchmarkServeSendMessageJSON, whose
// queue grows by every send, it shows what the growing heap costs.
func BenchmarkServeSendMessageFIFODuplicate(b *testing.B) {
	srv := serverWithQueue(b)
	rec := httptest.NewRecorder()
	srv.ServeHTTP(rec, signedRequest(b, "AmazonSQS.CreateQueue", "application/x-amz-json-1.0", []byte(`{"QueueName":"f.fifo","Attributes":{"FifoQueue":"true"}}`)))
	if rec.Code != 200 {
		b.Fatalf("create queue: %d %s", rec.Code, rec.Body)
	}
	benchServeWith(b, srv, "AmazonSQS.SendMessage", "application/x-amz-json-1.0",
		[]byte(`{"QueueUrl":"http://127.0.0.1:4566/000000000000/f.fifo","MessageBody":"hello from the benchmark","MessageGroupId":"g","MessageDeduplicationId":"d"}`))
}
