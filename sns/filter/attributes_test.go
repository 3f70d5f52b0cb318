package filter

import "testing"

func str(v string) Attribute    { return Attribute{Type: "String", Value: v} }
func num(v string) Attribute    { return Attribute{Type: "Number", Value: v} }
func strArr(v string) Attribute { return Attribute{Type: "String.Array", Value: v} }

type attrCase struct {
	name  string
	attrs map[string]Attribute
	want  bool
}

// The examples of AWS's filter policy pages, and the edges around them.
func TestMatchAttributes(t *testing.T) {
	for _, tc := range []struct {
		policy string
		cases  []attrCase
	}{
		{`{"customer_interests": ["rugby", "tennis"]}`, []attrCase{
			{"string rugby", map[string]Attribute{"customer_interests": str("rugby")}, true},
			{"string tennis", map[string]Attribute{"customer_interests": str("tennis")}, true},
			{"array", map[string]Attribute{"customer_interests": strArr(`["rugby", "tennis"]`)}, true},
			{"array with one", map[string]Attribute{"customer_interests": strArr(`["baseball", "tennis"]`)}, true},
			{"string baseball", map[string]Attribute{"customer_interests": str("baseball")}, false},
			{"array baseball", map[string]Attribute{"customer_interests": strArr(`["baseball"]`)}, false},
			{"case differs", map[string]Attribute{"customer_interests": str("Rugby")}, false},
			{"custom string type", map[string]Attribute{"customer_interests": {Type: "String.sport", Value: "rugby"}}, true},
			{"binary ignored", map[string]Attribute{"customer_interests": {Type: "Binary", Value: "rugby"}}, false},
			{"absent", map[string]Attribute{"other": str("rugby")}, false},
			{"none", nil, false},
			{"invalid array", map[string]Attribute{"customer_interests": strArr(`["rugby"`)}, false},
		}},
		{`{"n": [100, "100", true, null]}`, []attrCase{
			{"number", map[string]Attribute{"n": num("100")}, true},
			{"number written otherwise", map[string]Attribute{"n": num("1.0e2")}, true},
			{"string 100", map[string]Attribute{"n": str("100")}, true},
			{"string true is not true", map[string]Attribute{"n": str("true")}, false},
			{"array true", map[string]Attribute{"n": strArr(`[true]`)}, true},
			{"array null", map[string]Attribute{"n": strArr(`[null]`)}, true},
			{"array number", map[string]Attribute{"n": strArr(`[1e2]`)}, true},
			{"array false", map[string]Attribute{"n": strArr(`[false, 99]`)}, false},
		}},
		{`{"n": [100]}`, []attrCase{
			{"string 100 is not a number", map[string]Attribute{"n": str("100")}, false},
			{"number", map[string]Attribute{"n": num("100")}, true},
			{"custom number type", map[string]Attribute{"n": {Type: "Number.int", Value: "100"}}, true},
			{"array string", map[string]Attribute{"n": strArr(`["100"]`)}, false},
		}},
		{`{"customer_interests": [{"prefix": "bas"}]}`, []attrCase{
			{"baseball", map[string]Attribute{"customer_interests": str("baseball")}, true},
			{"basketball", map[string]Attribute{"customer_interests": str("basketball")}, true},
			{"rugby", map[string]Attribute{"customer_interests": str("rugby")}, false},
			{"array", map[string]Attribute{"customer_interests": strArr(`["rugby", "basketball"]`)}, true},
			{"number", map[string]Attribute{"customer_interests": num("5")}, false},
		}},
		{`{"customer_interests": [{"suffix": "ball"}]}`, []attrCase{
			{"baseball", map[string]Attribute{"customer_interests": str("baseball")}, true},
			{"rugby", map[string]Attribute{"customer_interests": str("rugby")}, false},
			{"array", map[string]Attribute{"customer_interests": strArr(`["rugby", "football"]`)}, true},
		}},
		{`{"customer_interests": [{"equals-ignore-case": "tennis"}]}`, []attrCase{
			{"TENNIS", map[string]Attribute{"customer_interests": str("TENNIS")}, true},
			{"Tennis", map[string]Attribute{"customer_interests": str("Tennis")}, true},
			{"baseball", map[string]Attribute{"customer_interests": str("baseball")}, false},
			{"array", map[string]Attribute{"customer_interests": strArr(`["Rugby", "TeNnIs"]`)}, true},
		}},
		{`{"customer_interests": [{"wildcard": "*ball"}], "store": [{"wildcard": "ex*_c*p"}]}`, []attrCase{
			{"both", map[string]Attribute{"customer_interests": str("baseball"), "store": str("example_corp")}, true},
			{"store wrong", map[string]Attribute{"customer_interests": str("baseball"), "store": str("example_inc")}, false},
			{"interest wrong", map[string]Attribute{"customer_interests": str("rugby"), "store": str("example_corp")}, false},
		}},
		{`{"customer_interests": [{"anything-but": ["rugby", "tennis"]}]}`, []attrCase{
			{"baseball", map[string]Attribute{"customer_interests": str("baseball")}, true},
			{"football", map[string]Attribute{"customer_interests": str("football")}, true},
			{"rugby", map[string]Attribute{"customer_interests": str("rugby")}, false},
			{"array without", map[string]Attribute{"customer_interests": strArr(`["baseball", "football"]`)}, true},
			// The String.Array rule: none of the elements may be listed.
			{"array with one listed", map[string]Attribute{"customer_interests": strArr(`["rugby", "baseball"]`)}, false},
			{"empty array", map[string]Attribute{"customer_interests": strArr(`[]`)}, false},
			{"number", map[string]Attribute{"customer_interests": num("5")}, true},
			{"absent", map[string]Attribute{"other": str("x")}, false},
		}},
		{`{"customer_interests": [{"anything-but": "rugby"}]}`, []attrCase{
			{"baseball", map[string]Attribute{"customer_interests": str("baseball")}, true},
			{"rugby", map[string]Attribute{"customer_interests": str("rugby")}, false},
		}},
		{`{"event": [{"anything-but": {"prefix": "order-"}}]}`, []attrCase{
			{"data-entry", map[string]Attribute{"event": str("data-entry")}, true},
			{"order_number", map[string]Attribute{"event": str("order_number")}, true},
			{"order-cancelled", map[string]Attribute{"event": str("order-cancelled")}, false},
			{"array with prefix", map[string]Attribute{"event": strArr(`["order-x", "data"]`)}, false},
			{"array without", map[string]Attribute{"event": strArr(`["order_x", "data"]`)}, true},
		}},
		{`{"price": [{"anything-but": [100, 500]}]}`, []attrCase{
			{"101", map[string]Attribute{"price": num("101")}, true},
			{"100.1", map[string]Attribute{"price": num("100.1")}, true},
			{"100", map[string]Attribute{"price": num("100")}, false},
			{"1e2", map[string]Attribute{"price": num("1e2")}, false},
			{"string 100", map[string]Attribute{"price": str("100")}, true},
		}},
		{`{"price_usd": [{"numeric": ["=", 301.5]}]}`, []attrCase{
			{"301.5", map[string]Attribute{"price_usd": num("301.5")}, true},
			{"3.015e2", map[string]Attribute{"price_usd": num("3.015e2")}, true},
			{"301.50000", map[string]Attribute{"price_usd": num("301.50000")}, true},
			{"301.51", map[string]Attribute{"price_usd": num("301.51")}, false},
			{"string", map[string]Attribute{"price_usd": str("301.5")}, false},
			{"array", map[string]Attribute{"price_usd": strArr(`[1, 301.5]`)}, true},
			{"not a number", map[string]Attribute{"price_usd": num("abc")}, false},
		}},
		{`{"price_usd": [{"numeric": ["<", 0]}]}`, []attrCase{
			{"-1", map[string]Attribute{"price_usd": num("-1")}, true},
			{"0", map[string]Attribute{"price_usd": num("0")}, false},
			{"beyond the range", map[string]Attribute{"price_usd": num("-2e9")}, false},
		}},
		{`{"price_usd": [{"numeric": [">", 0, "<=", 150]}]}`, []attrCase{
			{"150", map[string]Attribute{"price_usd": num("150")}, true},
			{"0.000001", map[string]Attribute{"price_usd": num("0.000001")}, true},
			{"0", map[string]Attribute{"price_usd": num("0")}, false},
			{"150.000001", map[string]Attribute{"price_usd": num("150.000001")}, false},
			{"-5", map[string]Attribute{"price_usd": num("-5")}, false},
		}},
		{`{"price_usd": [{"numeric": [">=", 10, "<", 20]}]}`, []attrCase{
			{"10", map[string]Attribute{"price_usd": num("10")}, true},
			{"19.99", map[string]Attribute{"price_usd": num("19.99")}, true},
			{"20", map[string]Attribute{"price_usd": num("20")}, false},
		}},
		{`{"store": [{"exists": true}]}`, []attrCase{
			{"present", map[string]Attribute{"store": str("fans"), "customer_interests": strArr(`["baseball", "basketball"]`)}, true},
			{"number", map[string]Attribute{"store": num("99")}, true},
			{"absent", map[string]Attribute{"customer_interests": strArr(`["baseball", "basketball"]`)}, false},
			{"empty value", map[string]Attribute{"store": str("")}, false},
			{"empty array", map[string]Attribute{"store": strArr(`[]`)}, false},
			{"array of null", map[string]Attribute{"store": strArr(`[null]`)}, false},
			{"binary", map[string]Attribute{"store": {Type: "Binary", Value: "AA=="}}, false},
		}},
		{`{"store": [{"exists": false}]}`, []attrCase{
			{"present", map[string]Attribute{"store": str("fans"), "customer_interests": strArr(`["baseball", "basketball"]`)}, false},
			{"absent", map[string]Attribute{"customer_interests": strArr(`["baseball", "basketball"]`)}, true},
			{"no attributes", map[string]Attribute{}, false},
			{"nil attributes", nil, false},
			{"only binary", map[string]Attribute{"other": {Type: "Binary", Value: "AA=="}}, false},
			{"binary store", map[string]Attribute{"store": {Type: "Binary", Value: "AA=="}, "def": num("99")}, true},
		}},
		{`{"store": [{"exists": false}, {"anything-but": "fans"}]}`, []attrCase{
			{"absent", map[string]Attribute{"def": num("1")}, true},
			{"other store", map[string]Attribute{"store": str("shop")}, true},
			{"fans", map[string]Attribute{"store": str("fans")}, false},
		}},
		{`{"attr1": [null, {"anything-but": "whatever"}]}`, []attrCase{
			{"no attributes", nil, false},
			{"something", map[string]Attribute{"attr1": str("x")}, true},
			{"whatever", map[string]Attribute{"attr1": str("whatever")}, false},
		}},
		{`{"source_ip": [{"cidr": "10.0.0.0/24"}]}`, []attrCase{
			{"10.0.0.0", map[string]Attribute{"source_ip": str("10.0.0.0")}, true},
			{"10.0.0.255", map[string]Attribute{"source_ip": str("10.0.0.255")}, true},
			{"leading zeros", map[string]Attribute{"source_ip": str("010.000.000.007")}, true},
			{"10.1.1.0", map[string]Attribute{"source_ip": str("10.1.1.0")}, false},
			{"mapped v6", map[string]Attribute{"source_ip": str("::ffff:a00:1")}, true},
			{"v6", map[string]Attribute{"source_ip": str("::1")}, false},
			{"hostname", map[string]Attribute{"source_ip": str("example.com")}, false},
			{"bad octet", map[string]Attribute{"source_ip": str("10.0.0.300")}, false},
			{"array", map[string]Attribute{"source_ip": strArr(`["192.168.0.1", "10.0.0.9"]`)}, true},
		}},
		// The range starts at the address as written, not at the network.
		{`{"ip": [{"cidr": "10.0.0.5/24"}]}`, []attrCase{
			{"10.0.0.4", map[string]Attribute{"ip": str("10.0.0.4")}, false},
			{"10.0.0.5", map[string]Attribute{"ip": str("10.0.0.5")}, true},
			{"10.0.0.255", map[string]Attribute{"ip": str("10.0.0.255")}, true},
		}},
		{`{"ip": [{"cidr": "2001:db8::/32"}]}`, []attrCase{
			{"inside", map[string]Attribute{"ip": str("2001:db8:ffff::1")}, true},
			{"upper case", map[string]Attribute{"ip": str("2001:DB8::1")}, true},
			{"outside", map[string]Attribute{"ip": str("2001:db9::1")}, false},
			{"v4", map[string]Attribute{"ip": str("10.0.0.1")}, false},
		}},
		// AND across keys, OR within a key.
		{`{"customer_interests": ["rugby"], "price_usd": [{"numeric": [">", 100]}]}`, []attrCase{
			{"both", map[string]Attribute{"customer_interests": str("rugby"), "price_usd": num("101")}, true},
			{"price low", map[string]Attribute{"customer_interests": str("rugby"), "price_usd": num("100")}, false},
			{"no price", map[string]Attribute{"customer_interests": str("rugby")}, false},
		}},
		// "source" && ("metricName" || "namespace").
		{`{"source": ["aws.cloudwatch"], "$or": [{"metricName": ["CPUUtilization"]}, {"namespace": ["AWS/EC2"]}]}`, []attrCase{
			{"metricName", map[string]Attribute{"source": str("aws.cloudwatch"), "metricName": str("CPUUtilization")}, true},
			{"namespace", map[string]Attribute{"source": str("aws.cloudwatch"), "namespace": str("AWS/EC2")}, true},
			{"neither", map[string]Attribute{"source": str("aws.cloudwatch"), "namespace": str("AWS/ES")}, false},
			{"no source", map[string]Attribute{"metricName": str("CPUUtilization")}, false},
		}},
		// A key after a "$or" is set in every alternative, overriding it.
		{`{"$or": [{"a": ["1"]}, {"b": ["1"]}], "a": ["2"]}`, []attrCase{
			{"a=2 alone", map[string]Attribute{"a": str("2")}, true},
			{"a=1", map[string]Attribute{"a": str("1")}, false},
			{"b=1 a=2", map[string]Attribute{"a": str("2"), "b": str("1")}, true},
		}},
		// "$or" that is not an OR is an attribute named "$or".
		{`{"$or": ["a", "b"]}`, []attrCase{
			{"named $or", map[string]Attribute{"$or": str("b")}, true},
			{"other", map[string]Attribute{"x": str("a")}, false},
		}},
		// A later duplicate key wins.
		{`{"a": ["x"], "a": ["y"]}`, []attrCase{
			{"y", map[string]Attribute{"a": str("y")}, true},
			{"x", map[string]Attribute{"a": str("x")}, false},
		}},
		// String attributes must be matched double-escaped; String.Array
		// elements are plain JSON strings.
		{`{"a": ["say \\\"hi\\\""]}`, []attrCase{
			{"string with quotes", map[string]Attribute{"a": str(`say "hi"`)}, true},
			{"array with quotes", map[string]Attribute{"a": strArr(`["say \\\"hi\\\""]`)}, true},
		}},
		{`{"a": ["say \"hi\""]}`, []attrCase{
			{"string with quotes", map[string]Attribute{"a": str(`say "hi"`)}, false},
			{"array with quotes", map[string]Attribute{"a": strArr(`["say \"hi\""]`)}, true},
		}},
		{`{"a": ["C:\\\\dir"]}`, []attrCase{
			{"backslash", map[string]Attribute{"a": str(`C:\dir`)}, true},
		}},
		{`{"a": ["line\\nbreak"]}`, []attrCase{
			{"newline", map[string]Attribute{"a": str("line\nbreak")}, true},
		}},
		{"{\"a\": [\"\\u00e9t\\u00e9\", \"\\ud83d\\ude00\"]}", []attrCase{
			{"accented", map[string]Attribute{"a": str("été")}, true},
			{"emoji in array", map[string]Attribute{"a": strArr(`["\ud83d\ude00"]`)}, true},
		}},
		// Nested arrays in String.Array are flattened; objects ignored.
		{`{"a": ["x"]}`, []attrCase{
			{"nested array", map[string]Attribute{"a": strArr(`[["y", ["x"]]]`)}, true},
			{"object element", map[string]Attribute{"a": strArr(`[{"b": "x"}]`)}, false},
		}},
	} {
		for _, scope := range []Scope{MessageAttributes} {
			p, err := Parse(tc.policy, scope)
			if err != nil {
				t.Fatalf("Parse(%s): %v", tc.policy, err)
			}
			for _, c := range tc.cases {
				if got := p.MatchAttributes(c.attrs); got != c.want {
					t.Errorf("%s: %s: MatchAttributes = %v, want %v", tc.policy, c.name, got, c.want)
				}
			}
		}
	}
}

func TestMatchWrongScope(t *testing.T) {
	attrs := map[string]Attribute{"a": str("x")}
	body := []byte(`{"a": "x"}`)
	p, err := Parse(`{"a": ["x"]}`, MessageBody)
	if err != nil {
		t.Fatal(err)
	}
	if p.MatchAttributes(attrs) || !p.MatchBody(body) {
		t.Error("a MessageBody policy matches bodies only")
	}
	p, err = Parse(`{"a": ["x"]}`, MessageAttributes)
	if err != nil {
		t.Fatal(err)
	}
	if !p.MatchAttributes(attrs) || p.MatchBody(body) {
		t.Error("a MessageAttributes policy matches attributes only")
	}
}
