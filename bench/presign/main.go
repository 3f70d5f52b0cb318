// Command presign prepares the SendMessage load test: it creates the queue
// on a running ferry and writes a wrk Lua script that replays one
// SigV4-signed SendMessage request. The signature stays valid for ferry's
// 15-minute clock-skew window, so the script must be used within it.
package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

func main() {
	endpoint := flag.String("endpoint", "http://127.0.0.1:4566", "ferry's endpoint")
	queue := flag.String("queue", "load", "queue to create and send to")
	out := flag.String("out", "sendmessage.lua", "wrk script to write")
	asUser := flag.Bool("as-user", false, "sign as an IAM user whose identity policy allows the send, so every request evaluates a policy")
	sse := flag.String("sse", "", "queue encryption: none (SqsManagedSseEnabled=false), kms (a new customer key), or empty for the default")
	duplicate := flag.Bool("fifo-duplicate", false, "send to a FIFO queue with one deduplication id, so that every replay is a duplicate the queue does not store: the cost of a send without a growing queue")
	flag.Parse()

	ctx := context.Background()
	creds := aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}
	client := sqs.New(sqs.Options{
		Region: "us-east-1", BaseEndpoint: endpoint,
		Credentials: credentials.StaticCredentialsProvider{Value: creds},
	})
	attrs := map[string]string{}
	switch *sse {
	case "none":
		attrs["SqsManagedSseEnabled"] = "false"
	case "kms":
		kc := kms.New(kms.Options{Region: "us-east-1", BaseEndpoint: endpoint, Credentials: credentials.StaticCredentialsProvider{Value: creds}})
		key, err := kc.CreateKey(ctx, &kms.CreateKeyInput{Description: aws.String("load test")})
		if err != nil {
			log.Fatalf("create key: %v", err)
		}
		attrs["KmsMasterKeyId"] = *key.KeyMetadata.Arn
	case "":
	default:
		log.Fatalf("--sse %q: want none or kms", *sse)
	}
	name, extra := *queue, ""
	if *duplicate {
		name += ".fifo"
		attrs["FifoQueue"] = "true"
		extra = `,"MessageGroupId":"g","MessageDeduplicationId":"d"`
	}
	q, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: &name, Attributes: attrs})
	if err != nil {
		log.Fatalf("create queue: %v", err)
	}
	if *asUser {
		creds = loadUser(ctx, *endpoint, creds)
	}
	body := []byte(fmt.Sprintf(`{"QueueUrl":%q,"MessageBody":"hello from the load test"%s}`, *q.QueueUrl, extra))
	req, _ := http.NewRequest("POST", *endpoint+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AmazonSQS.SendMessage")
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "sqs", "us-east-1", time.Now()); err != nil {
		log.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("-- One SigV4-signed SendMessage, replayed by wrk.\nwrk.method = \"POST\"\n")
	fmt.Fprintf(&b, "wrk.body = %s\n", luaString(string(body)))
	names := make([]string, 0, len(req.Header))
	for k := range req.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(&b, "wrk.headers[%s] = %s\n", luaString(k), luaString(req.Header.Get(k)))
	}
	if err := os.WriteFile(*out, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}

func luaString(s string) string {
	return "\"" + strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`).Replace(s) + "\""
}

// loadUser creates an IAM user allowed to send to any queue by an inline
// policy with a condition, and returns its access key.
func loadUser(ctx context.Context, endpoint string, root aws.Credentials) aws.Credentials {
	c := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: &endpoint, Credentials: credentials.StaticCredentialsProvider{Value: root}})
	name := "loadgen"
	if _, err := c.CreateUser(ctx, &iam.CreateUserInput{UserName: &name}); err != nil {
		log.Fatalf("create user: %v", err)
	}
	doc := `{"Version":"2012-10-17","Statement":[
		{"Sid":"Send","Effect":"Allow","Action":["sqs:SendMessage","sqs:GetQueueUrl"],"Resource":"arn:aws:sqs:*:000000000000:*",
		 "Condition":{"Bool":{"aws:SecureTransport":"false"}}},
		{"Sid":"NoDelete","Effect":"Deny","Action":"sqs:DeleteQueue","Resource":"*"}]}`
	if _, err := c.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: &name, PolicyName: aws.String("send"), PolicyDocument: &doc}); err != nil {
		log.Fatalf("put user policy: %v", err)
	}
	key, err := c.CreateAccessKey(ctx, &iam.CreateAccessKeyInput{UserName: &name})
	if err != nil {
		log.Fatalf("create access key: %v", err)
	}
	return aws.Credentials{AccessKeyID: *key.AccessKey.AccessKeyId, SecretAccessKey: *key.AccessKey.SecretAccessKey}
}
