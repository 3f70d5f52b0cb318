// Command iotload measures AWS IoT rules end to end on a running ferry:
// P MQTT publishers send QoS 1 messages, at a fixed total rate (--rate) or
// as fast as their in-flight window allows; a rule
// `SELECT * FROM 'load/+' WHERE seq >= 0` sends each to an SQS queue as its
// role; consumers long-poll the queue and delete what they get. For each
// message it notes two latencies from the moment it was due to be published
// (so a stalled publisher's wait counts too): to its arrival in the queue
// (SQS's SentTimestamp, to the millisecond) and to its receipt by a
// consumer. It reports publishes/s, messages/s into the queue and through
// the consumers, the latency percentiles, and checks that every message
// arrived exactly once. With --drain the consumers start only once the
// publishers are done, so the figures into the queue are ferry's alone,
// without SQS clients competing for the CPU.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"os"
	"sort"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	iottypes "github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	mqtt "github.com/eclipse/paho.mqtt.golang"
)

const account = "111111111111"

var (
	endpoint   = flag.String("endpoint", "http://127.0.0.1:4566", "ferry's HTTP endpoint")
	broker     = flag.String("mqtt", "127.0.0.1:1883", "ferry's MQTT address")
	publishers = flag.Int("publishers", 16, "concurrent MQTT publishers")
	window     = flag.Int("window", 32, "QoS 1 publishes in flight per publisher")
	consumers  = flag.Int("consumers", 4, "SQS consumers")
	duration   = flag.Duration("duration", 10*time.Second, "how long to publish")
	rate       = flag.Int("rate", 0, "publishes per second in total; 0 = as fast as the windows allow")
	drain      = flag.Bool("drain", false, "start the consumers only after publishing ends")
	plain      = flag.Bool("plain", false, "queue without server-side encryption (default: AWS's default, SSE-SQS)")
)

func main() {
	flag.Parse()
	ctx := context.Background()
	creds := credentials.NewStaticCredentialsProvider(account, "test", "")
	queueURL := setup(ctx, creds)
	qc := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: endpoint, Credentials: creds})

	var (
		mu        sync.Mutex
		latencies []time.Duration // publish → received
		arrivals  []time.Duration // publish → in the queue
		lastSent  int64           // the latest SentTimestamp, ms
		seen      = map[int64]int{}
		received  atomic.Int64
	)
	cctx, stopConsumers := context.WithCancel(ctx)
	var cw sync.WaitGroup
	consume := func() {
		defer cw.Done()
		for cctx.Err() == nil {
			out, err := qc.ReceiveMessage(cctx, &sqs.ReceiveMessageInput{QueueUrl: &queueURL, MaxNumberOfMessages: 10, WaitTimeSeconds: 1,
				MessageSystemAttributeNames: []types.MessageSystemAttributeName{types.MessageSystemAttributeNameSentTimestamp}})
			if err != nil {
				continue
			}
			now := time.Now()
			entries := make([]types.DeleteMessageBatchRequestEntry, 0, len(out.Messages))
			mu.Lock()
			for i, m := range out.Messages {
				var body struct{ Seq, TS int64 }
				if err := json.Unmarshal([]byte(aws.ToString(m.Body)), &body); err != nil {
					log.Fatalf("message body %q: %v", aws.ToString(m.Body), err)
				}
				sent, err := strconv.ParseInt(m.Attributes[string(types.MessageSystemAttributeNameSentTimestamp)], 10, 64)
				if err != nil {
					log.Fatalf("SentTimestamp %q: %v", m.Attributes[string(types.MessageSystemAttributeNameSentTimestamp)], err)
				}
				seen[body.Seq]++
				latencies = append(latencies, now.Sub(time.Unix(0, body.TS)))
				arrivals = append(arrivals, time.UnixMilli(sent).Sub(time.Unix(0, body.TS).Truncate(time.Millisecond)))
				lastSent = max(lastSent, sent)
				entries = append(entries, types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
			}
			mu.Unlock()
			received.Add(int64(len(out.Messages)))
			if len(entries) > 0 {
				if _, err := qc.DeleteMessageBatch(context.Background(), &sqs.DeleteMessageBatchInput{QueueUrl: &queueURL, Entries: entries}); err != nil {
					log.Printf("delete: %v", err)
				}
			}
		}
	}
	startConsumers := func() {
		for range *consumers {
			cw.Add(1)
			go consume()
		}
	}
	if !*drain {
		startConsumers()
	}

	var seq, published atomic.Int64
	var ackMu sync.Mutex
	var acks []time.Duration // publish → PUBACK
	deadline := time.Now().Add(*duration)
	start := time.Now()
	var pw sync.WaitGroup
	for p := range *publishers {
		pw.Add(1)
		go func() {
			defer pw.Done()
			cl := connect(fmt.Sprintf("load-%d", p))
			defer cl.Disconnect(250)
			slots := make(chan struct{}, *window)
			var inflight sync.WaitGroup
			var interval time.Duration
			if *rate > 0 {
				interval = time.Duration(float64(time.Second) * float64(*publishers) / float64(*rate))
			}
			next := start.Add(time.Duration(p) * interval / time.Duration(*publishers))
			for time.Now().Before(deadline) {
				at := time.Now()
				if interval > 0 {
					if d := time.Until(next); d > 0 {
						time.Sleep(d)
					}
					at, next = next, next.Add(interval)
				}
				slots <- struct{}{}
				n := seq.Add(1)
				payload := fmt.Sprintf(`{"seq":%d,"ts":%d,"device":"load-%d","reading":21.5}`, n, at.UnixNano(), p)
				tok := cl.Publish(fmt.Sprintf("load/%d", p), 1, false, payload)
				inflight.Add(1)
				go func() {
					defer inflight.Done()
					if tok.WaitTimeout(30*time.Second) && tok.Error() == nil {
						acked := time.Since(at)
						ackMu.Lock()
						acks = append(acks, acked)
						ackMu.Unlock()
						published.Add(1)
					} else {
						log.Printf("publish %d: %v", n, tok.Error())
					}
					<-slots
				}()
			}
			inflight.Wait()
		}()
	}
	pw.Wait()
	pubTime := time.Since(start)
	if *drain {
		startConsumers()
	}
	for received.Load() < published.Load() && time.Since(start) < *duration+time.Minute {
		time.Sleep(20 * time.Millisecond)
	}
	total := time.Since(start)
	stopConsumers()
	cw.Wait()

	mu.Lock()
	defer mu.Unlock()
	dups := 0
	for _, c := range seen {
		if c > 1 {
			dups++
		}
	}
	percentiles := func(d []time.Duration, round time.Duration) string {
		if len(d) == 0 {
			return "none"
		}
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
		pct := func(p float64) time.Duration { return d[min(len(d)-1, int(float64(len(d))*p))].Round(round) }
		return fmt.Sprintf("p50 %s, p90 %s, p99 %s, max %s", pct(0.50), pct(0.90), pct(0.99), pct(1))
	}
	offered := "as fast as the windows allow"
	if *rate > 0 {
		offered = fmt.Sprintf("offered %d/s", *rate)
	}
	when := "alongside"
	if *drain {
		when = "after publishing"
	}
	fmt.Printf("publishers %d (window %d), %s, %s; consumers %d %s\n", *publishers, *window, offered, duration.String(), *consumers, when)
	fmt.Printf("published (PUBACKed) %d: %.0f publishes/s\n", published.Load(), float64(published.Load())/pubTime.Seconds())
	fmt.Printf("latency publish → PUBACK: %s\n", percentiles(acks, 10*time.Microsecond))
	intoQueue := time.UnixMilli(lastSent).Sub(start.Truncate(time.Millisecond))
	fmt.Printf("into SQS %d: %.0f messages/s end to end (until the last arrived in the queue, %.2fs)\n",
		len(seen), float64(len(seen))/intoQueue.Seconds(), intoQueue.Seconds())
	fmt.Printf("latency publish → in the queue: %s\n", percentiles(arrivals, time.Millisecond))
	fmt.Printf("received from SQS %d: %.0f messages/s (until the last was received, %.2fs)\n",
		len(seen), float64(len(seen))/total.Seconds(), total.Seconds())
	fmt.Printf("latency publish → received: %s\n", percentiles(latencies, 10*time.Microsecond))
	if int64(len(seen)) != published.Load() || dups != 0 {
		fmt.Printf("ACCOUNTING FAILED: %d published, %d distinct received, %d received more than once\n", published.Load(), len(seen), dups)
		os.Exit(1)
	}
	fmt.Println("every message arrived exactly once")
}

// setup creates the queue, the rule's role and the rule, and returns the
// queue's URL.
func setup(ctx context.Context, creds aws.CredentialsProvider) string {
	qc := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: endpoint, Credentials: creds})
	attrs := map[string]string{}
	if *plain {
		attrs["SqsManagedSseEnabled"] = "false"
	}
	q, err := qc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("iot-load"), Attributes: attrs})
	if err != nil {
		log.Fatalf("create queue: %v", err)
	}
	ic := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: endpoint, Credentials: creds})
	role, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("iot-load"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"iot.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)})
	if err != nil {
		log.Fatalf("create role: %v", err)
	}
	if _, err := ic.PutRolePolicy(ctx, &iam.PutRolePolicyInput{RoleName: aws.String("iot-load"), PolicyName: aws.String("send"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:` + account + `:iot-load"}]}`)}); err != nil {
		log.Fatalf("role policy: %v", err)
	}
	rc := iot.New(iot.Options{Region: "us-east-1", BaseEndpoint: endpoint, Credentials: creds})
	if _, err := rc.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String("load"), TopicRulePayload: &iottypes.TopicRulePayload{
		Sql: aws.String("SELECT * FROM 'load/+' WHERE seq >= 0"), AwsIotSqlVersion: aws.String("2016-03-23"),
		Actions: []iottypes.Action{{Sqs: &iottypes.SqsAction{QueueUrl: q.QueueUrl, RoleArn: role.Role.Arn}}},
	}}); err != nil {
		log.Fatalf("create rule: %v", err)
	}
	return aws.ToString(q.QueueUrl)
}

func connect(id string) mqtt.Client {
	cl := mqtt.NewClient(mqtt.NewClientOptions().AddBroker("tcp://" + *broker).SetClientID(id).
		SetUsername(account).SetPassword("test").SetAutoReconnect(false).SetOrderMatters(false).
		SetMaxResumePubInFlight(*window).SetWriteTimeout(30 * time.Second))
	if tok := cl.Connect(); !tok.WaitTimeout(10*time.Second) || tok.Error() != nil {
		log.Fatalf("connect %s: %v", id, tok.Error())
	}
	return cl
}
