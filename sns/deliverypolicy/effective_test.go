package deliverypolicy

import (
	"encoding/json"
	"testing"
)

// The EffectiveDeliveryPolicy AWS reports for a topic with no DeliveryPolicy
// (recorded against AWS in LocalStack's SNS snapshot tests) and the one
// ferry reports for an HTTP/S subscription when neither it nor its topic has
// one.
const (
	defaultTopicJSON = `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,` +
		`"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},` +
		`"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`
	defaultSubscriptionJSON = `{"healthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,` +
		`"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},` +
		`"sicklyRetryPolicy":null,"throttlePolicy":null,"requestPolicy":{"headerContentType":"text/plain; charset=UTF-8"},"guaranteed":false}`
)

func mustTopic(t *testing.T, doc string) *Topic {
	t.Helper()
	p, err := ParseTopic(doc)
	if err != nil {
		t.Fatalf("ParseTopic(%s): %v", doc, err)
	}
	return p
}

func mustSubscription(t *testing.T, doc string) *Subscription {
	t.Helper()
	p, err := ParseSubscription(doc)
	if err != nil {
		t.Fatalf("ParseSubscription(%s): %v", doc, err)
	}
	return p
}

func TestResolve(t *testing.T) {
	defaults := Effective{Retry: DefaultRetry(), Request: Request{HeaderContentType: DefaultHeaderContentType}}
	topicRetry := Retry{MinDelayTarget: 5, MaxDelayTarget: 30, NumRetries: 10, NumNoDelayRetries: 1,
		NumMinDelayRetries: 2, NumMaxDelayRetries: 3, BackoffFunction: "exponential"}
	subRetry := Retry{MinDelayTarget: 2, MaxDelayTarget: 4, NumRetries: 2, BackoffFunction: "linear"}
	const (
		// fullTopic with subscription overrides allowed.
		openTopic = `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":5,"maxDelayTarget":30,"numRetries":10,` +
			`"numNoDelayRetries":1,"numMinDelayRetries":2,"numMaxDelayRetries":3,"backoffFunction":"exponential"},` +
			`"defaultThrottlePolicy":{"maxReceivesPerSecond":5},"defaultRequestPolicy":{"headerContentType":"application/json"}}}`
		fullSub = `{"healthyRetryPolicy":{"minDelayTarget":2,"maxDelayTarget":4,"numRetries":2},` +
			`"throttlePolicy":{"maxReceivesPerSecond":1},"requestPolicy":{"headerContentType":"text/plain"}}`
	)
	tests := []struct {
		name       string
		topic, sub string // documents; "" is unset
		want       Effective
	}{
		{"no policies", "", "", defaults},
		{"empty policies", `{}`, `{}`, defaults},
		{"topic only", openTopic, "", Effective{Retry: topicRetry, Throttle: Throttle{5}, Request: Request{"application/json"}}},
		{"subscription only", "", fullSub, Effective{Retry: subRetry, Throttle: Throttle{1}, Request: Request{"text/plain"}}},
		{"subscription overrides every section", openTopic, fullSub,
			Effective{Retry: subRetry, Throttle: Throttle{1}, Request: Request{"text/plain"}}},
		{"subscription overrides one section", openTopic, `{"requestPolicy":{"headerContentType":"application/xml"}}`,
			Effective{Retry: topicRetry, Throttle: Throttle{5}, Request: Request{"application/xml"}}},
		{"subscription retry over topic throttle", openTopic, `{"healthyRetryPolicy":{"minDelayTarget":2,"maxDelayTarget":4,"numRetries":2}}`,
			Effective{Retry: subRetry, Throttle: Throttle{5}, Request: Request{"application/json"}}},
		{"subscription sections over defaults", `{"http":{}}`, `{"throttlePolicy":{"maxReceivesPerSecond":3}}`,
			Effective{Retry: DefaultRetry(), Throttle: Throttle{3}, Request: Request{DefaultHeaderContentType}}},
		// A retry policy is taken whole: the topic's phase counts do not
		// fill the ones the subscription leaves out.
		{"retry policies do not merge", openTopic, `{"healthyRetryPolicy":{"minDelayTarget":5,"maxDelayTarget":30,"numRetries":10}}`,
			Effective{Retry: Retry{MinDelayTarget: 5, MaxDelayTarget: 30, NumRetries: 10, BackoffFunction: "linear"},
				Throttle: Throttle{5}, Request: Request{"application/json"}}},
		{"topic disables overrides", fullTopic, fullSub,
			Effective{Retry: topicRetry, Throttle: Throttle{5}, Request: Request{"application/json"}}},
		{"topic disables overrides without sections", `{"http":{"disableSubscriptionOverrides":true}}`, fullSub, defaults},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var topic *Topic
			var sub *Subscription
			if tt.topic != "" {
				topic = mustTopic(t, tt.topic)
			}
			if tt.sub != "" {
				sub = mustSubscription(t, tt.sub)
			}
			if got := Resolve(topic, sub); got != tt.want {
				t.Errorf("Resolve(%s, %s)\n got %+v\nwant %+v", tt.topic, tt.sub, got, tt.want)
			}
		})
	}
}

func TestTopicEffectiveJSON(t *testing.T) {
	tests := []struct{ name, doc, want string }{
		{"unset", "", defaultTopicJSON},
		{"empty", `{}`, defaultTopicJSON},
		{"other protocols only", `{"sqs":{"x":1}}`, defaultTopicJSON},
		{"every member", fullTopic, `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":5,"maxDelayTarget":30,"numRetries":10,` +
			`"numMaxDelayRetries":3,"numNoDelayRetries":1,"numMinDelayRetries":2,"backoffFunction":"exponential"},` +
			`"disableSubscriptionOverrides":true,"defaultThrottlePolicy":{"maxReceivesPerSecond":5},` +
			`"defaultRequestPolicy":{"headerContentType":"application/json"}}}`},
		{"retry only, defaults filled in", topicRetry(`{"minDelayTarget":1,"maxDelayTarget":9,"numRetries":4,"backoffFunction":"Arithmetic"}`),
			`{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":1,"maxDelayTarget":9,"numRetries":4,` +
				`"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"arithmetic"},` +
				`"disableSubscriptionOverrides":false,"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var topic *Topic
			if tt.doc != "" {
				topic = mustTopic(t, tt.doc)
			}
			got := TopicEffectiveJSON(topic)
			if got != tt.want {
				t.Errorf("TopicEffectiveJSON(%s)\n got %s\nwant %s", tt.doc, got, tt.want)
			}
			// The rendering is itself a topic policy, with the same effect.
			if again := TopicEffectiveJSON(mustTopic(t, got)); again != got {
				t.Errorf("rendering its own rendering gives\n%s\nnot\n%s", again, got)
			}
		})
	}
}

func TestSubscriptionJSON(t *testing.T) {
	tests := []struct {
		name string
		in   Effective
		want string
	}{
		{"defaults", Resolve(nil, nil), defaultSubscriptionJSON},
		{"throttled, JSON content", Resolve(nil, &Subscription{
			Retry:    &Retry{MinDelayTarget: 1, MaxDelayTarget: 60, NumRetries: 50, NumNoDelayRetries: 3, NumMinDelayRetries: 2, NumMaxDelayRetries: 35, BackoffFunction: "exponential"},
			Throttle: &Throttle{MaxReceivesPerSecond: 10},
			Request:  &Request{HeaderContentType: "application/json"},
		}), `{"healthyRetryPolicy":{"minDelayTarget":1,"maxDelayTarget":60,"numRetries":50,` +
			`"numMaxDelayRetries":35,"numNoDelayRetries":3,"numMinDelayRetries":2,"backoffFunction":"exponential"},` +
			`"sicklyRetryPolicy":null,"throttlePolicy":{"maxReceivesPerSecond":10},` +
			`"requestPolicy":{"headerContentType":"application/json"},"guaranteed":false}`},
		{"from a topic", Resolve(mustTopic(t, fullTopic), nil), `{"healthyRetryPolicy":{"minDelayTarget":5,"maxDelayTarget":30,"numRetries":10,` +
			`"numMaxDelayRetries":3,"numNoDelayRetries":1,"numMinDelayRetries":2,"backoffFunction":"exponential"},` +
			`"sicklyRetryPolicy":null,"throttlePolicy":{"maxReceivesPerSecond":5},` +
			`"requestPolicy":{"headerContentType":"application/json"},"guaranteed":false}`},
		{"strings are JSON-quoted", Effective{Retry: Retry{BackoffFunction: `a"b`}, Request: Request{HeaderContentType: "<&>"}},
			`{"healthyRetryPolicy":{"minDelayTarget":0,"maxDelayTarget":0,"numRetries":0,` +
				`"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"a\"b"},` +
				`"sicklyRetryPolicy":null,"throttlePolicy":null,"requestPolicy":{"headerContentType":"<&>"},"guaranteed":false}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := tt.in.SubscriptionJSON()
			if got != tt.want {
				t.Errorf("%+v.SubscriptionJSON()\n got %s\nwant %s", tt.in, got, tt.want)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("SubscriptionJSON() is not JSON: %s", got)
			}
		})
	}
}

// TestSubscriptionJSONRoundTrip sets a subscription's reported effective
// policy as its policy, as a tool that copies attributes does.
func TestSubscriptionJSONRoundTrip(t *testing.T) {
	for _, e := range []Effective{
		Resolve(nil, nil),
		Resolve(mustTopic(t, fullTopic), nil),
		Resolve(nil, mustSubscription(t, awsSample)),
	} {
		doc := e.SubscriptionJSON()
		if got := Resolve(nil, mustSubscription(t, doc)); got != e {
			t.Errorf("policy %s resolves to %+v, want %+v", doc, got, e)
		}
	}
}
