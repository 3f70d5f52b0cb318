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
	"github.com/aws/aws-sdk-go-v2/service/sqs"
)

func main() {
	endpoint := flag.String("endpoint", "http://127.0.0.1:4566", "ferry's endpoint")
	queue := flag.String("queue", "load", "queue to create and send to")
	out := flag.String("out", "sendmessage.lua", "wrk script to write")
	flag.Parse()

	ctx := context.Background()
	creds := aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}
	client := sqs.New(sqs.Options{
		Region: "us-east-1", BaseEndpoint: endpoint,
		Credentials: credentials.StaticCredentialsProvider{Value: creds},
	})
	q, err := client.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: queue})
	if err != nil {
		log.Fatalf("create queue: %v", err)
	}
	body := []byte(fmt.Sprintf(`{"QueueUrl":%q,"MessageBody":"hello from the load test"}`, *q.QueueUrl))
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
