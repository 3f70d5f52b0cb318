// Command snsload measures SNS fan-out on a running ferry:
//
//   - prepare: a topic with N raw-delivery SQS subscribers, and a wrk script
//     that replays one signed Publish to it (bench/sns.sh replays it);
//   - account: once the load has stopped, waits for every delivery and
//     checks that each published message reached every queue exactly once
//     (published × N = delivered = messages in the queues);
//   - latency: through the real SDK, P publishers and S subscribed queues;
//     the time from a Publish's response to its message being receivable
//     in every queue (p50/p99), with every message received exactly once;
//   - publish: Publish latency with 1 and with 100 subscribers, paced so
//     that it measures latency and not saturation.
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// plainQueues makes fanout's queues unencrypted.
var plainQueues bool

var (
	endpoint = flag.String("endpoint", "http://127.0.0.1:4566", "ferry's endpoint")
	creds    = aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}
)

func main() {
	subscribers := flag.Int("subscribers", 10, "queues subscribed to the topic")
	out := flag.String("out", "publish.lua", "prepare: wrk script to write")
	publishers := flag.Int("publishers", 8, "latency: concurrent publishers")
	messages := flag.Int("messages", 4000, "latency: messages to publish; publish: per subscriber count")
	raw := flag.Bool("raw", true, "latency: raw message delivery (false: signed envelopes)")
	rate := flag.Int("rate", 100, "latency: publishes per second per publisher (0: as fast as possible)")
	plain := flag.Bool("plain", false, "prepare: queues without server-side encryption (SqsManagedSseEnabled=false); default: AWS's default, SSE-SQS")
	flag.Parse()
	ctx := context.Background()
	switch flag.Arg(0) {
	case "prepare":
		plainQueues = *plain
		prepare(ctx, *subscribers, *out)
	case "account":
		account(ctx, *subscribers)
	case "latency":
		latency(ctx, *publishers, *subscribers, *messages, *raw, *rate)
	case "publish":
		publishLatency(ctx, *messages)
	default:
		log.Fatal("usage: snsload [flags] prepare|account|latency|publish")
	}
}

func snsClient() *sns.Client {
	return sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: endpoint,
		Credentials: credentials.StaticCredentialsProvider{Value: creds}})
}

func sqsClient() *sqs.Client {
	return sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: endpoint,
		Credentials: credentials.StaticCredentialsProvider{Value: creds}})
}

// fanout creates a topic and n queues, each with the policy that lets the
// topic in and a subscription; it returns the topic ARN and queue URLs.
func fanout(ctx context.Context, name string, n int, raw bool) (string, []string) {
	sc, qc := snsClient(), sqsClient()
	t, err := sc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String(name)})
	if err != nil {
		log.Fatalf("create topic: %v", err)
	}
	urls := make([]string, n)
	for i := range n {
		qattrs := map[string]string{}
		if plainQueues {
			qattrs["SqsManagedSseEnabled"] = "false"
		}
		q, err := qc.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(fmt.Sprintf("%s-%03d", name, i)), Attributes: qattrs})
		if err != nil {
			log.Fatalf("create queue: %v", err)
		}
		urls[i] = *q.QueueUrl
		arn := "arn:aws:sqs:us-east-1:000000000000:" + fmt.Sprintf("%s-%03d", name, i)
		policy := fmt.Sprintf(`{"Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":%q,"Condition":{"ArnEquals":{"aws:SourceArn":%q}}}]}`, arn, *t.TopicArn)
		if _, err := qc.SetQueueAttributes(ctx, &sqs.SetQueueAttributesInput{QueueUrl: q.QueueUrl, Attributes: map[string]string{"Policy": policy}}); err != nil {
			log.Fatalf("queue policy: %v", err)
		}
		attrs := map[string]string{}
		if raw {
			attrs["RawMessageDelivery"] = "true"
		}
		if _, err := sc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: t.TopicArn, Protocol: aws.String("sqs"), Endpoint: aws.String(arn), Attributes: attrs}); err != nil {
			log.Fatalf("subscribe: %v", err)
		}
	}
	return *t.TopicArn, urls
}

func prepare(ctx context.Context, n int, out string) {
	topic, _ := fanout(ctx, "fanout", n, true)
	form := url.Values{"Action": {"Publish"}, "Version": {"2010-03-31"}, "TopicArn": {topic},
		"Message": {`{"order":42,"status":"shipped"}`}}
	body := []byte(form.Encode())
	req, _ := http.NewRequest("POST", *endpoint+"/", bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded; charset=utf-8")
	sum := sha256.Sum256(body)
	if err := v4.NewSigner().SignHTTP(ctx, creds, req, hex.EncodeToString(sum[:]), "sns", "us-east-1", time.Now()); err != nil {
		log.Fatal(err)
	}
	var b strings.Builder
	b.WriteString("-- One SigV4-signed SNS Publish, replayed by wrk.\nwrk.method = \"POST\"\n")
	fmt.Fprintf(&b, "wrk.body = %q\n", string(body))
	names := make([]string, 0, len(req.Header))
	for k := range req.Header {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		fmt.Fprintf(&b, "wrk.headers[%q] = %q\n", k, req.Header.Get(k))
	}
	if err := os.WriteFile(out, []byte(b.String()), 0o644); err != nil {
		log.Fatal(err)
	}
}

// topicCounts reads the fanout topic's counters from /_ferry/metrics.
func topicCounts() map[string]int64 {
	resp, err := http.Get(*endpoint + "/_ferry/metrics")
	if err != nil {
		log.Fatal(err)
	}
	defer resp.Body.Close()
	counts := map[string]int64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if !strings.HasPrefix(line, "ferry_sns_messages_total{") || !strings.Contains(line, `topic="fanout"`) {
			continue
		}
		i := strings.Index(line, `outcome="`)
		outcome := line[i+9:]
		outcome = outcome[:strings.IndexByte(outcome, '"')]
		v, _ := strconv.ParseFloat(line[strings.LastIndexByte(line, ' ')+1:], 64)
		counts[outcome] = int64(v)
	}
	return counts
}

func account(ctx context.Context, n int) {
	start := time.Now()
	var c map[string]int64
	for {
		c = topicCounts()
		if c["delivered"]+c["failed"] >= c["published"]*int64(n) || time.Since(start) > 2*time.Minute {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	drain := time.Since(start)
	qc := sqsClient()
	var inQueues int64
	for i := range n {
		u, err := qc.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String(fmt.Sprintf("fanout-%03d", i))})
		if err != nil {
			log.Fatal(err)
		}
		a, err := qc.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: u.QueueUrl,
			AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameApproximateNumberOfMessages}})
		if err != nil {
			log.Fatal(err)
		}
		v, _ := strconv.ParseInt(a.Attributes["ApproximateNumberOfMessages"], 10, 64)
		inQueues += v
	}
	fmt.Printf("published %d, delivered %d, failed %d, in queues %d, drained %.2fs after the load stopped\n",
		c["published"], c["delivered"], c["failed"], inQueues, drain.Seconds())
	if c["delivered"] != c["published"]*int64(n) || inQueues != c["delivered"] || c["failed"] != 0 {
		fmt.Println("ACCOUNTING FAILED")
		os.Exit(1)
	}
	fmt.Println("every delivery accounted for")
}

func percentile(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[min(len(d)-1, int(float64(len(d))*p))]
}

// latency: the time from each Publish's response to its message being
// receivable in every queue. Receivers long-poll all the while and note
// when each message arrives; a message's latency is its last arrival
// minus its publish response (0 when it arrived before the response did).
func latency(ctx context.Context, publishers, n, messages int, raw bool, rate int) {
	topic, urls := fanout(ctx, fmt.Sprintf("latency-raw-%v", raw), n, raw)
	sc, qc := snsClient(), sqsClient()
	var mu sync.Mutex
	published := map[string]time.Time{}
	arrived := map[string][]time.Time{}
	ctx, cancel := context.WithCancel(ctx)
	var rw sync.WaitGroup
	for _, u := range urls {
		for range 2 {
			rw.Add(1)
			go func() {
				defer rw.Done()
				for ctx.Err() == nil {
					out, err := qc.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(u), MaxNumberOfMessages: 10, WaitTimeSeconds: 2})
					if err != nil {
						continue
					}
					now := time.Now()
					var entries []types.DeleteMessageBatchRequestEntry
					mu.Lock()
					for i, m := range out.Messages {
						body := *m.Body
						if !raw {
							var e struct{ Message string }
							json.Unmarshal([]byte(body), &e)
							body = e.Message
						}
						arrived[body] = append(arrived[body], now)
						entries = append(entries, types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle})
					}
					mu.Unlock()
					if len(entries) > 0 {
						qc.DeleteMessageBatch(context.Background(), &sqs.DeleteMessageBatchInput{QueueUrl: aws.String(u), Entries: entries})
					}
				}
			}()
		}
	}
	var pw sync.WaitGroup
	next := make(chan int)
	go func() {
		for i := range messages {
			next <- i
		}
		close(next)
	}()
	for range publishers {
		pw.Add(1)
		go func() {
			defer pw.Done()
			var tick <-chan time.Time
			if rate > 0 {
				t := time.NewTicker(time.Second / time.Duration(rate))
				defer t.Stop()
				tick = t.C
			}
			for i := range next {
				if tick != nil {
					<-tick
				}
				body := fmt.Sprintf("message-%06d", i)
				if _, err := sc.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String(body)}); err != nil {
					log.Fatalf("publish: %v", err)
				}
				now := time.Now()
				mu.Lock()
				published[body] = now
				mu.Unlock()
			}
		}()
	}
	pw.Wait()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		done := len(arrived) == messages
		if done {
			for _, a := range arrived {
				if len(a) < n {
					done = false
					break
				}
			}
		}
		mu.Unlock()
		if done {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Second) // let any duplicate show itself
	cancel()
	rw.Wait()
	var lat []time.Duration
	missing, dup := 0, 0
	for body, at := range published {
		a := arrived[body]
		if len(a) < n {
			missing += n - len(a)
			continue
		}
		dup += len(a) - n
		last := a[0]
		for _, x := range a {
			if x.After(last) {
				last = x
			}
		}
		lat = append(lat, max(0, last.Sub(at)))
	}
	fmt.Printf("%d publishers at %d/s each, %d subscribers, raw=%v: %d messages, %d deliveries missing, %d duplicated; publish response → receivable in every queue: p50 %v, p99 %v\n",
		publishers, rate, n, raw, messages, missing, dup, percentile(lat, 0.5).Round(10*time.Microsecond), percentile(lat, 0.99).Round(10*time.Microsecond))
	if missing > 0 || dup > 0 {
		os.Exit(1)
	}
}

// publishLatency compares Publish latency with 1 and with 100 subscribers.
func publishLatency(ctx context.Context, messages int) {
	sc := snsClient()
	var p50, p99 [2]time.Duration
	for i, n := range []int{1, 100} {
		topic, _ := fanout(ctx, fmt.Sprintf("publish%d", n), n, true)
		var lat []time.Duration
		tick := time.NewTicker(2 * time.Millisecond)
		for range messages {
			<-tick.C
			start := time.Now()
			if _, err := sc.Publish(ctx, &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m")}); err != nil {
				log.Fatal(err)
			}
			lat = append(lat, time.Since(start))
		}
		tick.Stop()
		p50[i], p99[i] = percentile(lat, 0.5), percentile(lat, 0.99)
		fmt.Printf("%3d subscribers: Publish p50 %v, p99 %v\n", n, p50[i].Round(time.Microsecond), p99[i].Round(time.Microsecond))
	}
	fmt.Printf("100 subscribers / 1 subscriber: p50 %.2fx, p99 %.2fx\n", float64(p50[1])/float64(p50[0]), float64(p99[1])/float64(p99[0]))
}
