package iotsql

import (
	"errors"
	"strings"
	"testing"
)

func TestParseValid(t *testing.T) {
	cases := []struct {
		version, sql, topic string
	}{
		// iot-sql-reference: keywords are case-insensitive; FROM takes a quoted filter.
		{v1, "SELECT * FROM 'a/b'", "a/b"},
		{v1, "select * from 'a/b' where x = 1", "a/b"},
		{v1, "SeLeCt VaLuE x FrOm '#'", "#"},
		{v1, "SELECT *, 15 AS speed FROM 'a/+/c'", "a/+/c"},
		{v1, "SELECT\n\tcolor\nFROM\n\t'$aws/things/+/shadow/update/accepted'", "$aws/things/+/shadow/update/accepted"},
		{v1, "SELECT a AS b, c.d, get(e, 0), `f-g` FROM 'x'", "x"},
		{v1, "SELECT CASE a WHEN 1 THEN 'x' ELSE 'y' END AS c FROM 'x'", "x"},
		{v1, "SELECT cast(a AS String) FROM 'x'", "x"},
		{v1, "SELECT * FROM 'x' WHERE a IN (1, 2) AND NOT b OR c <> d", "x"},
		{v1, "SELECT * FROM 'x' WHERE -a >= -1.5e3", "x"},
		{v1, `SELECT "double quoted" AS s FROM 'x'`, "x"},
		{v2, "SELECT {'a': [1, {'b': 2}]} AS o FROM 'x'", "x"},
		{v2, "SELECT (SELECT VALUE n FROM e WHERE v > 1) AS s FROM 'x'", "x"},
		{v2, "SET @a = 1, @b = @a + 1 SELECT @a, @b FROM 'x' WHERE @b > 0", "x"},
		{v2, "SELECT encode(*, 'base64') AS d FROM 'x'", "x"},
		// iot-sql-reference: FROM is optional for rules reached by Basic Ingest only.
		{v2, "SELECT *", ""},
		{v2, "SELECT * WHERE a > 1", ""},
		{VersionBeta, "SELECT isUndefined(a) FROM 'x'", "x"},
	}
	for _, c := range cases {
		st, err := Parse(c.sql, c.version)
		if err != nil {
			t.Errorf("Parse(%q, %s): %v", c.sql, c.version, err)
			continue
		}
		if st.Topic() != c.topic {
			t.Errorf("Parse(%q).Topic() = %q, want %q", c.sql, st.Topic(), c.topic)
		}
	}
}

func TestParseInvalid(t *testing.T) {
	cases := []struct {
		version, sql string
		line, col    int
		msg          string
	}{
		// Empty or garbage.
		{v1, "", 1, 1, "Expected SELECT"},
		{v1, "   ", 1, 4, "Expected SELECT"},
		{v1, "DELETE FROM 'a'", 1, 1, "Expected SELECT"},
		{v1, "SELECT", 1, 7, "Unexpected end of statement"},
		{v1, "SELECT * FROM", 1, 14, "topic filter in single quotes"},
		// iot-sql-from: the filter is in single quotes.
		{v1, "SELECT * FROM a/b", 1, 15, "topic filter in single quotes"},
		{v1, `SELECT * FROM "a/b"`, 1, 15, "topic filter in single quotes"},
		{v1, "SELECT * FROM 'a/#/b'", 1, 15, "Invalid topic filter"},
		{v1, "SELECT * FROM 'a+'", 1, 15, "Invalid topic filter"},
		{v1, "SELECT * FROM ''", 1, 15, "Invalid topic filter"},
		{v1, "SELECT * FROM 'a' garbage", 1, 19, "Unexpected 'garbage'"},
		{v1, "SELECT a b FROM 'x'", 1, 10, "Unexpected 'b'"},
		{v1, "SELECT a,, FROM 'x'", 1, 10, "Unexpected ','"},
		{v1, "SELECT a FROM 'x' WHERE", 1, 24, "Unexpected end of statement"},
		{v1, "SELECT a FROM 'x' WHERE a >", 1, 28, "Unexpected end of statement"},
		{v1, "SELECT (a FROM 'x'", 1, 11, "Expected ')'"},
		{v1, "SELECT 'abc FROM 'x'", 1, 20, "Unterminated string"},
		{v1, "SELECT a ! b FROM 'x'", 1, 10, "Unexpected character '!'"},
		{v1, "SELECT a FROM 'x'\nWHERE a = = 1", 2, 11, "Unexpected '='"},
		{v1, "SELECT 12abc FROM 'x'", 1, 10, "Malformed number"},
		{v1, "SELECT a., b FROM 'x'", 1, 10, "Expected a name after '.'"},
		{v1, "SELECT a AS FROM 'x'", 1, 18, "Unexpected"},
		{v1, "SELECT FROM FROM 'x'", 1, 8, "Unexpected keyword FROM"},
		{v1, "SELECT CASE WHEN a THEN b FROM 'x'", 1, 27, "Expected END"},
		{v1, "SELECT CASE a END FROM 'x'", 1, 15, "CASE needs at least one WHEN"},
		{v1, "SELECT VALUE a, b FROM 'x'", 1, 15, "single expression"},
		{v1, "SELECT VALUE a AS b FROM 'x'", 1, 16, "cannot be aliased"},
		{v1, "SELECT cast(a AS Float) FROM 'x'", 1, 18, "Unknown type"},
		{v1, "SELECT `` FROM 'x'", 1, 8, "Empty quoted identifier"},
		{v2, "SELECT @x FROM 'x'", 1, 8, "Variable @x is not set"},
		{v2, "SET @a = 1, @a = 2 SELECT @a FROM 'x'", 1, 13, "already set"},
		{v2, "SET a = 1 SELECT 1 FROM 'x'", 1, 5, "Expected a variable"},
		// An unknown function is a parse error.
		{v1, "SELECT nosuch(a) FROM 'x'", 1, 8, "Unknown function 'nosuch'"},
		// Wrong arity is a parse error.
		{v1, "SELECT upper() FROM 'x'", 1, 8, "Wrong number of arguments for function upper"},
		{v1, "SELECT topic(1, 2) FROM 'x'", 1, 8, "Wrong number of arguments"},
		{v1, "SELECT substring('a') FROM 'x'", 1, 8, "Wrong number of arguments"},
		// iot-rule-sql-version: functions and syntax that start with 2016-03-23.
		{v1, "SELECT encode(*, 'base64') FROM 'x'", 1, 8, "not supported by SQL version 2015-10-08"},
		{v1, "SELECT decode(a, 'base64') FROM 'x'", 1, 8, "not supported by SQL version"},
		{v1, "SELECT indexof(a, 'b') FROM 'x'", 1, 8, "not supported by SQL version"},
		{v1, "SELECT length(a) FROM 'x'", 1, 8, "not supported by SQL version"},
		{v1, "SELECT numbytes(a) FROM 'x'", 1, 8, "not supported by SQL version"},
		{v1, "SELECT isUndefined(a) FROM 'x'", 1, 8, "not supported by SQL version"},
		{v1, "SELECT parse_time('yyyy', 0) FROM 'x'", 1, 8, "not supported by SQL version"},
		{v1, "SELECT time_to_epoch('1', 'y') FROM 'x'", 1, 8, "not supported by SQL version"},
		{v1, "SELECT transform('enrichArray', a, b) FROM 'x'", 1, 8, "not supported by SQL version"},
		{v1, "SELECT get_dynamodb('t', 'k', 'v', 'arn') FROM 'x'", 1, 8, "not supported by SQL version"},
		{v1, "SELECT cast(a AS Decimal) FROM 'x'", 1, 18, "not supported by SQL version"},
		{v1, "SELECT cast(a AS Boolean) FROM 'x'", 1, 18, "not supported by SQL version"},
		{v1, "SELECT [1, 2] AS a FROM 'x'", 1, 8, "Array literals require SQL version 2016-03-23"},
		{v1, "SELECT {'a': 1} AS a FROM 'x'", 1, 8, "Object literals require"},
		{v1, "SELECT (SELECT VALUE n FROM e) AS a FROM 'x'", 1, 8, "Nested queries require"},
		// Literal arguments are checked.
		{v2, "SELECT encode(a, 'hex') FROM 'x'", 1, 8, "Unsupported encoding scheme"},
		{v2, "SELECT transform('other', a, b) FROM 'x'", 1, 8, "Unsupported transform mode"},
	}
	for _, c := range cases {
		_, err := Parse(c.sql, c.version)
		var pe *ParseError
		if !errors.As(err, &pe) {
			t.Errorf("Parse(%q) = %v, want a ParseError", c.sql, err)
			continue
		}
		if pe.Line != c.line || pe.Column != c.col || !strings.Contains(pe.Msg, c.msg) {
			t.Errorf("Parse(%q) = %q at %d:%d, want %q at %d:%d", c.sql, pe.Msg, pe.Line, pe.Column, c.msg, c.line, c.col)
		}
		if want := pe.Msg + " at "; !strings.HasPrefix(pe.Error(), want) {
			t.Errorf("Error() = %q", pe.Error())
		}
	}
}

func TestParseVersion(t *testing.T) {
	for _, v := range []string{"2016-03-24", "latest", "2015-10-8"} {
		if ValidVersion(v) {
			t.Errorf("ValidVersion(%q) = true", v)
		}
		if _, err := Parse("SELECT * FROM 'a'", v); err == nil {
			t.Errorf("Parse under %q succeeded", v)
		}
	}
	for _, v := range []string{Version20151008, Version20160323, VersionBeta} {
		if !ValidVersion(v) {
			t.Errorf("ValidVersion(%q) = false", v)
		}
	}
	if ValidVersion("") {
		t.Error(`ValidVersion("") = true; callers map "" themselves`)
	}
}

// External functions (iot-sql-functions: billed like actions) are refused
// so the control plane can tell the user instead of storing a rule that
// would silently do nothing.
func TestParseUnsupported(t *testing.T) {
	for _, sql := range []string{
		"SELECT get_dynamodb('t', 'k', id, 'arn:aws:iam::1:role/r').location AS l FROM 'x'",
		"SELECT aws_lambda('arn:aws:lambda:us-east-1:1:function:f', {'payload': a}) AS o FROM 'x'",
		"SELECT * FROM 'x' WHERE get_thing_shadow('t', 'arn').state.reported.alarm = 'ON'",
		"SELECT get_secret('k', 'SecretString', 'v', 'arn') AS s FROM 'x'",
		"SELECT get_registry_data('DescribeThing', 't', 'arn') AS r FROM 'x'",
		"SELECT machinelearning_predict('m', 'arn', *) AS p FROM 'x'",
		"SELECT VALUE decode(*, 'proto', 'bucket', 'key', 'file', 'Msg') FROM 'x'",
	} {
		_, err := Parse(sql, v2)
		var ue *UnsupportedError
		if !errors.As(err, &ue) {
			t.Errorf("Parse(%q) = %v, want an UnsupportedError", sql, err)
			continue
		}
		if !strings.Contains(err.Error(), "not supported") || ue.Function == "" {
			t.Errorf("Error() = %q", err)
		}
	}
	// A syntax error elsewhere wins over the unsupported function.
	_, err := Parse("SELECT get_secret('a', 'b', 'c', 'd') FROM", v2)
	var pe *ParseError
	if !errors.As(err, &pe) {
		t.Errorf("got %v, want a ParseError", err)
	}
}

func TestFunctionNames(t *testing.T) {
	names := map[string]bool{}
	for _, n := range FunctionNames() {
		names[n] = true
	}
	for _, want := range []string{"topic", "cast", "md2", "regexp_substr", "time_to_epoch", "get_user_properties", "isundefined"} {
		if !names[want] {
			t.Errorf("FunctionNames lacks %s", want)
		}
	}
}
