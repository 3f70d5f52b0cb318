package filter

import (
	"errors"
	"strings"
	"testing"
)

// seedPolicies are realistic policies for both fuzz targets.
var seedPolicies = []string{
	``,
	`{}`,
	`{"customer_interests": ["rugby", "tennis"]}`,
	`{"customer_interests": [{"prefix": "bas"}, {"suffix": "ball"}, {"equals-ignore-case": "TENNIS"}]}`,
	`{"customer_interests": [{"anything-but": ["rugby", "tennis"]}], "store": [{"exists": true}]}`,
	`{"event": [{"anything-but": {"prefix": "order-"}}], "store": [{"exists": false}]}`,
	`{"price_usd": [{"numeric": [">", 0, "<=", 150]}, {"numeric": ["=", 301.5]}, 1000]}`,
	`{"price": [{"anything-but": [100, 500]}]}`,
	`{"source_ip": [{"cidr": "10.0.0.0/24"}, {"cidr": "2001:db8::/32"}]}`,
	`{"file": [{"wildcard": "*.pdf"}, {"wildcard": "report-*-\\*"}]}`,
	`{"flag": [true, false, null]}`,
	`{"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}]}`,
	`{"$or": [{"a": ["1"]}, {"b": ["2"], "$or": [{"c": [3]}, {"d": [{"exists": false}]}]}], "a": ["2"]}`,
	`{"object": {"key": [{"prefix": "auto-"}, "hardcodedvalue"], "nested_key": [{"exists": false}]}, "test": [{"exists": false}]}`,
	`{"Records": {"s3": {"object": {"key": [{"prefix": "auto-"}]}}, "eventName": [{"prefix": "ObjectCreated:"}]}}`,
	`{"object.nested": ["string.value"]}`,
	`{"key": [{"numeric": [">", 3, "<", 1]}]}`,
	`{"key": [{"suffix": 100}]}`,
	`{"key": [[1]]}`,
	`{"a": ["x"`,
}

var seedBodies = []string{
	`{"customer_interests": "rugby", "store": "example_corp", "price_usd": 210.75}`,
	`{"customer_interests": ["basketball", "tennis"], "price": [100, 50], "flag": null}`,
	`{"object": {"key": "auto-test", "nested_key": ""}, "object.nested": "string.value"}`,
	`{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"object": [[{"key": "auto-x"}]]}}]}`,
	`{"source_ip": "10.0.0.7", "file": "report-2024-*", "source": "aws.cloudwatch", "namespace": "AWS/EC2"}`,
	`{"a": "2", "b": "2", "c": 3e0, "d": "\u00e9\ud83d\ude00"}`,
	`"just a string"`,
	`not json`,
	`{}`,
}

func FuzzParse(f *testing.F) {
	for _, p := range seedPolicies {
		f.Add(p, false)
		f.Add(p, true)
	}
	f.Fuzz(func(t *testing.T, doc string, body bool) {
		scope := MessageAttributes
		if body {
			scope = MessageBody
		}
		p, err := Parse(doc, scope)
		if err != nil {
			var fe *Error
			if !errors.As(err, &fe) || p != nil {
				t.Fatalf("Parse(%q) = %v, %#v", doc, p, err)
			}
			if !strings.HasPrefix(fe.Message, "FilterPolicy: ") && !strings.HasPrefix(fe.Message, "Filter policy scope ") {
				t.Fatalf("message %q", fe.Message)
			}
			return
		}
		if p == nil {
			if doc != "" {
				t.Fatalf("Parse(%q) returned no policy and no error", doc)
			}
			return
		}
		if p.Scope() != scope {
			t.Fatalf("Scope() = %v", p.Scope())
		}
		if len(p.branches) > maxCombinations {
			t.Fatalf("%d alternatives", len(p.branches))
		}
		// The same document parses to the same decision twice.
		if _, err := Parse(doc, scope); err != nil {
			t.Fatalf("second Parse failed: %v", err)
		}
	})
}

func FuzzMatch(f *testing.F) {
	for i, p := range seedPolicies {
		b := seedBodies[i%len(seedBodies)]
		f.Add(p, b, "customer_interests", "String.Array", `["rugby", 5, null]`)
		f.Add(p, b, "price_usd", "Number", "3.015e2")
		f.Add(p, b, "source_ip", "String", `10.0.0.1 "quoted" \`)
		f.Add(p, b, "store", "Binary", "AAE=")
	}
	f.Fuzz(func(t *testing.T, policy, body, name, typ, val string) {
		attrs := map[string]Attribute{name: {Type: typ, Value: val}, "store": {Type: "String", Value: val}}
		for _, scope := range []Scope{MessageAttributes, MessageBody} {
			p, err := Parse(policy, scope)
			if err != nil {
				continue
			}
			if a, b := p.MatchBody([]byte(body)), p.MatchBody([]byte(body)); a != b {
				t.Fatalf("MatchBody is not deterministic for %q on %q", policy, body)
			}
			if a, b := p.MatchAttributes(attrs), p.MatchAttributes(attrs); a != b {
				t.Fatalf("MatchAttributes is not deterministic for %q on %v", policy, attrs)
			}
			// The attributes, as a String.Array, go through the body scanner's
			// JSON code too.
			arr := map[string]Attribute{name: {Type: "String.Array", Value: body}}
			if a, b := p.MatchAttributes(arr), p.MatchAttributes(arr); a != b {
				t.Fatalf("MatchAttributes is not deterministic for %q on %v", policy, arr)
			}
		}
	})
}
