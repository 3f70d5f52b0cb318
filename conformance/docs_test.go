package conformance

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/ferry-emulator/ferry/emulator"
)

// The trainers' walkthroughs that TestDocsWalkthrough,
// TestDocsEncryptedFanOut and TestDocsIoTCrossAccount keep runnable.
const (
	walkthroughDoc     = "../docs/walkthrough-cross-account-sns-sqs.md"
	encryptedFanOutDoc = "../docs/walkthrough-encrypted-fan-out.md"
	iotCrossAccountDoc = "../docs/walkthrough-iot-cross-account-sqs.md"
)

// walkthroughStep is one marked shell block of a walkthrough. A block is
// marked by the line before its ```sh fence:
//
//	<!-- run: NAME -->        every command must succeed (bash -e)
//	<!-- run: NAME fails -->  commands may fail; the test reads what they print
type walkthroughStep struct {
	name  string
	fails bool
	body  string
}

var stepMarker = regexp.MustCompile(`^<!-- run: ([a-z0-9-]+)( fails)? -->$`)

// walkthroughSteps extracts the marked blocks of a Markdown walkthrough, in
// order. A marker not followed by a ```sh block, or a name used twice, is
// an error, so that an edit cannot silently drop a step.
func walkthroughSteps(doc []byte) ([]walkthroughStep, error) {
	var steps []walkthroughStep
	seen := map[string]bool{}
	lines := strings.Split(string(doc), "\n")
	for i := 0; i < len(lines); i++ {
		m := stepMarker.FindStringSubmatch(lines[i])
		if m == nil {
			continue
		}
		if seen[m[1]] {
			return nil, fmt.Errorf("line %d: step %q marked twice", i+1, m[1])
		}
		seen[m[1]] = true
		if i+1 >= len(lines) || lines[i+1] != "```sh" {
			return nil, fmt.Errorf("line %d: step %q is not followed by a ```sh block", i+1, m[1])
		}
		var body []string
		j := i + 2
		for ; j < len(lines) && lines[j] != "```"; j++ {
			body = append(body, lines[j])
		}
		if j == len(lines) {
			return nil, fmt.Errorf("line %d: step %q: unterminated block", i+1, m[1])
		}
		steps = append(steps, walkthroughStep{name: m[1], fails: m[2] != "", body: strings.Join(body, "\n")})
		i = j
	}
	return steps, nil
}

// walkthroughScript is one bash script of the steps, run in one shell as a
// reader would run them. Before each step it asks flushURL to wait for
// ferry's IoT rules and SNS deliveries, so that "nothing arrived" is a fact
// and not a race; around each step it prints markers that splitSteps finds.
func walkthroughScript(steps []walkthroughStep, flushURL string) string {
	var b strings.Builder
	b.WriteString("exec 2>&1\nset -o pipefail\n")
	for _, s := range steps {
		fmt.Fprintf(&b, "curl -fsS %q >/dev/null || { echo 'flush failed'; exit 97; }\n", flushURL)
		fmt.Fprintf(&b, "printf '\\n@@@ %s begin\\n'\n", s.name)
		if s.fails {
			b.WriteString("set +e\n")
		} else {
			b.WriteString("set -e\n")
		}
		b.WriteString(s.body + "\nset +e\n")
		fmt.Fprintf(&b, "printf '\\n@@@ %s end\\n'\n", s.name)
	}
	return b.String()
}

// splitSteps maps each step that began to what it printed, and says which
// steps ran to their end.
func splitSteps(out []byte) (printed map[string]string, ended map[string]bool) {
	printed, ended = map[string]string{}, map[string]bool{}
	var cur string
	var buf strings.Builder
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "@@@ "); ok {
			name, what, _ := strings.Cut(rest, " ")
			switch what {
			case "begin":
				cur = name
				buf.Reset()
				continue
			case "end":
				printed[name] = strings.TrimSpace(buf.String())
				ended[name] = true
				cur = ""
				continue
			}
		}
		if cur != "" {
			buf.WriteString(line + "\n")
			printed[cur] = strings.TrimSpace(buf.String())
		}
	}
	return printed, ended
}

// walkthroughCheck is what one step of a walkthrough must have printed.
type walkthroughCheck struct {
	step, what string
	ok         func(out string) bool
}

// runWalkthrough runs the marked steps of the walkthrough doc, in one bash
// shell, with the AWS CLI against a ferry started for it, and returns what
// each step printed and the ferry. The shell finds ferry's URL in FERRY and
// its MQTT listener in FERRY_MQTT_HOST and FERRY_MQTT_PORT. It skips the
// test when the CLI, a tool every walkthrough uses or one of tools is
// missing, and fails it when a step that must succeed does not, or a step
// does not run to its end.
func runWalkthrough(t *testing.T, doc string, tools ...string) (printed map[string]string, srv *emulator.Server) {
	t.Helper()
	candidates := []string{debianAWSCLI, "aws"}
	if bin := os.Getenv("FERRY_AWS_CLI"); bin != "" {
		candidates = []string{bin}
	}
	clis := distinctExecutables(candidates...)
	if len(clis) == 0 {
		t.Skip("aws CLI not installed: " + installHint)
	}
	for _, tool := range append([]string{"bash", "curl", "jq"}, tools...) {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("%s not installed: %s needs it (%s)", tool, filepath.Base(doc), installHint)
		}
	}
	text, err := os.ReadFile(doc)
	if err != nil {
		t.Fatal(err)
	}
	steps, err := walkthroughSteps(text)
	if err != nil {
		t.Fatalf("%s: %v", doc, err)
	}
	if len(steps) == 0 {
		t.Fatalf("%s: no step marked to run", doc)
	}

	srv = startFerry(t)
	mqttHost, mqttPort, err := net.SplitHostPort(srv.MQTTAddr())
	if err != nil {
		t.Fatalf("ferry's MQTT listener %q: %v", srv.MQTTAddr(), err)
	}
	flush := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := srv.Flush(r.Context()); err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
		}
	}))
	defer flush.Close()

	// The walkthrough says "aws": make that the CLI chosen above.
	bin := t.TempDir()
	if err := os.Symlink(clis[0], filepath.Join(bin, "aws")); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	script := filepath.Join(dir, "walkthrough.sh")
	if err := os.WriteFile(script, []byte(walkthroughScript(steps, flush.URL)), 0o644); err != nil {
		t.Fatal(err)
	}
	env := clientEnv(t, "PATH="+bin+string(os.PathListSeparator)+os.Getenv("PATH"), "FERRY="+srv.URL(),
		"FERRY_MQTT_HOST="+mqttHost, "FERRY_MQTT_PORT="+mqttPort)
	r := runProcess(t, dir, env, "bash", script)
	printed, ended := splitSteps(r.stdout)
	if r.err != nil {
		last := steps[0].name
		for _, s := range steps {
			if _, ok := printed[s.name]; ok {
				last = s.name
			}
		}
		t.Fatalf("%s (%s) stopped in step %s: %v\n%s", doc, clis[0], last, r.err, printed[last])
	}
	for _, s := range steps {
		if !ended[s.name] {
			t.Errorf("%s: step %s did not run to its end:\n%s", doc, s.name, printed[s.name])
		}
	}
	return printed, srv
}

// checkWalkthrough applies the checks to what the walkthrough doc's steps
// printed.
func checkWalkthrough(t *testing.T, doc string, printed map[string]string, checks []walkthroughCheck) {
	t.Helper()
	for _, c := range checks {
		out, ok := printed[c.step]
		if !ok {
			t.Errorf("%s has no step %q: keep its marker", doc, c.step)
			continue
		}
		if !c.ok(out) {
			t.Errorf("%s: step %s: want %s; it printed:\n%s", doc, c.step, c.what, out)
		}
	}
}

// TestDocsWalkthrough runs the cross-account SNS to SQS walkthrough's
// commands with the AWS CLI against ferry and checks what a trainer would
// point at: the subscription the topic policy refuses, the delivery lost to a
// missing queue policy and its Deny in the audit trail, the delivery after
// the fix, the confirmation that arrives instead of the message when the
// topic owner subscribes, delivery once its SubscribeURL is opened, and the
// third account's AuthorizationError.
func TestDocsWalkthrough(t *testing.T) {
	if testing.Short() {
		t.Skip("the walkthrough runs the aws CLI some 25 times; skipped in -short mode")
	}
	t.Parallel()
	printed, srv := runWalkthrough(t, walkthroughDoc)
	ferryURL := srv.URL()

	topic := "arn:aws:sns:us-east-1:111111111111:orders"
	checkWalkthrough(t, walkthroughDoc, printed, []walkthroughCheck{
		{"setup", "both accounts' roots", func(o string) bool {
			return strings.Contains(o, `"arn:aws:iam::111111111111:root"`) && strings.Contains(o, `"arn:aws:iam::222222222222:root"`)
		}},
		{"a-subscribe-denied", "AuthorizationError for SNS:Subscribe", func(o string) bool {
			return strings.Contains(o, "(AuthorizationError) when calling the Subscribe operation") &&
				strings.Contains(o, "arn:aws:iam::222222222222:root is not authorized to perform: SNS:Subscribe")
		}},
		{"a-subscribe", "a confirmed subscription ARN", func(o string) bool {
			return strings.Contains(o, `"SubscriptionArn": "`+topic+":")
		}},
		{"a-publish-lost", "a MessageId and an empty queue", func(o string) bool {
			return strings.Contains(o, `"MessageId"`) && !strings.Contains(o, `"Messages"`)
		}},
		{"a-why", "sns.amazonaws.com's Deny for the billing queue", func(o string) bool {
			return strings.Contains(o, `"principal": "sns.amazonaws.com"`) && strings.Contains(o, `"decision": "Deny"`) &&
				strings.Contains(o, `"resource": "arn:aws:sqs:us-east-1:222222222222:billing"`) &&
				strings.Contains(o, "because no resource-based policy allows the sqs:SendMessage action")
		}},
		{"a-deliver", "the notification of order 2", func(o string) bool {
			return strings.Contains(o, `"Type": "Notification"`) && strings.Contains(o, `"Message": "{\"order\":2}"`)
		}},
		{"b-subscribe", "a pending subscription", func(o string) bool {
			return strings.Contains(o, `"SubscriptionArn": "pending confirmation"`) &&
				strings.Contains(o, "arn:aws:sqs:us-east-1:222222222222:shipping\tPendingConfirmation")
		}},
		{"b-confirmation", "only the SubscriptionConfirmation, with a SubscribeURL on ferry", func(o string) bool {
			return strings.Count(o, `"Type": "SubscriptionConfirmation"`) == 1 && !strings.Contains(o, "Notification") &&
				strings.Contains(o, `"SubscribeURL": "`+ferryURL+"/?Action=ConfirmSubscription&TopicArn="+topic+"&Token=")
		}},
		{"b-confirm", "ConfirmSubscriptionResponse", func(o string) bool {
			return strings.Contains(o, "<ConfirmSubscriptionResponse") && strings.Contains(o, "<SubscriptionArn>"+topic+":")
		}},
		{"b-deliver", "the notification of order 4", func(o string) bool {
			return strings.Contains(o, `"Type": "Notification"`) && strings.Contains(o, `"Message": "{\"order\":4}"`)
		}},
		{"c-outsider", "AuthorizationError for Subscribe and Publish, both in the audit trail", func(o string) bool {
			return strings.Contains(o, "(AuthorizationError) when calling the Subscribe operation") &&
				strings.Contains(o, "(AuthorizationError) when calling the Publish operation") &&
				strings.Contains(o, "333333333333:root is not authorized to perform: sns:Subscribe") &&
				strings.Contains(o, "333333333333:root is not authorized to perform: sns:Publish")
		}},
		{"reset", "the reset's answer", func(o string) bool { return o == `{"status":"reset"}` }},
	})
}

// TestDocsEncryptedFanOut runs the encrypted fan-out walkthrough's commands
// with the AWS CLI against ferry and checks what a trainer would point at:
// Publish accepted while the key policy does not trust sns.amazonaws.com,
// nothing delivered, the audit trail's Deny of kms:GenerateDataKey for each
// queue and the Error of each delivery, delivery once PutKeyPolicy adds the
// statement, a publisher's KMSAccessDenied and a receiver's KmsAccessDenied,
// and a delivery that the data key cache lets through after the statement
// is taken away again.
func TestDocsEncryptedFanOut(t *testing.T) {
	if testing.Short() {
		t.Skip("the walkthrough runs the aws CLI some 30 times; skipped in -short mode")
	}
	t.Parallel()
	printed, _ := runWalkthrough(t, encryptedFanOutDoc)

	const (
		acct  = "111111111111"
		topic = "arn:aws:sns:us-east-1:" + acct + ":Patient-Records"
	)
	queues := []string{"Billing-Integration", "Scheduling-Integration", "Prescription-Integration"}
	keyARN := printed["key"]
	if !regexp.MustCompile(`^arn:aws:kms:us-east-1:` + acct + `:key/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`).MatchString(keyARN) {
		t.Fatalf("step key: want the key's ARN alone; it printed:\n%s", keyARN)
	}
	kmsDenial := func(principal, action, policy string) string {
		return "User: " + principal + " is not authorized to perform: " + action + " on resource: " + keyARN +
			" because no " + policy + " policy allows the " + action + " action"
	}
	snsDenial := kmsDenial("sns.amazonaws.com", "kms:GenerateDataKey", "resource-based")
	scheduler := "arn:aws:iam::" + acct + ":user/Scheduler"
	checkWalkthrough(t, encryptedFanOutDoc, printed, []walkthroughCheck{
		{"topic", "the topic's ARN", func(o string) bool { return strings.Contains(o, `"TopicArn": "`+topic+`"`) }},
		{"queues", "three queue URLs, each with a confirmed subscription", func(o string) bool {
			lines := strings.Split(o, "\n")
			if len(lines) != 2*len(queues) {
				return false
			}
			for i, q := range queues {
				if !strings.HasSuffix(lines[2*i], "/"+acct+"/"+q) || !strings.HasPrefix(lines[2*i+1], topic+":") {
					return false
				}
			}
			return true
		}},
		{"publisher", "EMRUser's ARN", func(o string) bool { return o == "arn:aws:iam::"+acct+":user/EMRUser" }},
		{"publish", "a MessageId", func(o string) bool { return strings.Contains(o, `"MessageId"`) }},
		{"nothing-arrived", "no message in any queue", func(o string) bool {
			return o == "Billing-Integration\t0\nScheduling-Integration\t0\nPrescription-Integration\t0"
		}},
		{"why", "the Deny of kms:GenerateDataKey for sns.amazonaws.com and each queue's failed sqs:SendMessage", func(o string) bool {
			if !strings.Contains(o, `"principal": "sns.amazonaws.com"`) || !strings.Contains(o, `"action": "kms:GenerateDataKey"`) ||
				!strings.Contains(o, `"resource": "`+keyARN+`"`) || !strings.Contains(o, `"decision": "Deny"`) ||
				!strings.Contains(o, `"reason": "`+snsDenial+`"`) {
				return false
			}
			for _, q := range queues {
				if !strings.Contains(o, "sqs:SendMessage arn:aws:sqs:us-east-1:"+acct+":"+q+"\n  the call failed: KMS.AccessDeniedException: "+snsDenial) {
					return false
				}
			}
			return strings.Count(o, "the call failed: ") == len(queues)
		}},
		{"fix", "no output", func(o string) bool { return o == "" }},
		{"deliver", "the transfer record in the billing and prescription queues, one message in the scheduling queue", func(o string) bool {
			return strings.Contains(o, `"Type": "Notification"`) && strings.Contains(o, `"TopicArn": "`+topic+`"`) &&
				strings.Contains(o, `"Message": "{\"patientId\":\"P-1042\",\"event\":\"transfer\",\"ward\":\"Recovery\"}"`) &&
				strings.Contains(o, "\n"+`{"patientId":"P-1042","event":"transfer","ward":"Recovery"}`+"\n") &&
				strings.HasSuffix(o, "\n1")
		}},
		{"scheduler", "Scheduler's ARN", func(o string) bool { return o == scheduler }},
		{"publisher-denied", "KMSAccessDenied for Scheduler's Publish", func(o string) bool {
			return strings.Contains(o, "(KMSAccessDenied) when calling the Publish operation: "+
				kmsDenial(scheduler, "kms:GenerateDataKey", "identity-based")+
				" (Service: AWSKMS; Status Code: 400; Error Code: AccessDeniedException)")
		}},
		{"receiver-denied", "KmsAccessDenied for Scheduler's ReceiveMessage", func(o string) bool {
			// The CLI prints the query code of SQS's KmsAccessDenied, as
			// SQS sends it in x-amzn-query-error (or in the XML of the
			// query protocol, which older CLIs speak).
			return (strings.Contains(o, "(KMS.AccessDeniedException) when calling the ReceiveMessage operation: ") ||
				strings.Contains(o, "(KmsAccessDenied) when calling the ReceiveMessage operation: ")) &&
				strings.Contains(o, kmsDenial(scheduler, "kms:Decrypt", "identity-based")+" (Service: AWSKMS; Status Code: 400;")
		}},
		{"reuse-period", "the discharge record, delivered with the cached data key", func(o string) bool {
			return strings.HasSuffix(o, "\n"+`{"patientId":"P-1042","event":"discharge"}`)
		}},
		{"reset", "the reset's answer", func(o string) bool { return o == `{"status":"reset"}` }},
	})
}

// TestDocsIoTCrossAccount runs the walkthrough of an IoT rule in one
// account sending to another account's queue, with the AWS CLI and
// mosquitto's clients against ferry, and checks what a trainer would point
// at: the endpoint devices connect to, a publish the broker acknowledges
// while nothing reaches the queue, the error action's document naming the
// SQS action and the missing queue policy, the Deny in the audit trail, the
// statement AddPermission adds, the base64-encoded message that arrives
// after it, and the failure once the permission is removed again.
func TestDocsIoTCrossAccount(t *testing.T) {
	if testing.Short() {
		t.Skip("the walkthrough runs the aws CLI some 15 times; skipped in -short mode")
	}
	t.Parallel()
	printed, srv := runWalkthrough(t, iotCrossAccountDoc, "mosquitto_pub", "mosquitto_sub", "base64")

	const (
		ingestion = "111111111111"
		data      = "222222222222"
		rule      = "cross_account_sqs_publish"
		queueARN  = "arn:aws:sqs:us-east-1:" + data + ":iot-data"
		awsURL    = "https://sqs.us-east-1.amazonaws.com/" + data + "/iot-data"
		payload   = `{"message": "Hello, world", "clientType": "MQTT client"}`
		session   = "arn:aws:sts::" + ingestion + ":assumed-role/iot-cross-sqs-allow/"
	)
	// SQS's denial as the error document carries it: the action in lower
	// case, the queue policy missing.
	sqsDenial := regexp.MustCompile(`"?Failed to send message to SQS\. The error received was User: ` + regexp.QuoteMeta(session) +
		`[^ ]+ is not authorized to perform: sqs:sendmessage on resource: ` + regexp.QuoteMeta(queueARN) +
		` because no resource-based policy allows the sqs:sendmessage action \(Service: AmazonSQS; Status Code: 403; Error Code: AccessDenied\)\. ` +
		`Message arrived on: data/private, Action: sqs, Queue: ` + regexp.QuoteMeta(awsURL) + `"?`)
	checkWalkthrough(t, iotCrossAccountDoc, printed, []walkthroughCheck{
		{"setup", "both accounts' roots", func(o string) bool {
			return o == "arn:aws:iam::"+ingestion+":root\narn:aws:iam::"+data+":root"
		}},
		{"endpoint", "ferry's MQTT listener, " + srv.MQTTAddr(), func(o string) bool {
			return strings.Contains(o, `"endpointAddress": "`+srv.MQTTAddr()+`"`)
		}},
		{"queue", "the data account's queue URL", func(o string) bool {
			return strings.Contains(o, `"QueueUrl": "`+srv.URL()+"/"+data+`/iot-data"`)
		}},
		{"roles", "the two roles' ARNs", func(o string) bool {
			return o == "arn:aws:iam::"+ingestion+":role/iot-cross-sqs-allow\narn:aws:iam::"+ingestion+":role/iot-republish"
		}},
		{"rule", "the rule's SQL, queue and error topic", func(o string) bool {
			return strings.Contains(o, `"sql": "SELECT * FROM 'data/private'"`) && strings.Contains(o, `"sqs": "`+awsURL+`"`) &&
				strings.Contains(o, `"onError": "error/rules"`)
		}},
		{"publish", "the broker's PUBACK", func(o string) bool {
			return strings.Contains(o, "Client device-1 sending PUBLISH (d0, q1, r0, m1, 'data/private', ... (56 bytes))") &&
				strings.Contains(o, "Client device-1 received PUBACK (Mid: 1, RC:0)")
		}},
		{"nothing-arrived", "an empty queue", func(o string) bool { return o == "0" }},
		{"error-document", "AWS's error document for the failed SQS action, and the payload", func(o string) bool {
			return strings.Contains(o, `"ruleName": "`+rule+`"`) && strings.Contains(o, `"topic": "data/private"`) &&
				strings.Contains(o, `"clientId": "device-1"`) && strings.Contains(o, `"failedAction": "SQSAction"`) &&
				strings.Contains(o, `"failedResource": "`+awsURL+`"`) &&
				regexp.MustCompile(`"errorMessage": `+sqsDenial.String()).MatchString(o) &&
				strings.HasSuffix(o, "\n"+payload)
		}},
		{"why", "the role session's Deny of sqs:SendMessage, the only Deny", func(o string) bool {
			return strings.Count(o, `"decision": `) == 1 && strings.Contains(o, `"decision": "Deny"`) &&
				strings.Contains(o, `"account": "`+ingestion+`"`) && strings.Contains(o, `"principal": "`+session) &&
				strings.Contains(o, `"action": "sqs:SendMessage"`) && strings.Contains(o, `"resource": "`+queueARN+`"`) &&
				strings.Contains(o, " is not authorized to perform: sqs:SendMessage on resource: "+queueARN+
					" because no resource-based policy allows the sqs:SendMessage action")
		}},
		{"fix", "the IoTSendMessage statement for the ingestion account", func(o string) bool {
			return strings.Contains(o, `"Sid": "IoTSendMessage"`) && strings.Contains(o, `"AWS": "arn:aws:iam::`+ingestion+`:root"`) &&
				strings.Contains(o, `"Action": "SQS:SendMessage"`) && strings.Contains(o, `"Resource": "`+queueARN+`"`)
		}},
		{"deliver", "the payload base64-encoded, and decoded", func(o string) bool {
			return o == base64.StdEncoding.EncodeToString([]byte(payload))+"\n"+payload
		}},
		{"revoke", "the SQS action's denial again", func(o string) bool {
			return regexp.MustCompile(`^` + sqsDenial.String() + `$`).MatchString(o)
		}},
		{"reset", "the reset's answer", func(o string) bool { return o == `{"status":"reset"}` }},
	})
}

// TestDocsWalkthroughSteps checks the extraction on its own, without the CLI.
func TestDocsWalkthroughSteps(t *testing.T) {
	doc := "text\n<!-- run: one -->\n```sh\necho 1\necho 2\n```\n\n```sh\nnot marked\n```\n<!-- run: two fails -->\n```sh\nfalse\n```\n"
	steps, err := walkthroughSteps([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(steps) != 2 || steps[0] != (walkthroughStep{"one", false, "echo 1\necho 2"}) ||
		steps[1] != (walkthroughStep{"two", true, "false"}) {
		t.Fatalf("steps = %+v", steps)
	}
	for _, bad := range []string{
		"<!-- run: x -->\ntext\n```sh\necho\n```\n",
		"<!-- run: x -->\n```sh\necho\n",
		"<!-- run: x -->\n```sh\n```\n<!-- run: x -->\n```sh\n```\n",
	} {
		if _, err := walkthroughSteps([]byte(bad)); err == nil {
			t.Errorf("walkthroughSteps(%q): no error", bad)
		}
	}
	printed, ended := splitSteps([]byte("noise\n@@@ one begin\nout\n@@@ one end\n\n@@@ two begin\npartial"))
	if printed["one"] != "out" || !ended["one"] || printed["two"] != "partial" || ended["two"] {
		t.Errorf("splitSteps: printed %q, ended %v", printed, ended)
	}
}
