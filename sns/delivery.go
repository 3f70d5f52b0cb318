package sns

import (
	"context"
	"runtime"
	"strings"
	"sync"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/sqs"
)

// Delivery. A standard topic's publish becomes a job on a bounded queue;
// a pool of workers fans each job out. Deliveries into SQS go through the
// emulator's invoker as sns.amazonaws.com, so the queue's policy decides
// them exactly as AWS's does; they are in-process and quick, so a worker
// makes them in turn. Each HTTP/S delivery runs on its own goroutine with
// its retry schedule, so a slow or failing endpoint never holds up the
// other subscribers.

// snsPrincipal is SNS acting on its own behalf; SenderId in the messages
// it sends to SQS is this id, as in AWS.
var snsPrincipal = api.Principal{
	ARN: "sns.amazonaws.com", Type: api.PrincipalService, Service: "sns.amazonaws.com", UserID: "AIDAIT2UOQQY3AUEKVGXU",
}

// maxRawAttributes is how many attributes a raw delivery into SQS can
// carry; a message with more fails as a client error.
// https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html
const maxRawAttributes = 10

type job struct {
	msg  *message
	subs []*Subscription
}

type dispatcher struct {
	s    *Service
	jobs chan job

	ctx    context.Context // ends HTTP retries at Close and Reset
	cancel context.CancelFunc
	mu     sync.Mutex
	idle   *sync.Cond
	queued int // jobs accepted and not yet fanned out
	closed bool

	workers sync.WaitGroup
	http    sync.WaitGroup
}

func newDispatcher(s *Service) *dispatcher {
	d := &dispatcher{s: s, jobs: make(chan job, 4096)}
	d.idle = sync.NewCond(&d.mu)
	d.ctx, d.cancel = context.WithCancel(context.Background())
	n := 2 * runtime.GOMAXPROCS(0)
	d.workers.Add(n)
	for range n {
		go d.work()
	}
	return d
}

func (d *dispatcher) work() {
	defer d.workers.Done()
	for j := range d.jobs {
		d.fanOut(d.ctx, j.msg, j.subs)
		d.mu.Lock()
		d.queued--
		if d.queued == 0 {
			d.idle.Broadcast()
		}
		d.mu.Unlock()
	}
}

// publish queues a standard topic's message. When the queue is full the
// publisher waits: back-pressure, never a dropped message.
func (d *dispatcher) publish(m *message, subs []*Subscription) {
	if len(subs) == 0 {
		d.s.release(m)
		return
	}
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		d.fanOut(d.ctx, m, subs)
		return
	}
	d.queued++
	d.mu.Unlock()
	d.jobs <- job{m, subs}
}

// now delivers a FIFO topic's message before returning (queue deliveries;
// FIFO topics have no HTTP subscribers).
func (d *dispatcher) now(ctx context.Context, m *message, subs []*Subscription) {
	d.fanOut(context.WithoutCancel(ctx), m, subs)
}

func (d *dispatcher) fanOut(ctx context.Context, m *message, subs []*Subscription) {
	defer d.s.release(m)
	t := m.topic
	for _, sub := range subs {
		cfg := sub.config()
		if cfg.pending {
			continue
		}
		if cfg.filter != nil && !matches(cfg, m, sub.Protocol) {
			t.stats.FilteredOut.Add(1)
			continue
		}
		switch sub.Protocol {
		case "sqs":
			d.s.deliverSQS(ctx, m, sub, cfg)
		case "http", "https":
			d.goHTTP(func(ctx context.Context) { d.s.deliverHTTP(ctx, m, sub, cfg) })
		}
	}
}

func matches(cfg *subConfig, m *message, protocol string) bool {
	if cfg.filter.Scope() == filterScopeBody {
		return cfg.filter.MatchBody([]byte(m.text(protocol)))
	}
	return cfg.filter.MatchAttributes(filterAttributes(m.attrs))
}

// goHTTP runs an HTTP delivery on its own goroutine, owned by the
// dispatcher.
func (d *dispatcher) goHTTP(fn func(context.Context)) {
	d.mu.Lock()
	ctx := d.ctx
	d.mu.Unlock()
	d.http.Add(1)
	go func() {
		defer d.http.Done()
		fn(ctx)
	}()
}

// flush waits until every queued job has been fanned out.
func (d *dispatcher) flush(ctx context.Context) error {
	stop := context.AfterFunc(ctx, func() {
		d.mu.Lock()
		d.idle.Broadcast()
		d.mu.Unlock()
	})
	defer stop()
	d.mu.Lock()
	defer d.mu.Unlock()
	for d.queued > 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
		d.idle.Wait()
	}
	return nil
}

// cancelHTTP abandons HTTP deliveries in progress (Reset) and lets new
// ones start afresh.
func (d *dispatcher) cancelHTTP() {
	d.mu.Lock()
	d.cancel()
	d.ctx, d.cancel = context.WithCancel(context.Background())
	d.mu.Unlock()
}

// close delivers what is queued, abandons HTTP retries and waits for every
// goroutine the dispatcher started.
func (d *dispatcher) close() {
	d.mu.Lock()
	if d.closed {
		d.mu.Unlock()
		return
	}
	d.closed = true
	d.cancel()
	d.mu.Unlock()
	close(d.jobs)
	d.workers.Wait()
	d.http.Wait()
}

// confirmation sends a pending subscription its SubscriptionConfirmation.
func (d *dispatcher) confirmation(ctx context.Context, sub *Subscription, host, requestID string) {
	d.s.sendConfirmation(ctx, "SubscriptionConfirmation", sub, sub.token(), host, requestID)
}

// unsubscribed tells an endpoint its subscription was ended by someone
// else, with a token that can restore it.
func (d *dispatcher) unsubscribed(ctx context.Context, sub *Subscription, host, requestID string) {
	d.s.sendConfirmation(ctx, "UnsubscribeConfirmation", sub, d.s.restoreToken(sub), host, requestID)
}

func (s *Service) sendConfirmation(ctx context.Context, kind string, sub *Subscription, token, host, requestID string) {
	_, doc, err := s.confirmationDoc(kind, sub, token, "http", host, s.now())
	if err != nil {
		s.log.Error("signing a confirmation", "subscription", sub.ARN, "err", err)
		return
	}
	switch sub.Protocol {
	case "sqs":
		s.sendToQueue(context.WithoutCancel(ctx), sub.Topic, sub.queue, doc, nil, "", "", requestID)
	case "http", "https":
		s.deliver.goHTTP(func(ctx context.Context) { s.postConfirmation(ctx, kind, sub, doc) })
	}
}

// deliverSQS delivers one message to one queue subscription, to its
// dead-letter queue if that fails.
func (s *Service) deliverSQS(ctx context.Context, m *message, sub *Subscription, cfg *subConfig) {
	t := m.topic
	var (
		body  string
		attrs map[string]sqs.MessageAttributeValue
	)
	if cfg.raw {
		body = m.text("sqs")
		if m.byProtocol == nil && len(m.attrs) > 0 {
			if len(m.attrs) > maxRawAttributes {
				t.stats.Failed.Add(1)
				sub.outcome(errInvalidParameter("a raw delivery into SQS carries at most 10 message attributes"))
				s.toDeadLetter(ctx, m, sub, cfg, body, nil)
				return
			}
			attrs = sqsAttributes(m.attrs)
		}
	} else {
		env, err := s.notification(m, sub)
		if err != nil {
			s.log.Error("signing a notification", "topic", t.ARN, "err", err)
			t.stats.Failed.Add(1)
			return
		}
		body = env
	}
	group, dedup := "", ""
	if t.FIFO && strings.HasSuffix(sub.Endpoint, ".fifo") {
		group, dedup = m.groupID, m.dedupID
	}
	err := s.sendToQueue(ctx, t, sub.queue, body, attrs, group, dedup, m.requestID)
	sub.outcome(err)
	if err != nil {
		t.stats.Failed.Add(1)
		s.toDeadLetter(ctx, m, sub, cfg, body, attrs)
		return
	}
	t.stats.Delivered.Add(1)
}

// queueRef is a queue as deliveries address it, worked out once.
type queueRef struct{ arn, url, region string }

func queueRefOf(arn string) queueRef {
	a, ok := parseARN(arn)
	if !ok {
		return queueRef{arn: arn}
	}
	return queueRef{arn: arn, url: queueURLFromARN(a), region: a.region}
}

// sendToQueue is sqs:SendMessage as sns.amazonaws.com on behalf of a topic.
func (s *Service) sendToQueue(ctx context.Context, t *Topic, q queueRef, body string, attrs map[string]sqs.MessageAttributeValue, group, dedup, requestID string) error {
	if q.url == "" || s.invoker == nil {
		return errInvalidParameter("SQS endpoint ARN")
	}
	inv := invocations.Get().(*invocation)
	inv.body, inv.group, inv.dedup = body, group, dedup
	inv.in = sqs.SendMessageInput{QueueURL: q.url, MessageBody: &inv.body, MessageAttributes: attrs}
	if group != "" {
		inv.in.MessageGroupID, inv.in.MessageDeduplicationID = &inv.group, &inv.dedup
	}
	inv.call = api.Call{
		Service: "sqs", Action: "SendMessage", Region: q.region, Principal: snsPrincipal, Input: &inv.in,
		SourceARN: t.ARN, SourceAccount: t.Account, Resource: q.arn, RequestID: requestID,
	}
	_, err := s.invoker.Invoke(ctx, &inv.call)
	*inv = invocation{}
	invocations.Put(inv)
	return err
}

// invocation is one delivery's call and input, recycled: a fan-out makes
// one per subscriber, and the invoker keeps neither past the call.
type invocation struct {
	call               api.Call
	in                 sqs.SendMessageInput
	body, group, dedup string
}

var invocations = sync.Pool{New: func() any { return new(invocation) }}

// toDeadLetter moves an undeliverable message to the subscription's
// dead-letter queue, if it has one; otherwise it is dropped, as in AWS
// (the invoker has recorded why).
// https://docs.aws.amazon.com/sns/latest/dg/sns-dead-letter-queues.html
func (s *Service) toDeadLetter(ctx context.Context, m *message, sub *Subscription, cfg *subConfig, body string, attrs map[string]sqs.MessageAttributeValue) {
	if cfg.dlq.arn == "" {
		return
	}
	group, dedup := "", ""
	if m.topic.FIFO {
		group, dedup = m.groupID, m.dedupID
	}
	if len(attrs) > maxRawAttributes {
		attrs = nil
	}
	if err := s.sendToQueue(ctx, m.topic, cfg.dlq, body, attrs, group, dedup, m.requestID); err != nil {
		s.log.Warn("dead-letter delivery failed", "subscription", sub.ARN, "queue", cfg.dlq.arn)
	}
}

// sqsAttributes maps SNS message attributes to SQS ones for raw delivery:
// the same names, types and values (String.Array travels as a custom
// String type, as in AWS).
func sqsAttributes(attrs map[string]MessageAttributeValue) map[string]sqs.MessageAttributeValue {
	out := make(map[string]sqs.MessageAttributeValue, len(attrs))
	for name, v := range attrs {
		out[name] = sqs.MessageAttributeValue{DataType: v.DataType, StringValue: v.StringValue, BinaryValue: v.BinaryValue}
	}
	return out
}
