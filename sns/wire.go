package sns

import (
	"encoding/xml"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// The shapes SNS's query protocol carries. Lists arrive as X.member.N and
// maps as X.entry.N.key / X.entry.N.value, hence the query tags; results
// are XML with lists wrapped in <X><member>…</member></X> and maps in
// <X><entry><key/><value/></entry></X>.

type tag struct {
	Key   string `xml:"Key"`
	Value string `xml:"Value"`
}

// members renders a list as <X><member>…</member>…</X>.
type members[T any] = api.Members[T]

// attributeMap renders as <X><entry><key/><value/></entry>…</X>, keys sorted.
type attributeMap map[string]string

func (m attributeMap) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	if err := e.EncodeToken(start); err != nil {
		return err
	}
	for _, k := range sortedKeys(m) {
		entry := struct {
			Key   string `xml:"key"`
			Value string `xml:"value"`
		}{k, m[k]}
		if err := e.EncodeElement(entry, xml.StartElement{Name: xml.Name{Local: "entry"}}); err != nil {
			return err
		}
	}
	return e.EncodeToken(start.End())
}

// MessageAttributeValue is one message attribute as Publish takes it.
type MessageAttributeValue struct {
	DataType    string  `query:"DataType"`
	StringValue *string `query:"StringValue"`
	BinaryValue []byte  `query:"BinaryValue"`
}

type createTopicInput struct {
	Name       string            `query:"Name"`
	Attributes map[string]string `query:"Attributes.entry" qkey:"key" qvalue:"value"`
	Tags       []tag             `query:"Tags.member"`
	// DataProtectionPolicy is refused when set: ferry has no data protection.
	DataProtectionPolicy string `query:"DataProtectionPolicy"`
}

type topicARNOutput struct {
	TopicArn string `xml:"TopicArn"`
}

type topicARNInput struct {
	TopicArn string `query:"TopicArn"`
}

type listInput struct {
	NextToken string `query:"NextToken"`
}

type topicMember struct {
	TopicArn string `xml:"TopicArn"`
}

type listTopicsOutput struct {
	Topics    members[topicMember] `xml:"Topics"`
	NextToken string               `xml:"NextToken,omitempty"`
}

type attributesOutput struct {
	Attributes attributeMap `xml:"Attributes"`
}

type setTopicAttributesInput struct {
	TopicArn       string  `query:"TopicArn"`
	AttributeName  string  `query:"AttributeName"`
	AttributeValue *string `query:"AttributeValue"`
}

type subscribeInput struct {
	TopicArn              string            `query:"TopicArn"`
	Protocol              string            `query:"Protocol"`
	Endpoint              string            `query:"Endpoint"`
	Attributes            map[string]string `query:"Attributes.entry" qkey:"key" qvalue:"value"`
	ReturnSubscriptionArn bool              `query:"ReturnSubscriptionArn"`
}

type subscriptionARNOutput struct {
	SubscriptionArn string `xml:"SubscriptionArn"`
}

type confirmSubscriptionInput struct {
	TopicArn                  string `query:"TopicArn"`
	Token                     string `query:"Token"`
	AuthenticateOnUnsubscribe string `query:"AuthenticateOnUnsubscribe"`
}

type subscriptionARNInput struct {
	SubscriptionArn string `query:"SubscriptionArn"`
}

type setSubscriptionAttributesInput struct {
	SubscriptionArn string  `query:"SubscriptionArn"`
	AttributeName   string  `query:"AttributeName"`
	AttributeValue  *string `query:"AttributeValue"`
}

type subscriptionMember struct {
	SubscriptionArn string `xml:"SubscriptionArn"`
	Owner           string `xml:"Owner"`
	Protocol        string `xml:"Protocol"`
	Endpoint        string `xml:"Endpoint"`
	TopicArn        string `xml:"TopicArn"`
}

type listSubscriptionsOutput struct {
	Subscriptions members[subscriptionMember] `xml:"Subscriptions"`
	NextToken     string                      `xml:"NextToken,omitempty"`
}

type listSubscriptionsByTopicInput struct {
	TopicArn  string `query:"TopicArn"`
	NextToken string `query:"NextToken"`
}

// PublishInput is Publish's input, exported for in-process publishers (IoT
// rules' sns action).
type PublishInput struct {
	TopicArn               string                           `query:"TopicArn"`
	TargetArn              string                           `query:"TargetArn"`
	PhoneNumber            string                           `query:"PhoneNumber"`
	Message                *string                          `query:"Message"`
	Subject                *string                          `query:"Subject"`
	MessageStructure       string                           `query:"MessageStructure"`
	MessageAttributes      map[string]MessageAttributeValue `query:"MessageAttributes.entry" qkey:"Name" qvalue:"Value"`
	MessageDeduplicationID *string                          `query:"MessageDeduplicationId"`
	MessageGroupID         *string                          `query:"MessageGroupId"`
}

type publishOutput struct {
	MessageId      string `xml:"MessageId"`
	SequenceNumber string `xml:"SequenceNumber,omitempty"`
}

type publishBatchEntry struct {
	ID                     string                           `query:"Id"`
	Message                *string                          `query:"Message"`
	Subject                *string                          `query:"Subject"`
	MessageStructure       string                           `query:"MessageStructure"`
	MessageAttributes      map[string]MessageAttributeValue `query:"MessageAttributes.entry" qkey:"Name" qvalue:"Value"`
	MessageDeduplicationID *string                          `query:"MessageDeduplicationId"`
	MessageGroupID         *string                          `query:"MessageGroupId"`
}

type publishBatchInput struct {
	TopicArn                   string              `query:"TopicArn"`
	PublishBatchRequestEntries []publishBatchEntry `query:"PublishBatchRequestEntries.member"`
}

type batchSuccess struct {
	Id             string `xml:"Id"`
	MessageId      string `xml:"MessageId"`
	SequenceNumber string `xml:"SequenceNumber,omitempty"`
}

type batchFailure struct {
	Id          string `xml:"Id"`
	Code        string `xml:"Code"`
	Message     string `xml:"Message"`
	SenderFault bool   `xml:"SenderFault"`
}

type publishBatchOutput struct {
	Successful members[batchSuccess] `xml:"Successful"`
	Failed     members[batchFailure] `xml:"Failed"`
}

type addPermissionInput struct {
	TopicArn     string   `query:"TopicArn"`
	Label        string   `query:"Label"`
	AWSAccountID []string `query:"AWSAccountId.member"`
	ActionName   []string `query:"ActionName.member"`
}

type removePermissionInput struct {
	TopicArn string `query:"TopicArn"`
	Label    string `query:"Label"`
}

type tagResourceInput struct {
	ResourceArn string `query:"ResourceArn"`
	Tags        []tag  `query:"Tags.member"`
}

type untagResourceInput struct {
	ResourceArn string   `query:"ResourceArn"`
	TagKeys     []string `query:"TagKeys.member"`
}

type resourceARNInput struct {
	ResourceArn string `query:"ResourceArn"`
}

type listTagsOutput struct {
	Tags members[tag] `xml:"Tags"`
}
