package sns_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"

	"github.com/ferry-emulator/ferry/emulator"
	"github.com/ferry-emulator/ferry/persist"
)

// Topics and subscriptions, pending ones with their tokens included, come
// back after a restart over the same data, and so does the signing
// certificate consumers already trust.
func TestTopicsAndSubscriptionsSurviveARestart(t *testing.T) {
	dir := t.TempDir()
	run := func() *emulator.Server {
		store, err := persist.OpenBolt(dir)
		if err != nil {
			t.Fatal(err)
		}
		srv, err := emulator.Run(emulator.Config{Listen: "127.0.0.1:0", Store: store})
		if err != nil {
			t.Fatal(err)
		}
		return srv
	}
	srv := run()
	c, q := snsFor(srv, "test"), sqsFor(srv, "test")
	topic := createTopic(t, c, "durable", map[string]string{"DisplayName": "Durable", "SignatureVersion": "2"})
	c.TagResource(ctxT(t), &sns.TagResourceInput{ResourceArn: aws.String(topic), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	c.AddPermission(ctxT(t), &sns.AddPermissionInput{TopicArn: aws.String(topic), Label: aws.String("l"), AWSAccountId: []string{otherAccount}, ActionName: []string{"Publish"}})
	dst := createQueue(t, q, "durable-queue", nil)
	allowTopic(t, q, dst, topic)
	subscribeQueue(t, c, topic, dst, map[string]string{"RawMessageDelivery": "true", "FilterPolicyScope": "MessageBody",
		"FilterPolicy": `{"kind":["keep"]}`})
	other := createQueue(t, sqsFor(srv, otherAccount), "theirs", nil)
	pending := subscribeQueue(t, c, topic, other, nil)
	certBefore := certificateURL(t, srv, c, topic, dst)
	srv.Close()

	srv = run()
	defer srv.Close()
	c = snsFor(srv, "test")
	attrs, err := c.GetTopicAttributes(ctxT(t), &sns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
	if err != nil || attrs.Attributes["DisplayName"] != "Durable" || attrs.Attributes["SubscriptionsConfirmed"] != "2" ||
		attrs.Attributes["SubscriptionsPending"] != "1" {
		t.Fatalf("topic after restart: %v %v", attrs, err)
	}
	tags, _ := c.ListTagsForResource(ctxT(t), &sns.ListTagsForResourceInput{ResourceArn: aws.String(topic)})
	if len(tags.Tags) != 1 {
		t.Fatalf("tags after restart: %+v", tags.Tags)
	}
	if _, err := snsFor(srv, otherAccount).Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(`{"kind":"other"}`)}); err != nil {
		t.Fatalf("the topic policy did not survive: %v", err)
	}
	sa, err := c.GetSubscriptionAttributes(ctxT(t), &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(pending)})
	if err != nil || sa.Attributes["PendingConfirmation"] != "true" {
		t.Fatalf("pending subscription after restart: %v %v", sa, err)
	}
	if certAfter := certificateURL(t, srv, c, topic, dst); certAfter[len(certAfter)-40:] != certBefore[len(certBefore)-40:] {
		t.Fatalf("signing certificate changed: %s → %s", certBefore, certAfter)
	}
}

// certificateURL publishes a message the filter keeps and returns the
// SigningCertURL of the notification a fresh enveloped subscriber gets.
func certificateURL(t *testing.T, srv *emulator.Server, c *sns.Client, topic string, dst queue) string {
	t.Helper()
	qc := sqsFor(srv, "test")
	probe := createQueue(t, qc, "probe", nil) // idempotent: the same queue after the restart
	allowTopic(t, qc, probe, topic)
	subscribeQueue(t, c, topic, probe, nil)
	if _, err := c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(`{"kind":"keep"}`)}); err != nil {
		t.Fatal(err)
	}
	e := decodeEnvelope(t, *receive(t, qc, probe, 1)[0].Body)
	verifySignature(t, e)
	receive(t, qc, dst, 1)
	return e.SigningCertURL
}
