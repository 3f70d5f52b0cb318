package iot

import (
	"encoding/json"
	"strconv"
	"time"
)

// The REST-JSON shapes of the operations served, with AWS's member names.
// https://docs.aws.amazon.com/iot/latest/apireference/API_TopicRulePayload.html

// TopicRulePayload is a rule as CreateTopicRule and ReplaceTopicRule take it.
type TopicRulePayload struct {
	SQL              *string   `json:"sql,omitempty"`
	Description      *string   `json:"description,omitempty"`
	Actions          []*Action `json:"actions"`
	RuleDisabled     *bool     `json:"ruleDisabled,omitempty"`
	AwsIotSqlVersion *string   `json:"awsIotSqlVersion,omitempty"`
	ErrorAction      *Action   `json:"errorAction,omitempty"`
}

// Action is one of a rule's actions. Exactly one member is set; the
// action types ferry does not run are kept raw so that a rule naming one
// is refused by name.
type Action struct {
	SQS       *SQSAction                 `json:"sqs,omitempty"`
	SNS       *SNSAction                 `json:"sns,omitempty"`
	Republish *RepublishAction           `json:"republish,omitempty"`
	Other     map[string]json.RawMessage `json:"-"`
}

// SQSAction sends the rule's output to a queue.
type SQSAction struct {
	RoleArn   string `json:"roleArn"`
	QueueURL  string `json:"queueUrl"`
	UseBase64 *bool  `json:"useBase64,omitempty"`
}

// SNSAction publishes the rule's output to a topic.
type SNSAction struct {
	TargetArn     string `json:"targetArn"`
	RoleArn       string `json:"roleArn"`
	MessageFormat string `json:"messageFormat,omitempty"`
}

// RepublishAction publishes the rule's output to another MQTT topic.
type RepublishAction struct {
	RoleArn string       `json:"roleArn"`
	Topic   string       `json:"topic"`
	QoS     *int         `json:"qos,omitempty"`
	Headers *MQTTHeaders `json:"headers,omitempty"`
}

// MQTTHeaders are the MQTT 5 properties a republish sets; each may be a
// substitution template.
type MQTTHeaders struct {
	PayloadFormatIndicator *string        `json:"payloadFormatIndicator,omitempty"`
	ContentType            *string        `json:"contentType,omitempty"`
	ResponseTopic          *string        `json:"responseTopic,omitempty"`
	CorrelationData        *string        `json:"correlationData,omitempty"`
	MessageExpiry          *string        `json:"messageExpiry,omitempty"`
	UserProperties         []UserProperty `json:"userProperties,omitempty"`
}

// UserProperty is an MQTT 5 user property.
type UserProperty struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// UnmarshalJSON keeps the members ferry runs typed and the others raw.
func (a *Action) UnmarshalJSON(b []byte) error {
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	*a = Action{}
	for k, v := range m {
		if string(v) == "null" {
			continue
		}
		var err error
		switch k {
		case "sqs":
			err = json.Unmarshal(v, &a.SQS)
		case "sns":
			err = json.Unmarshal(v, &a.SNS)
		case "republish":
			err = json.Unmarshal(v, &a.Republish)
		default:
			if a.Other == nil {
				a.Other = map[string]json.RawMessage{}
			}
			a.Other[k] = v
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// MarshalJSON writes the action back as it was given.
func (a Action) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, 1+len(a.Other))
	for k, v := range a.Other {
		m[k] = v
	}
	if a.SQS != nil {
		m["sqs"] = a.SQS
	}
	if a.SNS != nil {
		m["sns"] = a.SNS
	}
	if a.Republish != nil {
		m["republish"] = a.Republish
	}
	return json.Marshal(m)
}

type ruleNameInput struct {
	RuleName string `rest:"uri=ruleName"`
}

type createTopicRuleInput struct {
	RuleName string           `rest:"uri=ruleName"`
	Payload  TopicRulePayload `rest:"payload"`
	Tags     *string          `rest:"header=x-amz-tagging"`
}

// TopicRule is a rule as GetTopicRule returns it.
type TopicRule struct {
	RuleName         string    `json:"ruleName"`
	SQL              string    `json:"sql"`
	Description      string    `json:"description"`
	CreatedAt        epochTime `json:"createdAt"`
	Actions          []*Action `json:"actions"`
	RuleDisabled     bool      `json:"ruleDisabled"`
	AwsIotSqlVersion string    `json:"awsIotSqlVersion"`
	ErrorAction      *Action   `json:"errorAction,omitempty"`
}

type getTopicRuleOutput struct {
	RuleArn string    `json:"ruleArn"`
	Rule    TopicRule `json:"rule"`
}

type listTopicRulesInput struct {
	Topic        *string `rest:"query=topic"`
	MaxResults   *int    `rest:"query=maxResults"`
	NextToken    *string `rest:"query=nextToken"`
	RuleDisabled *bool   `rest:"query=ruleDisabled"`
}

type topicRuleListItem struct {
	RuleArn      string    `json:"ruleArn"`
	RuleName     string    `json:"ruleName"`
	TopicPattern string    `json:"topicPattern"`
	CreatedAt    epochTime `json:"createdAt"`
	RuleDisabled bool      `json:"ruleDisabled"`
}

type listTopicRulesOutput struct {
	Rules     []topicRuleListItem `json:"rules"`
	NextToken string              `json:"nextToken,omitempty"`
}

type describeEndpointInput struct {
	EndpointType *string `rest:"query=endpointType"`
}

type describeEndpointOutput struct {
	EndpointAddress string `json:"endpointAddress"`
}

// Tag is a resource tag; IoT writes its members capitalised.
type Tag struct {
	Key   string  `json:"Key"`
	Value *string `json:"Value,omitempty"`
}

type tagResourceInput struct {
	ResourceArn string `json:"resourceArn"`
	Tags        []Tag  `json:"tags"`
}

type untagResourceInput struct {
	ResourceArn string   `json:"resourceArn"`
	TagKeys     []string `json:"tagKeys"`
}

type listTagsForResourceInput struct {
	ResourceArn string  `rest:"query=resourceArn"`
	NextToken   *string `rest:"query=nextToken"`
}

type listTagsForResourceOutput struct {
	Tags      []Tag  `json:"tags"`
	NextToken string `json:"nextToken,omitempty"`
}

// The iot-data plane.
// https://docs.aws.amazon.com/iot/latest/apireference/API_iotdata_Publish.html

type publishInput struct {
	Topic                  string  `rest:"uri=topic"`
	QoS                    *int    `rest:"query=qos"`
	Retain                 *bool   `rest:"query=retain"`
	Payload                []byte  `rest:"payload"`
	UserProperties         *string `rest:"header=x-amz-mqtt5-user-properties"`
	PayloadFormatIndicator *string `rest:"header=x-amz-mqtt5-payload-format-indicator"`
	ContentType            *string `rest:"query=contentType"`
	ResponseTopic          *string `rest:"query=responseTopic"`
	CorrelationData        *string `rest:"header=x-amz-mqtt5-correlation-data"`
	MessageExpiry          *int64  `rest:"query=messageExpiry"`

	inProcess *properties // a rule's republish: the headers, expanded
}

type topicInput struct {
	Topic string `rest:"uri=topic"`
}

type getRetainedMessageOutput struct {
	Topic            string `json:"topic"`
	Payload          []byte `json:"payload"`
	QoS              int    `json:"qos"`
	LastModifiedTime int64  `json:"lastModifiedTime"`
	UserProperties   []byte `json:"userProperties,omitempty"`
}

type listRetainedMessagesInput struct {
	MaxResults *int    `rest:"query=maxResults"`
	NextToken  *string `rest:"query=nextToken"`
}

type retainedMessageSummary struct {
	Topic            string `json:"topic"`
	PayloadSize      int    `json:"payloadSize"`
	QoS              int    `json:"qos"`
	LastModifiedTime int64  `json:"lastModifiedTime"`
}

type listRetainedMessagesOutput struct {
	RetainedTopics []retainedMessageSummary `json:"retainedTopics"`
	NextToken      string                   `json:"nextToken,omitempty"`
}

// epochTime is a REST-JSON timestamp: seconds since the epoch, with
// milliseconds as a fraction.
type epochTime time.Time

func (t epochTime) MarshalJSON() ([]byte, error) {
	ms := time.Time(t).UnixMilli()
	return strconv.AppendFloat(nil, float64(ms)/1000, 'f', -1, 64), nil
}

func (t *epochTime) UnmarshalJSON(b []byte) error {
	f, err := strconv.ParseFloat(string(b), 64)
	if err != nil {
		return err
	}
	*t = epochTime(time.UnixMilli(int64(f * 1000)))
	return nil
}
