package iotsql

import (
	"fmt"
	"strconv"
	"strings"
)

// parser is a recursive-descent parser over the token slice. Errors unwind
// with a panic carrying *ParseError, recovered at the entry points, which
// keeps every production free of error plumbing.
type parser struct {
	src     string
	toks    []token
	pos     int
	version string
	level   sqlLevel
	vars    map[string]int // SET variables by name, to their slot
	// unsupported is the first external function met; reported only if
	// the statement is otherwise valid.
	unsupported string
}

type parseFailure struct{ err *ParseError }

func newParser(src, version string) (*parser, error) {
	toks, err := lex(src)
	if err != nil {
		return nil, err
	}
	return &parser{src: src, toks: toks, version: version, level: levelOf(version)}, nil
}

// run calls f, turning a parse failure back into an error.
func (p *parser) run(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			pf, ok := r.(parseFailure)
			if !ok {
				panic(r)
			}
			err = pf.err
		}
	}()
	f()
	if p.unsupported != "" {
		return &UnsupportedError{Function: p.unsupported}
	}
	return nil
}

func (p *parser) fail(t token, msg string) {
	panic(parseFailure{newParseError(p.src, t.pos, msg)})
}

func (p *parser) peek() token { return p.toks[p.pos] }

func (p *parser) peekAt(k int) token {
	if p.pos+k < len(p.toks) {
		return p.toks[p.pos+k]
	}
	return p.toks[len(p.toks)-1]
}

func (p *parser) next() token {
	t := p.toks[p.pos]
	if t.kind != tokEOF {
		p.pos++
	}
	return t
}

func (p *parser) expectPunct(s string) token {
	t := p.next()
	if !t.punct(s) {
		p.fail(t, fmt.Sprintf("Expected '%s' but found %s", s, t.describe()))
	}
	return t
}

func (p *parser) expectKeyword(kw string) token {
	t := p.next()
	if !t.is(kw) {
		p.fail(t, fmt.Sprintf("Expected %s but found %s", kw, t.describe()))
	}
	return t
}

func (p *parser) requireLevel(t token, what string) {
	if p.level < level2 {
		p.fail(t, what+" require SQL version 2016-03-23 or later")
	}
}

// statement parses [SET …] SELECT … [FROM 'filter'] [WHERE …]
// (DG/iot-sql-reference).
func (p *parser) statement(st *Statement) {
	if p.peek().is("SET") {
		p.next()
		p.setClause(st)
	}
	if t := p.peek(); !t.is("SELECT") {
		p.fail(t, "Expected SELECT but found "+t.describe())
	}
	p.next()
	p.selectList(&st.q)
	if p.peek().is("FROM") {
		p.next()
		t := p.next()
		if t.kind != tokString || t.quote != '\'' {
			p.fail(t, "Expected a topic filter in single quotes after FROM")
		}
		if err := ValidTopicFilter(t.text); err != nil {
			p.fail(t, "Invalid topic filter in FROM: "+err.Error())
		}
		st.topic = t.text
	}
	if p.peek().is("WHERE") {
		p.next()
		st.q.where = p.expr()
	}
	if t := p.peek(); t.kind != tokEOF {
		p.fail(t, "Unexpected "+t.describe())
	}
}

// setClause parses @name = expr {, @name = expr} (DG/iot-sql-set):
// variables are assigned once and may use the ones before them.
func (p *parser) setClause(st *Statement) {
	p.vars = map[string]int{}
	for {
		t := p.next()
		if t.kind != tokVar {
			p.fail(t, "Expected a variable (@name) in SET but found "+t.describe())
		}
		if len(t.text) > 64 {
			p.fail(t, "Variable names are at most 64 characters")
		}
		if _, dup := p.vars[t.text]; dup {
			p.fail(t, "Variable @"+t.text+" is already set")
		}
		p.expectPunct("=")
		x := p.expr()
		p.vars[t.text] = len(st.sets)
		st.sets = append(st.sets, setVar{name: t.text, x: x})
		if !p.peek().punct(",") {
			return
		}
		p.next()
	}
}

// selectList parses [VALUE] item {, item} into q.
func (p *parser) selectList(q *query) {
	if p.peek().is("VALUE") && startsExpr(p.peekAt(1)) {
		p.next()
		var x expr
		if p.peek().punct("*") && endsItem(p.peekAt(1)) {
			p.next()
			x = &starNode{}
		} else {
			x = p.expr()
		}
		q.value = true
		q.items = []selectItem{{x: x}}
		switch t := p.peek(); {
		case t.punct(","):
			p.fail(t, "SELECT VALUE takes a single expression")
		case t.is("AS"):
			p.fail(t, "SELECT VALUE cannot be aliased")
		}
		return
	}
	for i := 1; ; i++ {
		if p.peek().punct("*") && endsItem(p.peekAt(1)) {
			p.next()
			q.items = append(q.items, selectItem{star: true})
		} else {
			x := p.expr()
			var alias []string
			if p.peek().is("AS") {
				p.next()
				alias = p.alias()
			} else {
				alias = []string{defaultName(x, i)}
			}
			q.items = append(q.items, selectItem{x: x, alias: alias})
		}
		if !p.peek().punct(",") {
			break
		}
		p.next()
	}
	q.flat = true
	seen := map[string]bool{}
	for _, it := range q.items {
		if it.star || len(it.alias) > 1 || seen[it.alias[0]] {
			q.flat = false
			break
		}
		seen[it.alias[0]] = true
	}
}

// alias parses a name, or a dotted path that nests the value.
func (p *parser) alias() []string {
	var path []string
	for {
		t := p.next()
		if t.kind != tokIdent && t.kind != tokQuoted && t.kind != tokString {
			p.fail(t, "Expected a name after AS but found "+t.describe())
		}
		path = append(path, t.text)
		if !p.peek().punct(".") {
			return path
		}
		p.next()
	}
}

// defaultName names an unaliased item: a path by its last segment, a call
// by its function, anything else by its position.
func defaultName(x expr, i int) string {
	switch x := x.(type) {
	case *fieldNode:
		return x.name
	case *callNode:
		return x.fn.name
	case *varNode:
		return x.name
	}
	return "_" + strconv.Itoa(i)
}

func startsExpr(t token) bool {
	switch t.kind {
	case tokNumber, tokString, tokVar, tokQuoted:
		return true
	case tokIdent:
		for _, kw := range [...]string{"FROM", "AS", "WHERE", "AND", "OR", "IN"} {
			if t.is(kw) {
				return false
			}
		}
		return true
	case tokPunct:
		switch t.text {
		case "(", "[", "{", "*", "-":
			return true
		}
	}
	return false
}

func endsItem(t token) bool {
	return t.kind == tokEOF || t.punct(",") || t.punct(")") || t.is("FROM") || t.is("WHERE")
}

// Expressions, loosest binding first: OR, AND, NOT, comparisons and IN,
// + -, * / %, unary minus, then paths, indexes and primaries.

func (p *parser) expr() expr { return p.or() }

func (p *parser) or() expr {
	l := p.and()
	for p.peek().is("OR") {
		p.next()
		l = &orNode{l: l, r: p.and()}
	}
	return l
}

func (p *parser) and() expr {
	l := p.not()
	for p.peek().is("AND") {
		p.next()
		l = &andNode{l: l, r: p.not()}
	}
	return l
}

func (p *parser) not() expr {
	if p.peek().is("NOT") {
		p.next()
		return &notNode{x: p.not()}
	}
	return p.comparison()
}

func (p *parser) comparison() expr {
	l := p.additive()
	for {
		t := p.peek()
		switch {
		case t.kind == tokPunct && (t.text == "=" || t.text == "<>" || t.text == "<" || t.text == "<=" || t.text == ">" || t.text == ">="):
			p.next()
			l = &cmpNode{op: t.text, l: l, r: p.additive()}
		case t.is("IN"):
			p.next()
			l = p.in(l)
		default:
			return l
		}
	}
}

// in parses the right side of IN: an array expression, or a parenthesized
// list of values.
func (p *parser) in(x expr) expr {
	if !p.peek().punct("(") || p.peekAt(1).is("SELECT") {
		return &inNode{x: x, arr: p.additive()}
	}
	p.next()
	var list []expr
	for {
		list = append(list, p.expr())
		if !p.peek().punct(",") {
			break
		}
		p.next()
	}
	p.expectPunct(")")
	if len(list) == 1 {
		// (arr) is an array in parentheses; (v) a one-value list.
		return &inNode{x: x, arr: list[0], list: list}
	}
	return &inNode{x: x, list: list}
}

func (p *parser) additive() expr {
	l := p.multiplicative()
	for {
		t := p.peek()
		if !t.punct("+") && !t.punct("-") {
			return l
		}
		p.next()
		l = &arithNode{op: t.text[0], l: l, r: p.multiplicative()}
	}
}

func (p *parser) multiplicative() expr {
	l := p.unary()
	for {
		t := p.peek()
		if !t.punct("*") && !t.punct("/") && !t.punct("%") {
			return l
		}
		p.next()
		l = &arithNode{op: t.text[0], l: l, r: p.unary()}
	}
}

func (p *parser) unary() expr {
	if p.peek().punct("-") {
		p.next()
		x := p.unary()
		if lit, ok := x.(*litNode); ok && lit.v.isNumber() {
			return &litNode{v: negate(lit.v)}
		}
		return &negNode{x: x}
	}
	return p.postfix()
}

func (p *parser) postfix() expr {
	x := p.primary()
	for {
		switch t := p.peek(); {
		case t.punct("."):
			p.next()
			name := p.next()
			if name.kind != tokIdent && name.kind != tokQuoted {
				p.fail(name, "Expected a name after '.' but found "+name.describe())
			}
			x = &fieldNode{x: x, name: name.text}
		case t.punct("["):
			p.next()
			idx := p.expr()
			p.expectPunct("]")
			x = &indexNode{x: x, idx: idx}
		default:
			return x
		}
	}
}

// reserved words cannot name a field without backquotes. VALUE is not
// among them: it is only a keyword right after SELECT.
var reserved = map[string]bool{
	"SELECT": true, "FROM": true, "WHERE": true, "AS": true, "AND": true,
	"OR": true, "NOT": true, "IN": true, "CASE": true, "WHEN": true,
	"THEN": true, "ELSE": true, "END": true, "SET": true,
}

func (p *parser) primary() expr {
	t := p.next()
	switch t.kind {
	case tokNumber:
		return &litNode{v: p.number(t)}
	case tokString:
		return &litNode{v: strV(t.text)}
	case tokQuoted:
		return &fieldNode{name: t.text}
	case tokVar:
		slot, ok := p.vars[t.text]
		if !ok {
			p.fail(t, "Variable @"+t.text+" is not set")
		}
		return &varNode{slot: slot, name: t.text}
	case tokIdent:
		if p.peek().punct("(") {
			return p.call(t)
		}
		up := strings.ToUpper(t.text)
		switch up {
		case "TRUE":
			return &litNode{v: trueV}
		case "FALSE":
			return &litNode{v: falseV}
		case "NULL":
			return &litNode{v: null}
		case "CASE":
			return p.caseExpr()
		}
		if reserved[up] {
			p.fail(t, "Unexpected keyword "+t.text)
		}
		return &fieldNode{name: t.text}
	case tokPunct:
		switch t.text {
		case "*":
			return &starNode{}
		case "(":
			if p.peek().is("SELECT") {
				return p.nestedQuery(t)
			}
			x := p.expr()
			p.expectPunct(")")
			return x
		case "[":
			p.requireLevel(t, "Array literals")
			return p.arrayLiteral()
		case "{":
			p.requireLevel(t, "Object literals")
			return p.objectLiteral()
		}
	}
	p.fail(t, "Unexpected "+t.describe())
	return nil
}

func (p *parser) number(t token) value {
	if !strings.ContainsAny(t.text, ".eE") {
		return parseIntText(t.text)
	}
	d, ok := parseDecimal(t.text)
	if !ok {
		p.fail(t, "Number out of range: "+t.text)
	}
	return numV(d, true)
}

// caseExpr parses CASE [subject] WHEN … THEN … [ELSE …] END
// (DG/iot-sql-case); without a subject each WHEN is a condition.
func (p *parser) caseExpr() expr {
	n := &caseNode{}
	if !p.peek().is("WHEN") {
		n.subject = p.expr()
	}
	for p.peek().is("WHEN") {
		p.next()
		w := p.expr()
		p.expectKeyword("THEN")
		n.whens = append(n.whens, whenClause{when: w, then: p.expr()})
	}
	if len(n.whens) == 0 {
		t := p.peek()
		p.fail(t, "CASE needs at least one WHEN clause but found "+t.describe())
	}
	if p.peek().is("ELSE") {
		p.next()
		n.els = p.expr()
	}
	p.expectKeyword("END")
	return n
}

// nestedQuery parses (SELECT … FROM expr [WHERE …]) after its '('
// (DG/iot-sql-nested-queries, 2016-03-23 and later).
func (p *parser) nestedQuery(open token) expr {
	p.requireLevel(open, "Nested queries")
	p.next()
	q := &query{}
	p.selectList(q)
	p.expectKeyword("FROM")
	q.from = p.expr()
	if p.peek().is("WHERE") {
		p.next()
		q.where = p.expr()
	}
	p.expectPunct(")")
	return &queryNode{q: q}
}

func (p *parser) arrayLiteral() expr {
	n := &arrayNode{}
	if p.peek().punct("]") {
		p.next()
		return n
	}
	for {
		n.elems = append(n.elems, p.expr())
		if !p.peek().punct(",") {
			break
		}
		p.next()
	}
	p.expectPunct("]")
	return n
}

// objectLiteral parses {'key': expr, …} (DG/iot-sql-literals).
func (p *parser) objectLiteral() expr {
	n := &objectNode{}
	if p.peek().punct("}") {
		p.next()
		return n
	}
	for {
		k := p.next()
		if k.kind != tokString && k.kind != tokIdent && k.kind != tokQuoted {
			p.fail(k, "Expected an object key but found "+k.describe())
		}
		p.expectPunct(":")
		n.keys = append(n.keys, k.text)
		n.vals = append(n.vals, p.expr())
		if !p.peek().punct(",") {
			break
		}
		p.next()
	}
	p.expectPunct("}")
	return n
}

// call parses name(args) after the name; functions are case-insensitive,
// as the reference's own examples (Round, Trim) show.
func (p *parser) call(name token) expr {
	lower := strings.ToLower(name.text)
	p.next() // (
	if lower == "cast" {
		return p.cast()
	}
	var args []expr
	if !p.peek().punct(")") {
		for {
			args = append(args, p.expr())
			if !p.peek().punct(",") {
				break
			}
			p.next()
		}
	}
	p.expectPunct(")")
	fn, ok := functions[lower]
	if !ok {
		since, external := externalFunctions[lower]
		if !external {
			p.fail(name, "Unknown function '"+name.text+"'")
		}
		if p.level < since {
			p.fail(name, fmt.Sprintf("Function %s is not supported by SQL version %s", lower, p.version))
		}
		if p.unsupported == "" {
			p.unsupported = lower
		}
		return &litNode{}
	}
	if p.level < fn.since {
		p.fail(name, fmt.Sprintf("Function %s is not supported by SQL version %s", lower, p.version))
	}
	if len(args) < fn.minArgs || (fn.maxArgs >= 0 && len(args) > fn.maxArgs) {
		p.fail(name, fmt.Sprintf("Wrong number of arguments for function %s: %d", lower, len(args)))
	}
	n := &callNode{fn: fn, args: args}
	if fn.prepare != nil {
		fn.prepare(p, name, n)
	}
	return n
}

// cast parses cast(expr AS type) after its '(' (DG/iot-sql-functions,
// cast): Decimal, Bool and Boolean need 2016-03-23.
func (p *parser) cast() expr {
	x := p.expr()
	p.expectKeyword("AS")
	t := p.next()
	if t.kind != tokIdent {
		p.fail(t, "Expected a type after AS but found "+t.describe())
	}
	to, ok := castTypes[strings.ToLower(t.text)]
	if !ok {
		p.fail(t, "Unknown type '"+t.text+"' in cast")
	}
	if (to == castDecimal || to == castBool) && p.level < level2 {
		p.fail(t, fmt.Sprintf("Type %s in cast is not supported by SQL version %s", t.text, p.version))
	}
	p.expectPunct(")")
	return &castNode{x: x, to: to}
}

// literalString returns an argument that is a string literal.
func literalString(x expr) (string, bool) {
	if lit, ok := x.(*litNode); ok && lit.v.k == kindString {
		return lit.v.s, true
	}
	return "", false
}
