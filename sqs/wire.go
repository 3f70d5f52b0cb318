package sqs

import (
	"encoding/base64"
	"encoding/xml"
	"sort"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// The input and output shapes of the SQS API, as both protocols spell them:
// json tags for AWS JSON 1.0, query tags for form parameters and xml tags
// for query-protocol results (lists and maps are "flattened" in SQS's XML).

// attributeMap renders as flattened <X><Name/><Value/></X> entries in XML.
type attributeMap map[string]string

func (m attributeMap) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return marshalPairs(e, start, "Name", m)
}

// tagMap renders as flattened <Tag><Key/><Value/></Tag> entries in XML.
type tagMap map[string]string

func (m tagMap) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	return marshalPairs(e, start, "Key", m)
}

func marshalPairs(e *xml.Encoder, start xml.StartElement, keyName string, m map[string]string) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		pair := struct {
			Key   string `xml:"-"`
			Value string
		}{k, m[k]}
		if err := e.EncodeToken(start); err != nil {
			return err
		}
		if err := e.EncodeElement(pair.Key, xml.StartElement{Name: xml.Name{Local: keyName}}); err != nil {
			return err
		}
		if err := e.EncodeElement(pair.Value, xml.StartElement{Name: xml.Name{Local: "Value"}}); err != nil {
			return err
		}
		if err := e.EncodeToken(start.End()); err != nil {
			return err
		}
	}
	return nil
}

// MessageAttributeValue is a message attribute as the API carries it.
type MessageAttributeValue struct {
	DataType         string   `json:"DataType" xml:"DataType"`
	StringValue      *string  `json:"StringValue,omitempty" xml:"StringValue,omitempty"`
	BinaryValue      []byte   `json:"BinaryValue,omitempty" xml:"BinaryValue,omitempty"`
	StringListValues []string `json:"StringListValues,omitempty" query:"StringListValue" xml:"-"`
	BinaryListValues [][]byte `json:"BinaryListValues,omitempty" query:"BinaryListValue" xml:"-"`
}

// messageAttributeMap renders as flattened <MessageAttribute><Name/><Value>…</Value></MessageAttribute>.
type messageAttributeMap map[string]MessageAttributeValue

func (m messageAttributeMap) MarshalXML(e *xml.Encoder, start xml.StartElement) error {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := m[k]
		entry := struct {
			Name  string
			Value struct {
				StringValue *string `xml:"StringValue,omitempty"`
				BinaryValue string  `xml:"BinaryValue,omitempty"`
				DataType    string
			}
		}{Name: k}
		entry.Value.StringValue = v.StringValue
		if v.BinaryValue != nil {
			entry.Value.BinaryValue = base64.StdEncoding.EncodeToString(v.BinaryValue)
		}
		entry.Value.DataType = v.DataType
		if err := e.EncodeElement(entry, start); err != nil {
			return err
		}
	}
	return nil
}

type queueURLInput struct {
	QueueURL string `json:"QueueUrl" query:"QueueUrl"`
}

type createQueueInput struct {
	QueueName  string            `json:"QueueName"`
	Attributes map[string]string `json:"Attributes" query:"Attribute"`
	Tags       map[string]string `json:"tags" query:"Tag" qkey:"Key"`
}

type queueURLOutput struct {
	QueueURL string `json:"QueueUrl" xml:"QueueUrl"`
}

type getQueueURLInput struct {
	QueueName              string `json:"QueueName"`
	QueueOwnerAWSAccountID string `json:"QueueOwnerAWSAccountId" query:"QueueOwnerAWSAccountId"`
}

type listQueuesInput struct {
	QueueNamePrefix string `json:"QueueNamePrefix"`
	NextToken       string `json:"NextToken"`
	MaxResults      *int   `json:"MaxResults"`
}

type listQueuesOutput struct {
	QueueURLs []string `json:"QueueUrls,omitempty" xml:"QueueUrl"`
	NextToken string   `json:"NextToken,omitempty" xml:"NextToken,omitempty"`
}

type listDeadLetterSourceQueuesInput struct {
	QueueURL   string `json:"QueueUrl" query:"QueueUrl"`
	NextToken  string `json:"NextToken"`
	MaxResults *int   `json:"MaxResults"`
}

type listDeadLetterSourceQueuesOutput struct {
	QueueURLs []string `json:"queueUrls" xml:"QueueUrl"`
	NextToken string   `json:"NextToken,omitempty" xml:"NextToken,omitempty"`
}

type getQueueAttributesInput struct {
	QueueURL       string   `json:"QueueUrl" query:"QueueUrl"`
	AttributeNames []string `json:"AttributeNames" query:"AttributeName"`
}

type attributesOutput struct {
	Attributes attributeMap `json:"Attributes,omitempty" xml:"Attribute"`
}

type setQueueAttributesInput struct {
	QueueURL   string            `json:"QueueUrl" query:"QueueUrl"`
	Attributes map[string]string `json:"Attributes" query:"Attribute"`
}

// SendMessageInput is SendMessage's input: what clients send, and what SNS
// and IoT rules hand to the emulator's in-process invoker to deliver.
type SendMessageInput struct {
	QueueURL                string                           `json:"QueueUrl" query:"QueueUrl"`
	MessageBody             *string                          `json:"MessageBody"`
	DelaySeconds            *int                             `json:"DelaySeconds"`
	MessageAttributes       map[string]MessageAttributeValue `json:"MessageAttributes" query:"MessageAttribute"`
	MessageSystemAttributes map[string]MessageAttributeValue `json:"MessageSystemAttributes" query:"MessageSystemAttribute"`
	MessageDeduplicationID  *string                          `json:"MessageDeduplicationId" query:"MessageDeduplicationId"`
	MessageGroupID          *string                          `json:"MessageGroupId" query:"MessageGroupId"`
}

// SetJSONMember takes the members a plain SendMessage carries, so that the
// common request decodes without reflection; anything else (attributes)
// goes through encoding/json. Names match exactly here, and the fallback
// handles encoding/json's case-insensitive matches.
func (in *SendMessageInput) SetJSONMember(name, value []byte, str bool) bool {
	switch string(name) {
	case "QueueUrl":
		if str {
			in.QueueURL = string(value)
			return true
		}
	case "MessageBody":
		if str {
			s := string(value)
			in.MessageBody = &s
			return true
		}
	case "MessageGroupId":
		if str {
			s := string(value)
			in.MessageGroupID = &s
			return true
		}
	case "MessageDeduplicationId":
		if str {
			s := string(value)
			in.MessageDeduplicationID = &s
			return true
		}
	case "DelaySeconds":
		if !str {
			if n, ok := api.ParseJSONInt(value); ok && n == int(int32(n)) {
				in.DelaySeconds = &n
				return true
			}
		}
	}
	return false
}

type sendMessageOutput struct {
	MD5OfMessageBody             string `json:"MD5OfMessageBody" xml:"MD5OfMessageBody"`
	MD5OfMessageAttributes       string `json:"MD5OfMessageAttributes,omitempty" xml:"MD5OfMessageAttributes,omitempty"`
	MD5OfMessageSystemAttributes string `json:"MD5OfMessageSystemAttributes,omitempty" xml:"MD5OfMessageSystemAttributes,omitempty"`
	MessageID                    string `json:"MessageId" xml:"MessageId"`
	SequenceNumber               string `json:"SequenceNumber,omitempty" xml:"SequenceNumber,omitempty"`
}

// AppendJSON renders the result without reflection: SendMessage is the
// hottest action. It matches encoding/json's rendering (wire_test.go).
func (o *sendMessageOutput) AppendJSON(dst []byte) []byte {
	dst = append(dst, '{')
	dst = api.AppendJSONField(dst, "MD5OfMessageBody", o.MD5OfMessageBody, false)
	dst = api.AppendJSONField(dst, "MD5OfMessageAttributes", o.MD5OfMessageAttributes, true)
	dst = api.AppendJSONField(dst, "MD5OfMessageSystemAttributes", o.MD5OfMessageSystemAttributes, true)
	dst = api.AppendJSONField(dst, "MessageId", o.MessageID, false)
	dst = api.AppendJSONField(dst, "SequenceNumber", o.SequenceNumber, true)
	return append(dst, '}')
}

type sendMessageBatchEntry struct {
	ID                      string                           `json:"Id" query:"Id"`
	MessageBody             *string                          `json:"MessageBody"`
	DelaySeconds            *int                             `json:"DelaySeconds"`
	MessageAttributes       map[string]MessageAttributeValue `json:"MessageAttributes" query:"MessageAttribute"`
	MessageSystemAttributes map[string]MessageAttributeValue `json:"MessageSystemAttributes" query:"MessageSystemAttribute"`
	MessageDeduplicationID  *string                          `json:"MessageDeduplicationId" query:"MessageDeduplicationId"`
	MessageGroupID          *string                          `json:"MessageGroupId" query:"MessageGroupId"`
}

type sendMessageBatchInput struct {
	QueueURL string                  `json:"QueueUrl" query:"QueueUrl"`
	Entries  []sendMessageBatchEntry `json:"Entries" query:"SendMessageBatchRequestEntry"`
}

type sendMessageBatchResultEntry struct {
	ID string `json:"Id" xml:"Id"`
	sendMessageOutput
}

// batchResultError is a failed entry of a batch action.
type batchResultError struct {
	ID          string `json:"Id" xml:"Id"`
	SenderFault bool   `json:"SenderFault" xml:"SenderFault"`
	Code        string `json:"Code" xml:"Code"`
	Message     string `json:"Message,omitempty" xml:"Message,omitempty"`
}

type sendMessageBatchOutput struct {
	Successful []sendMessageBatchResultEntry `json:"Successful" xml:"SendMessageBatchResultEntry"`
	Failed     []batchResultError            `json:"Failed" xml:"BatchResultErrorEntry"`
}

type receiveMessageInput struct {
	QueueURL                    string   `json:"QueueUrl" query:"QueueUrl"`
	AttributeNames              []string `json:"AttributeNames" query:"AttributeName"`
	MessageSystemAttributeNames []string `json:"MessageSystemAttributeNames" query:"-"`
	MessageAttributeNames       []string `json:"MessageAttributeNames" query:"MessageAttributeName"`
	MaxNumberOfMessages         *int     `json:"MaxNumberOfMessages"`
	VisibilityTimeout           *int     `json:"VisibilityTimeout"`
	WaitTimeSeconds             *int     `json:"WaitTimeSeconds"`
	ReceiveRequestAttemptID     string   `json:"ReceiveRequestAttemptId" query:"ReceiveRequestAttemptId"`
}

type message struct {
	MessageID              string              `json:"MessageId" xml:"MessageId"`
	ReceiptHandle          string              `json:"ReceiptHandle" xml:"ReceiptHandle"`
	MD5OfBody              string              `json:"MD5OfBody" xml:"MD5OfBody"`
	Body                   string              `json:"Body" xml:"Body"`
	Attributes             attributeMap        `json:"Attributes,omitempty" xml:"Attribute"`
	MD5OfMessageAttributes string              `json:"MD5OfMessageAttributes,omitempty" xml:"MD5OfMessageAttributes,omitempty"`
	MessageAttributes      messageAttributeMap `json:"MessageAttributes,omitempty" xml:"MessageAttribute"`
}

type receiveMessageOutput struct {
	Messages []message `json:"Messages,omitempty" xml:"Message"`
}

type deleteMessageInput struct {
	QueueURL      string `json:"QueueUrl" query:"QueueUrl"`
	ReceiptHandle string `json:"ReceiptHandle"`
}

type batchEntry struct {
	ID                string `json:"Id" query:"Id"`
	ReceiptHandle     string `json:"ReceiptHandle"`
	VisibilityTimeout *int   `json:"VisibilityTimeout"`
}

type deleteMessageBatchInput struct {
	QueueURL string       `json:"QueueUrl" query:"QueueUrl"`
	Entries  []batchEntry `json:"Entries" query:"DeleteMessageBatchRequestEntry"`
}

type changeMessageVisibilityBatchInput struct {
	QueueURL string       `json:"QueueUrl" query:"QueueUrl"`
	Entries  []batchEntry `json:"Entries" query:"ChangeMessageVisibilityBatchRequestEntry"`
}

type batchSuccess struct {
	ID string `json:"Id" xml:"Id"`
}

type deleteMessageBatchOutput struct {
	Successful []batchSuccess     `json:"Successful" xml:"DeleteMessageBatchResultEntry"`
	Failed     []batchResultError `json:"Failed" xml:"BatchResultErrorEntry"`
}

type changeMessageVisibilityBatchOutput struct {
	Successful []batchSuccess     `json:"Successful" xml:"ChangeMessageVisibilityBatchResultEntry"`
	Failed     []batchResultError `json:"Failed" xml:"BatchResultErrorEntry"`
}

type changeMessageVisibilityInput struct {
	QueueURL          string `json:"QueueUrl" query:"QueueUrl"`
	ReceiptHandle     string `json:"ReceiptHandle"`
	VisibilityTimeout *int   `json:"VisibilityTimeout"`
}

type tagQueueInput struct {
	QueueURL string            `json:"QueueUrl" query:"QueueUrl"`
	Tags     map[string]string `json:"Tags" query:"Tag" qkey:"Key"`
}

type untagQueueInput struct {
	QueueURL string   `json:"QueueUrl" query:"QueueUrl"`
	TagKeys  []string `json:"TagKeys" query:"TagKey"`
}

type listQueueTagsOutput struct {
	Tags tagMap `json:"Tags,omitempty" xml:"Tag"`
}

type addPermissionInput struct {
	QueueURL      string   `json:"QueueUrl" query:"QueueUrl"`
	Label         string   `json:"Label"`
	AWSAccountIDs []string `json:"AWSAccountIds" query:"AWSAccountId"`
	Actions       []string `json:"Actions" query:"ActionName"`
}

type removePermissionInput struct {
	QueueURL string `json:"QueueUrl" query:"QueueUrl"`
	Label    string `json:"Label"`
}

type startMessageMoveTaskInput struct {
	SourceARN                    string `json:"SourceArn" query:"SourceArn"`
	DestinationARN               string `json:"DestinationArn" query:"DestinationArn"`
	MaxNumberOfMessagesPerSecond *int   `json:"MaxNumberOfMessagesPerSecond"`
}

type startMessageMoveTaskOutput struct {
	TaskHandle string `json:"TaskHandle" xml:"TaskHandle"`
}

type cancelMessageMoveTaskInput struct {
	TaskHandle string `json:"TaskHandle"`
}

type cancelMessageMoveTaskOutput struct {
	ApproximateNumberOfMessagesMoved int64 `json:"ApproximateNumberOfMessagesMoved" xml:"ApproximateNumberOfMessagesMoved"`
}

type listMessageMoveTasksInput struct {
	SourceARN  string `json:"SourceArn" query:"SourceArn"`
	MaxResults *int   `json:"MaxResults"`
}

type moveTaskEntry struct {
	TaskHandle                        string `json:"TaskHandle,omitempty" xml:"TaskHandle,omitempty"`
	Status                            string `json:"Status" xml:"Status"`
	SourceARN                         string `json:"SourceArn" xml:"SourceArn"`
	DestinationARN                    string `json:"DestinationArn,omitempty" xml:"DestinationArn,omitempty"`
	MaxNumberOfMessagesPerSecond      *int   `json:"MaxNumberOfMessagesPerSecond,omitempty" xml:"MaxNumberOfMessagesPerSecond,omitempty"`
	ApproximateNumberOfMessagesMoved  int64  `json:"ApproximateNumberOfMessagesMoved" xml:"ApproximateNumberOfMessagesMoved"`
	ApproximateNumberOfMessagesToMove *int64 `json:"ApproximateNumberOfMessagesToMove,omitempty" xml:"ApproximateNumberOfMessagesToMove,omitempty"`
	FailureReason                     string `json:"FailureReason,omitempty" xml:"FailureReason,omitempty"`
	StartedTimestamp                  int64  `json:"StartedTimestamp" xml:"StartedTimestamp"`
}

type listMessageMoveTasksOutput struct {
	Results []moveTaskEntry `json:"Results,omitempty" xml:"ListMessageMoveTasksResultEntry"`
}

// queueURL gives authorization the queue an input names.
func (in *queueURLInput) queueURL() string                     { return in.QueueURL }
func (in *listDeadLetterSourceQueuesInput) queueURL() string   { return in.QueueURL }
func (in *getQueueAttributesInput) queueURL() string           { return in.QueueURL }
func (in *setQueueAttributesInput) queueURL() string           { return in.QueueURL }
func (in *SendMessageInput) queueURL() string                  { return in.QueueURL }
func (in *sendMessageBatchInput) queueURL() string             { return in.QueueURL }
func (in *receiveMessageInput) queueURL() string               { return in.QueueURL }
func (in *deleteMessageInput) queueURL() string                { return in.QueueURL }
func (in *deleteMessageBatchInput) queueURL() string           { return in.QueueURL }
func (in *changeMessageVisibilityBatchInput) queueURL() string { return in.QueueURL }
func (in *changeMessageVisibilityInput) queueURL() string      { return in.QueueURL }
func (in *tagQueueInput) queueURL() string                     { return in.QueueURL }
func (in *untagQueueInput) queueURL() string                   { return in.QueueURL }
func (in *addPermissionInput) queueURL() string                { return in.QueueURL }
func (in *removePermissionInput) queueURL() string             { return in.QueueURL }
