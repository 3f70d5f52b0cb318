package sns_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
)

// Filter policies decide delivery end to end; every operator is covered
// table-driven in sns/filter.
func TestFilterPoliciesSelectDeliveries(t *testing.T) {
	srv := startFerry(t)
	c, q := snsFor(srv, "test"), sqsFor(srv, "test")
	topic := createTopic(t, c, "filtered", nil)
	byAttr := createQueue(t, q, "by-attribute", nil)
	byBody := createQueue(t, q, "by-body", nil)
	all := createQueue(t, q, "everything", nil)
	for _, dst := range []queue{byAttr, byBody, all} {
		allowTopic(t, q, dst, topic)
	}
	subscribeQueue(t, c, topic, byAttr, map[string]string{"RawMessageDelivery": "true",
		"FilterPolicy": `{"store":["example_corp"],"price_usd":[{"numeric":[">=",100]}],"event":[{"anything-but":["cancelled"]}]}`})
	subscribeQueue(t, c, topic, byBody, map[string]string{"RawMessageDelivery": "true", "FilterPolicyScope": "MessageBody",
		"FilterPolicy": `{"order":{"items":{"sku":[{"prefix":"BK-"}]}}}`})
	subscribeQueue(t, c, topic, all, map[string]string{"RawMessageDelivery": "true"})

	publish := func(body string, attrs map[string]types.MessageAttributeValue) {
		if _, err := c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(body), MessageAttributes: attrs}); err != nil {
			t.Fatal(err)
		}
	}
	str := func(v string) types.MessageAttributeValue {
		return types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(v)}
	}
	num := func(v string) types.MessageAttributeValue {
		return types.MessageAttributeValue{DataType: aws.String("Number"), StringValue: aws.String(v)}
	}
	publish("big order", map[string]types.MessageAttributeValue{"store": str("example_corp"), "price_usd": num("210.75"), "event": str("order_placed")})
	publish("small order", map[string]types.MessageAttributeValue{"store": str("example_corp"), "price_usd": num("5"), "event": str("order_placed")})
	publish("cancelled", map[string]types.MessageAttributeValue{"store": str("example_corp"), "price_usd": num("500"), "event": str("cancelled")})
	publish(`{"order":{"items":[{"sku":"TOY-1"},{"sku":"BK-42"}]}}`, nil)
	publish(`{"order":{"items":[{"sku":"TOY-1"}]}}`, nil)
	publish("not json", nil)

	if m := receive(t, q, byAttr, 1); *m[0].Body != "big order" {
		t.Fatalf("attribute filter passed %q", *m[0].Body)
	}
	if m := receive(t, q, byBody, 1); *m[0].Body != `{"order":{"items":[{"sku":"TOY-1"},{"sku":"BK-42"}]}}` {
		t.Fatalf("body filter passed %q", *m[0].Body)
	}
	receive(t, q, all, 6)
	empty(t, srv, q, byAttr)
	empty(t, srv, q, byBody)
}
