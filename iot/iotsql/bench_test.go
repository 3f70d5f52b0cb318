package iotsql

import "testing"

var benchPayload = []byte(`{"device":"sensor-0042","temperature":72.5,"humidity":41,"location":{"lat":47.6,"lon":-122.3},` +
	`"readings":[1,2,3,4,5,6,7,8],"firmware":"1.4.2","status":"ok","battery":0.87,"tags":["roof","north"]}`)

func benchEvaluate(b *testing.B, sql string) {
	st, err := Parse(sql, Version20160323)
	if err != nil {
		b.Fatal(err)
	}
	m := &Message{Topic: "sensors/sensor-0042", Payload: benchPayload, ClientID: "c"}
	b.SetBytes(int64(len(benchPayload)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok, err := st.Evaluate(m); err != nil || !ok {
			b.Fatal(ok, err)
		}
	}
}

func BenchmarkEvaluateSelectStar(b *testing.B) {
	benchEvaluate(b, "SELECT * FROM 'sensors/+'")
}

func BenchmarkEvaluateWhere(b *testing.B) {
	benchEvaluate(b, "SELECT temperature, device FROM 'sensors/+' WHERE temperature > 50")
}

func BenchmarkEvaluateSelectStarWhere(b *testing.B) {
	benchEvaluate(b, "SELECT * FROM 'sensors/+' WHERE temperature > 50 AND status = 'ok'")
}

func BenchmarkEvaluateTransform(b *testing.B) {
	benchEvaluate(b, "SELECT *, (temperature - 32) * 5 / 9 AS celsius, topic(2) AS id, upper(status) AS s FROM 'sensors/+'")
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("SELECT temperature, device, (temperature - 32) * 5 / 9 AS celsius FROM 'sensors/+' WHERE temperature > 50 AND status = 'ok'", Version20160323); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkTemplateExpand(b *testing.B) {
	tm, err := ParseTemplate("devices/${device}/${topic(2)}", Version20160323)
	if err != nil {
		b.Fatal(err)
	}
	m := &Message{Topic: "sensors/sensor-0042", Payload: benchPayload}
	b.ReportAllocs()
	for b.Loop() {
		tm.Expand(m)
	}
}

func BenchmarkMatchTopic(b *testing.B) {
	for b.Loop() {
		MatchTopic("sensors/+/telemetry/#", "sensors/sensor-0042/telemetry/temp/raw")
	}
}
