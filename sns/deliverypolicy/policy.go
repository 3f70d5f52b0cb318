package deliverypolicy

import (
	"encoding/json"
	"time"
)

// Limits and defaults of an HTTP/S delivery policy, from the table in
// https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html#creating-delivery-policy
const (
	// DefaultHeaderContentType is the Content-Type of a notification when no
	// policy names one (https://docs.aws.amazon.com/sns/latest/dg/http-header.html).
	DefaultHeaderContentType = "text/plain; charset=UTF-8"

	// MaxTotalRetryTime bounds the sum of a retry policy's delays: "The total
	// policy retry time for an HTTP/S endpoint cannot be greater than 3,600
	// seconds. This is a hard limit and cannot be increased."
	MaxTotalRetryTime = 3600 * time.Second

	defaultDelayTarget = 20 // seconds, both minDelayTarget and maxDelayTarget
	defaultNumRetries  = 3
	minDelayTarget     = 1    // "1 to maximum delay"
	maxDelayTarget     = 3600 // "Minimum delay to 3,600"
	maxNumRetries      = 100  // "0 to 100"
	maxIntValue        = 1<<31 - 1

	linear      = "linear"
	arithmetic  = "arithmetic"
	geometric   = "geometric"
	exponential = "exponential"
)

// Retry is an HTTP/S healthy retry policy: numRetries retries spread over four
// phases, in order NumNoDelayRetries without delay, NumMinDelayRetries
// MinDelayTarget apart, the backoff phase (the retries left over) from
// MinDelayTarget to MaxDelayTarget, and NumMaxDelayRetries MaxDelayTarget
// apart.
type Retry struct {
	MinDelayTarget, MaxDelayTarget int // seconds

	NumRetries, NumNoDelayRetries, NumMinDelayRetries, NumMaxDelayRetries int

	BackoffFunction string // linear, arithmetic, geometric or exponential
}

// DefaultRetry returns the retry policy SNS applies when no policy sets one:
// three retries twenty seconds apart.
func DefaultRetry() Retry {
	return Retry{
		MinDelayTarget:  defaultDelayTarget,
		MaxDelayTarget:  defaultDelayTarget,
		NumRetries:      defaultNumRetries,
		BackoffFunction: linear,
	}
}

// Throttle limits the deliveries to one subscription.
type Throttle struct {
	MaxReceivesPerSecond int // 0 = unlimited
}

// Request shapes the POST of a notification.
type Request struct {
	HeaderContentType string // default DefaultHeaderContentType
}

// Topic is a parsed topic DeliveryPolicy: its "http" section, which also
// governs HTTPS subscriptions. A nil section was not set.
type Topic struct {
	Retry    *Retry    // defaultHealthyRetryPolicy
	Throttle *Throttle // defaultThrottlePolicy
	Request  *Request  // defaultRequestPolicy

	// DisableSubscriptionOverrides makes the topic's policy apply to every
	// subscription, whatever the subscription's own policy says.
	DisableSubscriptionOverrides bool

	// Others holds the document's sections for protocols other than http,
	// by name and as given. SNS accepts them; ferry does not use them.
	Others map[string]json.RawMessage
}

// Subscription is a parsed subscription DeliveryPolicy. A nil section was not
// set.
type Subscription struct {
	Retry    *Retry    // healthyRetryPolicy
	Throttle *Throttle // throttlePolicy
	Request  *Request  // requestPolicy
}

// Error is a delivery policy that AWS would refuse. Reason is the message of
// AWS's InvalidParameter error without its "Invalid parameter: " prefix, so it
// starts with "DeliveryPolicy: ".
type Error struct{ Reason string }

func (e *Error) Error() string { return e.Reason }
