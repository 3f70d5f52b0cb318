package emulator

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iot"
	iottypes "github.com/aws/aws-sdk-go-v2/service/iot/types"
	"github.com/aws/aws-sdk-go-v2/service/iotdataplane"
	"github.com/aws/aws-sdk-go-v2/service/sns"
	"github.com/aws/aws-sdk-go-v2/service/sqs"

	iotpkg "github.com/ferry-emulator/ferry/iot"
)

// dashboardFixture is a server with a queue that has a policy, one message,
// an IAM user, a topic whose delivery into the queue is denied, an IoT rule
// whose role may not send to the queue, and a denied cross-account send.
func dashboardFixture(t *testing.T) *Server {
	t.Helper()
	srv := startServer(t)
	ctx := context.Background()
	owner := sqsClient(srv, "111111111111", "test")
	q, err := owner.CreateQueue(ctx, &sqs.CreateQueueInput{QueueName: aws.String("orders")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := owner.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("m")}); err != nil {
		t.Fatal(err)
	}
	if _, err := owner.AddPermission(ctx, &sqs.AddPermissionInput{QueueUrl: q.QueueUrl, Label: aws.String("partner"),
		AWSAccountIds: []string{"333333333333"}, Actions: []string{"SendMessage"}}); err != nil {
		t.Fatal(err)
	}
	ic := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("111111111111", "test", "")})
	if _, err := ic.CreateUser(ctx, &iam.CreateUserInput{UserName: aws.String("trainee")}); err != nil {
		t.Fatal(err)
	}
	if _, err := ic.PutUserPolicy(ctx, &iam.PutUserPolicyInput{UserName: aws.String("trainee"), PolicyName: aws.String("read-orders"),
		PolicyDocument: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"ReadOrders","Effect":"Allow","Action":"sqs:ReceiveMessage","Resource":"*"}]}`)}); err != nil {
		t.Fatal(err)
	}
	// A topic whose deliveries into the queue are denied: no queue policy
	// lets it in.
	nc := sns.New(sns.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("111111111111", "test", "")})
	topic, err := nc.CreateTopic(ctx, &sns.CreateTopicInput{Name: aws.String("alerts")})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := nc.Subscribe(ctx, &sns.SubscribeInput{TopicArn: topic.TopicArn, Protocol: aws.String("sqs"),
		Endpoint: aws.String("arn:aws:sqs:us-east-1:111111111111:orders")}); err != nil {
		t.Fatal(err)
	}
	if _, err := nc.Publish(ctx, &sns.PublishInput{TopicArn: topic.TopicArn, Message: aws.String("alarm")}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	// An IoT rule whose role has no policy: its SQS action is denied.
	if _, err := ic.CreateRole(ctx, &iam.CreateRoleInput{RoleName: aws.String("iot-orders"), AssumeRolePolicyDocument: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"iot.amazonaws.com"},"Action":"sts:AssumeRole"}]}`)}); err != nil {
		t.Fatal(err)
	}
	rc := iot.New(iot.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("111111111111", "test", "")})
	if _, err := rc.CreateTopicRule(ctx, &iot.CreateTopicRuleInput{RuleName: aws.String("device_orders"), TopicRulePayload: &iottypes.TopicRulePayload{
		Sql:     aws.String("SELECT * FROM 'devices/+/orders'"),
		Actions: []iottypes.Action{{Sqs: &iottypes.SqsAction{QueueUrl: q.QueueUrl, RoleArn: aws.String("arn:aws:iam::111111111111:role/iot-orders")}}},
	}}); err != nil {
		t.Fatal(err)
	}
	dc := iotdataplane.New(iotdataplane.Options{Region: "us-east-1", BaseEndpoint: aws.String(srv.URL()),
		Credentials: credentials.NewStaticCredentialsProvider("111111111111", "test", "")})
	if _, err := dc.Publish(ctx, &iotdataplane.PublishInput{Topic: aws.String("devices/d1/orders"), Payload: []byte(`{"order": 7}`)}); err != nil {
		t.Fatal(err)
	}
	if err := srv.Flush(ctx); err != nil {
		t.Fatal(err)
	}
	other := sqsClient(srv, "222222222222", "test")
	if _, err := other.SendMessage(ctx, &sqs.SendMessageInput{QueueUrl: q.QueueUrl, MessageBody: aws.String("m")}); apiCode(err) != "AccessDenied" {
		t.Fatalf("cross-account send: %v", err)
	}
	return srv
}

func TestDashboardAndState(t *testing.T) {
	srv := dashboardFixture(t)
	resp, err := http.Get(srv.URL() + "/_ferry/")
	if err != nil {
		t.Fatal(err)
	}
	page, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") ||
		resp.Header.Get("Content-Security-Policy") == "" || !strings.Contains(string(page), "/_ferry/audit") {
		t.Fatalf("dashboard: %d %v", resp.StatusCode, resp.Header)
	}
	// The SVG namespace is a name, not a fetch.
	if rest := strings.ReplaceAll(string(page), `"http://www.w3.org/2000/svg"`, ""); strings.Contains(rest, "http://") || strings.Contains(rest, "https://") {
		t.Fatal("the dashboard refers to an external asset")
	}

	resp, err = http.Get(srv.URL() + "/_ferry/state")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var state struct {
		Queues     []stateQueue      `json:"queues"`
		Topics     []stateTopic      `json:"topics"`
		Rules      []iotpkg.RuleView `json:"rules"`
		Identities []struct {
			Kind, Name string
			Inline     map[string]string
		} `json:"identities"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&state); err != nil {
		t.Fatal(err)
	}
	if len(state.Queues) != 1 {
		t.Fatalf("queues: %+v", state.Queues)
	}
	var names []string
	for _, id := range state.Identities {
		names = append(names, id.Kind+" "+id.Name)
		if id.Name == "trainee" && !strings.Contains(id.Inline["read-orders"], "ReadOrders") {
			t.Fatalf("trainee's inline policy: %+v", id)
		}
	}
	if strings.Join(names, ", ") != "user trainee, role iot-orders" {
		t.Fatalf("identities: %v", names)
	}
	if len(state.Rules) != 1 || state.Rules[0].Name != "device_orders" || state.Rules[0].Matched != 1 ||
		len(state.Rules[0].Actions) != 1 || state.Rules[0].Actions[0].Failed != 1 ||
		!strings.Contains(state.Rules[0].Actions[0].LastError, "is not authorized to perform: sqs:sendmessage") {
		t.Fatalf("rules: %+v", state.Rules)
	}
	q := state.Queues[0]
	if q.Account != "111111111111" || q.Name != "orders" || q.Visible != 1 || !strings.Contains(q.Policy, "partner") {
		t.Fatalf("queue: %+v", q)
	}
	// The message shows without being received: still visible, received 0 times.
	if len(q.Messages) != 1 || q.Messages[0].Body != "m" || q.Messages[0].State != "visible" || q.Messages[0].ReceiveCount != 0 {
		t.Fatalf("peeked messages: %+v", q.Messages)
	}
	resp, err = http.Get(srv.URL() + "/_ferry/messages?queue=" + q.ARN + "&limit=5")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(b), `"body":"m"`) {
		t.Fatalf("/_ferry/messages: %d %s", resp.StatusCode, b)
	}
	if len(state.Topics) != 1 || state.Topics[0].Published != 1 || len(state.Topics[0].Subscriptions) != 1 {
		t.Fatalf("topics: %+v", state.Topics)
	}
	if sub := state.Topics[0].Subscriptions[0]; sub.Failed != 1 || !strings.Contains(sub.LastError, "AccessDenied") {
		t.Fatalf("subscription: %+v", sub)
	}
}

// The page, rendered by headless Chromium, shows the queue and the denied
// call with its explanation.
func TestDashboardInChromium(t *testing.T) {
	browser := ""
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			browser = p
			break
		}
	}
	if browser == "" {
		t.Skip("Chromium not installed (apt-get install chromium): the dashboard is not rendered")
	}
	srv := dashboardFixture(t)
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	// --virtual-time-budget lets the page's fetches finish before the DOM
	// is dumped; the other flags keep Chromium off the network.
	cmd := exec.CommandContext(ctx, browser, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
		"--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--user-data-dir="+t.TempDir(), "--virtual-time-budget=5000", "--dump-dom", srv.URL()+"/_ferry/")
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("chromium: %v", err)
	}
	dom := string(out)
	for _, want := range []string{
		"orders", "partner", "trainee", "ReadOrders",
		"arn:aws:iam::222222222222:root", "Deny",
		"because no resource-based policy allows the sqs:SendMessage action",
		"arn:aws:sns:us-east-1:111111111111:alerts", "→ arn:aws:sqs:us-east-1:111111111111:orders  ✗",
		"visible, received 0×: m",
		"device_orders", "SELECT * FROM 'devices/+/orders'",
		"arn:aws:iot:us-east-1:111111111111:rule/device_orders",
		"→ sqs " + srv.URL() + "/111111111111/orders  ✗ Failed to send message to SQS.",
		"0 succeeded, 1 failed — last failure: Failed to send message to SQS.",
	} {
		if !strings.Contains(dom, want) {
			t.Errorf("rendered dashboard lacks %q", want)
		}
	}
}
