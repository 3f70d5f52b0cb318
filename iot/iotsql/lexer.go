package iotsql

import (
	"strings"
	"unicode/utf8"

	"github.com/ferry-emulator/ferry/emulator/api"
)

type tokKind uint8

const (
	tokEOF    tokKind = iota
	tokIdent          // bare identifier or keyword
	tokQuoted         // `backquoted` identifier
	tokNumber
	tokString // 'single' or "double" quoted
	tokVar    // @name
	tokPunct  // operator or punctuation, in text
)

type token struct {
	kind tokKind
	text string // identifier, number text, decoded string, variable name or punctuation
	pos  int
	// quote is the quote character of a string token: the FROM clause
	// takes single-quoted strings only.
	quote byte
}

// is reports whether t is the keyword kw, in any case.
func (t token) is(kw string) bool {
	return t.kind == tokIdent && strings.EqualFold(t.text, kw)
}

func (t token) punct(p string) bool {
	return t.kind == tokPunct && t.text == p
}

func (t token) describe() string {
	switch t.kind {
	case tokEOF:
		return "end of statement"
	case tokString:
		return "string literal"
	case tokVar:
		return "@" + t.text
	}
	return "'" + t.text + "'"
}

// lex splits src into tokens. AWS IoT SQL has no comments
// (DG/iot-sql-reference), so "--" is two minus signs.
func lex(src string) ([]token, error) {
	toks := make([]token, 0, len(src)/3+2)
	i := 0
	for {
		for i < len(src) && isSpace(src[i]) {
			i++
		}
		if i >= len(src) {
			toks = append(toks, token{kind: tokEOF, pos: i})
			return toks, nil
		}
		start := i
		c := src[i]
		switch {
		case isIdentStart(c):
			for i < len(src) && isIdentPart(src[i]) {
				i++
			}
			toks = append(toks, token{kind: tokIdent, text: src[start:i], pos: start})
		case c >= '0' && c <= '9':
			i = scanSQLNumber(src, i)
			if i < len(src) && isIdentPart(src[i]) {
				return nil, newParseError(src, i, "Malformed number")
			}
			toks = append(toks, token{kind: tokNumber, text: src[start:i], pos: start})
		case c == '\'' || c == '"':
			s, end, ok := scanString(src, i)
			if !ok {
				return nil, newParseError(src, start, "Unterminated string literal")
			}
			i = end
			toks = append(toks, token{kind: tokString, text: s, pos: start, quote: c})
		case c == '`':
			end := strings.IndexByte(src[i+1:], '`')
			if end < 0 {
				return nil, newParseError(src, start, "Unterminated quoted identifier")
			}
			name := src[i+1 : i+1+end]
			if name == "" {
				return nil, newParseError(src, start, "Empty quoted identifier")
			}
			i += end + 2
			toks = append(toks, token{kind: tokQuoted, text: name, pos: start})
		case c == '@':
			i++
			for i < len(src) && isIdentPart(src[i]) {
				i++
			}
			if i == start+1 {
				return nil, newParseError(src, start, "Expected a variable name after '@'")
			}
			toks = append(toks, token{kind: tokVar, text: src[start+1 : i], pos: start})
		default:
			p := punctAt(src, i)
			if p == "" {
				r, _ := utf8.DecodeRuneInString(src[i:])
				return nil, newParseError(src, start, "Unexpected character '"+string(r)+"'")
			}
			i += len(p)
			toks = append(toks, token{kind: tokPunct, text: p, pos: start})
		}
	}
}

func punctAt(src string, i int) string {
	if i+1 < len(src) {
		switch two := src[i : i+2]; two {
		case "<>", "<=", ">=":
			return two
		}
	}
	switch src[i] {
	case '*', ',', '.', '(', ')', '[', ']', '{', '}', ':', '+', '-', '/', '%', '=', '<', '>':
		return src[i : i+1]
	}
	return ""
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

func isIdentStart(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_'
}

func isIdentPart(c byte) bool {
	return isIdentStart(c) || c >= '0' && c <= '9'
}

// scanSQLNumber scans digits[.digits][(e|E)[+|-]digits] from i.
func scanSQLNumber(src string, i int) int {
	i, _ = digitRun(src, i)
	if i+1 < len(src) && src[i] == '.' && src[i+1] >= '0' && src[i+1] <= '9' {
		i, _ = digitRun(src, i+1)
	}
	if i < len(src) && (src[i] == 'e' || src[i] == 'E') {
		j := i + 1
		if j < len(src) && (src[j] == '+' || src[j] == '-') {
			j++
		}
		if k, ok := digitRun(src, j); ok {
			i = k
		}
	}
	return i
}

// scanString reads a quoted literal starting at src[i]. A doubled quote
// stands for itself, as in SQL, and backslash escapes follow JSON's.
func scanString(src string, i int) (string, int, bool) {
	q := src[i]
	i++
	var b strings.Builder
	start := i
	for i < len(src) {
		c := src[i]
		switch {
		case c == q:
			if i+1 < len(src) && src[i+1] == q {
				b.WriteString(src[start : i+1])
				i += 2
				start = i
				continue
			}
			if b.Len() == 0 {
				return src[start:i], i + 1, true
			}
			b.WriteString(src[start:i])
			return b.String(), i + 1, true
		case c == '\\' && i+1 < len(src):
			b.WriteString(src[start:i])
			var scratch [utf8.UTFMax]byte
			if decoded, n, ok := api.AppendJSONEscape(scratch[:0], src[i:]); ok {
				b.Write(decoded)
				i += n
			} else if src[i+1] == 'u' {
				return "", 0, false // a \u needs its four hex digits
			} else {
				b.WriteByte(src[i+1]) // any other escaped character stands for itself
				i += 2
			}
			start = i
			continue
		}
		i++
	}
	return "", 0, false
}
