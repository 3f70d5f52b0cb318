package iotsql

import (
	"math"
	"math/big"
	"math/bits"
	"strconv"
	"strings"
)

// AWS IoT's Decimal: 34 significant digits, non-zero magnitudes from 1E-999
// to 9.999…E999 (DG/iot-sql-data-types).
const (
	decPrecision = 34
	decMaxAdj    = 999
	decMinAdj    = -999
	// zeroScaleLimit bounds the scale of a zero, whose magnitude never
	// leaves the range but whose scale would still size later alignments.
	zeroScaleLimit = 1100
)

// decimal is unscaled × 10^-scale, like Java's BigDecimal. The unscaled
// value lives in u unless it does not fit, then in b. A *big.Int held by a
// decimal is never mutated.
type decimal struct {
	u     int64
	b     *big.Int
	scale int32
}

var (
	pow10u64 = [...]uint64{
		1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10,
		1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19,
	}
	pow10f64 = [...]float64{
		1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
		1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
	}
	bigOne = big.NewInt(1)
	bigTen = big.NewInt(10)
)

// bigPow10s holds the powers of ten rounding and alignment use most.
var bigPow10s = func() (t [2 * (decPrecision + 2)]*big.Int) {
	p := big.NewInt(1)
	for i := range t {
		t[i] = new(big.Int).Set(p)
		p.Mul(p, bigTen)
	}
	return t
}()

// bigPow10 returns 10^n. The result may be shared: never modify it.
func bigPow10(n int) *big.Int {
	if n < len(bigPow10s) {
		return bigPow10s[n]
	}
	return new(big.Int).Exp(bigTen, big.NewInt(int64(n)), nil)
}

func absU64(x int64) uint64 {
	if x < 0 {
		return uint64(-(x + 1)) + 1
	}
	return uint64(x)
}

// digitsU64 counts the decimal digits of x (1 for 0).
func digitsU64(x uint64) int {
	t := (bits.Len64(x) * 1233) >> 12
	if t < len(pow10u64) && x >= pow10u64[t] {
		t++
	}
	if t == 0 {
		return 1
	}
	return t
}

// digitsBig counts the decimal digits of |b|.
func digitsBig(b *big.Int) int {
	bl := b.BitLen()
	if bl <= 63 {
		return digitsU64(absU64(b.Int64()))
	}
	// 2^(bl-1) <= |b| < 2^bl, so log10|b| lies in a window one digit wide.
	e := int(float64(bl-1) * math.Log10(2))
	abs := new(big.Int).Abs(b)
	if abs.Cmp(bigPow10(e+1)) >= 0 {
		return e + 2
	}
	return e + 1
}

// mkDec builds a decimal from a big unscaled value, keeping it in u when it
// fits.
func mkDec(b *big.Int, scale int32) decimal {
	if b.IsInt64() {
		return decimal{u: b.Int64(), scale: scale}
	}
	return decimal{b: b, scale: scale}
}

func (d decimal) unscaled() *big.Int {
	if d.b != nil {
		return d.b
	}
	return big.NewInt(d.u)
}

func (d decimal) sign() int {
	if d.b != nil {
		return d.b.Sign()
	}
	switch {
	case d.u < 0:
		return -1
	case d.u > 0:
		return 1
	}
	return 0
}

func (d decimal) digits() int {
	if d.b != nil {
		return digitsBig(d.b)
	}
	return digitsU64(absU64(d.u))
}

// finish rounds to 34 digits and checks AWS's range. A result outside it
// has no Decimal and evaluates to Undefined.
func (d decimal) finish() (decimal, bool) {
	if d.b != nil {
		d = roundBig(d.b, int64(d.scale), false, decPrecision)
	}
	if d.sign() == 0 {
		if d.scale > zeroScaleLimit {
			d.scale = zeroScaleLimit
		} else if d.scale < -zeroScaleLimit {
			d.scale = -zeroScaleLimit
		}
		return d, true
	}
	adj := d.digits() - 1 - int(d.scale)
	return d, adj >= decMinAdj && adj <= decMaxAdj
}

// roundBig rounds u × 10^-scale to prec digits, half to even. sticky says
// that non-zero digits were already dropped below u (an inexact quotient),
// which breaks a tie upwards.
func roundBig(u *big.Int, scale int64, sticky bool, prec int) decimal {
	n := digitsBig(u)
	if n <= prec {
		// Inexact callers always hand over more digits than prec, so a
		// sticky bit never reaches here with nothing to round.
		return mkDec(u, int32(scale))
	}
	drop := n - prec
	div := bigPow10(drop)
	q, r := new(big.Int).QuoRem(u, div, new(big.Int))
	r.Abs(r)
	r.Lsh(r, 1)
	c := r.Cmp(div)
	if c > 0 || (c == 0 && (sticky || q.Bit(0) == 1)) {
		if u.Sign() < 0 {
			q.Sub(q, bigOne)
		} else {
			q.Add(q, bigOne)
		}
	}
	scale -= int64(drop)
	if digitsBig(q) > prec {
		q.Quo(q, bigTen)
		scale--
	}
	return mkDec(q, int32(scale))
}

// align returns both unscaled values at the larger scale.
func align(a, b decimal) (x, y *big.Int, scale int32) {
	x, y = a.unscaled(), b.unscaled()
	switch {
	case a.scale < b.scale:
		x = new(big.Int).Mul(x, bigPow10(int(b.scale-a.scale)))
		return x, y, b.scale
	case b.scale < a.scale:
		y = new(big.Int).Mul(y, bigPow10(int(a.scale-b.scale)))
	}
	return x, y, a.scale
}

// alignSmall is align for the common case of two int64 unscaled values
// whose scales differ little; ok is false when that does not fit int64.
func alignSmall(a, b decimal) (x, y int64, scale int32, ok bool) {
	if a.b != nil || b.b != nil {
		return 0, 0, 0, false
	}
	x, y, scale = a.u, b.u, a.scale
	switch {
	case a.scale < b.scale:
		x, ok = mulPow10(a.u, int(b.scale-a.scale))
		return x, y, b.scale, ok
	case b.scale < a.scale:
		y, ok = mulPow10(b.u, int(a.scale-b.scale))
		return x, y, scale, ok
	}
	return x, y, scale, true
}

func mulPow10(x int64, n int) (int64, bool) {
	if n >= len(pow10u64)-1 {
		return 0, x == 0
	}
	return mul64(x, int64(pow10u64[n]))
}

func add64(a, b int64) (int64, bool) {
	s := a + b
	return s, (a >= 0) != (b >= 0) || (s >= 0) == (a >= 0)
}

func sub64(a, b int64) (int64, bool) {
	s := a - b
	return s, (a >= 0) == (b >= 0) || (s >= 0) == (a >= 0)
}

func mul64(a, b int64) (int64, bool) {
	hi, lo := bits.Mul64(absU64(a), absU64(b))
	neg := (a < 0) != (b < 0)
	if hi != 0 || lo > math.MaxInt64+1 || (lo == math.MaxInt64+1 && !neg) {
		return 0, false
	}
	if neg {
		return int64(-lo), true
	}
	return int64(lo), true
}

func decAdd(a, b decimal) (decimal, bool) {
	if x, y, scale, ok := alignSmall(a, b); ok {
		if s, ok := add64(x, y); ok {
			return decimal{u: s, scale: scale}.finish()
		}
	}
	x, y, scale := align(a, b)
	return mkDec(new(big.Int).Add(x, y), scale).finish()
}

func decSub(a, b decimal) (decimal, bool) {
	return decAdd(a, decNeg(b))
}

func decNeg(d decimal) decimal {
	if d.b != nil {
		return mkDec(new(big.Int).Neg(d.b), d.scale)
	}
	if d.u == math.MinInt64 {
		return decimal{b: new(big.Int).Neg(big.NewInt(d.u)), scale: d.scale}
	}
	return decimal{u: -d.u, scale: d.scale}
}

func decAbs(d decimal) decimal {
	if d.sign() < 0 {
		return decNeg(d)
	}
	return d
}

func decMul(a, b decimal) (decimal, bool) {
	scale := int64(a.scale) + int64(b.scale)
	if a.b == nil && b.b == nil {
		if p, ok := mul64(a.u, b.u); ok {
			return decimal{u: p, scale: int32(scale)}.finish()
		}
	}
	p := new(big.Int).Mul(a.unscaled(), b.unscaled())
	return mkDec(p, int32(scale)).finish()
}

// decQuo divides like BigDecimal.divide(b, MathContext.DECIMAL128): an
// exact quotient keeps the scale nearest a.scale-b.scale, an inexact one is
// rounded half to even to 34 digits.
func decQuo(a, b decimal) (decimal, bool) {
	if b.sign() == 0 {
		return decimal{}, false
	}
	preferred := int64(a.scale) - int64(b.scale)
	if a.sign() == 0 {
		return decimal{scale: int32(preferred)}.finish()
	}
	if q, ok := quoExactSmall(a, b, preferred); ok {
		return q.finish()
	}
	ua, ub := a.unscaled(), b.unscaled()
	// Enough extra digits that the integer quotient has at least 35.
	k := decPrecision + 1 + digitsBig(ub) - digitsBig(ua)
	if k < 0 {
		k = 0
	}
	num := new(big.Int).Mul(ua, bigPow10(k))
	q, r := new(big.Int).QuoRem(num, ub, new(big.Int))
	scale := preferred + int64(k)
	if r.Sign() != 0 {
		return roundBig(q, scale, true, decPrecision).finish()
	}
	// Exact: drop trailing zeros back towards the preferred scale.
	for scale > preferred {
		qq, rr := new(big.Int).QuoRem(q, bigTen, new(big.Int))
		if rr.Sign() != 0 {
			break
		}
		q = qq
		scale--
	}
	if scale < math.MinInt32 || scale > math.MaxInt32 {
		return decimal{}, false
	}
	return mkDec(q, int32(scale)).finish()
}

// quoExactSmall is decQuo for int64 operands whose quotient terminates
// within int64: the common case (202.5 / 9), without big arithmetic.
func quoExactSmall(a, b decimal, scale int64) (decimal, bool) {
	if a.b != nil || b.b != nil || (a.u == math.MinInt64 && b.u == -1) {
		return decimal{}, false
	}
	ua := a.u
	for range 19 {
		if ua%b.u == 0 {
			if scale < math.MinInt32 || scale > math.MaxInt32 {
				return decimal{}, false
			}
			return decimal{u: ua / b.u, scale: int32(scale)}, true
		}
		next, ok := mul64(ua, 10)
		if !ok {
			break
		}
		ua = next
		scale++
	}
	return decimal{}, false
}

// decRem is BigDecimal.remainder: a - trunc(a/b)×b, taking a's sign.
func decRem(a, b decimal) (decimal, bool) {
	if b.sign() == 0 {
		return decimal{}, false
	}
	if x, y, scale, ok := alignSmall(a, b); ok && !(x == math.MinInt64 && y == -1) {
		return decimal{u: x % y, scale: scale}.finish()
	}
	x, y, scale := align(a, b)
	return mkDec(new(big.Int).Rem(x, y), scale).finish()
}

func decCmp(a, b decimal) int {
	if x, y, _, ok := alignSmall(a, b); ok {
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	}
	sa, sb := a.sign(), b.sign()
	if sa != sb {
		if sa < sb {
			return -1
		}
		return 1
	}
	x, y, _ := align(a, b)
	return x.Cmp(y)
}

// roundMode says how toInteger drops a fraction.
type roundMode uint8

const (
	roundDown    roundMode = iota // towards zero
	roundFloor                    // towards -∞
	roundCeiling                  // towards +∞
	roundHalfUp                   // nearest, ties away from zero
)

// toInteger returns d without its fraction as a big or small integer.
func (d decimal) toInteger(mode roundMode) (small int64, b *big.Int) {
	if d.scale <= 0 {
		if d.b == nil {
			if p, ok := mulPow10(d.u, int(-d.scale)); ok {
				return p, nil
			}
		}
		p := new(big.Int).Mul(d.unscaled(), bigPow10(int(-d.scale)))
		if p.IsInt64() {
			return p.Int64(), nil
		}
		return 0, p
	}
	if d.b == nil && int(d.scale) < len(pow10u64)-1 {
		div := int64(pow10u64[d.scale])
		q, r := d.u/div, d.u%div
		switch mode {
		case roundFloor:
			if r < 0 {
				q--
			}
		case roundCeiling:
			if r > 0 {
				q++
			}
		case roundHalfUp:
			if absU64(r)*2 >= uint64(div) {
				if r < 0 {
					q--
				} else {
					q++
				}
			}
		}
		return q, nil
	}
	div := bigPow10(int(d.scale))
	q, r := new(big.Int).QuoRem(d.unscaled(), div, new(big.Int))
	switch mode {
	case roundFloor:
		if r.Sign() < 0 {
			q.Sub(q, bigOne)
		}
	case roundCeiling:
		if r.Sign() > 0 {
			q.Add(q, bigOne)
		}
	case roundHalfUp:
		r.Abs(r)
		r.Lsh(r, 1)
		if r.Cmp(div) >= 0 {
			if d.sign() < 0 {
				q.Sub(q, bigOne)
			} else {
				q.Add(q, bigOne)
			}
		}
	}
	if q.IsInt64() {
		return q.Int64(), nil
	}
	return 0, q
}

// isWhole reports whether d has no fractional part.
func (d decimal) isWhole() bool {
	if d.scale <= 0 {
		return true
	}
	if d.b == nil {
		if int(d.scale) >= len(pow10u64)-1 {
			return d.u == 0
		}
		return d.u%int64(pow10u64[d.scale]) == 0
	}
	r := new(big.Int).Rem(d.b, bigPow10(int(d.scale)))
	return r.Sign() == 0
}

// truncate cuts d to at most places fractional digits (RoundingMode.DOWN)
// and strips the fractional zeros that remain, as trunc() documents.
func (d decimal) truncate(places int) decimal {
	if int(d.scale) > places {
		drop := int(d.scale) - places
		var u *big.Int
		if d.b == nil && drop < len(pow10u64)-1 {
			d = decimal{u: d.u / int64(pow10u64[drop]), scale: int32(places)}
		} else {
			u = new(big.Int).Quo(d.unscaled(), bigPow10(drop))
			d = mkDec(u, int32(places))
		}
	}
	for d.scale > 0 {
		if d.b == nil {
			if d.u%10 != 0 {
				break
			}
			d.u /= 10
		} else {
			q, r := new(big.Int).QuoRem(d.b, bigTen, new(big.Int))
			if r.Sign() != 0 {
				break
			}
			d = mkDec(q, d.scale)
		}
		d.scale--
	}
	return d
}

// float64 rounds d to the nearest double; ok is false past its range.
func (d decimal) float64() (float64, bool) {
	if d.b == nil && absU64(d.u) < 1<<53 {
		switch {
		case d.scale >= 0 && int(d.scale) < len(pow10f64):
			return float64(d.u) / pow10f64[d.scale], true
		case d.scale < 0 && int(-d.scale) < len(pow10f64):
			return float64(d.u) * pow10f64[-d.scale], true
		}
	}
	f, err := strconv.ParseFloat(d.String(), 64)
	if err != nil || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

// decFromFloat turns a double into the Decimal Java's
// BigDecimal.valueOf(double) gives: the shortest digits that round-trip,
// with at least one fractional digit in plain notation (32.0, not 32).
func decFromFloat(f float64) (decimal, bool) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return decimal{}, false
	}
	if f == 0 {
		return decimal{scale: 1}, true
	}
	s := strconv.FormatFloat(f, 'e', -1, 64)
	neg := s[0] == '-'
	if neg {
		s = s[1:]
	}
	e := strings.IndexByte(s, 'e')
	exp, _ := strconv.Atoi(s[e+1:])
	digits := strings.Replace(s[:e], ".", "", 1)
	abs := math.Abs(f)
	if abs >= 1e-3 && abs < 1e7 {
		if pad := exp + 2 - len(digits); pad > 0 {
			digits += strings.Repeat("0", pad)
		}
	} else if len(digits) == 1 {
		digits += "0"
	}
	scale := len(digits) - 1 - exp
	u, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		return decimal{}, false
	}
	if neg {
		u = -u
	}
	return decimal{u: u, scale: int32(scale)}.finish()
}

// String renders d as Java's BigDecimal.toString does: plain notation
// unless the scale is negative or the number is below 1E-6.
func (d decimal) String() string {
	return string(d.appendText(nil))
}

func (d decimal) appendText(buf []byte) []byte {
	var coeff string
	neg := false
	if d.b == nil {
		neg = d.u < 0
		if d.scale == 0 {
			return strconv.AppendInt(buf, d.u, 10)
		}
		coeff = strconv.FormatUint(absU64(d.u), 10)
	} else {
		neg = d.b.Sign() < 0
		coeff = new(big.Int).Abs(d.b).String()
	}
	if neg {
		buf = append(buf, '-')
	}
	scale := int(d.scale)
	adjusted := len(coeff) - 1 - scale
	switch {
	case scale == 0:
		return append(buf, coeff...)
	case scale > 0 && adjusted >= -6:
		if len(coeff) > scale {
			buf = append(buf, coeff[:len(coeff)-scale]...)
			buf = append(buf, '.')
			return append(buf, coeff[len(coeff)-scale:]...)
		}
		buf = append(buf, '0', '.')
		for i := len(coeff); i < scale; i++ {
			buf = append(buf, '0')
		}
		return append(buf, coeff...)
	}
	buf = append(buf, coeff[0])
	if len(coeff) > 1 {
		buf = append(buf, '.')
		buf = append(buf, coeff[1:]...)
	}
	buf = append(buf, 'E')
	if adjusted >= 0 {
		buf = append(buf, '+')
	}
	return strconv.AppendInt(buf, int64(adjusted), 10)
}

// parseDecimal converts number text already checked against
// -?digits[.digits][(e|E)[+|-]digits].
func parseDecimal(s string) (decimal, bool) {
	neg := false
	if s != "" && s[0] == '-' {
		neg = true
		s = s[1:]
	}
	mant, exp := s, int64(0)
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		es := s[i+1:]
		eneg := false
		switch {
		case es != "" && es[0] == '-':
			eneg = true
			es = es[1:]
		case es != "" && es[0] == '+':
			es = es[1:]
		}
		es = strings.TrimLeft(es, "0")
		if len(es) > 9 {
			es = "999999999"
		}
		if es != "" {
			exp, _ = strconv.ParseInt(es, 10, 64)
		}
		if eneg {
			exp = -exp
		}
	}
	intPart, frac := mant, ""
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		intPart, frac = mant[:i], mant[i+1:]
	}
	digits := strings.TrimLeft(intPart+frac, "0")
	scale := int64(len(frac)) - exp
	if digits == "" {
		if scale > zeroScaleLimit {
			scale = zeroScaleLimit
		} else if scale < -zeroScaleLimit {
			scale = -zeroScaleLimit
		}
		return decimal{scale: int32(scale)}, true
	}
	if adj := int64(len(digits)) - 1 - scale; adj < decMinAdj || adj > decMaxAdj {
		return decimal{}, false
	}
	var d decimal
	if len(digits) <= 18 {
		u, _ := strconv.ParseInt(digits, 10, 64)
		if neg {
			u = -u
		}
		d = decimal{u: u, scale: int32(scale)}
	} else {
		if len(digits) > decPrecision+1 {
			// Only the leading digits matter once rounded; the rest is a
			// sticky bit. This keeps a 100k-digit mantissa cheap.
			sticky := strings.TrimRight(digits[decPrecision+1:], "0") != ""
			drop := len(digits) - (decPrecision + 1)
			b, _ := new(big.Int).SetString(digits[:decPrecision+1], 10)
			if neg {
				b.Neg(b)
			}
			return roundBig(b, scale-int64(drop), sticky, decPrecision).finish()
		}
		b, _ := new(big.Int).SetString(digits, 10)
		if neg {
			b.Neg(b)
		}
		d = mkDec(b, int32(scale))
	}
	return d.finish()
}

// isNumericText is AWS's test for strings that convert to Decimal:
// ^-?\d+(\.\d+)?((?i)E-?\d+)?$ (DG/iot-sql-data-types).
func isNumericText(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	i, ok := digitRun(s, i)
	if !ok {
		return false
	}
	if i < len(s) && s[i] == '.' {
		if i, ok = digitRun(s, i+1); !ok {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && s[i] == '-' {
			i++
		}
		if i, ok = digitRun(s, i); !ok {
			return false
		}
	}
	return i == len(s)
}

func digitRun(s string, i int) (int, bool) {
	start := i
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	return i, i > start
}
