package sigv4

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

const (
	vanillaCredential = "AKIDEXAMPLE/20150830/us-east-1/service/aws4_request"
	vanillaAuth       = "AWS4-HMAC-SHA256 Credential=" + vanillaCredential +
		", SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
	vanillaQuery = "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request" +
		"&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00"
)

func newRequest(target string, header map[string]string) *http.Request {
	r := httptest.NewRequest("GET", target, nil)
	r.Host = "example.amazonaws.com"
	for k, v := range header {
		r.Header.Set(k, v)
	}
	return r
}

func wantError(t *testing.T, err error, code string, status int, msg string) {
	t.Helper()
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want %s", err, code)
	}
	if e.Code != code || e.Status != status || e.Message != msg {
		t.Fatalf("err = %s %d %q\nwant  %s %d %q", e.Code, e.Status, e.Message, code, status, msg)
	}
}

func TestParseFailures(t *testing.T) {
	const (
		reqCredential = "Authorization header requires 'Credential' parameter."
		reqSignature  = "Authorization header requires 'Signature' parameter."
		reqSigned     = "Authorization header requires 'SignedHeaders' parameter."
		reqDate       = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
	)
	date := map[string]string{"X-Amz-Date": "20150830T123600Z"}
	with := func(auth string, h map[string]string) map[string]string {
		out := map[string]string{"Authorization": auth}
		for k, v := range h {
			out[k] = v
		}
		return out
	}
	tests := []struct {
		name   string
		target string
		header map[string]string
		code   string
		status int
		msg    string
	}{
		{"unsigned", "/", nil,
			CodeMissingAuthenticationToken, 403, "Request is missing Authentication Token"},
		{"blank Authorization", "/", with("  ", date),
			CodeMissingAuthenticationToken, 403, "Request is missing Authentication Token"},
		{"presign parameters without X-Amz-Algorithm", "/?X-Amz-Credential=a%2Fb&X-Amz-Signature=00", nil,
			CodeMissingAuthenticationToken, 403, "Request is missing Authentication Token"},
		{"algorithm alone", "/", with("AWS4-HMAC-SHA256", date),
			CodeIncompleteSignature, 400, reqCredential + " " + reqSignature + " " + reqSigned + " Authorization=AWS4-HMAC-SHA256"},
		{"bearer token without scheme", "/", with("eyJhbGciOiJIUzI1NiJ9.e30.x", nil),
			CodeIncompleteSignature, 400, reqCredential + " " + reqSignature + " " + reqSigned + " " + reqDate + " Authorization=eyJhbGciOiJIUzI1NiJ9.e30.x"},
		{"missing Signature", "/", with("AWS4-HMAC-SHA256 Credential="+vanillaCredential+", SignedHeaders=host", date),
			CodeIncompleteSignature, 400, reqSignature + " Authorization=AWS4-HMAC-SHA256 Credential=" + vanillaCredential + ", SignedHeaders=host"},
		{"missing date", "/", with(vanillaAuth, nil),
			CodeIncompleteSignature, 400, reqDate + " Authorization=" + vanillaAuth},
		{"parameter without equal sign", "/", with("AWS4-HMAC-SHA256 Credential, SignedHeaders=host", date),
			CodeIncompleteSignature, 400, "'Credential' not a valid key=value pair (missing equal-sign) in Authorization header: 'AWS4-HMAC-SHA256 Credential, SignedHeaders=host'"},
		{"unsupported algorithm", "/", with("AWS4-HMAC-SHA512 Credential="+vanillaCredential, date),
			CodeIncompleteSignature, 400, "Unsupported AWS 'algorithm': 'AWS4-HMAC-SHA512'."},
		{"signature version 2", "/", with("AWS AKIDEXAMPLE:qgk2+6Sv9/oM7G3qLEjTH1a1l1g=", date),
			CodeIncompleteSignature, 400, "Unsupported AWS 'algorithm': 'AWS'."},
		{"credential with four parts", "/", with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service, SignedHeaders=host, Signature=00", date),
			CodeIncompleteSignature, 400, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'AKIDEXAMPLE/20150830/us-east-1/service'"},
		{"credential with six parts", "/", with("AWS4-HMAC-SHA256 Credential=A/B/20150830/us-east-1/service/aws4_request, SignedHeaders=host, Signature=00", date),
			CodeIncompleteSignature, 400, "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term, got 'A/B/20150830/us-east-1/service/aws4_request'"},
		{"host not signed", "/", with("AWS4-HMAC-SHA256 Credential="+vanillaCredential+", SignedHeaders=x-amz-date, Signature=00", date),
			CodeSignatureDoesNotMatch, 403, "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."},
		{"extended ISO 8601 date", "/", with(vanillaAuth, map[string]string{"X-Amz-Date": "2015-08-30T12:36:00Z"}),
			CodeIncompleteSignature, 400, "Date must be in ISO-8601 'basic format'. Got '2015-08-30T12:36:00Z'. See http://en.wikipedia.org/wiki/ISO_8601"},
		{"impossible date", "/", with(vanillaAuth, map[string]string{"X-Amz-Date": "20150230T123600Z"}),
			CodeIncompleteSignature, 400, "Date must be in ISO-8601 'basic format'. Got '20150230T123600Z'. See http://en.wikipedia.org/wiki/ISO_8601"},
		{"unparseable Date header", "/", with(vanillaAuth, map[string]string{"Date": "yesterday"}),
			CodeIncompleteSignature, 400, "Date must be in ISO-8601 'basic format'. Got 'yesterday'. See http://en.wikipedia.org/wiki/ISO_8601"},
		{"header and query both", "/?" + vanillaQuery, with(vanillaAuth, date),
			CodeSignatureDoesNotMatch, 403, msgMismatch},
		{"presigned with another algorithm", "/?X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&X-Amz-Credential=a", nil,
			CodeMissingAuthenticationToken, 403, "Request is missing Authentication Token"},
		{"presigned with algorithm only", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256", nil,
			CodeIncompleteSignature, 400, "AWS query-string parameters must include 'X-Amz-Credential'. AWS query-string parameters must include 'X-Amz-Signature'. " +
				"AWS query-string parameters must include 'X-Amz-SignedHeaders'. AWS query-string parameters must include 'X-Amz-Date'. Re-examine the query-string parameters."},
		{"presigned without signature", "/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=a%2Fb%2Fc%2Fd%2Fe&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host", nil,
			CodeIncompleteSignature, 400, "AWS query-string parameters must include 'X-Amz-Signature'. Re-examine the query-string parameters."},
		{"presigned expiry not a number", "/?" + vanillaQuery + "&X-Amz-Expires=soon", nil,
			CodeIncompleteSignature, 400, "X-Amz-Expires should be a number"},
		{"presigned expiry negative", "/?" + vanillaQuery + "&X-Amz-Expires=-1", nil,
			CodeIncompleteSignature, 400, "X-Amz-Expires must be non-negative"},
		{"presigned expiry over a week", "/?" + vanillaQuery + "&X-Amz-Expires=604801", nil,
			CodeIncompleteSignature, 400, "X-Amz-Expires must be less than a week (in seconds) that is 604800"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := Parse(newRequest(tt.target, tt.header))
			if err == nil {
				t.Fatalf("Parse = %+v, want an error", s)
			}
			wantError(t, err, tt.code, tt.status, tt.msg)
		})
	}
}

func TestParseAccepts(t *testing.T) {
	t.Run("Date header in HTTP format", func(t *testing.T) {
		s, err := Parse(newRequest("/", map[string]string{"Authorization": vanillaAuth, "Date": "Sun, 30 Aug 2015 12:36:00 GMT"}))
		if err != nil {
			t.Fatal(err)
		}
		if !s.Date.Equal(suiteTime) || s.amzDate != "20150830T123600Z" {
			t.Fatalf("Date = %v (%q)", s.Date, s.amzDate)
		}
	})
	t.Run("X-Amz-Date wins over Date", func(t *testing.T) {
		s, err := Parse(newRequest("/", map[string]string{"Authorization": vanillaAuth,
			"Date": "Mon, 31 Aug 2015 00:00:00 GMT", "X-Amz-Date": "20150830T123600Z"}))
		if err != nil || !s.Date.Equal(suiteTime) {
			t.Fatalf("Parse = %+v, %v", s, err)
		}
	})
	t.Run("parameters in any order and spacing", func(t *testing.T) {
		s, err := Parse(newRequest("/", map[string]string{"X-Amz-Date": "20150830T123600Z",
			"Authorization": "AWS4-HMAC-SHA256   Signature=ab,SignedHeaders=Host;X-Amz-Date ,  Credential=" + vanillaCredential}))
		if err != nil {
			t.Fatal(err)
		}
		if s.Signature != "ab" || len(s.SignedHeaders) != 2 || s.SignedHeaders[0] != "host" || s.SignedHeaders[1] != "x-amz-date" {
			t.Fatalf("Parse = %+v", s)
		}
	})
	t.Run("session token from the query of a presigned request", func(t *testing.T) {
		s, err := Parse(newRequest("/?"+vanillaQuery+"&X-Amz-Security-Token=a%2Bb%2F%3D", nil))
		if err != nil || s.SessionToken != "a+b/=" || !s.Presigned || s.Expires != 0 {
			t.Fatalf("Parse = %+v, %v", s, err)
		}
	})
}

// A released Signature comes back from the next Parse with nothing of the
// request it was parsed from: no token, no presigning, its own headers.
func TestParseAfterRelease(t *testing.T) {
	for range 3 { // the pool may hand back any of the released ones
		s, err := Parse(newRequest("/?"+vanillaQuery+"&X-Amz-Security-Token=tok", nil))
		if err != nil {
			t.Fatal(err)
		}
		s.Release()
		s, err = Parse(newRequest("/", map[string]string{"Authorization": vanillaAuth, "X-Amz-Date": "20150830T123600Z"}))
		if err != nil {
			t.Fatal(err)
		}
		if s.SessionToken != "" || s.Presigned || s.Expires != 0 || s.hasExpires || len(s.SignedHeaders) != 2 {
			t.Fatalf("Parse after Release = %+v", s)
		}
		s.Release()
	}
}

// TestVerifyClock checks the 15-minute window on both sides, to the second.
func TestVerifyClock(t *testing.T) {
	r, body := suiteRequest(t, "GET / HTTP/1.1\nHost:example.amazonaws.com\nX-Amz-Date:20150830T123600Z\nAuthorization:"+vanillaAuth)
	s, err := Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	for _, now := range []time.Time{suiteTime.Add(-15 * time.Minute), suiteTime, suiteTime.Add(15 * time.Minute)} {
		if err := s.Verify(r, body, suiteSecret, now); err != nil {
			t.Errorf("Verify at %v: %v", now, err)
		}
	}
	wantError(t, s.Verify(r, body, suiteSecret, suiteTime.Add(15*time.Minute+time.Second)),
		CodeSignatureDoesNotMatch, 403, "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T125101Z - 15 min.)")
	wantError(t, s.Verify(r, body, suiteSecret, suiteTime.Add(-15*time.Minute-time.Second)),
		CodeSignatureDoesNotMatch, 403, "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T122059Z + 15 min.)")
}

func TestVerifyPresignedClock(t *testing.T) {
	var raw string
	for _, c := range loadSuite(t) {
		if c.name == "get-utf8 query" { // X-Amz-Expires=3600
			raw = c.raw
		}
	}
	r, body := suiteRequest(t, raw)
	s, err := Parse(r)
	if err != nil {
		t.Fatal(err)
	}
	if s.Expires != time.Hour {
		t.Fatalf("Expires = %v", s.Expires)
	}
	for _, now := range []time.Time{suiteTime.Add(-15 * time.Minute), suiteTime.Add(59 * time.Minute), suiteTime.Add(time.Hour)} {
		if err := s.Verify(r, body, suiteSecret, now); err != nil {
			t.Errorf("Verify at %v: %v", now, err)
		}
	}
	wantError(t, s.Verify(r, body, suiteSecret, suiteTime.Add(time.Hour+time.Second)),
		CodeAccessDenied, 403, "Request has expired")
	wantError(t, s.Verify(r, body, suiteSecret, suiteTime.Add(-15*time.Minute-time.Second)),
		CodeSignatureDoesNotMatch, 403, "Signature not yet current: 20150830T123600Z is still later than 20150830T123559Z (20150830T122059Z + 15 min.)")

	// Without X-Amz-Expires a presigned request has the 15-minute window.
	s.Expires, s.hasExpires = 0, false
	wantError(t, s.Verify(r, body, suiteSecret, suiteTime.Add(15*time.Minute+time.Second)),
		CodeSignatureDoesNotMatch, 403, "Signature expired: 20150830T123600Z is now earlier than 20150830T123601Z (20150830T125101Z - 15 min.)")
}

func TestVerifyScope(t *testing.T) {
	tests := []struct {
		name, credential, date, msg string
	}{
		{"scope date before request date", vanillaCredential, "20150831T000100Z",
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '20150830' != '20150831', from '20150831T000100Z'."},
		{"scope date not a date", "AKIDEXAMPLE/2015-08-30/us-east-1/service/aws4_request", "20150830T123600Z",
			"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '2015-08-30' != '20150830', from '20150830T123600Z'."},
		{"wrong terminator", "AKIDEXAMPLE/20150830/us-east-1/service/aws5_request", "20150830T123600Z",
			"Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'."},
		{"both", "AKIDEXAMPLE/foobar/us-east-1/service/aws5_request", "20150830T122100Z",
			"Credential should be scoped with a valid terminator: 'aws4_request', not 'aws5_request'. " +
				"Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: 'foobar' != '20150830', from '20150830T122100Z'."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRequest("/", map[string]string{"X-Amz-Date": tt.date,
				"Authorization": "AWS4-HMAC-SHA256 Credential=" + tt.credential + ", SignedHeaders=host;x-amz-date, Signature=00"})
			s, err := Parse(r)
			if err != nil {
				t.Fatal(err)
			}
			wantError(t, s.Verify(r, nil, suiteSecret, s.Date), CodeSignatureDoesNotMatch, 403, tt.msg)
		})
	}
}

func TestErrorConstructors(t *testing.T) {
	wantError(t, InvalidClientTokenID(), CodeInvalidClientTokenID, 403, "The security token included in the request is invalid.")
	wantError(t, ExpiredToken(), CodeExpiredToken, 403, "The security token included in the request is expired")
	if got := InvalidClientTokenID().Error(); got != "InvalidClientTokenId: The security token included in the request is invalid." {
		t.Fatalf("Error() = %q", got)
	}
}

// TestSigningKeyCacheBounded fills the cache past its bound; it must start
// over rather than grow, and keep answering correctly.
func TestSigningKeyCacheBounded(t *testing.T) {
	for i := range maxCachedKeys + 10 {
		region := "r" + time.Duration(i).String()
		if got, want := signingKey("s", "20150830", region, "svc"), deriveSigningKey("s", "20150830", region, "svc"); got != want {
			t.Fatalf("signingKey(%s) = %x, want %x", region, got, want)
		}
	}
	n := 0
	for range signingKeys.m.Range {
		n++
	}
	if n > maxCachedKeys {
		t.Fatalf("cache holds %d keys, bound is %d", n, maxCachedKeys)
	}
}
