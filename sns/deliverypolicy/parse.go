package deliverypolicy

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
)

// Reasons AWS gives that ferry reproduces word for word (the member and the
// bound vary):
//
//	DeliveryPolicy: healthyRetryPolicy.minDelayTarget must be specified
//	DeliveryPolicy: healthyRetryPolicy.minDelayTarget must be greater than or equal to 1
//	DeliveryPolicy: http.defaultHealthyRetryPolicy.numRetries must be less than or equal to 100
//	DeliveryPolicy: Unexpected JSON member: throttlePolicy
//
// The other reasons are ferry's, worded the same way.

// ParseTopic reads a topic's DeliveryPolicy attribute,
// {"http":{"defaultHealthyRetryPolicy":…,"disableSubscriptionOverrides":…,
// "defaultThrottlePolicy":…,"defaultRequestPolicy":…}}. An empty document
// (the attribute unset) gives nil and no error. Every error is an *Error
// whose message is AWS's InvalidParameter reason without the leading
// "Invalid parameter: ", so it starts "DeliveryPolicy: "; the caller adds the
// prefix.
// https://docs.aws.amazon.com/sns/latest/dg/set-topic-attributes-delivery-policy-json.html
func ParseTopic(doc string) (*Topic, error) {
	members, err := document(doc)
	if err != nil || members == nil {
		return nil, err
	}
	t := &Topic{}
	for _, m := range members {
		if m.name != "http" {
			if t.Others == nil {
				t.Others = make(map[string]json.RawMessage)
			}
			t.Others[m.name] = m.value
			continue
		}
		if err := t.parseHTTP(m.value); err != nil {
			return nil, err
		}
	}
	return t, nil
}

// parseHTTP reads the http section into t, replacing what an earlier http
// member set.
func (t *Topic) parseHTTP(raw json.RawMessage) error {
	t.Retry, t.Throttle, t.Request, t.DisableSubscriptionOverrides = nil, nil, nil, false
	if isNull(raw) {
		return nil
	}
	members, ok := object(raw)
	if !ok {
		return invalid("http must be a JSON object")
	}
	var err error
	for _, m := range members {
		switch m.name {
		case "defaultHealthyRetryPolicy":
			t.Retry, err = parseRetry("http.defaultHealthyRetryPolicy", m.value)
		case "defaultThrottlePolicy":
			t.Throttle, err = parseThrottle("http.defaultThrottlePolicy", m.value)
		case "defaultRequestPolicy":
			t.Request, err = parseRequest("http.defaultRequestPolicy", m.value)
		case "disableSubscriptionOverrides":
			t.DisableSubscriptionOverrides, err = parseBool("http.disableSubscriptionOverrides", m.value)
		default:
			err = unexpected(m.name)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// ParseSubscription reads a subscription's DeliveryPolicy attribute,
// {"healthyRetryPolicy":…,"throttlePolicy":…,"requestPolicy":…}. It also
// accepts the sicklyRetryPolicy and guaranteed members that AWS includes when
// it reports a policy back, checks them and ignores them. An empty document
// (the attribute unset) gives nil and no error. Every error is an *Error
// whose message is AWS's InvalidParameter reason without the leading
// "Invalid parameter: ", so it starts "DeliveryPolicy: "; the caller adds the
// prefix.
// https://docs.aws.amazon.com/sns/latest/dg/set-sub-attributes-delivery-policy-json.html
func ParseSubscription(doc string) (*Subscription, error) {
	members, err := document(doc)
	if err != nil || members == nil {
		return nil, err
	}
	s := &Subscription{}
	for _, m := range members {
		switch m.name {
		case "healthyRetryPolicy":
			s.Retry, err = parseRetry("healthyRetryPolicy", m.value)
		case "throttlePolicy":
			s.Throttle, err = parseThrottle("throttlePolicy", m.value)
		case "requestPolicy":
			s.Request, err = parseRequest("requestPolicy", m.value)
		case "sicklyRetryPolicy":
			_, err = parseRetry("sicklyRetryPolicy", m.value)
		case "guaranteed":
			_, err = parseBool("guaranteed", m.value)
		default:
			err = unexpected(m.name)
		}
		if err != nil {
			return nil, err
		}
	}
	return s, nil
}

// parseRetry reads a retry policy named path; JSON null is no policy.
func parseRetry(path string, raw json.RawMessage) (*Retry, error) {
	if isNull(raw) {
		return nil, nil
	}
	members, ok := object(raw)
	if !ok {
		return nil, invalid("%s must be a JSON object", path)
	}
	r := Retry{BackoffFunction: linear}
	fields := [...]intField{
		{name: "minDelayTarget", dst: &r.MinDelayTarget},
		{name: "maxDelayTarget", dst: &r.MaxDelayTarget},
		{name: "numRetries", dst: &r.NumRetries},
		{name: "numNoDelayRetries", dst: &r.NumNoDelayRetries},
		{name: "numMinDelayRetries", dst: &r.NumMinDelayRetries},
		{name: "numMaxDelayRetries", dst: &r.NumMaxDelayRetries},
	}
	var backoff json.RawMessage
	for _, m := range members {
		if m.name == "backoffFunction" {
			backoff = m.value
			continue
		}
		i := slices.IndexFunc(fields[:], func(f intField) bool { return f.name == m.name })
		if i < 0 {
			return nil, unexpected(m.name)
		}
		f := &fields[i]
		*f.dst, f.set = 0, false
		if isNull(m.value) {
			continue
		}
		n, ok := integer(m.value)
		if !ok {
			return nil, invalid("%s.%s must be an integer", path, f.name)
		}
		*f.dst, f.set = n, true
	}

	// AWS refuses a retry policy without its three main fields (a
	// subscription policy of {"healthyRetryPolicy":{"numRetries":5}} is
	// answered "healthyRetryPolicy.minDelayTarget must be specified").
	for _, f := range fields[:3] {
		if !f.set {
			return nil, invalid("%s.%s must be specified", path, f.name)
		}
	}
	switch {
	case r.MinDelayTarget < minDelayTarget:
		return nil, invalid("%s.minDelayTarget must be greater than or equal to %d", path, minDelayTarget)
	case r.MaxDelayTarget > maxDelayTarget:
		return nil, invalid("%s.maxDelayTarget must be less than or equal to %d", path, maxDelayTarget)
	case r.MaxDelayTarget < r.MinDelayTarget:
		return nil, invalid("%s.maxDelayTarget must be greater than or equal to minDelayTarget", path)
	case r.NumRetries < 0:
		return nil, invalid("%s.numRetries must be greater than or equal to 0", path)
	case r.NumRetries > maxNumRetries:
		return nil, invalid("%s.numRetries must be less than or equal to %d", path, maxNumRetries)
	}
	for _, f := range fields[3:] {
		if *f.dst < 0 {
			return nil, invalid("%s.%s must be greater than or equal to 0", path, f.name)
		}
	}
	// The backoff phase has "numRetries - numNoDelayRetries -
	// numMinDelayRetries - numMaxDelayRetries" retries, so the three phase
	// counts may not add up to more than numRetries.
	if r.NumNoDelayRetries+r.NumMinDelayRetries+r.NumMaxDelayRetries > r.NumRetries {
		return nil, invalid("%s.numRetries must be greater than or equal to total of numMinDelayRetries, numNoDelayRetries and numMaxDelayRetries", path)
	}
	if backoff != nil && !isNull(backoff) {
		var name string
		if json.Unmarshal(backoff, &name) != nil {
			return nil, invalid("%s.backoffFunction: the value [%s] is not a valid backoff function", path, backoff)
		}
		switch lower := strings.ToLower(name); lower {
		case linear, arithmetic, geometric, exponential:
			r.BackoffFunction = lower
		default:
			return nil, invalid("%s.backoffFunction: the value [%s] is not a valid backoff function", path, name)
		}
	}
	if total(r.Delays()) > MaxTotalRetryTime {
		return nil, invalid("%s: total retry time must be less than or equal to %d seconds", path, int(MaxTotalRetryTime.Seconds()))
	}
	return &r, nil
}

// intField is a whole-number member of a retry policy while it is read.
type intField struct {
	name string
	dst  *int
	set  bool
}

// parseThrottle reads a throttle policy named path. JSON null, an empty
// object and a null maxReceivesPerSecond are no policy.
func parseThrottle(path string, raw json.RawMessage) (*Throttle, error) {
	if isNull(raw) {
		return nil, nil
	}
	members, ok := object(raw)
	if !ok {
		return nil, invalid("%s must be a JSON object", path)
	}
	var t *Throttle
	for _, m := range members {
		if m.name != "maxReceivesPerSecond" {
			return nil, unexpected(m.name)
		}
		t = nil
		if isNull(m.value) {
			continue
		}
		n, ok := integer(m.value)
		switch {
		case !ok:
			return nil, invalid("%s.maxReceivesPerSecond must be an integer", path)
		case n < 1:
			return nil, invalid("%s.maxReceivesPerSecond must be greater than or equal to 1", path)
		case n > maxIntValue:
			return nil, invalid("%s.maxReceivesPerSecond must be less than or equal to %d", path, maxIntValue)
		}
		t = &Throttle{MaxReceivesPerSecond: n}
	}
	return t, nil
}

// parseRequest reads a request policy named path. JSON null, an empty object
// and a null headerContentType are no policy.
func parseRequest(path string, raw json.RawMessage) (*Request, error) {
	if isNull(raw) {
		return nil, nil
	}
	members, ok := object(raw)
	if !ok {
		return nil, invalid("%s must be a JSON object", path)
	}
	var r *Request
	for _, m := range members {
		if m.name != "headerContentType" {
			return nil, unexpected(m.name)
		}
		r = nil
		if isNull(m.value) {
			continue
		}
		var value string
		if json.Unmarshal(m.value, &value) != nil {
			return nil, invalid("%s.headerContentType: the value [%s] is not a supported content type", path, m.value)
		}
		if !supportedContentType(value) {
			return nil, invalid("%s.headerContentType: the value [%s] is not a supported content type", path, value)
		}
		r = &Request{HeaderContentType: value}
	}
	return r, nil
}

// supportedContentType reports whether value is one of the headerContentType
// values AWS lists, alone or followed by "; charset=UTF-8".
func supportedContentType(value string) bool {
	media, params, hasParams := strings.Cut(value, ";")
	switch media {
	case "application/atom+xml", "application/json", "application/octet-stream", "application/soap+xml",
		"application/x-www-form-urlencoded", "application/xhtml+xml", "application/xml",
		"text/css", "text/csv", "text/html", "text/plain", "text/xml":
	default:
		return false
	}
	if !hasParams {
		return true
	}
	name, charset, _ := strings.Cut(strings.TrimSpace(params), "=")
	return strings.EqualFold(name, "charset") && strings.EqualFold(charset, "UTF-8")
}

// parseBool reads a boolean member named path; JSON null is false.
func parseBool(path string, raw json.RawMessage) (bool, error) {
	if isNull(raw) {
		return false, nil
	}
	var b bool
	if json.Unmarshal(raw, &b) != nil {
		return false, invalid("%s must be a boolean", path)
	}
	return b, nil
}

func invalid(format string, args ...any) *Error {
	return &Error{Reason: "DeliveryPolicy: " + fmt.Sprintf(format, args...)}
}

func unexpected(name string) *Error {
	return invalid("Unexpected JSON member: %s", name)
}

// member is one name and value of a JSON object, in document order.
type member struct {
	name  string
	value json.RawMessage
}

// document reads a whole DeliveryPolicy value: nil members and no error for
// an empty value, a non-nil slice for an object.
func document(doc string) ([]member, error) {
	if strings.TrimSpace(doc) == "" {
		return nil, nil
	}
	if !json.Valid([]byte(doc)) {
		return nil, invalid("failed to parse JSON.")
	}
	members, ok := object(json.RawMessage(doc))
	if !ok {
		return nil, invalid("must be a JSON object")
	}
	if members == nil {
		members = []member{}
	}
	return members, nil
}

// object reads valid JSON as an object's members; ok is false for any other
// value. A repeated name appears twice, and the caller lets the later win.
func object(raw json.RawMessage) (members []member, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, false
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, false
		}
		name, _ := tok.(string)
		var value json.RawMessage
		if err := dec.Decode(&value); err != nil {
			return nil, false
		}
		members = append(members, member{name: name, value: value})
	}
	return members, true
}

func isNull(raw json.RawMessage) bool {
	return string(bytes.TrimSpace(raw)) == "null"
}

// integer reads a JSON number with a whole value (5 and 5.0 alike). Values
// beyond ±2^40 are clamped there: far past every limit, so the range checks
// still refuse them, and small enough for any int arithmetic that follows.
func integer(raw json.RawMessage) (int, bool) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] != '-' && (raw[0] < '0' || raw[0] > '9') {
		return 0, false
	}
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil && !math.IsInf(f, 0) {
		return 0, false
	}
	if f != math.Trunc(f) {
		return 0, false
	}
	const bound = 1 << 40
	return int(max(-bound, min(bound, f))), true
}
