// Command sdkload measures ferry through the real aws-sdk-go-v2 client:
//
//   - cycle: concurrent senders and receivers run send → receive (10 per
//     call) → delete-batch over N messages, and every message must be
//     received exactly once;
//   - wake: how long after a send a waiting long poll returns (p50/p99);
//   - idle: the CPU ferry spends while 1,000 long polls wait on empty queues.
//
// It talks to a ferry started separately (bench/sdk.sh does both) and reads
// that process's CPU time from /proc.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func main() {
	endpoint := flag.String("endpoint", "http://127.0.0.1:4566", "ferry's endpoint")
	pid := flag.Int("pid", 0, "ferry's process id, for CPU figures")
	n := flag.Int("messages", 20000, "messages in the cycle test")
	trials := flag.Int("trials", 300, "long-poll wake trials")
	idle := flag.Int("idle", 1000, "idle long polls")
	window := flag.Duration("window", 10*time.Second, "how long to measure idle CPU")
	flag.Parse()

	transport := &http.Transport{MaxIdleConns: 0, MaxIdleConnsPerHost: 2048, IdleConnTimeout: time.Minute}
	client := sqs.New(sqs.Options{
		Region: "us-east-1", BaseEndpoint: endpoint,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""),
		HTTPClient:  &http.Client{Transport: transport},
	})
	ctx := context.Background()
	cycle(ctx, client, *n)
	wake(ctx, client, *trials)
	idleCPU(ctx, client, *idle, *window, *pid)
}

func createQueue(ctx context.Context, c *sqs.Client, name string) string {
	out, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name)})
	if err != nil {
		log.Fatalf("create %s: %v", name, err)
	}
	return *out.QueueUrl
}

func cycle(ctx context.Context, c *sqs.Client, n int) {
	url := createQueue(ctx, c, "cycle-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	const senders, receivers = 8, 4
	var seen sync.Map
	var received, dupes atomic.Int64
	start := time.Now()
	var wg sync.WaitGroup
	for s := 0; s < senders; s++ {
		wg.Add(1)
		go func(s int) {
			defer wg.Done()
			for i := s; i < n; i += senders {
				if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String(strconv.Itoa(i))}); err != nil {
					log.Fatalf("send: %v", err)
				}
			}
		}(s)
	}
	var rwg sync.WaitGroup
	for r := 0; r < receivers; r++ {
		rwg.Add(1)
		go func() {
			defer rwg.Done()
			for received.Load() < int64(n) {
				out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, MaxNumberOfMessages: 10, WaitTimeSeconds: 1})
				if err != nil {
					log.Fatalf("receive: %v", err)
				}
				if len(out.Messages) == 0 {
					continue
				}
				entries := make([]types.DeleteMessageBatchRequestEntry, len(out.Messages))
				for i, m := range out.Messages {
					if _, loaded := seen.LoadOrStore(*m.Body, true); loaded {
						dupes.Add(1)
					}
					entries[i] = types.DeleteMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), ReceiptHandle: m.ReceiptHandle}
				}
				res, err := c.DeleteMessageBatch(ctx, &sqs.DeleteMessageBatchInput{QueueUrl: &url, Entries: entries})
				if err != nil || len(res.Failed) > 0 {
					log.Fatalf("delete batch: %v %v", err, res)
				}
				received.Add(int64(len(out.Messages)))
			}
		}()
	}
	wg.Wait()
	rwg.Wait()
	elapsed := time.Since(start)
	missing := 0
	for i := 0; i < n; i++ {
		if _, ok := seen.Load(strconv.Itoa(i)); !ok {
			missing++
		}
	}
	fmt.Printf("cycle: %d messages sent, received and batch-deleted in %v (%.0f msg/s); missing %d, duplicates %d\n",
		n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), missing, dupes.Load())
	if missing > 0 || dupes.Load() > 0 {
		os.Exit(1)
	}
}

func wake(ctx context.Context, c *sqs.Client, trials int) {
	url := createQueue(ctx, c, "wake-"+strconv.FormatInt(time.Now().UnixNano(), 36))
	lat := make([]time.Duration, 0, trials)
	for i := 0; i < trials; i++ {
		got := make(chan time.Time, 1)
		go func() {
			out, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, WaitTimeSeconds: 20})
			returned := time.Now()
			if err != nil || len(out.Messages) != 1 {
				log.Fatalf("long poll: %v", err)
			}
			c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: &url, ReceiptHandle: out.Messages[0].ReceiptHandle})
			got <- returned
		}()
		time.Sleep(20 * time.Millisecond) // let the poll reach the server and wait
		// The send's own round trip is part of the figure: the time from
		// handing the message to the SDK to the waiting receive returning.
		sent := time.Now()
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: &url, MessageBody: aws.String("x")}); err != nil {
			log.Fatal(err)
		}
		lat = append(lat, (<-got).Sub(sent))
	}
	sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
	q := func(p float64) time.Duration { return lat[int(p*float64(len(lat)-1))] }
	fmt.Printf("wake: send → waiting long poll returns, %d trials: p50 %v, p99 %v, max %v\n",
		trials, q(0.50).Round(10*time.Microsecond), q(0.99).Round(10*time.Microsecond), lat[len(lat)-1].Round(10*time.Microsecond))
}

func cpuTicks(pid int) int64 {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+2:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	s, _ := strconv.ParseInt(f[12], 10, 64)
	return u + s
}

func idleCPU(ctx context.Context, c *sqs.Client, polls int, window time.Duration, pid int) {
	queues := make([]string, 10)
	for i := range queues {
		queues[i] = createQueue(ctx, c, fmt.Sprintf("idle-%d-%d", i, time.Now().UnixNano()))
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	for i := 0; i < polls; i++ {
		wg.Add(1)
		go func(url string) {
			defer wg.Done()
			for ctx.Err() == nil {
				c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: &url, WaitTimeSeconds: 20})
			}
		}(queues[i%len(queues)])
	}
	time.Sleep(3 * time.Second) // connections open and polls settle into waiting
	if pid == 0 {
		fmt.Printf("idle: %d long polls waiting (no -pid given, CPU not measured)\n", polls)
	} else {
		before, t0 := cpuTicks(pid), time.Now()
		time.Sleep(window)
		used := float64(cpuTicks(pid)-before) / 100 // USER_HZ is 100 on Linux
		fmt.Printf("idle: %d long polls waiting for %v: ferry used %.2f%% of one core\n",
			polls, window, 100*used/time.Since(t0).Seconds())
	}
	cancel()
	wg.Wait()
}
