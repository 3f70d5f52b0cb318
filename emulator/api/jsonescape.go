package api

import (
	"unicode/utf16"
	"unicode/utf8"
)

// AppendJSONEscape decodes the JSON escape sequence that starts s (s[0] is
// the backslash) onto dst and reports how many bytes of s it took. A \u
// escape joins the surrogate pair that follows it; a lone surrogate becomes
// U+FFFD, as encoding/json decodes it. ok is false for anything RFC 8259
// does not allow after a backslash, and for a \u without four hex digits.
func AppendJSONEscape[T string | []byte](dst []byte, s T) (out []byte, n int, ok bool) {
	if len(s) < 2 || s[0] != '\\' {
		return dst, 0, false
	}
	switch c := s[1]; c {
	case '"', '\\', '/':
		return append(dst, c), 2, true
	case 'b':
		return append(dst, '\b'), 2, true
	case 'f':
		return append(dst, '\f'), 2, true
	case 'n':
		return append(dst, '\n'), 2, true
	case 'r':
		return append(dst, '\r'), 2, true
	case 't':
		return append(dst, '\t'), 2, true
	case 'u':
		r, ok := hex4(s[2:])
		if !ok {
			return dst, 0, false
		}
		n = 6
		if utf16.IsSurrogate(r) {
			r2, ok := rune(0), false
			if len(s) >= 12 && s[6] == '\\' && s[7] == 'u' {
				r2, ok = hex4(s[8:])
			}
			if r = utf16.DecodeRune(r, r2); ok && r != utf8.RuneError {
				n = 12
			}
		}
		return utf8.AppendRune(dst, r), n, true
	}
	return dst, 0, false
}

// hex4 reads four hex digits.
func hex4[T string | []byte](s T) (rune, bool) {
	if len(s) < 4 {
		return 0, false
	}
	var r rune
	for i := range 4 {
		c := s[i]
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c -= 'a' - 10
		case 'A' <= c && c <= 'F':
			c -= 'A' - 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}
