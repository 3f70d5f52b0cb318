package emulator

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	sqstypes "github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

const sampleConfig = `
accounts:
  "111111111111":
    users:
      - name: orders-service
        accessKeys:
          - id: AKIAORDERSSERVICE001
            secret: orders-secret
        policies:
          send:
            Version: "2012-10-17"
            Statement:
              - Effect: Allow
                Action: sqs:SendMessage
                Resource: arn:aws:sqs:*:111111111111:orders
    roles:
      - name: reader
        maxSessionDuration: 7200
        trustPolicy: '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111111111111:user/orders-service"},"Action":"sts:AssumeRole"}]}'
        managedPolicies: [arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess]
      - name: iot-orders
        trustPolicy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {Service: iot.amazonaws.com}, Action: "sts:AssumeRole"}]}
        policies:
          send: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:111111111111:orders"}]}
    rules:
      - name: orders_in
        sql: "SELECT *, topic(2) AS shop FROM 'shops/+/orders'"
        actions:
          - sqs: {queueUrl: "https://sqs.us-east-1.amazonaws.com/111111111111/orders", roleArn: "arn:aws:iam::111111111111:role/iot-orders"}
        tags: {team: blue}
    queues:
      - name: orders
        attributes:
          VisibilityTimeout: 45
          Policy:
            Version: "2012-10-17"
            Statement:
              - Sid: NoPurge
                Effect: Deny
                Principal: "*"
                Action: sqs:PurgeQueue
                Resource: arn:aws:sqs:us-east-1:111111111111:orders
        tags: {team: blue}
      - name: events.fifo
        region: eu-west-1
        attributes: {FifoQueue: true, ContentBasedDeduplication: true}
    keys:
      - id: 1234abcd-12ab-34cd-56ef-1234567890ab
        description: records key
        aliases: [alias/records]
        tags: {team: care}
    topics:
      - name: patient-records
        attributes: {DisplayName: Patient records}
        tags: {team: care}
        subscriptions:
          - protocol: sqs
            endpoint: arn:aws:sqs:us-east-1:222222222222:billing
            attributes: {RawMessageDelivery: true}
  "222222222222":
    queues:
      - name: billing
        attributes:
          Policy:
            Statement:
              - Effect: Allow
                Principal: {Service: sns.amazonaws.com}
                Action: sqs:SendMessage
                Resource: arn:aws:sqs:us-east-1:222222222222:billing
                Condition: {ArnEquals: {aws:SourceArn: arn:aws:sns:us-east-1:111111111111:patient-records}}
`

func writeConfig(t *testing.T, text string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "ferry.yaml")
	if err := os.WriteFile(path, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestStartupConfig(t *testing.T) {
	cfg, err := LoadConfig(writeConfig(t, sampleConfig))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := Run(Config{Listen: "127.0.0.1:0", Startup: cfg})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := context.Background()

	// The fixed key signs as the user, whose policy lets it send.
	svc := sqsClient(srv, "AKIAORDERSSERVICE001", "orders-secret")
	url := "http://" + srv.Addr() + "/111111111111/orders"
	if _, err := svc.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("hi")}); err != nil {
		t.Fatalf("send with the configured key: %v", err)
	}
	if _, err := svc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url}); apiCode(err) != "AccessDenied" {
		t.Fatalf("receive: %v, want AccessDenied", err)
	}
	root := sqsClient(srv, "111111111111", "test")
	attrs, err := root.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: &url, AttributeNames: []sqstypes.QueueAttributeName{"VisibilityTimeout"}})
	if err != nil || attrs.Attributes["VisibilityTimeout"] != "45" {
		t.Fatalf("attributes: %v %v", attrs, err)
	}
	if _, err := root.PurgeQueue(ctx, &sqs.PurgeQueueInput{QueueUrl: &url}); apiCode(err) != "AccessDenied" {
		t.Fatalf("purge against the configured queue policy: %v, want AccessDenied", err)
	}
	euRoot := sqs.New(sqs.Options{Region: "eu-west-1", BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("111111111111", "test", "")})
	if _, err := euRoot.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("events.fifo")}); err != nil {
		t.Fatalf("FIFO queue in eu-west-1: %v", err)
	}
	ic := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()), Credentials: credentials.NewStaticCredentialsProvider("111111111111", "test", "")})
	role, err := ic.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("reader")})
	if err != nil || aws.ToInt32(role.Role.MaxSessionDuration) != 7200 {
		t.Fatalf("role: %v %v", role, err)
	}

	// The topic fans out into the other account's queue, subscribed by that
	// queue's owner and so confirmed.
	nc := sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("111111111111", "test", "")})
	topic := "arn:aws:sns:us-east-1:111111111111:patient-records"
	if _, err := nc.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("record")}); err != nil {
		t.Fatal(err)
	}
	billing := sqsClient(srv, "222222222222", "test")
	burl := "http://" + srv.Addr() + "/222222222222/billing"
	got, err := billing.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &burl, WaitTimeSeconds: 5})
	if err != nil || len(got.Messages) != 1 || *got.Messages[0].Body != "record" {
		t.Fatalf("delivery into the configured subscription: %+v %v", got, err)
	}

	// The key has its fixed id and alias, and works.
	kc := kms.New(kms.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("111111111111", "test", "")})
	enc, err := kc.Encrypt(ctx, &kms.EncryptInput{KeyId: aws.String("alias/records"), Plaintext: []byte("secret")})
	if err != nil || !strings.HasSuffix(aws.ToString(enc.KeyId), "key/1234abcd-12ab-34cd-56ef-1234567890ab") {
		t.Fatalf("encrypt with the configured key: %v %v", enc, err)
	}

	// The rule exists, as 2016-03-23, and runs as its role.
	ioc := iot.New(iot.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("111111111111", "test", "")})
	rule, err := ioc.GetTopicRule(ctx, &iot.GetTopicRuleInput{RuleName: aws.String("orders_in")})
	if err != nil || aws.ToString(rule.Rule.AwsIotSqlVersion) != "2016-03-23" {
		t.Fatalf("configured rule: %+v %v", rule, err)
	}
	dp := iotdataplane.New(iotdataplane.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("111111111111", "test", "")})
	if _, err := dp.Publish(ctx, &iotdataplane.PublishInput{Topic: aws.String("shops/s1/orders"), Payload: []byte(`{"n":1}`)}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	got, err = root.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 10})
	if err != nil || len(got.Messages) != 2 || aws.ToString(got.Messages[1].Body) != `{"n":1,"shop":"s1"}` {
		t.Fatalf("the configured rule's delivery: %+v %v", got, err)
	}

	// Applying again changes nothing and fails on nothing.
	if err := srv.applyStartup(cfg); err != nil {
		t.Fatalf("second application: %v", err)
	}
}

func TestStartupConfigErrors(t *testing.T) {
	tests := []struct{ name, text, want string }{
		{"unknown field", "accounts:\n  \"111111111111\":\n    queus: []\n", "field queus not found"},
		{"bad account", "accounts:\n  \"12\":\n    queues: [{name: q}]\n", "accounts.12: an account id is 12 digits"},
		{"bad queue name", "accounts:\n  \"111111111111\":\n    queues: [{name: \"no spaces\"}]\n", "accounts.111111111111.queues[0] (no spaces)"},
		{"bad attribute", "accounts:\n  \"111111111111\":\n    queues: [{name: q, attributes: {VisibilityTimeout: 99999}}]\n", "InvalidAttributeValue"},
		{"bad policy", "accounts:\n  \"111111111111\":\n    users: [{name: u, policies: {p: {Statement: [{Effect: Maybe}]}}}]\n", "accounts.111111111111.users[0] (u): policies.p: MalformedPolicyDocument"},
		{"bad topic", "accounts:\n  \"111111111111\":\n    topics: [{name: \"a b\"}]\n", "accounts.111111111111.topics[0] (a b): InvalidParameter"},
		{"bad subscription", "accounts:\n  \"111111111111\":\n    topics: [{name: t, subscriptions: [{protocol: email, endpoint: x@example.com}]}]\n", "topics[0] (t): subscriptions[0] (x@example.com)"},
		{"bad kms key id", "accounts:\n  \"111111111111\":\n    keys: [{id: not-a-uuid}]\n", "accounts.111111111111.keys[0] (not-a-uuid): a key id is a lower-case UUID"},
		{"bad key policy", "accounts:\n  \"111111111111\":\n    keys: [{id: 1234abcd-12ab-34cd-56ef-1234567890ab, policy: {Statement: [{Effect: Maybe}]}}]\n", "MalformedPolicyDocument"},
		{"bad key", "accounts:\n  \"111111111111\":\n    users: [{name: u, accessKeys: [{id: short, secret: s}]}]\n", "accessKeys[0]"},
		{"bad rule sql", "accounts:\n  \"111111111111\":\n    rules: [{name: r, sql: \"SELECT * FRM 'a'\", actions: []}]\n", "accounts.111111111111.rules[0] (r): SqlParseException"},
		{"rule role missing", "accounts:\n  \"111111111111\":\n    rules: [{name: r, sql: \"SELECT * FROM 'a'\", actions: [{republish: {topic: b, roleArn: \"arn:aws:iam::111111111111:role/none\"}}]}]\n", "unable to assume role"},
		{"rule action unknown", "accounts:\n  \"111111111111\":\n    rules: [{name: r, sql: \"SELECT * FROM 'a'\", actions: [{lambda: {functionArn: x}}]}]\n", "lambda is not supported"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			cfg, err := LoadConfig(writeConfig(t, tc.text))
			if err == nil {
				_, err = New(Config{Startup: cfg})
				var ce *ConfigError
				if err != nil && !errors.As(err, &ce) {
					t.Fatalf("not a ConfigError: %v", err)
				}
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v, want it to mention %q", err, tc.want)
			}
		})
	}
}
