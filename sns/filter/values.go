package filter

import (
	"strconv"
	"strings"
)

// valueKind is the JSON type of one value in a message.
type valueKind uint8

const (
	kindString valueKind = iota
	kindNumber
	kindTrue
	kindFalse
	kindNull
)

// value is one leaf value of a message: a String attribute, a Number
// attribute, an element of a String.Array attribute, or a leaf of the body.
type value struct {
	kind valueKind
	text string // a string's text, a number's literal
	// num is a number's comparable form; comparable says whether it has one.
	num        int64
	comparable bool
}

func stringValue(s string) value { return value{kind: kindString, text: s} }

// numberValue is the number written lit. A literal that is not a JSON number,
// or a number outside ±10^9, can still equal a policy number written the same
// way, but takes part in no numeric comparison.
func numberValue(lit string) value {
	v := value{kind: kindNumber, text: lit}
	if end, why := scanNumber(lit, 0); why == "" && end == len(lit) {
		v.num, v.comparable = comparableNumber(parseNumber(lit))
	}
	return v
}

// present is whether v counts for "exists": AWS requires a non-null,
// non-empty value (https://docs.aws.amazon.com/sns/latest/dg/attribute-key-matching.html).
func (v value) present() bool {
	return v.kind != kindNull && !(v.kind == kindString && v.text == "")
}

// SNS compares numbers between -10^9 and 10^9 with a fixed precision
// (https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html).
// Like Event Ruler, ferry turns each into an integer count of millionths above
// -10^9, so equal numbers written differently (301.5, 3.015e2) compare equal.
const numberLimit = 1e9

func inNumberRange(f float64) bool { return f >= -numberLimit && f <= numberLimit }

func comparableNumber(f float64) (int64, bool) {
	if !inNumberRange(f) {
		return 0, false
	}
	return int64(1e6 * (numberLimit + f)), true
}

// parseNumber parses a valid JSON number literal. The only error left is a
// range error, and then ParseFloat's result (±Inf, or 0 on underflow) is the
// value Jackson reads too.
func parseNumber(lit string) float64 {
	f, _ := strconv.ParseFloat(lit, 64)
	return f
}

// escapeAttributeString is the form in which a String attribute is compared.
// AWS documents that, for attribute-based filtering, a policy must
// double-escape quotes and backslashes to match them
// (https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html):
// the policy's "a\\\"b" (the text a\"b) matches the attribute a"b. Comparing
// the policy's text with the attribute escaped once, as a JSON writer escapes
// it, gives exactly that. String.Array elements are JSON already and are
// compared as decoded.
func escapeAttributeString(s string) string {
	i := 0
	for i < len(s) && s[i] >= 0x20 && s[i] != '"' && s[i] != '\\' {
		i++
	}
	if i == len(s) {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 8)
	b.WriteString(s[:i])
	for ; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"' || c == '\\':
			b.WriteByte('\\')
			b.WriteByte(c)
		case c == '\n':
			b.WriteString(`\n`)
		case c == '\r':
			b.WriteString(`\r`)
		case c == '\t':
			b.WriteString(`\t`)
		case c == '\b':
			b.WriteString(`\b`)
		case c == '\f':
			b.WriteString(`\f`)
		case c < 0x20:
			b.WriteString(`\u00`)
			b.WriteByte("0123456789abcdef"[c>>4])
			b.WriteByte("0123456789abcdef"[c&0xf])
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}
