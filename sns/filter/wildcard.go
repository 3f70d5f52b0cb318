package filter

import "strings"

// wildcardPattern is a compiled "wildcard" expression: "*" matches any run of
// bytes, "\*" and "\\" are a literal asterisk and backslash, and any other
// escape, or two asterisks in a row, is refused. These are Event Ruler's rules;
// positions in its messages count UTF-8 bytes.
type wildcardPattern struct {
	// parts are the literal runs between asterisks; a pattern without
	// asterisks has one part.
	parts []string
}

func compileWildcard(s string) (wildcardPattern, *Error) {
	var w wildcardPattern
	var cur strings.Builder
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '*':
			if i+1 < len(s) && s[i+1] == '*' {
				return w, errWildcardConsecutive(i)
			}
			w.parts = append(w.parts, cur.String())
			cur.Reset()
		case '\\':
			if i+1 < len(s) && (s[i+1] == '*' || s[i+1] == '\\') {
				cur.WriteByte(s[i+1])
				i++
				continue
			}
			return w, errWildcardEscape(i)
		default:
			cur.WriteByte(s[i])
		}
	}
	w.parts = append(w.parts, cur.String())
	return w, nil
}

func (w wildcardPattern) match(s string) bool {
	first, last := w.parts[0], w.parts[len(w.parts)-1]
	if len(w.parts) == 1 {
		return s == first
	}
	if len(s) < len(first)+len(last) || !strings.HasPrefix(s, first) || !strings.HasSuffix(s, last) {
		return false
	}
	// With "*" as the only operator, taking each middle run at its leftmost
	// place is never worse than any other choice.
	rest := s[len(first) : len(s)-len(last)]
	for _, part := range w.parts[1 : len(w.parts)-1] {
		i := strings.Index(rest, part)
		if i < 0 {
			return false
		}
		rest = rest[i+len(part):]
	}
	return true
}
