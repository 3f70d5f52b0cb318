package conformance

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	iottypes "github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/smithy-go"
	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// End-to-end AWS IoT tests: the real aws-sdk-go-v2 iot, iotdataplane, iam
// and sqs clients and paho MQTT clients against ferry in-process, across
// accounts.

func (f *idFerry) iot(c cred) *iot.Client {
	return iot.New(iot.Options{
		Region: idRegion, BaseEndpoint: aws.String(f.srv.URL()), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(c.id, c.secret, c.token),
	})
}

func (f *idFerry) iotData(c cred) *iotdataplane.Client {
	return iotdataplane.New(iotdataplane.Options{
		Region: idRegion, BaseEndpoint: aws.String(f.srv.URL()), Retryer: aws.NopRetryer{},
		Credentials: credentials.NewStaticCredentialsProvider(c.id, c.secret, c.token),
	})
}

// mqttMessage is one message a test subscriber received.
type mqttMessage struct {
	topic   string
	payload []byte
}

// mqttClient connects a paho client to ferry's broker with c's
// credentials (username = access key id, password = secret).
func (f *idFerry) mqttClient(t *testing.T, c cred, clientID string) mqtt.Client {
	t.Helper()
	opts := mqtt.NewClientOptions().AddBroker("tcp://" + f.srv.MQTTAddr()).SetClientID(clientID).
		SetUsername(c.id).SetPassword(c.secret).SetAutoReconnect(false).SetConnectRetry(false).
		SetConnectTimeout(5 * time.Second).SetOrderMatters(false)
	cl := mqtt.NewClient(opts)
	tok := cl.Connect()
	if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("MQTT connect as %s: %v", c.id, tok.Error())
	}
	t.Cleanup(func() { cl.Disconnect(100) })
	return cl
}

// subscribe subscribes at QoS 1 and returns the channel messages arrive on.
func subscribe(t *testing.T, cl mqtt.Client, filter string) <-chan mqttMessage {
	t.Helper()
	ch := make(chan mqttMessage, 64)
	tok := cl.Subscribe(filter, 1, func(_ mqtt.Client, m mqtt.Message) {
		select {
		case ch <- mqttMessage{m.Topic(), append([]byte(nil), m.Payload()...)}:
		default:
		}
	})
	if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe %s: %v", filter, tok.Error())
	}
	return ch
}

func publishMQTT(t *testing.T, cl mqtt.Client, topic string, payload string) {
	t.Helper()
	tok := cl.Publish(topic, 1, false, payload)
	if !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("publish %s: %v", topic, tok.Error())
	}
}

func receiveMQTT(t *testing.T, ch <-chan mqttMessage, what string) mqttMessage {
	t.Helper()
	select {
	case m := <-ch:
		return m
	case <-time.After(10 * time.Second):
		t.Fatalf("no MQTT message: %s", what)
		return mqttMessage{}
	}
}

func (f *idFerry) flush(t *testing.T) {
	t.Helper()
	if err := f.srv.Flush(ctxFor(t)); err != nil {
		t.Fatalf("flush: %v", err)
	}
}

// iotTrust lets AWS IoT assume a role.
func iotTrust(t *testing.T) string {
	return doc(t, stmt{"Effect": "Allow", "Principal": map[string]any{"Service": "iot.amazonaws.com"}, "Action": "sts:AssumeRole"})
}

func iotTopicARN(account, topic string) string {
	return "arn:aws:iot:" + idRegion + ":" + account + ":topic/" + topic
}

// TestIoTCrossAccountSQSIngestion is AWS's cross-account ingestion
// walkthrough: a rule in the ingestion account sends every message on
// data/private to a queue in the data account, which lets the ingestion
// account send; once the queue stops allowing it, the rule's error action
// republishes AWS's error document on error/rules.
// https://docs.aws.amazon.com/iot/latest/developerguide/accessing-cross-account-resources-using-rules.html
func TestIoTCrossAccountSQSIngestion(t *testing.T) {
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	ingestion, data := acctA, acctB

	// The data account's queue, shared with the ingestion account.
	dataSQS := f.sqs(rootOf(data))
	q, err := dataSQS.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("iot-data"),
		Attributes: map[string]string{"MessageRetentionPeriod": "259200"}})
	if err != nil {
		t.Fatalf("CreateQueue: %v", err)
	}
	queueURL := aws.ToString(q.QueueUrl)
	if _, err := dataSQS.AddPermission(ctx, &sqs.AddPermissionInput{QueueUrl: q.QueueUrl, Label: aws.String("IoTSendMessage"),
		AWSAccountIds: []string{ingestion}, Actions: []string{"SendMessage"}}); err != nil {
		t.Fatalf("AddPermission: %v", err)
	}

	// The ingestion account's roles and rule.
	ingIAM := f.iam(rootOf(ingestion))
	sqsRole := newRole(t, ingIAM, "iot-cross-sqs-allow", iotTrust(t),
		doc(t, stmt{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": sqsARN(data, "iot-data")}), 0)
	republishRole := newRole(t, ingIAM, "iot-republish", iotTrust(t),
		doc(t, stmt{"Effect": "Allow", "Action": "iot:Publish", "Resource": iotTopicARN(ingestion, "error/*")}), 0)
	awsQueueURL := "https://sqs.us-east-1.amazonaws.com/" + data + "/iot-data"
	ingIoT := f.iot(rootOf(ingestion))
	if _, err := ingIoT.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{
		RuleName: aws.String("cross_account_sqs_publish"),
		TopicRulePayload: &iottypes.TopicRulePayload{
			Sql:              aws.String("SELECT * FROM 'data/private'"),
			AwsIotSqlVersion: aws.String("2016-03-23"),
			RuleDisabled:     aws.Bool(false),
			Actions: []iottypes.Action{{Sqs: &iottypes.SqsAction{
				QueueUrl: aws.String(awsQueueURL), RoleArn: aws.String(sqsRole), UseBase64: aws.Bool(true)}}},
			ErrorAction: &iottypes.Action{Republish: &iottypes.RepublishAction{
				Topic: aws.String("error/rules"), RoleArn: aws.String(republishRole)}},
		},
	}); err != nil {
		t.Fatalf("CreateTopicRule: %v", err)
	}

	device := f.mqttClient(t, rootOf(ingestion), "device-1")
	payload := `{"message": "Hello, world", "clientType": "MQTT client"}`
	publishMQTT(t, device, "data/private", payload)
	f.flush(t)

	got, err := dataSQS.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(queueURL), WaitTimeSeconds: 5})
	if err != nil || len(got.Messages) != 1 {
		t.Fatalf("ReceiveMessage in the data account: %v, %d messages", err, len(got.Messages))
	}
	body, err := base64.StdEncoding.DecodeString(aws.ToString(got.Messages[0].Body))
	if err != nil || string(body) != payload {
		t.Fatalf("body %q decodes to %q (%v), want the payload base64-encoded", aws.ToString(got.Messages[0].Body), body, err)
	}

	// The data account takes its permission back: the action fails and
	// the error action tells the ingestion account why.
	if _, err := dataSQS.RemovePermission(ctx, &sqs.RemovePermissionInput{QueueUrl: q.QueueUrl, Label: aws.String("IoTSendMessage")}); err != nil {
		t.Fatalf("RemovePermission: %v", err)
	}
	watcher := f.mqttClient(t, rootOf(ingestion), "ops-console")
	errors := subscribe(t, watcher, "error/rules")
	publishMQTT(t, device, "data/private", payload)
	f.flush(t)
	m := receiveMQTT(t, errors, "the error document on error/rules")
	var ed struct {
		RuleName, Topic, CloudwatchTraceID, ClientID, Base64OriginalPayload string
		Failures                                                            []struct{ FailedAction, FailedResource, ErrorMessage string }
	}
	if err := json.Unmarshal(m.payload, &ed); err != nil {
		t.Fatalf("error document %s: %v", m.payload, err)
	}
	orig, _ := base64.StdEncoding.DecodeString(ed.Base64OriginalPayload)
	if ed.RuleName != "cross_account_sqs_publish" || ed.Topic != "data/private" || ed.ClientID != "device-1" ||
		string(orig) != payload || ed.CloudwatchTraceID == "" || len(ed.Failures) != 1 {
		t.Fatalf("error document %s", m.payload)
	}
	fl := ed.Failures[0]
	if fl.FailedAction != "SQSAction" || fl.FailedResource != awsQueueURL ||
		!strings.Contains(fl.ErrorMessage, "is not authorized to perform: sqs:sendmessage on resource: "+sqsARN(data, "iot-data")) ||
		!strings.Contains(fl.ErrorMessage, "assumed-role/iot-cross-sqs-allow/") {
		t.Fatalf("failure %+v", fl)
	}
	// The order of the fields is AWS's.
	if !strings.HasPrefix(string(m.payload), `{"ruleName":`) || !strings.Contains(string(m.payload), `"base64OriginalPayload":"`) {
		t.Fatalf("error document field order: %s", m.payload)
	}
	if n := depth(t, dataSQS, queueURL); n != "0" {
		t.Fatalf("the data queue holds %s visible messages after the denied send, want 0", n)
	}
}

// TestIoTRuleSQLAndRepublish: WHERE filters, a nested SELECT with an
// alias and topic(2), and a republish topic built from a substitution
// template.
func TestIoTRuleSQLAndRepublish(t *testing.T) {
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	role := newRole(t, f.iam(rootOf(acctA)), "iot-alerts", iotTrust(t),
		doc(t, stmt{"Effect": "Allow", "Action": "iot:Publish", "Resource": iotTopicARN(acctA, "alerts/*")}), 0)
	if _, err := f.iot(rootOf(acctA)).CreateTopicRule(ctx, &iot.CreateTopicRuleInput{
		RuleName: aws.String("hot_sensors"),
		TopicRulePayload: &iottypes.TopicRulePayload{
			Sql:              aws.String("SELECT temperature AS t, device.id AS id, topic(2) AS site FROM 'sensors/+/reading' WHERE temperature > 50"),
			AwsIotSqlVersion: aws.String("2016-03-23"),
			Actions: []iottypes.Action{{Republish: &iottypes.RepublishAction{
				Topic: aws.String("alerts/${topic(2)}"), RoleArn: aws.String(role), Qos: aws.Int32(1)}}},
		},
	}); err != nil {
		t.Fatalf("CreateTopicRule: %v", err)
	}
	cl := f.mqttClient(t, rootOf(acctA), "sensor-hub")
	alerts := subscribe(t, cl, "alerts/+")
	publishMQTT(t, cl, "sensors/north/reading", `{"temperature": 40, "device": {"id": "d1"}}`)
	publishMQTT(t, cl, "sensors/south/reading", `{"temperature": 61.5, "device": {"id": "d2"}}`)
	publishMQTT(t, cl, "sensors/south/other", `{"temperature": 99, "device": {"id": "d3"}}`)
	f.flush(t)
	m := receiveMQTT(t, alerts, "the alert for the hot sensor")
	var got map[string]any
	if err := json.Unmarshal(m.payload, &got); err != nil {
		t.Fatalf("alert %s: %v", m.payload, err)
	}
	if m.topic != "alerts/south" || got["t"] != 61.5 || got["id"] != "d2" || got["site"] != "south" || len(got) != 3 {
		t.Fatalf("alert on %s: %s", m.topic, m.payload)
	}
	select {
	case m := <-alerts:
		t.Fatalf("a second alert arrived on %s: %s", m.topic, m.payload)
	case <-time.After(200 * time.Millisecond):
	}
}

// TestIoTTopicSpacesAreAccounts: two accounts publishing on the same topic
// never see each other's messages, as each AWS account has its own
// endpoint.
func TestIoTTopicSpacesAreAccounts(t *testing.T) {
	f := startIdentityFerry(t, "")
	a := f.mqttClient(t, rootOf(acctA), "same-id")
	b := f.mqttClient(t, rootOf(acctB), "same-id") // client ids are per account too
	inA := subscribe(t, a, "shared/#")
	inB := subscribe(t, b, "shared/#")
	publishMQTT(t, a, "shared/news", "from A")
	publishMQTT(t, b, "shared/news", "from B")
	if m := receiveMQTT(t, inA, "A's own message"); string(m.payload) != "from A" {
		t.Fatalf("A received %q", m.payload)
	}
	if m := receiveMQTT(t, inB, "B's own message"); string(m.payload) != "from B" {
		t.Fatalf("B received %q", m.payload)
	}
	select {
	case m := <-inA:
		t.Fatalf("A received %q", m.payload)
	case m := <-inB:
		t.Fatalf("B received %q", m.payload)
	case <-time.After(200 * time.Millisecond):
	}
}

// TestIoTHTTPPublishAndDisabledRules: an iot-data Publish triggers rules
// like an MQTT one; a disabled rule does nothing until enabled again.
func TestIoTHTTPPublishAndDisabledRules(t *testing.T) {
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	q := f.sqs(rootOf(acctA))
	queueURL := newQueue(t, q, "telemetry", "")
	role := newRole(t, f.iam(rootOf(acctA)), "iot-telemetry", iotTrust(t),
		doc(t, stmt{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": sqsARN(acctA, "telemetry")}), 0)
	ic := f.iot(rootOf(acctA))
	if _, err := ic.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{
		RuleName: aws.String("telemetry"),
		TopicRulePayload: &iottypes.TopicRulePayload{
			Sql:     aws.String("SELECT *, clientid() AS client FROM 'things/+/telemetry'"),
			Actions: []iottypes.Action{{Sqs: &iottypes.SqsAction{QueueUrl: aws.String(queueURL), RoleArn: aws.String(role)}}},
		},
	}); err != nil {
		t.Fatalf("CreateTopicRule: %v", err)
	}
	rule, err := ic.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: aws.String("telemetry")})
	if err != nil {
		t.Fatalf("GetTopicRule: %v", err)
	}
	if aws.ToString(rule.Rule.AwsIotSqlVersion) != "2015-10-08" || aws.ToString(rule.RuleArn) != "arn:aws:iot:us-east-1:"+acctA+":rule/telemetry" {
		t.Fatalf("rule %s, version %s: a rule without a version gets 2015-10-08", aws.ToString(rule.RuleArn), aws.ToString(rule.Rule.AwsIotSqlVersion))
	}
	dp := f.iotData(rootOf(acctA))
	publish := func(v int) {
		t.Helper()
		if _, err := dp.Publish(ctx, &iotdataplane.PublishInput{Topic: aws.String("things/pump-7/telemetry"),
			Payload: fmt.Appendf(nil, `{"v":%d}`, v), Qos: 1}); err != nil {
			t.Fatalf("Publish: %v", err)
		}
		f.flush(t)
	}
	publish(1)
	got, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(queueURL), WaitTimeSeconds: 2})
	if err != nil || len(got.Messages) != 1 || aws.ToString(got.Messages[0].Body) != `{"v":1,"client":"n/a"}` {
		t.Fatalf("ReceiveMessage: %v %+v", err, got)
	}
	if _, err := ic.DisableTopicRule(ctx, &iot.DisableTopicRuleInput{RuleName: aws.String("telemetry")}); err != nil {
		t.Fatalf("DisableTopicRule: %v", err)
	}
	publish(2)
	if n := depth(t, q, queueURL); n != "0" {
		t.Fatalf("a disabled rule sent %s messages", n)
	}
	if _, err := ic.EnableTopicRule(ctx, &iot.EnableTopicRuleInput{RuleName: aws.String("telemetry")}); err != nil {
		t.Fatalf("EnableTopicRule: %v", err)
	}
	publish(3)
	if n := depth(t, q, queueURL); n != "1" {
		t.Fatalf("the enabled rule left %s messages, want 1", n)
	}
}

// TestIoTRetainedMessages: a retained HTTP publish is kept per topic,
// listed, read back, and delivered to a subscriber of that exact topic.
func TestIoTRetainedMessages(t *testing.T) {
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	dp := f.iotData(rootOf(acctA))
	if _, err := dp.Publish(ctx, &iotdataplane.PublishInput{Topic: aws.String("config/pump-7"),
		Payload: []byte(`{"rpm":1200}`), Retain: true, Qos: 1}); err != nil {
		t.Fatalf("Publish retained: %v", err)
	}
	rm, err := dp.GetRetainedMessage(ctx, &iotdataplane.GetRetainedMessageInput{Topic: aws.String("config/pump-7")})
	if err != nil || string(rm.Payload) != `{"rpm":1200}` || rm.Qos != 1 || rm.LastModifiedTime == 0 {
		t.Fatalf("GetRetainedMessage: %v %+v", err, rm)
	}
	list, err := dp.ListRetainedMessages(ctx, &iotdataplane.ListRetainedMessagesInput{})
	if err != nil || len(list.RetainedTopics) != 1 || aws.ToString(list.RetainedTopics[0].Topic) != "config/pump-7" || list.RetainedTopics[0].PayloadSize != 12 {
		t.Fatalf("ListRetainedMessages: %v %+v", err, list)
	}
	_, err = dp.ListRetainedMessages(ctx, &iotdataplane.ListRetainedMessagesInput{MaxResults: aws.Int32(201)})
	if e := apiError(t, err, "InvalidRequestException", 400); !strings.Contains(e.ErrorMessage(), "between 1 and 200") {
		t.Errorf("ListRetainedMessages maxResults 201: %q", e.ErrorMessage())
	}
	cl := f.mqttClient(t, rootOf(acctA), "pump-7")
	exact := subscribe(t, cl, "config/pump-7")
	if m := receiveMQTT(t, exact, "the retained message"); string(m.payload) != `{"rpm":1200}` {
		t.Fatalf("retained payload %q", m.payload)
	}
	if _, err := f.iotData(rootOf(acctB)).GetRetainedMessage(ctx, &iotdataplane.GetRetainedMessageInput{Topic: aws.String("config/pump-7")}); err == nil {
		t.Fatal("another account read the retained message")
	} else {
		apiError(t, err, "ResourceNotFoundException", 404)
	}
}

// TestIoTRuleControlPlaneErrors: the control plane's answers to bad rules,
// as AWS gives them.
func TestIoTRuleControlPlaneErrors(t *testing.T) {
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	ic := f.iot(rootOf(acctA))
	role := newRole(t, f.iam(rootOf(acctA)), "iot-ok", iotTrust(t), "", 0)
	untrusted := newRole(t, f.iam(rootOf(acctA)), "lambda-only", doc(t, stmt{"Effect": "Allow",
		"Principal": map[string]any{"Service": "lambda.amazonaws.com"}, "Action": "sts:AssumeRole"}), "", 0)
	create := func(name, sql, roleARN string) error {
		_, err := ic.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String(name),
			TopicRulePayload: &iottypes.TopicRulePayload{Sql: aws.String(sql), AwsIotSqlVersion: aws.String("2016-03-23"),
				Actions: []iottypes.Action{{Republish: &iottypes.RepublishAction{Topic: aws.String("out"), RoleArn: aws.String(roleARN)}}}}})
		return err
	}
	apiError(t, create("bad_sql", "SELECT * FROM", role), "SqlParseException", 400)
	for _, bad := range []struct{ sql, code, says string }{
		{"SELECT temperature FROM 'a' WHERE temperature >", "SqlParseException", "at 1:48"},
		{"SELECT * FROM 'a/#/b'", "SqlParseException", "# must be the last level at 1:15"},
		{"SELECT nosuchfunction(1) FROM 'a'", "SqlParseException", "nosuchfunction"},
		// AWS's external functions reach services ferry does not emulate:
		// refused by name, not evaluated to Undefined.
		{"SELECT get_thing_shadow('t', 'arn:aws:iam::111111111111:role/r') FROM 'a'", "InvalidRequestException", "get_thing_shadow is not supported"},
	} {
		e := apiError(t, create("bad_sql", bad.sql, role), bad.code, 400)
		if !strings.Contains(e.ErrorMessage(), bad.says) {
			t.Errorf("%s: message %q does not say %q", bad.sql, e.ErrorMessage(), bad.says)
		}
	}
	e := apiError(t, create("untrusted", "SELECT * FROM 'a'", untrusted), "InvalidRequestException", 400)
	if !strings.Contains(e.ErrorMessage(), "AWS IoT (iot.amazonaws.com) is unable to assume role (sts:AssumeRole) on resource: "+untrusted) {
		t.Fatalf("message %q", e.ErrorMessage())
	}
	apiError(t, create("missing_role", "SELECT * FROM 'a'", roleARN(acctA, "nope")), "InvalidRequestException", 400)
	apiError(t, create("bad-name", "SELECT * FROM 'a'", role), "InvalidRequestException", 400)
	if err := create("ok", "SELECT * FROM 'a/#'", role); err != nil {
		t.Fatalf("CreateTopicRule: %v", err)
	}
	apiError(t, create("ok", "SELECT * FROM 'a/#'", role), "ResourceAlreadyExistsException", 409)
	_, err := ic.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: aws.String("nope")})
	apiError(t, err, "UnauthorizedException", 401)
	list, err := ic.ListTopicRules(ctx, &iot.ListTopicRulesInput{})
	if err != nil || len(list.Rules) != 1 || aws.ToString(list.Rules[0].TopicPattern) != "a/#" {
		t.Fatalf("ListTopicRules: %v %+v", err, list)
	}
	_, err = ic.ListTopicRules(ctx, &iot.ListTopicRulesInput{MaxResults: aws.Int32(10001)})
	if e := apiError(t, err, "InvalidRequestException", 400); !strings.Contains(e.ErrorMessage(), "between 1 and 10000") {
		t.Errorf("ListTopicRules maxResults 10001: %q", e.ErrorMessage())
	}
	if _, err := ic.DeleteTopicRule(ctx, &iot.DeleteTopicRuleInput{RuleName: aws.String("ok")}); err != nil {
		t.Fatalf("DeleteTopicRule: %v", err)
	}
	_, err = ic.DeleteTopicRule(ctx, &iot.DeleteTopicRuleInput{RuleName: aws.String("ok")})
	apiError(t, err, "UnauthorizedException", 401)
	ep, err := ic.DescribeEndpoint(ctx, &iot.DescribeEndpointInput{EndpointType: aws.String("iot:Data-ATS")})
	if err != nil || !strings.HasSuffix(aws.ToString(ep.EndpointAddress), ":"+strings.Split(f.srv.MQTTAddr(), ":")[1]) {
		t.Fatalf("DescribeEndpoint: %v %+v", err, ep)
	}
	_, err = ic.DescribeEndpoint(ctx, &iot.DescribeEndpointInput{EndpointType: aws.String("iot:Nope")})
	apiError(t, err, "InvalidRequestException", 400)
}

// TestIoTMQTTAuthorization: an IAM user's MQTT client may connect, publish
// and subscribe only where its identity policy allows.
func TestIoTMQTTAuthorization(t *testing.T) {
	f := startIdentityFerry(t, "")
	users := f.iam(rootOf(acctA))
	sensor := newUser(t, users, "sensor", "mqtt", doc(t,
		stmt{"Effect": "Allow", "Action": "iot:Connect", "Resource": "arn:aws:iot:" + idRegion + ":" + acctA + ":client/sensor-*"},
		stmt{"Effect": "Allow", "Action": "iot:Publish", "Resource": iotTopicARN(acctA, "readings/*")},
	))
	// Not allowed this client id.
	opts := mqtt.NewClientOptions().AddBroker("tcp://" + f.srv.MQTTAddr()).SetClientID("other").
		SetUsername(sensor.id).SetPassword(sensor.secret).SetAutoReconnect(false).SetConnectTimeout(5 * time.Second)
	bad := mqtt.NewClient(opts)
	if tok := bad.Connect(); tok.WaitTimeout(10*time.Second) && tok.Error() == nil {
		bad.Disconnect(0)
		t.Fatal("connected with a client id the policy does not allow")
	}
	// A wrong secret.
	opts.SetClientID("sensor-1").SetPassword("wrong")
	bad = mqtt.NewClient(opts)
	if tok := bad.Connect(); tok.WaitTimeout(10*time.Second) && tok.Error() == nil {
		bad.Disconnect(0)
		t.Fatal("connected with a wrong secret")
	}
	cl := f.mqttClient(t, sensor, "sensor-1")
	root := f.mqttClient(t, rootOf(acctA), "monitor")
	all := subscribe(t, root, "readings/#")
	publishMQTT(t, cl, "readings/t1", "21.5")
	if m := receiveMQTT(t, all, "the allowed publish"); string(m.payload) != "21.5" {
		t.Fatalf("payload %q", m.payload)
	}
	var got atomic.Int32
	tok := cl.Subscribe("commands/#", 1, func(mqtt.Client, mqtt.Message) { got.Add(1) })
	if tok.WaitTimeout(10*time.Second) && tok.Error() == nil {
		if st, ok := tok.(*mqtt.SubscribeToken); ok {
			if codes := st.Result(); codes["commands/#"] != 0x80 {
				t.Fatalf("SUBACK for a filter the policy does not allow: %#x, want 0x80", codes["commands/#"])
			}
		}
	}
}

// TestIoTRepublishLoopIsBounded: a rule that republishes onto a topic it
// listens to would run forever; ferry lets the chain go 8 republishes deep,
// then fails the action, so the error action says what happened, and the
// broker keeps serving.
func TestIoTRepublishLoopIsBounded(t *testing.T) {
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	role := newRole(t, f.iam(rootOf(acctA)), "iot-loop", iotTrust(t),
		doc(t, stmt{"Effect": "Allow", "Action": "iot:Publish", "Resource": []string{iotTopicARN(acctA, "loop/*"), iotTopicARN(acctA, "error/*")}}), 0)
	if _, err := f.iot(rootOf(acctA)).CreateTopicRule(ctx, &iot.CreateTopicRuleInput{
		RuleName: aws.String("echo_forever"),
		TopicRulePayload: &iottypes.TopicRulePayload{
			Sql:         aws.String("SELECT * FROM 'loop/+'"),
			Actions:     []iottypes.Action{{Republish: &iottypes.RepublishAction{Topic: aws.String("loop/again"), RoleArn: aws.String(role)}}},
			ErrorAction: &iottypes.Action{Republish: &iottypes.RepublishAction{Topic: aws.String("error/loop"), RoleArn: aws.String(role)}},
		},
	}); err != nil {
		t.Fatalf("CreateTopicRule: %v", err)
	}
	cl := f.mqttClient(t, rootOf(acctA), "looper")
	loop := subscribe(t, cl, "loop/+")
	errs := subscribe(t, cl, "error/loop")
	publishMQTT(t, cl, "loop/start", `{"n": 1}`)
	f.flush(t)

	// The original and the 8 republishes, in no set order: the rule runs
	// beside the delivery to subscribers, as in AWS.
	topics := map[string]int{}
	for i := range 9 {
		m := receiveMQTT(t, loop, fmt.Sprintf("message %d of the loop", i+1))
		if string(m.payload) != `{"n": 1}` {
			t.Fatalf("%s on %s", m.payload, m.topic)
		}
		topics[m.topic]++
	}
	if topics["loop/start"] != 1 || topics["loop/again"] != 8 {
		t.Fatalf("messages by topic: %v, want the original and 8 republishes", topics)
	}
	select {
	case m := <-loop:
		t.Fatalf("a 9th republish arrived: %s on %s", m.payload, m.topic)
	case <-time.After(200 * time.Millisecond):
	}
	e := receiveMQTT(t, errs, "the error document of the stopped loop")
	var ed struct {
		RuleName string `json:"ruleName"`
		Topic    string `json:"topic"`
		Failures []struct {
			FailedAction, FailedResource, ErrorMessage string
		} `json:"failures"`
	}
	if err := json.Unmarshal(e.payload, &ed); err != nil {
		t.Fatalf("error document %s: %v", e.payload, err)
	}
	if ed.RuleName != "echo_forever" || ed.Topic != "loop/again" || len(ed.Failures) != 1 ||
		ed.Failures[0].FailedAction != "RepublishAction" || ed.Failures[0].FailedResource != "loop/again" ||
		!strings.Contains(ed.Failures[0].ErrorMessage, "republished 8 times") {
		t.Fatalf("error document: %s", e.payload)
	}
	// The broker is unaffected: a plain message still goes through.
	plain := subscribe(t, cl, "after/loop")
	publishMQTT(t, cl, "after/loop", "still here")
	if m := receiveMQTT(t, plain, "a message after the loop"); string(m.payload) != "still here" {
		t.Fatalf("after the loop: %q", m.payload)
	}
}

// TestIoTRulePayloads: rules take payloads that are not JSON as AWS does
// (SELECT * passes the bytes through, a WHERE on a field never matches)
// and large ones up to MQTT's 128 KB limit.
// https://docs.aws.amazon.com/iot/latest/developerguide/binary-payloads.html
func TestIoTRulePayloads(t *testing.T) {
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	q := f.sqs(rootOf(acctA))
	rawURL := newQueue(t, q, "raw", "")
	hotURL := newQueue(t, q, "hot", "")
	role := newRole(t, f.iam(rootOf(acctA)), "iot-payloads", iotTrust(t),
		doc(t, stmt{"Effect": "Allow", "Action": "sqs:SendMessage", "Resource": "arn:aws:sqs:" + idRegion + ":" + acctA + ":*"}), 0)
	ic := f.iot(rootOf(acctA))
	for name, r := range map[string]struct{ sql, queue string }{
		"raw_copy": {"SELECT * FROM 'devices/+'", rawURL},
		"hot_only": {"SELECT * FROM 'devices/+' WHERE temperature > 50", hotURL},
	} {
		if _, err := ic.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String(name), TopicRulePayload: &iottypes.TopicRulePayload{
			Sql: aws.String(r.sql), Actions: []iottypes.Action{{Sqs: &iottypes.SqsAction{QueueUrl: aws.String(r.queue), RoleArn: aws.String(role), UseBase64: aws.Bool(true)}}},
		}}); err != nil {
			t.Fatalf("CreateTopicRule %s: %v", name, err)
		}
	}
	cl := f.mqttClient(t, rootOf(acctA), "payloads")
	binary := string([]byte{0x00, 0xff, 0xfe, 'h', 'i', 0x80})
	large := `{"temperature": 70, "blob": "` + strings.Repeat("x", 120*1024) + `"}`
	publishMQTT(t, cl, "devices/bin", binary)
	publishMQTT(t, cl, "devices/large", large)
	f.flush(t)

	bodies := func(url string) map[string]bool {
		t.Helper()
		got := map[string]bool{}
		for range 5 {
			// Visibility 0 keeps the messages receivable, so a response
			// lost on the client's side (a known SDK transport race on
			// large bodies) can be read again; bodies are a set.
			in := &sqs.ReceiveMessageInput{QueueUrl: aws.String(url), MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 0}
			out, err := q.ReceiveMessage(ctx, in)
			var apiErr smithy.APIError
			if err != nil && !errors.As(err, &apiErr) {
				out, err = q.ReceiveMessage(ctx, in)
			}
			if err != nil {
				t.Fatalf("ReceiveMessage: %v", err)
			}
			for _, m := range out.Messages {
				b, err := base64.StdEncoding.DecodeString(aws.ToString(m.Body))
				if err != nil {
					t.Fatalf("body %q is not base64: %v", aws.ToString(m.Body), err)
				}
				got[string(b)] = true
			}
			if len(out.Messages) == 0 {
				break
			}
		}
		return got
	}
	if got := bodies(rawURL); len(got) != 2 || !got[binary] || !got[large] {
		t.Fatalf("SELECT * delivered %d bodies, want the binary and the large payload byte for byte", len(got))
	}
	if got := bodies(hotURL); len(got) != 1 || !got[large] {
		t.Fatalf("WHERE temperature > 50 delivered %d bodies, want the large JSON one only", len(got))
	}
}

// TestIoTReplaceRuleAndTags: ReplaceTopicRule swaps a rule's SQL and
// actions in place (the next message follows the new SQL), and a rule's
// tags are set at creation and edited with TagResource and UntagResource.
func TestIoTReplaceRuleAndTags(t *testing.T) {
	f := startIdentityFerry(t, "")
	ctx := ctxFor(t)
	role := newRole(t, f.iam(rootOf(acctA)), "iot-relay", iotTrust(t),
		doc(t, stmt{"Effect": "Allow", "Action": "iot:Publish", "Resource": iotTopicARN(acctA, "out/*")}), 0)
	ic := f.iot(rootOf(acctA))
	payload := func(sql, topic string) *iottypes.TopicRulePayload {
		return &iottypes.TopicRulePayload{Sql: aws.String(sql), AwsIotSqlVersion: aws.String("2016-03-23"),
			Actions: []iottypes.Action{{Republish: &iottypes.RepublishAction{Topic: aws.String(topic), RoleArn: aws.String(role)}}}}
	}
	if _, err := ic.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String("relay"),
		TopicRulePayload: payload("SELECT * FROM 'in/old'", "out/old"), Tags: aws.String("team=ops&env=test")}); err != nil {
		t.Fatalf("CreateTopicRule: %v", err)
	}
	rule, err := ic.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: aws.String("relay")})
	if err != nil {
		t.Fatalf("GetTopicRule: %v", err)
	}
	arn := rule.RuleArn
	tags := func() map[string]string {
		t.Helper()
		out, err := ic.ListTagsForResource(ctx, &iot.ListTagsForResourceInput{ResourceArn: arn})
		if err != nil {
			t.Fatalf("ListTagsForResource: %v", err)
		}
		m := map[string]string{}
		for _, tg := range out.Tags {
			m[aws.ToString(tg.Key)] = aws.ToString(tg.Value)
		}
		return m
	}
	if got := tags(); len(got) != 2 || got["team"] != "ops" || got["env"] != "test" {
		t.Fatalf("tags after create: %v", got)
	}
	if _, err := ic.TagResource(ctx, &iot.TagResourceInput{ResourceArn: arn, Tags: []iottypes.Tag{
		{Key: aws.String("env"), Value: aws.String("prod")}, {Key: aws.String("owner"), Value: aws.String("iot")}}}); err != nil {
		t.Fatalf("TagResource: %v", err)
	}
	if _, err := ic.UntagResource(ctx, &iot.UntagResourceInput{ResourceArn: arn, TagKeys: []string{"team"}}); err != nil {
		t.Fatalf("UntagResource: %v", err)
	}
	if got := tags(); len(got) != 2 || got["env"] != "prod" || got["owner"] != "iot" {
		t.Fatalf("tags after tag and untag: %v", got)
	}
	missing := aws.String("arn:aws:iot:" + idRegion + ":" + acctA + ":rule/nope")
	_, err = ic.TagResource(ctx, &iot.TagResourceInput{ResourceArn: missing, Tags: []iottypes.Tag{{Key: aws.String("k"), Value: aws.String("v")}}})
	apiError(t, err, "ResourceNotFoundException", 404)

	cl := f.mqttClient(t, rootOf(acctA), "relay-client")
	out := subscribe(t, cl, "out/+")
	publishMQTT(t, cl, "in/old", "one")
	f.flush(t)
	if m := receiveMQTT(t, out, "the old rule's republish"); m.topic != "out/old" || string(m.payload) != "one" {
		t.Fatalf("before replace: %s on %s", m.payload, m.topic)
	}
	if _, err := ic.ReplaceTopicRule(ctx, &iot.ReplaceTopicRuleInput{RuleName: aws.String("relay"),
		TopicRulePayload: payload("SELECT * FROM 'in/new'", "out/new")}); err != nil {
		t.Fatalf("ReplaceTopicRule: %v", err)
	}
	got, err := ic.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: aws.String("relay")})
	if err != nil || aws.ToString(got.Rule.Sql) != "SELECT * FROM 'in/new'" || aws.ToString(got.RuleArn) != aws.ToString(arn) {
		t.Fatalf("GetTopicRule after replace: %v %+v", err, got)
	}
	publishMQTT(t, cl, "in/old", "two") // no longer selected
	publishMQTT(t, cl, "in/new", "three")
	f.flush(t)
	if m := receiveMQTT(t, out, "the new rule's republish"); m.topic != "out/new" || string(m.payload) != "three" {
		t.Fatalf("after replace: %s on %s", m.payload, m.topic)
	}
	select {
	case m := <-out:
		t.Fatalf("unexpected %s on %s", m.payload, m.topic)
	case <-time.After(200 * time.Millisecond):
	}
	if got := tags(); got["owner"] != "iot" {
		t.Fatalf("tags after replace: %v", got)
	}
	_, err = ic.ReplaceTopicRule(ctx, &iot.ReplaceTopicRuleInput{RuleName: aws.String("nope"), TopicRulePayload: payload("SELECT * FROM 'x'", "out/x")})
	apiError(t, err, "UnauthorizedException", 401)
}
