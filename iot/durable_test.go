package iot_test

import (
	"context"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	iottypes "github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"
	mqtt "github.com/eclipse/paho.mqtt.golang"

	"github.com/ferry-emulator/ferry/emulator"
	"github.com/ferry-emulator/ferry/persist"
)

// With a data directory, topic rules (their tags and disabled state) and
// retained messages survive a restart, and a restored rule runs.
func TestRulesAndRetainedMessagesSurviveRestart(t *testing.T) {
	dir := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	start := func() *emulator.Server {
		t.Helper()
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
	creds := credentials.NewStaticCredentialsProvider("111111111111", "test", "")
	clients := func(srv *emulator.Server) (*iot.Client, *iotdataplane.Client) {
		return iot.New(iot.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()), Credentials: creds}),
			iotdataplane.New(iotdataplane.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()), Credentials: creds})
	}

	srv := start()
	ic, dp := clients(srv)
	cl := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()), Credentials: creds})
	role, err := cl.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("echo"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"iot.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := cl.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("echo"), PolicyName: aws.String("publish"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"iot:Publish","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"echo", "off"} {
		if _, err := ic.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String(name), Tags: aws.String("team=ops"),
			TopicRulePayload: &iottypes.TopicRulePayload{Sql: aws.String("SELECT * FROM 'in/" + name + "'"), AwsIotSqlVersion: aws.String("2016-03-23"),
				Actions: []iottypes.Action{{Republish: &iottypes.RepublishAction{Topic: aws.String("out/" + name), RoleArn: role.Role.Arn}}}}}); err != nil {
			t.Fatalf("CreateTopicRule %s: %v", name, err)
		}
	}
	if _, err := ic.DisableTopicRule(ctx, &iot.DisableTopicRuleInput{RuleName: aws.String("off")}); err != nil {
		t.Fatal(err)
	}
	if _, err := dp.Publish(ctx, &iotdataplane.PublishInput{Topic: aws.String("config/a"), Payload: []byte("kept"), Retain: true, Qos: 1}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	srv = start()
	defer srv.Close()
	ic, dp = clients(srv)
	r, err := ic.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: aws.String("off")})
	if err != nil || !aws.ToBool(r.Rule.RuleDisabled) || aws.ToString(r.Rule.Sql) != "SELECT * FROM 'in/off'" {
		t.Fatalf("GetTopicRule after restart: %v %+v", err, r)
	}
	tags, err := ic.ListTagsForResource(ctx, &iot.ListTagsForResourceInput{ResourceArn: r.RuleArn})
	if err != nil || len(tags.Tags) != 1 || aws.ToString(tags.Tags[0].Key) != "team" {
		t.Fatalf("tags after restart: %v %+v", err, tags)
	}
	rm, err := dp.GetRetainedMessage(ctx, &iotdataplane.GetRetainedMessageInput{Topic: aws.String("config/a")})
	if err != nil || string(rm.Payload) != "kept" {
		t.Fatalf("retained message after restart: %v %+v", err, rm)
	}

	// The restored rule runs.
	c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker("tcp://" + srv.MQTTAddr()).SetClientID("t").
		SetUsername("111111111111").SetPassword("test").SetAutoReconnect(false))
	if tok := c.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("connect: %v", tok.Error())
	}
	defer c.Disconnect(100)
	got := make(chan string, 4)
	if tok := c.Subscribe("out/+", 1, func(_ mqtt.Client, m mqtt.Message) { got <- m.Topic() }); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}
	for _, topic := range []string{"in/off", "in/echo"} {
		if tok := c.Publish(topic, 1, false, "x"); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
			t.Fatalf("publish: %v", tok.Error())
		}
	}
	if err := srv.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case topic := <-got:
		if topic != "out/echo" {
			t.Fatalf("republished on %s: the disabled rule ran", topic)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the restored rule did not run")
	}
	select {
	case topic := <-got:
		t.Fatalf("republished on %s too", topic)
	case <-time.After(200 * time.Millisecond):
	}
}
