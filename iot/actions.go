package iot

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/internal/uuid"
	"github.com/ferry-emulator/ferry/iot/broker"
	"github.com/ferry-emulator/ferry/iot/iotsql"
	"github.com/ferry-emulator/ferry/sns"
	"github.com/ferry-emulator/ferry/sqs"
)

// maxRepublishDepth bounds chains of rules republishing into each other.
// AWS lets a rule trigger itself; ferry lets a chain run this deep and
// then drops it, so that a loop cannot spin forever.
const maxRepublishDepth = 8

// failure is one failed action, as the error action's document lists it.
// https://docs.aws.amazon.com/iot/latest/developerguide/rule-error-handling.html
type failure struct {
	FailedAction   string `json:"failedAction"`
	FailedResource string `json:"failedResource"`
	ErrorMessage   string `json:"errorMessage"`
}

// errorDocument is what an error action receives, in AWS's field order.
type errorDocument struct {
	RuleName              string    `json:"ruleName"`
	Topic                 string    `json:"topic"`
	CloudwatchTraceID     string    `json:"cloudwatchTraceId"`
	ClientID              string    `json:"clientId"`
	Base64OriginalPayload string    `json:"base64OriginalPayload"`
	Failures              []failure `json:"failures"`
}

// run evaluates one rule on one message and runs its actions; when any
// fails, the error action gets one document listing every failure. SQL
// evaluation errors never reach the error action, as in AWS: they are
// only logged.
func (s *Service) run(j job) {
	r, bm := j.rule, j.msg
	m := &iotsql.Message{
		Topic: j.topic, Payload: bm.Payload, ClientID: bm.ClientID, Principal: bm.Principal.UserID,
		Account: r.Account, Time: bm.Time, SourceIP: bm.SourceIP, UserProperties: bm.UserProperties,
		Properties: mqttProperties(bm),
	}
	if bm.ClientID != "" {
		m.TraceID = uuid.New()
	}
	out, ok, err := r.stmt.Evaluate(m)
	if err != nil {
		s.log.Warn("rule SQL evaluation failed", "rule", r.ARN, "topic", bm.Topic, "err", err)
		return
	}
	if !ok {
		return
	}
	st := s.Stats(r.ARN)
	st.Matched.Add(1)
	ctx := context.Background()
	var failures []failure
	for _, a := range r.actions {
		f := s.runAction(ctx, r, a, m, bm, out)
		st.outcome(a, f)
		if f != nil {
			failures = append(failures, *f)
			st.Failed.Add(1)
		} else {
			st.Succeeded.Add(1)
		}
	}
	if len(failures) == 0 || r.errorAction == nil {
		return
	}
	clientID := bm.ClientID
	if clientID == "" {
		clientID = "n/a"
	}
	traceID := m.TraceID
	if traceID == "" {
		traceID = uuid.New()
	}
	doc, _ := json.Marshal(errorDocument{
		RuleName: r.Name, Topic: bm.Topic, CloudwatchTraceID: traceID, ClientID: clientID,
		Base64OriginalPayload: base64.StdEncoding.EncodeToString(bm.Payload), Failures: failures,
	})
	st.ErrorActions.Add(1)
	f := s.runAction(ctx, r, r.errorAction, m, bm, doc)
	st.outcome(r.errorAction, f)
	if f != nil {
		// An error action's own failure goes nowhere further.
		s.log.Warn("rule error action failed", "rule", r.ARN, "action", f.FailedAction, "resource", f.FailedResource, "err", f.ErrorMessage)
	}
}

// runAction runs one action as its role and describes its failure, if
// any, as AWS's error document does.
func (s *Service) runAction(ctx context.Context, r *Rule, a *ruleAction, m *iotsql.Message, bm *broker.Message, out []byte) *failure {
	target := a.target.Expand(m)
	f := &failure{FailedResource: target}
	switch a.kind {
	case "sqs":
		f.FailedAction = "SQSAction"
	case "sns":
		f.FailedAction = "SNSAction"
	case "republish":
		f.FailedAction = "RepublishAction"
	}
	principal, err := s.roles.principal(ctx, s, a.roleARN, r, false)
	if err != nil {
		f.ErrorMessage = fmt.Sprintf("Failed to assume role %s. The error received was %s. Message arrived on: %s, Action: %s",
			a.roleARN, describe(err, ""), bm.Topic, a.kind)
		return f
	}
	requestID := uuid.New()
	call := api.Call{Principal: principal, Region: r.Region, RequestID: requestID, Resource: target}
	switch a.kind {
	case "sqs":
		body := string(out)
		if a.useBase64 {
			body = base64.StdEncoding.EncodeToString(out)
		}
		call.Service, call.Action = "sqs", "SendMessage"
		call.Region = queueRegion(target, r.Region)
		call.Input = &sqs.SendMessageInput{QueueURL: target, MessageBody: &body}
		if _, err := s.invoker.Invoke(ctx, &call); err != nil {
			f.ErrorMessage = "Failed to send message to SQS. The error received was " + describe(err, "AmazonSQS") +
				". Message arrived on: " + bm.Topic + ", Action: sqs, Queue: " + target
			return f
		}
	case "sns":
		body := string(out)
		in := &sns.PublishInput{TopicArn: target, Message: &body}
		if a.format == "JSON" {
			in.MessageStructure = "json"
		}
		call.Service, call.Action, call.Input = "sns", "Publish", in
		call.Region = arnRegion(target, r.Region)
		if _, err := s.invoker.Invoke(ctx, &call); err != nil {
			f.ErrorMessage = "Failed to publish to SNS. The error received was " + describe(err, "AmazonSNS") +
				". Message arrived on: " + bm.Topic + ", Action: sns, Target Arn: " + target
			return f
		}
	case "republish":
		topic := target // a template writes "$$aws/…" for a reserved topic and expands it to "$aws/…"
		limit := maxRepublishDepth
		if a == r.errorAction {
			// One level more, so the error action can report the
			// chain's end. That cannot start a new chain: any republish
			// its message triggers is past the limit, and so is the error
			// action of that one.
			limit++
		}
		if bm.Depth+1 > limit {
			f.ErrorMessage = fmt.Sprintf("Failed to republish to topic. The message has been republished %d times in a chain of rules; ferry stops such loops there. Message arrived on: %s, Action: republish, Topic: %s",
				bm.Depth, bm.Topic, topic)
			return f
		}
		qos := a.qos
		in := &publishInput{Topic: topic, QoS: &qos, Payload: out, inProcess: republishProperties(a.headers, m)}
		call.Service, call.Action, call.Input = "iotdata", "Publish", in
		call.Resource = topicARN(r.Account, r.Region, topic)
		if _, err := s.invoker.Invoke(withDepth(ctx, bm.Depth+1), &call); err != nil {
			f.ErrorMessage = "Failed to republish to topic. The error received was " + describe(err, "AWSIotData") +
				". Message arrived on: " + bm.Topic + ", Action: republish, Topic: " + topic
			return f
		}
	}
	return nil
}

// describe renders a downstream error as AWS's SDK exceptions print.
func describe(err error, service string) string {
	var e *api.Error
	if !errors.As(err, &e) {
		return err.Error()
	}
	if service == "" {
		return e.Code + ": " + e.Message
	}
	return fmt.Sprintf("%s (Service: %s; Status Code: %d; Error Code: %s)", e.Message, service, e.Status, e.WireCode())
}

// queueRegion is the region of a queue URL in AWS's form
// (https://sqs.eu-west-1.amazonaws.com/…), else the rule's own.
func queueRegion(url, def string) string {
	rest, ok := strings.CutPrefix(url, "https://sqs.")
	if !ok {
		rest, ok = strings.CutPrefix(url, "http://sqs.")
	}
	if !ok {
		return def
	}
	region, _, ok := strings.Cut(rest, ".amazonaws.com")
	if !ok || region == "" || strings.Contains(region, "/") {
		return def
	}
	return region
}

// arnRegion is an ARN's region field, else def.
func arnRegion(arn, def string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 || parts[3] == "" {
		return def
	}
	return parts[3]
}

// mqttProperties are a message's MQTT 5 properties by the names
// get_mqtt_property() takes.
func mqttProperties(m *broker.Message) map[string]string {
	if m.ContentType == "" && m.ResponseTopic == "" && m.CorrelationData == nil && m.PayloadFormatIndicator == nil {
		return nil
	}
	p := map[string]string{}
	if m.ContentType != "" {
		p["content_type"] = m.ContentType
	}
	if m.ResponseTopic != "" {
		p["response_topic"] = m.ResponseTopic
	}
	if m.CorrelationData != nil {
		p["correlation_data"] = base64.StdEncoding.EncodeToString(m.CorrelationData)
	}
	if m.PayloadFormatIndicator != nil {
		p["format_indicator"] = "UNSPECIFIED_BYTES"
		if *m.PayloadFormatIndicator == 1 {
			p["format_indicator"] = "UTF8_DATA"
		}
	}
	return p
}

// republishProperties expands a republish's header templates.
func republishProperties(h *headerTemplates, m *iotsql.Message) *properties {
	if h == nil {
		return nil
	}
	p := &properties{}
	if h.payloadFormat != nil {
		v := h.payloadFormat.Expand(m)
		p.payloadFormat = &v
	}
	if h.contentType != nil {
		p.contentType = h.contentType.Expand(m)
	}
	if h.responseTopic != nil {
		p.responseTopic = h.responseTopic.Expand(m)
	}
	if h.correlationData != nil {
		v := h.correlationData.Expand(m)
		p.correlationData = &v
	}
	if h.messageExpiry != nil {
		v := h.messageExpiry.Expand(m)
		p.messageExpiry = &v
	}
	for _, kv := range h.userProperties {
		p.userProperties = append(p.userProperties, [2]string{kv[0].Expand(m), kv[1].Expand(m)})
	}
	return p
}

type depthKey struct{}

// withDepth carries a republish's chain depth to the publish it makes.
func withDepth(ctx context.Context, depth int) context.Context {
	return context.WithValue(ctx, depthKey{}, depth)
}

func depthOf(ctx context.Context) int {
	d, _ := ctx.Value(depthKey{}).(int)
	return d
}
