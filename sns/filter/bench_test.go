package filter

import (
	"strings"
	"testing"
)

// Matching runs for every subscription of every publish, so it should cost
// little and, on attributes, allocate nothing.

var benchAttributes = map[string]Attribute{
	"customer_interests": {Type: "String.Array", Value: `["soccer", "rugby", "hockey"]`},
	"store":              {Type: "String", Value: "example_corp"},
	"event":              {Type: "String", Value: "order_placed"},
	"price_usd":          {Type: "Number", Value: "210.75"},
	"source_ip":          {Type: "String", Value: "10.0.0.77"},
}

func BenchmarkMatchAttributes(b *testing.B) {
	for _, bc := range []struct{ name, policy string }{
		{"exact", `{"store": ["example_corp"]}`},
		{"array", `{"customer_interests": ["rugby", "football", "baseball"]}`},
		{"numeric", `{"price_usd": [{"numeric": [">", 100, "<=", 500]}]}`},
		{"mixed", `{"store": ["example_corp"], "event": [{"anything-but": "order_cancelled"}],
			"customer_interests": [{"prefix": "rug"}], "price_usd": [{"numeric": [">=", 100]}], "source_ip": [{"cidr": "10.0.0.0/24"}]}`},
		{"or", `{"store": ["example_corp"], "$or": [{"event": ["order_cancelled"]}, {"price_usd": [{"numeric": [">", 200]}]}]}`},
		{"miss", `{"store": ["other_corp"], "event": ["order_placed"]}`},
	} {
		p, err := Parse(bc.policy, MessageAttributes)
		if err != nil {
			b.Fatal(err)
		}
		if !p.MatchAttributes(benchAttributes) && bc.name != "miss" {
			b.Fatalf("%s does not match", bc.name)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				p.MatchAttributes(benchAttributes)
			}
		})
	}
}

func BenchmarkMatchBody(b *testing.B) {
	small := []byte(`{"customer_interests": ["soccer", "rugby", "hockey"], "store": "example_corp",
		"event": "order_placed", "price_usd": 210.75}`)
	var large strings.Builder
	large.WriteString(`{"store": "example_corp", "detail": {"price_usd": 210.75, "items": [`)
	for i := range 200 {
		if i > 0 {
			large.WriteString(",")
		}
		large.WriteString(`{"sku": "item-0001", "qty": 3, "tags": ["a", "b", "c"], "note": "some text that is not looked at"}`)
	}
	large.WriteString(`]}}`)
	for _, bc := range []struct {
		name, policy string
		body         []byte
	}{
		{"small", `{"store": ["example_corp"], "price_usd": [{"numeric": [">", 100]}]}`, small},
		{"small-array", `{"customer_interests": ["rugby"]}`, small},
		{"large-skip", `{"store": ["example_corp"], "detail": {"price_usd": [{"numeric": [">", 100]}]}}`, []byte(large.String())},
		{"large-array", `{"detail": {"items": {"sku": [{"prefix": "item-"}]}}}`, []byte(large.String())},
	} {
		p, err := Parse(bc.policy, MessageBody)
		if err != nil {
			b.Fatal(err)
		}
		if !p.MatchBody(bc.body) {
			b.Fatalf("%s does not match", bc.name)
		}
		b.Run(bc.name, func(b *testing.B) {
			b.ReportAllocs()
			b.SetBytes(int64(len(bc.body)))
			for b.Loop() {
				p.MatchBody(bc.body)
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	doc := `{"store": ["example_corp"], "event": [{"anything-but": "order_cancelled"}],
		"customer_interests": [{"prefix": "rug"}], "$or": [{"price_usd": [{"numeric": [">=", 100]}]}, {"source_ip": [{"cidr": "10.0.0.0/24"}]}]}`
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(doc, MessageAttributes); err != nil {
			b.Fatal(err)
		}
	}
}
