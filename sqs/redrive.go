package sqs

import (
	"context"
	"encoding/json"
	"slices"
	"sort"
	"strconv"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// Dead-letter queues: RedrivePolicy on the source, RedriveAllowPolicy on the
// dead-letter queue, and ListDeadLetterSourceQueues.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html

type redrivePolicy struct {
	DeadLetterTargetARN string
	MaxReceiveCount     int
}

// parseRedrivePolicy accepts maxReceiveCount as a number or a numeric string,
// as AWS does.
func parseRedrivePolicy(s string) (redrivePolicy, *api.Error) {
	invalid := func(reason string) *api.Error {
		return api.InvalidParameterValue("Value %s for parameter RedrivePolicy is invalid. Reason: %s", s, reason)
	}
	var raw struct {
		DeadLetterTargetARN *string         `json:"deadLetterTargetArn"`
		MaxReceiveCount     json.RawMessage `json:"maxReceiveCount"`
	}
	if err := json.Unmarshal([]byte(s), &raw); err != nil {
		return redrivePolicy{}, invalid("Redrive policy is not a valid JSON map.")
	}
	if raw.DeadLetterTargetARN == nil {
		return redrivePolicy{}, invalid("Redrive policy does not contain mandatory attribute: deadLetterTargetArn.")
	}
	if raw.MaxReceiveCount == nil {
		return redrivePolicy{}, invalid("Redrive policy does not contain mandatory attribute: maxReceiveCount.")
	}
	var n int
	var str string
	if err := json.Unmarshal(raw.MaxReceiveCount, &n); err != nil {
		if err := json.Unmarshal(raw.MaxReceiveCount, &str); err != nil {
			return redrivePolicy{}, invalid("Invalid value for maxReceiveCount: " + string(raw.MaxReceiveCount) + ", valid values are from 1 to 1000 both inclusive.")
		}
		var cerr error
		if n, cerr = strconv.Atoi(str); cerr != nil {
			return redrivePolicy{}, invalid("Invalid value for maxReceiveCount: " + str + ", valid values are from 1 to 1000 both inclusive.")
		}
	}
	if n < 1 || n > 1000 {
		return redrivePolicy{}, invalid("Invalid value for maxReceiveCount: " + strconv.Itoa(n) + ", valid values are from 1 to 1000 both inclusive.")
	}
	if _, ok := parseQueueARN(*raw.DeadLetterTargetARN); !ok {
		return redrivePolicy{}, invalid("Invalid value for deadLetterTargetArn.")
	}
	return redrivePolicy{DeadLetterTargetARN: *raw.DeadLetterTargetARN, MaxReceiveCount: n}, nil
}

type redriveAllowPolicy struct {
	Permission      string   `json:"redrivePermission"`
	SourceQueueARNs []string `json:"sourceQueueArns"`
}

func parseRedriveAllowPolicy(s string) (redriveAllowPolicy, *api.Error) {
	invalid := func(reason string) *api.Error {
		return api.InvalidParameterValue("Value %s for parameter RedriveAllowPolicy is invalid. Reason: %s", s, reason)
	}
	var p redriveAllowPolicy
	if err := json.Unmarshal([]byte(s), &p); err != nil {
		return p, invalid("Redrive allow policy is not a valid JSON map.")
	}
	switch p.Permission {
	case "allowAll", "denyAll":
		if len(p.SourceQueueARNs) > 0 {
			return p, invalid("Only byQueue redrivePermission can be used with sourceQueueArns.")
		}
	case "byQueue":
		if n := len(p.SourceQueueARNs); n == 0 || n > 10 {
			return p, invalid("Amazon SQS can only have between 1 and 10 source queue ARNs for a dead-letter queue with a byQueue redrivePermission.")
		}
	default:
		return p, invalid("Invalid value for redrivePermission: must be allowAll, denyAll or byQueue.")
	}
	return p, nil
}

// allows reports whether a dead-letter queue with this policy accepts source.
func (p redriveAllowPolicy) allows(source string) bool {
	switch p.Permission {
	case "denyAll":
		return false
	case "byQueue":
		return slices.Contains(p.SourceQueueARNs, source)
	}
	return true
}

// checkRedrive validates a queue's RedrivePolicy against the dead-letter
// queue it names. Must be called with s.meta held.
func (s *Service) checkRedrive(q *Queue, attrs map[string]string) *api.Error {
	rp, ok := attrs["RedrivePolicy"]
	if !ok {
		return nil
	}
	p, err := parseRedrivePolicy(rp)
	if err != nil {
		return err
	}
	invalid := func(reason string) *api.Error {
		return api.InvalidParameterValue("Value %s for parameter RedrivePolicy is invalid. Reason: %s", rp, reason)
	}
	ref, _ := parseQueueARN(p.DeadLetterTargetARN)
	if ref.account != q.Account || ref.region != q.Region {
		return invalid("Dead-letter target must be in the same account and region as the source queue.")
	}
	dlq := s.lookup(ref)
	if dlq == nil {
		return invalid("Dead letter target does not exist.")
	}
	if dlq.FIFO != q.FIFO {
		return invalid("Dead-letter queue must be same type of queue as the source.")
	}
	if allow, ok := dlq.attribute("RedriveAllowPolicy"); ok {
		ap, err := parseRedriveAllowPolicy(allow)
		if err == nil && !ap.allows(q.ARN) {
			return invalid("Dead-letter queue does not allow this source queue.")
		}
	}
	return nil
}

func (s *Service) listDeadLetterSourceQueues(_ context.Context, req *api.Request, in *listDeadLetterSourceQueuesInput) (*listDeadLetterSourceQueuesOutput, error) {
	dlq, err := s.queueFromURL(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	var urls []string
	for _, q := range s.queuesIn(dlq.Account, dlq.Region) {
		rp, ok := q.attribute("RedrivePolicy")
		if !ok {
			continue
		}
		if p, err := parseRedrivePolicy(rp); err == nil && p.DeadLetterTargetARN == dlq.ARN {
			urls = append(urls, queueURL(req, q.Account, q.Name))
		}
	}
	sort.Strings(urls)
	page, next, perr := paginate(urls, in.NextToken, in.MaxResults)
	if perr != nil {
		return nil, perr
	}
	if page == nil {
		page = []string{}
	}
	return &listDeadLetterSourceQueuesOutput{QueueURLs: page, NextToken: next}, nil
}
