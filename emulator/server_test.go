package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"

	"github.com/ferry-emulator/ferry/emulator/api"
)

func startServer(t *testing.T) *Server {
	t.Helper()
	srv, err := Run(Config{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })
	return srv
}

func sqsClient(srv *Server, key, secret string) *sqs.Client {
	return sqs.New(sqs.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL()),
		Credentials:  credentials.NewStaticCredentialsProvider(key, secret, ""),
	})
}

func TestHealth(t *testing.T) {
	srv := startServer(t)
	resp, err := http.Get(srv.URL() + "/_ferry/health")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Status   string            `json:"status"`
		Services map[string]string `json:"services"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || body.Status != "ready" || body.Services["sqs"] != "running" {
		t.Fatalf("health = %d %+v", resp.StatusCode, body)
	}
}

func TestResetDropsState(t *testing.T) {
	srv := startServer(t)
	c := sqsClient(srv, "test", "test")
	ctx := context.Background()
	if _, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q")}); err != nil {
		t.Fatal(err)
	}
	if resp, err := http.Get(srv.URL() + "/_ferry/reset"); err != nil || resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("GET reset: %v %v", resp.StatusCode, err)
	}
	resp, err := http.Post(srv.URL()+"/_ferry/reset", "", nil)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("POST reset: %v %v", resp, err)
	}
	out, err := c.ListQueues(ctx, &sqs.ListQueuesInput{})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.QueueUrls) != 0 {
		t.Fatalf("queues after reset: %v", out.QueueUrls)
	}
}

func apiCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

func TestAuthenticationFailures(t *testing.T) {
	srv := startServer(t)
	ctx := context.Background()
	tests := []struct {
		name, key, secret, code string
	}{
		{"wrong secret", "test", "nope", "SignatureDoesNotMatch"},
		{"unknown key", "AKIAUNKNOWNKEY000000", "whatever", "InvalidClientTokenId"},
		{"account root with wrong secret", "111111111111", "nope", "SignatureDoesNotMatch"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := sqsClient(srv, tc.key, tc.secret).ListQueues(ctx, &sqs.ListQueuesInput{})
			if got := apiCode(err); got != tc.code {
				t.Fatalf("code = %q (%v), want %s", got, err, tc.code)
			}
		})
	}
	// Numeric keys are the roots of their own accounts.
	if _, err := sqsClient(srv, "111111111111", "test").ListQueues(ctx, &sqs.ListQueuesInput{}); err != nil {
		t.Fatal(err)
	}
}

func TestUnsignedRequestRejected(t *testing.T) {
	srv := startServer(t)
	for _, tc := range []struct {
		name, contentType, target, body string
		wantJSON                        bool
	}{
		{"query", "application/x-www-form-urlencoded", "", "Action=ListQueues&Version=2012-11-05", false},
		{"json", "application/x-amz-json-1.0", "AmazonSQS.ListQueues", "{}", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("POST", srv.URL()+"/", strings.NewReader(tc.body))
			req.Header.Set("Content-Type", tc.contentType)
			if tc.target != "" {
				req.Header.Set("X-Amz-Target", tc.target)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			b, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != 403 || !strings.Contains(string(b), "MissingAuthenticationToken") {
				t.Fatalf("status %d body %s", resp.StatusCode, b)
			}
			if tc.wantJSON != strings.HasPrefix(strings.TrimSpace(string(b)), "{") {
				t.Fatalf("body in the wrong protocol: %s", b)
			}
		})
	}
}

// A handler that panics answers InternalFailure and the server keeps serving.
func TestPanicRecovery(t *testing.T) {
	srv := startServer(t)
	boom := &api.Service{
		SigningName: "sqs", TargetPrefix: "AmazonSQS", JSONVersion: "1.0", JSONNamespace: "com.amazonaws.sqs",
		QueryProtocol: true, QueryCompatible: true,
		Actions: api.Table(api.Op("ListQueues", "sqs:ListQueues",
			func(context.Context, *api.Request, *struct{}) (*struct{}, error) { panic("boom") })),
	}
	real := srv.services["sqs"]
	srv.services["sqs"] = fakeService{boom}
	_, err := sqsClient(srv, "test", "test").ListQueues(context.Background(), &sqs.ListQueuesInput{})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "InternalFailure" || ae.ErrorFault() != smithy.FaultServer {
		t.Fatalf("err = %v", err)
	}
	srv.services["sqs"] = real
	if _, err := sqsClient(srv, "test", "test").ListQueues(context.Background(), &sqs.ListQueuesInput{}); err != nil {
		t.Fatalf("after panic: %v", err)
	}
}

type fakeService struct{ svc *api.Service }

func (f fakeService) API() *api.Service { return f.svc }
func (fakeService) Reset()              {}
func (fakeService) Close()              {}

// Shutdown ends a waiting long poll at once instead of holding it for its
// full wait time, and the poll answers with an empty result.
func TestShutdownEndsLongPolls(t *testing.T) {
	srv, err := Run(Config{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	c := sqsClient(srv, "test", "test")
	ctx := context.Background()
	q, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("q")})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, WaitTimeSeconds: 20})
		if err == nil && len(out.Messages) != 0 {
			err = errors.New("unexpected messages")
		}
		done <- err
	}()
	// Wait until the poll has reached the server before shutting down.
	waitAuthorized(t, srv, "sqs:ReceiveMessage")
	sctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("long poll: %v", err)
		}
	case <-sctx.Done():
		t.Fatal("long poll still waiting after shutdown")
	}
}

// With a hostname configured, queue URLs name it (with the listener's port
// when it gives none) whatever Host the request came to.
func TestAdvertisedHostname(t *testing.T) {
	for _, tc := range []struct{ hostname, want string }{
		{"ferry", "http://ferry:PORT/000000000000/q"},
		{"queues.example:8080", "http://queues.example:8080/000000000000/q"},
	} {
		srv, err := Run(Config{Listen: "127.0.0.1:0", Hostname: tc.hostname})
		if err != nil {
			t.Fatal(err)
		}
		out, err := sqsClient(srv, "test", "test").CreateQueue(context.Background(), &sqs.CreateQueueInput{QueueName: aws.String("q")})
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		_, port, _ := strings.Cut(srv.Addr(), ":")
		if want := strings.Replace(tc.want, "PORT", port, 1); aws.ToString(out.QueueUrl) != want {
			t.Errorf("hostname %q: QueueUrl %s, want %s", tc.hostname, aws.ToString(out.QueueUrl), want)
		}
	}
}

// /_ferry/metrics serves requests, latencies, decisions and queue depths in
// the Prometheus text format.
func TestMetrics(t *testing.T) {
	srv := startServer(t)
	c := sqsClient(srv, "test", "test")
	ctx := context.Background()
	q, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("depth")})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 3; i++ {
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("m")}); err != nil {
			t.Fatal(err)
		}
	}
	c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("missing")})
	resp, err := http.Get(srv.URL() + "/_ferry/metrics")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	body := string(b)
	for _, want := range []string{
		`ferry_requests_total{action="SendMessage",code="",service="sqs"} 3`,
		`ferry_requests_total{action="GetQueueUrl",code="AWS.SimpleQueueService.NonExistentQueue",service="sqs"} 1`,
		`ferry_request_duration_seconds_count{action="SendMessage",service="sqs"} 3`,
		`ferry_authorization_decisions_total{decision="Allow",enforced="true"}`,
		`ferry_sqs_queue_messages{account="000000000000",queue="depth",region="us-east-1",state="visible"} 3`,
		`go_goroutines`,
	} {
		if !strings.Contains(body, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}

// Shutdown leaves no goroutine behind: not the listener's, not a waiting
// long poll's, not a running message-move task's.
func TestShutdownLeavesNoGoroutines(t *testing.T) {
	before := runtime.NumGoroutine()
	srv, err := Run(Config{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	transport := &http.Transport{}
	c := sqs.New(sqs.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()), HTTPClient: &http.Client{Transport: transport},
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		RetryMaxAttempts: 1, // a poll cut off by shutdown must not be retried against a closed port
	})
	ctx := context.Background()
	dlq, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("dlq")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("src"), Attributes: map[string]string{
		"RedrivePolicy": `{"deadLetterTargetArn":"arn:aws:sqs:us-east-1:000000000000:dlq","maxReceiveCount":1}`}})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: dlq.QueueUrl, MessageBody: aws.String("m")})
	}
	// A slow move task (one message a second) is still running at shutdown.
	if _, err := c.StartMessageMoveTask(ctx, &sqs.StartMessageMoveTaskInput{
		SourceArn: aws.String("arn:aws:sqs:us-east-1:000000000000:dlq"), DestinationArn: aws.String("arn:aws:sqs:us-east-1:000000000000:src"),
		MaxNumberOfMessagesPerSecond: aws.Int32(1)}); err != nil {
		t.Fatal(err)
	}
	idle, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("idle")})
	if err != nil {
		t.Fatal(err)
	}
	polled := make(chan struct{})
	go func() {
		defer close(polled)
		c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: idle.QueueUrl, WaitTimeSeconds: 20})
	}()
	waitAuthorized(t, srv, "sqs:ReceiveMessage")
	deadline := time.Now().Add(5 * time.Second)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	<-polled
	transport.CloseIdleConnections()
	for time.Now().Before(deadline.Add(5*time.Second)) && runtime.NumGoroutine() > before {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		buf := make([]byte, 1<<16)
		t.Fatalf("%d goroutines after shutdown, %d before:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}

// A client that stops halfway through its headers does not hold shutdown
// past its deadline, and its connection is closed rather than left behind.
func TestShutdownDropsStalledConnections(t *testing.T) {
	before := runtime.NumGoroutine()
	srv, err := Run(Config{Listen: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	conn, err := net.Dial("tcp", srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.Write([]byte("POST / HTTP/1.1\r\nHost: ferry\r\nX-Amz-Tar")); err != nil {
		t.Fatal(err)
	}
	// Let the server start reading the request, so the connection is active.
	time.Sleep(50 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if err := srv.Shutdown(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("shutdown: %v, want the deadline to pass while the request is unfinished", err)
	}
	conn.SetReadDeadline(time.Now().Add(5 * time.Second))
	if n, err := conn.Read(make([]byte, 1)); err == nil || errors.Is(err, os.ErrDeadlineExceeded) {
		t.Fatalf("stalled connection still open after shutdown (read %d, %v)", n, err)
	}
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline) && runtime.NumGoroutine() > before; {
		time.Sleep(10 * time.Millisecond)
	}
	if n := runtime.NumGoroutine(); n > before {
		t.Fatalf("%d goroutines after shutdown, %d before", n, before)
	}
}

// waitAuthorized waits until the server has authorized a call of action:
// the request is in its handler, past everything but the action itself.
func waitAuthorized(t *testing.T, srv *Server, action string) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); len(srv.audit.query(AuditFilter{Action: action})) == 0; {
		if time.Now().After(deadline) {
			t.Fatalf("no %s reached the server within 5 s", action)
		}
		time.Sleep(time.Millisecond)
	}
}
