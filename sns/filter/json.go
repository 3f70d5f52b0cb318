package filter

import (
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// The filter policy is read by a small JSON parser of its own rather than
// encoding/json: validation needs object members in document order (Event
// Ruler processes them so, "$or" included), duplicate names kept, numbers as
// written, and errors worded as the Jackson parser behind SNS words them.

// maxDepth is Jackson's default limit on nesting; SNS inherits it, and it
// keeps recursion bounded for policies and bodies alike.
const maxDepth = 1000

type jsonKind uint8

const (
	jsonNull jsonKind = iota
	jsonTrue
	jsonFalse
	jsonNumber
	jsonString
	jsonArray
	jsonObject
)

// jsonValue is one value of a policy document.
type jsonValue struct {
	kind    jsonKind
	text    string // a string's decoded text, a number's literal
	elems   []jsonValue
	members []jsonMember
}

type jsonMember struct {
	name  string
	value jsonValue
}

// tokenText is what Jackson's getText() gives for the token that starts v;
// Event Ruler quotes it in some messages.
func (v jsonValue) tokenText() string {
	switch v.kind {
	case jsonNull:
		return "null"
	case jsonTrue:
		return "true"
	case jsonFalse:
		return "false"
	case jsonArray:
		return "["
	case jsonObject:
		return "{"
	}
	return v.text
}

type policyParser struct {
	s     string
	pos   int
	depth int
}

// parsePolicyJSON parses doc, which must be one JSON value with nothing but
// whitespace around it.
func parsePolicyJSON(doc string) (jsonValue, *Error) {
	if err := checkUTF8(doc); err != nil {
		return jsonValue{}, err
	}
	p := &policyParser{s: doc}
	p.skipSpace()
	if p.pos == len(p.s) {
		return jsonValue{}, errNoContent()
	}
	v, err := p.value()
	if err != nil {
		return jsonValue{}, err
	}
	p.skipSpace()
	if p.pos < len(p.s) {
		return jsonValue{}, errUnexpectedChar(p.peekRune(), "expected end of input")
	}
	return v, nil
}

func checkUTF8(s string) *Error {
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && n == 1 {
			b := s[i]
			// A lead byte followed by a bad continuation is a middle-byte error.
			if b >= 0xc2 && b <= 0xf4 && i+1 < len(s) {
				return errUTF8(s[i+1], false)
			}
			return errUTF8(b, true)
		}
		i += n
	}
	return nil
}

func (p *policyParser) skipSpace() {
	for p.pos < len(p.s) {
		switch p.s[p.pos] {
		case ' ', '\t', '\n', '\r':
			p.pos++
		default:
			return
		}
	}
}

func (p *policyParser) peekRune() rune {
	r, _ := utf8.DecodeRuneInString(p.s[p.pos:])
	return r
}

func (p *policyParser) value() (jsonValue, *Error) {
	if p.pos == len(p.s) {
		return jsonValue{}, errEndOfInput("")
	}
	switch c := p.s[p.pos]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		s, err := p.str()
		return jsonValue{kind: jsonString, text: s}, err
	case c == '-' || (c >= '0' && c <= '9'):
		lit, err := p.number()
		return jsonValue{kind: jsonNumber, text: lit}, err
	case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
		return p.literal()
	}
	return jsonValue{}, errUnexpectedChar(p.peekRune(),
		"expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')")
}

func (p *policyParser) enter() *Error {
	p.depth++
	if p.depth > maxDepth {
		return errTooDeep()
	}
	return nil
}

func (p *policyParser) object() (jsonValue, *Error) {
	if err := p.enter(); err != nil {
		return jsonValue{}, err
	}
	defer func() { p.depth-- }()
	p.pos++ // {
	v := jsonValue{kind: jsonObject}
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == '}' {
		p.pos++
		return v, nil
	}
	for {
		p.skipSpace()
		if p.pos == len(p.s) {
			return v, errEndOfInput(": expected close marker for Object")
		}
		if p.s[p.pos] != '"' {
			return v, errUnexpectedChar(p.peekRune(), "was expecting double-quote to start field name")
		}
		name, err := p.str()
		if err != nil {
			return v, err
		}
		p.skipSpace()
		if p.pos == len(p.s) {
			return v, errEndOfInput(": expected close marker for Object")
		}
		if p.s[p.pos] != ':' {
			return v, errUnexpectedChar(p.peekRune(), "was expecting a colon to separate field name and value")
		}
		p.pos++
		p.skipSpace()
		if p.pos == len(p.s) {
			return v, errEndOfInput(": expected close marker for Object")
		}
		val, err := p.value()
		if err != nil {
			return v, err
		}
		v.members = append(v.members, jsonMember{name: name, value: val})
		p.skipSpace()
		if p.pos == len(p.s) {
			return v, errEndOfInput(": expected close marker for Object")
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case '}':
			p.pos++
			return v, nil
		case ']':
			return v, errCloseMarker(']', '}')
		default:
			return v, errUnexpectedChar(p.peekRune(), "was expecting comma to separate Object entries")
		}
	}
}

func (p *policyParser) array() (jsonValue, *Error) {
	if err := p.enter(); err != nil {
		return jsonValue{}, err
	}
	defer func() { p.depth-- }()
	p.pos++ // [
	v := jsonValue{kind: jsonArray}
	p.skipSpace()
	if p.pos < len(p.s) && p.s[p.pos] == ']' {
		p.pos++
		return v, nil
	}
	for {
		p.skipSpace()
		if p.pos == len(p.s) {
			return v, errEndOfInput(": expected close marker for Array")
		}
		el, err := p.value()
		if err != nil {
			return v, err
		}
		v.elems = append(v.elems, el)
		p.skipSpace()
		if p.pos == len(p.s) {
			return v, errEndOfInput(": expected close marker for Array")
		}
		switch p.s[p.pos] {
		case ',':
			p.pos++
		case ']':
			p.pos++
			return v, nil
		case '}':
			return v, errCloseMarker('}', ']')
		default:
			return v, errUnexpectedChar(p.peekRune(), "was expecting comma to separate Array entries")
		}
	}
}

func (p *policyParser) literal() (jsonValue, *Error) {
	start := p.pos
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			break
		}
		p.pos++
	}
	switch tok := p.s[start:p.pos]; tok {
	case "null":
		return jsonValue{kind: jsonNull}, nil
	case "true":
		return jsonValue{kind: jsonTrue}, nil
	case "false":
		return jsonValue{kind: jsonFalse}, nil
	default:
		return jsonValue{}, errUnrecognizedToken(tok)
	}
}

// number reads a number and returns it as written.
func (p *policyParser) number() (string, *Error) {
	end, why := scanNumber(p.s, p.pos)
	if why != "" {
		if end == len(p.s) {
			return "", errEndOfInput(" in a Number value")
		}
		return "", errNumber(why)
	}
	lit := p.s[p.pos:end]
	p.pos = end
	return lit, nil
}

// scanNumber reads the JSON number at s[i:]. It returns where it ends, or a
// reason it is malformed and where it went wrong.
func scanNumber[T string | []byte](s T, i int) (end int, why string) {
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i == len(s):
		return i, "expected digit"
	case s[i] == '0':
		i++
		if i < len(s) && s[i] >= '0' && s[i] <= '9' {
			return i, "Leading zeroes not allowed"
		}
	case s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return i, "expected digit (0-9) to follow minus sign, for valid numeric value"
	}
	if i < len(s) && s[i] == '.' {
		i++
		if i == len(s) || s[i] < '0' || s[i] > '9' {
			return i, "Decimal point not followed by a digit"
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i == len(s) || s[i] < '0' || s[i] > '9' {
			return i, "Exponent indicator not followed by a digit"
		}
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	}
	return i, ""
}

// str reads a string and returns its decoded text.
func (p *policyParser) str() (string, *Error) {
	p.pos++ // "
	start := p.pos
	// The common case: no escapes, return a substring.
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		if c == '"' {
			s := p.s[start:p.pos]
			p.pos++
			return s, nil
		}
		if c == '\\' {
			break
		}
		if c < 0x20 {
			return "", errControlChar(c)
		}
		p.pos++
	}
	var b strings.Builder
	b.WriteString(p.s[start:p.pos])
	for p.pos < len(p.s) {
		c := p.s[p.pos]
		switch {
		case c == '"':
			p.pos++
			return b.String(), nil
		case c < 0x20:
			return "", errControlChar(c)
		case c != '\\':
			b.WriteByte(c)
			p.pos++
			continue
		}
		p.pos++ // backslash
		if p.pos == len(p.s) {
			break
		}
		e := p.s[p.pos]
		p.pos++
		switch e {
		case '"', '\\', '/':
			b.WriteByte(e)
		case 'b':
			b.WriteByte('\b')
		case 'f':
			b.WriteByte('\f')
		case 'n':
			b.WriteByte('\n')
		case 'r':
			b.WriteByte('\r')
		case 't':
			b.WriteByte('\t')
		case 'u':
			r, err := p.hex4()
			if err != nil {
				return "", err
			}
			if utf16.IsSurrogate(r) {
				// A surrogate pair is two escapes; a lone half becomes U+FFFD.
				if strings.HasPrefix(p.s[p.pos:], `\u`) {
					save := p.pos
					p.pos += 2
					r2, err := p.hex4()
					if err != nil {
						return "", err
					}
					if dec := utf16.DecodeRune(r, r2); dec != utf8.RuneError {
						b.WriteRune(dec)
						continue
					}
					p.pos = save
				}
				r = utf8.RuneError
			}
			b.WriteRune(r)
		default:
			p.pos--
			return "", errEscape(p.peekRune())
		}
	}
	return "", errEndOfInput(": was expecting closing quote for a string value")
}

func (p *policyParser) hex4() (rune, *Error) {
	var r rune
	for range 4 {
		if p.pos == len(p.s) {
			return 0, errEndOfInput(": was expecting closing quote for a string value")
		}
		c := p.s[p.pos]
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, errUnexpectedChar(p.peekRune(), "expected a hex-digit for character escape sequence")
		}
		r = r<<4 | rune(d)
		p.pos++
	}
	return r, nil
}
