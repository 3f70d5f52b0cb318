package iotsql

import (
	"math"
	"math/big"
	"strconv"
	"strings"
)

// kind is one of AWS IoT SQL's data types (DG/iot-sql-data-types).
type kind uint8

const (
	kindUndefined kind = iota
	kindNull
	kindBool
	kindInt
	kindDecimal
	kindString
	kindArray
	kindObject
)

// value is one SQL value. The zero value is Undefined. It is passed by
// value and never mutated once built, so subtrees can be shared.
type value struct {
	k     kind
	scale int32  // Decimal
	n     uint64 // Bool (0/1); Int and Decimal's unscaled value as int64 bits
	s     string // String
	ref   any    // *big.Int (Int, Decimal unscaled), []value (Array), *object (Object)
}

var (
	undefined = value{}
	null      = value{k: kindNull}
	trueV     = value{k: kindBool, n: 1}
	falseV    = value{k: kindBool}
)

func boolV(b bool) value {
	if b {
		return trueV
	}
	return falseV
}

func intV(i int64) value { return value{k: kindInt, n: uint64(i)} }

func bigIntV(b *big.Int) value {
	if b.IsInt64() {
		return intV(b.Int64())
	}
	return value{k: kindInt, ref: b}
}

func strV(s string) value      { return value{k: kindString, s: s} }
func arrV(a []value) value     { return value{k: kindArray, ref: a} }
func objV(o *object) value     { return value{k: kindObject, ref: o} }
func (v value) defined() bool  { return v.k != kindUndefined }
func (v value) isNumber() bool { return v.k == kindInt || v.k == kindDecimal }

// decV wraps a Decimal.
func decV(d decimal) value {
	v := value{k: kindDecimal, scale: d.scale, n: uint64(d.u)}
	if d.b != nil {
		v.ref = d.b
	}
	return v
}

// numV is a Decimal result, Undefined when it had none (a division by
// zero, a result past AWS's range).
func numV(d decimal, ok bool) value {
	if !ok {
		return undefined
	}
	return decV(d)
}

// dec returns an Int or Decimal as a decimal.
func (v value) dec() decimal {
	b, _ := v.ref.(*big.Int)
	if v.k == kindInt {
		if b != nil {
			return decimal{b: b}
		}
		return decimal{u: int64(v.n)}
	}
	return decimal{u: int64(v.n), b: b, scale: v.scale}
}

// small returns an Int that fits int64.
func (v value) small() (int64, bool) {
	if v.k != kindInt || v.ref != nil {
		return 0, false
	}
	return int64(v.n), true
}

func (v value) bigInt() *big.Int {
	if b, ok := v.ref.(*big.Int); ok {
		return b
	}
	return big.NewInt(int64(v.n))
}

func (v value) bool() bool   { return v.n != 0 }
func (v value) arr() []value { a, _ := v.ref.([]value); return a }
func (v value) obj() *object { o, _ := v.ref.(*object); return o }
func (v value) isTrue() bool { b, ok := toBool(v); return ok && b }

// object is a JSON object that keeps its keys in order, so what a rule
// passes through reads like what the device sent.
type object struct {
	keys []string
	vals []value
	idx  map[string]int // built once an object outgrows a linear scan
}

const objectIndexAt = 16

func newObject(n int) *object {
	return &object{keys: make([]string, 0, n), vals: make([]value, 0, n)}
}

func (o *object) len() int { return len(o.keys) }

func (o *object) find(k string) int {
	if o.idx != nil {
		if i, ok := o.idx[k]; ok {
			return i
		}
		return -1
	}
	for i, key := range o.keys {
		if key == k {
			return i
		}
	}
	return -1
}

func (o *object) get(k string) (value, bool) {
	if i := o.find(k); i >= 0 {
		return o.vals[i], true
	}
	return undefined, false
}

// set replaces k's value or appends k; a later duplicate wins, as in
// encoding/json.
func (o *object) set(k string, v value) {
	if i := o.find(k); i >= 0 {
		o.vals[i] = v
		return
	}
	o.keys = append(o.keys, k)
	o.vals = append(o.vals, v)
	if o.idx != nil {
		o.idx[k] = len(o.keys) - 1
	} else if len(o.keys) > objectIndexAt {
		o.idx = make(map[string]int, len(o.keys)*2)
		for i, key := range o.keys {
			o.idx[key] = i
		}
	}
}

func (o *object) clone() *object {
	c := newObject(len(o.keys) + 1)
	c.keys = append(c.keys, o.keys...)
	c.vals = append(c.vals, o.vals...)
	if o.idx != nil {
		c.idx = make(map[string]int, len(o.idx))
		for k, i := range o.idx {
			c.idx[k] = i
		}
	}
	return c
}

// Standard conversions (DG/iot-sql-data-types, "Conversions").

// toDecimal converts Int, Decimal and numeric strings.
func toDecimal(v value) (decimal, bool) {
	switch v.k {
	case kindInt, kindDecimal:
		return v.dec(), true
	case kindString:
		if isNumericText(v.s) {
			return parseDecimal(v.s)
		}
	}
	return decimal{}, false
}

// toBool converts Booleans and the strings "true" and "false" in any case.
func toBool(v value) (bool, bool) {
	switch v.k {
	case kindBool:
		return v.bool(), true
	case kindString:
		switch {
		case strings.EqualFold(v.s, "true"):
			return true, true
		case strings.EqualFold(v.s, "false"):
			return false, true
		}
	}
	return false, false
}

// toString renders numbers in standard notation, Booleans in lower case
// and arrays and objects as JSON. Null and Undefined do not convert.
func toString(v value) (string, bool) {
	switch v.k {
	case kindString:
		return v.s, true
	case kindBool:
		if v.bool() {
			return "true", true
		}
		return "false", true
	case kindInt:
		if v.ref != nil {
			return v.bigInt().String(), true
		}
		return strconv.FormatInt(int64(v.n), 10), true
	case kindDecimal:
		return v.dec().String(), true
	case kindArray, kindObject:
		return string(appendJSON(nil, v)), true
	}
	return "", false
}

// toInt converts to an Int for functions that take one: numbers and
// numeric strings are rounded by mode; ok is false for anything else or a
// value past int64.
func toInt(v value, mode roundMode) (int64, bool) {
	if i, ok := v.small(); ok {
		return i, true
	}
	d, ok := toDecimal(v)
	if !ok {
		return 0, false
	}
	i, b := d.toInteger(mode)
	return i, b == nil
}

// toIntClamped is toInt for indexes and widths: a number past int64 is
// clamped to [lo, hi] rather than refused.
func toIntClamped(v value, mode roundMode, lo, hi int64) (int64, bool) {
	d, ok := toDecimal(v)
	if !ok {
		return 0, false
	}
	i, b := d.toInteger(mode)
	if b != nil {
		if b.Sign() < 0 {
			return lo, true
		}
		return hi, true
	}
	return min(max(i, lo), hi), true
}

// equal is deep equality between two defined values: numbers compare by
// value whatever their type, objects ignore key order, arrays do not
// (DG/iot-sql-operators, "=").
func equal(a, b value) bool {
	if a.isNumber() && b.isNumber() {
		if x, ok := a.small(); ok {
			if y, ok := b.small(); ok {
				return x == y
			}
		}
		return decCmp(a.dec(), b.dec()) == 0
	}
	if a.k != b.k {
		return false
	}
	switch a.k {
	case kindNull:
		return true
	case kindBool:
		return a.n == b.n
	case kindString:
		return a.s == b.s
	case kindArray:
		x, y := a.arr(), b.arr()
		if len(x) != len(y) {
			return false
		}
		for i := range x {
			if !equal(x[i], y[i]) {
				return false
			}
		}
		return true
	case kindObject:
		x, y := a.obj(), b.obj()
		if x.len() != y.len() {
			return false
		}
		for i, k := range x.keys {
			w, ok := y.get(k)
			if !ok || !equal(x.vals[i], w) {
				return false
			}
		}
		return true
	}
	return false
}

// floatV is a "Decimal with double precision" function result.
func floatV(f float64) value {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return undefined
	}
	return numV(decFromFloat(f))
}
