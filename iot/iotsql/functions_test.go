package iotsql

import (
	"regexp"
	"strings"
	"testing"
	"time"
)

// Examples from iot-sql-functions, one row per documented example unless
// the comment says otherwise.
func TestFunctions(t *testing.T) {
	runExprCases(t, []exprCase{
		// abs
		{x: "abs(-5)", want: "5"},
		{x: "abs(-5.25)", want: "5.25"},
		{x: "abs('-2')", want: "2"},
		{x: "abs(true)", want: "undefined"},
		// acos, asin, atan, atan2: double precision; no real result is Undefined.
		{x: "acos(0)", want: "1.5707963267948966"},
		{x: "asin(0)", version: v1, want: "0.0"},
		{x: "atan(0)", version: v1, want: "0.0"},
		{x: "atan2(1, 0)", want: "1.5707963267948966"},
		{x: "acos(2)", want: "undefined"},
		{x: "acos('x')", want: "undefined"},
		// bitand, bitor, bitxor, bitnot
		{x: "bitand(13, 5)", want: "5"},
		{x: "bitor(8, 5)", want: "13"},
		{x: "bitxor(13, 5)", want: "8"},
		{x: "bitand(13.7, '5')", want: "5"},
		{x: "bitnot(13)", want: "-14"}, // two's complement; the page's "2" fits no integer NOT
		{x: "bitand(true, 1)", want: "undefined"},
		// ceil, floor
		{x: "ceil(1.2)", want: "2"},
		{x: "ceil(-1.2)", want: "-1"},
		{x: "floor(1.2)", want: "1"},
		{x: "floor(-1.2)", want: "-2"},
		{x: "floor('3.9')", want: "3"},
		{x: "floor([1,2,3])", want: "undefined"},
		// chr
		{x: "chr(65)", want: `"A"`},
		{x: "chr(49)", want: `"1"`},
		{x: "chr(65.9)", want: `"A"`},
		{x: "chr(300)", want: "undefined"},
		// concat
		{x: "concat()", want: "undefined"},
		{x: "concat('a')", want: `"a"`},
		{x: "concat([1, 2, 3], 4)", want: "[1,2,3,4]"},
		{x: "concat([1, 2, 3], 'hello')", want: `[1,2,3,"hello"]`},
		{x: "concat('con', 'cat')", want: `"concat"`},
		{x: "concat(1, 'hello')", want: `"1hello"`},
		{x: "concat('he', 'is', 'man')", want: `"heisman"`},
		{x: "concat([1, 2, 3], 'hello', [4, 5, 6])", want: `[1,2,3,"hello",4,5,6]`},
		{x: "concat(1, 2)", want: "undefined"},
		// cos, cosh, exp, ln, log, sin, sinh, tan, tanh, sqrt, power
		{x: "cos(0)", version: v1, want: "1.0"},
		{x: "cosh(2.3)", want: "5.037220649268761"},
		{x: "exp(1)", want: "2.718281828459045"},
		{x: "ln(exp(1))", version: v1, want: "1.0"},
		{x: "ln(0)", want: "undefined"},
		{x: "log(100)", version: v1, want: "2.0"},
		{x: "sin(0)", version: v1, want: "0.0"},
		{x: "sinh(2.3)", want: "4.936961805545957"},
		{x: "tan(3)", want: "-0.1425465430742778"},
		{x: "tanh(2.3)", want: "0.9800963962661914"},
		{x: "sqrt(9)", version: v1, want: "3.0"},
		{x: "sqrt(-1)", want: "undefined"},
		{x: "power(2, 5)", version: v1, want: "32.0"},
		{x: "power('2', 0.5)", want: "1.4142135623730951"},
		// endswith, startswith: conversions apply; Null or Undefined gives Undefined.
		{x: "endswith('cat', 'at')", want: "true"},
		{x: "endswith(123, 3)", want: "true"},
		{x: "endswith('cat', NULL)", want: "undefined"},
		{x: "startswith('ranger', 'ran')", want: "true"},
		{x: "startswith('ranger', missing)", want: "undefined"},
		// get
		{x: "get(['a', 'b', 'c'], 1)", want: `"b"`},
		{x: "get({'a': 'b'}, 'a')", want: `"b"`},
		{x: "get('abc', 1)", want: `"b"`}, // the page's "a" contradicts its own 0-based rule
		{x: "get(['a', 'b'], '1')", want: `"b"`},
		{x: "get(['a', 'b'], 5)", want: "undefined"},
		{x: "get(['a', 'b'], -1)", want: "undefined"},
		{x: "get({'1': 'x'}, 1)", want: "undefined"},
		{x: "get(5, 0)", want: "undefined"},
		// get_or_default
		{x: "get_or_default(missing, 'd')", want: `"d"`},
		{x: "get_or_default(NULL, 'd')", want: `"d"`},
		{x: "get_or_default(a, 'd')", payload: `{"a":0}`, want: "0"},
		// isNull, isUndefined
		{x: "isNull(5)", want: "false"},
		{x: "isNull(NULL)", want: "true"},
		{x: "isNull(missing)", want: "false"},
		{x: "isUndefined(5)", want: "false"},
		{x: "isUndefined(floor([1,2,3]))", want: "true"},
		// indexof, length, numbytes
		{x: "indexof('abcd', 'bc')", want: "1"},
		{x: "indexof('abcd', 'x')", want: "-1"},
		{x: "indexof('€€x', 'x')", want: "2"},
		{x: "length('hi')", want: "2"},
		{x: "length(false)", want: "5"},
		{x: "length('😀')", want: "2"}, // UTF-16 code units, as Java counts
		{x: "numbytes('hi')", want: "2"},
		{x: "numbytes('€')", want: "3"},
		// lower, upper
		{x: "lower('HELLO')", want: `"hello"`},
		{x: "lower(['HELLO'])", want: `"[\"hello\"]"`},
		{x: "upper('hello')", want: `"HELLO"`},
		{x: "upper(['hello'])", want: `"[\"HELLO\"]"`},
		{x: "upper(NULL)", want: "undefined"},
		// lpad, rpad: width held to 0…1000.
		{x: "lpad('hello', 2)", want: `"  hello"`},
		{x: "lpad(1, 3)", want: `"   1"`},
		{x: "rpad('hello', 2)", want: `"hello  "`},
		{x: "rpad(1, 3)", want: `"1   "`},
		{x: "rpad('a', -4)", want: `"a"`},
		{x: "length(lpad('a', 5000))", want: "1001"},
		{x: "lpad('a', 'x')", want: "undefined"},
		// ltrim, rtrim, trim
		{x: "ltrim(' h i ')", want: `"h i "`},
		{x: "rtrim(' h i ')", want: `" h i"`},
		{x: "trim(' hi ')", want: `"hi"`},
		{x: "trim('\thi\n')", want: `"hi"`},
		// mod, remainder
		{x: "mod(8, 3)", want: "2"},
		{x: "remainder(8, 3)", want: "2"},
		{x: "mod(8.5, '3')", want: "2.5"},
		{x: "mod(8, 0)", want: "undefined"},
		{x: "mod(true, 2)", want: "undefined"},
		// nanvl
		{x: "nanvl(8, 3)", want: "8"},
		{x: "nanvl(missing, 3)", want: "3"},
		{x: "nanvl(NULL, 3)", want: "3"},
		// regexp_matches, regexp_replace, regexp_substr
		{x: "regexp_matches('aaaa', 'a{2,}')", want: "true"},
		{x: "regexp_matches('aaaa', 'b')", want: "false"},
		{x: "regexp_matches('aaaa', '(')", want: "undefined"},
		{x: "regexp_replace('abcd', 'bc', 'x')", want: `"axd"`},
		{x: "regexp_replace('abcd', 'b(.*)d', '$1')", want: `"ac"`},
		{x: "regexp_replace('abcd', '(b)(c)', '$2$1')", want: `"acbd"`},
		{x: "regexp_replace('abcd', '(b)', '$12')", want: `"ab2cd"`}, // Java reads group 1, then "2"
		{x: "regexp_replace('abcd', '(b)', '$3')", want: "undefined"},
		{x: "regexp_replace('abcd', 'b', '\\\\$')", want: `"a$cd"`},
		{x: "regexp_substr('hihihello', 'hi')", want: `"hi"`},
		{x: "regexp_substr('hihihello', '(hi)*')", want: `"hihi"`},
		{x: "regexp_substr('hello', 'x')", want: "undefined"},
		{x: "regexp_matches(s, p)", payload: `{"s":"abc","p":"^a"}`, want: "true"},
		// replace
		{x: "replace('abcd', 'bc', 'x')", want: `"axd"`},
		{x: "replace('abcdabcd', 'b', 'x')", want: `"axcdaxcd"`},
		{x: "replace(1212, 1, 3)", want: `"3232"`},
		// round: ties away from zero.
		{x: "round(1.2)", want: "1"},
		{x: "round(1.5)", want: "2"},
		{x: "round(1.7)", want: "2"},
		{x: "round(-1.1)", want: "-1"},
		{x: "round(-1.5)", want: "-2"},
		{x: "Round(7)", want: "7"},
		// sign
		{x: "sign(-7)", want: "-1"},
		{x: "sign(0)", want: "0"},
		{x: "sign(13)", want: "1"},
		{x: "sign('-0.5')", want: "-1"},
		// substring
		{x: "substring('012345', 0)", want: `"012345"`},
		{x: "substring('012345', 2)", want: `"2345"`},
		{x: "substring('012345', 2.745)", want: `"2345"`},
		{x: "substring(123, 2)", want: `"3"`},
		{x: "substring('012345', -1)", want: `"012345"`},
		{x: "substring(true, 1.2)", want: `"rue"`},
		{x: "substring(false, -2.411E247)", want: `"false"`},
		{x: "substring('012345', 1, 3)", want: `"12"`},
		{x: "substring('012345', -50, 50)", want: `"012345"`},
		{x: "substring('012345', 3, 1)", want: `""`},
		{x: "substring('€uro', 1)", want: `"uro"`},
		// trunc
		{x: "trunc(2.3, 0)", want: "2"},
		{x: "trunc(2.3123, 2)", want: "2.31"},
		{x: "trunc(2.888, 2)", want: "2.88"},
		{x: "trunc(2.00, 5)", want: "2"},
		{x: "trunc(-2.888, 1)", want: "-2.8"},
		{x: "trunc(7, 2)", want: "7"},
		{x: "trunc('2.55', 1)", want: "2.5"},
		// cast
		{x: "cast(true AS Int)", want: "1"},
		{x: "cast(2.9 AS Integer)", want: "2"},
		{x: "cast('-2.5' AS Int)", want: "-3"},
		{x: "cast(12 AS String)", want: `"12"`},
		{x: "cast(1.5 AS varchar)", want: `"1.5"`},
		{x: "cast(true AS Text)", want: `"true"`},
		{x: "cast([1, 'a'] AS Nvarchar)", want: `"[1,\"a\"]"`},
		{x: "cast(NULL AS String)", want: "undefined"},
		{x: "cast('0.5' AS Double)", want: "0.5"},
		{x: "cast(true AS Double)", version: v1, want: "1.0"},
		{x: "cast('5E-12' AS Decimal)", want: "5E-12"},
		{x: "cast(true AS Decimal)", want: "1"},
		{x: "cast(0 AS Boolean)", want: "false"},
		{x: "cast(0.1 AS Bool)", want: "true"},
		{x: "cast('TRUE' AS Bool)", want: "true"},
		{x: "cast('yes' AS Bool)", want: "undefined"},
		{x: "cast([1] AS Int)", want: "undefined"},
		// hashing functions
		{x: "md2('hello')", want: `"a9046c73e00331af68917d3804f70655"`},
		{x: "md2('')", want: `"8350e5a3e24c153df2275c9f80692773"`},
		{x: "md2('abc')", want: `"da853b0d3f88d99b30283a69e6ded6bb"`},
		{x: "md5('hello')", want: `"5d41402abc4b2a76b9719d911017c592"`},
		{x: "md5(deviceid)", payload: `{"deviceid":"iot123"}`, want: `"e37f81fb397e595c4aeb5645b8cbbbd1"`}, // iot-sql-json
		{x: "sha1('hello')", want: `"aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d"`},
		{x: "sha224('hello')", want: `"ea09ae9cc6768c50fcee903ed054556e5bfc8347907f12598aa24193"`},
		{x: "sha256('hello')", want: `"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"`},
		{x: "length(sha384('hello'))", want: "96"},
		{x: "length(sha512('hello'))", want: "128"},
		{x: "md5(NULL)", want: "undefined"},
		// encode, decode
		{x: "encode('hello', 'base64')", want: `"aGVsbG8="`},
		{x: "decode(encoded_temp, 'base64').temperature", payload: `{"encoded_temp":"eyAidGVtcGVyYXR1cmUiOiAzMyB9Cg=="}`, want: "33"},
		{x: "decode('aGVsbG8=', 'base64')", want: `"hello"`},
		{x: "decode('***', 'base64')", want: "null"},
		{x: "decode(5, 'base64')", want: "undefined"},
		// transform
		{x: "transform('enrichArray', attributes, values)",
			payload: `{"attributes":{"data1":1,"data2":2},"values":[{"a":3},{"b":4},{"c":5}]}`,
			want:    `[{"a":3,"data1":1,"data2":2},{"b":4,"data1":1,"data2":2},{"c":5,"data1":1,"data2":2}]`},
		{x: "transform('enrichArray', {'key': attributes.data1}, values)",
			payload: `{"attributes":{"data1":1,"data2":2},"values":[{"a":3},{"b":4}]}`,
			want:    `[{"a":3,"key":1},{"b":4,"key":1}]`},
		{x: "transform('enrichArray', attributes, [1])", payload: `{"attributes":{}}`, want: "undefined"},
		// parse_time (Joda patterns), time_to_epoch (java.time patterns)
		{x: `parse_time("yyyy.MM.dd G 'at' HH:mm:ss z", 100000000, "America/Belize")`, want: `"1970.01.01 AD at 21:46:40 CST"`},
		{x: `parse_time("yyyy", 1496999986000, "UTC")`, want: `"2017"`},
		{x: `parse_time("yyyy-MM-dd'T'HH:mm:ss.SSSZ", 1496999986123)`, want: `"2017-06-09T09:19:46.123+0000"`},
		{x: `parse_time("EEE, d MMM yy hh:mm a", 1496999986000, "Europe/Paris")`, want: `"Fri, 9 Jun 17 11:19 AM"`},
		{x: `parse_time("EEEE MMMM", 0)`, want: `"Thursday January"`},
		{x: `parse_time("yyyy", 0, "Not/AZone")`, want: "undefined"},
		{x: `parse_time("yyyy", 'x')`, want: "undefined"},
		{x: `time_to_epoch("2020-04-03 09:45:18 UTC+01:00", "yyyy-MM-dd HH:mm:ss VV")`, want: "1585903518000"},
		{x: `time_to_epoch("18 December 2015", "dd MMMM yyyy")`, want: "1450396800000"},
		{x: `time_to_epoch("2007-12-03 10:15:30.592 America/Los_Angeles", "yyyy-MM-dd HH:mm:ss.SSS z")`, want: "1196705730592"},
		{x: `time_to_epoch("20200403094518", "yyyyMMddHHmmss")`, want: "1585907118000"},
		{x: `time_to_epoch("2020-04-03T09:45:18Z", "yyyy-MM-dd'T'HH:mm:ssX")`, want: "1585907118000"},
		{x: `time_to_epoch("2020-04-03 09:45:18 -0200", "yyyy-MM-dd HH:mm:ss Z")`, want: "1585914318000"},
		{x: `time_to_epoch("2020-04-03 9:45 PM", "yyyy-MM-dd h:mm a")`, want: "1585950300000"},
		{x: `time_to_epoch("2020-04-03", "yyyy-MM-dd HH")`, want: "undefined"},
		{x: `time_to_epoch("garbage", "yyyy")`, want: "undefined"},
		// sql_version
		{x: "sql_version()", want: `"2016-03-23"`},
		{version: v1, x: "sql_version()", want: `"2015-10-08"`},
	})
}

func TestContextFunctions(t *testing.T) {
	at := time.Date(2016, 12, 15, 18, 7, 31, 155e6, time.UTC)
	m := &Message{
		Topic:          "things/myThings/thingOne",
		Payload:        []byte(`{}`),
		ClientID:       "device-1",
		Principal:      "ba67293af50bf2506f5f93469686da660c7c844e7b3950bfb16813e0d31e9373",
		Account:        "123456789012",
		Time:           at,
		TraceID:        "12345678-1234-1234-1234-123456789012",
		SourceIP:       "192.0.2.7",
		UserProperties: [][2]string{{"k", "v1"}, {"other", "x"}, {"k", "v2"}},
		Properties:     map[string]string{"content_type": "application/json", "correlation_data": "YWJj"},
	}
	cases := []struct {
		x    string
		m    *Message
		want string
	}{
		// iot-sql-functions, topic(): the whole topic, or a 1-based level.
		{"topic()", m, `"things/myThings/thingOne"`},
		{"topic(1)", m, `"things"`},
		{"topic(3)", m, `"thingOne"`},
		{"topic(4)", m, "undefined"},
		{"topic(0)", m, "undefined"},
		// iot-sql-functions, topic(): Basic Ingest's prefix is not visible.
		{"topic()", &Message{Topic: "$aws/rules/BuildingManager/Buildings/Building5/Floor2/Room201/Lights"}, `"Buildings/Building5/Floor2/Room201/Lights"`},
		{"topic(3)", &Message{Topic: "$aws/rules/BuildingManager/Buildings/Building5/Floor2/Room201/Lights"}, `"Floor2"`},
		// iot-sql-functions, clientid(): n/a when not sent over MQTT.
		{"clientid()", m, `"device-1"`},
		{"clientid()", &Message{}, `"n/a"`},
		{"principal()", m, `"ba67293af50bf2506f5f93469686da660c7c844e7b3950bfb16813e0d31e9373"`},
		{"accountid()", m, `"123456789012"`},
		// iot-sql-functions, timestamp(): milliseconds since the epoch.
		{"timestamp()", m, "1481825251155"},
		// iot-sql-functions, traceid(): Undefined when not sent over MQTT.
		{"traceid()", m, `"12345678-1234-1234-1234-123456789012"`},
		{"traceid()", &Message{}, "undefined"},
		{"sourceip()", m, `"192.0.2.7"`},
		// MQTT 5 user properties may repeat a key.
		{"get_user_properties('k')", m, `["v1","v2"]`},
		{"get_user_properties('none')", m, "undefined"},
		{"get_mqtt_property('content_type')", m, `"application/json"`},
		{"get_mqtt_property('correlation_data')", m, `"YWJj"`},
		{"get_mqtt_property('response_topic')", m, "undefined"},
	}
	for _, c := range cases {
		st, err := Parse("SELECT "+c.x+" AS v FROM '#'", v2)
		if err != nil {
			t.Fatal(err)
		}
		out, _, err := st.Evaluate(c.m)
		if err != nil {
			t.Fatal(err)
		}
		got := strings.TrimSuffix(strings.TrimPrefix(string(out), `{"v":`), "}")
		if string(out) == "{}" {
			got = "undefined"
		}
		if got != c.want {
			t.Errorf("%s = %s, want %s", c.x, got, c.want)
		}
	}

	// iot-sql-functions, newuuid(): a random 16-byte UUID.
	uuid := regexp.MustCompile(`^"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"$`)
	a, b := valueOf(t, v2, "newuuid()", "{}"), valueOf(t, v2, "newuuid()", "{}")
	if !uuid.MatchString(a) || a == b {
		t.Errorf("newuuid() = %s, %s", a, b)
	}
	// iot-sql-functions, rand(): a double between 0.0 and 1.0.
	if r := valueOf(t, v2, "rand() >= 0 AND rand() < 1", "{}"); r != "true" {
		t.Errorf("rand() in [0,1) = %s", r)
	}
	// timestamp() without a message time is the engine's clock.
	if r := valueOf(t, v2, "timestamp() > 1600000000000", "{}"); r != "true" {
		t.Errorf("timestamp() = %s", r)
	}
}

// Patterns, zones and regular expressions computed from the payload are
// compiled at run time.
func TestComputedArguments(t *testing.T) {
	payload := `{"p":"yyyy-MM-dd","tz":"Asia/Tokyo","re":"(\\d+)","s":"2020-01-02","bad":"[","badtz":"Mars/Base"}`
	runExprCases(t, []exprCase{
		{x: "parse_time(p, 0, tz)", payload: payload, want: `"1970-01-01"`},
		{x: "parse_time(p, 86400000 - 1, tz)", payload: payload, want: `"1970-01-02"`},
		{x: "parse_time(p, 0, badtz)", payload: payload, want: "undefined"},
		{x: "time_to_epoch(s, p)", payload: payload, want: "1577923200000"},
		{x: "regexp_substr('abc123', re)", payload: payload, want: `"123"`},
		{x: "regexp_matches('abc', bad)", payload: payload, want: "undefined"},
		{x: "encode(s, 'base64')", payload: payload, want: `"MjAyMC0wMS0wMg=="`},
		{x: "encode(s, p)", payload: payload, want: "undefined"},
	})
}
