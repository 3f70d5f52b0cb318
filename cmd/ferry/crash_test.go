package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
)

// startDurable runs ferry as a child process on dir and returns its
// endpoint.
func startDurable(t *testing.T, dir string) (string, *exec.Cmd) {
	t.Helper()
	cmd := ferryCommand("--listen", "127.0.0.1:0", "--log-level", "error", "--data-dir", dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	lines := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	select {
	case line := <-lines:
		addr, ok := strings.CutPrefix(line, "ferry: AWS APIs on ")
		if !ok {
			t.Fatalf("listener line %q", line)
		}
		return addr, cmd
	case <-time.After(30 * time.Second):
		t.Fatal("ferry did not start")
	}
	return "", nil
}

func durableClient(endpoint string) *sqs.Client {
	return sqs.New(sqs.Options{
		Region: "us-east-1", BaseEndpoint: aws.String(endpoint),
		Credentials:      credentials.NewStaticCredentialsProvider("test", "test", ""),
		RetryMaxAttempts: 1,
	})
}

// A crash (kill -9) in the middle of concurrent sends, receives and
// deletes loses no acknowledged message and brings back no acknowledged
// deletion: after a restart over the same data directory every message
// whose send was answered is there exactly once, unless its deletion was
// answered, and then it is gone. Repeated for several kill points.
func TestKillNineKeepsEveryAcknowledgedWrite(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: runs ferry as a child process several times")
	}
	for round, killAfter := range []time.Duration{150 * time.Millisecond, 400 * time.Millisecond, 900 * time.Millisecond} {
		t.Run(fmt.Sprintf("kill after %v", killAfter), func(t *testing.T) {
			dir := t.TempDir()
			addr, cmd := startDurable(t, dir)
			c := durableClient(addr)
			ctx := context.Background()
			q, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("crash"),
				Attributes: map[string]string{"VisibilityTimeout": "1"}})
			if err != nil {
				t.Fatal(err)
			}
			var (
				mu      sync.Mutex
				sent    = map[string]string{} // body -> message id, sends that were answered
				deleted = map[string]bool{}   // message ids whose deletion was answered
				tried   = map[string]bool{}   // message ids whose deletion was asked for
				wg      sync.WaitGroup
			)
			stop := make(chan struct{})
			for w := range 16 {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for n := 0; n < 2000; n++ {
						select {
						case <-stop:
							return
						default:
						}
						body := fmt.Sprintf("r%d-w%d-m%d", round, w, n)
						out, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String(body)})
						if err != nil {
							return // ferry is gone
						}
						mu.Lock()
						sent[body] = *out.MessageId
						mu.Unlock()
						if n%3 != 2 {
							continue
						}
						got, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 2})
						if err != nil {
							return
						}
						for _, m := range got.Messages {
							mu.Lock()
							tried[*m.MessageId] = true
							mu.Unlock()
							if _, err := c.DeleteMessage(ctx, &sqs.DeleteMessageInput{QueueUrl: q.QueueUrl, ReceiptHandle: m.ReceiptHandle}); err != nil {
								return
							}
							mu.Lock()
							deleted[*m.MessageId] = true
							mu.Unlock()
						}
					}
				}()
			}
			// The kill point counts from the first answered send, so that a
			// slow start (a loaded machine, the race detector) cannot make a
			// round with nothing to check.
			for deadline := time.Now().Add(20 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
				mu.Lock()
				n := len(sent)
				mu.Unlock()
				if n > 0 {
					break
				}
			}
			time.Sleep(killAfter)
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			cmd.Wait()
			close(stop)
			wg.Wait()
			if len(sent) == 0 {
				t.Fatal("no send was answered before the kill")
			}

			addr, _ = startDurable(t, dir)
			c = durableClient(addr)
			// Messages in flight at the kill become visible a second later.
			time.Sleep(1100 * time.Millisecond)
			found := map[string]int{}
			for tries := 0; tries < 2000; tries++ {
				got, err := c.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: q.QueueUrl, MaxNumberOfMessages: 10,
					VisibilityTimeout: 600, WaitTimeSeconds: 0})
				if err != nil {
					t.Fatalf("receive after restart: %v", err)
				}
				if len(got.Messages) == 0 {
					break
				}
				for _, m := range got.Messages {
					found[*m.MessageId]++
					if !strings.HasPrefix(*m.Body, fmt.Sprintf("r%d-", round)) {
						t.Fatalf("a body no client sent: %q", *m.Body)
					}
				}
			}
			lost, resurrected, twice := 0, 0, 0
			for _, id := range sent {
				switch {
				case deleted[id] && found[id] > 0:
					resurrected++
				case !tried[id] && found[id] == 0:
					lost++ // a deletion asked for but not answered may or may not have happened
				}
			}
			for _, n := range found {
				if n > 1 {
					twice++
				}
			}
			t.Logf("%d sends and %d deletions answered before the kill; %d messages after the restart", len(sent), len(deleted), len(found))
			if lost > 0 || resurrected > 0 || twice > 0 {
				t.Fatalf("%d acknowledged messages lost, %d acknowledged deletions undone, %d messages twice", lost, resurrected, twice)
			}
		})
	}
}

// ferry snapshot saves a running ferry's whole state as one file, and
// ferry restore makes it another data directory's: a ferry started there
// has the queue and its messages.
func TestSnapshotAndRestore(t *testing.T) {
	addr, cmd := startDurable(t, t.TempDir())
	c := durableClient(addr)
	ctx := context.Background()
	q, err := c.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("kept")})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 25 {
		if _, err := c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String(fmt.Sprint("m", i))}); err != nil {
			t.Fatal(err)
		}
	}
	snap := filepath.Join(t.TempDir(), "snap.db")
	if out, err := ferryCommand("snapshot", "--url", addr, "--out", snap).CombinedOutput(); err != nil {
		t.Fatalf("ferry snapshot: %v %s", err, out)
	}
	// More after the snapshot: not in it.
	c.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("after")})
	cmd.Process.Kill()
	cmd.Wait()

	dir := t.TempDir()
	if out, err := ferryCommand("restore", "--data-dir", dir, snap).CombinedOutput(); err != nil {
		t.Fatalf("ferry restore: %v %s", err, out)
	}
	addr, _ = startDurable(t, dir)
	c = durableClient(addr)
	u, err := c.GetQueueUrl(ctx, &sqs.GetQueueUrlInput{QueueName: aws.String("kept")})
	if err != nil {
		t.Fatal(err)
	}
	a, err := c.GetQueueAttributes(ctx, &sqs.GetQueueAttributesInput{QueueUrl: u.QueueUrl, AttributeNames: []types.QueueAttributeName{"ApproximateNumberOfMessages"}})
	if err != nil || a.Attributes["ApproximateNumberOfMessages"] != "25" {
		t.Fatalf("restored queue: %v %v", a, err)
	}
	// A file that is not a snapshot is refused, and the directory kept.
	bad := filepath.Join(t.TempDir(), "bad.db")
	os.WriteFile(bad, []byte("nope"), 0o600)
	if out, err := ferryCommand("restore", "--data-dir", t.TempDir(), bad).CombinedOutput(); err == nil || !strings.Contains(string(out), "not a snapshot") {
		t.Fatalf("restoring garbage: %v %s", err, out)
	}
}

// A crash in the middle of concurrent publishing loses no acknowledged SNS
// message: after a restart every message whose Publish was answered is in
// every subscribed queue (at least once, as SNS promises).
func TestKillNineKeepsEveryAcknowledgedPublish(t *testing.T) {
	if testing.Short() {
		t.Skip("crash test: runs ferry as a child process")
	}
	dir := t.TempDir()
	addr, cmd := startDurable(t, dir)
	ctx := context.Background()
	q := durableClient(addr)
	n := sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: aws.String(addr),
		Credentials: credentials.NewStaticCredentialsProvider("test", "test", ""), RetryMaxAttempts: 1})
	topic, err := n.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("crash")})
	if err != nil {
		t.Fatal(err)
	}
	var urls []string
	for i := range 3 {
		name := fmt.Sprint("sub", i)
		out, err := q.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String(name), Attributes: map[string]string{"Policy": fmt.Sprintf(
			`{"Statement":[{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage","Resource":"arn:aws:sqs:us-east-1:000000000000:%s"}]}`, name)}})
		if err != nil {
			t.Fatal(err)
		}
		urls = append(urls, *out.QueueUrl)
		if _, err := n.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"),
			Endpoint: aws.String("arn:aws:sqs:us-east-1:000000000000:" + name), Attributes: map[string]string{"RawMessageDelivery": "true"}}); err != nil {
			t.Fatal(err)
		}
	}
	var (
		mu    sync.Mutex
		acked = map[string]bool{}
		wg    sync.WaitGroup
	)
	stop := make(chan struct{})
	for w := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				body := fmt.Sprintf("w%d-%d", w, i)
				if _, err := n.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String(body)}); err != nil {
					return
				}
				mu.Lock()
				acked[body] = true
				mu.Unlock()
			}
		}()
	}
	time.Sleep(500 * time.Millisecond)
	cmd.Process.Kill()
	cmd.Wait()
	close(stop)
	wg.Wait()
	if len(acked) == 0 {
		t.Fatal("no publish was answered before the kill")
	}

	addr, _ = startDurable(t, dir)
	q = durableClient(addr)
	for i, u := range urls {
		u = addr + u[strings.Index(u[len("http://"):], "/")+len("http://"):]
		seen := map[string]bool{}
		for tries := 0; tries < 3000; tries++ {
			got, err := q.ReceiveMessage(ctx, &sqs.ReceiveMessageInput{QueueUrl: aws.String(u), MaxNumberOfMessages: 10, VisibilityTimeout: 600,
				WaitTimeSeconds: 1})
			if err != nil {
				t.Fatal(err)
			}
			if len(got.Messages) == 0 {
				break
			}
			for _, m := range got.Messages {
				seen[*m.Body] = true
			}
		}
		missing := 0
		for body := range acked {
			if !seen[body] {
				missing++
			}
		}
		if missing > 0 {
			t.Fatalf("queue %d lacks %d of the %d acknowledged messages", i, missing, len(acked))
		}
		t.Logf("queue %d: all %d acknowledged messages (%d received)", i, len(acked), len(seen))
	}
}
