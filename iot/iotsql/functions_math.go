package iotsql

import (
	"math"
	"math/big"
)

// Math functions (DG/iot-sql-functions). Numeric strings convert to
// Decimal; anything else is Undefined. The trigonometric and logarithmic
// family works in double precision, as AWS documents, and a result with no
// real value (acos(2), ln(0)) is Undefined.
var mathFunctions = []function{
	{name: "abs", minArgs: 1, maxArgs: 1, since: level1, call: fnAbs},
	{name: "ceil", minArgs: 1, maxArgs: 1, since: level1, call: integerFn(roundCeiling)},
	{name: "floor", minArgs: 1, maxArgs: 1, since: level1, call: integerFn(roundFloor)},
	{name: "round", minArgs: 1, maxArgs: 1, since: level1, call: integerFn(roundHalfUp)},
	{name: "trunc", minArgs: 2, maxArgs: 2, since: level1, call: fnTrunc},
	{name: "sign", minArgs: 1, maxArgs: 1, since: level1, call: fnSign},
	{name: "mod", minArgs: 2, maxArgs: 2, since: level1, call: fnMod},
	{name: "remainder", minArgs: 2, maxArgs: 2, since: level1, call: fnMod},
	{name: "power", minArgs: 2, maxArgs: 2, since: level1, call: doubleFn2(math.Pow)},
	{name: "atan2", minArgs: 2, maxArgs: 2, since: level1, call: doubleFn2(math.Atan2)},
	{name: "sqrt", minArgs: 1, maxArgs: 1, since: level1, call: doubleFn(math.Sqrt)},
	{name: "exp", minArgs: 1, maxArgs: 1, since: level1, call: doubleFn(math.Exp)},
	{name: "ln", minArgs: 1, maxArgs: 1, since: level1, call: doubleFn(math.Log)},
	{name: "log", minArgs: 1, maxArgs: 1, since: level1, call: doubleFn(math.Log10)},
	{name: "sin", minArgs: 1, maxArgs: 1, since: level1, call: doubleFn(math.Sin)},
	{name: "cos", minArgs: 1, maxArgs: 1, since: level1, call: doubleFn(math.Cos)},
	{name: "tan", minArgs: 1, maxArgs: 1, since: level1, call: doubleFn(math.Tan)},
	{name: "asin", minArgs: 1, maxArgs: 1, since: level1, call: doubleFn(math.Asin)},
	{name: "acos", minArgs: 1, maxArgs: 1, since: level1, call: doubleFn(math.Acos)},
	{name: "atan", minArgs: 1, maxArgs: 1, since: level1, call: doubleFn(math.Atan)},
	{name: "sinh", minArgs: 1, maxArgs: 1, since: level1, call: doubleFn(math.Sinh)},
	{name: "cosh", minArgs: 1, maxArgs: 1, since: level1, call: doubleFn(math.Cosh)},
	{name: "tanh", minArgs: 1, maxArgs: 1, since: level1, call: doubleFn(math.Tanh)},
	{name: "nanvl", minArgs: 2, maxArgs: 2, since: level1, call: fnNanvl},
	{name: "bitand", minArgs: 2, maxArgs: 2, since: level1, call: bitFn(func(a, b int64) int64 { return a & b })},
	{name: "bitor", minArgs: 2, maxArgs: 2, since: level1, call: bitFn(func(a, b int64) int64 { return a | b })},
	{name: "bitxor", minArgs: 2, maxArgs: 2, since: level1, call: bitFn(func(a, b int64) int64 { return a ^ b })},
	{name: "bitnot", minArgs: 1, maxArgs: 1, since: level1, call: fnBitNot},
}

// fnAbs keeps an Int an Int; a numeric string becomes a Decimal.
func fnAbs(e *env, _ *callNode, args []value) value {
	v := args[0]
	switch v.k {
	case kindInt:
		if i, ok := v.small(); ok && i != math.MinInt64 {
			return intV(max(i, -i))
		}
		return bigIntV(new(big.Int).Abs(v.bigInt()))
	case kindDecimal:
		return decV(decAbs(v.dec()))
	case kindString:
		if d, ok := toDecimal(v); ok {
			return numV(decAbs(d), true)
		}
	}
	return undefined
}

// integerFn is ceil, floor or round: an Int from a number or numeric
// string. round takes ties away from zero (round(-1.5) is -2).
func integerFn(mode roundMode) func(*env, *callNode, []value) value {
	return func(_ *env, _ *callNode, args []value) value {
		if args[0].k == kindInt {
			return args[0]
		}
		d, ok := toDecimal(args[0])
		if !ok {
			return undefined
		}
		return integerV(d.toInteger(mode))
	}
}

func integerV(small int64, b *big.Int) value {
	if b != nil {
		return bigIntV(b)
	}
	return intV(small)
}

// fnTrunc cuts to n decimal places, n rounded down and held to 0…34, and
// strips trailing zeros (trunc(2.00, 5) is 2).
func fnTrunc(e *env, _ *callNode, args []value) value {
	if args[0].k == kindInt && args[1].isNumber() {
		return args[0]
	}
	d, ok := toDecimal(args[0])
	if !ok || !args[1].isNumber() {
		return undefined
	}
	n, _ := toIntClamped(args[1], roundFloor, 0, decPrecision)
	return numV(d.truncate(int(n)), true)
}

func fnSign(_ *env, _ *callNode, args []value) value {
	d, ok := toDecimal(args[0])
	if !ok {
		return undefined
	}
	return intV(int64(d.sign()))
}

// fnMod is mod and remainder, the "%" operator as a function: the result
// takes the dividend's sign.
func fnMod(e *env, _ *callNode, args []value) value {
	a, b := args[0], args[1]
	if !(a.isNumber() || a.k == kindString) || !(b.isNumber() || b.k == kindString) {
		return undefined
	}
	return arith('%', a, b)
}

func doubleArg(v value) (float64, bool) {
	d, ok := toDecimal(v)
	if !ok {
		return 0, false
	}
	return d.float64()
}

func doubleFn(f func(float64) float64) func(*env, *callNode, []value) value {
	return func(e *env, _ *callNode, args []value) value {
		x, ok := doubleArg(args[0])
		if !ok {
			return undefined
		}
		return floatV(f(x))
	}
}

func doubleFn2(f func(x, y float64) float64) func(*env, *callNode, []value) value {
	return func(e *env, _ *callNode, args []value) value {
		x, ok := doubleArg(args[0])
		if !ok {
			return undefined
		}
		y, ok := doubleArg(args[1])
		if !ok {
			return undefined
		}
		return floatV(f(x, y))
	}
}

// fnNanvl is its first argument unless that is Undefined or Null (a
// Decimal is never NaN here).
func fnNanvl(_ *env, _ *callNode, args []value) value {
	if args[0].k == kindUndefined || args[0].k == kindNull {
		return args[1]
	}
	return args[0]
}

// bitFn converts both arguments to Int, rounding down, and works on their
// two's-complement bits.
func bitFn(f func(a, b int64) int64) func(*env, *callNode, []value) value {
	return func(_ *env, _ *callNode, args []value) value {
		a, ok := toInt(args[0], roundFloor)
		if !ok {
			return undefined
		}
		b, ok := toInt(args[1], roundFloor)
		if !ok {
			return undefined
		}
		return intV(f(a, b))
	}
}

// fnBitNot is the two's-complement NOT, so bitnot(13) is -14. The
// reference's example says 2, which no integer NOT gives for 13; Java's
// ~13, what AWS's engine computes, is -14.
func fnBitNot(_ *env, _ *callNode, args []value) value {
	a, ok := toInt(args[0], roundFloor)
	if !ok {
		return undefined
	}
	return intV(^a)
}
