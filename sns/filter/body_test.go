package filter

import (
	"strings"
	"testing"
)

type bodyCase struct {
	body string
	want bool
}

// The examples of AWS's filter policy pages, SNS behaviours recorded against
// AWS, and the edges around them.
func TestMatchBody(t *testing.T) {
	for _, tc := range []struct {
		policy string
		cases  []bodyCase
	}{
		{`{"customer_interests": ["rugby", "tennis"]}`, []bodyCase{
			{`{"customer_interests": "rugby"}`, true},
			{`{"customer_interests": "tennis"}`, true},
			{`{"customer_interests": ["baseball", "tennis"]}`, true},
			{`{"customer_interests": "baseball"}`, false},
			{`{"customer_interests": ["baseball"]}`, false},
			{`{"customer_interests": []}`, false},
			{`{"customer_interests": {"rugby": "x"}}`, false},
			{`{"other": "rugby"}`, false},
			{`  {"customer_interests" : "rugby" }  `, true},
		}},
		{`{"customer_interests": [{"prefix": "bas"}]}`, []bodyCase{
			{`{"customer_interests": "baseball"}`, true},
			{`{"customer_interests": "rugby"}`, false},
			{`{"customer_interests": 5}`, false},
		}},
		{`{"customer_interests": [{"suffix": "ball"}]}`, []bodyCase{
			{`{"customer_interests": "baseball"}`, true},
			{`{"customer_interests": "rugby"}`, false},
		}},
		{`{"customer_interests": [{"equals-ignore-case": "tennis"}]}`, []bodyCase{
			{`{"customer_interests": "TeNNis"}`, true},
			{`{"customer_interests": "tennis!"}`, false},
		}},
		{`{"customer_interests": [{"wildcard": "b*ll"}]}`, []bodyCase{
			{`{"customer_interests": "baseball"}`, true},
			{`{"customer_interests": "ball"}`, true},
			{`{"customer_interests": "balls"}`, false},
		}},
		{`{"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}`, []bodyCase{
			{`{"customer_interests": "baseball"}`, true},
			{`{"customer_interests": "rugby"}`, false},
			// In a body, an array matches when any element does.
			{`{"customer_interests": ["rugby", "baseball"]}`, true},
			{`{"customer_interests": ["rugby", "tennis"]}`, false},
			{`{"customer_interests": 7}`, true},
			{`{"customer_interests": null}`, true},
			{`{"other": "baseball"}`, false},
		}},
		{`{"event": [{"anything-but": {"prefix": "order-"}}]}`, []bodyCase{
			{`{"event": "data-entry"}`, true},
			{`{"event": "order-cancelled"}`, false},
		}},
		{`{"price": [{"anything-but": [100, 500]}]}`, []bodyCase{
			{`{"price": 101}`, true},
			{`{"price": 100.1}`, true},
			{`{"price": [100, 50]}`, true},
			{`{"price": 100}`, false},
			{`{"price": 5e2}`, false},
		}},
		{`{"price_usd": [{"numeric": ["=", 301.5]}]}`, []bodyCase{
			{`{"price_usd": 301.5}`, true},
			{`{"price_usd": 3.015e2}`, true},
			{`{"price_usd": 3015E-1}`, true},
			{`{"price_usd": "301.5"}`, false},
			{`{"price_usd": 301.6}`, false},
		}},
		{`{"price_usd": [{"numeric": [">", 0, "<=", 150]}]}`, []bodyCase{
			{`{"price_usd": 150}`, true},
			{`{"price_usd": -0.5}`, false},
			{`{"price_usd": [-1, 20]}`, true},
			{`{"price_usd": 1e20}`, false},
		}},
		{`{"n": [100, true, false, null, "x"]}`, []bodyCase{
			{`{"n": 100}`, true},
			{`{"n": 1.00e2}`, true},
			{`{"n": "100"}`, false},
			{`{"n": true}`, true},
			{`{"n": false}`, true},
			{`{"n": null}`, true},
			{`{"n": "true"}`, false},
			{`{"n": "x"}`, true},
		}},
		{`{"store": [{"exists": true}]}`, []bodyCase{
			{`{"store": "fans", "customer_interests": ["baseball", "basketball"]}`, true},
			{`{"store": 0}`, true},
			{`{"store": false}`, true},
			{`{"customer_interests": ["baseball", "basketball"]}`, false},
			{`{"store": null}`, false},
			{`{"store": ""}`, false},
			{`{"store": []}`, false},
			// exists works on leaves only.
			{`{"store": {"name": "fans"}}`, false},
		}},
		{`{"store": [{"exists": false}]}`, []bodyCase{
			{`{"store": "fans", "customer_interests": ["baseball", "basketball"]}`, false},
			{`{"customer_interests": ["baseball", "basketball"]}`, true},
			{`{"store": {"name": "fans"}}`, true},
			{`{}`, false},
			{`{"a": {}, "b": []}`, false},
			{`not json`, false},
		}},
		{`{"source_ip": [{"cidr": "10.0.0.0/24"}]}`, []bodyCase{
			{`{"source_ip": "10.0.0.255"}`, true},
			{`{"source_ip": "10.1.1.0"}`, false},
			{`{"source_ip": ["1.1.1.1", "10.0.0.7"]}`, true},
		}},
		// Recorded against AWS: nested keys, exists on missing keys, and
		// bodies that are not JSON objects.
		{`{"object": {"key": [{"prefix": "auto-"}, "hardcodedvalue"], "nested_key": [{"exists": false}]}, "test": [{"exists": false}]}`, []bodyCase{
			{`{"object": {"key": "auto-test"}}`, true},
			{`{"object": {"key": "hardcodedvalue"}}`, true},
			{`{"object": {"key": "test-auto"}}`, false},
			{`{"object": {"key": "auto-test"}, "test": "just-exists"}`, false},
			{`{"object": {"key": "auto-test", "nested_key": "just-exists"}}`, false},
			{`{"object": {"test": "auto-test"}}`, false},
			{`{"test": "auto-test"}`, false},
			{`Regular string message`, false},
			{`"Regular string message"`, false},
		}},
		// Dotted keys and nested objects name the same paths.
		{`{"object.nested": ["string.value"]}`, []bodyCase{
			{`{"object": {"nested": "string.value"}}`, true},
			{`{"object.nested": "string.value"}`, true},
			{`{"object": {"nested": "test-auto"}}`, false},
			{`{"object": {"nestedx": "string.value"}}`, false},
		}},
		{`{"object.nested.test": ["string.value"]}`, []bodyCase{
			{`{"object": {"nested": {"test": "string.value"}}}`, true},
			{`{"object.nested.test": "string.value"}`, true},
			{`{"object.nested": {"test": "string.value"}}`, true},
			{`{"object": {"nested.test": "string.value"}}`, true},
			{`{"object": {"nested": {"test": "string.notvalue"}}}`, false},
		}},
		{`{"object": {"nested": {"test": ["string.value"]}}}`, []bodyCase{
			{`{"object.nested": {"test": "string.value"}}`, true},
		}},
		// Arrays, recorded against AWS.
		{`{"headers": {"route-to": ["queue1"]}}`, []bodyCase{
			{`{"headers": {"route-to": ["queue3"]}}`, false},
			{`{"headers": {"route-to": ["queue1"]}}`, true},
			{`{"headers": {"route-to": ["queue2"]}}`, false},
			{`{"headers": {"route-to": ["queue1", "queue2"]}}`, true},
		}},
		{`{"Records": {"s3": {"object": {"key": [{"prefix": "auto-"}]}}, "eventName": [{"prefix": "ObjectCreated:"}]}}`, []bodyCase{
			{`{"Records": [{"eventSource": "aws:s3", "eventName": "ObjectCreated:Put", "s3": {"object": [[{"key": "auto-insurance-2314.xml", "size": 17}]]}},
			               {"eventSource": "aws:s3", "eventName": "ObjectRemoved:Delete", "s3": {"object": {"key": "home-insurance-2314.xml", "size": 17}}}]}`, true},
			{`{"Records": [{"eventName": "ObjectRemoved:Delete", "s3": {"bucket": {"name": "b"}, "object": {"key": "auto-insurance-2314.xml"}}}]}`, false},
			{`{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "home-insurance-2314.xml"}}}]}`, false},
			{`{"Records": [{"eventName": "ObjectCreated:Put", "s3": {"bucket": {"name": "b"}, "object": {"key": "auto-insurance-2314.xml"}}}]}`, true},
		}},
		// ("metricName" || "namespace") && "detail.scope" && ("detail.source" || "detail.type").
		{`{"$or": [{"metricName": ["CPUUtilization", "ReadLatency"]}, {"namespace": ["AWS/EC2", "AWS/ES"]}],
		   "detail": {"scope": ["Service"], "$or": [{"source": ["aws.cloudwatch"]}, {"type": ["CloudWatch Alarm State Change"]}]}}`, []bodyCase{
			{`{"metricName": "CPUUtilization", "detail": {"scope": "aws.cloudwatch", "type": "CloudWatch Alarm State Change"}}`, false},
			{`{"metricName": "CPUUtilization", "detail": {"scope": "Service", "type": "CPUUtilization"}}`, false},
			{`{"metricName": "CPUUtilization", "detail": {"type": "CloudWatch Alarm State Change"}}`, false},
			{`{"metricName": "CPUUtilization", "detail": {"scope": "Service"}}`, false},
			{`{"metricName": "CPUUtilization", "scope": "Service"}`, false},
			{`{"metricName": "CPUUtilization", "detail": {"scope": "Service", "source": "aws.cloudwatch"}}`, true},
			{`{"metricName": "ReadLatency", "detail": {"scope": "Service", "source": "aws.cloudwatch"}}`, true},
			{`{"namespace": "AWS/EC2", "detail": {"scope": "Service", "source": "aws.cloudwatch"}}`, true},
			{`{"namespace": "AWS/ES", "detail": {"scope": "Service", "source": "aws.cloudwatch"}}`, true},
			{`{"metricName": "CPUUtilization", "detail": {"scope": "Service", "type": "CloudWatch Alarm State Change"}}`, true},
			{`{"metricName": "AWS/EC2", "detail": {"scope": "Service", "type": "CloudWatch Alarm State Change"}}`, false},
			{`{"namespace": "CPUUtilization", "detail": {"scope": "Service", "type": "CloudWatch Alarm State Change"}}`, false},
		}},
		// Nested "$or" inside an alternative.
		{`{"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization"]},
		   {"metricType": ["MetricType"], "namespace": ["AWS/EC2"], "$or": [{"metricId": [1234]}, {"spaceId": [1000]}]}, {"scope": ["Service"]}]}`, []bodyCase{
			{`{"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/EC2", "spaceId": 1000}`, true},
			{`{"source": "aws.cloudwatch", "metricType": "MetricType", "namespace": "AWS/EC2"}`, false},
			{`{"source": "aws.cloudwatch", "scope": "Service"}`, true},
		}},
		// A path that is both a key and the parent of another.
		{`{"$or": [{"a": ["x"]}, {"a": {"b": ["y"]}}]}`, []bodyCase{
			{`{"a": "x"}`, true},
			{`{"a": {"b": "y"}}`, true},
			{`{"a": ["x", {"b": "z"}]}`, true},
			{`{"a": {"b": "x"}}`, false},
		}},
		// Empty names are names too.
		{`{"": {"a": ["x"]}}`, []bodyCase{
			{`{"": {"a": "x"}}`, true},
			{`{".a": "x"}`, true},
			{`{"a": "x"}`, false},
		}},
		// JSON details: escapes in names and values, duplicate names.
		{`{"key": ["vé"]}`, []bodyCase{
			{`{"k\u0065y": "v\u00e9"}`, true},
			{`{"key": "x", "key": "vé"}`, true},
			{`{"key": "v\u00e8"}`, false},
		}},
		{`{"a": ["x"]}`, []bodyCase{
			{`[{"a": "x"}]`, false},
			{`{"a": "x"} trailing`, false},
			{`{"a": "x",}`, false},
			{`{"a": "x"`, false},
			{`{"a": "x", "b": [1, 2,]}`, false},
			{`{"a": "x", "b": tru}`, false},
			{`{"a": "x", "b": 01}`, false},
			{`{"a": "x", "b": "\q"}`, false},
			{``, false},
			{`{"a": "x", "b": ` + strings.Repeat("[", 1000) + strings.Repeat("]", 1000) + `}`, false},
			{`{"a": "x", "b": ` + strings.Repeat("[", 998) + strings.Repeat("]", 998) + `}`, true},
			{`{"a": ` + strings.Repeat("[", 998) + `"x"` + strings.Repeat("]", 998) + `}`, true},
			{`{"a": ` + strings.Repeat("[", 1000) + `"x"` + strings.Repeat("]", 1000) + `}`, false},
		}},
	} {
		p, err := Parse(tc.policy, MessageBody)
		if err != nil {
			t.Fatalf("Parse(%s): %v", tc.policy, err)
		}
		for _, c := range tc.cases {
			if got := p.MatchBody([]byte(c.body)); got != c.want {
				t.Errorf("%s\n  body %s: MatchBody = %v, want %v", tc.policy, c.body, got, c.want)
			}
		}
	}
}
