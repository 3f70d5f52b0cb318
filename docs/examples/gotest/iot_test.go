package gotest

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	iottypes "github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/ferry-emulator/ferry/emulator"
)

// mqttClient connects paho to ferry's broker as an account's root: the
// username is the access key id, the password the secret.
func mqttClient(t *testing.T, srv *emulator.Server, clientID, accessKey, secret string) mqtt.Client {
	t.Helper()
	c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker("tcp://" + srv.MQTTAddr()).
		SetClientID(clientID).SetUsername(accessKey).SetPassword(secret).SetAutoReconnect(false))
	if tok := c.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("MQTT connect: %v", tok.Error())
	}
	t.Cleanup(func() { c.Disconnect(100) })
	return c
}

// TestIoTRuleToQueue: a device publishes over MQTT, a topic rule selects
// the hot readings and sends them, as its role, to an SQS queue.
func TestIoTRuleToQueue(t *testing.T) {
	srv := startFerry(t, emulator.Config{}) // MQTT on a free port too, since Listen asks for one
	ctx := context.Background()
	creds := credentials.NewStaticCredentialsProvider("111111111111", "test", "")
	queues := sqsClient(srv, "111111111111", "test")
	q, err := queues.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("hot-readings")})
	if err != nil {
		t.Fatal(err)
	}
	roles := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()), Credentials: creds})
	role, err := roles.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("iot-to-sqs"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"iot.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := roles.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("iot-to-sqs"), PolicyName: aws.String("send"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:111111111111:hot-readings"}]}`)}); err != nil {
		t.Fatal(err)
	}
	rules := iot.New(iot.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()), Credentials: creds})
	if _, err := rules.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String("hot"), TopicRulePayload: &iottypes.TopicRulePayload{
		Sql:              aws.String("SELECT temperature, topic(2) AS sensor FROM 'sensors/+' WHERE temperature > 50"),
		AwsIotSqlVersion: aws.String("2016-03-23"),
		Actions:          []iottypes.Action{{Sqs: &iottypes.SqsAction{QueueUrl: q.QueueUrl, RoleArn: role.Role.Arn}}},
	}}); err != nil {
		t.Fatal(err)
	}

	device := mqttClient(t, srv, "sensor-7", "111111111111", "test")
	device.Publish("sensors/7", 1, false, `{"temperature": 21}`).Wait()
	device.Publish("sensors/7", 1, false, `{"temperature": 64}`).Wait()
	if err := srv.Flush(ctx); err != nil { // every rule has run on what arrived so far
		t.Fatal(err)
	}
	got := receive(t, queues, *q.QueueUrl)
	if len(got) != 1 || got[0] != `{"temperature":64,"sensor":"7"}` {
		t.Fatalf("queue received %q, want only the hot reading", got)
	}
}
