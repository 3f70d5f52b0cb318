package api

import "unicode/utf8"

// FlatJSONDecoder is implemented by the inputs of the hottest actions
// (SendMessage), which callers usually send as a flat JSON object of plain
// strings and integers. DecodeFlatJSON reads such an object without
// reflection; anything else is left to encoding/json.
type FlatJSONDecoder interface {
	// SetJSONMember sets one member. value is a string's contents (known to
	// hold no escapes) when str is true, else an integer literal. It returns
	// false for a member it does not take this way, which makes the whole
	// decode fall back to encoding/json.
	SetJSONMember(name, value []byte, str bool) bool
}

// DecodeFlatJSON decodes body into dst if body is a flat object whose
// members are strings without escape sequences or integers, and dst takes
// every member. It returns false otherwise, having possibly set some
// members: the caller must then reset dst and decode it in full.
func DecodeFlatJSON(body []byte, dst FlatJSONDecoder) bool {
	i := skipSpace(body, 0)
	if i >= len(body) || body[i] != '{' {
		return false
	}
	i = skipSpace(body, i+1)
	if i < len(body) && body[i] == '}' {
		return skipSpace(body, i+1) == len(body)
	}
	for {
		name, next, ok := scanString(body, i)
		if !ok {
			return false
		}
		i = skipSpace(body, next)
		if i >= len(body) || body[i] != ':' {
			return false
		}
		i = skipSpace(body, i+1)
		if i >= len(body) {
			return false
		}
		var value []byte
		str := body[i] == '"'
		if str {
			value, next, ok = scanString(body, i)
		} else {
			value, next, ok = scanInteger(body, i)
		}
		if !ok || !dst.SetJSONMember(name, value, str) {
			return false
		}
		i = skipSpace(body, next)
		if i >= len(body) {
			return false
		}
		switch body[i] {
		case ',':
			i = skipSpace(body, i+1)
		case '}':
			return skipSpace(body, i+1) == len(body)
		default:
			return false
		}
	}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// scanString reads a string starting at b[i] == '"' that has no escapes,
// control characters or invalid UTF-8 (encoding/json would rewrite those).
func scanString(b []byte, i int) (value []byte, next int, ok bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	start := i + 1
	ascii := true
	for j := start; j < len(b); j++ {
		c := b[j]
		switch {
		case c == '"':
			if !ascii && !utf8.Valid(b[start:j]) {
				return nil, 0, false
			}
			return b[start:j], j + 1, true
		case c == '\\' || c < 0x20:
			return nil, 0, false
		case c >= utf8.RuneSelf:
			ascii = false
		}
	}
	return nil, 0, false
}

// scanInteger reads an optionally negative run of digits with no leading
// zero; fractions and exponents are left to encoding/json.
func scanInteger(b []byte, i int) (value []byte, next int, ok bool) {
	start := i
	if i < len(b) && b[i] == '-' {
		i++
	}
	digits := i
	for i < len(b) && b[i] >= '0' && b[i] <= '9' {
		i++
	}
	if i == digits || (b[digits] == '0' && i-digits > 1) {
		return nil, 0, false
	}
	if i < len(b) && (b[i] == '.' || b[i] == 'e' || b[i] == 'E') {
		return nil, 0, false
	}
	return b[start:i], i, true
}

// ParseJSONInt reads an integer literal from scanInteger into an int, false
// on overflow.
func ParseJSONInt(b []byte) (int, bool) {
	neg := len(b) > 0 && b[0] == '-'
	if neg {
		b = b[1:]
	}
	const cutoff = int(^uint(0)>>1) / 10
	n := 0
	for _, c := range b {
		if n > cutoff {
			return 0, false
		}
		n = n*10 + int(c-'0')
		if n < 0 {
			return 0, false
		}
	}
	if neg {
		n = -n
	}
	return n, true
}
