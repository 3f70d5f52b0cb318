package emulator

import (
	"context"
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	iottypes "github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/ferry-emulator/ferry/persist"
	"github.com/ferry-emulator/ferry/persist/persisttest"
)

// TestFullDiskAcknowledgesNothing: on a full disk, every service's write
// is answered with an error, never a success, and after a restart on a
// working disk nothing of it is there, while what was durable before is.
func TestFullDiskAcknowledgesNothing(t *testing.T) {
	dir := t.TempDir()
	b, err := persist.OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	disk := &persisttest.FullDisk{Bolt: b}
	srv, err := Run(Config{Listen: "127.0.0.1:0", Store: disk, MQTTListen: "off"})
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	creds := credentials.NewStaticCredentialsProvider("111111111111", "test", "")
	endpoint := aws.String(srv.URL())
	snsc := sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: endpoint, Credentials: creds})
	kmsc := kms.New(kms.Options{Region: "us-east-1", BaseEndpoint: endpoint, Credentials: creds})
	iamc := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: endpoint, Credentials: creds})
	iotc := iot.New(iot.Options{Region: "us-east-1", BaseEndpoint: endpoint, Credentials: creds})

	kept, err := snsc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("kept")})
	if err != nil {
		t.Fatal(err)
	}
	role, err := iamc.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("iot-rules"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"iot.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	if err != nil {
		t.Fatal(err)
	}

	disk.Full.Store(true)
	refused := func(what string, err error) {
		t.Helper()
		var status interface{ HTTPStatusCode() int }
		if err == nil {
			t.Errorf("%s on a full disk succeeded", what)
		} else if !errors.As(err, &status) || status.HTTPStatusCode() < 500 {
			t.Errorf("%s on a full disk: %v, want a server error", what, err)
		}
	}
	_, err = snsc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("lost")})
	refused("CreateTopic", err)
	_, err = kmsc.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("lost")})
	refused("CreateKey", err)
	_, err = iamc.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("lost")})
	refused("CreateUser", err)
	_, err = iotc.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String("lost"), TopicRulePayload: &iottypes.TopicRulePayload{
		Sql:     aws.String("SELECT * FROM 'a'"),
		Actions: []iottypes.Action{{Republish: &iottypes.RepublishAction{Topic: aws.String("b"), RoleArn: role.Role.Arn}}},
	}})
	refused("CreateTopicRule", err)
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}

	b, err = persist.OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err = Run(Config{Listen: "127.0.0.1:0", Store: b, MQTTListen: "off"})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	endpoint = aws.String(srv.URL())
	snsc = sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: endpoint, Credentials: creds})
	kmsc = kms.New(kms.Options{Region: "us-east-1", BaseEndpoint: endpoint, Credentials: creds})
	iamc = iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: endpoint, Credentials: creds})
	iotc = iot.New(iot.Options{Region: "us-east-1", BaseEndpoint: endpoint, Credentials: creds})

	topics, err := snsc.ListTopics(ctx, &sns.ListTopicsInput{})
	if err != nil || len(topics.Topics) != 1 || aws.ToString(topics.Topics[0].TopicArn) != aws.ToString(kept.TopicArn) {
		t.Errorf("topics after restart: %v %+v, want only %s", err, topics, aws.ToString(kept.TopicArn))
	}
	keys, err := kmsc.ListKeys(ctx, &kms.ListKeysInput{})
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range keys.Keys {
		d, err := kmsc.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
		if err == nil && aws.ToString(d.KeyMetadata.Description) == "lost" {
			t.Errorf("key %s created on a full disk came back", aws.ToString(k.KeyId))
		}
	}
	if _, err := iamc.GetUser(ctx, &iam.GetUserInput{UserName: aws.String("lost")}); err == nil {
		t.Error("user created on a full disk came back")
	}
	if _, err := iamc.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("iot-rules")}); err != nil {
		t.Errorf("role created before the disk filled: %v", err)
	}
	rules, err := iotc.ListTopicRules(ctx, &iot.ListTopicRulesInput{})
	if err != nil || len(rules.Rules) != 0 {
		t.Errorf("rules after restart: %v %+v, want none", err, rules)
	}
}
