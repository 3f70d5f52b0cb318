package sigv4

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

const (
	unsignedPayload = "UNSIGNED-PAYLOAD"
	hmacBlockSize   = 64 // SHA-256's block size, the width of HMAC's pads
)

// Verify checks the signature against the secret, the way AWS does
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html):
// it rebuilds the canonical request from r as the SDKs build it, hashes it
// into the string to sign and compares the HMAC under the key derived from
// secret in constant time. body is the request body, already read by the
// caller. now is the server's clock, for the 15-minute skew window and a
// presigned URL's expiry.
func (s *Signature) Verify(r *http.Request, body []byte, secret string, now time.Time) error {
	amzDate := s.amzDate
	if amzDate == "" {
		amzDate = s.Date.UTC().Format(amzDateLayout)
	}
	if err := s.checkTime(now); err != nil {
		return err
	}
	if err := s.checkScope(amzDate); err != nil {
		return err
	}

	b := bufPool.Get().(*buffers)
	defer bufPool.Put(b)

	bodySum := sha256.Sum256(body)
	bodyHex := hex.AppendEncode(b.bodyHash[:0], bodySum[:])
	b.bodyHash = bodyHex

	// The payload line is the X-Amz-Content-Sha256 value when the client sent
	// one (UNSIGNED-PAYLOAD included), else the body's hash. A hash that
	// disagrees with the body is replaced by the body's, so the request fails
	// as a tampered body should.
	payload := bodyHex
	tryUnsigned := false
	claimed := firstHeader(r.Header, "X-Amz-Content-Sha256")
	if !claimed.ok && s.Presigned {
		claimed = b.presignedContentSHA256(r)
	}
	switch {
	case claimed.ok && isSHA256Hex(claimed.v):
		if equalFoldBytes(claimed.v, bodyHex) {
			b.payload = append(b.payload[:0], claimed.v...)
			payload = b.payload
		}
	case claimed.ok:
		b.payload = append(b.payload[:0], claimed.v...)
		payload = b.payload
	case s.Presigned:
		// Presigners sign either the body's hash or UNSIGNED-PAYLOAD without
		// saying which.
		tryUnsigned = true
	}

	b.middle = s.appendCanonicalMiddle(b.middle[:0], r, b, false)

	rawPath := requestPath(r)
	normPath := rawPath
	if s.Service != "s3" {
		normPath = normalizePath(rawPath)
	}
	b.path = appendCanonicalPath(b.path[:0], rawPath, s.Service)
	pathEnd := len(b.path)
	if normPath != rawPath {
		b.path = appendCanonicalPath(b.path, normPath, s.Service)
	}
	paths := [2][]byte{b.path[:pathEnd], b.path[pathEnd:]}

	key := signingKey(secret, s.ScopeDate, s.Region, s.Service)
	candidates := func() bool {
		for _, path := range paths {
			if len(path) == 0 {
				continue
			}
			if s.matches(b, r.Method, path, payload, amzDate, &key) {
				return true
			}
			if tryUnsigned && s.matches(b, r.Method, path, []byte(unsignedPayload), amzDate, &key) {
				return true
			}
		}
		return false
	}
	if candidates() {
		return nil
	}
	if s.Presigned && s.SessionToken != "" && strings.Contains(r.URL.RawQuery, "X-Amz-Security-Token") {
		// AWS IoT's WebSocket URLs add the session token after signing.
		b.middle = s.appendCanonicalMiddle(b.middle[:0], r, b, true)
		if candidates() {
			return nil
		}
		b.middle = s.appendCanonicalMiddle(b.middle[:0], r, b, false)
	}
	// Rebuild the first candidate for the message, as AWS shows it.
	s.matches(b, r.Method, paths[0], payload, amzDate, &key)
	return errSignatureMismatch(b.canonical, b.stringToSign[hmacBlockSize:])
}

// checkTime applies AWS's clock rules: a header-signed request must be
// within 15 minutes of now either way; a presigned one is good from 15
// minutes before its date until its date plus X-Amz-Expires (with no
// X-Amz-Expires, as STS does, the 15-minute window).
func (s *Signature) checkTime(now time.Time) error {
	if s.Date.After(now.Add(skew)) {
		return errNotYetCurrent(s.Date, now, skew)
	}
	if s.Presigned && (s.hasExpires || s.Expires > 0) {
		if now.After(s.Date.Add(s.Expires)) {
			return &Error{Code: CodeAccessDenied, Status: http.StatusForbidden, Message: msgRequestExpired}
		}
		return nil
	}
	if s.Date.Before(now.Add(-skew)) {
		return errExpired(s.Date, now, skew)
	}
	return nil
}

// checkScope rejects a credential scope that cannot match, with every
// reason at once, as AWS lists them.
func (s *Signature) checkScope(amzDate string) error {
	var reasons []string
	if s.terminator != "" && s.terminator != scopeTerminator {
		reasons = append(reasons, "Credential should be scoped with a valid terminator: 'aws4_request', not '"+s.terminator+"'.")
	}
	if day := amzDate[:8]; s.ScopeDate != day {
		reasons = append(reasons, "Date in Credential scope does not match YYYYMMDD from ISO-8601 version of date from HTTP: '"+
			s.ScopeDate+"' != '"+day+"', from '"+amzDate+"'.")
	}
	if len(reasons) > 0 {
		return errMismatch(strings.Join(reasons, " "))
	}
	return nil
}

// matches builds the canonical request and string to sign into b for one
// candidate path and payload line, and compares the resulting signature.
func (s *Signature) matches(b *buffers, method string, path, payload []byte, amzDate string, key *[32]byte) bool {
	c := append(b.canonical[:0], method...)
	c = append(c, '\n')
	c = append(c, path...)
	c = append(c, '\n')
	c = append(c, b.middle...)
	c = append(c, payload...)
	b.canonical = c
	sum := sha256.Sum256(c)

	// The string to sign is written after HMAC's inner pad, so one SHA-256
	// pass over the buffer is the inner hash.
	t := b.stringToSign[:0]
	for i := range hmacBlockSize {
		k := byte(0)
		if i < len(key) {
			k = key[i]
		}
		t = append(t, k^0x36)
	}
	t = append(t, algorithm...)
	t = append(t, '\n')
	t = append(t, amzDate...)
	t = append(t, '\n')
	t = s.appendScope(t)
	t = append(t, '\n')
	t = hex.AppendEncode(t, sum[:])
	b.stringToSign = t
	inner := sha256.Sum256(t)

	var outer [hmacBlockSize + sha256.Size]byte
	for i := range hmacBlockSize {
		k := byte(0)
		if i < len(key) {
			k = key[i]
		}
		outer[i] = k ^ 0x5c
	}
	copy(outer[hmacBlockSize:], inner[:])
	mac := sha256.Sum256(outer[:])

	var want [2 * sha256.Size]byte
	hex.Encode(want[:], mac[:])
	return len(s.Signature) == len(want) && subtle.ConstantTimeCompare(want[:], []byte(s.Signature)) == 1
}

func (s *Signature) appendScope(t []byte) []byte {
	t = append(t, s.ScopeDate...)
	t = append(t, '/')
	t = append(t, s.Region...)
	t = append(t, '/')
	t = append(t, s.Service...)
	t = append(t, '/')
	if s.terminator == "" {
		return append(t, scopeTerminator...)
	}
	return append(t, s.terminator...)
}

// appendCanonicalMiddle appends the part of the canonical request between
// the path and the payload hash: the canonical query string, the canonical
// headers, a blank line and the signed header list, each ending in '\n'.
func (s *Signature) appendCanonicalMiddle(c []byte, r *http.Request, b *buffers, skipToken bool) []byte {
	if r.URL != nil && r.URL.RawQuery != "" {
		skip := ""
		switch {
		case skipToken:
			skip = "X-Amz-Security-Token"
		case s.Presigned:
			skip = "X-Amz-Signature"
		}
		c = b.appendCanonicalQuery(c, r.URL.RawQuery, skip, s.Presigned)
	}
	c = append(c, '\n')

	names := s.SignedHeaders
	if !slices.IsSorted(names) {
		// SDKs list them sorted; AWS sorts whatever it is given.
		b.names = append(b.names[:0], names...)
		slices.Sort(b.names)
		names = b.names
	}
	for _, name := range names {
		c = append(c, name...)
		c = append(c, ':')
		c = appendHeaderValue(c, r, name, b)
		c = append(c, '\n')
	}
	c = append(c, '\n')
	for i, name := range names {
		if i > 0 {
			c = append(c, ';')
		}
		c = append(c, name...)
	}
	return append(c, '\n')
}

// appendHeaderValue appends the canonical value of one signed header: each
// value trimmed with inner runs of spaces collapsed, repeated headers joined
// by ','. Go's server moves Host, and for chunked bodies Content-Length and
// Transfer-Encoding, out of r.Header; they are read back from where it puts
// them.
func appendHeaderValue(c []byte, r *http.Request, name string, b *buffers) []byte {
	switch name {
	case "host", ":authority":
		return appendTrimmed(c, r.Host)
	case "content-length":
		if r.ContentLength >= 0 {
			return strconv.AppendInt(c, r.ContentLength, 10)
		}
	}
	b.key = appendCanonicalHeaderKey(b.key[:0], name)
	values := r.Header[string(b.key)]
	if len(values) == 0 && name == "transfer-encoding" {
		values = r.TransferEncoding
	}
	for i, v := range values {
		if i > 0 {
			c = append(c, ',')
		}
		c = appendTrimmed(c, v)
	}
	return c
}

// appendTrimmed appends v without leading or trailing whitespace and with
// each inner run of spaces reduced to one, as the SDKs do.
func appendTrimmed(c []byte, v string) []byte {
	v = strings.TrimSpace(v)
	for i := 0; i < len(v); i++ {
		if v[i] == ' ' && i > 0 && v[i-1] == ' ' {
			continue
		}
		c = append(c, v[i])
	}
	return c
}

// appendCanonicalHeaderKey writes name in the form net/http keys r.Header
// by (textproto.CanonicalMIMEHeaderKey), without allocating.
func appendCanonicalHeaderKey(dst []byte, name string) []byte {
	for i := 0; i < len(name); i++ {
		if !isTokenByte(name[i]) {
			return append(dst, name...) // net/http leaves such keys as sent
		}
	}
	upper := true
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case upper && 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		case !upper && 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		dst = append(dst, c)
		upper = c == '-'
	}
	return dst
}

func isTokenByte(c byte) bool { return tokenByte[c] }

// tokenByte marks the bytes an HTTP header field name may hold (RFC 9110
// token).
var tokenByte = func() (t [256]bool) {
	for c := '!'; c <= '~'; c++ {
		t[c] = !strings.ContainsRune(`"(),/:;<=>?@[\]{}`, c)
	}
	return t
}()

// appendCanonicalQuery appends the canonical query string: every parameter
// decoded, then RFC 3986-encoded, sorted by encoded name and value. The
// parameter named skip is left out, and so is a presigned request's
// signature.
func (b *buffers) appendCanonicalQuery(c []byte, rawQuery, skip string, presigned bool) []byte {
	pairs := b.pairs[:0]
	for rawQuery != "" {
		var pair string
		pair, rawQuery, _ = strings.Cut(rawQuery, "&")
		if pair == "" {
			continue
		}
		k, v, _ := strings.Cut(pair, "=")
		if skip != "" || presigned {
			name := queryUnescape(k)
			if name == skip || presigned && name == "X-Amz-Signature" {
				continue
			}
		}
		pairs = append(pairs, queryPair{canonicalQueryComponent(k), canonicalQueryComponent(v)})
	}
	slices.SortFunc(pairs, func(x, y queryPair) int {
		if c := strings.Compare(x.k, y.k); c != 0 {
			return c
		}
		return strings.Compare(x.v, y.v)
	})
	for i, p := range pairs {
		if i > 0 {
			c = append(c, '&')
		}
		c = append(c, p.k...)
		c = append(c, '=')
		c = append(c, p.v...)
	}
	clear(pairs) // drop references into the request
	b.pairs = pairs[:0]
	return c
}

// presignedContentSHA256 finds X-Amz-Content-Sha256 in a presigned
// request's query, where some presigners put it.
func (b *buffers) presignedContentSHA256(r *http.Request) param {
	if r.URL == nil || !strings.Contains(r.URL.RawQuery, "Sha256") {
		return param{}
	}
	var q presignParams
	q.scan(r.URL.RawQuery)
	return q.contentSHA256
}

type queryPair struct{ k, v string }

// canonicalQueryComponent returns s decoded and re-encoded per RFC 3986.
// Components the SDKs produce are already in that form and come back
// unchanged, without allocating.
func canonicalQueryComponent(s string) string {
	if isCanonicallyEncoded(s) {
		return s
	}
	return string(appendURIEncoded(nil, queryUnescape(s), false))
}

func isCanonicallyEncoded(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved[c] {
			continue
		}
		if c != '%' || i+2 >= len(s) || !isUpperHex(s[i+1]) || !isUpperHex(s[i+2]) {
			return false
		}
		if unreserved[unhex(s[i+1])<<4|unhex(s[i+2])] {
			return false // an escaped unreserved byte is canonically literal
		}
		i += 2
	}
	return true
}

func isUpperHex(c byte) bool { return '0' <= c && c <= '9' || 'A' <= c && c <= 'F' }

func unhex(c byte) byte {
	if c <= '9' {
		return c - '0'
	}
	return c - 'A' + 10
}

// unreserved marks RFC 3986's unreserved characters, the only ones SigV4
// leaves unencoded.
var unreserved = func() (t [256]bool) {
	for c := range 256 {
		t[c] = 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' ||
			c == '-' || c == '.' || c == '_' || c == '~'
	}
	return t
}()

const upperHex = "0123456789ABCDEF"

// appendURIEncoded percent-encodes every byte of s outside the unreserved
// set, and '/' too unless keepSlash.
func appendURIEncoded(dst []byte, s string, keepSlash bool) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved[c] || c == '/' && keepSlash {
			dst = append(dst, c)
			continue
		}
		dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
	}
	return dst
}

// appendCanonicalPath appends the canonical URI for the path as sent. Every
// service but S3 encodes the already-escaped path once more, segment by
// segment (so "%20" becomes "%2520"); S3 signs it as sent.
func appendCanonicalPath(dst []byte, escapedPath, service string) []byte {
	if service == "s3" {
		return append(dst, escapedPath...)
	}
	return appendURIEncoded(dst, escapedPath, true)
}

// requestPath returns the path exactly as the client sent it: the
// request-target on a server request, the escaped URL path otherwise.
func requestPath(r *http.Request) string {
	if u := r.RequestURI; u != "" && u != "*" {
		if u[0] != '/' { // absolute-form, as sent to a proxy
			if i := strings.Index(u, "://"); i >= 0 {
				u = u[i+3:]
			}
			u, _, _ = strings.Cut(u, "?")
			if i := strings.IndexByte(u, '/'); i >= 0 {
				return u[i:]
			}
			return "/"
		}
		u, _, _ = strings.Cut(u, "?")
		return u
	}
	if r.URL == nil {
		return "/"
	}
	p := r.URL.EscapedPath()
	if r.URL.Opaque != "" {
		p, _, _ = strings.Cut(r.URL.Opaque, "?")
		p = strings.TrimPrefix(p, "//")
		if i := strings.IndexByte(p, '/'); i >= 0 {
			p = p[i:]
		} else {
			p = ""
		}
	}
	if p == "" {
		return "/"
	}
	return p
}

// normalizePath removes "." and ".." segments and empty segments (repeated
// slashes), as botocore and the CRT-based SDKs do before signing for every
// service but S3. It returns p itself when there is nothing to remove.
func normalizePath(p string) string {
	if !needsNormalizing(p) {
		return p
	}
	var out []string
	for seg := range strings.SplitSeq(p, "/") {
		switch seg {
		case "", ".":
		case "..":
			if len(out) > 0 {
				out = out[:len(out)-1]
			}
		default:
			out = append(out, seg)
		}
	}
	n := "/" + strings.Join(out, "/")
	if len(out) > 0 && strings.HasSuffix(p, "/") {
		n += "/"
	}
	return n
}

func needsNormalizing(p string) bool {
	if p == "" || p[0] != '/' || strings.Contains(p, "//") {
		return true
	}
	for seg := range strings.SplitSeq(p[1:], "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

func equalFoldBytes(s string, b []byte) bool {
	if len(s) != len(b) {
		return false
	}
	for i := 0; i < len(s); i++ {
		x, y := s[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func isSHA256Hex(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// buffers are the scratch space of one Verify, pooled so that the hot path
// does not allocate.
type buffers struct {
	middle, path, canonical, stringToSign, key []byte
	bodyHash, payload                          []byte
	names                                      []string
	pairs                                      []queryPair
}

var bufPool = sync.Pool{New: func() any {
	return &buffers{
		middle:       make([]byte, 0, 512),
		path:         make([]byte, 0, 128),
		canonical:    make([]byte, 0, 1024),
		stringToSign: make([]byte, 0, 256),
		key:          make([]byte, 0, 64),
		bodyHash:     make([]byte, 0, 2*sha256.Size),
		payload:      make([]byte, 0, 2*sha256.Size),
	}
}}
