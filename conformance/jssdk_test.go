package conformance

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestJavaScriptSDK runs js/sqs_flow.mjs, the core SQS flow of the AWS SDK
// for JavaScript v3 (which speaks AWS JSON 1.0 to SQS), against ferry.
func TestJavaScriptSDK(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed: " + installHint)
	}
	dir, err := filepath.Abs("js")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@aws-sdk", "client-sqs", "package.json")); err != nil {
		t.Skip("@aws-sdk/client-sqs not installed in conformance/js: " + installHint)
	}
	srv := startFerry(t)
	// The SDK warns on stderr about Node versions it will drop; that is
	// not ferry's business, so stderr is shown only on failure.
	r := runProcess(t, dir, clientEnv(t, "FERRY_ENDPOINT="+srv.URL()), node, "sqs_flow.mjs")
	if r.err != nil {
		t.Fatalf("sqs_flow.mjs: %v\nstderr:\n%s", r.err, r.stderr)
	}
	var out jsResults
	if err := json.Unmarshal(r.stdout, &out); err != nil {
		t.Fatalf("sqs_flow.mjs printed no JSON: %v\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
	}
	t.Logf("@aws-sdk/client-sqs %s on node %s", out.SDK, out.Node)
	out.check(t, srv.URL())
}

// jsMessage is a received message as the SDK returns it (binary as base64).
type jsMessage struct {
	MessageId              string
	ReceiptHandle          string
	MD5OfBody              string
	Body                   string
	MD5OfMessageAttributes string
	Attributes             map[string]string
	MessageAttributes      map[string]msgAttr
}

// jsError is an SDK exception as sqs_flow.mjs describes it.
type jsError struct {
	Name                string `json:"name"`
	Code                string `json:"code"` // from x-amzn-query-error, for query compatibility
	Type                string `json:"type"`
	Fault               string `json:"fault"`
	Status              int    `json:"status"`
	Message             string `json:"message"`
	IsQueueDoesNotExist bool   `json:"isQueueDoesNotExist"`
}

type jsBatch struct {
	Successful []struct {
		Id, MessageId, MD5OfMessageBody, MD5OfMessageAttributes, SequenceNumber string
	}
	Failed []struct {
		Id, Code, Message string
		SenderFault       bool
	}
}

type jsResults struct {
	SDK  string `json:"sdk"`
	Node string `json:"node"`

	Standard struct {
		QueueURL    string   `json:"queueUrl"`
		GetQueueURL string   `json:"getQueueUrl"`
		ListQueues  []string `json:"listQueues"`
		Send        struct {
			MessageId, MD5OfMessageBody, MD5OfMessageAttributes string
		} `json:"send"`
		SendBatch   jsBatch           `json:"sendBatch"`
		Received    []jsMessage       `json:"received"`
		Again       []jsMessage       `json:"again"`
		DeleteBatch jsBatch           `json:"deleteBatch"`
		BadHandle   jsBatch           `json:"badHandle"`
		Attributes  map[string]string `json:"attributes"`
		AfterDelete jsError           `json:"afterDelete"`
	} `json:"standard"`

	FIFO struct {
		QueueURL  string  `json:"queueUrl"`
		Batch     jsBatch `json:"batch"`
		Duplicate struct {
			MessageId, SequenceNumber string
		} `json:"duplicate"`
		Received     []jsMessage `json:"received"`
		MissingGroup jsError     `json:"missingGroup"`
	} `json:"fifo"`

	Errors struct {
		MissingQueue jsError `json:"missingQueue"`
		WrongSecret  jsError `json:"wrongSecret"`
	} `json:"errors"`
}

func (r *jsResults) check(t *testing.T, endpoint string) {
	base := endpoint + "/" + account + "/"
	t.Run("Standard", func(t *testing.T) {
		s := r.Standard
		if s.QueueURL != base+"js-orders" || s.GetQueueURL != s.QueueURL {
			t.Errorf("CreateQueue %q, GetQueueUrl %q; want %q", s.QueueURL, s.GetQueueURL, base+"js-orders")
		}
		if !slices.Equal(s.ListQueues, []string{s.QueueURL}) {
			t.Errorf("ListQueues js- = %q", s.ListQueues)
		}
		sent := map[string]msgAttr{
			"Title":   {DataType: "String", StringValue: "The Whistler"},
			"Author":  {DataType: "String", StringValue: "John Grisham"},
			"WeeksOn": {DataType: "Number", StringValue: "6"},
			"Cover":   {DataType: "Binary", BinaryValue: []byte{0, 1, 2, 255}},
		}
		if s.Send.MessageId == "" || s.Send.MD5OfMessageAttributes != md5OfAttributes(sent) {
			t.Errorf("SendMessage: %+v, want MD5OfMessageAttributes %s", s.Send, md5OfAttributes(sent))
		}
		if len(s.SendBatch.Successful) != 2 || len(s.SendBatch.Failed) != 0 {
			t.Errorf("SendMessageBatch: %+v", s.SendBatch)
		}
		if len(s.Received) != 3 {
			t.Fatalf("received %d messages, want 3", len(s.Received))
		}
		byBody := map[string]jsMessage{}
		for _, m := range s.Received {
			byBody[m.Body] = m
			if m.MD5OfBody != md5Hex(m.Body) {
				t.Errorf("message %q: MD5OfBody %s", m.Body, m.MD5OfBody)
			}
			if m.Attributes["ApproximateReceiveCount"] != "1" || m.Attributes["SenderId"] != account {
				t.Errorf("message %q: attributes %v", m.Body, m.Attributes)
			}
			checkRecent(t, "SentTimestamp", m.Attributes["SentTimestamp"], time.Millisecond)
		}
		city, ok := byBody["Information about the largest city in Any Region."]
		if !ok || city.MessageId != s.Send.MessageId {
			t.Fatalf("received %v, want the sent message %s", keys(byBody), s.Send.MessageId)
		}
		for name, a := range sent {
			g := city.MessageAttributes[name]
			if g.DataType != a.DataType || g.StringValue != a.StringValue || string(g.BinaryValue) != string(a.BinaryValue) {
				t.Errorf("message attribute %s = %+v, want %+v", name, g, a)
			}
		}
		if city.MD5OfMessageAttributes != md5OfAttributes(sent) {
			t.Errorf("received MD5OfMessageAttributes %s, want %s", city.MD5OfMessageAttributes, md5OfAttributes(sent))
		}
		if _, ok := byBody["batch two \u00e9\U0001F6A2"]; !ok {
			t.Errorf("non-ASCII body not received as sent: %q", keys(byBody))
		}
		if len(s.Again) != 1 || s.Again[0].Body != "batch one" || s.Again[0].Attributes["ApproximateReceiveCount"] != "2" {
			t.Errorf("receive after ChangeMessageVisibility 0: %+v, want batch one, received twice", s.Again)
		}
		if len(s.DeleteBatch.Successful) != 2 || len(s.DeleteBatch.Failed) != 0 {
			t.Errorf("DeleteMessageBatch: %+v", s.DeleteBatch)
		}
		if f := s.BadHandle.Failed; len(f) != 1 || f[0].Code != "ReceiptHandleIsInvalid" || !f[0].SenderFault {
			t.Errorf("DeleteMessageBatch with a bad handle: %+v, want one ReceiptHandleIsInvalid sender fault", s.BadHandle)
		}
		for k, v := range map[string]string{
			"QueueArn":                              "arn:aws:sqs:us-east-1:" + account + ":js-orders",
			"VisibilityTimeout":                     "60",
			"ApproximateNumberOfMessages":           "0",
			"ApproximateNumberOfMessagesNotVisible": "0",
		} {
			if s.Attributes[k] != v {
				t.Errorf("GetQueueAttributes All: %s = %q, want %q", k, s.Attributes[k], v)
			}
		}
		checkQueueDoesNotExist(t, "ReceiveMessage on a deleted queue", s.AfterDelete)
	})

	t.Run("FIFO", func(t *testing.T) {
		f := r.FIFO
		if f.QueueURL != base+"js-events.fifo" {
			t.Errorf("CreateQueue FIFO: %q", f.QueueURL)
		}
		if len(f.Batch.Successful) != 3 || len(f.Batch.Failed) != 0 {
			t.Fatalf("SendMessageBatch FIFO: %+v", f.Batch)
		}
		if f.Duplicate.MessageId != f.Batch.Successful[0].MessageId {
			t.Errorf("duplicate send: MessageId %s, want the original's %s", f.Duplicate.MessageId, f.Batch.Successful[0].MessageId)
		}
		var bodies []string
		for _, m := range f.Received {
			bodies = append(bodies, m.Body)
			if m.Attributes["MessageGroupId"] != "stream" || m.Attributes["MessageDeduplicationId"] != sha256Hex(m.Body) {
				t.Errorf("message %q: attributes %v", m.Body, m.Attributes)
			}
		}
		if want := []string{"event 1", "event 2", "event 3"}; !slices.Equal(bodies, want) {
			t.Errorf("FIFO received %q, want %q", bodies, want)
		}
		if e := f.MissingGroup; e.Name != "MissingParameter" || e.Status != 400 || e.Fault != "client" {
			t.Errorf("SendMessage without MessageGroupId: %+v, want MissingParameter (400)", e)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		checkQueueDoesNotExist(t, "GetQueueUrl of a missing queue", r.Errors.MissingQueue)
		if e := r.Errors.WrongSecret; e.Name != "SignatureDoesNotMatch" || e.Status != 403 {
			t.Errorf("wrong secret: %+v, want SignatureDoesNotMatch (403)", e)
		}
	})
}

// checkQueueDoesNotExist checks the SDK's typed error, and the query error
// code it carries for code written against the query protocol.
func checkQueueDoesNotExist(t *testing.T, what string, e jsError) {
	t.Helper()
	if e.Name != "QueueDoesNotExist" || !e.IsQueueDoesNotExist || e.Status != 400 || e.Fault != "client" {
		t.Errorf("%s: %+v, want QueueDoesNotExist (400, client fault)", what, e)
	}
	if e.Code != "AWS.SimpleQueueService.NonExistentQueue" || !strings.EqualFold(e.Type, "Sender") {
		t.Errorf("%s: err.Code %q, err.Type %q; want AWS.SimpleQueueService.NonExistentQueue, Sender (x-amzn-query-error)", what, e.Code, e.Type)
	}
}
