package iotsql

// castType is a type keyword of cast(x AS type) (DG/iot-sql-functions,
// cast).
type castType uint8

const (
	castString castType = iota + 1
	castInt
	castDouble
	castDecimal // 2016-03-23
	castBool    // 2016-03-23
)

var castTypes = map[string]castType{
	"string":   castString,
	"nvarchar": castString,
	"text":     castString,
	"ntext":    castString,
	"varchar":  castString,
	"int":      castInt,
	"integer":  castInt,
	"double":   castDouble,
	"decimal":  castDecimal,
	"bool":     castBool,
	"boolean":  castBool,
}

// castValue follows the standard conversions, plus numbers to and from
// Booleans; what it cannot convert is Undefined.
func castValue(v value, to castType) value {
	switch to {
	case castString:
		if s, ok := toString(v); ok {
			return strV(s)
		}
	case castInt:
		switch v.k {
		case kindInt:
			return v
		case kindBool:
			return intV(int64(v.n))
		case kindDecimal, kindString:
			if d, ok := toDecimal(v); ok {
				return integerV(d.toInteger(roundFloor))
			}
		}
	case castDouble:
		if v.k == kindBool {
			return floatV(float64(v.n))
		}
		if f, ok := doubleArg(v); ok {
			return floatV(f)
		}
	case castDecimal:
		if v.k == kindBool {
			return numV(decimal{u: int64(v.n) * 10, scale: 1}, true)
		}
		if d, ok := toDecimal(v); ok {
			return numV(d, true)
		}
	case castBool:
		switch v.k {
		case kindInt, kindDecimal:
			return boolV(v.dec().sign() != 0)
		case kindBool, kindString:
			if b, ok := toBool(v); ok {
				return boolV(b)
			}
		}
	}
	return undefined
}
