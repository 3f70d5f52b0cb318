package emulator

import (
	"net/http/httptest"
	"net/url"
	"testing"
)

// FuzzServeSNS sends fuzzed SNS query requests, signed, to a server with a
// topic that fans out to a queue through a filter policy: parsing, attribute
// and filter validation and delivery must never answer 500.
func FuzzServeSNS(f *testing.F) {
	srv := serverWithQueue(f)
	topic := "arn:aws:sns:us-east-1:000000000000:fuzz"
	serveQuery(f, srv, "sns", url.Values{"Action": {"CreateTopic"}, "Name": {"fuzz"}})
	serveQuery(f, srv, "sqs", url.Values{"Action": {"SetQueueAttributes"}, "QueueUrl": {"http://127.0.0.1:4566/000000000000/fuzz"},
		"Attribute.1.Name": {"Policy"}, "Attribute.1.Value": {`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"sqs:SendMessage","Resource":"*"}]}`}})
	serveQuery(f, srv, "sns", url.Values{"Action": {"Subscribe"}, "TopicArn": {topic}, "Protocol": {"sqs"},
		"Endpoint":               {"arn:aws:sqs:us-east-1:000000000000:fuzz"},
		"Attributes.entry.1.key": {"FilterPolicy"}, "Attributes.entry.1.value": {`{"a":[{"numeric":[">",1]}],"b":[{"prefix":"x"}]}`}})
	t := url.QueryEscape(topic)
	for _, s := range []string{
		"Action=ListTopics",
		"Action=Publish&TopicArn=" + t + "&Message=hi&MessageAttributes.entry.1.Name=a&MessageAttributes.entry.1.Value.DataType=Number&MessageAttributes.entry.1.Value.StringValue=5",
		"Action=Publish&TopicArn=" + t + "&Message=%7B%22default%22%3A%22x%22%7D&MessageStructure=json&Subject=s",
		"Action=PublishBatch&TopicArn=" + t + "&PublishBatchRequestEntries.member.1.Id=a&PublishBatchRequestEntries.member.1.Message=x",
		"Action=CreateTopic&Name=f.fifo&Attributes.entry.1.key=FifoTopic&Attributes.entry.1.value=true",
		"Action=SetTopicAttributes&TopicArn=" + t + "&AttributeName=DeliveryPolicy&AttributeValue=%7B%7D",
		"Action=Subscribe&TopicArn=" + t + "&Protocol=http&Endpoint=http%3A%2F%2F127.0.0.1%3A1%2F",
		"Action=AddPermission&TopicArn=" + t + "&Label=l&AWSAccountId.member.1=111111111111&ActionName.member.1=Publish",
		"Action=TagResource&ResourceArn=" + t + "&Tags.member.1.Key=k&Tags.member.1.Value=v",
		"Action=ConfirmSubscription&TopicArn=" + t + "&Token=abc",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		values, err := url.ParseQuery(string(body))
		if err != nil {
			return
		}
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, signedQuery(t, "sns", values))
		if rec.Code >= 500 {
			t.Fatalf("status %d for %q: %s", rec.Code, body, rec.Body)
		}
	})
}
