package sns

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/ferry-emulator/ferry/sns/deliverypolicy"
)

// HTTP/S delivery: a POST per message, retried on the subscription's
// effective delivery policy when the endpoint fails with a server error or
// cannot be reached; a client error (4xx) is final, as in AWS. What is
// never delivered goes to the subscription's dead-letter queue.
// https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html
// https://docs.aws.amazon.com/sns/latest/dg/SendMessageToHttp.prepare.html

// httpTimeout is how long SNS waits for an endpoint to answer.
const httpTimeout = 15 * time.Second

const userAgent = "Amazon Simple Notification Service Agent"

func (s *Service) effectivePolicy(sub *Subscription, cfg *subConfig) deliverypolicy.Effective {
	sub.Topic.mu.Lock()
	tp := sub.Topic.delivery
	sub.Topic.mu.Unlock()
	return deliverypolicy.Resolve(tp, cfg.delivery)
}

func (s *Service) deliverHTTP(ctx context.Context, m *message, sub *Subscription, cfg *subConfig) {
	t := m.topic
	var body string
	if cfg.raw {
		body = m.text(sub.Protocol)
	} else {
		env, err := s.notification(m, sub)
		if err != nil {
			s.log.Error("signing a notification", "topic", t.ARN, "err", err)
			t.stats.Failed.Add(1)
			return
		}
		body = env
	}
	pol := s.effectivePolicy(sub, cfg)
	headers := map[string]string{
		"x-amz-sns-message-type":     "Notification",
		"x-amz-sns-message-id":       m.id,
		"x-amz-sns-topic-arn":        t.ARN,
		"x-amz-sns-subscription-arn": sub.ARN,
		"Content-Type":               pol.Request.HeaderContentType,
	}
	if cfg.raw {
		headers["x-amz-sns-rawdelivery"] = "true"
	}
	if s.post(ctx, sub, pol, headers, body) {
		t.stats.Delivered.Add(1)
		sub.outcome(nil)
		return
	}
	if ctx.Err() != nil {
		return // ferry is stopping or resetting: not the endpoint's failure
	}
	var attrs = sqsAttributes(m.attrs)
	if cfg.raw || m.byProtocol != nil {
		attrs = nil
	}
	s.toDeadLetter(context.WithoutCancel(ctx), m, sub, cfg, body, attrs)
}

func (s *Service) postConfirmation(ctx context.Context, kind string, sub *Subscription, doc string) {
	pol := s.effectivePolicy(sub, sub.config())
	headers := map[string]string{
		"x-amz-sns-message-type": kind,
		"x-amz-sns-topic-arn":    sub.Topic.ARN,
		"Content-Type":           "text/plain; charset=UTF-8",
	}
	s.post(ctx, sub, pol, headers, doc)
}

// post delivers one document, retrying as the policy says; it reports
// whether the endpoint took it. Every failed attempt counts, as SNS's
// NumberOfNotificationsFailed does for HTTP/S.
func (s *Service) post(ctx context.Context, sub *Subscription, pol deliverypolicy.Effective, headers map[string]string, body string) bool {
	delays := pol.Retry.Delays()
	for attempt := 0; ; attempt++ {
		if err := sub.throttle(ctx, pol.Throttle.MaxReceivesPerSecond); err != nil {
			return false
		}
		status, err := s.postOnce(ctx, sub.Endpoint, headers, body)
		if err == nil && status >= 200 && status < 300 {
			return true
		}
		if ctx.Err() != nil {
			return false
		}
		if headers["x-amz-sns-message-type"] == "Notification" {
			sub.Topic.stats.Failed.Add(1)
			if err != nil {
				sub.outcome(err)
			} else {
				sub.outcome(fmt.Errorf("the endpoint answered %d", status))
			}
		}
		s.log.Debug("http delivery failed", "subscription", sub.ARN, "status", status, "attempt", attempt+1)
		if err == nil && status >= 400 && status < 500 {
			return false // a client error is not retried
		}
		if attempt >= len(delays) {
			return false
		}
		timer := time.NewTimer(delays[attempt])
		select {
		case <-ctx.Done():
			timer.Stop()
			return false
		case <-timer.C:
		}
	}
}

func (s *Service) postOnce(ctx context.Context, endpoint string, headers map[string]string, body string) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, strings.NewReader(body))
	if err != nil {
		return 0, err
	}
	for k, v := range headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("User-Agent", userAgent)
	resp, err := s.http.Do(req)
	if err != nil {
		return 0, err
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	return resp.StatusCode, nil
}

// throttle spaces deliveries to a subscription to its maxReceivesPerSecond.
func (sub *Subscription) throttle(ctx context.Context, perSecond int) error {
	if perSecond <= 0 {
		return nil
	}
	gap := time.Second / time.Duration(perSecond)
	sub.mu.Lock()
	now := time.Now()
	at := sub.nextSend
	if at.Before(now) {
		at = now
	}
	sub.nextSend = at.Add(gap)
	sub.mu.Unlock()
	wait := time.Until(at)
	if wait <= 0 {
		return nil
	}
	timer := time.NewTimer(wait)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// restoreToken issues the token an UnsubscribeConfirmation carries: opening
// its SubscribeURL brings the ended subscription back.
func (s *Service) restoreToken(sub *Subscription) string {
	tok := newToken()
	sub.mu.Lock()
	old := sub.tok
	sub.tok, sub.tokenIssued = tok, s.now()
	cfg := *sub.config()
	cfg.pending = true
	sub.cfg.Store(&cfg)
	sub.mu.Unlock()
	s.mu.Lock()
	if old != "" && s.tokens[old] == sub {
		delete(s.tokens, old)
	}
	s.tokens[tok] = sub
	s.mu.Unlock()
	return tok
}
