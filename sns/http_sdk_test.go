package sns_test

import (
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/ferry-emulator/ferry/emulator"
)

// posted is one POST an HTTP subscriber received.
type posted struct {
	header http.Header
	body   string
}

// endpoint is an HTTP subscriber: it records every POST and answers with
// whatever status status() says.
func endpoint(t *testing.T, status func(n int64) int) (*httptest.Server, chan posted) {
	t.Helper()
	got := make(chan posted, 100)
	var n atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- posted{r.Header.Clone(), string(b)}
		w.WriteHeader(status(n.Add(1)))
	}))
	t.Cleanup(srv.Close)
	return srv, got
}

func next(t *testing.T, ch chan posted) posted {
	t.Helper()
	select {
	case p := <-ch:
		return p
	case <-time.After(10 * time.Second):
		t.Fatal("no POST arrived")
		return posted{}
	}
}

func ok(int64) int { return 200 }

func TestHTTPSubscriptionConfirmationNotificationAndUnsubscribe(t *testing.T) {
	srv := startFerry(t)
	c := snsFor(srv, "test")
	topic := createTopic(t, c, "web", map[string]string{"SignatureVersion": "2"})
	hook, got := endpoint(t, ok)
	out, err := c.Subscribe(ctxT(t), &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("http"), Endpoint: aws.String(hook.URL)})
	if err != nil || *out.SubscriptionArn != "pending confirmation" {
		t.Fatalf("Subscribe = %v, %v", out, err)
	}
	conf := next(t, got)
	e := decodeEnvelope(t, conf.body)
	if conf.header.Get("x-amz-sns-message-type") != "SubscriptionConfirmation" || e.Type != "SubscriptionConfirmation" ||
		e.Token == "" || e.TopicArn != topic || !strings.Contains(e.SubscribeURL, "Action=ConfirmSubscription") {
		t.Fatalf("confirmation = %v %+v", conf.header, e)
	}
	verifySignature(t, e)

	// Nothing is delivered while the subscription waits.
	c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("too early")})
	srv.Flush(ctxT(t))
	select {
	case p := <-got:
		t.Fatalf("a pending subscription got %s", p.body)
	case <-time.After(100 * time.Millisecond):
	}

	// The subscriber opens the SubscribeURL, unsigned, as AWS allows.
	resp, err := http.Get(e.SubscribeURL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<ConfirmSubscriptionResult><SubscriptionArn>"+topic+":") {
		t.Fatalf("SubscribeURL: %d %s", resp.StatusCode, body)
	}
	subs, _ := c.ListSubscriptionsByTopic(ctxT(t), &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic)})
	subARN := *subs.Subscriptions[0].SubscriptionArn
	if !strings.HasPrefix(subARN, topic+":") {
		t.Fatalf("subscription still pending: %s", subARN)
	}

	pub, err := c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("hello web"), Subject: aws.String("Hi")})
	if err != nil {
		t.Fatal(err)
	}
	n := next(t, got)
	ne := decodeEnvelope(t, n.body)
	if n.header.Get("x-amz-sns-message-type") != "Notification" || n.header.Get("x-amz-sns-message-id") != *pub.MessageId ||
		n.header.Get("x-amz-sns-topic-arn") != topic || n.header.Get("x-amz-sns-subscription-arn") != subARN ||
		n.header.Get("Content-Type") != "text/plain; charset=UTF-8" || n.header.Get("User-Agent") != "Amazon Simple Notification Service Agent" ||
		ne.Message != "hello web" || ne.Subject != "Hi" {
		t.Fatalf("notification = %v %+v", n.header, ne)
	}
	verifySignature(t, ne)

	// Unsubscribing through the URL tells the endpoint, which can undo it.
	if code, err := httpGet(ne.UnsubscribeURL); err != nil || code != 200 {
		t.Fatalf("UnsubscribeURL: %d %v", code, err)
	}
	u := decodeEnvelope(t, next(t, got).body)
	if u.Type != "UnsubscribeConfirmation" {
		t.Fatalf("after unsubscribing: %+v", u)
	}
	verifySignature(t, u)
	if l, _ := c.ListSubscriptionsByTopic(ctxT(t), &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic)}); len(l.Subscriptions) != 0 {
		t.Fatalf("still subscribed: %+v", l.Subscriptions)
	}
	if code, err := httpGet(u.SubscribeURL); err != nil || code != 200 {
		t.Fatalf("restoring SubscribeURL: %d %v", code, err)
	}
	if l, _ := c.ListSubscriptionsByTopic(ctxT(t), &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic)}); len(l.Subscriptions) != 1 || *l.Subscriptions[0].SubscriptionArn != subARN {
		t.Fatalf("not restored: %+v", l.Subscriptions)
	}
}

// confirmHTTP subscribes an endpoint and confirms it with ConfirmSubscription.
func confirmHTTP(t *testing.T, c *sns.Client, topic, url string, got chan posted, attrs map[string]string) string {
	t.Helper()
	if _, err := c.Subscribe(ctxT(t), &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("http"),
		Endpoint: aws.String(url), Attributes: attrs}); err != nil {
		t.Fatal(err)
	}
	var e struct{ Token string }
	json.Unmarshal([]byte(next(t, got).body), &e)
	out, err := c.ConfirmSubscription(ctxT(t), &sns.ConfirmSubscriptionInput{TopicArn: aws.String(topic), Token: aws.String(e.Token),
		AuthenticateOnUnsubscribe: aws.String("true")})
	if err != nil {
		t.Fatal(err)
	}
	return *out.SubscriptionArn
}

func TestHTTPRetriesFollowTheDeliveryPolicy(t *testing.T) {
	srv := startFerry(t)
	c := snsFor(srv, "test")
	topic := createTopic(t, c, "flaky", nil)
	// The confirmation, then two failures, then success.
	hook, got := endpoint(t, func(n int64) int {
		if n == 2 || n == 3 {
			return 503
		}
		return 200
	})
	policy := `{"healthyRetryPolicy":{"minDelayTarget":1,"maxDelayTarget":1,"numRetries":3,"numNoDelayRetries":3}}`
	sub := confirmHTTP(t, c, topic, hook.URL, got, map[string]string{"DeliveryPolicy": policy, "RawMessageDelivery": "true"})
	a, err := c.GetSubscriptionAttributes(ctxT(t), &sns.GetSubscriptionAttributesInput{SubscriptionArn: aws.String(sub)})
	if err != nil || !strings.Contains(a.Attributes["EffectiveDeliveryPolicy"], `"numNoDelayRetries":3`) || a.Attributes["ConfirmationWasAuthenticated"] != "true" {
		t.Fatalf("attributes = %v, %v", a.Attributes, err)
	}
	c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("persist")})
	for i := range 3 {
		p := next(t, got)
		if p.body != "persist" || p.header.Get("x-amz-sns-rawdelivery") != "true" {
			t.Fatalf("attempt %d: %v %q", i+1, p.header, p.body)
		}
	}
	select {
	case p := <-got:
		t.Fatalf("a fourth attempt after success: %q", p.body)
	case <-time.After(200 * time.Millisecond):
	}

	// With AuthenticateOnUnsubscribe, the UnsubscribeURL alone is not enough.
	code, _ := httpGet(srv.URL() + "/?Action=Unsubscribe&SubscriptionArn=" + sub)
	if code != 403 {
		t.Fatalf("unsigned unsubscribe = %d, want 403", code)
	}
}

func TestHTTPClientErrorIsFinalAndDeadLettered(t *testing.T) {
	srv := startFerry(t)
	c, q := snsFor(srv, "test"), sqsFor(srv, "test")
	topic := createTopic(t, c, "rejecting", nil)
	hook, got := endpoint(t, func(n int64) int {
		if n == 1 {
			return 200
		}
		return 404
	})
	dlq := createQueue(t, q, "http-dlq", nil)
	allowTopic(t, q, dlq, topic)
	confirmHTTP(t, c, topic, hook.URL, got, map[string]string{"RedrivePolicy": `{"deadLetterTargetArn":"` + dlq.arn + `"}`})
	c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("refused")})
	next(t, got)
	if e := decodeEnvelope(t, *receive(t, q, dlq, 1)[0].Body); e.Message != "refused" {
		t.Fatalf("dead-lettered %+v", e)
	}
	select {
	case p := <-got:
		t.Fatalf("a 4xx was retried: %q", p.body)
	case <-time.After(200 * time.Millisecond):
	}
}

// An endpoint nobody listens on fails every attempt with a connection
// error, which SNS retries (unlike a 4xx) on the subscription's delivery
// policy: here one retry at once and one after a second. Every attempt
// counts as a failure, and once the retries are spent the message goes to
// the dead-letter queue.
// https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html
func TestHTTPUnreachableEndpointIsRetriedThenDeadLettered(t *testing.T) {
	srv := startFerry(t)
	c, q := snsFor(srv, "test"), sqsFor(srv, "test")
	topic := createTopic(t, c, "unreachable", nil)
	dlq := createQueue(t, q, "unreachable-dlq", nil)
	allowTopic(t, q, dlq, topic)

	// The endpoint listens only long enough to take the confirmation;
	// then its port is closed.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	got := make(chan posted, 10)
	hook := &httptest.Server{Listener: ln, Config: &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- posted{r.Header.Clone(), string(b)}
	})}}
	hook.Start()
	policy := `{"healthyRetryPolicy":{"minDelayTarget":1,"maxDelayTarget":1,"numRetries":2,"numNoDelayRetries":1}}`
	sub := confirmHTTP(t, c, topic, "http://"+ln.Addr().String()+"/", got, map[string]string{"DeliveryPolicy": policy,
		"RedrivePolicy": `{"deadLetterTargetArn":"` + dlq.arn + `"}`})
	hook.Close()
	if conn, err := net.Dial("tcp", ln.Addr().String()); err == nil {
		conn.Close()
		t.Fatalf("%s still accepts connections", ln.Addr())
	}

	start := time.Now()
	pub, err := c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("nobody home")})
	if err != nil {
		t.Fatal(err)
	}
	e := decodeEnvelope(t, *receive(t, q, dlq, 1)[0].Body)
	if e.Type != "Notification" || e.MessageId != *pub.MessageId || e.Message != "nobody home" {
		t.Fatalf("dead-lettered %+v", e)
	}
	if waited := time.Since(start); waited < time.Second {
		t.Errorf("dead-lettered after %v: the retry after minDelayTarget (1 s) was not waited for", waited)
	}
	// The first attempt and both retries failed, and nothing else was sent.
	state := ferryState(t, srv)
	if len(state.Topics) != 1 || len(state.Topics[0].Subscriptions) != 1 {
		t.Fatalf("state = %+v", state)
	}
	tp, s := state.Topics[0], state.Topics[0].Subscriptions[0]
	if s.ARN != sub || s.Failed != 3 || s.Delivered != 0 || !strings.Contains(s.LastError, "refused") {
		t.Errorf("subscription = %+v, want 3 failures, the last a refused connection", s)
	}
	if tp.Published != 1 || tp.Failed != 3 || tp.Delivered != 0 {
		t.Errorf("topic counts: published %d, failed %d, delivered %d; want 1, 3, 0", tp.Published, tp.Failed, tp.Delivered)
	}
	select {
	case p := <-got:
		t.Fatalf("a closed endpoint received %q", p.body)
	default:
	}
}

// ferryState is what /_ferry/state says of the topics.
func ferryState(t *testing.T, srv *emulator.Server) (state struct {
	Topics []struct {
		ARN                          string
		Published, Delivered, Failed int64
		Subscriptions                []struct {
			ARN               string
			Delivered, Failed int64
			LastError         string
		}
	}
}) {
	t.Helper()
	resp, err := http.Get(srv.URL() + "/_ferry/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(&state); err != nil || resp.StatusCode != 200 {
		t.Fatalf("/_ferry/state: %d %v", resp.StatusCode, err)
	}
	return state
}

func TestSlowEndpointDoesNotDelayOtherSubscribers(t *testing.T) {
	srv := startFerry(t)
	c, q := snsFor(srv, "test"), sqsFor(srv, "test")
	topic := createTopic(t, c, "mixed", nil)
	release := make(chan struct{})
	var calls atomic.Int64
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if calls.Add(1) > 1 {
			<-release // hold every notification
		}
		var e struct{ Token, TopicArn string }
		json.NewDecoder(r.Body).Decode(&e)
		if e.Token != "" {
			c.ConfirmSubscription(ctxT(t), &sns.ConfirmSubscriptionInput{TopicArn: aws.String(e.TopicArn), Token: aws.String(e.Token)})
		}
	}))
	defer slow.Close()
	defer close(release)
	if _, err := c.Subscribe(ctxT(t), &sns.SubscribeInput{TopicArn: aws.String(topic), Protocol: aws.String("http"), Endpoint: aws.String(slow.URL)}); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		l, _ := c.ListSubscriptionsByTopic(ctxT(t), &sns.ListSubscriptionsByTopicInput{TopicArn: aws.String(topic)})
		if len(l.Subscriptions) == 1 && *l.Subscriptions[0].SubscriptionArn != "PendingConfirmation" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the HTTP subscription was never confirmed")
		}
		time.Sleep(10 * time.Millisecond)
	}
	dst := createQueue(t, q, "fast", nil)
	allowTopic(t, q, dst, topic)
	subscribeQueue(t, c, topic, dst, nil)
	for range 3 {
		c.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(topic), Message: aws.String("m")})
	}
	receive(t, q, dst, 3)
}
