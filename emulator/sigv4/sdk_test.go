package sigv4

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
)

const (
	sdkAccessKey = "AKIAIOSFODNN7EXAMPLE"
	sdkSecret    = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	sdkToken     = "FwoGZXIvYXdzEBYaDExampleSessionToken+/=="
)

var sdkTime = time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

// sdkCase is a request as an AWS SDK sends it, signed or presigned by
// aws-sdk-go-v2's own signer.
type sdkCase struct {
	name    string
	method  string
	path    string // escaped as sent; "" is "/"
	query   string // raw query
	header  map[string][]string
	body    string
	service string
	region  string
	token   string
	// payload is the payload hash handed to the signer; "" means the body's.
	payload string
	// contentHeader sends the payload hash as X-Amz-Content-Sha256, as the
	// SDK's middleware does for services that want it.
	contentHeader bool
	presign       bool
	expires       int // X-Amz-Expires of a presigned URL; 0 leaves it out
}

var sdkCases = []sdkCase{
	{
		name: "sqs query POST form", method: "POST",
		header:  map[string][]string{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}},
		body:    "Action=SendMessage&MessageBody=hello%20world&QueueUrl=http%3A%2F%2Flocalhost%3A4566%2F000000000000%2Forders&Version=2012-11-05",
		service: "sqs", region: "us-east-1",
	},
	{
		name: "sqs json POST with X-Amz-Target", method: "POST",
		header: map[string][]string{
			"Content-Type": {"application/x-amz-json-1.0"},
			"X-Amz-Target": {"AmazonSQS.SendMessage"},
		},
		body:    `{"QueueUrl":"http://localhost:4566/000000000000/orders","MessageBody":"hi"}`,
		service: "sqs", region: "eu-west-1",
	},
	{
		name: "GET with query", method: "GET",
		query:   url.Values{"Action": {"ListQueues"}, "QueueNamePrefix": {"a b+c/~ü"}, "Version": {"2012-11-05"}}.Encode(),
		service: "sqs", region: "us-east-1",
	},
	{
		name: "sts with session token", method: "POST",
		header:  map[string][]string{"Content-Type": {"application/x-www-form-urlencoded"}},
		body:    "Action=GetCallerIdentity&Version=2011-06-15",
		service: "sts", region: "us-east-1", token: sdkToken,
	},
	{
		name: "UNSIGNED-PAYLOAD", method: "POST", path: "/topics/sensors",
		body:    `{"temperature":21}`,
		service: "iotdata", region: "us-west-2",
		payload: unsignedPayload, contentHeader: true,
	},
	{
		name: "content hash header", method: "POST", path: "/rules/my_rule",
		header:  map[string][]string{"Content-Type": {"application/json"}},
		body:    `{"topicRulePayload":{"sql":"SELECT * FROM 'a/b'"}}`,
		service: "iot", region: "ap-southeast-2", contentHeader: true,
	},
	{
		name: "path with spaces and unicode", method: "POST", path: "/topics/a%20b/%E1%88%B4/%C3%BC%2Bx",
		query:   "qos=1",
		body:    "payload",
		service: "iotdata", region: "us-east-1",
	},
	{
		name: "execute-api path", method: "GET", path: "/things/my%20thing/shadow",
		query:   "name=a%2Fb&name=a-b",
		service: "execute-api", region: "us-east-1",
	},
	{
		name: "repeated and padded header values", method: "POST",
		header: map[string][]string{
			"Content-Type": {"application/x-amz-json-1.1"},
			"X-Amz-Target": {"TrentService.Encrypt"},
			"X-Custom":     {"  a   b  ", "c"},
		},
		body:    `{"KeyId":"alias/aws/sqs","Plaintext":"aGk="}`,
		service: "kms", region: "us-east-1",
	},
	{
		name: "presigned GetCallerIdentity", method: "GET",
		query:   "Action=GetCallerIdentity&Version=2011-06-15",
		service: "sts", region: "us-east-1", token: sdkToken,
		presign: true, expires: 900,
	},
	{
		name: "presigned without X-Amz-Expires", method: "GET",
		query:   "Action=ListTopics&Version=2010-03-31",
		service: "sns", region: "us-east-1",
		presign: true,
	},
	{
		name: "presigned UNSIGNED-PAYLOAD", method: "GET", path: "/000000000000/orders",
		query:   "Action=ReceiveMessage",
		service: "sqs", region: "us-east-1",
		payload: unsignedPayload, presign: true, expires: 60,
	},
	{
		name: "presigned with signed header", method: "GET",
		query:   "Action=ListUsers&Version=2010-05-08",
		header:  map[string][]string{"Content-Type": {"text/plain"}},
		service: "iam", region: "us-east-1",
		presign: true, expires: 3600,
	},
}

// buildSigned returns c as the SDK sends it to srv, signed at sdkTime.
func (c sdkCase) buildSigned(t testing.TB, srvURL string) *http.Request {
	t.Helper()
	path := c.path
	if path == "" {
		path = "/"
	}
	target := srvURL + path
	if c.query != "" {
		target += "?" + c.query
	}
	var body io.Reader
	if c.body != "" {
		body = strings.NewReader(c.body)
	}
	req, err := http.NewRequest(c.method, target, body)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range c.header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	payload := c.payload
	if payload == "" {
		sum := sha256.Sum256([]byte(c.body))
		payload = hex.EncodeToString(sum[:])
	}
	if c.contentHeader {
		req.Header.Set("X-Amz-Content-Sha256", payload)
	}
	creds := aws.Credentials{AccessKeyID: sdkAccessKey, SecretAccessKey: sdkSecret, SessionToken: c.token}
	signer := v4.NewSigner()
	if !c.presign {
		if err := signer.SignHTTP(context.Background(), creds, req, payload, c.service, c.region, sdkTime); err != nil {
			t.Fatal(err)
		}
		return req
	}
	if c.expires > 0 {
		q := req.URL.Query()
		q.Set("X-Amz-Expires", strconv.Itoa(c.expires))
		req.URL.RawQuery = q.Encode()
	}
	signedURL, signedHeaders, err := signer.PresignHTTP(context.Background(), creds, req, payload, c.service, c.region, sdkTime)
	if err != nil {
		t.Fatal(err)
	}
	out, err := http.NewRequest(c.method, signedURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	for k, vs := range signedHeaders {
		if k != "Host" {
			out.Header[k] = vs
		}
	}
	return out
}

// received is a request as the server's handler saw it. The handler holds
// the request until release so that the test may inspect it.
type received struct {
	r       *http.Request
	body    []byte
	release chan struct{}
}

// wireServer hands the test every request a real net/http server parses.
func wireServer(t *testing.T) (*httptest.Server, chan received) {
	t.Helper()
	ch := make(chan received)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		rc := received{r: r, body: body, release: make(chan struct{})}
		ch <- rc
		<-rc.release
	}))
	t.Cleanup(srv.Close)
	return srv, ch
}

// roundTrip sends req through srv and runs check on what the server got.
func roundTrip(t *testing.T, srv *httptest.Server, ch chan received, req *http.Request, check func(r *http.Request, body []byte)) {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		resp, err := srv.Client().Do(req)
		if err == nil {
			resp.Body.Close()
		}
		done <- err
	}()
	select {
	case rc := <-ch:
		func() {
			defer close(rc.release) // even when check fails the test
			check(rc.r, rc.body)
		}()
	case err := <-done:
		t.Fatalf("request never reached the handler: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}

func verifyReceived(r *http.Request, body []byte, secret string, now time.Time) error {
	s, err := Parse(r)
	if err != nil {
		return err
	}
	return s.Verify(r, body, secret, now)
}

func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want *Error %s", err, code)
	}
	if e.Code != code {
		t.Fatalf("err = %v, want code %s", err, code)
	}
}

func TestSDKSignedRequestsVerify(t *testing.T) {
	srv, ch := wireServer(t)
	for _, c := range sdkCases {
		t.Run(c.name, func(t *testing.T) {
			roundTrip(t, srv, ch, c.buildSigned(t, srv.URL), func(r *http.Request, body []byte) {
				s, err := Parse(r)
				if err != nil {
					t.Fatalf("Parse: %v", err)
				}
				if s.AccessKeyID != sdkAccessKey || s.Service != c.service || s.Region != c.region ||
					s.SessionToken != c.token || s.Presigned != c.presign || !s.Date.Equal(sdkTime) ||
					s.Expires != time.Duration(c.expires)*time.Second {
					t.Fatalf("Parse = %+v", s)
				}
				if err := s.Verify(r, body, sdkSecret, sdkTime.Add(time.Minute)); err != nil {
					t.Fatalf("Verify: %v", err)
				}
				if err := s.Verify(r, body, sdkSecret[:len(sdkSecret)-1]+"X", sdkTime); err == nil {
					t.Fatal("Verify accepted the wrong secret")
				} else {
					wantCode(t, err, CodeSignatureDoesNotMatch)
				}
			})
		})
	}
}

// flipByte changes the byte at i to another byte of the same class, so the
// request stays well-formed.
func flipByte(s string, i int) string {
	b := []byte(s)
	switch c := b[i]; {
	case c == 'z':
		b[i] = 'y'
	case c == 'Z':
		b[i] = 'Y'
	case c == '9':
		b[i] = '8'
	case 'a' <= c && c < 'z' || 'A' <= c && c < 'Z' || '0' <= c && c < '9':
		b[i] = c + 1
	default:
		b[i] = 'q'
	}
	return string(b)
}

// TestSDKSignedRequestsTampered changes one byte of each signed part of the
// request after signing; every change must fail as SignatureDoesNotMatch.
func TestSDKSignedRequestsTampered(t *testing.T) {
	srv, ch := wireServer(t)
	type tamper struct {
		name  string
		apply func(c sdkCase, req *http.Request) bool // false: not applicable
	}
	tampers := []tamper{
		{"body", func(c sdkCase, req *http.Request) bool {
			if c.body == "" || c.payload == unsignedPayload {
				return false // nothing signed to tamper with
			}
			b := flipByte(c.body, len(c.body)/2)
			req.Body = io.NopCloser(strings.NewReader(b))
			req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(b)), nil }
			return true
		}},
		{"signed header", func(c sdkCase, req *http.Request) bool {
			for _, k := range []string{"X-Amz-Target", "Content-Type", "X-Custom", "X-Amz-Security-Token", "X-Amz-Date"} {
				if v := req.Header[k]; len(v) > 0 {
					v[0] = flipByte(v[0], len(v[0])-2) // before X-Amz-Date's 'Z'
					return true
				}
			}
			return false
		}},
		{"host", func(c sdkCase, req *http.Request) bool {
			req.Host = strings.Replace(req.URL.Host, "127.0.0.1", "localhost", 1)
			return true
		}},
		{"query", func(c sdkCase, req *http.Request) bool {
			q := req.URL.RawQuery
			if c.presign {
				// Any parameter but the signature itself.
				i := strings.Index(q, "X-Amz-Date=")
				req.URL.RawQuery = flipByte(q, i+len("X-Amz-Date=")+14)
				return true
			}
			if q == "" {
				req.URL.RawQuery = "Action=x"
				return true
			}
			req.URL.RawQuery = flipByte(q, len(q)-1)
			return true
		}},
		{"path", func(c sdkCase, req *http.Request) bool {
			p := req.URL.EscapedPath()
			req.URL.RawPath = ""
			req.URL.Path = "/x" + strings.TrimPrefix(p, "/")
			return true
		}},
		{"region", func(c sdkCase, req *http.Request) bool {
			if c.presign {
				req.URL.RawQuery = strings.Replace(req.URL.RawQuery, "%2F"+c.region+"%2F", "%2Fus-east-9%2F", 1)
				return true
			}
			a := req.Header.Get("Authorization")
			req.Header.Set("Authorization", strings.Replace(a, "/"+c.region+"/", "/us-east-9/", 1))
			return true
		}},
		{"signature", func(c sdkCase, req *http.Request) bool {
			if c.presign {
				q := req.URL.RawQuery
				req.URL.RawQuery = flipByte(q, len(q)-1)
				return true
			}
			a := req.Header.Get("Authorization")
			req.Header.Set("Authorization", flipByte(a, len(a)-1))
			return true
		}},
	}
	for _, c := range sdkCases {
		for _, tm := range tampers {
			t.Run(c.name+"/"+tm.name, func(t *testing.T) {
				req := c.buildSigned(t, srv.URL)
				if !tm.apply(c, req) {
					t.Skip("not applicable")
				}
				roundTrip(t, srv, ch, req, func(r *http.Request, body []byte) {
					err := verifyReceived(r, body, sdkSecret, sdkTime)
					if err == nil {
						t.Fatal("tampered request verified")
					}
					wantCode(t, err, CodeSignatureDoesNotMatch)
				})
			})
		}
	}
}

// TestSDKSignedInProcess verifies requests that never cross a socket, as an
// embedded server or a handler test sees them.
func TestSDKSignedInProcess(t *testing.T) {
	for _, c := range sdkCases {
		t.Run(c.name, func(t *testing.T) {
			req := c.buildSigned(t, "http://localhost:4566")
			var body []byte
			if req.Body != nil {
				var err error
				if body, err = io.ReadAll(req.Body); err != nil {
					t.Fatal(err)
				}
			}
			if err := verifyReceived(req, body, sdkSecret, sdkTime); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			if len(body) > 0 && c.payload != unsignedPayload {
				tampered := bytes.Clone(body)
				tampered[0] ^= 1
				wantCode(t, verifyReceived(req, tampered, sdkSecret, sdkTime), CodeSignatureDoesNotMatch)
			}
		})
	}
}

// TestPresignedTokenAddedAfterSigning covers AWS IoT's WebSocket URLs,
// whose session token is appended once the URL is signed.
func TestPresignedTokenAddedAfterSigning(t *testing.T) {
	c := sdkCase{method: "GET", path: "/mqtt", service: "iotdevicegateway", region: "us-east-1", presign: true, expires: 86400}
	req := c.buildSigned(t, "http://localhost:4566")
	req.URL.RawQuery += "&X-Amz-Security-Token=" + url.QueryEscape(sdkToken)
	s, err := Parse(req)
	if err != nil {
		t.Fatal(err)
	}
	if s.SessionToken != sdkToken {
		t.Fatalf("SessionToken = %q", s.SessionToken)
	}
	if err := s.Verify(req, nil, sdkSecret, sdkTime); err != nil {
		t.Fatalf("Verify: %v", err)
	}
	req.URL.RawQuery = strings.Replace(req.URL.RawQuery, "X-Amz-Expires=86400", "X-Amz-Expires=86401", 1)
	wantCode(t, verifyReceived(req, nil, sdkSecret, sdkTime), CodeSignatureDoesNotMatch)
}
