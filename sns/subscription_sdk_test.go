package sns_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
)

func TestSubscriptionAttributesAndLists(t *testing.T) {
	srv := startFerry(t)
	c, q := snsFor(srv, "test"), sqsFor(srv, "test")
	topic := createTopic(t, c, "subs", nil)
	dst := createQueue(t, q, "subs-queue", nil)
	sub := subscribeQueue(t, c, topic, dst, map[string]string{"RawMessageDelivery": "true"})
	if again := subscribeQueue(t, c, topic, dst, map[string]string{"RawMessageDelivery": "true"}); again != sub {
		t.Fatalf("second Subscribe = %s, want %s", again, sub)
	}
	_, err := c.Subscribe(ctxT(t), &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"),
		Endpoint: aws.String(dst.arn), Attributes: map[string]string{"RawMessageDelivery": "false"}})
	wantError(t, err, "InvalidParameter", "Subscription already exists with different attributes")

	get := func() map[string]string {
		out, err := c.GetSubscriptionAttributes(ctxT(t), &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(sub)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Attributes
	}
	a := get()
	for k, want := range map[string]string{"SubscriptionArn": sub, "TopicArn": topic, "Owner": ownerAccount, "Protocol": "sqs",
		"Endpoint": dst.arn, "PendingConfirmation": "false", "ConfirmationWasAuthenticated": "true", "RawMessageDelivery": "true",
		"SubscriptionPrincipal": "arn:aws:iam::000000000000:root"} {
		if a[k] != want {
			t.Errorf("%s = %q, want %q", k, a[k], want)
		}
	}
	set := func(name, value string) error {
		_, err := c.SetSubscriptionAttributes(ctxT(t), &sns.SetSubscriptionAttributesInput{SubscriptionArn: aws.String(sub),
			AttributeName: aws.String(name), AttributeValue: aws.String(value)})
		return err
	}
	if err := set("FilterPolicy", `{"kind":["order"]}`); err != nil {
		t.Fatal(err)
	}
	if a := get(); a["FilterPolicy"] != `{"kind":["order"]}` || a["FilterPolicyScope"] != "MessageAttributes" {
		t.Fatalf("filter attributes = %v", a)
	}
	if err := set("FilterPolicyScope", "MessageBody"); err != nil {
		t.Fatal(err)
	}
	wantError(t, set("FilterPolicyScope", "Everything"), "InvalidParameter", "FilterPolicyScope")
	wantError(t, set("FilterPolicy", `{"kind":[{"bogus":1}]}`), "InvalidParameter", "FilterPolicy")
	wantError(t, set("RawMessageDelivery", "maybe"), "InvalidParameter", "RawMessageDelivery")
	wantError(t, set("DeliveryPolicy", `{"healthyRetryPolicy":{"numRetries":1}}`), "InvalidParameter", "DeliveryPolicy")
	wantError(t, set("Unknown", "x"), "InvalidParameter", "AttributeName")

	other := createTopic(t, c, "subs-other", nil)
	subscribeQueue(t, c, other, dst, nil)
	byTopic, err := c.ListSubscriptionsByTopic(ctxT(t), &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic)})
	if err != nil || len(byTopic.Subscriptions) != 1 || *byTopic.Subscriptions[0].SubscriptionArn != sub {
		t.Fatalf("ListSubscriptionsByTopic = %+v, %v", byTopic, err)
	}
	all, err := c.ListSubscriptions(ctxT(t), &sns.ListSubscriptionsInput{})
	if err != nil || len(all.Subscriptions) != 2 {
		t.Fatalf("ListSubscriptions = %+v, %v", all, err)
	}
	if n := len(mustList(t, snsFor(srv, otherAccount))); n != 0 {
		t.Fatalf("another account lists %d subscriptions", n)
	}
	if _, err := c.Unsubscribe(ctxT(t), &sns.UnsubscribeInput{SubscriptionArn: aws.String(sub)}); err != nil {
		t.Fatal(err)
	}
	attrs, err := c.GetTopicAttributes(ctxT(t), &sns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
	if err != nil || attrs.Attributes["SubscriptionsDeleted"] != "1" || attrs.Attributes["SubscriptionsConfirmed"] != "0" {
		t.Fatalf("after Unsubscribe: %v %v", attrs.Attributes, err)
	}
}

func mustList(t *testing.T, c *sns.Client) []types.Subscription {
	t.Helper()
	out, err := c.ListSubscriptions(ctxT(t), &sns.ListSubscriptionsInput{})
	if err != nil {
		t.Fatal(err)
	}
	return out.Subscriptions
}

func TestSubscribeValidation(t *testing.T) {
	srv := startFerry(t)
	c := snsFor(srv, "test")
	topic := createTopic(t, c, "val", nil)
	sub := func(protocol, endpoint string) error {
		_, err := c.Subscribe(ctxT(t), &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String(protocol), Endpoint: aws.String(endpoint)})
		return err
	}
	wantError(t, sub("carrier-pigeon", "x"), "InvalidParameter", "does not support this protocol")
	wantError(t, sub("email", "a@example.com"), "InvalidParameter", "does not support this protocol")
	wantError(t, sub("sqs", "not-an-arn"), "InvalidParameter", "SQS endpoint ARN")
	wantError(t, sub("http", "https://example.com"), "InvalidParameter", "Endpoint")
	_, err := c.Subscribe(ctxT(t), &sns.SubscribeInput{TopicArn: aws.String(topic + "x"), Protocol: aws.String("sqs"),
		Endpoint: aws.String("arn:aws:sqs:us-east-1:000000000000:q")})
	wantError(t, err, "NotFound", "")
	_, err = c.ConfirmSubscription(ctxT(t), &sns.ConfirmSubscriptionInput{TopicArn: aws.String(topic), Token: aws.String("nope")})
	wantError(t, err, "InvalidParameter", "Token")
	_, err = c.Unsubscribe(ctxT(t), &sns.UnsubscribeInput{SubscriptionArn: aws.String(topic + ":00000000-0000-0000-0000-000000000000")})
	wantError(t, err, "NotFound", "")
	if !strings.HasPrefix(topic, "arn:aws:sns:") {
		t.Fatal(topic)
	}
}

func TestPermissionsEditTheTopicPolicy(t *testing.T) {
	srv := startFerry(t)
	c := snsFor(srv, "test")
	topic := createTopic(t, c, "shared", nil)
	other := snsFor(srv, otherAccount)
	_, err := other.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("x")})
	wantError(t, err, "AuthorizationError", "is not authorized to perform: SNS:Publish")

	if _, err := c.AddPermission(ctxT(t), &sns.AddPermissionInput{TopicArn: aws.String(topic), Label: aws.String("grant-publish"),
		AWSAccountId: []string{otherAccount}, ActionName: []string{"Publish"}}); err != nil {
		t.Fatal(err)
	}
	if _, err := other.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("x")}); err != nil {
		t.Fatalf("after AddPermission: %v", err)
	}
	_, err = c.AddPermission(ctxT(t), &sns.AddPermissionInput{TopicArn: aws.String(topic), Label: aws.String("grant-publish"),
		AWSAccountId: []string{otherAccount}, ActionName: []string{"Publish"}})
	wantError(t, err, "InvalidParameter", "already exists")
	_, err = c.AddPermission(ctxT(t), &sns.AddPermissionInput{TopicArn: aws.String(topic), Label: aws.String("bad"),
		AWSAccountId: []string{otherAccount}, ActionName: []string{"Fly"}})
	wantError(t, err, "InvalidParameter", "")
	attrs, _ := c.GetTopicAttributes(ctxT(t), &sns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
	if p := attrs.Attributes["Policy"]; !strings.Contains(p, `"Sid":"grant-publish"`) || !strings.Contains(p, "arn:aws:iam::111111111111:root") || !strings.Contains(p, "__default_statement_ID") {
		t.Fatalf("Policy = %s", p)
	}
	if _, err := c.RemovePermission(ctxT(t), &sns.RemovePermissionInput{TopicArn: aws.String(topic), Label: aws.String("grant-publish")}); err != nil {
		t.Fatal(err)
	}
	_, err = other.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("x")})
	wantError(t, err, "AuthorizationError", "")
	_, err = c.RemovePermission(ctxT(t), &sns.RemovePermissionInput{TopicArn: aws.String(topic), Label: aws.String("grant-publish")})
	wantError(t, err, "InvalidParameter", "does not exist")
}
