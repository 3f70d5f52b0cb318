package iotsql

import (
	"regexp"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// String functions (DG/iot-sql-functions). Non-String arguments go
// through the standard String conversion; Null and Undefined do not
// convert, so they make the result Undefined. Lengths and indexes count
// UTF-16 code units, as AWS's Java engine does.
var stringFunctions = []function{
	{name: "concat", minArgs: 0, maxArgs: -1, since: level1, call: fnConcat},
	{name: "length", minArgs: 1, maxArgs: 1, since: level2, call: fnLength},
	{name: "numbytes", minArgs: 1, maxArgs: 1, since: level2, call: fnNumBytes},
	{name: "lower", minArgs: 1, maxArgs: 1, since: level1, call: stringFn(strings.ToLower)},
	{name: "upper", minArgs: 1, maxArgs: 1, since: level1, call: stringFn(strings.ToUpper)},
	{name: "trim", minArgs: 1, maxArgs: 1, since: level1, call: stringFn(func(s string) string { return strings.TrimFunc(s, isJavaSpace) })},
	{name: "ltrim", minArgs: 1, maxArgs: 1, since: level1, call: stringFn(func(s string) string { return strings.TrimLeftFunc(s, isJavaSpace) })},
	{name: "rtrim", minArgs: 1, maxArgs: 1, since: level1, call: stringFn(func(s string) string { return strings.TrimRightFunc(s, isJavaSpace) })},
	{name: "lpad", minArgs: 2, maxArgs: 2, since: level1, call: padFn(true)},
	{name: "rpad", minArgs: 2, maxArgs: 2, since: level1, call: padFn(false)},
	{name: "substring", minArgs: 2, maxArgs: 3, since: level1, call: fnSubstring},
	{name: "replace", minArgs: 3, maxArgs: 3, since: level1, call: fnReplace},
	{name: "indexof", minArgs: 2, maxArgs: 2, since: level2, call: fnIndexOf},
	{name: "startswith", minArgs: 2, maxArgs: 2, since: level1, call: affixFn(strings.HasPrefix)},
	{name: "endswith", minArgs: 2, maxArgs: 2, since: level1, call: affixFn(strings.HasSuffix)},
	{name: "chr", minArgs: 1, maxArgs: 1, since: level1, call: fnChr},
	{name: "regexp_matches", minArgs: 2, maxArgs: 2, since: level1, call: fnRegexpMatches, prepare: prepareRegexp},
	{name: "regexp_replace", minArgs: 3, maxArgs: 3, since: level1, call: fnRegexpReplace, prepare: prepareRegexp},
	{name: "regexp_substr", minArgs: 2, maxArgs: 2, since: level1, call: fnRegexpSubstr, prepare: prepareRegexp},
}

// isJavaSpace is what Java's String.trim removes: every code point up to
// and including the space.
func isJavaSpace(r rune) bool { return r <= ' ' }

func stringFn(f func(string) string) func(*env, *callNode, []value) value {
	return func(_ *env, _ *callNode, args []value) value {
		s, ok := toString(args[0])
		if !ok {
			return undefined
		}
		return strV(f(s))
	}
}

func affixFn(f func(s, affix string) bool) func(*env, *callNode, []value) value {
	return func(_ *env, _ *callNode, args []value) value {
		s, ok := toString(args[0])
		if !ok {
			return undefined
		}
		affix, ok := toString(args[1])
		if !ok {
			return undefined
		}
		return boolV(f(s, affix))
	}
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

func utf16Len(s string) int {
	if isASCII(s) {
		return len(s)
	}
	n := 0
	for _, r := range s {
		n += utf16.RuneLen(r)
	}
	return n
}

// utf16Slice is s[i:j] in UTF-16 code units, 0 <= i <= j <= utf16Len(s).
func utf16Slice(s string, i, j int) string {
	if isASCII(s) {
		return s[i:j]
	}
	u := utf16.Encode([]rune(s))
	return string(utf16.Decode(u[i:j]))
}

// fnConcat joins arrays when any argument is one, else strings when any
// argument is one; a single argument comes back unchanged.
func fnConcat(_ *env, _ *callNode, args []value) value {
	switch len(args) {
	case 0:
		return undefined
	case 1:
		return args[0]
	}
	hasArray, hasString := false, false
	for _, a := range args {
		hasArray = hasArray || a.k == kindArray
		hasString = hasString || a.k == kindString
	}
	if hasArray {
		var out []value
		for _, a := range args {
			switch {
			case a.k == kindArray:
				out = append(out, a.arr()...)
			case a.defined():
				out = append(out, a)
			}
		}
		return arrV(out)
	}
	if !hasString {
		return undefined
	}
	var b strings.Builder
	for _, a := range args {
		s, ok := toString(a)
		if !ok {
			return undefined
		}
		b.WriteString(s)
	}
	return strV(b.String())
}

func fnLength(_ *env, _ *callNode, args []value) value {
	s, ok := toString(args[0])
	if !ok {
		return undefined
	}
	return intV(int64(utf16Len(s)))
}

func fnNumBytes(_ *env, _ *callNode, args []value) value {
	s, ok := toString(args[0])
	if !ok {
		return undefined
	}
	return intV(int64(len(s)))
}

// padFn pads with spaces; the width is rounded down and held to 0…1000.
func padFn(left bool) func(*env, *callNode, []value) value {
	return func(_ *env, _ *callNode, args []value) value {
		s, ok := toString(args[0])
		if !ok {
			return undefined
		}
		n, ok := toIntClamped(args[1], roundFloor, 0, 1000)
		if !ok {
			return undefined
		}
		pad := strings.Repeat(" ", int(n))
		if left {
			return strV(pad + s)
		}
		return strV(s + pad)
	}
}

// fnSubstring takes 0-based indexes, the end exclusive, both clamped to
// the string (DG/iot-sql-functions, substring).
func fnSubstring(_ *env, _ *callNode, args []value) value {
	s, ok := toString(args[0])
	if !ok {
		return undefined
	}
	n := int64(utf16Len(s))
	start, ok := toIntClamped(args[1], roundFloor, 0, n)
	if !ok {
		return undefined
	}
	end := n
	if len(args) == 3 {
		if end, ok = toIntClamped(args[2], roundFloor, 0, n); !ok {
			return undefined
		}
	}
	if start >= end {
		return strV("")
	}
	return strV(utf16Slice(s, int(start), int(end)))
}

func fnReplace(_ *env, _ *callNode, args []value) value {
	var s [3]string
	for i := range s {
		var ok bool
		if s[i], ok = toString(args[i]); !ok {
			return undefined
		}
	}
	return strV(strings.ReplaceAll(s[0], s[1], s[2]))
}

func fnIndexOf(_ *env, _ *callNode, args []value) value {
	s, ok := toString(args[0])
	if !ok {
		return undefined
	}
	sub, ok := toString(args[1])
	if !ok {
		return undefined
	}
	i := strings.Index(s, sub)
	if i < 0 {
		return intV(-1)
	}
	return intV(int64(utf16Len(s[:i])))
}

// fnChr is the ASCII character with the given code, rounded down.
func fnChr(_ *env, _ *callNode, args []value) value {
	n, ok := toInt(args[0], roundFloor)
	if !ok || n < 0 || n > 127 {
		return undefined
	}
	return strV(string(rune(n)))
}

// Regular expressions. AWS runs Java's; Go's RE2 shares the common syntax
// but has no backreferences or lookaround, and a pattern it cannot compile
// evaluates to Undefined, as an invalid one does on AWS.

// regexpState is what prepareRegexp derived from a literal pattern.
type regexpState struct {
	re  *regexp.Regexp
	err error
}

func prepareRegexp(_ *parser, _ token, n *callNode) {
	if s, ok := literalString(n.args[1]); ok {
		re, err := regexp.Compile(s)
		n.state = &regexpState{re: re, err: err}
	}
}

// pattern returns the call's compiled pattern, compiling a computed one.
func pattern(n *callNode, arg value) *regexp.Regexp {
	if st, ok := n.state.(*regexpState); ok {
		return st.re
	}
	s, ok := toString(arg)
	if !ok {
		return nil
	}
	re, err := regexp.Compile(s)
	if err != nil {
		return nil
	}
	return re
}

func fnRegexpMatches(_ *env, n *callNode, args []value) value {
	s, ok := toString(args[0])
	re := pattern(n, args[1])
	if !ok || re == nil {
		return undefined
	}
	return boolV(re.MatchString(s))
}

func fnRegexpSubstr(_ *env, n *callNode, args []value) value {
	s, ok := toString(args[0])
	re := pattern(n, args[1])
	if !ok || re == nil {
		return undefined
	}
	loc := re.FindStringIndex(s)
	if loc == nil {
		return undefined
	}
	return strV(s[loc[0]:loc[1]])
}

func fnRegexpReplace(_ *env, n *callNode, args []value) value {
	s, ok := toString(args[0])
	re := pattern(n, args[1])
	if !ok || re == nil {
		return undefined
	}
	repl, ok := toString(args[2])
	if !ok {
		return undefined
	}
	tmpl, ok := javaReplacement(repl, re)
	if !ok {
		return undefined
	}
	return strV(re.ReplaceAllString(s, tmpl))
}

// javaReplacement rewrites a Java replacement string ($1, ${name}, \$) as
// a Go template. Java reads "$12" as group 12 only if the pattern has that
// many groups, else as group 1 then "2"; a reference to a missing group or
// a dangling "$" or "\" is invalid, as Java throws on them.
func javaReplacement(repl string, re *regexp.Regexp) (string, bool) {
	if !strings.ContainsAny(repl, `$\`) {
		return repl, true
	}
	groups := re.NumSubexp()
	var b strings.Builder
	for i := 0; i < len(repl); i++ {
		switch c := repl[i]; c {
		case '\\':
			if i+1 >= len(repl) {
				return "", false
			}
			i++
			if repl[i] == '$' {
				b.WriteString("$$")
			} else {
				b.WriteByte(repl[i])
			}
		case '$':
			if i+1 >= len(repl) {
				return "", false
			}
			if repl[i+1] == '{' {
				end := strings.IndexByte(repl[i+2:], '}')
				if end < 0 {
					return "", false
				}
				name := repl[i+2 : i+2+end]
				if re.SubexpIndex(name) < 0 {
					return "", false
				}
				b.WriteString("${" + name + "}")
				i += end + 2
				continue
			}
			d := repl[i+1]
			if d < '0' || d > '9' || int(d-'0') > groups {
				return "", false
			}
			num := int(d - '0')
			j := i + 2
			for j < len(repl) && repl[j] >= '0' && repl[j] <= '9' {
				next := num*10 + int(repl[j]-'0')
				if next > groups {
					break
				}
				num = next
				j++
			}
			b.WriteString("${" + strconv.Itoa(num) + "}")
			i = j - 1
		default:
			b.WriteByte(c)
		}
	}
	return b.String(), true
}
