package sigv4

import (
	"bufio"
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

const (
	suiteAccessKey = "AKIDEXAMPLE"
	suiteSecret    = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
)

var suiteTime = time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)

type suiteCase struct {
	name string // "<suite case> <header|query>"
	raw  string // the request as sent
}

func loadSuite(t testing.TB) []suiteCase {
	t.Helper()
	data, err := os.ReadFile("testdata/aws-signing-test-suite.txt")
	if err != nil {
		t.Fatal(err)
	}
	var cases []suiteCase
	for _, chunk := range strings.Split(string(data), "\n=== ")[1:] {
		name, raw, _ := strings.Cut(chunk, "\n")
		cases = append(cases, suiteCase{name: name, raw: strings.TrimSuffix(raw, "\n")})
	}
	if len(cases) == 0 {
		t.Fatal("no cases in testdata/aws-signing-test-suite.txt")
	}
	return cases
}

// suiteRequest builds the request a server would hand its handler for raw,
// keeping the request-target byte for byte: the suite's targets include
// spaces and raw UTF-8, which no HTTP parser takes.
func suiteRequest(t testing.TB, raw string) (*http.Request, []byte) {
	t.Helper()
	head, body, _ := strings.Cut(raw, "\n\n")
	line, headers, _ := strings.Cut(head, "\n")
	method, rest, _ := strings.Cut(line, " ")
	target := rest[:strings.LastIndexByte(rest, ' ')]

	mh, err := textproto.NewReader(bufio.NewReader(strings.NewReader(headers + "\n\n"))).ReadMIMEHeader()
	if err != nil {
		t.Fatalf("headers of %q: %v", line, err)
	}
	h := http.Header(mh)
	r := &http.Request{
		Method:        method,
		RequestURI:    target,
		Proto:         "HTTP/1.1",
		ProtoMajor:    1,
		ProtoMinor:    1,
		Header:        h,
		Host:          h.Get("Host"),
		ContentLength: int64(len(body)),
		Body:          io.NopCloser(strings.NewReader(body)),
	}
	h.Del("Host")
	if r.URL, err = url.ParseRequestURI(target); err != nil {
		path, query, _ := strings.Cut(target, "?")
		r.URL = &url.URL{Path: path, RawQuery: query}
	}
	return r, []byte(body)
}

// TestAWSSigningTestSuite verifies the suite's signed requests. For a
// normalized/unnormalized pair only one canonical path can be what the
// client signed; the verifier accepts either, as AWS's services do.
func TestAWSSigningTestSuite(t *testing.T) {
	for _, c := range loadSuite(t) {
		t.Run(c.name, func(t *testing.T) {
			r, body := suiteRequest(t, c.raw)
			s, err := Parse(r)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if s.AccessKeyID != suiteAccessKey || s.Region != "us-east-1" || s.Service != "service" ||
				s.ScopeDate != "20150830" || !s.Date.Equal(suiteTime) {
				t.Fatalf("Parse = %+v", s)
			}
			if want := strings.HasSuffix(c.name, " query"); s.Presigned != want {
				t.Fatalf("Presigned = %v, want %v", s.Presigned, want)
			}
			if err := s.Verify(r, body, suiteSecret, suiteTime); err != nil {
				t.Fatalf("Verify: %v", err)
			}
			err = s.Verify(r, body, suiteSecret+"x", suiteTime)
			if e := (*Error)(nil); !errors.As(err, &e) || e.Code != CodeSignatureDoesNotMatch {
				t.Fatalf("Verify with another secret = %v, want SignatureDoesNotMatch", err)
			}

			// Where net/http can read the request off the wire, the
			// server's own parsing must verify as well.
			head, _, _ := strings.Cut(c.raw, "\n\n")
			wire := strings.ReplaceAll(head, "\n", "\r\n") + "\r\n\r\n" + string(body)
			wr, err := http.ReadRequest(bufio.NewReader(strings.NewReader(wire)))
			if err != nil {
				t.Logf("not readable off the wire (%v); verified as constructed", err)
				return
			}
			wbody, err := io.ReadAll(wr.Body)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(wbody, body) {
				t.Fatalf("body read off the wire = %q, want %q", wbody, body)
			}
			ws, err := Parse(wr)
			if err != nil {
				t.Fatalf("Parse (wire): %v", err)
			}
			if err := ws.Verify(wr, wbody, suiteSecret, suiteTime); err != nil {
				t.Fatalf("Verify (wire): %v", err)
			}
		})
	}
}

// TestSuiteCanonicalRequest pins the canonical request of a suite case, as
// the suite publishes it, through the message of a failed verification.
func TestSuiteCanonicalRequest(t *testing.T) {
	var raw string
	for _, c := range loadSuite(t) {
		if c.name == "get-vanilla-query-order-key-case header" {
			raw = c.raw
		}
	}
	r, body := suiteRequest(t, raw)
	s, err := Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	err = s.Verify(r, body, "wrong", suiteTime)
	want := msgMismatch + "\n\nThe Canonical String for this request should have been\n'" +
		"GET\n/\nParam1=value1&Param2=value2\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\nhost;x-amz-date\n" +
		"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'\n\n" +
		"The String-to-Sign should have been\n'AWS4-HMAC-SHA256\n20150830T123600Z\n20150830/us-east-1/service/aws4_request\n" +
		"816cd5b414d056048ba4f7c5386d6e0533120fb1fcfa93762cf0fc39e2cf19e0'\n"
	if e := (*Error)(nil); !errors.As(err, &e) || e.Message != want {
		t.Fatalf("Verify = %v\nwant message %q", err, want)
	}
}
