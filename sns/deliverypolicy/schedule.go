package deliverypolicy

import (
	"math"
	"time"
)

// Delays returns the wait before each retry, in order; there are NumRetries
// of them. The phases are those of
// https://docs.aws.amazon.com/sns/latest/dg/sns-message-delivery-retries.html#delivery-policy-stages:
// NumNoDelayRetries waits of zero, NumMinDelayRetries of MinDelayTarget, the
// backoff phase, then NumMaxDelayRetries of MaxDelayTarget. The backoff phase
// takes the retries left over; its first retry waits MinDelayTarget, its last
// MaxDelayTarget, and BackoffFunction shapes the waits between (see the
// package documentation). Delays are whole seconds.
//
// For a Retry that ParseTopic or ParseSubscription returned, Delays follows
// the fields exactly. Any other Retry is first brought inside AWS's limits
// (counts from 0 to 100, delay targets from 1 to 3,600 seconds, an unknown
// function read as linear), so Delays never panics nor allocates without
// bound.
func (r Retry) Delays() []time.Duration {
	n := clamp(r.NumRetries, 0, maxNumRetries)
	noDelay := clamp(r.NumNoDelayRetries, 0, n)
	pre := clamp(r.NumMinDelayRetries, 0, n-noDelay)
	post := clamp(r.NumMaxDelayRetries, 0, n-noDelay-pre)
	backoff := n - noDelay - pre - post
	lo := clamp(r.MinDelayTarget, minDelayTarget, maxDelayTarget)
	hi := clamp(r.MaxDelayTarget, lo, maxDelayTarget)

	delays := make([]time.Duration, 0, n)
	for range noDelay {
		delays = append(delays, 0)
	}
	for range pre {
		delays = append(delays, seconds(lo))
	}
	for k := range backoff {
		delays = append(delays, seconds(backoffDelay(r.BackoffFunction, k, backoff, lo, hi)))
	}
	for range post {
		delays = append(delays, seconds(hi))
	}
	return delays
}

// backoffDelay is the wait, in whole seconds, before retry k (from 0) of a
// backoff phase of n retries that runs from lo to hi seconds. Every function
// starts at lo and ends at hi; between them
//   - linear adds the same step each retry;
//   - arithmetic grows the step by the same amount each retry (steps d, 2d,
//     3d, …);
//   - geometric multiplies the delay by the same ratio each retry;
//   - exponential doubles the step each retry (steps d, 2d, 4d, …).
func backoffDelay(function string, k, n, lo, hi int) int {
	if n == 1 {
		return lo
	}
	from, span := float64(lo), float64(hi-lo)
	var d float64
	switch function {
	case arithmetic:
		d = from + span*float64(k*(k+1))/float64((n-1)*n)
	case geometric:
		d = from * math.Pow(float64(hi)/from, float64(k)/float64(n-1))
	case exponential:
		d = from + span*(math.Exp2(float64(k))-1)/(math.Exp2(float64(n-1))-1)
	default:
		d = from + span*float64(k)/float64(n-1)
	}
	return clamp(int(math.Round(d)), lo, hi)
}

func total(delays []time.Duration) time.Duration {
	var sum time.Duration
	for _, d := range delays {
		sum += d
	}
	return sum
}

func seconds(n int) time.Duration { return time.Duration(n) * time.Second }

func clamp(v, lo, hi int) int { return max(lo, min(hi, v)) }
