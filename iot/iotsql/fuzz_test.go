package iotsql

import (
	"encoding/json"
	"testing"
)

var fuzzPayloads = [][]byte{
	[]byte(`{"a":1,"b":"x","c":[1,2.5,{"d":null}],"e":{"f":true},"temperature":72.5,"arr":["a","b"]}`),
	[]byte(`[1,"two",{"three":3}]`),
	[]byte("\x00\xffbinary"),
	[]byte(``),
	[]byte(`123456789012345678901234567890.123456789e-3`),
}

// FuzzParse: no statement or template makes the parser panic, and one that
// parses evaluates on a few payloads without panicking and, when it emits
// JSON, emits valid JSON.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"SELECT * FROM 'a/b'",
		"SELECT a, b.c AS d, get(c, 0) FROM 'a/+' WHERE a > 0 AND b <> 'y'",
		"SELECT VALUE (SELECT VALUE d FROM c WHERE d = NULL) FROM '#'",
		"SELECT CASE a WHEN 1 THEN 'one' ELSE [a, {'k': b}] END AS x FROM 'x'",
		"SET @v = a * 2 SELECT @v, encode(*, 'base64') AS raw FROM 'x' WHERE @v IN (2, 4)",
		"SELECT substring(b, -1, 2), regexp_replace(b, '(x)', '$1$1'), cast(a AS Decimal), trunc(temperature, 1) FROM 'x'",
		"SELECT parse_time('yyyy-MM-dd HH:mm:ss.SSS Z', timestamp(), 'Europe/Paris') AS t, time_to_epoch('2020-01-01', 'yyyy-MM-dd') AS e FROM 'x'",
		"SELECT *, 1.0 / 3 AS third, 9223372036854775807 * 9 AS big, -arr[1] FROM 'x'",
		"SELECT transform('enrichArray', e, (SELECT * FROM c)) AS t FROM 'x'",
		"SELECT `weird key`, \"str\" + 1, 'it''s' FROM 'x'",
		"select value concat(arr, [1], 'x') from 'x' where not (a >= 1 or b)",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, sql string) {
		for _, version := range []string{Version20151008, Version20160323} {
			st, err := Parse(sql, version)
			if err != nil {
				continue
			}
			for _, p := range fuzzPayloads {
				out, ok, err := st.Evaluate(&Message{Topic: "a/b/c", Payload: p, ClientID: "c"})
				if err != nil || !ok || st.starOnly || len(out) == 0 {
					continue
				}
				if !json.Valid(out) {
					t.Fatalf("%q on %q emitted invalid JSON %q", sql, p, out)
				}
			}
		}
		if tm, err := ParseTemplate(sql, Version20160323); err == nil {
			for _, p := range fuzzPayloads {
				tm.Expand(&Message{Topic: "a/b", Payload: p})
			}
		}
	})
}

var fuzzStatements = []struct{ sql, version string }{
	{"SELECT * FROM 'x'", Version20151008},
	{"SELECT * FROM 'x' WHERE temperature > 50", Version20151008},
	{"SELECT temperature, device, a.b.c, arr[0] FROM 'x' WHERE temperature > 50 OR device = 'd'", Version20160323},
	{"SELECT *, upper(device) AS dev, temperature * 1.8 + 32 AS f FROM 'x'", Version20160323},
	{"SELECT VALUE (SELECT VALUE v FROM e WHERE n = 'temperature') FROM 'x'", Version20160323},
	{"SELECT encode(*, 'base64') AS raw, decode(b64, 'base64') AS decoded FROM 'x'", Version20160323},
	{"SELECT concat(arr, tags) AS all, length(device) AS len, md5(device) AS h FROM 'x' WHERE isUndefined(skip)", Version20160323},
}

// FuzzEvaluate: no payload makes evaluation panic or emit invalid JSON, and
// a payload the decoder accepts is JSON.
func FuzzEvaluate(f *testing.F) {
	for _, p := range fuzzPayloads {
		f.Add(p)
	}
	f.Add([]byte(`{"temperature":51,"device":"d1","a":{"b":{"c":[1]}},"arr":[9,8],"e":[{"n":"temperature","v":22.5}]}`))
	f.Add([]byte(`{"b64":"eyJ4IjoxfQ==","tags":["t"],"device":"\u00e9\ud83d\ude00"}`))
	f.Add([]byte(`{"temperature":"60","device":null}`))
	f.Add([]byte(`{"temperature":1e400}`))
	statements := make([]*Statement, len(fuzzStatements))
	for i, s := range fuzzStatements {
		st, err := Parse(s.sql, s.version)
		if err != nil {
			f.Fatal(err)
		}
		statements[i] = st
	}
	f.Fuzz(func(t *testing.T, payload []byte) {
		if _, ok := decodeJSON(string(payload)); ok && !json.Valid(payload) {
			t.Fatalf("decoder accepted non-JSON %q", payload)
		}
		for _, st := range statements {
			out, ok, err := st.Evaluate(&Message{Topic: "x", Payload: payload})
			if err != nil || !ok || st.starOnly || len(out) == 0 {
				continue
			}
			if !json.Valid(out) {
				t.Fatalf("%s on %q emitted invalid JSON %q", st, payload, out)
			}
		}
	})
}
