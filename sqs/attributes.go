package sqs

import (
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/sqs/queue"
)

// Queue attributes, their ranges and defaults, from the SetQueueAttributes
// and CreateQueue API references.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SetQueueAttributes.html

type attrKind uint8

const (
	attrInt attrKind = iota
	attrBool
	attrString
	attrJSON
)

type attrSpec struct {
	kind     attrKind
	min, max int
	def      string // "" means absent unless set
	fifoOnly bool
	create   bool // settable only at creation
}

const maxMessageSize = 1 << 20 // 1 MiB

var settableAttributes = map[string]attrSpec{
	"DelaySeconds":                  {kind: attrInt, min: 0, max: 900, def: "0"},
	"MaximumMessageSize":            {kind: attrInt, min: 1024, max: maxMessageSize, def: strconv.Itoa(maxMessageSize)},
	"MessageRetentionPeriod":        {kind: attrInt, min: 60, max: 1209600, def: "345600"},
	"ReceiveMessageWaitTimeSeconds": {kind: attrInt, min: 0, max: 20, def: "0"},
	"VisibilityTimeout":             {kind: attrInt, min: 0, max: 43200, def: "30"},
	"Policy":                        {kind: attrJSON},
	"RedrivePolicy":                 {kind: attrJSON},
	"RedriveAllowPolicy":            {kind: attrJSON},
	"KmsMasterKeyId":                {kind: attrString},
	"KmsDataKeyReusePeriodSeconds":  {kind: attrInt, min: 60, max: 86400},
	"SqsManagedSseEnabled":          {kind: attrBool},
	"FifoQueue":                     {kind: attrBool, create: true},
	"ContentBasedDeduplication":     {kind: attrBool, fifoOnly: true},
	"DeduplicationScope":            {kind: attrString, fifoOnly: true},
	"FifoThroughputLimit":           {kind: attrString, fifoOnly: true},
}

// readOnlyAttributes are computed, never set.
var readOnlyAttributes = map[string]bool{
	"ApproximateNumberOfMessages":           true,
	"ApproximateNumberOfMessagesNotVisible": true,
	"ApproximateNumberOfMessagesDelayed":    true,
	"CreatedTimestamp":                      true,
	"LastModifiedTimestamp":                 true,
	"QueueArn":                              true,
}

// defaultAttributes are what a new queue has before any attribute is set.
func defaultAttributes(fifo bool) map[string]string {
	a := map[string]string{
		"DelaySeconds":                  "0",
		"MaximumMessageSize":            strconv.Itoa(maxMessageSize),
		"MessageRetentionPeriod":        "345600",
		"ReceiveMessageWaitTimeSeconds": "0",
		"VisibilityTimeout":             "30",
		"SqsManagedSseEnabled":          "true",
	}
	if fifo {
		a["FifoQueue"] = "true"
		a["ContentBasedDeduplication"] = "false"
		a["DeduplicationScope"] = "queue"
		a["FifoThroughputLimit"] = "perQueue"
	}
	return a
}

func invalidAttrValue(name string) *api.Error {
	return errInvalidAttributeValue("Invalid value for the parameter " + name + ".")
}

// validateAttribute checks one attribute's value and returns it normalized.
func validateAttribute(name, value string, fifo, creating bool) (string, *api.Error) {
	spec, ok := settableAttributes[name]
	if !ok {
		return "", errInvalidAttributeName(name)
	}
	if spec.create && !creating {
		return "", errInvalidAttributeName(name)
	}
	if spec.fifoOnly && !fifo {
		return "", errInvalidAttributeName(name)
	}
	switch spec.kind {
	case attrInt:
		n, err := strconv.Atoi(strings.TrimSpace(value))
		if err != nil || n < spec.min || n > spec.max {
			return "", invalidAttrValue(name)
		}
		return strconv.Itoa(n), nil
	case attrBool:
		switch strings.ToLower(value) {
		case "true":
			return "true", nil
		case "false":
			return "false", nil
		}
		return "", invalidAttrValue(name)
	case attrJSON:
		if value == "" {
			return "", nil // setting a policy to "" removes it
		}
		if !json.Valid([]byte(value)) {
			return "", invalidAttrValue(name)
		}
		return value, nil
	}
	switch name {
	case "DeduplicationScope":
		if value != "queue" && value != "messageGroup" {
			return "", invalidAttrValue(name)
		}
	case "FifoThroughputLimit":
		if value != "perQueue" && value != "perMessageGroupId" {
			return "", invalidAttrValue(name)
		}
	case "KmsMasterKeyId":
		if len(value) > 2048 {
			return "", invalidAttrValue(name)
		}
	}
	return value, nil
}

// applyAttributes validates a set of attribute changes against the queue's
// current attributes (cur, which it does not modify) and returns the merged
// result, or the first error.
func applyAttributes(cur, changes map[string]string, fifo, creating bool) (map[string]string, *api.Error) {
	next := make(map[string]string, len(cur)+len(changes))
	for k, v := range cur {
		next[k] = v
	}
	for name, value := range changes {
		v, err := validateAttribute(name, value, fifo, creating)
		if err != nil {
			return nil, err
		}
		if v, err = canonicalPolicyAttribute(name, v); err != nil {
			return nil, err
		}
		if v == "" {
			delete(next, name)
			continue
		}
		next[name] = v
	}
	if fifo && next["FifoThroughputLimit"] == "perMessageGroupId" && next["DeduplicationScope"] != "messageGroup" {
		return nil, errInvalidAttributeValue("Invalid value for the parameter FifoThroughputLimit. Reason: perMessageGroupId is allowed only when DeduplicationScope is messageGroup.")
	}
	// SSE-KMS and SSE-SQS exclude each other; choosing one turns the other off.
	if _, ok := changes["KmsMasterKeyId"]; ok && next["KmsMasterKeyId"] != "" {
		if changes["SqsManagedSseEnabled"] == "true" {
			return nil, errInvalidAttributeValue("You can use one type of server-side encryption (SSE) at one time. You can either enable KMS SSE or SQS SSE.")
		}
		next["SqsManagedSseEnabled"] = "false"
		if next["KmsDataKeyReusePeriodSeconds"] == "" {
			next["KmsDataKeyReusePeriodSeconds"] = "300"
		}
	}
	if strings.EqualFold(changes["SqsManagedSseEnabled"], "true") {
		delete(next, "KmsMasterKeyId")
		delete(next, "KmsDataKeyReusePeriodSeconds")
	}
	if next["KmsMasterKeyId"] == "" {
		delete(next, "KmsDataKeyReusePeriodSeconds")
	}
	return next, nil
}

func seconds(attrs map[string]string, name string) time.Duration {
	n, _ := strconv.Atoi(attrs[name])
	return time.Duration(n) * time.Second
}

// engineSettings derives the state machine's settings from the attributes;
// dlq is the resolved dead-letter queue, if any.
func engineSettings(attrs map[string]string, dlq *queue.Queue, maxReceive int) queue.Settings {
	return queue.Settings{
		FIFO:                      attrs["FifoQueue"] == "true",
		VisibilityTimeout:         seconds(attrs, "VisibilityTimeout"),
		Delay:                     seconds(attrs, "DelaySeconds"),
		RetentionPeriod:           seconds(attrs, "MessageRetentionPeriod"),
		ContentBasedDeduplication: attrs["ContentBasedDeduplication"] == "true",
		DedupPerMessageGroup:      attrs["DeduplicationScope"] == "messageGroup",
		MaxReceiveCount:           maxReceive,
		DeadLetter:                dlq,
	}
}

// canonicalPolicyAttribute stores the redrive attributes the way AWS returns
// them: compact JSON with maxReceiveCount as a number, whatever spacing or
// string-typed count the caller sent.
func canonicalPolicyAttribute(name, value string) (string, *api.Error) {
	if value == "" {
		return value, nil
	}
	switch name {
	case "Policy":
		if _, err := parseQueuePolicy(value); err != nil {
			return "", err
		}
		return value, nil
	case "RedrivePolicy":
		p, err := parseRedrivePolicy(value)
		if err != nil {
			return "", err
		}
		b, _ := json.Marshal(struct {
			DeadLetterTargetARN string `json:"deadLetterTargetArn"`
			MaxReceiveCount     int    `json:"maxReceiveCount"`
		}{p.DeadLetterTargetARN, p.MaxReceiveCount})
		return string(b), nil
	case "RedriveAllowPolicy":
		p, err := parseRedriveAllowPolicy(value)
		if err != nil {
			return "", err
		}
		b, _ := json.Marshal(struct {
			Permission      string   `json:"redrivePermission"`
			SourceQueueARNs []string `json:"sourceQueueArns,omitempty"`
		}{p.Permission, p.SourceQueueARNs})
		return string(b), nil
	}
	return value, nil
}
