package iotsql

import (
	"math"
	"math/big"
)

// env is the state of one evaluation: the message, the decoded payload,
// the SET variables and the context that paths resolve in.
type env struct {
	m       *Message
	version string
	payload value // the decoded payload; Undefined when it is not JSON
	doc     value // the context: the payload, or a nested query's element
	vars    []value
	stack   []value // function arguments, pushed and popped around calls
}

func (n *litNode) eval(*env) value    { return n.v }
func (n *starNode) eval(e *env) value { return e.doc }

func (n *fieldNode) eval(e *env) value {
	base := e.doc
	if n.x != nil {
		base = n.x.eval(e)
	}
	if base.k != kindObject {
		return undefined
	}
	v, _ := base.obj().get(n.name)
	return v
}

func (n *indexNode) eval(e *env) value {
	return getElement(n.x.eval(e), n.idx.eval(e))
}

func (n *varNode) eval(e *env) value {
	if n.slot < len(e.vars) {
		return e.vars[n.slot]
	}
	return undefined
}

func (n *negNode) eval(e *env) value {
	return negate(n.x.eval(e))
}

func negate(v value) value {
	switch v.k {
	case kindInt:
		if i, ok := v.small(); ok && i != math.MinInt64 {
			return intV(-i)
		}
		return bigIntV(new(big.Int).Neg(v.bigInt()))
	case kindDecimal:
		return decV(decNeg(v.dec()))
	case kindString:
		if d, ok := toDecimal(v); ok {
			return numV(decNeg(d), true)
		}
	}
	return undefined
}

// NOT, AND and OR take Booleans or "true"/"false" strings
// (DG/iot-sql-operators). A false operand decides AND and a true one
// decides OR even when the other side is Undefined, as in SQL's
// three-valued logic; otherwise a non-Boolean operand gives Undefined.

func (n *notNode) eval(e *env) value {
	if b, ok := toBool(n.x.eval(e)); ok {
		return boolV(!b)
	}
	return undefined
}

func (n *andNode) eval(e *env) value {
	l, lok := toBool(n.l.eval(e))
	if lok && !l {
		return falseV
	}
	r, rok := toBool(n.r.eval(e))
	if rok && !r {
		return falseV
	}
	if lok && rok {
		return trueV
	}
	return undefined
}

func (n *orNode) eval(e *env) value {
	l, lok := toBool(n.l.eval(e))
	if lok && l {
		return trueV
	}
	r, rok := toBool(n.r.eval(e))
	if rok && r {
		return trueV
	}
	if lok && rok {
		return falseV
	}
	return undefined
}

func (n *arithNode) eval(e *env) value {
	return arith(n.op, n.l.eval(e), n.r.eval(e))
}

// arith applies + - * / % (DG/iot-sql-operators): "+" concatenates when
// either side is a String; Int op Int is an Int; anything involving a
// Decimal or a numeric string is a Decimal; the rest is Undefined.
func arith(op byte, l, r value) value {
	if op == '+' && (l.k == kindString || r.k == kindString) {
		ls, ok := toString(l)
		if !ok {
			return undefined
		}
		rs, ok := toString(r)
		if !ok {
			return undefined
		}
		return strV(ls + rs)
	}
	if l.k == kindInt && r.k == kindInt {
		return intArith(op, l, r)
	}
	if op == '+' && !(l.isNumber() && r.isNumber()) {
		return undefined
	}
	a, ok := toDecimal(l)
	if !ok {
		return undefined
	}
	b, ok := toDecimal(r)
	if !ok {
		return undefined
	}
	var d decimal
	switch op {
	case '+':
		d, ok = decAdd(a, b)
	case '-':
		d, ok = decSub(a, b)
	case '*':
		d, ok = decMul(a, b)
	case '/':
		d, ok = decQuo(a, b)
	case '%':
		d, ok = decRem(a, b)
	}
	return numV(d, ok)
}

func intArith(op byte, l, r value) value {
	if x, ok := l.small(); ok {
		if y, ok := r.small(); ok {
			switch op {
			case '+':
				if s, ok := add64(x, y); ok {
					return intV(s)
				}
			case '-':
				if s, ok := sub64(x, y); ok {
					return intV(s)
				}
			case '*':
				if s, ok := mul64(x, y); ok {
					return intV(s)
				}
			case '/':
				if y == 0 {
					return undefined
				}
				if y != -1 {
					return intV(x / y)
				}
			case '%':
				if y == 0 {
					return undefined
				}
				return intV(x % y)
			}
		}
	}
	x, y := l.bigInt(), r.bigInt()
	z := new(big.Int)
	switch op {
	case '+':
		z.Add(x, y)
	case '-':
		z.Sub(x, y)
	case '*':
		z.Mul(x, y)
	case '/':
		if y.Sign() == 0 {
			return undefined
		}
		z.Quo(x, y)
	case '%':
		if y.Sign() == 0 {
			return undefined
		}
		z.Rem(x, y)
	}
	return bigIntV(z)
}

func (n *cmpNode) eval(e *env) value {
	l := n.l.eval(e)
	if !l.defined() {
		return undefined
	}
	r := n.r.eval(e)
	if !r.defined() {
		return undefined
	}
	switch n.op {
	case "=":
		return boolV(equal(l, r))
	case "<>":
		return boolV(!equal(l, r))
	}
	c, ok := compareNumbers(l, r)
	if !ok {
		return undefined
	}
	switch n.op {
	case "<":
		return boolV(c < 0)
	case "<=":
		return boolV(c <= 0)
	case ">":
		return boolV(c > 0)
	}
	return boolV(c >= 0)
}

// compareNumbers orders two values converted to Decimal, the conversion
// "> >= < <=" apply (DG/iot-sql-operators).
func compareNumbers(l, r value) (int, bool) {
	if x, ok := l.small(); ok {
		if y, ok := r.small(); ok {
			switch {
			case x < y:
				return -1, true
			case x > y:
				return 1, true
			}
			return 0, true
		}
	}
	a, ok := toDecimal(l)
	if !ok {
		return 0, false
	}
	b, ok := toDecimal(r)
	if !ok {
		return 0, false
	}
	return decCmp(a, b), true
}

// IN is true when the left side equals an element of the right, an array
// or a parenthesized list (DG/iot-sql-operators, IN).
func (n *inNode) eval(e *env) value {
	x := n.x.eval(e)
	if !x.defined() {
		return undefined
	}
	if n.arr != nil {
		a := n.arr.eval(e)
		if a.k != kindArray {
			if n.list != nil && a.defined() {
				return boolV(equal(x, a)) // IN (v)
			}
			return undefined
		}
		for _, v := range a.arr() {
			if v.defined() && equal(x, v) {
				return trueV
			}
		}
		return falseV
	}
	for _, y := range n.list {
		if v := y.eval(e); v.defined() && equal(x, v) {
			return trueV
		}
	}
	return falseV
}

// CASE matches with "=" semantics; an Undefined subject, or no match and
// no ELSE, is Undefined (DG/iot-sql-case).
func (n *caseNode) eval(e *env) value {
	if n.subject != nil {
		s := n.subject.eval(e)
		if !s.defined() {
			return undefined
		}
		for _, w := range n.whens {
			if t := w.when.eval(e); t.defined() && equal(s, t) {
				return w.then.eval(e)
			}
		}
	} else {
		for _, w := range n.whens {
			if w.when.eval(e).isTrue() {
				return w.then.eval(e)
			}
		}
	}
	if n.els != nil {
		return n.els.eval(e)
	}
	return undefined
}

func (n *callNode) eval(e *env) value {
	base := len(e.stack)
	for _, a := range n.args {
		e.stack = append(e.stack, a.eval(e))
	}
	v := n.fn.call(e, n, e.stack[base:])
	clear(e.stack[base:])
	e.stack = e.stack[:base]
	return v
}

func (n *castNode) eval(e *env) value {
	return castValue(n.x.eval(e), n.to)
}

func (n *objectNode) eval(e *env) value {
	o := newObject(len(n.keys))
	for i, k := range n.keys {
		if v := n.vals[i].eval(e); v.defined() {
			o.set(k, v)
		}
	}
	return objV(o)
}

func (n *arrayNode) eval(e *env) value {
	a := make([]value, 0, len(n.elems))
	for _, x := range n.elems {
		if v := x.eval(e); v.defined() {
			a = append(a, v)
		}
	}
	return arrV(a)
}

// A nested object query runs over an array's elements, giving an array of
// results, or once over an object (DG/iot-sql-nested-queries).
func (n *queryNode) eval(e *env) value {
	src := n.q.from.eval(e)
	saved := e.doc
	defer func() { e.doc = saved }()
	switch src.k {
	case kindArray:
		elems := src.arr()
		out := make([]value, 0, len(elems))
		for _, el := range elems {
			e.doc = el
			if n.q.where != nil && !n.q.where.eval(e).isTrue() {
				continue
			}
			if v := n.q.project(e); v.defined() {
				out = append(out, v)
			}
		}
		return arrV(out)
	case kindObject:
		e.doc = src
		if n.q.where != nil && !n.q.where.eval(e).isTrue() {
			return undefined
		}
		return n.q.project(e)
	}
	return undefined
}

// project evaluates a nested query's SELECT list in the current context.
func (q *query) project(e *env) value {
	if q.value {
		return q.items[0].x.eval(e)
	}
	if len(q.items) == 1 && q.items[0].star {
		return e.doc
	}
	return q.object(e)
}

// object builds the object a SELECT list makes of the current context: a *
// copies the context's members (none when it is not an object), every
// other item is set under its alias unless it is Undefined.
func (q *query) object(e *env) value {
	o := newObject(len(q.items))
	for _, it := range q.items {
		if it.star {
			if e.doc.k == kindObject {
				src := e.doc.obj()
				for i, k := range src.keys {
					o.set(k, src.vals[i])
				}
			}
			continue
		}
		if v := it.x.eval(e); v.defined() {
			setPath(o, it.alias, v)
		}
	}
	return objV(o)
}

// setPath stores v under a dotted alias, making the intermediate objects.
// Objects met on the way are copied, never changed in place, since they
// may be shared with the payload or another item.
func setPath(o *object, path []string, v value) {
	for len(path) > 1 {
		var child *object
		if cur, ok := o.get(path[0]); ok && cur.k == kindObject {
			child = cur.obj().clone()
		} else {
			child = newObject(1)
		}
		o.set(path[0], objV(child))
		o, path = child, path[1:]
	}
	o.set(path[0], v)
}

// getElement is get(collection, key) (DG/iot-sql-functions, get) and the
// x[i] syntax: an Array or a String by an index converted to Int, an
// Object by a String key.
func getElement(c, k value) value {
	switch c.k {
	case kindArray:
		i, ok := convertToInt(k)
		a := c.arr()
		if !ok || i < 0 || i >= int64(len(a)) {
			return undefined
		}
		return a[i]
	case kindString:
		i, ok := convertToInt(k)
		if !ok || i < 0 || i >= int64(utf16Len(c.s)) {
			return undefined
		}
		return strV(utf16Slice(c.s, int(i), int(i)+1))
	case kindObject:
		if k.k != kindString {
			return undefined
		}
		v, _ := c.obj().get(k.s)
		return v
	}
	return undefined
}

// convertToInt is the "To Int" conversion (DG/iot-sql-data-types): a
// Decimal rounds to the nearest Int, a numeric String is truncated.
func convertToInt(v value) (int64, bool) {
	switch v.k {
	case kindInt, kindDecimal:
		return toInt(v, roundHalfUp)
	case kindString:
		return toInt(v, roundDown)
	}
	return 0, false
}
