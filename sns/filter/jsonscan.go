package filter

import "github.com/ferry-emulator/ferry/emulator/api"

// A scanner for message JSON (String.Array attributes and bodies). Unlike
// the policy parser it builds nothing and never says why a document is
// malformed: a message that is not valid JSON simply does not match. It works
// on strings and byte slices alike, without copying either.

type text interface{ string | []byte }

func skipSpace[T text](s T, i int) int {
	for i < len(s) && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r') {
		i++
	}
	return i
}

func hasLiteral[T text](s T, i int, lit string) bool {
	if len(s)-i < len(lit) {
		return false
	}
	for j := 0; j < len(lit); j++ {
		if s[i+j] != lit[j] {
			return false
		}
	}
	return true
}

// scanString reads the string token starting at s[i] == '"'. It returns the
// index after the closing quote and whether the token has escapes.
func scanString[T text](s T, i int) (end int, escaped, ok bool) {
	for i++; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			return i + 1, escaped, true
		case c < 0x20:
			return i, escaped, false
		case c == '\\':
			escaped = true
			i++
			if i == len(s) {
				return i, escaped, false
			}
			switch s[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				for range 4 {
					i++
					if i == len(s) || !isHex(s[i]) {
						return i, escaped, false
					}
				}
			default:
				return i, escaped, false
			}
		}
	}
	return i, escaped, false
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// appendUnquoted appends the text of tok, a string token scanString
// accepted, quotes excluded and escapes decoded. A lone UTF-16 surrogate
// becomes U+FFFD.
func appendUnquoted[T text](dst []byte, tok T) []byte {
	for i := 1; i < len(tok)-1; {
		if tok[i] != '\\' {
			dst = append(dst, tok[i])
			i++
			continue
		}
		out, n, ok := api.AppendJSONEscape(dst, tok[i:])
		if !ok { // scanString accepts none such; kept as it stands, never looping
			out, n = append(dst, tok[i]), 1
		}
		dst, i = out, i+n
	}
	return dst
}

// unquote returns the text of a string token scanString accepted.
func unquote[T text](tok T, escaped bool) string {
	if !escaped {
		return string(tok[1 : len(tok)-1])
	}
	return string(appendUnquoted(make([]byte, 0, len(tok)), tok))
}

// skipValue reads the value at or after s[i] and returns where it ends and
// whether it holds any scalar (a leaf, in Event Ruler's terms).
func skipValue[T text](s T, i, depth int) (end int, leaves, ok bool) {
	i = skipSpace(s, i)
	if i == len(s) {
		return i, false, false
	}
	switch c := s[i]; {
	case c == '{':
		if depth >= maxDepth {
			return i, false, false
		}
		if i = skipSpace(s, i+1); i < len(s) && s[i] == '}' {
			return i + 1, false, true
		}
		for {
			i = skipSpace(s, i)
			if i == len(s) || s[i] != '"' {
				return i, leaves, false
			}
			if i, _, ok = scanString(s, i); !ok {
				return i, leaves, false
			}
			if i = skipSpace(s, i); i == len(s) || s[i] != ':' {
				return i, leaves, false
			}
			var l bool
			if i, l, ok = skipValue(s, i+1, depth+1); !ok {
				return i, leaves, false
			}
			leaves = leaves || l
			if i = skipSpace(s, i); i == len(s) {
				return i, leaves, false
			}
			switch s[i] {
			case ',':
				i++
			case '}':
				return i + 1, leaves, true
			default:
				return i, leaves, false
			}
		}
	case c == '[':
		if depth >= maxDepth {
			return i, false, false
		}
		if i = skipSpace(s, i+1); i < len(s) && s[i] == ']' {
			return i + 1, false, true
		}
		for {
			var l bool
			if i, l, ok = skipValue(s, i, depth+1); !ok {
				return i, leaves, false
			}
			leaves = leaves || l
			if i = skipSpace(s, i); i == len(s) {
				return i, leaves, false
			}
			switch s[i] {
			case ',':
				i++
			case ']':
				return i + 1, leaves, true
			default:
				return i, leaves, false
			}
		}
	case c == '"':
		end, _, ok := scanString(s, i)
		return end, true, ok
	case c == 't':
		return i + 4, true, hasLiteral(s, i, "true")
	case c == 'f':
		return i + 5, true, hasLiteral(s, i, "false")
	case c == 'n':
		return i + 4, true, hasLiteral(s, i, "null")
	}
	end, why := scanNumber(s, i)
	return end, true, why == ""
}

// validArray reports whether s is a JSON array and nothing else.
func validArray(s string) bool {
	i := skipSpace(s, 0)
	if i == len(s) || s[i] != '[' {
		return false
	}
	end, _, ok := skipValue(s, i, 0)
	return ok && skipSpace(s, end) == len(s)
}

// arrayReader yields the scalars of a valid JSON array in order. Nested
// arrays are flattened into it and objects skipped: a String.Array attribute
// is a list of strings, numbers, true, false and null.
type arrayReader struct {
	s   string
	pos int
}

func (r *arrayReader) next() (value, bool) {
	for {
		r.pos = skipSpace(r.s, r.pos)
		if r.pos >= len(r.s) {
			return value{}, false
		}
		start := r.pos
		switch r.s[start] {
		case '[', ']', ',':
			r.pos++
		case '{':
			r.pos, _, _ = skipValue(r.s, start, 0)
		case '"':
			end, escaped, _ := scanString(r.s, start)
			r.pos = end
			return stringValue(unquote(r.s[start:end], escaped)), true
		case 't':
			r.pos += 4
			return value{kind: kindTrue}, true
		case 'f':
			r.pos += 5
			return value{kind: kindFalse}, true
		case 'n':
			r.pos += 4
			return value{kind: kindNull}, true
		default:
			r.pos, _ = scanNumber(r.s, start)
			return numberValue(r.s[start:r.pos]), true
		}
	}
}
