package filter

// numericRange is a compiled "numeric" expression over comparable numbers
// (https://docs.aws.amazon.com/sns/latest/dg/numeric-value-matching.html).
// "=" is the closed range [x, x].
type numericRange struct {
	lo, hi         int64
	hasLo, hasHi   bool
	openLo, openHi bool
}

func (r numericRange) contains(n int64) bool {
	if r.hasLo && (n < r.lo || r.openLo && n == r.lo) {
		return false
	}
	if r.hasHi && (n > r.hi || r.openHi && n == r.hi) {
		return false
	}
	return true
}

// compileNumeric compiles the array of a "numeric" expression, checking it in
// the order Event Ruler reads it so the first complaint is the one AWS makes:
// an operator, its operand, then for ">" and ">=" an optional "<" or "<="
// with its operand.
func compileNumeric(elems []jsonValue) (numericRange, *Error) {
	var r numericRange
	if len(elems) == 0 {
		return r, errNumericMember("]")
	}
	if elems[0].kind != jsonString {
		return r, errNumericMember(elems[0].tokenText())
	}
	op := elems[0].text
	switch op {
	case "=", ">=", ">", "<=", "<":
	default:
		return r, errNumericOperator(op)
	}
	if len(elems) < 2 || elems[1].kind != jsonNumber {
		return r, errNumericValue(op)
	}
	first := parseNumber(elems[1].text)

	switch op {
	case "=":
		if len(elems) > 2 {
			return r, errNumericTooManyElements()
		}
		n, ok := comparableNumber(first)
		if !ok {
			return r, errNumberOutOfRange()
		}
		return numericRange{lo: n, hi: n, hasLo: true, hasHi: true}, nil
	case "<=", "<":
		if len(elems) > 2 {
			return r, errNumericTooManyElements()
		}
		n, ok := comparableNumber(first)
		if !ok {
			return r, errNumberOutOfRange()
		}
		return numericRange{hi: n, hasHi: true, openHi: op == "<"}, nil
	}

	// ">" or ">=", perhaps with an upper bound.
	r.openLo = op == ">"
	if len(elems) == 2 {
		n, ok := comparableNumber(first)
		if !ok {
			return r, errNumberOutOfRange()
		}
		r.lo, r.hasLo = n, true
		return r, nil
	}
	if elems[2].kind != jsonString {
		return r, errNumericRangeValue(elems[2].tokenText())
	}
	op2 := elems[2].text
	if op2 != "<" && op2 != "<=" {
		return r, errNumericRangeOperator(op2)
	}
	if len(elems) < 4 || elems[3].kind != jsonNumber {
		return r, errNumericValue(op2)
	}
	if len(elems) > 4 {
		return r, errNumericTooManyTerms()
	}
	second := parseNumber(elems[3].text)
	if first >= second {
		return r, errBottomNotBelowTop()
	}
	lo, okLo := comparableNumber(first)
	hi, okHi := comparableNumber(second)
	if !okLo || !okHi {
		return r, errNumberOutOfRange()
	}
	r.lo, r.hasLo = lo, true
	r.hi, r.hasHi, r.openHi = hi, true, op2 == "<"
	return r, nil
}
