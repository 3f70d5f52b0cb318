package sigv4

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	algorithm       = "AWS4-HMAC-SHA256"
	scopeTerminator = "aws4_request"

	// skew is how far a header-signed request's date may be from the
	// server's clock, either way, and how early a presigned URL may be used.
	skew = 15 * time.Minute

	// maxExpires is the longest X-Amz-Expires AWS accepts: a signing key is
	// only good for seven days.
	maxExpires = 604800
)

// Signature is what a request claims: parsed from the Authorization header
// ("AWS4-HMAC-SHA256 Credential=AKID/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=hex")
// or from a presigned query string (X-Amz-Algorithm, X-Amz-Credential, X-Amz-Date, X-Amz-Expires, X-Amz-SignedHeaders, X-Amz-Signature, X-Amz-Security-Token).
type Signature struct {
	AccessKeyID   string
	Date          time.Time // from X-Amz-Date (or Date header), UTC
	ScopeDate     string    // YYYYMMDD from the credential scope
	Region        string
	Service       string
	SignedHeaders []string // lower-case, as listed
	Signature     string   // hex
	SessionToken  string   // X-Amz-Security-Token header or query param, "" if none
	Presigned     bool
	Expires       time.Duration // presigned only

	// amzDate is the request date exactly as it enters the string to sign
	// (ISO 8601 basic format); empty when the Signature was built by hand.
	amzDate string
	// terminator is the credential scope's last element, kept so that Verify
	// can reject a wrong one with AWS's message; empty means aws4_request.
	terminator string
	// hasExpires records that X-Amz-Expires was present, so that an explicit
	// zero is not mistaken for its absence.
	hasExpires bool
	// signedHeaders backs SignedHeaders for the usual handful of names, so
	// that parsing costs one allocation.
	signedHeaders [8]string
}

// Parse extracts the claimed signature. A request with neither an
// Authorization header nor presigned query parameters is
// MissingAuthenticationToken (403); a malformed claim is IncompleteSignature
// (400). The returned *Error carries AWS's texts.
func Parse(r *http.Request) (*Signature, error) {
	auth := ""
	if v := r.Header["Authorization"]; len(v) > 0 {
		auth = trimLWS(v[0])
	}
	var q presignParams
	if r.URL != nil && r.URL.RawQuery != "" {
		q.scan(r.URL.RawQuery)
	}
	switch {
	case auth != "" && q.algorithm.ok:
		// AWS refuses a request authenticated both ways rather than pick one.
		return nil, errMismatch(msgMismatch)
	case auth != "":
		return parseHeader(r, auth)
	case q.algorithm.ok:
		return parseQuery(r, &q)
	default:
		return nil, errMissingAuth()
	}
}

// signatures recycles what Parse returns: every request parses one, and a
// Signature is a few hundred bytes.
var signatures = sync.Pool{New: func() any { return new(Signature) }}

func newSignature() *Signature { return signatures.Get().(*Signature) }

// Release hands s back to be reused by a later Parse. Neither s nor
// anything it holds may be used after.
func (s *Signature) Release() {
	*s = Signature{}
	signatures.Put(s)
}

func parseHeader(r *http.Request, header string) (*Signature, error) {
	alg, params, hasParams := cutLWS(header)
	// A lone token (say, a bearer token sent without its scheme) gets the
	// "requires parameter" message, as AWS answers; a scheme followed by
	// parameters must be ours.
	if hasParams && alg != algorithm {
		return nil, errIncomplete("Unsupported AWS 'algorithm': '" + alg + "'.")
	}
	if !hasParams {
		params = ""
	}
	var credential, signedHeaders, signature param
	for params != "" {
		var p string
		p, params, _ = strings.Cut(params, ",")
		p = trimLWS(p)
		if p == "" {
			continue
		}
		k, v, ok := strings.Cut(p, "=")
		if !ok {
			return nil, errIncomplete("'" + p + "' not a valid key=value pair (missing equal-sign) in Authorization header: '" + header + "'")
		}
		// The last occurrence of a key wins, as in AWS.
		switch k {
		case "Credential":
			credential = param{v, true}
		case "SignedHeaders":
			signedHeaders = param{v, true}
		case "Signature":
			signature = param{v, true}
		}
	}
	date, fromDateHeader := firstHeader(r.Header, "X-Amz-Date"), false
	if !date.ok {
		date, fromDateHeader = firstHeader(r.Header, "Date"), true
	}
	if !credential.ok || !signature.ok || !signedHeaders.ok || !date.ok {
		var missing []string
		if !credential.ok {
			missing = append(missing, msgHeaderCredential)
		}
		if !signature.ok {
			missing = append(missing, msgHeaderSignature)
		}
		if !signedHeaders.ok {
			missing = append(missing, msgHeaderSigned)
		}
		if !date.ok {
			missing = append(missing, msgHeaderDate)
		}
		return nil, errIncomplete(strings.Join(missing, " ") + " Authorization=" + header)
	}
	s := newSignature()
	s.Signature = signature.v
	if tok := firstHeader(r.Header, "X-Amz-Security-Token"); tok.ok {
		s.SessionToken = tok.v
	}
	if err := s.fill(credential.v, signedHeaders.v, date.v, fromDateHeader); err != nil {
		return nil, err
	}
	return s, nil
}

func parseQuery(r *http.Request, q *presignParams) (*Signature, error) {
	// AWS treats a query string that names another algorithm as carrying no
	// authentication at all.
	if q.algorithm.v != algorithm {
		return nil, errMissingAuth()
	}
	if !q.credential.ok || !q.signature.ok || !q.signedHeaders.ok || !q.date.ok {
		var missing []string
		if !q.credential.ok {
			missing = append(missing, msgQueryCredential)
		}
		if !q.signature.ok {
			missing = append(missing, msgQuerySignature)
		}
		if !q.signedHeaders.ok {
			missing = append(missing, msgQuerySigned)
		}
		if !q.date.ok {
			missing = append(missing, msgQueryDate)
		}
		missing = append(missing, msgQueryReexamine)
		return nil, errIncomplete(strings.Join(missing, " "))
	}
	s := newSignature()
	s.Signature, s.Presigned = q.signature.v, true
	switch {
	case q.token.ok:
		s.SessionToken = q.token.v
	default:
		if tok := firstHeader(r.Header, "X-Amz-Security-Token"); tok.ok {
			s.SessionToken = tok.v
		}
	}
	if q.expires.ok {
		// Texts as S3 words them; the other services share its rules.
		n, err := strconv.ParseInt(q.expires.v, 10, 64)
		switch {
		case err != nil:
			return nil, errIncomplete("X-Amz-Expires should be a number")
		case n < 0:
			return nil, errIncomplete("X-Amz-Expires must be non-negative")
		case n > maxExpires:
			return nil, errIncomplete("X-Amz-Expires must be less than a week (in seconds) that is 604800")
		}
		s.Expires = time.Duration(n) * time.Second
		s.hasExpires = true
	}
	if err := s.fill(q.credential.v, q.signedHeaders.v, q.date.v, false); err != nil {
		return nil, err
	}
	return s, nil
}

// fill parses the parts both forms share: the credential, the signed
// header list and the date.
func (s *Signature) fill(credential, signedHeaders, date string, fromDateHeader bool) error {
	s.SignedHeaders = splitSignedHeaders(s.signedHeaders[:0], signedHeaders)
	hostSigned := false
	for _, h := range s.SignedHeaders {
		if h == "host" || h == ":authority" {
			hostSigned = true
			break
		}
	}
	if !hostSigned {
		return errMismatch(msgHostNotSigned)
	}

	t, ok := parseAmzDate(date)
	switch {
	case ok:
		s.amzDate = date
	case fromDateHeader:
		// The Date header may carry an HTTP date; the string to sign still
		// uses the ISO 8601 basic form.
		ht, err := http.ParseTime(date)
		if err != nil {
			return errBadDate(date)
		}
		t = ht.UTC()
		s.amzDate = t.Format(amzDateLayout)
	default:
		return errBadDate(date)
	}
	s.Date = t

	parts := [5]string{}
	rest := credential
	for i := range 4 {
		var ok bool
		parts[i], rest, ok = strings.Cut(rest, "/")
		if !ok {
			return errIncomplete(msgCredentialParts + " got '" + credential + "'")
		}
	}
	if strings.IndexByte(rest, '/') >= 0 {
		return errIncomplete(msgCredentialParts + " got '" + credential + "'")
	}
	parts[4] = rest
	s.AccessKeyID, s.ScopeDate, s.Region, s.Service, s.terminator = parts[0], parts[1], parts[2], parts[3], parts[4]
	return nil
}

func errBadDate(date string) *Error {
	return errIncomplete("Date must be in ISO-8601 'basic format'. Got '" + date + "'. See http://en.wikipedia.org/wiki/ISO_8601")
}

// splitSignedHeaders appends the names in "host;x-amz-date", lower-cased.
// strings.ToLower returns its argument unchanged when there is nothing to
// lower, so the common case does not allocate.
func splitSignedHeaders(out []string, list string) []string {
	for list != "" {
		var h string
		h, list, _ = strings.Cut(list, ";")
		if h == "" {
			continue
		}
		out = append(out, strings.ToLower(h))
	}
	return out
}

// parseAmzDate parses YYYYMMDD'T'HHMMSS'Z' strictly, without the cost of
// time.Parse's layout interpretation.
func parseAmzDate(s string) (time.Time, bool) {
	if len(s) != 16 || s[8] != 'T' || s[15] != 'Z' {
		return time.Time{}, false
	}
	num := func(i, j int) (int, bool) {
		n := 0
		for ; i < j; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			n = n*10 + int(c-'0')
		}
		return n, true
	}
	year, ok1 := num(0, 4)
	month, ok2 := num(4, 6)
	day, ok3 := num(6, 8)
	hour, ok4 := num(9, 11)
	minute, ok5 := num(11, 13)
	sec, ok6 := num(13, 15)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6) ||
		month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || sec > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, sec, 0, time.UTC)
	if t.Day() != day { // 20150231 and the like
		return time.Time{}, false
	}
	return t, true
}

// param is a value that may be absent, distinct from present but empty.
type param struct {
	v  string
	ok bool
}

func firstHeader(h http.Header, canonicalKey string) param {
	if v := h[canonicalKey]; len(v) > 0 {
		return param{v[0], true}
	}
	return param{}
}

// presignParams are the X-Amz-* query parameters of a presigned request; the
// first occurrence of each counts.
type presignParams struct {
	algorithm, credential, date, expires, signedHeaders, signature, token, contentSHA256 param
}

func (p *presignParams) scan(rawQuery string) {
	for rawQuery != "" {
		var pair string
		pair, rawQuery, _ = strings.Cut(rawQuery, "&")
		k, v, _ := strings.Cut(pair, "=")
		if len(k) < 5 || !strings.HasPrefix(k, "X-Amz") && !strings.ContainsAny(k, "%+") {
			continue
		}
		k = queryUnescape(k)
		var dst *param
		switch k {
		case "X-Amz-Algorithm":
			dst = &p.algorithm
		case "X-Amz-Credential":
			dst = &p.credential
		case "X-Amz-Date":
			dst = &p.date
		case "X-Amz-Expires":
			dst = &p.expires
		case "X-Amz-SignedHeaders":
			dst = &p.signedHeaders
		case "X-Amz-Signature":
			dst = &p.signature
		case "X-Amz-Security-Token":
			dst = &p.token
		case "X-Amz-Content-Sha256":
			dst = &p.contentSHA256
		default:
			continue
		}
		if !dst.ok {
			*dst = param{queryUnescape(v), true}
		}
	}
}

// queryUnescape decodes a query component as url.ParseQuery does ('+' is a
// space), keeping the text as sent when its escapes are malformed.
func queryUnescape(s string) string {
	if !strings.ContainsAny(s, "%+") {
		return s
	}
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

func isLWS(c byte) bool { return c == ' ' || c == '\t' }

func trimLWS(s string) string {
	i, j := 0, len(s)
	for i < j && isLWS(s[i]) {
		i++
	}
	for j > i && isLWS(s[j-1]) {
		j--
	}
	return s[i:j]
}

// cutLWS splits s at its first run of spaces or tabs.
func cutLWS(s string) (before, after string, found bool) {
	for i := 0; i < len(s); i++ {
		if isLWS(s[i]) {
			j := i
			for j < len(s) && isLWS(s[j]) {
				j++
			}
			return s[:i], s[j:], true
		}
	}
	return s, "", false
}
