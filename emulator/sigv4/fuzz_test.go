package sigv4

import (
	"errors"
	"net/http"
	"net/url"
	"testing"
)

// fuzzRequest builds a server-side request from parts a client controls,
// without the validation an HTTP parser would apply first.
func fuzzRequest(method, target, auth, amzDate, body string) *http.Request {
	u, err := url.ParseRequestURI(target)
	if err != nil {
		u = &url.URL{Path: target}
	}
	r := &http.Request{
		Method:        method,
		URL:           u,
		RequestURI:    target,
		Host:          "localhost:4566",
		Header:        http.Header{},
		ContentLength: int64(len(body)),
	}
	if auth != "" {
		r.Header["Authorization"] = []string{auth}
	}
	if amzDate != "" {
		r.Header["X-Amz-Date"] = []string{amzDate}
	}
	return r
}

func checkFuzzError(t *testing.T, err error) {
	t.Helper()
	if err == nil {
		return
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *Error", err)
	}
	if e.Code == "" || e.Message == "" || (e.Status != 400 && e.Status != 403) {
		t.Fatalf("malformed error %+v", e)
	}
}

func FuzzParse(f *testing.F) {
	f.Add("/", vanillaAuth, "20150830T123600Z")
	f.Add("/?Param2=value2&Param1=value1", vanillaAuth, "20150830T123600Z")
	f.Add("/", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20260314/us-east-1/sqs/aws4_request, "+
		"SignedHeaders=content-length;content-type;host;x-amz-date;x-amz-security-token;x-amz-target, "+
		"Signature=0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "20260314T092653Z")
	f.Add("/", "AWS4-HMAC-SHA256 Credential=a/b/c/d", "")
	f.Add("/", "AWS4-HMAC-SHA256 Credential, SignedHeaders=host", "x")
	f.Add("/", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x", "")
	f.Add("/", "AWS AKIDEXAMPLE:qgk2+6Sv9/oM7G3qLEjTH1a1l1g=", "Sun, 30 Aug 2015 12:36:00 GMT")
	f.Add("/?"+vanillaQuery+"&X-Amz-Expires=3600&X-Amz-Security-Token=a%2Bb", "", "")
	f.Add("/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=-1&X-Amz-Credential=%zz", "", "")
	f.Add("//a/./b/../%E1%88%B4?%=&&=&a=b+c", vanillaAuth, "20150830T123600Z")
	f.Fuzz(func(t *testing.T, target, auth, amzDate string) {
		r := fuzzRequest("GET", target, auth, amzDate, "")
		s, err := Parse(r)
		checkFuzzError(t, err)
		if err != nil {
			return
		}
		if s.Date.Location().String() != "UTC" {
			t.Fatalf("Date %v is not UTC", s.Date)
		}
		checkFuzzError(t, s.Verify(r, nil, "secret", s.Date))
	})
}

// FuzzVerify varies the parts of a correctly signed request that a
// verifier must read: a change may pass only where it does not alter the
// canonical request, and nothing may panic.
func FuzzVerify(f *testing.F) {
	var c sdkCase
	for _, sc := range sdkCases {
		if sc.name == "sqs json POST with X-Amz-Target" {
			c = sc
		}
	}
	req := c.buildSigned(f, "http://localhost:4566")
	auth := req.Header.Get("Authorization")
	amzDate := req.Header.Get("X-Amz-Date")
	f.Add("POST", "/", c.body, c.header["X-Amz-Target"][0])
	f.Add("POST", "/a/../", c.body, c.header["X-Amz-Target"][0])
	f.Add("GET", "/?a=%zz&b", "", "  AmazonSQS.SendMessage  ")
	f.Add("POST", "/%", "\x00\xff", "a\tb")
	f.Fuzz(func(t *testing.T, method, target, body, amzTarget string) {
		r := fuzzRequest(method, target, auth, amzDate, body)
		r.Header["Content-Type"] = c.header["Content-Type"]
		r.Header["X-Amz-Target"] = []string{amzTarget}
		s, err := Parse(r)
		if err != nil {
			t.Fatalf("Parse: %v", err)
		}
		err = s.Verify(r, []byte(body), sdkSecret, sdkTime)
		checkFuzzError(t, err)
		if method == "POST" && target == "/" && body == c.body && amzTarget == c.header["X-Amz-Target"][0] && err != nil {
			t.Fatalf("the request as signed failed: %v", err)
		}
	})
}
