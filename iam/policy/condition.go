package policy

import (
	"encoding/base64"
	"math"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Condition operators.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html

type family uint8

const (
	famString family = iota
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

// cmp is the positive comparison an operator makes between the request's
// value and the policy's.
type cmp uint8

const (
	cmpEq   cmp = iota
	cmpFold     // equal ignoring case
	cmpLike     // wildcards
	cmpLT
	cmpLE
	cmpGT
	cmpGE
)

type setOp uint8

const (
	setNone setOp = iota
	setForAll
	setForAny
)

type opInfo struct {
	fam     family
	cmp     cmp
	negated bool
}

// operator looks up a base operator name; ForAllValues:/ForAnyValue: and
// …IfExists are parsed around it.
func operator(name string) (opInfo, bool) {
	switch name {
	case "StringEquals":
		return opInfo{famString, cmpEq, false}, true
	case "StringNotEquals":
		return opInfo{famString, cmpEq, true}, true
	case "StringEqualsIgnoreCase":
		return opInfo{famString, cmpFold, false}, true
	case "StringNotEqualsIgnoreCase":
		return opInfo{famString, cmpFold, true}, true
	case "StringLike":
		return opInfo{famString, cmpLike, false}, true
	case "StringNotLike":
		return opInfo{famString, cmpLike, true}, true
	case "NumericEquals":
		return opInfo{famNumeric, cmpEq, false}, true
	case "NumericNotEquals":
		return opInfo{famNumeric, cmpEq, true}, true
	case "NumericLessThan":
		return opInfo{famNumeric, cmpLT, false}, true
	case "NumericLessThanEquals":
		return opInfo{famNumeric, cmpLE, false}, true
	case "NumericGreaterThan":
		return opInfo{famNumeric, cmpGT, false}, true
	case "NumericGreaterThanEquals":
		return opInfo{famNumeric, cmpGE, false}, true
	case "DateEquals":
		return opInfo{famDate, cmpEq, false}, true
	case "DateNotEquals":
		return opInfo{famDate, cmpEq, true}, true
	case "DateLessThan":
		return opInfo{famDate, cmpLT, false}, true
	case "DateLessThanEquals":
		return opInfo{famDate, cmpLE, false}, true
	case "DateGreaterThan":
		return opInfo{famDate, cmpGT, false}, true
	case "DateGreaterThanEquals":
		return opInfo{famDate, cmpGE, false}, true
	case "Bool":
		return opInfo{famBool, cmpEq, false}, true
	case "BinaryEquals":
		return opInfo{famBinary, cmpEq, false}, true
	case "IpAddress":
		return opInfo{famIP, cmpEq, false}, true
	case "NotIpAddress":
		return opInfo{famIP, cmpEq, true}, true
	case "ArnEquals", "ArnLike": // "ArnEquals and ArnLike behave identically"
		return opInfo{famARN, cmpLike, false}, true
	case "ArnNotEquals", "ArnNotLike":
		return opInfo{famARN, cmpLike, true}, true
	case "Null":
		return opInfo{famNull, cmpEq, false}, true
	}
	return opInfo{}, false
}

// condition is one (operator, key) pair of a Condition element with its values.
type condition struct {
	op       string // as written
	key      string // lower-cased: condition key names are case-insensitive
	info     opInfo
	set      setOp
	ifExists bool
	values   []condValue
}

// condValue is one policy value, read once for its operator's family.
type condValue struct {
	toks  []token // String, Bool, ARN: the text with its variables (and, for Like, wildcards)
	plain string  // the text when it has no variable and no wildcard
	vars  bool
	wild  bool
	arn   arnPattern
	num   float64
	time  time.Time
	ip    netip.Prefix
	bin   string
	null  bool // Null: true means "absent"
	valid bool // false: a value its operator cannot read; it never matches
}

// parseOperator splits "ForAnyValue:StringLikeIfExists" into its parts.
func parseOperator(name string) (opInfo, setOp, bool, bool) {
	base, set := name, setNone
	if rest, ok := strings.CutPrefix(base, "ForAllValues:"); ok {
		base, set = rest, setForAll
	} else if rest, ok := strings.CutPrefix(base, "ForAnyValue:"); ok {
		base, set = rest, setForAny
	}
	info, ok := operator(base)
	ifExists := false
	if !ok {
		if b, cut := strings.CutSuffix(base, "IfExists"); cut {
			info, ok = operator(b)
			ifExists = true
		}
	}
	// Null takes neither …IfExists nor a set operator: it tests presence.
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists
	if !ok || info.fam == famNull && (ifExists || set != setNone) {
		return opInfo{}, 0, false, false
	}
	return info, set, ifExists, true
}

// parseConditions compiles a Condition element. vars enables policy
// variables (2012-10-17 documents), which String, ARN and Bool values may use.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
func parseConditions(v any, vars bool) ([]condition, *Error) {
	block, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{reasonSyntax}
	}
	var conds []condition
	for _, op := range sortedKeys(block) {
		info, set, ifExists, ok := parseOperator(op)
		if !ok {
			return nil, &Error{"Invalid Condition type : " + op}
		}
		keys, ok := block[op].(map[string]any)
		if !ok {
			return nil, &Error{reasonSyntax}
		}
		for _, key := range sortedKeys(keys) {
			if i := strings.IndexByte(key, ':'); i <= 0 {
				return nil, &Error{reasonVendor}
			}
			raw, ok := conditionValues(keys[key])
			if !ok {
				return nil, &Error{reasonSyntax}
			}
			c := condition{op: op, key: strings.ToLower(key), info: info, set: set, ifExists: ifExists}
			for _, s := range raw {
				c.values = append(c.values, compileValue(info, s, vars))
			}
			conds = append(conds, c)
		}
	}
	return conds, nil
}

// conditionValues reads a condition's value or list of values. JSON numbers
// and booleans stand for their text ("aws:MultiFactorAuthPresent": true).
func conditionValues(v any) ([]string, bool) {
	if list, ok := v.([]any); ok {
		out := make([]string, 0, len(list))
		for _, item := range list {
			s, ok := scalarText(item)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	s, ok := scalarText(v)
	if !ok {
		return nil, false
	}
	return []string{s}, true
}

func scalarText(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case bool:
		return strconv.FormatBool(v), true
	case interface{ String() string }: // json.Number
		return v.String(), true
	}
	return "", false
}

func compileValue(info opInfo, s string, vars bool) condValue {
	cv := condValue{valid: true}
	switch info.fam {
	case famString, famBool:
		cv.toks = tokenize(s, info.cmp == cmpLike, vars)
		cv.vars, cv.wild = hasVars(cv.toks), hasWildcards(cv.toks)
		if !cv.vars && !cv.wild {
			cv.plain = resolve(cv.toks, lookup{})
		}
	case famARN:
		cv.arn = compileARN(s, vars)
	case famNumeric:
		// Policy variables are not allowed in Numeric, Date, Binary, IP and
		// Null values: these are read once, here.
		f, err := strconv.ParseFloat(s, 64)
		cv.num, cv.valid = f, err == nil && !math.IsNaN(f)
	case famDate:
		cv.time, cv.valid = parseTime(s)
	case famBinary:
		b, err := base64.StdEncoding.DecodeString(s)
		cv.bin, cv.valid = string(b), err == nil
	case famIP:
		cv.ip, cv.valid = parseCIDR(s)
	case famNull:
		switch strings.ToLower(s) {
		case "true":
			cv.null = true
		case "false":
		default:
			cv.valid = false
		}
	}
	return cv
}

// parseCIDR reads a CIDR block; a bare address means /32 (or /128).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IPAddress
func parseCIDR(s string) (netip.Prefix, bool) {
	if strings.Contains(s, "/") {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), max(p.Bits()-96, 0))
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// eval decides the condition against the request context.
//
// A missing key makes a positive operator false and a negated one true,
// except with …IfExists (true) and Null (which tests presence).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
//
// Several policy values are ORed; for a negated operator they are NORed.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
//
// ForAllValues is true when every request value matches, and also when the
// key is absent or empty; ForAnyValue when at least one does, so never for
// an absent key. With a negated operator "matches" means "equals none of the
// policy values".
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html
func (c *condition) eval(ctx lookup) bool {
	vals := ctx.get(c.key)
	if c.info.fam == famNull {
		present := len(vals) > 0
		for i := range c.values {
			if c.values[i].valid && c.values[i].null != present {
				return true
			}
		}
		return false
	}
	if len(vals) == 0 {
		switch {
		case c.set == setForAll:
			return true
		case c.set == setForAny:
			return false
		case c.ifExists:
			return true
		}
		return c.info.negated
	}
	switch c.set {
	case setForAll:
		for _, v := range vals {
			if c.anyValue(v, ctx) == c.info.negated {
				return false
			}
		}
		return true
	case setForAny:
		for _, v := range vals {
			if c.anyValue(v, ctx) != c.info.negated {
				return true
			}
		}
		return false
	}
	for _, v := range vals {
		if c.anyValue(v, ctx) {
			return !c.info.negated
		}
	}
	return c.info.negated
}

// anyValue reports whether the request value v compares true (under the
// operator's positive form) with at least one policy value.
func (c *condition) anyValue(v string, ctx lookup) bool {
	switch c.info.fam {
	case famString:
		for i := range c.values {
			if c.values[i].matchString(c.info.cmp, v, ctx) {
				return true
			}
		}
	case famBool:
		for i := range c.values {
			cv := &c.values[i]
			if !cv.vars {
				if strings.EqualFold(cv.plain, v) {
					return true
				}
			} else if resolvable(cv.toks, ctx) && strings.EqualFold(resolve(cv.toks, ctx), v) {
				return true
			}
		}
	case famARN:
		for i := range c.values {
			if c.values[i].arn.match(v, ctx) {
				return true
			}
		}
	case famNumeric:
		x, err := strconv.ParseFloat(v, 64)
		if err != nil || math.IsNaN(x) {
			return false
		}
		for i := range c.values {
			if c.values[i].valid && compareFloat(c.info.cmp, x, c.values[i].num) {
				return true
			}
		}
	case famDate:
		t, ok := parseTime(v)
		if !ok {
			return false
		}
		for i := range c.values {
			if c.values[i].valid && compareInt(c.info.cmp, t.Compare(c.values[i].time)) {
				return true
			}
		}
	case famBinary:
		for i := range c.values {
			if c.values[i].valid && c.values[i].bin == v {
				return true
			}
		}
	case famIP:
		a, err := netip.ParseAddr(v)
		if err != nil {
			return false
		}
		a = a.Unmap()
		for i := range c.values {
			if c.values[i].valid && c.values[i].ip.Contains(a) {
				return true
			}
		}
	}
	return false
}

// matchString compares a request value with one String* policy value. A value
// whose variable has no value never compares true, so it never matches a
// positive operator and never stops a negated one.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value
func (cv *condValue) matchString(op cmp, v string, ctx lookup) bool {
	if !cv.vars {
		switch op {
		case cmpEq:
			return v == cv.plain
		case cmpFold:
			return strings.EqualFold(v, cv.plain)
		}
		if !cv.wild {
			return v == cv.plain
		}
		return glob(cv.toks, v, false, lookup{})
	}
	if !resolvable(cv.toks, ctx) {
		return false
	}
	switch op {
	case cmpEq:
		return equalTokens(cv.toks, v, ctx)
	case cmpFold:
		return strings.EqualFold(v, resolve(cv.toks, ctx))
	}
	return glob(cv.toks, v, false, ctx)
}

func compareFloat(op cmp, x, y float64) bool {
	switch op {
	case cmpEq:
		return x == y
	case cmpLT:
		return x < y
	case cmpLE:
		return x <= y
	case cmpGT:
		return x > y
	case cmpGE:
		return x >= y
	}
	return false
}

// compareInt applies op to the sign of a comparison (request vs policy).
func compareInt(op cmp, sign int) bool {
	switch op {
	case cmpEq:
		return sign == 0
	case cmpLT:
		return sign < 0
	case cmpLE:
		return sign <= 0
	case cmpGT:
		return sign > 0
	case cmpGE:
		return sign >= 0
	}
	return false
}

// parseTime reads a date the Date operators accept: one of the W3C profiles
// of ISO 8601 (YYYY, YYYY-MM, YYYY-MM-DD, YYYY-MM-DDThh:mm[:ss[.s]]TZD, and
// the basic YYYYMMDDThhmmssZ), or epoch seconds.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Date
// https://www.w3.org/TR/NOTE-datetime
func parseTime(s string) (time.Time, bool) {
	if s == "" {
		return time.Time{}, false
	}
	if isEpoch(s) {
		sec, frac, _ := strings.Cut(s, ".")
		n, err := strconv.ParseInt(sec, 10, 64)
		if err != nil || n > 1<<40 || n < -(1<<40) {
			return time.Time{}, false
		}
		var nsec int64
		for i, scale := 0, int64(1e8); i < len(frac) && scale > 0; i, scale = i+1, scale/10 {
			nsec += int64(frac[i]-'0') * scale
		}
		return time.Unix(n, nsec).UTC(), true
	}
	var p dateParser
	p.s = s
	year := p.digits(4)
	month, day := 1, 1
	hour, minute, second, nsec := 0, 0, 0, 0
	basic := false
	if p.peek('-') {
		p.i++
		month = p.digits(2)
		if p.peek('-') {
			p.i++
			day = p.digits(2)
		}
	} else if len(s) >= 8 && p.i == 4 {
		basic = true
		month = p.digits(2)
		day = p.digits(2)
	}
	offset := 0 // seconds east of UTC
	if p.peek('T') || p.peek('t') {
		p.i++
		hour = p.digits(2)
		if !basic {
			p.expect(':')
		}
		minute = p.digits(2)
		if p.peek(':') || basic && p.i < len(s) && isDigit(s[p.i]) {
			if !basic {
				p.i++
			}
			second = p.digits(2)
			if p.peek('.') || p.peek(',') {
				p.i++
				start := p.i
				for p.i < len(s) && isDigit(s[p.i]) {
					if p.i-start < 9 {
						nsec = nsec*10 + int(s[p.i]-'0')
					}
					p.i++
				}
				if p.i == start {
					p.bad = true
				}
				for n := min(p.i-start, 9); n < 9; n++ {
					nsec *= 10
				}
			}
		}
		switch {
		case p.peek('Z') || p.peek('z'):
			p.i++
		case p.peek('+') || p.peek('-'):
			sign := 1
			if s[p.i] == '-' {
				sign = -1
			}
			p.i++
			oh := p.digits(2)
			om := 0
			if p.peek(':') {
				p.i++
				om = p.digits(2)
			} else if p.i < len(s) {
				om = p.digits(2)
			}
			if oh > 23 || om > 59 {
				p.bad = true
			}
			offset = sign * (oh*3600 + om*60)
		}
	}
	if p.bad || p.i != len(s) || month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(month), day, hour, minute, second, nsec, time.UTC)
	if t.Day() != day && hour < 24 && second < 60 {
		return time.Time{}, false // 2023-02-30
	}
	return t.Add(-time.Duration(offset) * time.Second), true
}

func isEpoch(s string) bool {
	dot := false
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case isDigit(c):
		case c == '.' && !dot && i > 0:
			dot = true
		case c == '-' && i == 0 && len(s) > 1:
		default:
			return false
		}
	}
	// Four digits alone are a year (ISO 8601 "YYYY"); AWS's own keys never
	// give an epoch that short.
	return len(s) != 4
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

type dateParser struct {
	s   string
	i   int
	bad bool
}

func (p *dateParser) peek(c byte) bool { return p.i < len(p.s) && p.s[p.i] == c }

func (p *dateParser) expect(c byte) {
	if !p.peek(c) {
		p.bad = true
		return
	}
	p.i++
}

func (p *dateParser) digits(n int) int {
	v := 0
	for k := 0; k < n; k++ {
		if p.i >= len(p.s) || !isDigit(p.s[p.i]) {
			p.bad = true
			return 0
		}
		v = v*10 + int(p.s[p.i]-'0')
		p.i++
	}
	return v
}
