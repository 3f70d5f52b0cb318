package api

import "unicode/utf8"

// JSONAppender is implemented by results that render themselves as JSON
// without reflection: the few on the hottest paths (SendMessage). The output
// must be exactly what encoding/json would produce for the value.
type JSONAppender interface {
	AppendJSON(dst []byte) []byte
}

const hexDigits = "0123456789abcdef"

// AppendJSONString appends s as a JSON string, escaping as encoding/json
// does (including <, > and &, and invalid UTF-8 as U+FFFD).
func AppendJSONString(dst []byte, s string) []byte { return appendJSONString(dst, s, true) }

// AppendJSONStringText is AppendJSONString leaving <, > and & as they are,
// as AWS writes the JSON documents SNS delivers (a SubscribeURL keeps its
// literal &).
func AppendJSONStringText(dst []byte, s string) []byte { return appendJSONString(dst, s, false) }

func appendJSONString(dst []byte, s string, html bool) []byte {
	dst = append(dst, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' && (!html || c != '<' && c != '>' && c != '&') {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch c {
			case '"', '\\':
				dst = append(dst, '\\', c)
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	dst = append(dst, s[start:]...)
	return append(dst, '"')
}

// AppendJSONField appends "name":"value" preceded by a comma unless it is
// the object's first member; empty values are left out (omitempty).
func AppendJSONField(dst []byte, name, value string, omitEmpty bool) []byte {
	if omitEmpty && value == "" {
		return dst
	}
	if dst[len(dst)-1] != '{' {
		dst = append(dst, ',')
	}
	dst = append(dst, '"')
	dst = append(dst, name...)
	dst = append(dst, '"', ':')
	return AppendJSONString(dst, value)
}
