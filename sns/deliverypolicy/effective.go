package deliverypolicy

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Effective is the policy the deliveries to one HTTP/S subscription run
// under.
type Effective struct {
	Retry    Retry
	Throttle Throttle
	Request  Request
}

// Resolve merges a topic's and a subscription's policies, either of which may
// be nil. "If you assign a delivery policy to a subscription, the
// subscription-level policy takes precedence over the topic-level delivery
// policy", unless the topic sets disableSubscriptionOverrides
// (https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html).
// Each section (retry, throttle, request) comes from the subscription if it
// sets it, else from the topic, else from the defaults: DefaultRetry, no
// throttling and DefaultHeaderContentType.
func Resolve(topic *Topic, sub *Subscription) Effective {
	e := Effective{Retry: DefaultRetry(), Request: Request{HeaderContentType: DefaultHeaderContentType}}
	if topic != nil {
		e.override(topic.Retry, topic.Throttle, topic.Request)
		if topic.DisableSubscriptionOverrides {
			return e
		}
	}
	if sub != nil {
		e.override(sub.Retry, sub.Throttle, sub.Request)
	}
	return e
}

// override replaces the sections that are set.
func (e *Effective) override(retry *Retry, throttle *Throttle, request *Request) {
	if retry != nil {
		e.Retry = *retry
	}
	if throttle != nil {
		e.Throttle = *throttle
	}
	if request != nil {
		e.Request = *request
	}
}

// SubscriptionJSON renders e as GetSubscriptionAttributes returns the
// EffectiveDeliveryPolicy of an HTTP/S subscription: every retry field, the
// unused sicklyRetryPolicy, the throttle policy (null when there is none),
// the request policy and guaranteed, in AWS's order:
//
//	{"healthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,
//	"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},
//	"sicklyRetryPolicy":null,"throttlePolicy":null,
//	"requestPolicy":{"headerContentType":"text/plain; charset=UTF-8"},"guaranteed":false}
func (e Effective) SubscriptionJSON() string {
	var b strings.Builder
	b.WriteString(`{"healthyRetryPolicy":`)
	writeRetry(&b, e.Retry)
	b.WriteString(`,"sicklyRetryPolicy":null,"throttlePolicy":`)
	if e.Throttle.MaxReceivesPerSecond > 0 {
		writeThrottle(&b, e.Throttle)
	} else {
		b.WriteString("null")
	}
	b.WriteString(`,"requestPolicy":`)
	writeRequest(&b, e.Request)
	b.WriteString(`,"guaranteed":false}`)
	return b.String()
}

// TopicEffectiveJSON renders the EffectiveDeliveryPolicy attribute of a topic
// whose DeliveryPolicy is t (nil when unset), as GetTopicAttributes returns
// it: the topic's http section with the defaults filled in. The throttle
// policy appears only when t sets one; the other protocols' sections do not
// appear. With no policy it is
//
//	{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,
//	"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},
//	"disableSubscriptionOverrides":false,
//	"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}
func TopicEffectiveJSON(t *Topic) string {
	e := Resolve(t, nil)
	var b strings.Builder
	b.WriteString(`{"http":{"defaultHealthyRetryPolicy":`)
	writeRetry(&b, e.Retry)
	b.WriteString(`,"disableSubscriptionOverrides":`)
	b.WriteString(strconv.FormatBool(t != nil && t.DisableSubscriptionOverrides))
	if e.Throttle.MaxReceivesPerSecond > 0 {
		b.WriteString(`,"defaultThrottlePolicy":`)
		writeThrottle(&b, e.Throttle)
	}
	b.WriteString(`,"defaultRequestPolicy":`)
	writeRequest(&b, e.Request)
	b.WriteString("}}")
	return b.String()
}

// writeRetry writes every field of r in the order AWS reports them.
func writeRetry(b *strings.Builder, r Retry) {
	fields := [...]struct {
		name  string
		value int
	}{
		{"minDelayTarget", r.MinDelayTarget},
		{"maxDelayTarget", r.MaxDelayTarget},
		{"numRetries", r.NumRetries},
		{"numMaxDelayRetries", r.NumMaxDelayRetries},
		{"numNoDelayRetries", r.NumNoDelayRetries},
		{"numMinDelayRetries", r.NumMinDelayRetries},
	}
	b.WriteByte('{')
	for _, f := range fields {
		b.WriteString(jsonString(f.name))
		b.WriteByte(':')
		b.WriteString(strconv.Itoa(f.value))
		b.WriteByte(',')
	}
	b.WriteString(`"backoffFunction":`)
	b.WriteString(jsonString(r.BackoffFunction))
	b.WriteByte('}')
}

func writeThrottle(b *strings.Builder, t Throttle) {
	b.WriteString(`{"maxReceivesPerSecond":`)
	b.WriteString(strconv.Itoa(t.MaxReceivesPerSecond))
	b.WriteByte('}')
}

func writeRequest(b *strings.Builder, r Request) {
	b.WriteString(`{"headerContentType":`)
	b.WriteString(jsonString(r.HeaderContentType))
	b.WriteByte('}')
}

// jsonString quotes s as JSON does, without escaping <, > and &.
func jsonString(s string) string {
	var b strings.Builder
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}
