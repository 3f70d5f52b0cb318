// Command fill tops a queue up to a number of messages with concurrent
// SendMessageBatch calls, for the start-up benchmark of bench/durable.sh.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"strconv"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

func main() {
	endpoint := flag.String("endpoint", "http://127.0.0.1:4566", "ferry's endpoint")
	name := flag.String("queue", "load", "queue to fill")
	want := flag.Int("messages", 1000000, "messages the queue should hold")
	flag.Parse()
	ctx := context.Background()
	c := sqs.New(sqs.Options{Region: "us-east-1", BaseEndpoint: endpoint,
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")})
	q, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: name})
	if err != nil {
		log.Fatal(err)
	}
	a, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: q.QueueUrl,
		AttributeNames: []types.QueueAttributeName{types.QueueAttributeNameApproximateNumberOfMessages}})
	if err != nil {
		log.Fatal(err)
	}
	have, _ := strconv.Atoi(a.Attributes["ApproximateNumberOfMessages"])
	batches := make(chan int)
	go func() {
		for n := have; n < *want; n += 10 {
			batches <- min(10, *want-n)
		}
		close(batches)
	}()
	var wg sync.WaitGroup
	for range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := range batches {
				entries := make([]types.SendMessageBatchRequestEntry, n)
				for i := range entries {
					entries[i] = types.SendMessageBatchRequestEntry{Id: aws.String(strconv.Itoa(i)), MessageBody: aws.String("hello from the fill")}
				}
				if _, err := c.SendMessageBatch(ctx, &sqs.SendMessageBatchInput{QueueUrl: q.QueueUrl, Entries: entries}); err != nil {
					log.Fatal(err)
				}
			}
		}()
	}
	wg.Wait()
	fmt.Printf("queue %s: %d messages before, topped up to %d\n", *name, have, *want)
}
