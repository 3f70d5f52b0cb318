package filter

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

func TestParseScope(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Scope
		err  string
	}{
		{"", MessageAttributes, ""},
		{"MessageAttributes", MessageAttributes, ""},
		{"MessageBody", MessageBody, ""},
		{"RandomValue", 0, "FilterPolicyScope: Invalid value [RandomValue]. Please use either MessageBody or MessageAttributes"},
		{"messagebody", 0, "FilterPolicyScope: Invalid value [messagebody]. Please use either MessageBody or MessageAttributes"},
	} {
		got, err := ParseScope(tc.in)
		if tc.err != "" {
			if err == nil || err.Error() != tc.err {
				t.Errorf("ParseScope(%q) error = %v, want %q", tc.in, err, tc.err)
			}
			continue
		}
		if err != nil || got != tc.want {
			t.Errorf("ParseScope(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if tc.in != "" && got.String() != tc.in {
			t.Errorf("%v.String() = %q", got, got.String())
		}
	}
}

func TestParseEmpty(t *testing.T) {
	p, err := Parse("", MessageBody)
	if p != nil || err != nil {
		t.Fatalf(`Parse("") = %v, %v; want no policy`, p, err)
	}
	if !p.MatchAttributes(nil) || !p.MatchBody([]byte("not json")) || p.Scope() != MessageAttributes {
		t.Error("a nil policy must match everything")
	}
	for _, doc := range []string{"{}", " { } "} {
		for _, scope := range []Scope{MessageAttributes, MessageBody} {
			p, err := Parse(doc, scope)
			if err != nil || p == nil {
				t.Fatalf("Parse(%q) = %v, %v", doc, p, err)
			}
			if p.Scope() != scope || !p.MatchAttributes(nil) || !p.MatchBody([]byte("plain text")) {
				t.Errorf("Parse(%q, %v) must match everything", doc, scope)
			}
		}
	}
}

// Valid policies, including every example of AWS's filter policy pages.
func TestParseValid(t *testing.T) {
	for _, tc := range []struct {
		scope Scope
		doc   string
	}{
		{MessageAttributes, `{"customer_interests": ["rugby", "tennis"]}`},
		{MessageAttributes, `{"customer_interests": [{"prefix": "bas"}]}`},
		{MessageAttributes, `{"customer_interests": [{"suffix": "ball"}]}`},
		{MessageAttributes, `{"customer_interests": [{"equals-ignore-case": "tennis"}]}`},
		{MessageAttributes, `{"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}`},
		{MessageAttributes, `{"customer_interests": [{"anything-but": "rugby"}]}`},
		{MessageAttributes, `{"event": [{"anything-but": {"prefix": "order-"}}]}`},
		{MessageAttributes, `{"price": [{"anything-but": [100, 500]}]}`},
		{MessageAttributes, `{"price": [{"anything-but": 100}]}`},
		{MessageAttributes, `{"source_ip": [{"cidr": "10.0.0.0/24"}]}`},
		{MessageAttributes, `{"source_ip": [{"cidr": "2001:db8::/32"}]}`},
		{MessageAttributes, `{"price_usd": [{"numeric": ["=", 301.5]}]}`},
		{MessageAttributes, `{"price_usd": [{"numeric": ["<", 0]}]}`},
		{MessageAttributes, `{"price_usd": [{"numeric": [">", 0, "<=", 150]}]}`},
		{MessageAttributes, `{"price_usd": [{"numeric": [">=", -1000000000, "<", 1000000000]}]}`},
		{MessageAttributes, `{"store": [{"exists": true}]}`},
		{MessageAttributes, `{"store": [{"exists": false}]}`},
		{MessageAttributes, `{"customer_interests": [{"wildcard": "*ball"}]}`},
		{MessageAttributes, `{"file": [{"wildcard": "a\\*b\\\\c*"}]}`},
		{MessageAttributes, `{"attr1": [null, {"anything-but": "whatever"}]}`},
		{MessageAttributes, `{"flag": [true, false, null, 1, "x"]}`},
		{MessageAttributes, `{"customer_interests": ["rugby"], "price_usd": [{"numeric": [">", 100]}]}`},
		{MessageAttributes, `{"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}]}`},
		// "$or" that is not an OR is an ordinary key.
		{MessageAttributes, `{"$or": ["a", "b"]}`},
		{MessageBody, `{"$or": {"metricType": ["MetricType"]}}`},
		// The AWS-validated 150-combination policy.
		{MessageAttributes, `{"source": ["aws.cloudwatch", "aws.events", "aws.test"],
			"$or": [{"metricName": ["CPUUtilization", "ReadLatency", "TestVal", "TestVal2", "TestVal3", "TestVal4"]},
			        {"metricType": ["MetricType", "TestType", "TestType2", "TestType3"],
			         "$or": [{"metricId": [1234, 4321, 5678, 9012]}, {"spaceId": [1, 2, 3, 4, 5, 6, 7]}]}]}`},
		{MessageBody, `{"object": {"key": [{"prefix": "auto-"}, "hardcodedvalue"], "nested_key": [{"exists": false}]}, "test": [{"exists": false}]}`},
		{MessageBody, `{"Records": {"s3": {"object": {"key": [{"prefix": "auto-"}]}}, "eventName": [{"prefix": "ObjectCreated:"}]}}`},
		{MessageBody, `{"object.nested": ["string.value"]}`},
		{MessageBody, `{"key_a": {"key_b": {"key_c": ["value_one", "value_two", "value_three", "value_four"]}}, "key_d": {"key_e": ["value_one", "value_two", "value_three"]}}`},
		// Duplicate keys are allowed; the last one counts.
		{MessageAttributes, `{"a": ["x"], "a": ["y"]}`},
		{MessageAttributes, `{"a": [{"numeric": [">", 1, "<", 1.000001]}]}`},
		{MessageAttributes, `{"a": [{"prefix": ""}]}`},
		{MessageAttributes, "{\"a\": [\"\\u00e9\\ud83d\\ude00\"]}"},
	} {
		if _, err := Parse(tc.doc, tc.scope); err != nil {
			t.Errorf("Parse(%s, %v): %v", tc.doc, tc.scope, err)
		}
	}
}

// Every refusal, with its message. The ones SNS was seen to return are
// marked "AWS".
func TestParseErrors(t *testing.T) {
	manyValues := func(key string, n int) string {
		vals := make([]string, n)
		for i := range vals {
			vals[i] = fmt.Sprintf(`"value%d"`, i)
		}
		return fmt.Sprintf("%q: [%s]", key, strings.Join(vals, ","))
	}
	for _, tc := range []struct {
		name  string
		scope Scope
		doc   string
		want  string
	}{
		// Limits (AWS).
		{"151 values", MessageAttributes, "{" + manyValues("key", 151) + "}", "FilterPolicy: Filter policy is too complex"},
		{"100 x 51", MessageAttributes, "{" + manyValues("key1", 100) + "," + manyValues("key2", 51) + "}", "FilterPolicy: Filter policy is too complex"},
		{"six keys", MessageAttributes, `{"key1":["v"],"key2":["v"],"key3":["v"],"key4":["v"],"key5":["v"],"key6":["v"]}`, "FilterPolicy: Filter policy can not have more than 5 keys"},
		{"six keys in body", MessageBody, `{"key_a":["v"],"key_b":["v"],"key_c":["v"],"key_d":["v"],"key_e":["v"],"key_f":["v"]}`, "FilterPolicy: Filter policy can not have more than 5 keys"},
		{"nested 216", MessageBody, `{"key_a": {"key_b": {"key_c": ["value_one", "value_two", "value_three", "value_four"]}},
			"key_d": {"key_e": ["value_one", "value_two", "value_three"]}, "key_f": ["value_one", "value_two", "value_three"]}`, "FilterPolicy: Filter policy is too complex"},
		// (4 * 6) + (4 * 4 * 4) + (4 * 4 * 4) = 152
		{"$or 152", MessageAttributes, `{"source": ["aws.cloudwatch", "aws.events", "aws.test", "aws.test2"],
			"$or": [{"metricName": ["CPUUtilization", "ReadLatency", "t1", "t2", "t3", "t4"]},
			        {"metricType": ["MetricType", "TestType", "TestType2", "TestType3"],
			         "$or": [{"metricId": [1234, 4321, 5678, 9012]}, {"spaceId": [1, 2, 3, 4]}]}]}`, "FilterPolicy: Filter policy is too complex"},
		// (3 + 2) * (2*2) * (1*2 + 3*2) = 160
		{"nested $or 160", MessageBody, `{"$or": [{"metricName": ["CPUUtilization", "ReadLatency", "TestValue"]}, {"namespace": ["AWS/EC2", "AWS/ES"]}],
			"detail": {"scope": ["Service", "Test"], "$or": [{"source": ["aws.cloudwatch"]}, {"type": ["CloudWatch Alarm State Change", "TestValue", "TestValue2"]}]}}`, "FilterPolicy: Filter policy is too complex"},
		{"many $or", MessageBody, `{"a":{"$or":[{"x":["1"]},{"y":["1"]}]},"b":{"$or":[{"x":["1"]},{"y":["1"]}]},"c":{"$or":[{"x":["1"]},{"y":["1"]}]},"d":{"$or":[{"x":["1"]},{"y":["1"]}]},"e":{"$or":[{"x":["1"]},{"y":["1"]}]}}`, "FilterPolicy: Filter policy is too complex"},
		{"too long", MessageAttributes, `{"a": ["` + strings.Repeat("x", maxPolicyBytes) + `"]}`, "FilterPolicy: Filter policy is too long"},

		// Shape (AWS).
		{"nested in attributes", MessageAttributes, `{"object": {"key": [{"prefix": "auto-"}]}}`, "Filter policy scope MessageAttributes does not support nested filter policy"},
		{"nested in $or in attributes", MessageAttributes, `{"$or": [{"a": {"b": ["x"]}}, {"c": ["y"]}]}`, "Filter policy scope MessageAttributes does not support nested filter policy"},
		{"not a list", MessageBody, `{"key_a": "value_one"}`, `FilterPolicy: "key_a" must be an object or an array`},
		{"object with operator", MessageAttributes, `{"key": {"suffix": "value"}}`, `FilterPolicy: "suffix" must be an object or an array`},
		{"object with two operators", MessageAttributes, `{"key": {"suffix": "value", "prefix": "value"}}`, `FilterPolicy: "suffix" must be an object or an array`},
		{"object with no operator", MessageAttributes, `{"key": {"not-an-operator": "value"}}`, `FilterPolicy: "not-an-operator" must be an object or an array`},
		{"empty array", MessageAttributes, `{"Amount": []}`, "FilterPolicy: Empty arrays are not allowed"},
		{"empty nested object", MessageBody, `{"a": {}}`, "FilterPolicy: Empty objects are not allowed"},
		{"empty $or alternative", MessageBody, `{"$or": [{}, {"a": ["x"]}]}`, "FilterPolicy: Empty objects are not allowed"},
		{"reserved name in $or", MessageBody, `{"$or": [{"a": {"prefix": ["x"]}}, {"b": ["y"]}]}`, "FilterPolicy: prefix is Ruler reserved fieldName which cannot be used inside $or."},
		{"not an object", MessageAttributes, `["a"]`, "FilterPolicy: Filter is not an object"},
		{"string policy", MessageAttributes, `"a"`, "FilterPolicy: Filter is not an object"},

		// Match values (AWS).
		{"nested list", MessageAttributes, `{"key": [["value"]]}`, "FilterPolicy: Match value must be String, number, true, false, or null"},
		{"wrong operator", MessageAttributes, `{"key": [{"wrong-operator": true}]}`, "FilterPolicy: Unrecognized match type wrong-operator"},
		{"exactly", MessageAttributes, `{"key": [{"exactly": "x"}]}`, "FilterPolicy: Unrecognized match type exactly"},
		{"two operators", MessageAttributes, `{"key": [{"suffix": "value", "prefix": "value2"}]}`, "FilterPolicy: Only one key allowed in match expression"},
		{"empty expression", MessageAttributes, `{"key": [{}]}`, "FilterPolicy: Match expression name not found"},
		{"$or with reserved names is a key", MessageAttributes, `{"$or": [{"numeric": 123}, {"prefix": "abc"}]}`, "FilterPolicy: Value of numeric must be an array."},
		{"$or with one object is a key", MessageAttributes, `{"$or": [{"a": ["x"]}]}`, "FilterPolicy: Unrecognized match type a"},
		{"plain number too big", MessageAttributes, `{"account": [123456789012]}`, "FilterPolicy: Value must be between -1.0E9 and 1.0E9, inclusive"},

		// String operators (AWS).
		{"suffix number", MessageAttributes, `{"key": [{"suffix": 100}]}`, "FilterPolicy: suffix match pattern must be a string"},
		{"suffix null", MessageAttributes, `{"key": [{"suffix": null}]}`, "FilterPolicy: suffix match pattern must be a string"},
		{"suffix empty list", MessageAttributes, `{"key": [{"suffix": []}]}`, "FilterPolicy: suffix match pattern must be a string"},
		{"suffix list", MessageAttributes, `{"key": [{"suffix": ["test", "test2"]}]}`, "FilterPolicy: suffix match pattern must be a string"},
		{"prefix number", MessageAttributes, `{"key": [{"prefix": 1}]}`, "FilterPolicy: prefix match pattern must be a string"},
		{"equals-ignore-case number", MessageAttributes, `{"key": [{"equals-ignore-case": 1}]}`, "FilterPolicy: equals-ignore-case match pattern must be a string"},
		{"wildcard number", MessageAttributes, `{"key": [{"wildcard": 1}]}`, "FilterPolicy: wildcard match pattern must be a string"},
		{"prefix and more", MessageAttributes, `{"key": [{"prefix": "a", "x": 1}]}`, "FilterPolicy: Only one key allowed in match expression"},

		// wildcard (Event Ruler).
		{"consecutive wildcards", MessageAttributes, `{"key": [{"wildcard": "a**b"}]}`, "FilterPolicy: Consecutive wildcard characters at pos 1"},
		{"bad escape", MessageAttributes, `{"key": [{"wildcard": "ab\\c"}]}`, "FilterPolicy: Invalid escape character at pos 2"},
		{"trailing backslash", MessageAttributes, `{"key": [{"wildcard": "é\\"}]}`, "FilterPolicy: Invalid escape character at pos 2"},

		// anything-but (AWS).
		{"anything-but wrong operator", MessageAttributes, `{"key": [{"anything-but": {"wrong-operator": null}}]}`, "FilterPolicy: Unsupported anything-but pattern: wrong-operator"},
		{"anything-but suffix", MessageAttributes, `{"key": [{"anything-but": {"suffix": "test"}}]}`, "FilterPolicy: Unsupported anything-but pattern: suffix"},
		{"anything-but exists", MessageAttributes, `{"key": [{"anything-but": {"exists": false}}]}`, "FilterPolicy: Unsupported anything-but pattern: exists"},
		{"anything-but wildcard", MessageAttributes, `{"key": [{"anything-but": {"wildcard": "a*"}}]}`, "FilterPolicy: Unsupported anything-but pattern: wildcard"},
		{"anything-but prefix false", MessageAttributes, `{"key": [{"anything-but": {"prefix": false}}]}`, "FilterPolicy: prefix match pattern must be a string"},
		// anything-but (Event Ruler).
		{"anything-but empty object", MessageAttributes, `{"key": [{"anything-but": {}}]}`, "FilterPolicy: Anything-But expression name not found"},
		{"anything-but empty prefix", MessageAttributes, `{"key": [{"anything-but": {"prefix": ""}}]}`, "FilterPolicy: Null prefix not allowed"},
		{"anything-but prefix and more", MessageAttributes, `{"key": [{"anything-but": {"prefix": "a", "b": 1}}]}`, "FilterPolicy: Only one key allowed in match expression"},
		{"anything-but then more", MessageAttributes, `{"key": [{"anything-but": {"prefix": "a"}, "b": 1}]}`, "FilterPolicy: Only one key allowed in match expression"},
		{"anything-but list then more", MessageAttributes, `{"key": [{"anything-but": ["a"], "b": 1}]}`, "FilterPolicy: Too many elements in numeric expression"},
		{"anything-but null", MessageAttributes, `{"key": [{"anything-but": null}]}`, "FilterPolicy: Value of anything-but must be an array or single string/number value."},
		{"anything-but true", MessageAttributes, `{"key": [{"anything-but": true}]}`, "FilterPolicy: Value of anything-but must be an array or single string/number value."},
		{"anything-but list with null", MessageAttributes, `{"key": [{"anything-but": ["a", null]}]}`, "FilterPolicy: Inside anything but list, start|null|boolean is not supported."},
		{"anything-but list with list", MessageAttributes, `{"key": [{"anything-but": [["a"]]}]}`, "FilterPolicy: Inside anything but list, start|null|boolean is not supported."},
		{"anything-but mixed", MessageAttributes, `{"key": [{"anything-but": ["a", 1]}]}`, "FilterPolicy: Inside anything but list, either all values are number or string, mixed type is not supported"},
		{"anything-but empty list", MessageAttributes, `{"key": [{"anything-but": []}]}`, "FilterPolicy: Inside anything but list, either all values are number or string, mixed type is not supported"},
		{"anything-but number too big", MessageAttributes, `{"key": [{"anything-but": [1e10]}]}`, "FilterPolicy: Value must be between -1.0E9 and 1.0E9, inclusive"},
		{"anything-but single number too big", MessageAttributes, `{"key": [{"anything-but": -2e9}]}`, "FilterPolicy: Value must be between -1.0E9 and 1.0E9, inclusive"},

		// exists (AWS).
		{"exists null", MessageAttributes, `{"key": [{"exists": null}]}`, "FilterPolicy: exists match pattern must be either true or false."},
		{"exists string", MessageAttributes, `{"key": [{"exists": "no"}]}`, "FilterPolicy: exists match pattern must be either true or false."},
		{"exists and more", MessageAttributes, `{"key": [{"exists": true, "x": 1}]}`, "FilterPolicy: Only one key allowed in match expression"},

		// numeric (AWS).
		{"numeric empty", MessageAttributes, `{"key": [{"numeric": []}]}`, "FilterPolicy: Invalid member in numeric match: ]"},
		{"numeric wrong operator", MessageAttributes, `{"key": [{"numeric": ["operator"]}]}`, "FilterPolicy: Unrecognized numeric range operator: operator"},
		{"numeric operator order", MessageAttributes, `{"key": [{"numeric": [1, "<="]}]}`, "FilterPolicy: Invalid member in numeric match: 1"},
		{"numeric string value", MessageAttributes, `{"key": [{"numeric": ["=", "000"]}]}`, "FilterPolicy: Value of equals must be numeric"},
		{"numeric missing value", MessageAttributes, `{"key": [{"numeric": [">="]}]}`, "FilterPolicy: Value of >= must be numeric"},
		{"numeric range order", MessageAttributes, `{"key": [{"numeric": ["<", 100, ">", 10]}]}`, "FilterPolicy: Too many elements in numeric expression"},
		{"numeric range operators", MessageAttributes, `{"key": [{"numeric": [">=", 1, ">", 2]}]}`, "FilterPolicy: Bad numeric range operator: >"},
		{"numeric bottom above top", MessageAttributes, `{"key": [{"numeric": [">", 3, "<", 1]}]}`, "FilterPolicy: Bottom must be less than top"},
		{"numeric missing range value", MessageAttributes, `{"key": [{"numeric": [">", 20, "<="]}]}`, "FilterPolicy: Value of <= must be numeric"},
		{"numeric missing range operator", MessageAttributes, `{"key": [{"numeric": [">", 20, 30]}]}`, "FilterPolicy: Bad value in numeric range: 30"},
		{"numeric wrong second operator", MessageAttributes, `{"key": [{"numeric": [">", 20, "test"]}]}`, "FilterPolicy: Bad numeric range operator: test"},
		{"numeric range value 1 type", MessageAttributes, `{"key": [{"numeric": [">", "20", "<", "30"]}]}`, "FilterPolicy: Value of > must be numeric"},
		{"numeric range value 2 type", MessageAttributes, `{"key": [{"numeric": [">", 20, "<", "30"]}]}`, "FilterPolicy: Value of < must be numeric"},
		{"numeric too many terms", MessageAttributes, `{"key": [{"numeric": [">", 20, "<", 30, "<", 50]}]}`, "FilterPolicy: Too many terms in numeric range expression"},
		// numeric (Event Ruler).
		{"numeric not array", MessageAttributes, `{"key": [{"numeric": 5}]}`, "FilterPolicy: Value of numeric must be an array."},
		{"numeric null member", MessageAttributes, `{"key": [{"numeric": [null]}]}`, "FilterPolicy: Invalid member in numeric match: null"},
		{"numeric object member", MessageAttributes, `{"key": [{"numeric": [{}]}]}`, "FilterPolicy: Invalid member in numeric match: {"},
		{"numeric equal extra", MessageAttributes, `{"key": [{"numeric": ["=", 1, 2]}]}`, "FilterPolicy: Too many elements in numeric expression"},
		{"numeric range object value", MessageAttributes, `{"key": [{"numeric": [">", 1, ["<"]]}]}`, "FilterPolicy: Bad value in numeric range: ["},
		{"numeric equal bounds", MessageAttributes, `{"key": [{"numeric": [">=", 1, "<=", 1]}]}`, "FilterPolicy: Bottom must be less than top"},
		{"numeric then more", MessageAttributes, `{"key": [{"numeric": ["=", 1], "x": 1}]}`, "FilterPolicy: Too many elements in numeric expression"},
		{"numeric too big", MessageAttributes, `{"key": [{"numeric": ["<", 1000000001]}]}`, "FilterPolicy: Value must be between -1.0E9 and 1.0E9, inclusive"},
		{"numeric range too big", MessageAttributes, `{"key": [{"numeric": [">", 0, "<", 1e300]}]}`, "FilterPolicy: Value must be between -1.0E9 and 1.0E9, inclusive"},
		{"numeric overflow", MessageAttributes, `{"key": [{"numeric": ["=", 1e400]}]}`, "FilterPolicy: Value must be between -1.0E9 and 1.0E9, inclusive"},

		// cidr (Event Ruler).
		{"cidr number", MessageAttributes, `{"ip": [{"cidr": 10}]}`, "FilterPolicy: prefix match pattern must be a string"},
		{"cidr without slash", MessageAttributes, `{"ip": [{"cidr": "10.0.0.0"}]}`, "FilterPolicy: Malformed CIDR, one '/' required"},
		{"cidr trailing slash", MessageAttributes, `{"ip": [{"cidr": "10.0.0.0/"}]}`, "FilterPolicy: Malformed CIDR, one '/' required"},
		{"cidr two slashes", MessageAttributes, `{"ip": [{"cidr": "10.0.0.0/8/8"}]}`, "FilterPolicy: Malformed CIDR, one '/' required"},
		{"cidr mask not int", MessageAttributes, `{"ip": [{"cidr": "10.0.0.0/x"}]}`, "FilterPolicy: Malformed CIDR, mask bits must be an integer"},
		{"cidr negative mask", MessageAttributes, `{"ip": [{"cidr": "10.0.0.0/-1"}]}`, "FilterPolicy: Malformed CIDR, mask bits must not be negative"},
		{"cidr v4 mask 32", MessageAttributes, `{"ip": [{"cidr": "10.0.0.1/32"}]}`, "FilterPolicy: IPv4 mask bits must be < 32"},
		{"cidr v6 mask 128", MessageAttributes, `{"ip": [{"cidr": "::1/128"}]}`, "FilterPolicy: IPv6 mask bits must be < 128"},
		{"cidr hostname", MessageAttributes, `{"ip": [{"cidr": "example.com/8"}]}`, "FilterPolicy: Nonstandard IP address: example.com"},
		{"cidr bad v4", MessageAttributes, `{"ip": [{"cidr": "10.0.0.256/8"}]}`, "FilterPolicy: Invalid IP address: 10.0.0.256"},
		{"cidr bad v6", MessageAttributes, `{"ip": [{"cidr": "1:2:3/64"}]}`, "FilterPolicy: Invalid IP address: 1:2:3"},
		{"cidr and more", MessageAttributes, `{"ip": [{"cidr": "10.0.0.0/8", "x": 1}]}`, "FilterPolicy: Only one key allowed in match expression"},

		// JSON syntax (written after Jackson's messages).
		{"whitespace", MessageAttributes, "  ", "FilterPolicy: No content to map due to end-of-input"},
		{"unclosed object", MessageAttributes, `{"a": ["b"]`, "FilterPolicy: Unexpected end-of-input: expected close marker for Object"},
		{"unclosed array", MessageAttributes, `{"a": ["b"`, "FilterPolicy: Unexpected end-of-input: expected close marker for Array"},
		{"unclosed string", MessageAttributes, `{"a": ["b`, "FilterPolicy: Unexpected end-of-input: was expecting closing quote for a string value"},
		{"unquoted name", MessageAttributes, `{a: ["b"]}`, "FilterPolicy: Unexpected character ('a' (code 97)): was expecting double-quote to start field name"},
		{"trailing comma", MessageAttributes, `{"a": ["b"],}`, "FilterPolicy: Unexpected character ('}' (code 125)): was expecting double-quote to start field name"},
		{"missing colon", MessageAttributes, `{"a" ["b"]}`, "FilterPolicy: Unexpected character ('[' (code 91)): was expecting a colon to separate field name and value"},
		{"missing comma", MessageAttributes, `{"a": ["b" "c"]}`, "FilterPolicy: Unexpected character ('\"' (code 34)): was expecting comma to separate Array entries"},
		{"wrong close", MessageAttributes, `{"a": ["b"}`, "FilterPolicy: Unexpected close marker '}': expected ']'"},
		{"bad token", MessageAttributes, `{"a": [tru]}`, "FilterPolicy: Unrecognized token 'tru': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"},
		{"bad value", MessageAttributes, `{"a": [+1]}`, "FilterPolicy: Unexpected character ('+' (code 43)): expected a valid value (JSON String, Number, Array, Object or token 'null', 'true' or 'false')"},
		{"leading zero", MessageAttributes, `{"a": [01]}`, "FilterPolicy: Invalid numeric value: Leading zeroes not allowed"},
		{"bad fraction", MessageAttributes, `{"a": [1.]}`, "FilterPolicy: Invalid numeric value: Decimal point not followed by a digit"},
		{"bad escape in string", MessageAttributes, `{"a": ["\x"]}`, "FilterPolicy: Unrecognized character escape 'x' (code 120)"},
		{"control character", MessageAttributes, "{\"a\": [\"b\nc\"]}", "FilterPolicy: Illegal unquoted character ((CTRL-CHAR, code 10)): has to be escaped using backslash to be included in string value"},
		{"trailing content", MessageAttributes, `{"a": ["b"]} x`, "FilterPolicy: Unexpected character ('x' (code 120)): expected end of input"},
		{"invalid UTF-8", MessageAttributes, "{\"a\": [\"\xff\"]}", "FilterPolicy: Invalid UTF-8 start byte 0xff"},
		{"too deep", MessageBody, strings.Repeat(`{"a":`, 1001) + `["x"]` + strings.Repeat("}", 1001), "FilterPolicy: Document nesting depth (1001) exceeds the maximum allowed (1000, from `StreamReadConstraints.getMaxNestingDepth()`)"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.doc, tc.scope)
			if err == nil {
				t.Fatalf("Parse accepted %s", tc.doc)
			}
			if p != nil {
				t.Error("Parse returned a policy with its error")
			}
			if err.Error() != tc.want {
				t.Errorf("Parse error\n got: %s\nwant: %s", err, tc.want)
			}
			var fe *Error
			if !errors.As(err, &fe) {
				t.Fatalf("error is %T, want *Error", err)
			}
			if fe.Internal != (tc.name == "plain number too big") {
				t.Errorf("Internal = %v", fe.Internal)
			}
		})
	}
}

func TestCombinations(t *testing.T) {
	for _, tc := range []struct {
		doc  string
		want int
	}{
		// The example of AWS's constraints page: 3 x 1 x 2.
		{`{"key_a": ["value_one", "value_two", "value_three"], "key_b": ["value_one"], "key_c": ["value_one", "value_two"]}`, 6},
		// Nested keys count their depth: (4 x 3) x (3 x 2).
		{`{"key_a": {"key_b": {"key_c": ["value_one", "value_two", "value_three", "value_four"]}}, "key_d": {"key_e": ["value_one", "value_two", "value_three"]}}`, 72},
		{`{"source": ["a", "b", "c"], "$or": [{"metricName": ["1", "2", "3", "4", "5", "6"]}, {"metricType": ["1", "2", "3", "4"], "$or": [{"metricId": [1, 2, 3, 4]}, {"spaceId": [1, 2, 3, 4, 5, 6, 7]}]}]}`, 150},
	} {
		root, err := parsePolicyJSON(tc.doc)
		if err != nil {
			t.Fatal(err)
		}
		if got := combinations(root, 1); got != tc.want {
			t.Errorf("combinations(%s) = %d, want %d", tc.doc, got, tc.want)
		}
	}
}
