package sns_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
)

func TestCreateTopicIsIdempotentAndValidated(t *testing.T) {
	srv := startFerry(t)
	c := snsFor(srv, "test")
	arn := createTopic(t, c, "orders", map[string]string{"DisplayName": "Orders"})
	if arn != "arn:aws:sns:us-east-1:000000000000:orders" {
		t.Fatalf("TopicArn = %s", arn)
	}
	if again := createTopic(t, c, "orders", map[string]string{"DisplayName": "Orders"}); again != arn {
		t.Fatalf("second CreateTopic = %s, want %s", again, arn)
	}
	_, err := c.CreateTopic(ctxT(t), &sns.CreateTopicInput{Name: aws.String("orders"), Attributes: map[string]string{"DisplayName": "Other"}})
	wantError(t, err, "InvalidParameter", "Topic already exists with different attributes")

	for _, name := range []string{"has space", "dot.name", strings.Repeat("a", 257), "x.fifo"} {
		_, err := c.CreateTopic(ctxT(t), &sns.CreateTopicInput{Name: aws.String(name)})
		wantError(t, err, "InvalidParameter", "Invalid parameter: Topic Name")
	}
	_, err = c.CreateTopic(ctxT(t), &sns.CreateTopicInput{Name: aws.String("nofifo"), Attributes: map[string]string{"FifoTopic": "true"}})
	wantError(t, err, "InvalidParameter", "Fifo Topic names must end with .fifo")
	_, err = c.CreateTopic(ctxT(t), &sns.CreateTopicInput{Name: aws.String("t"), Attributes: map[string]string{"Bogus": "1"}})
	wantError(t, err, "InvalidParameter", "AttributeName")
	_, err = c.CreateTopic(ctxT(t), &sns.CreateTopicInput{Name: aws.String("t"), Attributes: map[string]string{"Policy": "{nope"}})
	wantError(t, err, "InvalidParameter", "Policy")

	fifo := createTopic(t, c, "events.fifo", map[string]string{"FifoTopic": "true", "ContentBasedDeduplication": "true"})
	attrs, err := c.GetTopicAttributes(ctxT(t), &sns.GetTopicAttributesInput{TopicArn: aws.String(fifo)})
	if err != nil {
		t.Fatal(err)
	}
	if attrs.Attributes["FifoTopic"] != "true" || attrs.Attributes["ContentBasedDeduplication"] != "true" {
		t.Fatalf("FIFO attributes = %v", attrs.Attributes)
	}
	_, err = c.SetTopicAttributes(ctxT(t), &sns.SetTopicAttributesInput{TopicArn: aws.String(arn),
		AttributeName: aws.String("ContentBasedDeduplication"), AttributeValue: aws.String("true")})
	wantError(t, err, "InvalidParameter", "FIFO")
}

func TestTopicAttributes(t *testing.T) {
	srv := startFerry(t)
	c := snsFor(srv, "test")
	arn := createTopic(t, c, "attrs", nil)
	get := func() map[string]string {
		out, err := c.GetTopicAttributes(ctxT(t), &sns.GetTopicAttributesInput{TopicArn: aws.String(arn)})
		if err != nil {
			t.Fatal(err)
		}
		return out.Attributes
	}
	a := get()
	for k, want := range map[string]string{"TopicArn": arn, "Owner": ownerAccount, "SubscriptionsConfirmed": "0",
		"SubscriptionsPending": "0", "SubscriptionsDeleted": "0", "DisplayName": ""} {
		if a[k] != want {
			t.Errorf("%s = %q, want %q", k, a[k], want)
		}
	}
	if !strings.Contains(a["Policy"], `"AWS:SourceOwner":"000000000000"`) || !strings.Contains(a["EffectiveDeliveryPolicy"], "defaultHealthyRetryPolicy") {
		t.Errorf("default Policy / EffectiveDeliveryPolicy = %s / %s", a["Policy"], a["EffectiveDeliveryPolicy"])
	}
	set := func(name, value string) error {
		_, err := c.SetTopicAttributes(ctxT(t), &sns.SetTopicAttributesInput{TopicArn: aws.String(arn),
			AttributeName: aws.String(name), AttributeValue: aws.String(value)})
		return err
	}
	for name, value := range map[string]string{"DisplayName": "Shown", "SignatureVersion": "2", "TracingConfig": "Active",
		"DeliveryPolicy": `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":1,"maxDelayTarget":5,"numRetries":4}}}`} {
		if err := set(name, value); err != nil {
			t.Fatalf("SetTopicAttributes %s: %v", name, err)
		}
		if got := get()[name]; got != value {
			t.Errorf("%s = %q, want %q", name, got, value)
		}
	}
	wantError(t, set("SignatureVersion", "3"), "InvalidParameter", "SignatureVersion")
	wantError(t, set("DeliveryPolicy", `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":0,"maxDelayTarget":5,"numRetries":4}}}`), "InvalidParameter", "DeliveryPolicy")
	wantError(t, set("FifoTopic", "true"), "InvalidParameter", "FifoTopic")
	wantError(t, set("Nope", "x"), "InvalidParameter", "AttributeName")

	_, err := c.GetTopicAttributes(ctxT(t), &sns.GetTopicAttributesInput{TopicArn: aws.String(arn + "-missing")})
	wantError(t, err, "NotFound", "Topic does not exist")
	_, err = c.GetTopicAttributes(ctxT(t), &sns.GetTopicAttributesInput{TopicArn: aws.String("not-an-arn")})
	wantError(t, err, "InvalidParameter", "TopicArn")
}

func TestListTopicsPagesAndDeleteTopic(t *testing.T) {
	srv := startFerry(t)
	c := snsFor(srv, "test")
	for i := range 105 {
		createTopic(t, c, fmt.Sprintf("t%03d", i), nil)
	}
	createTopic(t, snsFor(srv, otherAccount), "elsewhere", nil)
	var arns []string
	var token *string
	for pages := 0; ; pages++ {
		out, err := c.ListTopics(ctxT(t), &sns.ListTopicsInput{NextToken: token})
		if err != nil {
			t.Fatal(err)
		}
		for _, tp := range out.Topics {
			arns = append(arns, *tp.TopicArn)
		}
		if out.NextToken == nil {
			break
		}
		token = out.NextToken
	}
	if len(arns) != 105 || arns[0] != "arn:aws:sns:us-east-1:000000000000:t000" {
		t.Fatalf("listed %d topics starting %v", len(arns), arns[:1])
	}
	if _, err := c.DeleteTopic(ctxT(t), &sns.DeleteTopicInput{TopicArn: aws.String(arns[0])}); err != nil {
		t.Fatal(err)
	}
	// Deleting again succeeds, as AWS's does.
	if _, err := c.DeleteTopic(ctxT(t), &sns.DeleteTopicInput{TopicArn: aws.String(arns[0])}); err != nil {
		t.Fatal(err)
	}
	_, err := c.GetTopicAttributes(ctxT(t), &sns.GetTopicAttributesInput{TopicArn: aws.String(arns[0])})
	wantError(t, err, "NotFound", "")
	_, err = c.ListTopics(ctxT(t), &sns.ListTopicsInput{NextToken: aws.String("%%%")})
	wantError(t, err, "InvalidParameter", "NextToken")
}

func TestTopicTags(t *testing.T) {
	srv := startFerry(t)
	c := snsFor(srv, "test")
	arn := createTopic(t, c, "tagged", nil)
	if _, err := c.TagResource(ctxT(t), &sns.TagResourceInput{ResourceArn: aws.String(arn),
		Tags: []types.Tag{{Key: aws.String("team"), Value: aws.String("blue")}, {Key: aws.String("env"), Value: aws.String("dev")}}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.UntagResource(ctxT(t), &sns.UntagResourceInput{ResourceArn: aws.String(arn), TagKeys: []string{"env"}}); err != nil {
		t.Fatal(err)
	}
	out, err := c.ListTagsForResource(ctxT(t), &sns.ListTagsForResourceInput{ResourceArn: aws.String(arn)})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Tags) != 1 || *out.Tags[0].Key != "team" || *out.Tags[0].Value != "blue" {
		t.Fatalf("tags = %+v", out.Tags)
	}
	_, err = c.TagResource(ctxT(t), &sns.TagResourceInput{ResourceArn: aws.String(arn),
		Tags: []types.Tag{{Key: aws.String("aws:x"), Value: aws.String("v")}}})
	wantError(t, err, "InvalidParameter", "aws:")
	many := make([]types.Tag, 51)
	for i := range many {
		many[i] = types.Tag{Key: aws.String(fmt.Sprint("k", i)), Value: aws.String("v")}
	}
	_, err = c.TagResource(ctxT(t), &sns.TagResourceInput{ResourceArn: aws.String(arn), Tags: many})
	wantError(t, err, "TagLimitExceeded", "")
	_, err = c.ListTagsForResource(ctxT(t), &sns.ListTagsForResourceInput{ResourceArn: aws.String(arn + "x")})
	wantError(t, err, "ResourceNotFound", "")
}

func TestUnknownActionIsRefused(t *testing.T) {
	srv := startFerry(t)
	c := snsFor(srv, "test")
	_, err := c.GetDataProtectionPolicy(ctxT(t), &sns.GetDataProtectionPolicyInput{ResourceArn: aws.String(createTopic(t, c, "dp", nil))})
	wantError(t, err, "InvalidAction", "")
	_, err = c.CreatePlatformApplication(ctxT(t), &sns.CreatePlatformApplicationInput{Name: aws.String("p"), Platform: aws.String("GCM"), Attributes: map[string]string{}})
	wantError(t, err, "InvalidAction", "")
}
