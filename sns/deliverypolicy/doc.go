// Package deliverypolicy is ferry's Amazon SNS HTTP/S delivery policy: it
// parses and validates the DeliveryPolicy attribute of topics and
// subscriptions, merges the two into the policy a delivery runs under,
// renders that policy as the EffectiveDeliveryPolicy attribute, and turns its
// retry policy into the wait before each retry.
//
// The rules follow
// https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html
// (the four phases, the limits and the defaults) and the two attribute
// formats,
// https://docs.aws.amazon.com/sns/latest/dg/set-topic-attributes-delivery-policy-json.html
// and
// https://docs.aws.amazon.com/sns/latest/dg/set-subscription-attributes-delivery-policy-json.html.
// Every error is the reason of an InvalidParameter answer without its
// "Invalid parameter: " prefix; the caller adds the prefix that fits the
// action ("Invalid parameter: " for SetTopicAttributes and
// SetSubscriptionAttributes, "Invalid parameter: Attributes Reason: " for
// CreateTopic and Subscribe).
//
// Choices where the AWS documentation is silent:
//   - AWS documents the backoff functions only by their end points (the first
//     backoff retry waits minDelayTarget, the last maxDelayTarget) and a
//     graph. Between the end points ferry uses its own curves: linear steps
//     evenly; arithmetic grows the step by the same amount each retry;
//     geometric multiplies the delay by the same ratio each retry; exponential
//     doubles the step each retry. Delays are rounded to whole seconds. A
//     backoff phase of one retry waits minDelayTarget.
//   - The total retry time (the sum of the delays) must not exceed 3,600
//     seconds, which the documentation calls a hard limit; ferry refuses such
//     a policy when it is set. Because the curves between the end points are
//     ferry's, a policy close to the limit may be judged differently by AWS.
//   - A retry policy must give minDelayTarget, maxDelayTarget and numRetries,
//     in topic and subscription documents alike; AWS refuses a subscription
//     policy without them.
//   - backoffFunction is matched without regard to case and kept in lower
//     case.
//   - headerContentType accepts every content type AWS lists, alone or
//     followed by "; charset=UTF-8". AWS's list is narrower (text/plain and
//     application/json) for a subscription without raw message delivery;
//     a policy is parsed without knowing that setting, so ferry accepts the
//     whole list for every subscription.
//   - A subscription policy overrides the topic's section by section (retry,
//     throttle, request); a section the subscription leaves out comes from
//     the topic, then from the defaults. Within a retry policy nothing is
//     merged: fields it leaves out take their defaults.
//   - A topic document's sections for protocols other than http are kept as
//     given and play no part; a subscription document's sicklyRetryPolicy and
//     guaranteed members, which AWS reports back, are checked and ignored.
//
// This package carries no compatibility promise; the emulator package does.
package deliverypolicy
