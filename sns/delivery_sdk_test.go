package sns_test

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	"github.com/ferry-emulator/ferry/emulator"
)

func TestNotificationIntoQueueIsSignedAndComplete(t *testing.T) {
	for _, version := range []string{"1", "2"} {
		t.Run("SignatureVersion"+version, func(t *testing.T) {
			srv := startFerry(t)
			c, q := snsFor(srv, "test"), sqsFor(srv, "test")
			topic := createTopic(t, c, "orders", map[string]string{"SignatureVersion": version})
			dst := createQueue(t, q, "orders-queue", nil)
			allowTopic(t, q, dst, topic)
			sub := subscribeQueue(t, c, topic, dst, nil)
			out, err := c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Subject: aws.String("New order"),
				Message: aws.String("order 42 <shipped> & \"paid\"\nline two"),
				MessageAttributes: map[string]types.MessageAttributeValue{
					"kind":  {DataType: aws.String("String"), StringValue: aws.String("order")},
					"total": {DataType: aws.String("Number"), StringValue: aws.String("12.5")},
				}})
			if err != nil {
				t.Fatal(err)
			}
			m := receive(t, q, dst, 1)[0]
			e := decodeEnvelope(t, *m.Body)
			if e.Type != "Notification" || e.MessageId != *out.MessageId || e.TopicArn != topic || e.Subject != "New order" ||
				e.Message != "order 42 <shipped> & \"paid\"\nline two" || e.SignatureVersion != version {
				t.Fatalf("envelope = %+v", e)
			}
			if e.MessageAttributes["kind"].Type != "String" || e.MessageAttributes["kind"].Value != "order" ||
				e.MessageAttributes["total"].Type != "Number" || e.MessageAttributes["total"].Value != "12.5" {
				t.Fatalf("MessageAttributes = %+v", e.MessageAttributes)
			}
			if !strings.Contains(e.UnsubscribeURL, "Action=Unsubscribe") || !strings.Contains(e.UnsubscribeURL, "SubscriptionArn=") {
				t.Fatalf("UnsubscribeURL = %s", e.UnsubscribeURL)
			}
			if len(m.MessageAttributes) != 0 {
				t.Fatalf("an enveloped delivery carries no SQS attributes, got %v", m.MessageAttributes)
			}
			if m.Attributes["SenderId"] != "AIDAIT2UOQQY3AUEKVGXU" {
				t.Errorf("SenderId = %q", m.Attributes["SenderId"])
			}
			verifySignature(t, e)

			// A queue's subscription is not ended by the unsigned
			// UnsubscribeURL: AWS requires a signature for those.
			resp, err := httpGet(e.UnsubscribeURL)
			if err != nil || resp != 403 {
				t.Fatalf("GET UnsubscribeURL: %d %v, want 403", resp, err)
			}
			if _, err = c.GetSubscriptionAttributes(ctxT(t), &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(sub)}); err != nil {
				t.Fatalf("the subscription went: %v", err)
			}
		})
	}
}

func TestRawDeliveryMapsAttributesToSQS(t *testing.T) {
	srv := startFerry(t)
	c, q := snsFor(srv, "test"), sqsFor(srv, "test")
	topic := createTopic(t, c, "raw", nil)
	dst := createQueue(t, q, "raw-queue", nil)
	allowTopic(t, q, dst, topic)
	subscribeQueue(t, c, topic, dst, map[string]string{"RawMessageDelivery": "true"})
	_, err := c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(`{"id":1}`),
		MessageAttributes: map[string]types.MessageAttributeValue{
			"s":   {DataType: aws.String("String"), StringValue: aws.String("v")},
			"n":   {DataType: aws.String("Number.int"), StringValue: aws.String("7")},
			"b":   {DataType: aws.String("Binary"), BinaryValue: []byte{0, 1, 2}},
			"arr": {DataType: aws.String("String.Array"), StringValue: aws.String(`["a",1,true]`)},
		}})
	if err != nil {
		t.Fatal(err)
	}
	m := receive(t, q, dst, 1)[0]
	if *m.Body != `{"id":1}` {
		t.Fatalf("raw body = %s", *m.Body)
	}
	got := m.MessageAttributes
	if *got["s"].DataType != "String" || *got["s"].StringValue != "v" || *got["n"].DataType != "Number.int" ||
		*got["n"].StringValue != "7" || *got["b"].DataType != "Binary" || string(got["b"].BinaryValue) != "\x00\x01\x02" ||
		*got["arr"].DataType != "String.Array" || *got["arr"].StringValue != `["a",1,true]` {
		t.Fatalf("attributes = %+v", got)
	}
	if m.MD5OfMessageAttributes == nil {
		t.Fatal("no MD5OfMessageAttributes")
	}

	// More than ten attributes cannot go out raw: the delivery fails.
	many := map[string]types.MessageAttributeValue{}
	for _, k := range strings.Split("a b c d e f g h i j k", " ") {
		many[k] = types.MessageAttributeValue{DataType: aws.String("String"), StringValue: aws.String(k)}
	}
	if _, err := c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("x"), MessageAttributes: many}); err != nil {
		t.Fatal(err)
	}
	empty(t, srv, q, dst)
}

func TestDeliveryWithoutQueuePolicyIsDroppedAndAudited(t *testing.T) {
	srv := startFerry(t)
	c, q := snsFor(srv, "test"), sqsFor(srv, "test")
	topic := createTopic(t, c, "nopolicy", nil)
	dst := createQueue(t, q, "nopolicy-queue", nil)
	subscribeQueue(t, c, topic, dst, nil)
	if _, err := c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("lost")}); err != nil {
		t.Fatalf("Publish must succeed even when delivery will be denied: %v", err)
	}
	empty(t, srv, q, dst)
	events := srv.Audit(emulator.AuditFilter{Principal: "sns.amazonaws.com", Decision: "Deny"})
	if len(events) != 1 || events[0].Action != "sqs:SendMessage" || events[0].Resource != dst.arn ||
		!strings.Contains(events[0].Reason, "no resource-based policy allows") || events[0].Account != ownerAccount {
		t.Fatalf("audit = %+v", events)
	}

	// A policy for another topic does not let this one in either.
	allowTopic(t, q, dst, topic+"-other")
	c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("still lost")})
	empty(t, srv, q, dst)
}

func TestQueueDeletedMidFlightIsRecorded(t *testing.T) {
	srv := startFerry(t)
	c, q := snsFor(srv, "test"), sqsFor(srv, "test")
	topic := createTopic(t, c, "gone", nil)
	dst := createQueue(t, q, "gone-queue", nil)
	allowTopic(t, q, dst, topic)
	subscribeQueue(t, c, topic, dst, nil)
	if _, err := q.DeleteQueue(ctxT(t), &sqs.DeleteQueueInput{QueueUrl: aws.String(dst.url)}); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("x")}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Flush(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	events := srv.Audit(emulator.AuditFilter{Principal: "sns.amazonaws.com", Decision: "Error"})
	if len(events) != 1 || !strings.Contains(events[0].Reason, "NonExistentQueue") || events[0].Resource != dst.arn {
		t.Fatalf("audit = %+v", events)
	}
}

func TestSubscriptionDeadLetterQueue(t *testing.T) {
	srv := startFerry(t)
	c, q := snsFor(srv, "test"), sqsFor(srv, "test")
	topic := createTopic(t, c, "dl", nil)
	dst := createQueue(t, q, "denies", nil) // no policy: every delivery is denied
	dlq := createQueue(t, q, "dl-dlq", nil)
	allowTopic(t, q, dlq, topic)
	subscribeQueue(t, c, topic, dst, map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + dlq.arn + `"}`})
	if _, err := c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("undeliverable")}); err != nil {
		t.Fatal(err)
	}
	e := decodeEnvelope(t, *receive(t, q, dlq, 1)[0].Body)
	if e.Message != "undeliverable" {
		t.Fatalf("dead-lettered %+v", e)
	}
	_, err := c.Subscribe(ctxT(t), &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("sqs"),
		Endpoint: aws.String(dlq.arn), Attributes: map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"nope"}`}})
	wantError(t, err, "InvalidParameter", "RedrivePolicy")
}

func TestMessageStructureJSON(t *testing.T) {
	srv := startFerry(t)
	c, q := snsFor(srv, "test"), sqsFor(srv, "test")
	topic := createTopic(t, c, "structured", nil)
	dst := createQueue(t, q, "structured-queue", nil)
	allowTopic(t, q, dst, topic)
	subscribeQueue(t, c, topic, dst, nil)
	if _, err := c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), MessageStructure: aws.String("json"),
		Message: aws.String(`{"default":"for everyone","sqs":"for queues","http":"for web"}`)}); err != nil {
		t.Fatal(err)
	}
	if e := decodeEnvelope(t, *receive(t, q, dst, 1)[0].Body); e.Message != "for queues" {
		t.Fatalf("Message = %q", e.Message)
	}
	for doc, want := range map[string]string{`{"sqs":"x"}`: "No default entry", `not json`: "failed to parse", `{"default":1}`: "No default entry"} {
		_, err := c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), MessageStructure: aws.String("json"), Message: aws.String(doc)})
		wantError(t, err, "InvalidParameter", want)
	}
}

func TestPublishValidation(t *testing.T) {
	srv := startFerry(t)
	c := snsFor(srv, "test")
	topic := createTopic(t, c, "v", nil)
	pub := func(in *sns.PublishInput) error {
		if in.TopicArn == nil {
			in.TopicArn = aws.String(topic)
		}
		_, err := c.Publish(ctxT(t), in)
		return err
	}
	wantError(t, pub(&sns.PublishInput{Message: aws.String("")}), "InvalidParameter", "Empty message")
	wantError(t, pub(&sns.PublishInput{Message: aws.String("x"), Subject: aws.String("two\nlines")}), "InvalidParameter", "Subject")
	wantError(t, pub(&sns.PublishInput{Message: aws.String("x"), MessageGroupId: aws.String("g")}), "InvalidParameter", "MessageGroupId")
	wantError(t, pub(&sns.PublishInput{Message: aws.String("x"), MessageAttributes: map[string]types.MessageAttributeValue{
		"n": {DataType: aws.String("Number"), StringValue: aws.String("abc")}}}), "ParameterValueInvalid", "Could not cast")
	wantError(t, pub(&sns.PublishInput{Message: aws.String("x"), MessageAttributes: map[string]types.MessageAttributeValue{
		"n": {DataType: aws.String("Decimal"), StringValue: aws.String("1")}}}), "ParameterValueInvalid", "invalid message attribute type")
	wantError(t, pub(&sns.PublishInput{Message: aws.String("x"), MessageAttributes: map[string]types.MessageAttributeValue{
		"AWS.x": {DataType: aws.String("String"), StringValue: aws.String("1")}}}), "ParameterValueInvalid", "name")
	wantError(t, pub(&sns.PublishInput{TopicArn: aws.String(topic + "x"), Message: aws.String("x")}), "NotFound", "Topic does not exist")
	wantError(t, pub(&sns.PublishInput{TopicArn: aws.String(""), PhoneNumber: aws.String("+15555550100"), Message: aws.String("x")}), "InvalidParameter", "SMS")
}

// "Messages must be UTF-8 encoded strings and at most 256 KB in size
// (262,144 bytes, not 262,144 characters)", and "all parts of the message
// attribute, including name, type, and value, are included in the message
// size restriction".
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
// https://docs.aws.amazon.com/sns/latest/api/API_MessageAttributeValue.html
func TestPublishSizeLimitIs256KiB(t *testing.T) {
	const limit = 262144
	srv := startFerry(t)
	c, q := snsFor(srv, "test"), sqsFor(srv, "test")
	topic := createTopic(t, c, "sized", nil)
	dst := createQueue(t, q, "sized-queue", nil)
	allowTopic(t, q, dst, topic)
	subscribeQueue(t, c, topic, dst, map[string]string{"RawMessageDelivery": "true"})
	pub := func(body string, attrs map[string]types.MessageAttributeValue) error {
		_, err := c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(body), MessageAttributes: attrs})
		return err
	}

	err := pub(strings.Repeat("x", limit+1), nil)
	wantError(t, err, "InvalidParameter", "Invalid parameter: Message too long")
	// Bytes, not characters: 87,382 three-byte runes are 262,146 bytes.
	wantError(t, pub(strings.Repeat("€", limit/3+1), nil), "InvalidParameter", "Message too long")
	if err := pub(strings.Repeat("y", limit), nil); err != nil {
		t.Fatalf("a message of exactly %d bytes: %v", limit, err)
	}
	if m := receive(t, q, dst, 1)[0]; len(*m.Body) != limit || strings.Trim(*m.Body, "y") != "" {
		t.Fatalf("delivered a body of %d bytes, want the %d published", len(*m.Body), limit)
	}

	// The attribute's name (4), type (6) and value (5) count too.
	attrs := map[string]types.MessageAttributeValue{"kind": {DataType: aws.String("String"), StringValue: aws.String("order")}}
	wantError(t, pub(strings.Repeat("z", limit-15+1), attrs), "InvalidParameter", "Message too long")
	if err := pub(strings.Repeat("z", limit-15), attrs); err != nil {
		t.Fatalf("a message of exactly %d bytes with its attribute: %v", limit, err)
	}
}

// MaximumMessageSize lowers (or raises, to 1 MiB) a topic's limit; a topic
// shows it only once it is set.
// https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html
func TestTopicMaximumMessageSize(t *testing.T) {
	srv := startFerry(t)
	c := snsFor(srv, "test")
	topic := createTopic(t, c, "small", nil)
	a, err := c.GetTopicAttributes(ctxT(t), &sns.GetTopicAttributesInput{TopicArn: aws.String(topic)})
	if err != nil {
		t.Fatal(err)
	}
	if v, ok := a.Attributes["MaximumMessageSize"]; ok {
		t.Fatalf("MaximumMessageSize = %q before it was set", v)
	}
	set := func(v string) error {
		_, err := c.SetTopicAttributes(ctxT(t), &sns.SetTopicAttributesInput{TopicArn: aws.String(topic),
			AttributeName: aws.String("MaximumMessageSize"), AttributeValue: aws.String(v)})
		return err
	}
	for _, v := range []string{"1023", "1048577", "big"} {
		wantError(t, set(v), "InvalidParameter", "MaximumMessageSize")
	}
	if err := set("1024"); err != nil {
		t.Fatal(err)
	}
	pub := func(n int) error {
		_, err := c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(strings.Repeat("x", n))})
		return err
	}
	wantError(t, pub(1025), "InvalidParameter", "Message too long")
	if err := pub(1024); err != nil {
		t.Fatal(err)
	}
	_, err = c.PublishBatch(ctxT(t), &sns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: []types.PublishBatchRequestEntry{
		{Id: aws.String("a"), Message: aws.String(strings.Repeat("x", 600))}, {Id: aws.String("b"), Message: aws.String(strings.Repeat("x", 600))}}})
	wantError(t, err, "BatchRequestTooLong", "")
}

func TestPublishBatch(t *testing.T) {
	srv := startFerry(t)
	c, q := snsFor(srv, "test"), sqsFor(srv, "test")
	topic := createTopic(t, c, "batch", nil)
	dst := createQueue(t, q, "batch-queue", nil)
	allowTopic(t, q, dst, topic)
	subscribeQueue(t, c, topic, dst, map[string]string{"RawMessageDelivery": "true"})
	entries := []types.PublishBatchRequestEntry{
		{Id: aws.String("a"), Message: aws.String("one")},
		{Id: aws.String("b"), Message: aws.String("")},
		{Id: aws.String("c"), Message: aws.String("three")},
	}
	out, err := c.PublishBatch(ctxT(t), &sns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: entries})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Successful) != 2 || len(out.Failed) != 1 || *out.Failed[0].Id != "b" || *out.Failed[0].Code != "InvalidParameter" || !out.Failed[0].SenderFault {
		t.Fatalf("batch result = %+v / %+v", out.Successful, out.Failed)
	}
	bodies := map[string]bool{}
	for _, m := range receive(t, q, dst, 2) {
		bodies[*m.Body] = true
	}
	if !bodies["one"] || !bodies["three"] {
		t.Fatalf("delivered %v", bodies)
	}
	_, err = c.PublishBatch(ctxT(t), &sns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: []types.PublishBatchRequestEntry{
		{Id: aws.String("a"), Message: aws.String("1")}, {Id: aws.String("a"), Message: aws.String("2")}}})
	wantError(t, err, "BatchEntryIdsNotDistinct", "")
	eleven := make([]types.PublishBatchRequestEntry, 11)
	for i := range eleven {
		eleven[i] = types.PublishBatchRequestEntry{Id: aws.String(string(rune('a' + i))), Message: aws.String("m")}
	}
	_, err = c.PublishBatch(ctxT(t), &sns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: eleven})
	wantError(t, err, "TooManyEntriesInBatchRequest", "")
	_, err = c.PublishBatch(ctxT(t), &sns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: []types.PublishBatchRequestEntry{
		{Id: aws.String("bad id!"), Message: aws.String("1")}}})
	wantError(t, err, "InvalidBatchEntryId", "")
	_, err = c.PublishBatch(ctxT(t), &sns.PublishBatchInput{TopicArn: aws.String(topic), PublishBatchRequestEntries: []types.PublishBatchRequestEntry{
		{Id: aws.String("a"), Message: aws.String(strings.Repeat("x", 200000))}, {Id: aws.String("b"), Message: aws.String(strings.Repeat("x", 200000))}}})
	wantError(t, err, "BatchRequestTooLong", "")
}

func TestFIFOTopicKeepsGroupOrderAndDeduplicates(t *testing.T) {
	srv := startFerry(t)
	c, q := snsFor(srv, "test"), sqsFor(srv, "test")
	topic := createTopic(t, c, "orders.fifo", map[string]string{"FifoTopic": "true"})
	dst := createQueue(t, q, "orders.fifo", map[string]string{"FifoQueue": "true"})
	allowTopic(t, q, dst, topic)
	subscribeQueue(t, c, topic, dst, map[string]string{"RawMessageDelivery": "true"})
	var seqs []string
	for i := range 6 {
		out, err := c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(string(rune('a' + i))),
			MessageGroupId: aws.String("g" + string(rune('0'+i%2))), MessageDeduplicationId: aws.String(string(rune('a' + i)))})
		if err != nil {
			t.Fatal(err)
		}
		seqs = append(seqs, *out.SequenceNumber)
	}
	for i := 1; i < len(seqs); i++ {
		if len(seqs[i]) != 20 || seqs[i] <= seqs[i-1] {
			t.Fatalf("sequence numbers %v", seqs)
		}
	}
	// A duplicate within five minutes is accepted, answered with the
	// original's id, and not delivered again.
	dup, err := c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("a"),
		MessageGroupId: aws.String("g0"), MessageDeduplicationId: aws.String("a")})
	if err != nil || *dup.SequenceNumber != seqs[0] {
		t.Fatalf("duplicate publish: %v %v", dup, err)
	}
	groups := map[string]string{}
	for _, m := range receive(t, q, dst, 6) {
		groups[m.Attributes["MessageGroupId"]] += *m.Body
	}
	if groups["g0"] != "ace" || groups["g1"] != "bdf" {
		t.Fatalf("per-group order = %v", groups)
	}
	_, err = c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("x")})
	wantError(t, err, "InvalidParameter", "MessageGroupId parameter is required")
	_, err = c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("x"), MessageGroupId: aws.String("g")})
	wantError(t, err, "InvalidParameter", "ContentBasedDeduplication")
	std := createTopic(t, c, "standard", nil)
	_, err = c.Subscribe(ctxT(t), &sns.SubscribeInput{TopicArn: aws.String(std), Protocol: aws.String("sqs"), Endpoint: aws.String(dst.arn)})
	wantError(t, err, "InvalidParameter", "FIFO SQS Queues can not be subscribed to standard SNS topics")
}

// /_ferry/metrics accounts for every message: published, and per
// subscriber delivered, failed or filtered out.
func TestMetricsAccountForEveryDelivery(t *testing.T) {
	srv := startFerry(t)
	c, q := snsFor(srv, "test"), sqsFor(srv, "test")
	topic := createTopic(t, c, "counted", nil)
	ok := createQueue(t, q, "allowed", nil)
	allowTopic(t, q, ok, topic)
	denied := createQueue(t, q, "denied", nil)
	picky := createQueue(t, q, "picky", nil)
	allowTopic(t, q, picky, topic)
	subscribeQueue(t, c, topic, ok, nil)
	subscribeQueue(t, c, topic, denied, nil)
	subscribeQueue(t, c, topic, picky, map[string]string{"FilterPolicy": `{"wanted":["yes"]}`})
	for range 3 {
		c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m")})
	}
	if err := srv.Flush(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(srv.URL() + "/_ferry/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for outcome, n := range map[string]int{"published": 3, "delivered": 3, "failed": 3, "filtered_out": 3} {
		want := `ferry_sns_messages_total{account="000000000000",outcome="` + outcome + `",region="us-east-1",topic="counted"} ` + strconv.Itoa(n)
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
}
