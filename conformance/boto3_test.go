package conformance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// debianPython is the interpreter Debian's python3-boto3 installs for.
const debianPython = "/usr/bin/python3"

// TestBoto3 runs python/sqs_examples.py, the flows of AWS's "Amazon SQS
// examples using SDK for Python (Boto3)", with every Python on the machine
// that has boto3: Debian's (query protocol) and, when PATH has another with
// a newer boto3, that one too (AWS JSON). FERRY_PYTHON names one interpreter
// to run instead.
func TestBoto3(t *testing.T) {
	t.Parallel()
	candidates := []string{debianPython, "python3"}
	if py := os.Getenv("FERRY_PYTHON"); py != "" {
		candidates = []string{py}
	}
	ran := 0
	for _, py := range distinctExecutables(candidates...) {
		r := runProcess(t, ".", clientEnv(t), py, "-c", "import boto3, botocore; print('boto3-' + boto3.__version__, 'botocore-' + botocore.__version__)")
		if r.err != nil {
			continue // this interpreter has no boto3
		}
		version := strings.TrimSpace(string(r.stdout))
		ran++
		t.Run(subtestName(version), func(t *testing.T) {
			t.Parallel()
			t.Logf("%s: %s", py, version)
			srv := startFerry(t)
			script, err := filepath.Abs(filepath.Join("python", "sqs_examples.py"))
			if err != nil {
				t.Fatal(err)
			}
			r := runProcess(t, t.TempDir(), clientEnv(t, "FERRY_ENDPOINT="+srv.URL(), "PYTHONDONTWRITEBYTECODE=1"), py, script)
			if r.err != nil {
				t.Fatalf("sqs_examples.py: %v\nstderr:\n%s", r.err, r.stderr)
			}
			var out boto3Results
			if err := json.Unmarshal(r.stdout, &out); err != nil {
				t.Fatalf("sqs_examples.py printed no JSON: %v\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
			}
			t.Logf("botocore %s speaks %s", out.Botocore, out.Protocol)
			out.check(t, srv.URL())
		})
	}
	if ran == 0 {
		t.Skip("python3 with boto3 not installed: " + installHint)
	}
}

// pyMessage is a received message as sqs_examples.py prints it.
type pyMessage struct {
	MessageID              string             `json:"messageId"`
	Body                   string             `json:"body"`
	MD5OfBody              string             `json:"md5OfBody"`
	MD5OfMessageAttributes string             `json:"md5OfMessageAttributes"`
	Attributes             map[string]string  `json:"attributes"`
	MessageAttributes      map[string]msgAttr `json:"messageAttributes"`
}

// pyError is a ClientError as sqs_examples.py prints it.
type pyError struct {
	Code              string `json:"code"`
	Message           string `json:"message"`
	Status            int    `json:"status"`
	QueueDoesNotExist bool   `json:"queueDoesNotExist"`
}

type pyWait struct {
	Seconds  float64  `json:"seconds"`
	Messages int      `json:"messages"`
	Bodies   []string `json:"bodies"`
}

type pySend struct {
	MessageID              string `json:"MessageId"`
	MD5OfMessageBody       string `json:"MD5OfMessageBody"`
	MD5OfMessageAttributes string `json:"MD5OfMessageAttributes"`
	SequenceNumber         string `json:"SequenceNumber"`
}

type boto3Results struct {
	Boto3    string `json:"boto3"`
	Botocore string `json:"botocore"`
	Protocol string `json:"protocol"`

	QueueWrapper struct {
		URL            string            `json:"url"`
		FIFOURL        string            `json:"fifoUrl"`
		Attributes     map[string]string `json:"attributes"`
		FIFOAttributes map[string]string `json:"fifoAttributes"`
		ByName         string            `json:"byName"`
		Filtered       []string          `json:"filtered"`
		All            []string          `json:"all"`
		AfterDelete    pyError           `json:"afterDelete"`
	} `json:"queueWrapper"`

	MessageWrapper struct {
		Lines           int   `json:"lines"`
		SendFailed      int   `json:"sendFailed"`
		Reassembled     bool  `json:"reassembled"`
		MismatchedLines []any `json:"mismatchedLines"`
		Duplicates      int   `json:"duplicates"`
		DeleteFailed    int   `json:"deleteFailed"`
		SpecialBodies   struct {
			Sent     []string `json:"sent"`
			Received []struct {
				Sent  bool   `json:"sent"`
				Body  string `json:"body"`
				MD5OK bool   `json:"md5OK"`
			} `json:"received"`
		} `json:"specialBodies"`
		Send            pySend            `json:"send"`
		Received        []pyMessage       `json:"received"`
		AfterDelete     int               `json:"afterDelete"`
		QueueAttributes map[string]string `json:"queueAttributes"`
	} `json:"messageWrapper"`

	LongPolling struct {
		QueueDefaultWait pyWait `json:"queueDefaultWait"`
		EmptyWait        pyWait `json:"emptyWait"`
		WokenBySend      pyWait `json:"wokenBySend"`
	} `json:"longPolling"`

	FIFO struct {
		Batch struct {
			Successful []struct {
				ID             string `json:"Id"`
				MessageID      string `json:"MessageId"`
				SequenceNumber string `json:"SequenceNumber"`
			} `json:"Successful"`
			Failed []any `json:"Failed"`
		} `json:"batch"`
		Duplicate       pySend      `json:"duplicate"`
		ExplicitID      pySend      `json:"explicitId"`
		ExplicitIDAgain pySend      `json:"explicitIdAgain"`
		Received        []pyMessage `json:"received"`
		MissingGroup    pyError     `json:"missingGroup"`
	} `json:"fifo"`

	DeadLetterQueue struct {
		DLQARN           string      `json:"dlqArn"`
		RedrivePolicy    string      `json:"redrivePolicy"`
		Sources          []string    `json:"sources"`
		SourceDeliveries [][]string  `json:"sourceDeliveries"`
		DLQMessages      []pyMessage `json:"dlqMessages"`
	} `json:"deadLetterQueue"`

	Errors struct {
		MissingQueue pyError `json:"missingQueue"`
		WrongSecret  pyError `json:"wrongSecret"`
	} `json:"errors"`
}

func (r *boto3Results) check(t *testing.T, endpoint string) {
	base := endpoint + "/" + account + "/"
	t.Run("QueueWrapper", func(t *testing.T) {
		w := r.QueueWrapper
		if w.URL != base+"sqs-usage-demo-queue-wrapper" || w.FIFOURL != base+"sqs-usage-demo-queue-wrapper.fifo" {
			t.Errorf("create_queue URLs %q, %q", w.URL, w.FIFOURL)
		}
		if w.ByName != w.URL {
			t.Errorf("get_queue_by_name = %q, want %q", w.ByName, w.URL)
		}
		if want := []string{w.URL, w.FIFOURL}; !slices.Equal(w.Filtered, want) {
			t.Errorf("queues.filter(QueueNamePrefix) = %q, want %q", w.Filtered, want)
		}
		if !slices.Contains(w.All, w.URL) || !slices.Contains(w.All, w.FIFOURL) {
			t.Errorf("queues.all() = %q, want both queues", w.All)
		}
		for k, v := range map[string]string{
			"MaximumMessageSize":            "4096",
			"ReceiveMessageWaitTimeSeconds": "10",
			"QueueArn":                      "arn:aws:sqs:us-east-1:" + account + ":sqs-usage-demo-queue-wrapper",
		} {
			if w.Attributes[k] != v {
				t.Errorf("queue.attributes[%s] = %q, want %q", k, w.Attributes[k], v)
			}
		}
		if w.FIFOAttributes["FifoQueue"] != "true" {
			t.Errorf("FIFO queue.attributes = %v, want FifoQueue true", w.FIFOAttributes)
		}
		checkNonExistent(t, "get_queue_by_name after delete", w.AfterDelete)
	})

	t.Run("MessageWrapper", func(t *testing.T) {
		w := r.MessageWrapper
		if w.Lines < 100 || !w.Reassembled || w.SendFailed != 0 || w.DeleteFailed != 0 || w.Duplicates != 0 {
			t.Errorf("usage demo: %d lines, reassembled %v (first mismatches %v), %d send and %d delete failures, %d duplicates",
				w.Lines, w.Reassembled, w.MismatchedLines, w.SendFailed, w.DeleteFailed, w.Duplicates)
		}
		got := map[string]bool{}
		for _, m := range w.SpecialBodies.Received {
			got[m.Body] = true
			if !m.Sent || !m.MD5OK {
				t.Errorf("body %q: received as sent %v, MD5 matches %v", m.Body, m.Sent, m.MD5OK)
			}
		}
		for _, b := range w.SpecialBodies.Sent {
			if !got[b] {
				t.Errorf("body %q not received as sent", b)
			}
		}

		sent := map[string]msgAttr{
			"City":       {DataType: "String", StringValue: "Any City"},
			"Population": {DataType: "Number", StringValue: "1250800"},
			"Picture":    {DataType: "Binary", BinaryValue: []byte{0, 1, 2, 0xff}},
			"Tag":        {DataType: "String.custom", StringValue: "custom type"},
		}
		if w.Send.MD5OfMessageBody != md5Hex("hello from boto3") || w.Send.MD5OfMessageAttributes != md5OfAttributes(sent) {
			t.Errorf("send_message: MD5s %s, %s; want %s, %s", w.Send.MD5OfMessageBody, w.Send.MD5OfMessageAttributes,
				md5Hex("hello from boto3"), md5OfAttributes(sent))
		}
		if len(w.Received) != 1 {
			t.Fatalf("receive_messages: %d messages, want 1", len(w.Received))
		}
		m := w.Received[0]
		if m.Body != "hello from boto3" || m.MessageID != w.Send.MessageID || m.MD5OfBody != md5Hex(m.Body) {
			t.Errorf("received %+v, want the sent message", m)
		}
		if m.MD5OfMessageAttributes != md5OfAttributes(sent) {
			t.Errorf("received MD5OfMessageAttributes %s, want %s", m.MD5OfMessageAttributes, md5OfAttributes(sent))
		}
		for name, a := range sent {
			g := m.MessageAttributes[name]
			if g.DataType != a.DataType || g.StringValue != a.StringValue || string(g.BinaryValue) != string(a.BinaryValue) {
				t.Errorf("message attribute %s = %+v, want %+v", name, g, a)
			}
		}
		if m.Attributes["SenderId"] != account || m.Attributes["ApproximateReceiveCount"] != "1" {
			t.Errorf("system attributes %v: want SenderId %s and ApproximateReceiveCount 1", m.Attributes, account)
		}
		checkRecent(t, "SentTimestamp", m.Attributes["SentTimestamp"], time.Millisecond)
		if w.AfterDelete != 0 {
			t.Errorf("receive after message.delete(): %d messages", w.AfterDelete)
		}
		if n := w.QueueAttributes["ApproximateNumberOfMessages"]; n != "0" {
			t.Errorf("ApproximateNumberOfMessages at the end = %q", n)
		}
	})

	t.Run("LongPolling", func(t *testing.T) {
		l := r.LongPolling
		// The queue's ReceiveMessageWaitTimeSeconds (1) applies when the call
		// names no wait; an empty long poll lasts its whole wait.
		if l.QueueDefaultWait.Messages != 0 || l.QueueDefaultWait.Seconds < 0.9 || l.QueueDefaultWait.Seconds > 5 {
			t.Errorf("receive on a queue with ReceiveMessageWaitTimeSeconds 1: %+v, want no message after about 1 s", l.QueueDefaultWait)
		}
		if l.EmptyWait.Messages != 0 || l.EmptyWait.Seconds < 1.9 || l.EmptyWait.Seconds > 6 {
			t.Errorf("receive WaitTimeSeconds=2 on an empty queue: %+v, want no message after about 2 s", l.EmptyWait)
		}
		// A send ends a waiting receive at once, not at the end of its wait.
		if !slices.Equal(l.WokenBySend.Bodies, []string{"wake up"}) || l.WokenBySend.Seconds > 5 {
			t.Errorf("receive WaitTimeSeconds=10 with a send after 0.5 s: %+v, want the message well before 10 s", l.WokenBySend)
		}
	})

	t.Run("FIFO", func(t *testing.T) {
		f := r.FIFO
		if len(f.Batch.Successful) != 5 || len(f.Batch.Failed) != 0 {
			t.Fatalf("send_messages: %d successful, failed %v", len(f.Batch.Successful), f.Batch.Failed)
		}
		first := f.Batch.Successful[0]
		if f.Duplicate.MessageID != first.MessageID || f.Duplicate.SequenceNumber != first.SequenceNumber {
			t.Errorf("duplicate of step 1: %+v, want MessageId %s and SequenceNumber %s", f.Duplicate, first.MessageID, first.SequenceNumber)
		}
		if f.ExplicitIDAgain.MessageID != f.ExplicitID.MessageID {
			t.Errorf("same MessageDeduplicationId, other body: MessageId %s, want the first's %s", f.ExplicitIDAgain.MessageID, f.ExplicitID.MessageID)
		}
		var workflow []string
		var seqs []string
		for _, m := range f.Received {
			if m.Attributes["MessageGroupId"] == "workflow" {
				workflow = append(workflow, m.Body)
				seqs = append(seqs, m.Attributes["SequenceNumber"])
			}
		}
		if want := []string{"step 1", "step 2", "step 3", "step 4", "step 5"}; !slices.Equal(workflow, want) {
			t.Errorf("group workflow received %q, want %q", workflow, want)
		}
		for i := 1; i < len(seqs); i++ {
			if !seqLess(seqs[i-1], seqs[i]) {
				t.Errorf("SequenceNumbers %q: want increasing", seqs)
			}
		}
		if len(f.Received) != 6 {
			t.Errorf("received %d messages, want 6 (5 in workflow, 1 in side)", len(f.Received))
		}
		for _, m := range f.Received {
			if m.Body == "step 1" && m.Attributes["MessageDeduplicationId"] != sha256Hex("step 1") {
				t.Errorf("content-based MessageDeduplicationId = %q, want %s", m.Attributes["MessageDeduplicationId"], sha256Hex("step 1"))
			}
			if m.Attributes["MessageGroupId"] == "side" && (m.Body != "other" || m.Attributes["MessageDeduplicationId"] != "other-1") {
				t.Errorf("group side received %q with MessageDeduplicationId %q, want other / other-1", m.Body, m.Attributes["MessageDeduplicationId"])
			}
		}
		if f.MissingGroup.Code != "MissingParameter" || f.MissingGroup.Status != 400 {
			t.Errorf("send_message without MessageGroupId: %+v, want MissingParameter (400)", f.MissingGroup)
		}
	})

	t.Run("DeadLetterQueue", func(t *testing.T) {
		d := r.DeadLetterQueue
		if d.DLQARN != "arn:aws:sqs:us-east-1:"+account+":sqs-usage-demo-dlq" {
			t.Errorf("DLQ QueueArn = %q", d.DLQARN)
		}
		t.Run("GetRedrivePolicy", func(t *testing.T) {
			checkRedrivePolicy(t, d.RedrivePolicy, d.DLQARN, 2)
		})
		if want := []string{endpoint + "/" + account + "/sqs-usage-demo-source"}; !slices.Equal(d.Sources, want) {
			t.Errorf("dead_letter_source_queues = %q, want %q", d.Sources, want)
		}
		// maxReceiveCount 2: delivered twice, and the third receive moves it.
		if want := [][]string{{"1"}, {"2"}, {}}; !slices.EqualFunc(d.SourceDeliveries, want, slices.Equal) {
			t.Errorf("receive counts of three receives from the source: %q, want %q", d.SourceDeliveries, want)
		}
		if len(d.DLQMessages) != 1 || d.DLQMessages[0].Body != "poison pill" {
			t.Fatalf("DLQ holds %+v, want the poison pill", d.DLQMessages)
		}
		if src := d.DLQMessages[0].Attributes["DeadLetterQueueSourceArn"]; src != "arn:aws:sqs:us-east-1:"+account+":sqs-usage-demo-source" {
			t.Errorf("DeadLetterQueueSourceArn = %q", src)
		}
	})

	t.Run("Errors", func(t *testing.T) {
		checkNonExistent(t, "get_queue_by_name of a missing queue", r.Errors.MissingQueue)
		if e := r.Errors.WrongSecret; e.Code != "SignatureDoesNotMatch" || e.Status != 403 {
			t.Errorf("wrong secret: %+v, want SignatureDoesNotMatch (403)", e)
		}
	})
}

// checkNonExistent checks that boto3 raised its QueueDoesNotExist for an
// error with the query protocol's code, whichever protocol carried it (with
// AWS JSON, ferry's x-amzn-query-error header gives botocore that code).
func checkNonExistent(t *testing.T, what string, e pyError) {
	t.Helper()
	if e.Code != "AWS.SimpleQueueService.NonExistentQueue" || !e.QueueDoesNotExist || e.Status != 400 {
		t.Errorf("%s: %+v, want AWS.SimpleQueueService.NonExistentQueue (400) raised as QueueDoesNotExist", what, e)
	}
}
