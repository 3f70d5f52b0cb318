package iotsql

import (
	"math/big"
	"strconv"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// A payload is decoded at most once per evaluation, by a small hand-written
// decoder: it keeps object key order, yields exact numbers, and can decode
// only the top-level fields a statement reads while still validating the
// rest, which is what makes a WHERE on a large payload cheap.

// maxJSONDepth bounds nesting so hostile payloads cannot exhaust the stack.
const maxJSONDepth = 10000

type jsonDecoder struct {
	s     string
	i     int
	depth int
}

// decodeJSON decodes a whole JSON text; ok is false when it is not one.
func decodeJSON(s string) (value, bool) {
	d := jsonDecoder{s: s}
	d.ws()
	v, ok := d.value()
	if !ok {
		return undefined, false
	}
	d.ws()
	return v, d.i == len(d.s)
}

// decodeFields decodes a JSON text, keeping only the named top-level
// fields of an object (the rest is validated and skipped). A text that is
// valid JSON but not an object decodes whole.
func decodeFields(s string, names []string) (value, bool) {
	d := jsonDecoder{s: s}
	d.ws()
	if d.i >= len(d.s) || d.s[d.i] != '{' {
		return decodeJSON(s)
	}
	d.i++
	o := newObject(len(names))
	d.ws()
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
	} else {
		for {
			d.ws()
			key, ok := d.str()
			if !ok || !d.colon() {
				return undefined, false
			}
			if wanted(names, key) {
				v, ok := d.value()
				if !ok {
					return undefined, false
				}
				o.set(key, v)
			} else if !d.skip() {
				return undefined, false
			}
			more, ok := d.next('}')
			if !ok {
				return undefined, false
			}
			if !more {
				break
			}
		}
	}
	d.ws()
	if d.i != len(d.s) {
		return undefined, false
	}
	return objV(o), true
}

func wanted(names []string, key string) bool {
	for _, n := range names {
		if n == key {
			return true
		}
	}
	return false
}

func (d *jsonDecoder) ws() {
	for d.i < len(d.s) {
		switch d.s[d.i] {
		case ' ', '\t', '\n', '\r':
			d.i++
		default:
			return
		}
	}
}

func (d *jsonDecoder) colon() bool {
	d.ws()
	if d.i < len(d.s) && d.s[d.i] == ':' {
		d.i++
		d.ws()
		return true
	}
	return false
}

// next consumes the ',' between members or the closing byte; more says
// which.
func (d *jsonDecoder) next(closing byte) (more, ok bool) {
	d.ws()
	if d.i >= len(d.s) {
		return false, false
	}
	switch d.s[d.i] {
	case ',':
		d.i++
		d.ws()
		return true, true
	case closing:
		d.i++
		return false, true
	}
	return false, false
}

func (d *jsonDecoder) literal(word string) bool {
	if len(d.s)-d.i >= len(word) && d.s[d.i:d.i+len(word)] == word {
		d.i += len(word)
		return true
	}
	return false
}

func (d *jsonDecoder) value() (value, bool) {
	if d.i >= len(d.s) {
		return undefined, false
	}
	switch c := d.s[d.i]; {
	case c == '{':
		return d.object()
	case c == '[':
		return d.array()
	case c == '"':
		s, ok := d.str()
		return strV(s), ok
	case c == 't':
		return trueV, d.literal("true")
	case c == 'f':
		return falseV, d.literal("false")
	case c == 'n':
		return null, d.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		return d.number()
	}
	return undefined, false
}

func (d *jsonDecoder) object() (value, bool) {
	if d.depth++; d.depth > maxJSONDepth {
		return undefined, false
	}
	defer func() { d.depth-- }()
	d.i++
	d.ws()
	o := newObject(4)
	if d.i < len(d.s) && d.s[d.i] == '}' {
		d.i++
		return objV(o), true
	}
	for {
		key, ok := d.str()
		if !ok || !d.colon() {
			return undefined, false
		}
		v, ok := d.value()
		if !ok {
			return undefined, false
		}
		o.set(key, v)
		more, ok := d.next('}')
		if !ok {
			return undefined, false
		}
		if !more {
			return objV(o), true
		}
	}
}

func (d *jsonDecoder) array() (value, bool) {
	if d.depth++; d.depth > maxJSONDepth {
		return undefined, false
	}
	defer func() { d.depth-- }()
	d.i++
	d.ws()
	var a []value
	if d.i < len(d.s) && d.s[d.i] == ']' {
		d.i++
		return arrV([]value{}), true
	}
	for {
		v, ok := d.value()
		if !ok {
			return undefined, false
		}
		a = append(a, v)
		more, ok := d.next(']')
		if !ok {
			return undefined, false
		}
		if !more {
			return arrV(a), true
		}
	}
}

// skip validates one value without building it.
func (d *jsonDecoder) skip() bool {
	if d.i >= len(d.s) {
		return false
	}
	switch c := d.s[d.i]; {
	case c == '{', c == '[':
		closing := byte('}')
		if c == '[' {
			closing = ']'
		}
		if d.depth++; d.depth > maxJSONDepth {
			return false
		}
		defer func() { d.depth-- }()
		d.i++
		d.ws()
		if d.i < len(d.s) && d.s[d.i] == closing {
			d.i++
			return true
		}
		for {
			if c == '{' {
				if !d.skipStr() || !d.colon() {
					return false
				}
			}
			if !d.skip() {
				return false
			}
			more, ok := d.next(closing)
			if !ok {
				return false
			}
			if !more {
				return true
			}
		}
	case c == '"':
		return d.skipStr()
	case c == 't':
		return d.literal("true")
	case c == 'f':
		return d.literal("false")
	case c == 'n':
		return d.literal("null")
	case c == '-' || (c >= '0' && c <= '9'):
		_, ok := d.scanNumber()
		return ok
	}
	return false
}

// scanNumber checks JSON's number grammar and reports whether the number
// is an integer.
func (d *jsonDecoder) scanNumber() (isInt, ok bool) {
	s, i := d.s, d.i
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		i, _ = digitRun(s, i)
	default:
		return false, false
	}
	isInt = true
	if i < len(s) && s[i] == '.' {
		isInt = false
		if i, ok = digitRun(s, i+1); !ok {
			return false, false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		isInt = false
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if i, ok = digitRun(s, i); !ok {
			return false, false
		}
	}
	d.i = i
	return isInt, true
}

func (d *jsonDecoder) number() (value, bool) {
	start := d.i
	isInt, ok := d.scanNumber()
	if !ok {
		return undefined, false
	}
	text := d.s[start:d.i]
	if isInt {
		return parseIntText(text), true
	}
	dec, ok := parseDecimal(text)
	if !ok {
		return undefined, false
	}
	return numV(dec, true), true
}

// parseIntText converts a valid integer literal, widening past int64.
func parseIntText(text string) value {
	if len(text) <= 18 {
		neg := text[0] == '-'
		var n int64
		for i := 0; i < len(text); i++ {
			if c := text[i]; c >= '0' && c <= '9' {
				n = n*10 + int64(c-'0')
			}
		}
		if neg {
			n = -n
		}
		return intV(n)
	}
	if n, err := strconv.ParseInt(text, 10, 64); err == nil {
		return intV(n)
	}
	b, _ := new(big.Int).SetString(text, 10)
	return bigIntV(b)
}

func (d *jsonDecoder) skipStr() bool {
	s := d.s
	if d.i >= len(s) || s[d.i] != '"' {
		return false
	}
	for i := d.i + 1; i < len(s); i++ {
		switch c := s[i]; {
		case c == '"':
			d.i = i + 1
			return true
		case c == '\\':
			if i+1 >= len(s) {
				return false
			}
			i++
			switch s[i] {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				if i+4 >= len(s) || !isHex4(s[i+1:i+5]) {
					return false
				}
				i += 4
			default:
				return false
			}
		case c < 0x20:
			return false
		}
	}
	return false
}

// str decodes a string; the common escape-free case is a substring.
func (d *jsonDecoder) str() (string, bool) {
	s := d.s
	if d.i >= len(s) || s[d.i] != '"' {
		return "", false
	}
	start := d.i + 1
	i := start
	for i < len(s) {
		c := s[i]
		if c == '"' {
			d.i = i + 1
			return s[start:i], true
		}
		if c == '\\' || c < 0x20 {
			break
		}
		i++
	}
	if i >= len(s) || s[i] < 0x20 {
		return "", false
	}
	buf := make([]byte, 0, i-start+16)
	buf = append(buf, s[start:i]...)
	for i < len(s) {
		c := s[i]
		switch {
		case c == '"':
			d.i = i + 1
			return string(buf), true
		case c < 0x20:
			return "", false
		case c != '\\':
			buf = append(buf, c)
			i++
			continue
		}
		var n int
		var ok bool
		if buf, n, ok = api.AppendJSONEscape(buf, s[i:]); !ok {
			return "", false
		}
		i += n
	}
	return "", false
}

func isHex4(s string) bool {
	if len(s) < 4 {
		return false
	}
	for i := 0; i < 4; i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F') {
			return false
		}
	}
	return true
}

// appendJSON serializes v compactly. Undefined members are omitted, as AWS
// omits them; Undefined on its own is the empty text.
func appendJSON(buf []byte, v value) []byte {
	return appendValue(buf, v, false)
}

// appendOutput serializes a rule's output under its SQL version:
// 2016-03-23 writes whole Decimals such as 10.0 as the Int 10
// (DG/iot-sql-functions, cast), a quirk 2015-10-08 does not have.
func appendOutput(buf []byte, v value, v2 bool) []byte {
	return appendValue(buf, v, v2)
}

func appendValue(buf []byte, v value, wholeAsInt bool) []byte {
	switch v.k {
	case kindNull:
		return append(buf, "null"...)
	case kindBool:
		if v.bool() {
			return append(buf, "true"...)
		}
		return append(buf, "false"...)
	case kindInt:
		if v.ref != nil {
			return v.bigInt().Append(buf, 10)
		}
		return strconv.AppendInt(buf, int64(v.n), 10)
	case kindDecimal:
		d := v.dec()
		if wholeAsInt && d.isWhole() && d.digits()-int(d.scale) <= decPrecision {
			return appendValue(buf, integerV(d.toInteger(roundDown)), false)
		}
		return d.appendText(buf)
	case kindString:
		return appendJSONString(buf, v.s)
	case kindArray:
		buf = append(buf, '[')
		first := true
		for _, e := range v.arr() {
			if !e.defined() {
				continue
			}
			if !first {
				buf = append(buf, ',')
			}
			first = false
			buf = appendValue(buf, e, wholeAsInt)
		}
		return append(buf, ']')
	case kindObject:
		o := v.obj()
		buf = append(buf, '{')
		first := true
		for i, k := range o.keys {
			if !o.vals[i].defined() {
				continue
			}
			if !first {
				buf = append(buf, ',')
			}
			first = false
			buf = appendJSONString(buf, k)
			buf = append(buf, ':')
			buf = appendValue(buf, o.vals[i], wholeAsInt)
		}
		return append(buf, '}')
	}
	return buf
}

// appendJSONString quotes s as the JSON AWS IoT writes: escaping what
// JSON requires, invalid UTF-8 as U+FFFD, and <, > and & left as they are.
func appendJSONString(buf []byte, s string) []byte { return api.AppendJSONStringText(buf, s) }
