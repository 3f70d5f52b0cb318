package filter

import (
	"fmt"
	"unicode/utf8"
)

// Error is a filter policy (or scope) that AWS refuses.
//
// Message is the text AWS puts after "Invalid parameter: " in an
// InvalidParameter error; the caller adds that prefix, and for Subscribe, where
// the policy arrives among the subscription attributes, "Attributes Reason: "
// after it. AWS also appends the JSON parser's position ("\n at [Source: ...;
// line: 1, column: N]") to most messages; ferry leaves it off.
//
// Internal marks the one policy AWS does not answer with InvalidParameter but
// with InternalError (HTTP 500): a plain number value outside ±10^9.
type Error struct {
	Message  string
	Internal bool
}

func (e *Error) Error() string { return e.Message }

// policyError is an InvalidParameter about the FilterPolicy attribute.
func policyError(format string, args ...any) *Error {
	return &Error{Message: "FilterPolicy: " + fmt.Sprintf(format, args...)}
}

// Each message is marked with where its wording comes from:
//
//	aws      seen in SNS's own answers
//	ruler    Event Ruler's text; SNS compiles policies with Ruler and passes
//	         its messages through, but this one was not seen from SNS
//	jackson  the JSON parser's wording, approximated
//	written  AWS's wording is unknown

func errTooManyKeys() *Error { // aws
	return policyError("Filter policy can not have more than 5 keys")
}
func errTooComplex() *Error { return policyError("Filter policy is too complex") } // aws
func errTooLong() *Error    { return policyError("Filter policy is too long") }    // written
func errNestedInAttributes() *Error { // aws
	return &Error{Message: "Filter policy scope MessageAttributes does not support nested filter policy"}
}

func errNotObject() *Error { return policyError("Filter is not an object") } // ruler
func errNotObjectOrArray(name string) *Error { // aws
	return policyError("%q must be an object or an array", name)
}
func errEmptyObject() *Error { return policyError("Empty objects are not allowed") } // ruler
func errEmptyArray() *Error  { return policyError("Empty arrays are not allowed") }  // aws
func errReservedInOr(name string) *Error { // ruler
	return policyError("%s is Ruler reserved fieldName which cannot be used inside $or.", name)
}

func errMatchValue() *Error { // aws
	return policyError("Match value must be String, number, true, false, or null")
}
func errNoMatchName() *Error { return policyError("Match expression name not found") } // ruler
func errUnrecognizedMatch(name string) *Error { // aws
	return policyError("Unrecognized match type %s", name)
}
func errOneKey() *Error { return policyError("Only one key allowed in match expression") } // aws
func errPatternNotString(op string) *Error { // aws for suffix and prefix, ruler for the others
	return policyError("%s match pattern must be a string", op)
}
func errExistsNotBool() *Error { // aws
	return policyError("exists match pattern must be either true or false.")
}

func errAnythingButNoName() *Error { // ruler
	return policyError("Anything-But expression name not found")
}
func errAnythingButUnsupported(name string) *Error { // aws
	return policyError("Unsupported anything-but pattern: %s", name)
}
func errAnythingButValue() *Error { // ruler
	return policyError("Value of anything-but must be an array or single string/number value.")
}
func errAnythingButElement() *Error { // ruler
	return policyError("Inside anything but list, start|null|boolean is not supported.")
}
func errAnythingButMixed() *Error { // ruler
	return policyError("Inside anything but list, either all values are number or string, mixed type is not supported")
}
func errAnythingButEmptyPrefix() *Error { return policyError("Null prefix not allowed") } // written

func errNumericNotArray() *Error { return policyError("Value of numeric must be an array.") } // ruler
func errNumericMember(text string) *Error { // aws
	return policyError("Invalid member in numeric match: %s", text)
}
func errNumericOperator(op string) *Error { // aws
	return policyError("Unrecognized numeric range operator: %s", op)
}
func errNumericValue(op string) *Error { // aws
	if op == "=" {
		op = "equals"
	}
	return policyError("Value of %s must be numeric", op)
}
func errNumericTooManyElements() *Error { // aws
	return policyError("Too many elements in numeric expression")
}
func errNumericRangeValue(text string) *Error { // aws
	return policyError("Bad value in numeric range: %s", text)
}
func errNumericRangeOperator(op string) *Error { // aws
	return policyError("Bad numeric range operator: %s", op)
}
func errNumericTooManyTerms() *Error { // aws
	return policyError("Too many terms in numeric range expression")
}
func errBottomNotBelowTop() *Error { return policyError("Bottom must be less than top") } // aws

// errNumberOutOfRange is Ruler's message for a number it cannot compare,
// with SNS's range of ±10^9 (ruler).
func errNumberOutOfRange() *Error {
	return policyError("Value must be between -1.0E9 and 1.0E9, inclusive")
}

// errPlainNumberOutOfRange is the InternalError AWS answers for a plain
// number value outside ±10^9 (aws, seen as an InternalError; its message is
// written).
func errPlainNumberOutOfRange() *Error {
	e := errNumberOutOfRange()
	e.Internal = true
	return e
}

func errCIDRSlash() *Error { return policyError("Malformed CIDR, one '/' required") } // ruler
func errCIDRMaskNotInt() *Error { // ruler
	return policyError("Malformed CIDR, mask bits must be an integer")
}
func errCIDRMaskNegative() *Error { // ruler
	return policyError("Malformed CIDR, mask bits must not be negative")
}
func errCIDRMaskV4() *Error             { return policyError("IPv4 mask bits must be < 32") }             // ruler
func errCIDRMaskV6() *Error             { return policyError("IPv6 mask bits must be < 128") }            // ruler
func errInvalidIP(ip string) *Error     { return policyError("Invalid IP address: %s", ip) }              // ruler
func errNonstandardIP(ip string) *Error { return policyError("Nonstandard IP address: %s", ip) }          // ruler
func errWildcardEscape(pos int) *Error  { return policyError("Invalid escape character at pos %d", pos) } // ruler
func errWildcardConsecutive(pos int) *Error { // ruler; positions count UTF-8 bytes
	return policyError("Consecutive wildcard characters at pos %d", pos)
}

// JSON syntax (jackson).
func errNoContent() *Error { return policyError("No content to map due to end-of-input") }

// errEndOfInput takes the rest of the message, separator included.
func errEndOfInput(rest string) *Error { return policyError("Unexpected end-of-input%s", rest) }
func errUnexpectedChar(r rune, why string) *Error {
	return policyError("Unexpected character (%s): %s", describeChar(r), why)
}
func errUnrecognizedToken(tok string) *Error {
	return policyError("Unrecognized token '%s': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')", tok)
}
func errCloseMarker(got, want byte) *Error {
	return policyError("Unexpected close marker '%c': expected '%c'", got, want)
}
func errNumber(why string) *Error { return policyError("Invalid numeric value: %s", why) }
func errControlChar(c byte) *Error {
	return policyError("Illegal unquoted character ((CTRL-CHAR, code %d)): has to be escaped using backslash to be included in string value", c)
}
func errEscape(r rune) *Error {
	return policyError("Unrecognized character escape %s", describeChar(r))
}
func errTooDeep() *Error {
	return policyError("Document nesting depth (%d) exceeds the maximum allowed (%d, from `StreamReadConstraints.getMaxNestingDepth()`)",
		maxDepth+1, maxDepth)
}
func errUTF8(b byte, start bool) *Error {
	if start {
		return policyError("Invalid UTF-8 start byte 0x%02x", b)
	}
	return policyError("Invalid UTF-8 middle byte 0x%02x", b)
}

// describeChar renders a character as Jackson does in its messages.
func describeChar(r rune) string {
	if r < 0x20 {
		return fmt.Sprintf("(CTRL-CHAR, code %d)", r)
	}
	if r == utf8.RuneError {
		return "(code 65533)"
	}
	return fmt.Sprintf("'%c' (code %d)", r, r)
}
