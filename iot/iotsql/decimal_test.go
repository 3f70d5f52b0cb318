package iotsql

import (
	"math"
	"strings"
	"testing"
)

// The Decimal model follows Java's BigDecimal under DECIMAL128
// (iot-sql-data-types: 34 digits, 1E-999 to 9.999…E999).
func TestDecimalText(t *testing.T) {
	cases := []struct{ in, want string }{
		{"0", "0"},
		{"0.0", "0.0"},
		{"10.0", "10.0"},
		{"-1.25", "-1.25"},
		{"0.000001", "0.000001"},
		{"0.0000001", "1E-7"},
		{"1e5", "1E+5"},
		{"1.5e3", "1.5E+3"},
		{"123.45e1", "1234.5"},
		{"1E-999", "1E-999"},
		{"9.999E999", "9.999E+999"},
		{"1.00000000000000000000000000000000005", "1.000000000000000000000000000000000"},
		{"1.00000000000000000000000000000000015", "1.000000000000000000000000000000000"},
		{"1.000000000000000000000000000000000150001", "1.000000000000000000000000000000000"},
		{"12345678901234567890123456789012345678", "1.234567890123456789012345678901235E+37"},
	}
	for _, c := range cases {
		d, ok := parseDecimal(c.in)
		if !ok {
			t.Errorf("parseDecimal(%q) failed", c.in)
			continue
		}
		if got := d.String(); got != c.want {
			t.Errorf("parseDecimal(%q) = %s, want %s", c.in, got, c.want)
		}
	}
	for _, bad := range []string{"1E1000", "1E-1000", "1e999999999999999999"} {
		if _, ok := parseDecimal(bad); ok {
			t.Errorf("parseDecimal(%q) accepted a value out of range", bad)
		}
	}
	if d, ok := parseDecimal("0e999999999999"); !ok || d.sign() != 0 {
		t.Error("a zero with a huge exponent is still zero")
	}
}

func TestDecimalArithmetic(t *testing.T) {
	dec := func(s string) decimal {
		d, ok := parseDecimal(s)
		if !ok {
			t.Fatalf("parseDecimal(%q)", s)
		}
		return d
	}
	cases := []struct {
		op   string
		a, b string
		want string
	}{
		{"+", "0.1", "0.2", "0.3"},
		{"+", "9223372036854775807", "1", "9223372036854775808"},
		{"+", "1E+30", "1E-30", "1000000000000000000000000000000.000"}, // rounded to 34 digits; positive scale prints plain
		{"-", "1.10", "0.1", "1.00"},
		{"*", "2.5", "2", "5.0"},
		{"*", "9999999999", "9999999999", "99999999980000000001"},
		{"/", "1", "3", "0.3333333333333333333333333333333333"},
		{"/", "1", "8", "0.125"},
		{"/", "6.0", "2", "3.0"},
		{"/", "1.0", "4", "0.25"},
		{"/", "-2", "3", "-0.6666666666666666666666666666666667"},
		{"/", "1E+10", "1E-5", "1E+15"},
		{"%", "7.5", "2", "1.5"},
		{"%", "-7.5", "2", "-1.5"},
		{"%", "1E+20", "3", "1"},
	}
	for _, c := range cases {
		var got decimal
		var ok bool
		switch c.op {
		case "+":
			got, ok = decAdd(dec(c.a), dec(c.b))
		case "-":
			got, ok = decSub(dec(c.a), dec(c.b))
		case "*":
			got, ok = decMul(dec(c.a), dec(c.b))
		case "/":
			got, ok = decQuo(dec(c.a), dec(c.b))
		case "%":
			got, ok = decRem(dec(c.a), dec(c.b))
		}
		if !ok || got.String() != c.want {
			t.Errorf("%s %s %s = %s (%v), want %s", c.a, c.op, c.b, got, ok, c.want)
		}
	}
	if _, ok := decMul(dec("1E+999"), dec("10")); ok {
		t.Error("overflow past 9.999E999 must fail")
	}
	if _, ok := decQuo(dec("1"), dec("0")); ok {
		t.Error("division by zero must fail")
	}
	if decCmp(dec("1.0"), dec("1")) != 0 || decCmp(dec("-1E+40"), dec("1")) != -1 || decCmp(dec("0.30"), dec("0.3")) != 0 {
		t.Error("decCmp")
	}
}

func TestDecimalFromFloat(t *testing.T) {
	cases := []struct {
		f    float64
		want string
	}{
		{0, "0.0"},
		{32, "32.0"},
		{1.5707963267948966, "1.5707963267948966"},
		{1e7, "1.0E+7"},
		{1234567, "1234567.0"},
		{0.001, "0.001"},
		{0.0001, "0.00010"},
		{-2.5e-10, "-2.5E-10"},
		{1e21, "1.0E+21"},
	}
	for _, c := range cases {
		d, ok := decFromFloat(c.f)
		if !ok || d.String() != c.want {
			t.Errorf("decFromFloat(%v) = %s, want %s", c.f, d, c.want)
		}
		if f, ok := d.float64(); !ok || f != c.f {
			t.Errorf("round trip of %v = %v", c.f, f)
		}
	}
	for _, f := range []float64{math.NaN(), math.Inf(1), math.Inf(-1)} {
		if _, ok := decFromFloat(f); ok {
			t.Errorf("decFromFloat(%v) succeeded", f)
		}
	}
}

func TestDecimalToInteger(t *testing.T) {
	cases := []struct {
		in                        string
		down, floor, ceil, halfUp string
	}{
		{"2.5", "2", "2", "3", "3"},
		{"-2.5", "-2", "-3", "-2", "-3"},
		{"-2.4", "-2", "-3", "-2", "-2"},
		{"7", "7", "7", "7", "7"},
		{"1E+3", "1000", "1000", "1000", "1000"},
		{"12345678901234567890.5", "12345678901234567890", "12345678901234567890", "12345678901234567891", "12345678901234567891"},
	}
	for _, c := range cases {
		d, _ := parseDecimal(c.in)
		for mode, want := range map[roundMode]string{roundDown: c.down, roundFloor: c.floor, roundCeiling: c.ceil, roundHalfUp: c.halfUp} {
			v := integerV(d.toInteger(mode))
			if got, _ := toString(v); got != want {
				t.Errorf("toInteger(%s, %d) = %s, want %s", c.in, mode, got, want)
			}
		}
	}
}

func TestIsNumericText(t *testing.T) {
	for _, s := range []string{"0", "-1.2", "5E-12", "5e12", "007", "-0.50"} {
		if !isNumericText(s) {
			t.Errorf("%q should convert to Decimal", s)
		}
	}
	for _, s := range []string{"", "-", "+1", "1.", ".5", "1e+5", "1e", "0x10", " 1", "1 ", "NaN", strings.Repeat("1", 3) + "a"} {
		if isNumericText(s) {
			t.Errorf("%q should not convert to Decimal", s)
		}
	}
}
