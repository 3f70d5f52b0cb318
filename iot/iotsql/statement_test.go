package iotsql

import (
	"bytes"
	"errors"
	"sync"
	"testing"
	"time"
)

type stmtCase struct {
	name    string
	version string
	sql     string
	payload string
	want    string // output; "" with fire false means the rule does not fire
	fire    bool
	err     error
}

func runStmtCases(t *testing.T, cases []stmtCase) {
	t.Helper()
	for _, c := range cases {
		st, err := Parse(c.sql, c.version)
		if err != nil {
			t.Errorf("%s: Parse: %v", c.name, err)
			continue
		}
		out, ok, err := st.Evaluate(&Message{Topic: "a/b", Payload: []byte(c.payload), ClientID: "c1"})
		switch {
		case c.err != nil:
			if !errors.Is(err, c.err) {
				t.Errorf("%s: err = %v, want %v", c.name, err, c.err)
			}
		case err != nil:
			t.Errorf("%s: %v", c.name, err)
		case ok != c.fire:
			t.Errorf("%s: fired = %v, want %v (out %s)", c.name, ok, c.fire, out)
		case ok && string(out) != c.want:
			t.Errorf("%s: out = %s, want %s", c.name, out, c.want)
		}
	}
}

func TestSelect(t *testing.T) {
	const colorTemp = `{"color":"red", "temperature":50}`
	runStmtCases(t, []stmtCase{
		// iot-sql-select examples.
		{name: "star", sql: "SELECT * FROM 'a/b'", payload: colorTemp, fire: true, want: colorTemp},
		{name: "key", sql: "SELECT color FROM 'a/b'", payload: colorTemp, fire: true, want: `{"color":"red"}`},
		{name: "alias", sql: "SELECT color AS my_color FROM 'a/b'", payload: colorTemp, fire: true, want: `{"my_color":"red"}`},
		{name: "two aliases", sql: "SELECT color as my_color, temperature as fahrenheit FROM 'a/b'", payload: colorTemp, fire: true,
			want: `{"my_color":"red","fahrenheit":50}`},
		{name: "star plus", sql: "SELECT *, 15 as speed FROM 'a/b'", payload: colorTemp, fire: true,
			want: `{"color":"red","temperature":50,"speed":15}`},
		{name: "star plus overrides", sql: "SELECT *, 'blue' as color FROM 'a/b'", payload: colorTemp, fire: true,
			want: `{"color":"blue","temperature":50}`},
		{name: "value", sql: "SELECT VALUE color FROM 'a/b'", payload: colorTemp, fire: true, want: `"red"`},
		{name: "nested", sql: "SELECT color.red as red_value FROM 'a/b'", payload: `{"color":{"red":255,"green":0,"blue":0}, "temperature":50}`,
			fire: true, want: `{"red_value":255}`},
		{name: "functions", sql: "SELECT (temperature - 32) * 5 / 9 AS celsius, upper(color) as my_color FROM 'a/b'", payload: colorTemp,
			fire: true, want: `{"celsius":10,"my_color":"RED"}`},
		// iot-sql-data-types: Undefined is omitted from objects.
		{name: "undefined omitted", sql: "SELECT color, missing, nothing.deeper FROM 'a/b'", payload: colorTemp, fire: true, want: `{"color":"red"}`},
		{name: "all undefined", sql: "SELECT missing FROM 'a/b'", payload: colorTemp, fire: true, want: `{}`},
		// iot-sql-data-types: Undefined alone serializes to the empty string.
		{name: "value undefined", sql: "SELECT VALUE missing FROM 'a/b'", payload: colorTemp, fire: true, want: ``},
		{name: "value null", sql: "SELECT VALUE NULL FROM 'a/b'", payload: colorTemp, fire: true, want: `null`},
		// Unaliased items: last path segment, function name, else position.
		{name: "unaliased", sql: "SELECT a.b.c, upper(color), topic(2), 1 + 1, clientid() FROM 'a/b'",
			payload: `{"a":{"b":{"c":1}},"color":"x"}`, fire: true, want: `{"c":1,"upper":"X","topic":"b","_4":2,"clientid":"c1"}`},
		{name: "keyword field", sql: "SELECT value, timestamp FROM 'a/b'", payload: `{"value":1,"timestamp":2}`, fire: true,
			want: `{"value":1,"timestamp":2}`},
		{name: "backquoted", sql: "SELECT `end`, `my-key` AS k FROM 'a/b'", payload: `{"end":1,"my-key":2}`, fire: true, want: `{"end":1,"k":2}`},
		// iot-sql-json: a dotted alias nests.
		{name: "dotted alias", sql: "SELECT foo.bar AS bar.baz FROM 'a/b'", payload: `{"foo":{"bar":7}}`, fire: true, want: `{"bar":{"baz":7}}`},
		{name: "dotted aliases merge", sql: "SELECT 1 AS a.x, 2 AS a.y, * FROM 'a/b'", payload: `{"z":0}`, fire: true, want: `{"a":{"x":1,"y":2},"z":0}`},
		{name: "dotted alias over star", sql: "SELECT *, 1 AS s.r.c FROM 'a/b'", payload: `{"s":{"r":{"a":0},"d":1}}`, fire: true,
			want: `{"s":{"r":{"a":0,"c":1},"d":1}}`},
		{name: "keys escaped", sql: `SELECT 'q"' AS "k""", topic() AS ` + "`t`" + ` FROM 'a/b'`, payload: `{}`, fire: true,
			want: `{"k\"":"q\"","t":"a/b"}`},
		// Numbers keep their text.
		{name: "numbers", sql: "SELECT * , 1 AS one FROM 'a/b'", payload: `{"i":1000000,"d":0.000001,"e":1.5e3,"b":123456789012345678901234567890}`,
			version: v1, fire: true, want: `{"i":1000000,"d":0.000001,"e":1.5E+3,"b":123456789012345678901234567890,"one":1}`},
		{name: "strings roundtrip", sql: "SELECT s FROM 'a/b'", payload: `{"s":"tab\t \u00e9 \ud83d\ude00 \"q\" \\ \u0001"}`, fire: true,
			want: `{"s":"tab\t é 😀 \"q\" \\ \u0001"}`},
	})
}

func TestWhere(t *testing.T) {
	runStmtCases(t, []stmtCase{
		// iot-sql-reference example.
		{name: "fires", sql: "SELECT color AS rgb FROM 'topic/subtopic' WHERE temperature > 50", payload: `{"color":"red","temperature":100}`,
			fire: true, want: `{"rgb":"red"}`},
		{name: "false", sql: "SELECT color AS rgb FROM 'topic/subtopic' WHERE temperature > 50", payload: `{"color":"red","temperature":40}`},
		// iot-sql-where: Undefined does not fire.
		{name: "undefined", sql: "SELECT * FROM 'a/b' WHERE temperature > 50", payload: `{"color":"red"}`},
		{name: "not boolean", sql: "SELECT * FROM 'a/b' WHERE temperature", payload: `{"temperature":1}`},
		{name: "string true", sql: "SELECT * FROM 'a/b' WHERE flag", payload: `{"flag":"True"}`, fire: true, want: `{"flag":"True"}`},
		// iot-sql-where: WHERE cannot see SELECT aliases.
		{name: "alias invisible", sql: "SELECT temperature AS t FROM 'a/b' WHERE t > 1", payload: `{"temperature":5}`},
		{name: "compound", sql: "SELECT * FROM 'a/b' WHERE (a = 1 OR b = 2) AND NOT c", payload: `{"b":2,"c":false}`, fire: true, want: `{"b":2,"c":false}`},
		{name: "in", version: v2, sql: "SELECT * FROM 'a/b' WHERE color IN ['red', 'blue']", payload: `{"color":"red"}`, fire: true, want: `{"color":"red"}`},
		{name: "in list", sql: "SELECT * FROM 'a/b' WHERE color IN ('green', 'blue')", payload: `{"color":"red"}`},
		{name: "topic in where", sql: "SELECT topic(2) AS id FROM 'a/+' WHERE topic(2) = 'b'", payload: `{}`, fire: true, want: `{"id":"b"}`},
		{name: "select star where", sql: "SELECT * FROM 'a/b' WHERE n > 1", payload: ` {"n": 2} `, fire: true, want: ` {"n": 2} `},
	})
}

// iot-sql-select, "Working with binary payloads"; iot-sql-json, "*".
func TestBinaryPayloads(t *testing.T) {
	bin := "\x00\x01\xfe\xffbinary"
	runStmtCases(t, []stmtCase{
		{name: "star passes bytes", sql: "SELECT * FROM 'a/b'", payload: bin, fire: true, want: bin},
		{name: "value star", sql: "SELECT VALUE * FROM 'a/b'", payload: bin, fire: true, want: bin},
		{name: "functions only", version: v2, sql: "SELECT encode(*, 'base64') AS data, clientid() AS c FROM 'a/b'", payload: bin, fire: true,
			want: `{"data":"AAH+/2JpbmFyeQ==","c":"c1"}`},
		{name: "where on functions", sql: "SELECT * FROM 'a/b' WHERE clientid() = 'c1'", payload: bin, fire: true, want: bin},
		// Referring to JSON names on a binary payload: Undefined, so no fire.
		{name: "where on field", sql: "SELECT * FROM 'a/b' WHERE device_type = 'thermostat'", payload: bin},
		{name: "field undefined", sql: "SELECT device_type FROM 'a/b'", payload: bin, fire: true, want: `{}`},
		{name: "star and more", sql: "SELECT *, timestamp() AS timestamp FROM 'a/b'", payload: bin, err: ErrBinaryPayload},
		{name: "star and more on array", sql: "SELECT *, 1 AS one FROM 'a/b'", payload: `[1,2]`, err: ErrBinaryPayload},
		// iot-sql-where: decode(encode(*)) reaches a binary payload's value.
		{name: "decode encode", version: v2, sql: "SELECT * FROM 'a/b' WHERE decode(encode(*, 'base64'), 'base64') > 50", payload: `75`, fire: true, want: `75`},
		{name: "empty payload", sql: "SELECT a, clientid() AS c FROM 'a/b'", payload: ``, fire: true, want: `{"c":"c1"}`},
		{name: "invalid json", sql: "SELECT a FROM 'a/b'", payload: `{"a":1,}`, fire: true, want: `{}`},
		{name: "invalid json later", sql: "SELECT a FROM 'a/b'", payload: `{"a":1,"b":[1,}`, fire: true, want: `{}`},
		{name: "json scalar", version: v2, sql: "SELECT VALUE * FROM 'a/b' WHERE * > 3", payload: `4`, fire: true, want: `4`},
	})
}

// iot-sql-nested-queries.
func TestNestedQueries(t *testing.T) {
	const sensors = `{"e":[{"n":"temperature","u":"Cel","t":1234,"v":22.5},{"n":"light","u":"lm","t":1235,"v":135},{"n":"acidity","u":"pH","t":1235,"v":7}]}`
	runStmtCases(t, []stmtCase{
		{name: "value", version: v2, sql: "SELECT (SELECT VALUE n FROM e) as sensors FROM 'my/topic'", payload: sensors, fire: true,
			want: `{"sensors":["temperature","light","acidity"]}`},
		{name: "where", version: v2, sql: "SELECT (SELECT v FROM e WHERE n = 'temperature') as temperature FROM 'my/topic'", payload: sensors, fire: true,
			want: `{"temperature":[{"v":22.5}]}`},
		{name: "flatten", version: v2, sql: "SELECT get((SELECT v FROM e WHERE n = 'temperature'), 0).v as temperature FROM 'topic'", payload: sensors,
			fire: true, want: `{"temperature":22.5}`},
		{name: "star", version: v2, sql: "SELECT (SELECT * FROM e WHERE v > 100) AS big FROM 'a/b'", payload: sensors, fire: true,
			want: `{"big":[{"n":"light","u":"lm","t":1235,"v":135}]}`},
		{name: "over object", version: v2, sql: "SELECT VALUE (SELECT a, b FROM data2) FROM 'a/b'", payload: `{"data2":{"a":1,"b":2,"c":3}}`,
			fire: true, want: `{"a":1,"b":2}`},
		// iot-sql-functions, transform example 3.
		{name: "transform", version: v2, sql: "select value transform('enrichArray', (select a, b from data2), (select value c from data2)) from 'A/B'",
			payload: `{"data1":"example","data2":{"a":"first attribute","b":"second attribute","c":[{"x":{"someInt":5},"y":true},{"x":{"someInt":10},"y":false}]}}`,
			fire:    true,
			want:    `[{"x":{"someInt":5},"y":true,"a":"first attribute","b":"second attribute"},{"x":{"someInt":10},"y":false,"a":"first attribute","b":"second attribute"}]`},
		{name: "in where", version: v2, sql: "SELECT * FROM 'a/b' WHERE get((SELECT VALUE v FROM e WHERE n = 'light'), 0) > 100", payload: sensors, fire: true,
			want: sensors},
		{name: "not a collection", version: v2, sql: "SELECT (SELECT VALUE n FROM x) AS s FROM 'a/b'", payload: `{"x":5}`, fire: true, want: `{}`},
	})
}

// iot-rule-sql-version: what differs between 2015-10-08 and 2016-03-23.
func TestVersions(t *testing.T) {
	runStmtCases(t, []stmtCase{
		// iot-sql-select: SELECT VALUE emits a top-level array only from 2016-03-23.
		{name: "value array v2", version: v2, sql: "SELECT VALUE arr FROM 'a/b'", payload: `{"arr":[1,2]}`, fire: true, want: `[1,2]`},
		{name: "value array v1", version: v1, sql: "SELECT VALUE arr FROM 'a/b'", payload: `{"arr":[1,2]}`, err: ErrTopLevelArray},
		{name: "value array beta", version: VersionBeta, sql: "SELECT VALUE arr FROM 'a/b'", payload: `{"arr":[1,2]}`, fire: true, want: `[1,2]`},
		{name: "default is v1", version: "", sql: "SELECT sql_version() AS v, 10.0 AS d FROM 'a/b'", payload: `{}`, fire: true,
			want: `{"v":"2015-10-08","d":10.0}`},
		{name: "v2 whole decimals", version: v2, sql: "SELECT 10.0 AS d, *, x * 2 AS y FROM 'a/b'", payload: `{"x":2.50}`, fire: true,
			want: `{"d":10,"x":2.50,"y":5}`},
		// The SET clause (iot-sql-set).
		{name: "set", version: v2, sql: "SET @temp_celsius = (temp_fahrenheit - 32) * 5 / 9 SELECT @temp_celsius AS celsius, humidity FROM 'device/data'",
			payload: `{"temp_fahrenheit": 77, "humidity": 60}`, fire: true, want: `{"celsius":25,"humidity":60}`},
		{name: "set chained", version: v2, sql: "SET @a = x + 1, @b = @a * 2 SELECT @b FROM 'a/b' WHERE @a > 1", payload: `{"x":2}`, fire: true, want: `{"b":6}`},
		{name: "set object", version: v2, sql: "SET @d = device1.deviceData SELECT @d.sensors.t AS t FROM 'a/b'", payload: `{"device1":{"deviceData":{"sensors":{"t":75}}}}`,
			fire: true, want: `{"t":75}`},
	})
}

func TestSelectStarPassesPayloadThrough(t *testing.T) {
	st, err := Parse("SELECT * FROM 'a/#'", "")
	if err != nil {
		t.Fatal(err)
	}
	payload := []byte(`{"a": 1,  "b":[1,2 ]}`)
	out, ok, err := st.Evaluate(&Message{Topic: "a/x", Payload: payload})
	if err != nil || !ok || !bytes.Equal(out, payload) {
		t.Fatalf("Evaluate = %s, %v, %v", out, ok, err)
	}
}

func TestStatementAccessors(t *testing.T) {
	st, err := Parse("SELECT * FROM 'sensors/+/temp'", "")
	if err != nil {
		t.Fatal(err)
	}
	if st.Topic() != "sensors/+/temp" || st.Version() != Version20151008 || st.String() != "SELECT * FROM 'sensors/+/temp'" {
		t.Errorf("Topic, Version, String = %q, %q, %q", st.Topic(), st.Version(), st.String())
	}
	if !st.Match("sensors/1/temp") || st.Match("sensors/1/hum") || st.Match("sensors/temp") {
		t.Error("Match disagrees with the FROM filter")
	}
	// A statement without FROM serves Basic Ingest only and matches nothing.
	st, err = Parse("SELECT *", v2)
	if err != nil {
		t.Fatal(err)
	}
	if st.Topic() != "" || st.Match("a") {
		t.Errorf("no FROM: Topic %q, Match(a) %v", st.Topic(), st.Match("a"))
	}
}

// A Statement is parsed once and evaluated by many goroutines.
func TestEvaluateConcurrently(t *testing.T) {
	st, err := Parse("SET @k = upper(device) SELECT @k AS k, (t - 32) * 5 / 9 AS c, regexp_replace(device, '(\\\\d+)', '#$1') AS r,"+
		" parse_time('yyyy', timestamp(), 'Europe/Paris') AS y FROM 'x' WHERE big * 3 > 1", v2)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"k":"DEV7","c":25,"r":"dev#7","y":"2017"}`
	m := &Message{Topic: "x", Payload: []byte(`{"device":"dev7","t":77,"big":123456789012345678901234567890}`), Time: time.Unix(1496999986, 0)}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				out, ok, err := st.Evaluate(m)
				if err != nil || !ok || string(out) != want {
					t.Errorf("Evaluate = %s, %v, %v", out, ok, err)
					return
				}
			}
		})
	}
	wg.Wait()
}
