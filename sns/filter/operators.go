package filter

import (
	"slices"
	"strings"
)

// The operators of a filter policy
// (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html).
type operator uint8

const (
	opString           operator = iota // "value": exact string match
	opNumber                           // 301.5: equal number
	opLiteral                          // true, false, null
	opPrefix                           // {"prefix": "..."}
	opSuffix                           // {"suffix": "..."}
	opEqualsIgnoreCase                 // {"equals-ignore-case": "..."}
	opWildcard                         // {"wildcard": "..."}
	opCIDR                             // {"cidr": "10.0.0.0/24"}
	opNumeric                          // {"numeric": [">", 0, "<=", 5]}
	opExists                           // {"exists": true}
	opNotStrings                       // {"anything-but": "x"} or ["x", "y"]
	opNotNumbers                       // {"anything-but": 1} or [1, 2]
	opNotPrefix                        // {"anything-but": {"prefix": "..."}}
)

// matcher is one element of the array a policy gives a key.
type matcher struct {
	op      operator
	text    string    // opString, opPrefix, opSuffix, opEqualsIgnoreCase, opNotPrefix; opNumber's literal
	num     int64     // opNumber
	literal valueKind // opLiteral
	exists  bool      // opExists
	strs    []string  // opNotStrings
	nums    []int64   // opNotNumbers
	numeric numericRange
	cidr    ipRange
	wild    wildcardPattern
}

func (m *matcher) isAnythingBut() bool {
	return m.op == opNotStrings || m.op == opNotNumbers || m.op == opNotPrefix
}

// matchValue reports whether one message value satisfies m. opExists is
// decided per key, not per value, and never matches here.
func (m *matcher) matchValue(v value) bool {
	switch m.op {
	case opString:
		return v.kind == kindString && v.text == m.text
	case opNumber:
		return v.kind == kindNumber && (v.comparable && v.num == m.num || v.text == m.text)
	case opLiteral:
		return v.kind == m.literal
	case opPrefix:
		return v.kind == kindString && strings.HasPrefix(v.text, m.text)
	case opSuffix:
		return v.kind == kindString && strings.HasSuffix(v.text, m.text)
	case opEqualsIgnoreCase:
		return v.kind == kindString && strings.EqualFold(v.text, m.text)
	case opWildcard:
		return v.kind == kindString && m.wild.match(v.text)
	case opCIDR:
		return v.kind == kindString && m.cidr.contains(v.text)
	case opNumeric:
		return v.kind == kindNumber && v.comparable && m.numeric.contains(v.num)
	// anything-but matches every value but the ones it names, whatever their
	// type, as Event Ruler does.
	case opNotStrings:
		return !(v.kind == kindString && slices.Contains(m.strs, v.text))
	case opNotNumbers:
		return !(v.kind == kindNumber && v.comparable && slices.Contains(m.nums, v.num))
	case opNotPrefix:
		return !(v.kind == kindString && strings.HasPrefix(v.text, m.text))
	}
	return false
}

// compileMatcher compiles one element of a key's array: a plain value or a
// match expression object.
func compileMatcher(v jsonValue) (matcher, *Error) {
	switch v.kind {
	case jsonString:
		return matcher{op: opString, text: v.text}, nil
	case jsonNumber:
		n, ok := comparableNumber(parseNumber(v.text))
		if !ok {
			return matcher{}, errPlainNumberOutOfRange()
		}
		return matcher{op: opNumber, text: v.text, num: n}, nil
	case jsonTrue:
		return matcher{op: opLiteral, literal: kindTrue}, nil
	case jsonFalse:
		return matcher{op: opLiteral, literal: kindFalse}, nil
	case jsonNull:
		return matcher{op: opLiteral, literal: kindNull}, nil
	case jsonObject:
		return compileExpression(v.members)
	}
	return matcher{}, errMatchValue()
}

// compileExpression compiles {"operator": operand}, complaining in the order
// Event Ruler reads it: the operator's name, its operand, then any extra key.
func compileExpression(members []jsonMember) (matcher, *Error) {
	if len(members) == 0 {
		return matcher{}, errNoMatchName()
	}
	name, arg := members[0].name, members[0].value
	extra := len(members) > 1
	var m matcher
	switch name {
	case "prefix", "suffix", "equals-ignore-case", "wildcard":
		if arg.kind != jsonString {
			return m, errPatternNotString(name)
		}
		m.text = arg.text
		switch name {
		case "prefix":
			m.op = opPrefix
		case "suffix":
			m.op = opSuffix
		case "equals-ignore-case":
			m.op = opEqualsIgnoreCase
		case "wildcard":
			m.op = opWildcard
			w, err := compileWildcard(arg.text)
			if err != nil {
				return m, err
			}
			m.wild = w
		}
		if extra {
			return m, errOneKey()
		}
	case "cidr":
		if arg.kind != jsonString {
			return m, errPatternNotString("prefix") // sic: Event Ruler's message
		}
		r, err := compileCIDR(arg.text)
		if err != nil {
			return m, err
		}
		m.op, m.cidr = opCIDR, r
		if extra {
			return m, errOneKey()
		}
	case "numeric":
		if arg.kind != jsonArray {
			return m, errNumericNotArray()
		}
		r, err := compileNumeric(arg.elems)
		if err != nil {
			return m, err
		}
		m.op, m.numeric = opNumeric, r
		if extra {
			return m, errNumericTooManyElements()
		}
	case "exists":
		if arg.kind != jsonTrue && arg.kind != jsonFalse {
			return m, errExistsNotBool()
		}
		m.op, m.exists = opExists, arg.kind == jsonTrue
		if extra {
			return m, errOneKey()
		}
	case "anything-but":
		return compileAnythingBut(arg, extra)
	default:
		return m, errUnrecognizedMatch(name)
	}
	return m, nil
}

// compileAnythingBut compiles the operand of "anything-but": one string or
// number, a list of only strings or only numbers, or {"prefix": "..."}. SNS
// refuses the other forms Event Ruler knows ("suffix", "wildcard",
// "equals-ignore-case" inside anything-but) as unsupported.
func compileAnythingBut(arg jsonValue, extra bool) (matcher, *Error) {
	var m matcher
	switch arg.kind {
	case jsonObject:
		if len(arg.members) == 0 {
			return m, errAnythingButNoName()
		}
		inner := arg.members[0]
		if inner.name != "prefix" {
			return m, errAnythingButUnsupported(inner.name)
		}
		if inner.value.kind != jsonString {
			return m, errPatternNotString("prefix")
		}
		if inner.value.text == "" {
			return m, errAnythingButEmptyPrefix()
		}
		if len(arg.members) > 1 || extra {
			return m, errOneKey()
		}
		return matcher{op: opNotPrefix, text: inner.value.text}, nil
	case jsonArray:
		var strs []string
		var nums []int64
		for _, el := range arg.elems {
			switch el.kind {
			case jsonString:
				strs = append(strs, el.text)
			case jsonNumber:
				n, ok := comparableNumber(parseNumber(el.text))
				if !ok {
					return m, errNumberOutOfRange()
				}
				nums = append(nums, n)
			default:
				return m, errAnythingButElement()
			}
		}
		if (len(strs) == 0) == (len(nums) == 0) {
			return m, errAnythingButMixed()
		}
		if len(strs) > 0 {
			m = matcher{op: opNotStrings, strs: strs}
		} else {
			m = matcher{op: opNotNumbers, nums: nums}
		}
	case jsonString:
		m = matcher{op: opNotStrings, strs: []string{arg.text}}
	case jsonNumber:
		n, ok := comparableNumber(parseNumber(arg.text))
		if !ok {
			return m, errNumberOutOfRange()
		}
		m = matcher{op: opNotNumbers, nums: []int64{n}}
	default:
		return m, errAnythingButValue()
	}
	if extra {
		return m, errNumericTooManyElements() // sic: Event Ruler's message
	}
	return m, nil
}
