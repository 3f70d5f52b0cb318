package conformance

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	snstypes "github.com/aws/aws-sdk-go-v2/service/sns/types"
)

// filterMessage is one message a filter case publishes.
type filterMessage struct {
	body  string
	attrs map[string]snstypes.MessageAttributeValue
}

func strAttr(v string) snstypes.MessageAttributeValue {
	return snstypes.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
}

func numAttr(v string) snstypes.MessageAttributeValue {
	return snstypes.MessageAttributeValue{DataType: aws.String("Number"), StringValue: aws.String(v)}
}

func arrayAttr(v string) snstypes.MessageAttributeValue {
	return snstypes.MessageAttributeValue{DataType: aws.String("String.Array"), StringValue: aws.String(v)}
}

func attrMessage(body string, attrs ...any) filterMessage {
	m := filterMessage{body: body, attrs: map[string]snstypes.MessageAttributeValue{}}
	for i := 0; i < len(attrs); i += 2 {
		m.attrs[attrs[i].(string)] = attrs[i+1].(snstypes.MessageAttributeValue)
	}
	return m
}

func bodyMessage(body string) filterMessage { return filterMessage{body: body} }

// TestSNSFilterPolicyOperators runs every operator of "Amazon SNS
// subscription filter policies"
// (https://docs.aws.amazon.com/sns/latest/dg/sns-subscription-filter-policies.html)
// through a real subscription: per case, a topic with one raw-delivery
// queue subscription holding the policy, one message published that the
// policy lets through and one it does not. Exactly the first arrives; the
// second, once every delivery in flight has been made, has not.
func TestSNSFilterPolicyOperators(t *testing.T) {
	t.Parallel()
	f := startIdentityFerry(t, "")
	snsA, sqsA := f.sns(rootOf(acctA)), f.sqs(rootOf(acctA))

	tests := []struct {
		name   string
		policy string
		body   bool // FilterPolicyScope MessageBody; otherwise MessageAttributes
		match  filterMessage
		miss   filterMessage
	}{
		// Message attributes.
		{name: "ExactString", policy: `{"store":["example_corp"]}`,
			match: attrMessage("from example_corp", "store", strAttr("example_corp")),
			miss:  attrMessage("from other_corp", "store", strAttr("other_corp"))},
		{name: "ExactNumber", policy: `{"price_usd":[301.5]}`,
			match: attrMessage("301.5", "price_usd", numAttr("301.5")),
			miss:  attrMessage("301.6", "price_usd", numAttr("301.6"))},
		{name: "EveryKeyMustMatch", policy: `{"store":["example_corp"],"event":["order_placed"]}`,
			match: attrMessage("placed", "store", strAttr("example_corp"), "event", strAttr("order_placed")),
			miss:  attrMessage("cancelled", "store", strAttr("example_corp"), "event", strAttr("order_cancelled"))},
		{name: "Prefix", policy: `{"customer_interests":[{"prefix":"bas"}]}`,
			match: attrMessage("baseball", "customer_interests", strAttr("baseball")),
			miss:  attrMessage("volleyball", "customer_interests", strAttr("volleyball"))},
		{name: "Suffix", policy: `{"customer_interests":[{"suffix":"ball"}]}`,
			match: attrMessage("baseball", "customer_interests", strAttr("baseball")),
			miss:  attrMessage("ballet", "customer_interests", strAttr("ballet"))},
		{name: "AnythingButStrings", policy: `{"customer_interests":[{"anything-but":["rugby","tennis"]}]}`,
			match: attrMessage("baseball", "customer_interests", strAttr("baseball")),
			miss:  attrMessage("tennis", "customer_interests", strAttr("tennis"))},
		{name: "AnythingButNumbers", policy: `{"price_usd":[{"anything-but":[100,500]}]}`,
			match: attrMessage("101", "price_usd", numAttr("101")),
			miss:  attrMessage("500", "price_usd", numAttr("500"))},
		{name: "AnythingButPrefix", policy: `{"event":[{"anything-but":{"prefix":"order-"}}]}`,
			match: attrMessage("data-entry", "event", strAttr("data-entry")),
			miss:  attrMessage("order-cancelled", "event", strAttr("order-cancelled"))},
		{name: "NumericRange", policy: `{"price_usd":[{"numeric":[">",0,"<=",150]}]}`,
			match: attrMessage("150", "price_usd", numAttr("150")),
			miss:  attrMessage("150.01", "price_usd", numAttr("150.01"))},
		{name: "NumericEquals", policy: `{"price_usd":[{"numeric":["=",301.5]}]}`,
			match: attrMessage("301.5", "price_usd", numAttr("301.5")),
			miss:  attrMessage("301", "price_usd", numAttr("301"))},
		{name: "ExistsTrue", policy: `{"store":[{"exists":true}]}`,
			match: attrMessage("with store", "store", strAttr("example_corp")),
			miss:  attrMessage("without store", "event", strAttr("order_placed"))},
		// "exists": false matches a message that lacks the key but has
		// other attributes.
		{name: "ExistsFalse", policy: `{"store":[{"exists":false}]}`,
			match: attrMessage("without store", "event", strAttr("order_placed")),
			miss:  attrMessage("with store", "store", strAttr("example_corp"))},
		{name: "EqualsIgnoreCase", policy: `{"customer_interests":[{"equals-ignore-case":"BaseBall"}]}`,
			match: attrMessage("bASEbALL", "customer_interests", strAttr("bASEbALL")),
			miss:  attrMessage("basketball", "customer_interests", strAttr("basketball"))},
		{name: "CIDRv4", policy: `{"source_ip":[{"cidr":"10.0.0.0/24"}]}`,
			match: attrMessage("10.0.0.255", "source_ip", strAttr("10.0.0.255")),
			miss:  attrMessage("10.0.1.0", "source_ip", strAttr("10.0.1.0"))},
		{name: "CIDRv6", policy: `{"source_ip":[{"cidr":"2001:db8::/32"}]}`,
			match: attrMessage("2001:db8:ffff::1", "source_ip", strAttr("2001:db8:ffff::1")),
			miss:  attrMessage("2001:db9::1", "source_ip", strAttr("2001:db9::1"))},
		{name: "Wildcard", policy: `{"customer_interests":[{"wildcard":"b*ll"}]}`,
			match: attrMessage("basketball", "customer_interests", strAttr("basketball")),
			miss:  attrMessage("baseballs", "customer_interests", strAttr("baseballs"))},
		{name: "Or", policy: `{"source":["aws.cloudwatch"],"$or":[{"metricName":["CPUUtilization"]},{"namespace":["AWS/EC2"]}]}`,
			match: attrMessage("EC2", "source", strAttr("aws.cloudwatch"), "metricName", strAttr("NetworkIn"), "namespace", strAttr("AWS/EC2")),
			miss:  attrMessage("RDS", "source", strAttr("aws.cloudwatch"), "metricName", strAttr("ReadLatency"), "namespace", strAttr("AWS/RDS"))},
		// A String.Array attribute matches when any element does.
		{name: "StringArrayAttribute", policy: `{"customer_interests":["rugby"]}`,
			match: attrMessage("rugby among others", "customer_interests", arrayAttr(`["soccer","rugby","football"]`)),
			miss:  attrMessage("no rugby", "customer_interests", arrayAttr(`["soccer","tennis"]`))},

		// Message bodies.
		{name: "BodyExactString", body: true, policy: `{"store":["example_corp"]}`,
			match: bodyMessage(`{"store":"example_corp"}`),
			miss:  bodyMessage(`{"store":"other_corp"}`)},
		{name: "BodyExactNumber", body: true, policy: `{"order":{"quantity":[3]}}`,
			match: bodyMessage(`{"order":{"quantity":3}}`),
			miss:  bodyMessage(`{"order":{"quantity":4}}`)},
		// A nested key is matched at its own path, not by its leaf name.
		{name: "BodyNestedKeys", body: true, policy: `{"order":{"shipping":{"country":["DE"]}}}`,
			match: bodyMessage(`{"order":{"shipping":{"country":"DE"}}}`),
			miss:  bodyMessage(`{"order":{"shipping":{"country":"FR"}},"country":"DE"}`)},
		{name: "BodyNumericRange", body: true, policy: `{"order":{"total":[{"numeric":[">=",100,"<",1000]}]}}`,
			match: bodyMessage(`{"order":{"total":100}}`),
			miss:  bodyMessage(`{"order":{"total":99.99}}`)},
		{name: "BodyPrefixAndSuffix", body: true, policy: `{"file":{"name":[{"prefix":"reports/"}],"type":[{"suffix":"/pdf"}]}}`,
			match: bodyMessage(`{"file":{"name":"reports/q3","type":"application/pdf"}}`),
			miss:  bodyMessage(`{"file":{"name":"reports/q3","type":"text/csv"}}`)},
		{name: "BodyAnythingBut", body: true, policy: `{"status":[{"anything-but":["cancelled"]}]}`,
			match: bodyMessage(`{"status":"paid"}`),
			miss:  bodyMessage(`{"status":"cancelled"}`)},
		{name: "BodyExistsFalse", body: true, policy: `{"order":{"coupon":[{"exists":false}]}}`,
			match: bodyMessage(`{"order":{"id":1}}`),
			miss:  bodyMessage(`{"order":{"id":2,"coupon":"SAVE10"}}`)},
		{name: "BodyOr", body: true, policy: `{"$or":[{"order":{"status":["paid"]}},{"refund":{"amount":[{"numeric":[">",0]}]}}]}`,
			match: bodyMessage(`{"order":{"status":"open"},"refund":{"amount":12}}`),
			miss:  bodyMessage(`{"order":{"status":"open"},"refund":{"amount":0}}`)},
		// An array in the body matches when any element does: of values...
		{name: "BodyArrayOfValues", body: true, policy: `{"tags":["urgent"]}`,
			match: bodyMessage(`{"tags":["low","urgent"]}`),
			miss:  bodyMessage(`{"tags":["low","later"]}`)},
		// ...and of objects, whose keys are matched in each element.
		{name: "BodyArrayOfObjects", body: true, policy: `{"order":{"items":{"sku":[{"prefix":"BK-"}]}}}`,
			match: bodyMessage(`{"order":{"items":[{"sku":"TOY-1"},{"sku":"BK-42"}]}}`),
			miss:  bodyMessage(`{"order":{"items":[{"sku":"TOY-1"},{"sku":"TOY-2"}]}}`)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			topic := newTopic(t, snsA, acctA, "filter-"+tc.name, nil)
			queueARN := sqsARN(acctA, "filter-"+tc.name)
			queueURL := newQueue(t, sqsA, "filter-"+tc.name, topicDeliveryPolicy(t, queueARN, topic))
			attrs := map[string]string{"RawMessageDelivery": "true", "FilterPolicy": tc.policy}
			if tc.body {
				attrs["FilterPolicyScope"] = "MessageBody"
			}
			subscribeQueueTo(t, snsA, topic, queueARN, attrs)

			for _, m := range []filterMessage{tc.miss, tc.match} {
				publish(t, snsA, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(m.body), MessageAttributes: m.attrs})
			}
			if got := aws.ToString(receiveSNS(t, sqsA, queueURL, 1)[0].Body); got != tc.match.body {
				t.Fatalf("%s let through %q, want %q", tc.policy, got, tc.match.body)
			}
			wantNothingMore(t, f, sqsA, queueURL)
		})
	}
}
