package iotsql

import "testing"

func TestOperators(t *testing.T) {
	runExprCases(t, []exprCase{
		// iot-sql-operators, AND: Boolean operands or "true"/"false" strings.
		{x: "true AND true", want: "true"},
		{x: "true AND false", want: "false"},
		{x: "'TRUE' AND 'true'", want: "true"},
		{x: "'yes' AND true", want: "undefined"},
		{x: "1 AND true", want: "undefined"},
		// AND and OR: a deciding operand wins over an Undefined one (three-valued logic).
		{x: "false AND missing", want: "false"},
		{x: "true AND missing", want: "undefined"},
		{x: "true OR missing", want: "true"},
		{x: "false OR missing", want: "undefined"},
		// iot-sql-operators, OR.
		{x: "false OR 'True'", want: "true"},
		{x: "false OR false", want: "false"},
		// iot-sql-operators, NOT.
		{x: "NOT false", want: "true"},
		{x: "NOT 'FALSE'", want: "true"},
		{x: "NOT 5", want: "undefined"},
		{x: "NOT missing", want: "undefined"},
		// iot-sql-operators, > >= < <=: operands converted to Decimal.
		{x: "3 > 2", want: "true"},
		{x: "2.5 >= 2.50", want: "true"},
		{x: "'10' > 9", want: "true"},
		{x: "'1e2' < 101", want: "true"},
		{x: "'abc' < 1", want: "undefined"},
		{x: "true > 1", want: "undefined"},
		{x: "missing > 1", want: "undefined"},
		{x: "a < b", payload: `{"a":12345678901234567890123,"b":1.5E+22}`, want: "true"},
		{x: "a > b", payload: `{"a":123456789012345678901234567890,"b":1.5E+22}`, want: "true"},
		{x: "'+5' > 1", want: "undefined"}, // not in ^-?\d+(\.\d+)?((?i)E-?\d+)?$
		// iot-sql-operators, =: type-aware; Int is converted to Decimal.
		{x: "1 = 1.0", want: "true"},
		{x: "'1' = 1", want: "false"},
		{x: "'a' = 'a'", want: "true"},
		{x: "NULL = NULL", want: "true"},
		{x: "[1, 2] = [1, 2]", want: "true"},
		{x: "[1, 2] = [2, 1]", want: "false"},
		{x: "a = b", payload: `{"a":{"x":1,"y":[1]},"b":{"y":[1],"x":1.0}}`, want: "true"},
		{x: "a = b", payload: `{"a":{"x":1},"b":{"x":1,"y":2}}`, want: "false"},
		{x: "missing = 1", want: "undefined"},
		{x: "1 = missing", want: "undefined"},
		// iot-sql-operators, <>: mismatched types are not equal.
		{x: "'1' <> 1", want: "true"},
		{x: "NULL <> NULL", want: "false"},
		{x: "1 <> 2", want: "true"},
		{x: "missing <> 1", want: "undefined"},
		// iot-sql-operators, +: concatenates when either operand is a String.
		{x: "'a' + 1", want: `"a1"`},
		{x: "1.5 + 'b'", want: `"1.5b"`},
		{x: "'x' + true", want: `"xtrue"`},
		{x: "'x' + [1, 'y']", want: `"x[1,\"y\"]"`},
		{x: "'x' + missing", want: "undefined"},
		{x: "'x' + NULL", want: "undefined"},
		{x: "1 + 2", want: "3"},
		{x: "1 + 2.5", want: "3.5"},
		{x: "true + 1", want: "undefined"},
		{x: "9223372036854775807 + 1", want: "9223372036854775808"},
		// iot-sql-operators, - * / %: numbers or numeric strings; Int op Int is an Int.
		{x: "7 - 10", want: "-3"},
		{x: "'7' - 2", want: "5"},
		{x: "'x' - 2", want: "undefined"},
		{x: "6 * 7", want: "42"},
		{x: "1.5 * 2", version: v1, want: "3.0"},
		{x: "7 / 2", want: "3"},
		{x: "-7 / 2", want: "-3"},
		{x: "7.0 / 2", version: v1, want: "3.5"},
		{x: "1 / 0", want: "undefined"},
		{x: "1.0 / 0", want: "undefined"},
		{x: "1.0 / 3", want: "0.3333333333333333333333333333333333"},
		{x: "2.0 / 3", want: "0.6666666666666666666666666666666667"},
		{x: "7 % 3", want: "1"},
		{x: "-7 % 3", want: "-1"},
		{x: "7.5 % 2", want: "1.5"},
		{x: "'8' % 3", want: "2"},
		{x: "5 % 0", want: "undefined"},
		{x: "[1] * 2", want: "undefined"},
		// Unary minus.
		{x: "-a", payload: `{"a":5}`, want: "-5"},
		{x: "-a", payload: `{"a":"2.5"}`, want: "-2.5"},
		{x: "-a", payload: `{"a":true}`, want: "undefined"},
		{x: "- -3", want: "3"},
		// iot-sql-select: parentheses group; * binds tighter than +.
		{x: "(1 + 2) * 3", want: "9"},
		{x: "1 + 2 * 3", want: "7"},
		{x: "(temperature - 32) * 5 / 9", payload: `{"temperature":50}`, want: "10"},
		// IN: membership in an array or a parenthesized list.
		{x: "2 IN [1, 2, 3]", want: "true"},
		{x: "'b' IN arr", payload: `{"arr":["a","b"]}`, want: "true"},
		{x: "'z' IN arr", payload: `{"arr":["a","b"]}`, want: "false"},
		{x: "2 IN (1, 2)", want: "true"},
		{x: "2 IN (2)", want: "true"},
		{x: "2 IN 'abc'", want: "undefined"},
		{x: "missing IN [1]", want: "undefined"},
	})
}

func TestCase(t *testing.T) {
	runExprCases(t, []exprCase{
		// iot-sql-case: the first matching WHEN wins.
		{x: "CASE color WHEN 'green' THEN 'go' WHEN 'yellow' THEN 'caution' WHEN 'red' THEN 'stop' ELSE 'you are not at a stop light' END",
			payload: `{"color":"yellow"}`, want: `"caution"`},
		{x: "CASE color WHEN 'green' THEN 'go' ELSE 'other' END", payload: `{"color":"blue"}`, want: `"other"`},
		// iot-sql-case: no match and no ELSE is Undefined.
		{x: "CASE color WHEN 'green' THEN 'go' END", payload: `{"color":"blue"}`, want: "undefined"},
		// iot-sql-case: an Undefined subject is Undefined, even with ELSE.
		{x: "CASE missing WHEN 1 THEN 'a' ELSE 'b' END", want: "undefined"},
		// iot-sql-case: matching is equality, so 1 matches 1.0.
		{x: "CASE 1 WHEN 1.0 THEN 'one' END", want: `"one"`},
		// Searched form.
		{x: "CASE WHEN t > 30 THEN 'hot' WHEN t > 10 THEN 'mild' ELSE 'cold' END", payload: `{"t":20}`, want: `"mild"`},
		{x: "case when t > 30 then 'hot' end", payload: `{"t":20}`, want: "undefined"},
	})
}

func TestLiteralsAndPaths(t *testing.T) {
	runExprCases(t, []exprCase{
		// iot-sql-literals: object literals (2016-03-23).
		{x: "{'latitude': get(lat_long, 0), 'longitude': get(lat_long, 1)}", payload: `{"lat_long":[47.606,-122.332]}`,
			want: `{"latitude":47.606,"longitude":-122.332}`},
		// iot-sql-literals: array literals (2016-03-23).
		{x: "[lat, long]", payload: `{"lat":47.696,"long":-122.332}`, want: `[47.696,-122.332]`},
		{x: "[]", want: `[]`},
		{x: "{}", want: `{}`},
		// Undefined members of literals are dropped.
		{x: "{'a': missing, 'b': 1}", want: `{"b":1}`},
		// iot-sql-data-types: NULL is a value; a missing key is Undefined.
		{x: "NULL", want: "null"},
		{x: "foo", payload: `{"foo":null}`, want: "null"},
		{x: "bar", payload: `{"foo":null}`, want: "undefined"},
		// iot-sql-select: dot syntax drills into nested objects.
		{x: "color.red", payload: `{"color":{"red":255,"green":0}}`, want: "255"},
		{x: "a.b.c", payload: `{"a":{"b":{"c":[1,{"d":2}]}}}`, want: `[1,{"d":2}]`},
		{x: "a.b", payload: `{"a":[{"b":1}]}`, want: "undefined"},
		{x: "a.b", payload: `{"a":"str"}`, want: "undefined"},
		// iot-sql-json: get() reaches keys dot syntax cannot.
		{x: "get(get(get(mydata, 'item2'), 0), 'my-key')", payload: `{"mydata":{"item2":[{"my-key":"v"}]}}`, want: `"v"`},
		{x: "`my-key`", payload: `{"my-key":7}`, want: "7"},
		// Bracket indexing behaves like get().
		{x: "arr[1]", payload: `{"arr":[10,20,30]}`, want: "20"},
		{x: "arr[5]", payload: `{"arr":[10,20,30]}`, want: "undefined"},
		{x: "arr[1].x", payload: `{"arr":[{"x":1},{"x":2}]}`, want: "2"},
		// Strings in double quotes, as the reference's examples write them.
		{x: `"double"`, want: `"double"`},
		{x: `'it''s'`, want: `"it's"`},
		{x: `'a\nb'`, want: `"a\nb"`},
		// Numbers stay exact.
		{x: "n", payload: `{"n":123456789012345678901234567890}`, want: "123456789012345678901234567890"},
		{x: "n + 1", payload: `{"n":123456789012345678901234567890}`, want: "123456789012345678901234567891"},
		{x: "n", payload: `{"n":1000000}`, want: "1000000"},
		{x: "n", payload: `{"n":0.1}`, want: "0.1"},
		{x: "n * 3", payload: `{"n":0.1}`, want: "0.3"},
		{x: "n", payload: `{"n":1e5}`, version: v1, want: "1E+5"},
		{x: "n", payload: `{"n":1e5}`, want: "100000"},
		{x: "n", payload: `{"n":-0.0000001}`, version: v1, want: "-1E-7"},
	})
}

// iot-sql-functions, cast: "With SQL V2 (2016-03-23), numeric values that
// are whole numbers, such as 10.0, return an Int value (10)"; V1 keeps the
// Decimal.
func TestVersionWholeDecimals(t *testing.T) {
	runExprCases(t, []exprCase{
		{version: v1, x: "10.0", want: "10.0"},
		{version: v2, x: "10.0", want: "10"},
		{version: v1, x: "n", payload: `{"n":10.0}`, want: "10.0"},
		{version: v2, x: "n", payload: `{"n":10.0}`, want: "10"},
		{version: v2, x: "n", payload: `{"n":10.5}`, want: "10.5"},
		{version: v1, x: "cast(10 AS Double)", want: "10.0"},
		{version: v2, x: "cast(10.0 AS Decimal)", want: "10"},
		// Arithmetic is unaffected: only the output is written as an Int.
		{version: v2, x: "10.0 / 4", want: "2.5"},
	})
}
