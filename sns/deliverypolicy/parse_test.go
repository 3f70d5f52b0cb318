package deliverypolicy

import (
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
)

// awsSample is the subscription policy of the "Creating an HTTP/S delivery
// policy" section of the SNS developer guide.
const awsSample = `{
  "healthyRetryPolicy": {
    "minDelayTarget": 1,
    "maxDelayTarget": 60,
    "numRetries": 50,
    "numNoDelayRetries": 3,
    "numMinDelayRetries": 2,
    "numMaxDelayRetries": 35,
    "backoffFunction": "exponential"
  },
  "throttlePolicy": {
    "maxReceivesPerSecond": 10
  }
}`

// fullTopic sets every member of a topic's http section.
const fullTopic = `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":5,"maxDelayTarget":30,"numRetries":10,` +
	`"numNoDelayRetries":1,"numMinDelayRetries":2,"numMaxDelayRetries":3,"backoffFunction":"exponential"},` +
	`"disableSubscriptionOverrides":true,"defaultThrottlePolicy":{"maxReceivesPerSecond":5},` +
	`"defaultRequestPolicy":{"headerContentType":"application/json"}}}`

// topicRetry builds a topic document around one defaultHealthyRetryPolicy.
func topicRetry(retry string) string {
	return `{"http":{"defaultHealthyRetryPolicy":` + retry + `}}`
}

// subRetry builds a subscription document around one healthyRetryPolicy.
func subRetry(retry string) string {
	return `{"healthyRetryPolicy":` + retry + `}`
}

// retryWith is a valid retry policy with one member replaced or added.
func retryWith(name, value string) string {
	fields := []string{`"minDelayTarget":20`, `"maxDelayTarget":20`, `"numRetries":3`}
	for i, f := range fields {
		if strings.HasPrefix(f, `"`+name+`":`) {
			fields[i] = `"` + name + `":` + value
			return "{" + strings.Join(fields, ",") + "}"
		}
	}
	return "{" + strings.Join(append(fields, `"`+name+`":`+value), ",") + "}"
}

func TestParseTopic(t *testing.T) {
	tests := []struct {
		name, doc string
		want      *Topic
	}{
		{"unset", "", nil},
		{"blank", " \n", nil},
		{"empty object", `{}`, &Topic{}},
		{"empty http", `{"http":{}}`, &Topic{}},
		{"null http", `{"http":null}`, &Topic{}},
		{"every member", fullTopic, &Topic{
			Retry: &Retry{MinDelayTarget: 5, MaxDelayTarget: 30, NumRetries: 10,
				NumNoDelayRetries: 1, NumMinDelayRetries: 2, NumMaxDelayRetries: 3, BackoffFunction: "exponential"},
			Throttle:                     &Throttle{MaxReceivesPerSecond: 5},
			Request:                      &Request{HeaderContentType: "application/json"},
			DisableSubscriptionOverrides: true,
		}},
		// The form Terraform's documentation and many templates use.
		{"defaults spelled out", `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":20,"maxDelayTarget":20,"numRetries":3,` +
			`"numMaxDelayRetries":0,"numNoDelayRetries":0,"numMinDelayRetries":0,"backoffFunction":"linear"},` +
			`"disableSubscriptionOverrides":false,"defaultThrottlePolicy":{"maxReceivesPerSecond":1}}}`,
			&Topic{Retry: &Retry{MinDelayTarget: 20, MaxDelayTarget: 20, NumRetries: 3, BackoffFunction: "linear"},
				Throttle: &Throttle{MaxReceivesPerSecond: 1}}},
		{"optional retry members default", topicRetry(`{"minDelayTarget":1,"maxDelayTarget":2,"numRetries":0}`),
			&Topic{Retry: &Retry{MinDelayTarget: 1, MaxDelayTarget: 2, BackoffFunction: "linear"}}},
		{"null members are absent", `{"http":{"defaultHealthyRetryPolicy":{"minDelayTarget":1,"maxDelayTarget":2,"numRetries":1,` +
			`"numNoDelayRetries":null,"backoffFunction":null},"disableSubscriptionOverrides":null,` +
			`"defaultThrottlePolicy":{"maxReceivesPerSecond":null},"defaultRequestPolicy":{"headerContentType":null}}}`,
			&Topic{Retry: &Retry{MinDelayTarget: 1, MaxDelayTarget: 2, NumRetries: 1, BackoffFunction: "linear"}}},
		{"empty sections are absent", `{"http":{"defaultThrottlePolicy":{},"defaultRequestPolicy":{}}}`, &Topic{}},
		{"whole-valued numbers", topicRetry(`{"minDelayTarget":5.0,"maxDelayTarget":1e1,"numRetries":2}`),
			&Topic{Retry: &Retry{MinDelayTarget: 5, MaxDelayTarget: 10, NumRetries: 2, BackoffFunction: "linear"}}},
		{"backoff function in capitals", topicRetry(retryWith("backoffFunction", `"GEOMETRIC"`)),
			&Topic{Retry: &Retry{MinDelayTarget: 20, MaxDelayTarget: 20, NumRetries: 3, BackoffFunction: "geometric"}}},
		{"phases use every retry", topicRetry(`{"minDelayTarget":1,"maxDelayTarget":2,"numRetries":6,` +
			`"numNoDelayRetries":1,"numMinDelayRetries":2,"numMaxDelayRetries":3}`),
			&Topic{Retry: &Retry{MinDelayTarget: 1, MaxDelayTarget: 2, NumRetries: 6,
				NumNoDelayRetries: 1, NumMinDelayRetries: 2, NumMaxDelayRetries: 3, BackoffFunction: "linear"}}},
		{"total retry time at the limit", topicRetry(`{"minDelayTarget":36,"maxDelayTarget":36,"numRetries":100}`),
			&Topic{Retry: &Retry{MinDelayTarget: 36, MaxDelayTarget: 36, NumRetries: 100, BackoffFunction: "linear"}}},
		{"content type with charset", `{"http":{"defaultRequestPolicy":{"headerContentType":"text/plain; charset=UTF-8"}}}`,
			&Topic{Request: &Request{HeaderContentType: "text/plain; charset=UTF-8"}}},
		{"raw delivery content type", `{"http":{"defaultRequestPolicy":{"headerContentType":"application/x-www-form-urlencoded"}}}`,
			&Topic{Request: &Request{HeaderContentType: "application/x-www-form-urlencoded"}}},
		{"other protocols kept as given", `{"sqs":{"anything": [1, 2]},"http":{"disableSubscriptionOverrides":true},"lambda":"x"}`,
			&Topic{DisableSubscriptionOverrides: true, Others: map[string]json.RawMessage{
				"sqs": json.RawMessage(`{"anything": [1, 2]}`), "lambda": json.RawMessage(`"x"`)}}},
		{"a repeated http member replaces the first", `{"http":{"disableSubscriptionOverrides":true},"http":{}}`, &Topic{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTopic(tt.doc)
			if err != nil {
				t.Fatalf("ParseTopic(%s) error: %v", tt.doc, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseTopic(%s)\n got %+v\nwant %+v", tt.doc, got, tt.want)
			}
		})
	}
}

func TestParseSubscription(t *testing.T) {
	tests := []struct {
		name, doc string
		want      *Subscription
	}{
		{"unset", "", nil},
		{"empty object", `{}`, &Subscription{}},
		{"AWS's sample", awsSample, &Subscription{
			Retry: &Retry{MinDelayTarget: 1, MaxDelayTarget: 60, NumRetries: 50,
				NumNoDelayRetries: 3, NumMinDelayRetries: 2, NumMaxDelayRetries: 35, BackoffFunction: "exponential"},
			Throttle: &Throttle{MaxReceivesPerSecond: 10},
		}},
		{"request policy only", `{"requestPolicy":{"headerContentType":"application/xml"}}`,
			&Subscription{Request: &Request{HeaderContentType: "application/xml"}}},
		// AWS reports a subscription's policy back with nulls and these
		// members; the report must be accepted when it is set again.
		{"AWS's report of a policy", `{"healthyRetryPolicy":{"minDelayTarget":5,"maxDelayTarget":20,"numRetries":5,` +
			`"numMaxDelayRetries":null,"numNoDelayRetries":null,"numMinDelayRetries":null,"backoffFunction":null},` +
			`"sicklyRetryPolicy":null,"throttlePolicy":null,"guaranteed":false}`,
			&Subscription{Retry: &Retry{MinDelayTarget: 5, MaxDelayTarget: 20, NumRetries: 5, BackoffFunction: "linear"}}},
		{"sickly policy is checked and ignored", `{"sicklyRetryPolicy":{"minDelayTarget":1,"maxDelayTarget":1,"numRetries":1},"guaranteed":true}`,
			&Subscription{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSubscription(tt.doc)
			if err != nil {
				t.Fatalf("ParseSubscription(%s) error: %v", tt.doc, err)
			}
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ParseSubscription(%s)\n got %+v\nwant %+v", tt.doc, got, tt.want)
			}
		})
	}
}

// invalidRetries are retry policies each document kind refuses, with the
// reason after the policy's path.
var invalidRetries = []struct {
	name, retry, reason string
}{
	{"not an object", `[]`, " must be a JSON object"},
	{"unknown member", retryWith("minDelay", "1"), "Unexpected JSON member: minDelay"},
	{"no minDelayTarget", `{"maxDelayTarget":20,"numRetries":5}`, ".minDelayTarget must be specified"},
	{"no maxDelayTarget", `{"minDelayTarget":20,"numRetries":5}`, ".maxDelayTarget must be specified"},
	{"no numRetries", `{"minDelayTarget":20,"maxDelayTarget":20}`, ".numRetries must be specified"},
	{"null numRetries", retryWith("numRetries", "null"), ".numRetries must be specified"},
	{"fractional", retryWith("numRetries", "1.5"), ".numRetries must be an integer"},
	{"string", retryWith("minDelayTarget", `"20"`), ".minDelayTarget must be an integer"},
	{"boolean", retryWith("numNoDelayRetries", "true"), ".numNoDelayRetries must be an integer"},
	{"zero min delay", `{"minDelayTarget":0,"maxDelayTarget":0,"numRetries":0}`, ".minDelayTarget must be greater than or equal to 1"},
	{"max delay over an hour", retryWith("maxDelayTarget", "3601"), ".maxDelayTarget must be less than or equal to 3600"},
	{"max below min", retryWith("maxDelayTarget", "19"), ".maxDelayTarget must be greater than or equal to minDelayTarget"},
	{"negative retries", retryWith("numRetries", "-1"), ".numRetries must be greater than or equal to 0"},
	{"101 retries", retryWith("numRetries", "101"), ".numRetries must be less than or equal to 100"},
	{"retries past float range", retryWith("numRetries", "1e400"), ".numRetries must be less than or equal to 100"},
	{"negative no-delay retries", retryWith("numNoDelayRetries", "-1"), ".numNoDelayRetries must be greater than or equal to 0"},
	{"negative min-delay retries", retryWith("numMinDelayRetries", "-1"), ".numMinDelayRetries must be greater than or equal to 0"},
	{"negative max-delay retries", retryWith("numMaxDelayRetries", "-1"), ".numMaxDelayRetries must be greater than or equal to 0"},
	{"phases over numRetries", `{"minDelayTarget":1,"maxDelayTarget":1,"numRetries":5,"numNoDelayRetries":2,"numMinDelayRetries":2,"numMaxDelayRetries":2}`,
		".numRetries must be greater than or equal to total of numMinDelayRetries, numNoDelayRetries and numMaxDelayRetries"},
	{"unknown backoff function", retryWith("backoffFunction", `"cubic"`), ".backoffFunction: the value [cubic] is not a valid backoff function"},
	{"backoff function not a string", retryWith("backoffFunction", "7"), ".backoffFunction: the value [7] is not a valid backoff function"},
	{"over an hour in total", `{"minDelayTarget":37,"maxDelayTarget":37,"numRetries":100}`, ": total retry time must be less than or equal to 3600 seconds"},
}

// invalidThrottles and invalidRequests are the same for the other two
// sections.
var invalidThrottles = []struct {
	name, throttle, reason string
}{
	{"not an object", `"fast"`, " must be a JSON object"},
	{"unknown member", `{"burst":1}`, "Unexpected JSON member: burst"},
	{"zero", `{"maxReceivesPerSecond":0}`, ".maxReceivesPerSecond must be greater than or equal to 1"},
	{"fractional", `{"maxReceivesPerSecond":0.5}`, ".maxReceivesPerSecond must be an integer"},
	{"past int", `{"maxReceivesPerSecond":3000000000}`, ".maxReceivesPerSecond must be less than or equal to 2147483647"},
}

var invalidRequests = []struct {
	name, request, reason string
}{
	{"not an object", `[]`, " must be a JSON object"},
	{"unknown member", `{"headers":{}}`, "Unexpected JSON member: headers"},
	{"unknown type", `{"headerContentType":"text/bogus"}`, ".headerContentType: the value [text/bogus] is not a supported content type"},
	{"other charset", `{"headerContentType":"application/json; charset=latin1"}`,
		".headerContentType: the value [application/json; charset=latin1] is not a supported content type"},
	{"empty parameters", `{"headerContentType":"application/json;"}`, ".headerContentType: the value [application/json;] is not a supported content type"},
	{"empty", `{"headerContentType":""}`, ".headerContentType: the value [] is not a supported content type"},
	{"not a string", `{"headerContentType":5}`, ".headerContentType: the value [5] is not a supported content type"},
}

// reason is the full message for a section's reason: a member name starting
// the reason stands alone, anything else follows the path.
func reason(path, r string) string {
	if strings.HasPrefix(r, "Unexpected") {
		return "DeliveryPolicy: " + r
	}
	return "DeliveryPolicy: " + path + r
}

func TestParseTopicInvalid(t *testing.T) {
	type test struct{ name, doc, want string }
	tests := []test{
		{"not JSON", `{`, "DeliveryPolicy: failed to parse JSON."},
		{"trailing data", `{} {}`, "DeliveryPolicy: failed to parse JSON."},
		{"array", `[]`, "DeliveryPolicy: must be a JSON object"},
		{"null", `null`, "DeliveryPolicy: must be a JSON object"},
		{"http not an object", `{"http":[]}`, "DeliveryPolicy: http must be a JSON object"},
		// A subscription's member in a topic's http section, as AWS answers it.
		{"subscription member", `{"http":{"throttlePolicy":{"maxReceivesPerSecond":1}}}`, "DeliveryPolicy: Unexpected JSON member: throttlePolicy"},
		{"disableSubscriptionOverrides not a boolean", `{"http":{"disableSubscriptionOverrides":"yes"}}`,
			"DeliveryPolicy: http.disableSubscriptionOverrides must be a boolean"},
		// AWS's own example of the topic format, which gives numRetries alone.
		{"retry with numRetries alone", `{"http":{"defaultHealthyRetryPolicy":{"numRetries":5}}}`,
			"DeliveryPolicy: http.defaultHealthyRetryPolicy.minDelayTarget must be specified"},
	}
	for _, r := range invalidRetries {
		tests = append(tests, test{"retry " + r.name, topicRetry(r.retry), reason("http.defaultHealthyRetryPolicy", r.reason)})
	}
	for _, r := range invalidThrottles {
		tests = append(tests, test{"throttle " + r.name, `{"http":{"defaultThrottlePolicy":` + r.throttle + `}}`, reason("http.defaultThrottlePolicy", r.reason)})
	}
	for _, r := range invalidRequests {
		tests = append(tests, test{"request " + r.name, `{"http":{"defaultRequestPolicy":` + r.request + `}}`, reason("http.defaultRequestPolicy", r.reason)})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseTopic(tt.doc)
			checkInvalid(t, tt.doc, got, err, tt.want)
		})
	}
}

func TestParseSubscriptionInvalid(t *testing.T) {
	type test struct{ name, doc, want string }
	tests := []test{
		{"not JSON", `{"healthyRetryPolicy":`, "DeliveryPolicy: failed to parse JSON."},
		{"string", `"policy"`, "DeliveryPolicy: must be a JSON object"},
		{"topic form", fullTopic, "DeliveryPolicy: Unexpected JSON member: http"},
		{"unknown member", `{"healthyRetryPolicy":null,"retryPolicy":{}}`, "DeliveryPolicy: Unexpected JSON member: retryPolicy"},
		// AWS's example of the subscription format, which AWS itself refuses.
		{"retry with numRetries alone", `{"healthyRetryPolicy":{"numRetries":5}}`,
			"DeliveryPolicy: healthyRetryPolicy.minDelayTarget must be specified"},
		{"guaranteed not a boolean", `{"guaranteed":"no"}`, "DeliveryPolicy: guaranteed must be a boolean"},
		{"sickly policy out of range", `{"sicklyRetryPolicy":` + retryWith("numRetries", "101") + `}`,
			"DeliveryPolicy: sicklyRetryPolicy.numRetries must be less than or equal to 100"},
		{"first error in document order", `{"throttlePolicy":{"maxReceivesPerSecond":0},"requestPolicy":{"headerContentType":"x"}}`,
			"DeliveryPolicy: throttlePolicy.maxReceivesPerSecond must be greater than or equal to 1"},
	}
	for _, r := range invalidRetries {
		tests = append(tests, test{"retry " + r.name, subRetry(r.retry), reason("healthyRetryPolicy", r.reason)})
	}
	for _, r := range invalidThrottles {
		tests = append(tests, test{"throttle " + r.name, `{"throttlePolicy":` + r.throttle + `}`, reason("throttlePolicy", r.reason)})
	}
	for _, r := range invalidRequests {
		tests = append(tests, test{"request " + r.name, `{"requestPolicy":` + r.request + `}`, reason("requestPolicy", r.reason)})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseSubscription(tt.doc)
			checkInvalid(t, tt.doc, got, err, tt.want)
		})
	}
}

func checkInvalid[P any](t *testing.T, doc string, got *P, err error, want string) {
	t.Helper()
	var perr *Error
	if !errors.As(err, &perr) {
		t.Fatalf("parse(%s) = %+v, %v; want an *Error %q", doc, got, err, want)
	}
	if got != nil {
		t.Errorf("parse(%s) returned %+v with its error", doc, got)
	}
	if perr.Error() != want {
		t.Errorf("parse(%s) error\n got %q\nwant %q", doc, perr.Error(), want)
	}
}
