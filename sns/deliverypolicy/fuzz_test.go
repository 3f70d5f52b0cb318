package deliverypolicy

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"
)

func FuzzParse(f *testing.F) {
	for _, doc := range []string{
		"", `{}`, `null`, `[]`, `{"http":{}}`, `{"http":null}`, fullTopic, awsSample,
		defaultTopicJSON, defaultSubscriptionJSON,
		topicRetry(`{"minDelayTarget":36,"maxDelayTarget":36,"numRetries":100}`),
		topicRetry(`{"minDelayTarget":1,"maxDelayTarget":3600,"numRetries":2,"backoffFunction":"GEOMETRIC"}`),
		subRetry(`{"minDelayTarget":1,"maxDelayTarget":60,"numRetries":100,"numNoDelayRetries":40,"numMaxDelayRetries":40,"backoffFunction":"arithmetic"}`),
		subRetry(`{"minDelayTarget":1e0,"maxDelayTarget":2.0,"numRetries":-0,"numNoDelayRetries":null}`),
		subRetry(`{"minDelayTarget":1,"maxDelayTarget":1,"numRetries":1e400}`),
		`{"sqs":{"x":1},"http":{"disableSubscriptionOverrides":true,"defaultRequestPolicy":{"headerContentType":"text/xml; charset=utf-8"}}}`,
		`{"throttlePolicy":{"maxReceivesPerSecond":2147483647},"requestPolicy":{"headerContentType":"application/json;charset=UTF-8"}}`,
		`{"sicklyRetryPolicy":null,"guaranteed":false,"healthyRetryPolicy":null}`,
		`{"http":{"throttlePolicy":{}}}`,
		`{"http":{"defaultHealthyRetryPolicy":{"numRetries":5}}}`,
	} {
		f.Add(doc)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		topic, terr := ParseTopic(doc)
		sub, serr := ParseSubscription(doc)
		for _, err := range []error{terr, serr} {
			var perr *Error
			if err != nil && (!errors.As(err, &perr) || !strings.HasPrefix(perr.Reason, "DeliveryPolicy: ")) {
				t.Fatalf("error %q (%T) is not an *Error starting DeliveryPolicy: ", err, err)
			}
		}
		if terr != nil {
			topic = nil
		}
		if serr != nil {
			sub = nil
		}
		for _, e := range []Effective{Resolve(topic, sub), Resolve(topic, nil), Resolve(nil, sub)} {
			checkSchedule(t, e.Retry)
			if js := e.SubscriptionJSON(); !json.Valid([]byte(js)) {
				t.Fatalf("SubscriptionJSON is not JSON: %s", js)
			}
			again := Resolve(nil, mustSubscription(t, e.SubscriptionJSON()))
			if again != e {
				t.Fatalf("effective policy %+v reads back as %+v", e, again)
			}
		}
		if terr == nil {
			js := TopicEffectiveJSON(topic)
			if again := TopicEffectiveJSON(mustTopic(t, js)); again != js {
				t.Fatalf("TopicEffectiveJSON %s reads back as %s", js, again)
			}
		}
	})
}

// checkSchedule checks that a parsed retry policy's schedule keeps to AWS's
// limits.
func checkSchedule(t *testing.T, r Retry) {
	t.Helper()
	delays := r.Delays()
	if len(delays) != r.NumRetries {
		t.Fatalf("%+v: %d delays, want %d", r, len(delays), r.NumRetries)
	}
	var sum time.Duration
	for _, d := range delays {
		if d < 0 || d > time.Duration(r.MaxDelayTarget)*time.Second {
			t.Fatalf("%+v: delay %v outside 0 to maxDelayTarget", r, d)
		}
		sum += d
	}
	if sum > MaxTotalRetryTime {
		t.Fatalf("%+v: total retry time %v over %v", r, sum, MaxTotalRetryTime)
	}
}
