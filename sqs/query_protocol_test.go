package sqs_test

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"

	"github.com/ferry-emulator/ferry/emulator"
)

// The query protocol as older SDKs and the AWS CLI speak it: form-encoded
// Action=...&Version=2012-11-05, SigV4-signed for "sqs", answered in XML.
// The expected shapes are those of the SQS API reference's query examples and
// of the SQS Smithy model's xmlName/xmlFlattened traits: lists and maps are
// flattened (<QueueUrl>…</QueueUrl><QueueUrl>…</QueueUrl>, no <member>), map
// entries are <Attribute><Name/><Value/></Attribute> (tags: <Tag><Key/><Value/></Tag>).
// Hand-made AWS JSON 1.0 requests check what the SDK hides: error bodies,
// headers and unknown operations.

const sqsXMLNamespace = "http://queue.amazonaws.com/doc/2012-11-05/"

// xmlNode is a generic XML element, for checking response shapes.
type xmlNode struct {
	XMLName xml.Name
	Attrs   []xml.Attr `xml:",any,attr"`
	Text    string     `xml:",chardata"`
	Nodes   []xmlNode  `xml:",any"`
}

// names lists the child elements' names in order.
func (n *xmlNode) names() []string {
	out := make([]string, len(n.Nodes))
	for i, c := range n.Nodes {
		out[i] = c.XMLName.Local
	}
	return out
}

// all returns the children with this name.
func (n *xmlNode) all(name string) []xmlNode {
	var out []xmlNode
	for _, c := range n.Nodes {
		if c.XMLName.Local == name {
			out = append(out, c)
		}
	}
	return out
}

// at follows a path of child names, failing the test if one is missing.
func (n *xmlNode) at(t *testing.T, path ...string) *xmlNode {
	t.Helper()
	cur := n
	for _, p := range path {
		var next *xmlNode
		for i := range cur.Nodes {
			if cur.Nodes[i].XMLName.Local == p {
				next = &cur.Nodes[i]
				break
			}
		}
		if next == nil {
			t.Fatalf("<%s> has no <%s> (children %v), looking for %v", cur.XMLName.Local, p, cur.names(), path)
		}
		cur = next
	}
	return cur
}

func (n *xmlNode) text(t *testing.T, path ...string) string {
	t.Helper()
	return strings.TrimSpace(n.at(t, path...).Text)
}

// pairs reads flattened <entry><key/><Value/></entry> elements into a map.
func (n *xmlNode) pairs(t *testing.T, entry, key string) map[string]string {
	t.Helper()
	m := map[string]string{}
	for _, e := range n.all(entry) {
		if got := e.names(); !slices.Equal(got, []string{key, "Value"}) {
			t.Fatalf("<%s> has children %v, want [%s Value]", entry, got, key)
		}
		m[e.text(t, key)] = e.text(t, "Value")
	}
	return m
}

type wireResponse struct {
	status int
	header http.Header
	body   []byte
}

// signedRequest sends a SigV4-signed request for sqs in us-east-1.
func signedRequest(t *testing.T, srv *emulator.Server, method, path string, header http.Header, body []byte) wireResponse {
	t.Helper()
	req, err := http.NewRequest(method, srv.URL()+path, bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range header {
		req.Header[k] = v
	}
	sum := sha256.Sum256(body)
	creds := aws.Credentials{AccessKeyID: "test", SecretAccessKey: "test"}
	if err := v4.NewSigner().SignHTTP(context.Background(), creds, req, hex.EncodeToString(sum[:]), "sqs", region, time.Now()); err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return wireResponse{resp.StatusCode, resp.Header, b}
}

// query posts a form-encoded query request to path ("/" or a queue's path)
// and parses the XML answer.
func query(t *testing.T, srv *emulator.Server, path string, params url.Values) (wireResponse, *xmlNode) {
	t.Helper()
	params.Set("Version", "2012-11-05")
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded; charset=utf-8"}}
	r := signedRequest(t, srv, http.MethodPost, path, h, []byte(params.Encode()))
	if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "text/xml") {
		t.Fatalf("%s: Content-Type %q, want text/xml; body %s", params.Get("Action"), ct, r.body)
	}
	var root xmlNode
	if err := xml.Unmarshal(r.body, &root); err != nil {
		t.Fatalf("%s: response is not XML: %v\n%s", params.Get("Action"), err, r.body)
	}
	return r, &root
}

// queryOK runs an action that must succeed and checks the envelope:
// <ActionResponse xmlns=…><ActionResult>…</ActionResult><ResponseMetadata><RequestId/></ResponseMetadata></ActionResponse>.
// It returns the Result element (nil for actions with an empty result).
func queryOK(t *testing.T, srv *emulator.Server, path string, params url.Values) *xmlNode {
	t.Helper()
	action := params.Get("Action")
	r, root := query(t, srv, path, params)
	if r.status != http.StatusOK {
		t.Fatalf("%s: status %d\n%s", action, r.status, r.body)
	}
	if root.XMLName.Local != action+"Response" || root.XMLName.Space != sqsXMLNamespace {
		t.Fatalf("root element {%s}%s, want {%s}%sResponse", root.XMLName.Space, root.XMLName.Local, sqsXMLNamespace, action)
	}
	names := root.names()
	if len(names) == 0 || names[len(names)-1] != "ResponseMetadata" {
		t.Fatalf("%s: children %v, want ResponseMetadata last", action, names)
	}
	if id := root.text(t, "ResponseMetadata", "RequestId"); id == "" || id != r.header.Get("x-amzn-RequestId") {
		t.Fatalf("%s: RequestId %q, header %q", action, id, r.header.Get("x-amzn-RequestId"))
	}
	switch len(names) {
	case 1:
		return nil
	case 2:
		if names[0] != action+"Result" {
			t.Fatalf("%s: children %v, want %sResult", action, names, action)
		}
		return &root.Nodes[0]
	}
	t.Fatalf("%s: children %v", action, names)
	return nil
}

// queryErr runs an action that must fail and checks AWS's error document:
// <ErrorResponse><Error><Type/><Code/><Message/><Detail/></Error><RequestId/></ErrorResponse>.
func queryErr(t *testing.T, srv *emulator.Server, path string, params url.Values, status int, code string) string {
	t.Helper()
	r, root := query(t, srv, path, params)
	if r.status != status {
		t.Fatalf("%s: status %d, want %d\n%s", params.Get("Action"), r.status, status, r.body)
	}
	if root.XMLName.Local != "ErrorResponse" {
		t.Fatalf("root element %s, want ErrorResponse\n%s", root.XMLName.Local, r.body)
	}
	if got := root.names(); !slices.Equal(got, []string{"Error", "RequestId"}) {
		t.Fatalf("ErrorResponse children %v", got)
	}
	if got := root.at(t, "Error").names(); !slices.Equal(got[:3], []string{"Type", "Code", "Message"}) {
		t.Fatalf("Error children %v", got)
	}
	if typ := root.text(t, "Error", "Type"); typ != "Sender" {
		t.Fatalf("Error/Type %s, want Sender", typ)
	}
	if got := root.text(t, "Error", "Code"); got != code {
		t.Fatalf("%s: Error/Code %s, want %s (%s)", params.Get("Action"), got, code, root.text(t, "Error", "Message"))
	}
	if root.text(t, "RequestId") != r.header.Get("x-amzn-RequestId") {
		t.Fatalf("RequestId %q does not match the header", root.text(t, "RequestId"))
	}
	return root.text(t, "Error", "Message")
}

func form(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

func TestQueryProtocolQueues(t *testing.T) {
	t.Parallel()
	srv := startFerry(t)

	res := queryOK(t, srv, "/", form("Action", "CreateQueue", "QueueName", "legacy",
		"Attribute.1.Name", "VisibilityTimeout", "Attribute.1.Value", "40",
		"Attribute.2.Name", "DelaySeconds", "Attribute.2.Value", "3",
		"Tag.1.Key", "team", "Tag.1.Value", "core"))
	if got := res.names(); !slices.Equal(got, []string{"QueueUrl"}) {
		t.Fatalf("CreateQueueResult children %v", got)
	}
	qurl := res.text(t, "QueueUrl")
	if qurl != srv.URL()+"/"+defaultAccount+"/legacy" {
		t.Fatalf("QueueUrl %s", qurl)
	}
	queryOK(t, srv, "/", form("Action", "CreateQueue", "QueueName", "legacy2"))

	res = queryOK(t, srv, "/", form("Action", "GetQueueUrl", "QueueName", "legacy"))
	if res.text(t, "QueueUrl") != qurl {
		t.Fatalf("GetQueueUrl %s", res.text(t, "QueueUrl"))
	}

	res = queryOK(t, srv, "/", form("Action", "ListQueues"))
	if got := res.names(); !slices.Equal(got, []string{"QueueUrl", "QueueUrl"}) {
		t.Fatalf("ListQueuesResult children %v, want two flattened QueueUrl", got)
	}
	res = queryOK(t, srv, "/", form("Action", "ListQueues", "MaxResults", "1"))
	if got := res.names(); !slices.Equal(got, []string{"QueueUrl", "NextToken"}) {
		t.Fatalf("ListQueuesResult page children %v", got)
	}
	res = queryOK(t, srv, "/", form("Action", "ListQueues", "MaxResults", "1", "NextToken", res.text(t, "NextToken")))
	if got := res.names(); !slices.Equal(got, []string{"QueueUrl"}) || !strings.HasSuffix(res.text(t, "QueueUrl"), "/legacy2") {
		t.Fatalf("second page %v", got)
	}
	res = queryOK(t, srv, "/", form("Action", "ListQueues", "QueueNamePrefix", "nothing"))
	if len(res.Nodes) != 0 {
		t.Fatalf("empty ListQueuesResult has %v", res.names())
	}

	res = queryOK(t, srv, "/", form("Action", "GetQueueAttributes", "QueueUrl", qurl, "AttributeName.1", "All"))
	attrs := res.pairs(t, "Attribute", "Name")
	if attrs["VisibilityTimeout"] != "40" || attrs["DelaySeconds"] != "3" || attrs["QueueArn"] != "arn:aws:sqs:us-east-1:"+defaultAccount+":legacy" {
		t.Fatalf("attributes %v", attrs)
	}
	res = queryOK(t, srv, "/", form("Action", "GetQueueAttributes", "QueueUrl", qurl, "AttributeName.1", "VisibilityTimeout", "AttributeName.2", "DelaySeconds"))
	if got := res.pairs(t, "Attribute", "Name"); len(got) != 2 {
		t.Fatalf("two attributes asked, got %v", got)
	}
	if queryOK(t, srv, "/", form("Action", "SetQueueAttributes", "QueueUrl", qurl, "Attribute.1.Name", "VisibilityTimeout", "Attribute.1.Value", "41")) != nil {
		t.Fatal("SetQueueAttributes has a result element")
	}
	queryErr(t, srv, "/", form("Action", "SetQueueAttributes", "QueueUrl", qurl, "Attribute.1.Name", "VisibilityTimeout", "Attribute.1.Value", "-5"), 400, "InvalidAttributeValue")
	queryErr(t, srv, "/", form("Action", "GetQueueAttributes", "QueueUrl", qurl, "AttributeName.1", "Nope"), 400, "InvalidAttributeName")

	// Tags: flattened <Tag><Key/><Value/></Tag>.
	queryOK(t, srv, "/", form("Action", "TagQueue", "QueueUrl", qurl, "Tag.1.Key", "env", "Tag.1.Value", "dev", "Tag.2.Key", "tier", "Tag.2.Value", "1"))
	res = queryOK(t, srv, "/", form("Action", "ListQueueTags", "QueueUrl", qurl))
	if tags := res.pairs(t, "Tag", "Key"); len(tags) != 3 || tags["team"] != "core" || tags["env"] != "dev" {
		t.Fatalf("tags %v", tags)
	}
	queryOK(t, srv, "/", form("Action", "UntagQueue", "QueueUrl", qurl, "TagKey.1", "env", "TagKey.2", "tier"))
	res = queryOK(t, srv, "/", form("Action", "ListQueueTags", "QueueUrl", qurl))
	if tags := res.pairs(t, "Tag", "Key"); len(tags) != 1 {
		t.Fatalf("tags after untag %v", tags)
	}

	// Permissions: AWSAccountId.N and ActionName.N.
	queryOK(t, srv, "/", form("Action", "AddPermission", "QueueUrl", qurl, "Label", "p1",
		"AWSAccountId.1", otherAccount, "AWSAccountId.2", "222222222222", "ActionName.1", "SendMessage", "ActionName.2", "GetQueueUrl"))
	res = queryOK(t, srv, "/", form("Action", "GetQueueAttributes", "QueueUrl", qurl, "AttributeName.1", "Policy"))
	var policy struct {
		Statement []struct {
			Sid       string
			Principal struct{ AWS []string }
			Action    []string
		}
	}
	if err := json.Unmarshal([]byte(res.pairs(t, "Attribute", "Name")["Policy"]), &policy); err != nil {
		t.Fatal(err)
	}
	if len(policy.Statement) != 1 || policy.Statement[0].Sid != "p1" || len(policy.Statement[0].Principal.AWS) != 2 ||
		!slices.Equal(policy.Statement[0].Action, []string{"SQS:SendMessage", "SQS:GetQueueUrl"}) {
		t.Fatalf("policy %+v", policy)
	}
	queryOK(t, srv, "/", form("Action", "RemovePermission", "QueueUrl", qurl, "Label", "p1"))
	queryErr(t, srv, "/", form("Action", "RemovePermission", "QueueUrl", qurl, "Label", "p1"), 400, "InvalidParameterValue")

	queryOK(t, srv, "/", form("Action", "PurgeQueue", "QueueUrl", qurl))
	queryErr(t, srv, "/", form("Action", "PurgeQueue", "QueueUrl", qurl), 403, "AWS.SimpleQueueService.PurgeQueueInProgress")

	// Errors carry the query codes.
	queryErr(t, srv, "/", form("Action", "CreateQueue", "QueueName", "legacy", "Attribute.1.Name", "VisibilityTimeout", "Attribute.1.Value", "1"), 400, "QueueAlreadyExists")
	queryErr(t, srv, "/", form("Action", "CreateQueue", "QueueName", "bad name!"), 400, "InvalidParameterValue")
	queryErr(t, srv, "/", form("Action", "GetQueueUrl", "QueueName", "nope"), 400, "AWS.SimpleQueueService.NonExistentQueue")
	queryErr(t, srv, "/", form("Action", "ListQueues", "MaxResults", "many"), 400, "InvalidParameterValue")
	queryErr(t, srv, "/", form("Action", "DeleteQueue", "QueueUrl", qurl+"-x"), 400, "AWS.SimpleQueueService.NonExistentQueue")
	queryErr(t, srv, "/", form("Action", "Frobnicate"), 400, "InvalidAction")

	if queryOK(t, srv, "/", form("Action", "DeleteQueue", "QueueUrl", qurl)) != nil {
		t.Fatal("DeleteQueue has a result element")
	}
	queryErr(t, srv, "/", form("Action", "CreateQueue", "QueueName", "legacy"), 400, "AWS.SimpleQueueService.QueueDeletedRecently")
}

func TestQueryProtocolMessages(t *testing.T) {
	t.Parallel()
	srv := startFerry(t)
	qurl := queryOK(t, srv, "/", form("Action", "CreateQueue", "QueueName", "msgs")).text(t, "QueueUrl")
	blob := []byte{0xde, 0xad, 0xbe, 0xef}

	res := queryOK(t, srv, "/", form("Action", "SendMessage", "QueueUrl", qurl, "MessageBody", "hello <world> & co",
		"MessageAttribute.1.Name", "color", "MessageAttribute.1.Value.DataType", "String", "MessageAttribute.1.Value.StringValue", "blue",
		"MessageAttribute.2.Name", "blob", "MessageAttribute.2.Value.DataType", "Binary", "MessageAttribute.2.Value.BinaryValue", base64.StdEncoding.EncodeToString(blob),
		"MessageSystemAttribute.1.Name", "AWSTraceHeader", "MessageSystemAttribute.1.Value.DataType", "String", "MessageSystemAttribute.1.Value.StringValue", "Root=1-abc"))
	if got := res.names(); !slices.Equal(got, []string{"MD5OfMessageBody", "MD5OfMessageAttributes", "MD5OfMessageSystemAttributes", "MessageId"}) {
		t.Fatalf("SendMessageResult children %v", got)
	}
	sentAttrs := map[string]types.MessageAttributeValue{"color": strAttr("String", "blue"), "blob": binAttr("Binary", blob)}
	if res.text(t, "MD5OfMessageBody") != md5Hex("hello <world> & co") || res.text(t, "MD5OfMessageAttributes") != md5OfAttributes(sentAttrs) {
		t.Fatalf("digests %s %s", res.text(t, "MD5OfMessageBody"), res.text(t, "MD5OfMessageAttributes"))
	}
	sys := map[string]types.MessageSystemAttributeValue{"AWSTraceHeader": {DataType: aws.String("String"), StringValue: aws.String("Root=1-abc")}}
	if res.text(t, "MD5OfMessageSystemAttributes") != md5OfSystemAttributes(sys) {
		t.Fatalf("MD5OfMessageSystemAttributes %s", res.text(t, "MD5OfMessageSystemAttributes"))
	}
	msgID := res.text(t, "MessageId")

	res = queryOK(t, srv, "/", form("Action", "ReceiveMessage", "QueueUrl", qurl, "AttributeName.1", "All", "MessageAttributeName.1", "All", "MaxNumberOfMessages", "10"))
	msgs := res.all("Message")
	if len(msgs) != 1 || len(res.Nodes) != 1 {
		t.Fatalf("ReceiveMessageResult children %v", res.names())
	}
	m := &msgs[0]
	if got := m.names(); !slices.Equal(got[:4], []string{"MessageId", "ReceiptHandle", "MD5OfBody", "Body"}) {
		t.Fatalf("Message children %v", got)
	}
	if m.text(t, "MessageId") != msgID || m.text(t, "Body") != "hello <world> & co" || m.text(t, "MD5OfBody") != md5Hex("hello <world> & co") {
		t.Fatalf("message %+v", m)
	}
	sysAttrs := m.pairs(t, "Attribute", "Name")
	if sysAttrs["SenderId"] != defaultAccount || sysAttrs["ApproximateReceiveCount"] != "1" || sysAttrs["AWSTraceHeader"] != "Root=1-abc" || sysAttrs["SentTimestamp"] == "" {
		t.Fatalf("system attributes %v", sysAttrs)
	}
	if m.text(t, "MD5OfMessageAttributes") != md5OfAttributes(sentAttrs) {
		t.Fatalf("received MD5OfMessageAttributes %s", m.text(t, "MD5OfMessageAttributes"))
	}
	userAttrs := map[string]*xmlNode{}
	for _, a := range m.all("MessageAttribute") {
		if got := a.names(); !slices.Equal(got, []string{"Name", "Value"}) {
			t.Fatalf("MessageAttribute children %v", got)
		}
		userAttrs[a.text(t, "Name")] = a.at(t, "Value")
	}
	if len(userAttrs) != 2 {
		t.Fatalf("message attributes %v", userAttrs)
	}
	if v := userAttrs["color"]; !slices.Equal(v.names(), []string{"StringValue", "DataType"}) || v.text(t, "StringValue") != "blue" || v.text(t, "DataType") != "String" {
		t.Fatalf("color attribute %v", v.names())
	}
	if v := userAttrs["blob"]; !slices.Equal(v.names(), []string{"BinaryValue", "DataType"}) || v.text(t, "BinaryValue") != base64.StdEncoding.EncodeToString(blob) || v.text(t, "DataType") != "Binary" {
		t.Fatalf("blob attribute %v", v.names())
	}
	handle := m.text(t, "ReceiptHandle")

	if queryOK(t, srv, "/", form("Action", "ChangeMessageVisibility", "QueueUrl", qurl, "ReceiptHandle", handle, "VisibilityTimeout", "0")) != nil {
		t.Fatal("ChangeMessageVisibility has a result element")
	}
	queryErr(t, srv, "/", form("Action", "ChangeMessageVisibility", "QueueUrl", qurl, "ReceiptHandle", handle, "VisibilityTimeout", "5"), 400, "AWS.SimpleQueueService.MessageNotInflight")
	queryErr(t, srv, "/", form("Action", "DeleteMessage", "QueueUrl", qurl, "ReceiptHandle", "junk"), 404, "ReceiptHandleIsInvalid")
	queryErr(t, srv, "/", form("Action", "SendMessage", "QueueUrl", qurl, "MessageBody", "bad\x01"), 400, "InvalidMessageContents")
	queryErr(t, srv, "/", form("Action", "SendMessage", "QueueUrl", qurl, "MessageBody", "x", "DelaySeconds", "soon"), 400, "InvalidParameterValue")

	// Batches: flattened result entries and error entries.
	res = queryOK(t, srv, "/", form("Action", "SendMessageBatch", "QueueUrl", qurl,
		"SendMessageBatchRequestEntry.1.Id", "one", "SendMessageBatchRequestEntry.1.MessageBody", "b1",
		"SendMessageBatchRequestEntry.2.Id", "two", "SendMessageBatchRequestEntry.2.MessageBody", "b2", "SendMessageBatchRequestEntry.2.DelaySeconds", "1000",
		"SendMessageBatchRequestEntry.3.Id", "three", "SendMessageBatchRequestEntry.3.MessageBody", "b3",
		"SendMessageBatchRequestEntry.3.MessageAttribute.1.Name", "n", "SendMessageBatchRequestEntry.3.MessageAttribute.1.Value.DataType", "Number",
		"SendMessageBatchRequestEntry.3.MessageAttribute.1.Value.StringValue", "3"))
	if got := res.names(); !slices.Equal(got, []string{"SendMessageBatchResultEntry", "SendMessageBatchResultEntry", "BatchResultErrorEntry"}) {
		t.Fatalf("SendMessageBatchResult children %v", got)
	}
	ok := res.all("SendMessageBatchResultEntry")
	if got := ok[0].names(); !slices.Equal(got, []string{"Id", "MD5OfMessageBody", "MessageId"}) || ok[0].text(t, "Id") != "one" {
		t.Fatalf("SendMessageBatchResultEntry children %v", got)
	}
	if ok[1].text(t, "Id") != "three" || ok[1].text(t, "MD5OfMessageAttributes") != md5OfAttributes(map[string]types.MessageAttributeValue{"n": strAttr("Number", "3")}) {
		t.Fatalf("entry three %v", ok[1].names())
	}
	fail := res.at(t, "BatchResultErrorEntry")
	if got := fail.names(); !slices.Equal(got, []string{"Id", "SenderFault", "Code", "Message"}) {
		t.Fatalf("BatchResultErrorEntry children %v", got)
	}
	if fail.text(t, "Id") != "two" || fail.text(t, "SenderFault") != "true" || fail.text(t, "Code") != "InvalidParameterValue" {
		t.Fatalf("error entry %s %s %s", fail.text(t, "Id"), fail.text(t, "SenderFault"), fail.text(t, "Code"))
	}
	queryErr(t, srv, "/", form("Action", "SendMessageBatch", "QueueUrl", qurl), 400, "AWS.SimpleQueueService.EmptyBatchRequest")
	queryErr(t, srv, "/", form("Action", "SendMessageBatch", "QueueUrl", qurl,
		"SendMessageBatchRequestEntry.1.Id", "same", "SendMessageBatchRequestEntry.1.MessageBody", "b1",
		"SendMessageBatchRequestEntry.2.Id", "same", "SendMessageBatchRequestEntry.2.MessageBody", "b2"), 400, "AWS.SimpleQueueService.BatchEntryIdsNotDistinct")

	res = queryOK(t, srv, "/", form("Action", "ReceiveMessage", "QueueUrl", qurl, "MaxNumberOfMessages", "10"))
	got := res.all("Message")
	if len(got) != 3 {
		t.Fatalf("received %d messages, want 3", len(got))
	}
	res = queryOK(t, srv, "/", form("Action", "ChangeMessageVisibilityBatch", "QueueUrl", qurl,
		"ChangeMessageVisibilityBatchRequestEntry.1.Id", "c1", "ChangeMessageVisibilityBatchRequestEntry.1.ReceiptHandle", got[0].text(t, "ReceiptHandle"),
		"ChangeMessageVisibilityBatchRequestEntry.1.VisibilityTimeout", "100",
		"ChangeMessageVisibilityBatchRequestEntry.2.Id", "c2", "ChangeMessageVisibilityBatchRequestEntry.2.ReceiptHandle", "junk",
		"ChangeMessageVisibilityBatchRequestEntry.2.VisibilityTimeout", "100"))
	if names := res.names(); !slices.Equal(names, []string{"ChangeMessageVisibilityBatchResultEntry", "BatchResultErrorEntry"}) ||
		res.text(t, "ChangeMessageVisibilityBatchResultEntry", "Id") != "c1" || res.text(t, "BatchResultErrorEntry", "Code") != "ReceiptHandleIsInvalid" {
		t.Fatalf("ChangeMessageVisibilityBatchResult children %v", names)
	}
	params := form("Action", "DeleteMessageBatch", "QueueUrl", qurl)
	for i, m := range got {
		n := string(rune('1' + i))
		params.Set("DeleteMessageBatchRequestEntry."+n+".Id", "d"+n)
		params.Set("DeleteMessageBatchRequestEntry."+n+".ReceiptHandle", m.text(t, "ReceiptHandle"))
	}
	res = queryOK(t, srv, "/", params)
	if names := res.names(); !slices.Equal(names, []string{"DeleteMessageBatchResultEntry", "DeleteMessageBatchResultEntry", "DeleteMessageBatchResultEntry"}) ||
		!slices.Equal(res.Nodes[0].names(), []string{"Id"}) {
		t.Fatalf("DeleteMessageBatchResult children %v", names)
	}

	// An explicit DelaySeconds=0 overrides the queue's delay.
	delayed := queryOK(t, srv, "/", form("Action", "CreateQueue", "QueueName", "slow", "Attribute.1.Name", "DelaySeconds", "Attribute.1.Value", "900")).text(t, "QueueUrl")
	queryOK(t, srv, "/", form("Action", "SendMessage", "QueueUrl", delayed, "MessageBody", "now", "DelaySeconds", "0"))
	queryOK(t, srv, "/", form("Action", "SendMessage", "QueueUrl", delayed, "MessageBody", "later"))
	if res := queryOK(t, srv, "/", form("Action", "ReceiveMessage", "QueueUrl", delayed, "MaxNumberOfMessages", "10")); len(res.all("Message")) != 1 || res.text(t, "Message", "Body") != "now" {
		t.Fatalf("from a delay queue received %v", res.names())
	}

	// An empty receive is an empty result element.
	res = queryOK(t, srv, "/", form("Action", "ReceiveMessage", "QueueUrl", qurl))
	if len(res.Nodes) != 0 {
		t.Fatalf("empty receive has %v", res.names())
	}
	queryOK(t, srv, "/", form("Action", "DeleteMessage", "QueueUrl", qurl, "ReceiptHandle", handle))
}

func TestQueryProtocolFIFO(t *testing.T) {
	t.Parallel()
	srv := startFerry(t)
	qurl := queryOK(t, srv, "/", form("Action", "CreateQueue", "QueueName", "q.fifo",
		"Attribute.1.Name", "FifoQueue", "Attribute.1.Value", "true",
		"Attribute.2.Name", "ContentBasedDeduplication", "Attribute.2.Value", "true")).text(t, "QueueUrl")
	res := queryOK(t, srv, "/", form("Action", "SendMessage", "QueueUrl", qurl, "MessageBody", "f", "MessageGroupId", "g"))
	if got := res.names(); !slices.Equal(got, []string{"MD5OfMessageBody", "MessageId", "SequenceNumber"}) {
		t.Fatalf("FIFO SendMessageResult children %v", got)
	}
	res = queryOK(t, srv, "/", form("Action", "SendMessageBatch", "QueueUrl", qurl,
		"SendMessageBatchRequestEntry.1.Id", "one", "SendMessageBatchRequestEntry.1.MessageBody", "b1", "SendMessageBatchRequestEntry.1.MessageGroupId", "g"))
	if res.text(t, "SendMessageBatchResultEntry", "SequenceNumber") == "" {
		t.Fatalf("FIFO batch entry %v", res.at(t, "SendMessageBatchResultEntry").names())
	}
	res = queryOK(t, srv, "/", form("Action", "ReceiveMessage", "QueueUrl", qurl, "AttributeName.1", "MessageGroupId", "AttributeName.2", "SequenceNumber"))
	if attrs := res.at(t, "Message").pairs(t, "Attribute", "Name"); attrs["MessageGroupId"] != "g" || len(attrs["SequenceNumber"]) != 20 || len(attrs) != 2 {
		t.Fatalf("FIFO attributes %v", attrs)
	}
	queryErr(t, srv, "/", form("Action", "SendMessage", "QueueUrl", qurl, "MessageBody", "f"), 400, "MissingParameter")
}

// Query clients may send to the queue's URL and leave out QueueUrl.
func TestQueryProtocolQueuePath(t *testing.T) {
	t.Parallel()
	srv := startFerry(t)
	queryOK(t, srv, "/", form("Action", "CreateQueue", "QueueName", "by-path"))
	path := "/" + defaultAccount + "/by-path"
	res := queryOK(t, srv, path, form("Action", "SendMessage", "MessageBody", "addressed by path"))
	if res.text(t, "MD5OfMessageBody") != md5Hex("addressed by path") {
		t.Fatal("wrong digest")
	}
	res = queryOK(t, srv, path, form("Action", "GetQueueAttributes", "AttributeName.1", "ApproximateNumberOfMessages"))
	if got := res.pairs(t, "Attribute", "Name")["ApproximateNumberOfMessages"]; got != "1" {
		t.Fatalf("ApproximateNumberOfMessages %s", got)
	}
	res = queryOK(t, srv, path, form("Action", "ReceiveMessage"))
	if res.text(t, "Message", "Body") != "addressed by path" {
		t.Fatalf("received %v", res.names())
	}
	queryErr(t, srv, "/"+defaultAccount+"/no-such-queue", form("Action", "SendMessage", "MessageBody", "x"), 400, "AWS.SimpleQueueService.NonExistentQueue")
	queryErr(t, srv, "/", form("Action", "SendMessage", "MessageBody", "x"), 400, "MissingParameter")

	// GET with the parameters in the URL, as some clients send read-only calls.
	r := signedRequest(t, srv, http.MethodGet, "/?"+form("Action", "ListQueues", "Version", "2012-11-05").Encode(), nil, nil)
	if r.status != http.StatusOK || !bytes.Contains(r.body, []byte("<QueueUrl>"+srv.URL()+path+"</QueueUrl>")) {
		t.Fatalf("GET ListQueues: %d\n%s", r.status, r.body)
	}
}

func TestQueryProtocolRedrive(t *testing.T) {
	t.Parallel()
	srv := startFerry(t)
	dlq := queryOK(t, srv, "/", form("Action", "CreateQueue", "QueueName", "dlq")).text(t, "QueueUrl")
	dlqArn := "arn:aws:sqs:us-east-1:" + defaultAccount + ":dlq"
	src := queryOK(t, srv, "/", form("Action", "CreateQueue", "QueueName", "src",
		"Attribute.1.Name", "RedrivePolicy", "Attribute.1.Value", redrivePolicy(dlqArn, 1),
		"Attribute.2.Name", "VisibilityTimeout", "Attribute.2.Value", "0")).text(t, "QueueUrl")

	res := queryOK(t, srv, "/", form("Action", "ListDeadLetterSourceQueues", "QueueUrl", dlq))
	if got := res.names(); !slices.Equal(got, []string{"QueueUrl"}) || res.text(t, "QueueUrl") != src {
		t.Fatalf("ListDeadLetterSourceQueuesResult children %v", got)
	}
	queryOK(t, srv, "/", form("Action", "SendMessage", "QueueUrl", src, "MessageBody", "poison"))
	for i := 0; i < 3; i++ {
		queryOK(t, srv, "/", form("Action", "ReceiveMessage", "QueueUrl", src))
	}
	res = queryOK(t, srv, "/", form("Action", "ReceiveMessage", "QueueUrl", dlq, "AttributeName.1", "DeadLetterQueueSourceArn", "VisibilityTimeout", "0"))
	if got := res.at(t, "Message").pairs(t, "Attribute", "Name")["DeadLetterQueueSourceArn"]; got != "arn:aws:sqs:us-east-1:"+defaultAccount+":src" {
		t.Fatalf("DeadLetterQueueSourceArn %q", got)
	}

	res = queryOK(t, srv, "/", form("Action", "StartMessageMoveTask", "SourceArn", dlqArn, "MaxNumberOfMessagesPerSecond", "1"))
	if got := res.names(); !slices.Equal(got, []string{"TaskHandle"}) {
		t.Fatalf("StartMessageMoveTaskResult children %v", got)
	}
	handle := res.text(t, "TaskHandle")
	res = queryOK(t, srv, "/", form("Action", "ListMessageMoveTasks", "SourceArn", dlqArn))
	entry := res.at(t, "ListMessageMoveTasksResultEntry")
	if len(res.Nodes) != 1 || entry.text(t, "SourceArn") != dlqArn || entry.text(t, "Status") == "" || entry.text(t, "StartedTimestamp") == "" {
		t.Fatalf("ListMessageMoveTasksResult %v / %v", res.names(), entry.names())
	}
	// The task may have finished already; either answer has AWS's shape.
	r, root := query(t, srv, "/", form("Action", "CancelMessageMoveTask", "TaskHandle", handle))
	switch r.status {
	case http.StatusOK:
		if got := root.at(t, "CancelMessageMoveTaskResult").names(); !slices.Equal(got, []string{"ApproximateNumberOfMessagesMoved"}) {
			t.Fatalf("CancelMessageMoveTaskResult children %v", got)
		}
	case http.StatusBadRequest:
		if root.text(t, "Error", "Code") != "AWS.SimpleQueueService.UnsupportedOperation" {
			t.Fatalf("cancel: %s", r.body)
		}
	default:
		t.Fatalf("cancel: %d %s", r.status, r.body)
	}
	queryErr(t, srv, "/", form("Action", "CancelMessageMoveTask", "TaskHandle", "nope"), 404, "ResourceNotFoundException")
}

// jsonCall sends a signed AWS JSON 1.0 request with this X-Amz-Target.
func jsonCall(t *testing.T, srv *emulator.Server, target, body string) (wireResponse, map[string]any) {
	t.Helper()
	h := http.Header{"Content-Type": {"application/x-amz-json-1.0"}, "X-Amz-Target": {target}}
	r := signedRequest(t, srv, http.MethodPost, "/", h, []byte(body))
	var doc map[string]any
	if err := json.Unmarshal(r.body, &doc); err != nil {
		t.Fatalf("%s: status %d, body is not JSON: %q", target, r.status, r.body)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/x-amz-json-1.0" {
		t.Fatalf("%s: Content-Type %q", target, ct)
	}
	if r.header.Get("x-amzn-RequestId") == "" {
		t.Fatalf("%s: no x-amzn-RequestId", target)
	}
	return r, doc
}

func TestJSONProtocolErrors(t *testing.T) {
	t.Parallel()
	srv := startFerry(t)

	r, doc := jsonCall(t, srv, "AmazonSQS.GetQueueUrl", `{"QueueName":"missing"}`)
	if r.status != 400 || doc["__type"] != "com.amazonaws.sqs#QueueDoesNotExist" || doc["message"] == "" {
		t.Fatalf("QueueDoesNotExist: %d %v", r.status, doc)
	}
	if got := r.header.Get("x-amzn-query-error"); got != "AWS.SimpleQueueService.NonExistentQueue;Sender" {
		t.Fatalf("x-amzn-query-error %q", got)
	}
	r, doc = jsonCall(t, srv, "AmazonSQS.CreateQueue", `{"QueueName":"q","Attributes":{"VisibilityTimeout":"x"}}`)
	if r.status != 400 || doc["__type"] != "com.amazonaws.sqs#InvalidAttributeValue" || r.header.Get("x-amzn-query-error") != "InvalidAttributeValue;Sender" {
		t.Fatalf("InvalidAttributeValue: %d %v %q", r.status, doc, r.header.Get("x-amzn-query-error"))
	}

	r, doc = jsonCall(t, srv, "AmazonSQS.Frobnicate", `{}`)
	if r.status != 400 || !strings.HasSuffix(doc["__type"].(string), "UnknownOperationException") {
		t.Fatalf("unknown target: %d %v", r.status, doc)
	}
	for _, body := range []string{`{not json`, `{"QueueName":`, `[1,2]`, `{"MaxResults":"ten"}`} {
		r, doc = jsonCall(t, srv, "AmazonSQS.ListQueues", body)
		if r.status != 400 || doc["__type"] == nil || doc["message"] == nil {
			t.Fatalf("body %q: %d %v", body, r.status, doc)
		}
	}
	// An empty body is an empty input.
	r, doc = jsonCall(t, srv, "AmazonSQS.ListQueues", ``)
	if r.status != 200 {
		t.Fatalf("empty body: %d %v", r.status, doc)
	}

	// Unsigned: the JSON error of the JSON protocol, not XML.
	req, _ := http.NewRequest(http.MethodPost, srv.URL()+"/", strings.NewReader(`{}`))
	req.Header.Set("Content-Type", "application/x-amz-json-1.0")
	req.Header.Set("X-Amz-Target", "AmazonSQS.ListQueues")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err := json.Unmarshal(b, &doc); resp.StatusCode != 403 || err != nil || !strings.Contains(doc["__type"].(string), "MissingAuthenticationToken") {
		t.Fatalf("unsigned JSON request: %d %s", resp.StatusCode, b)
	}
}

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}
