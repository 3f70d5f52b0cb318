package conformance

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
)

// TestJavaScriptSDKSNS runs js/sns_flow.mjs: the AWS SDK for JavaScript v3
// fans a topic out to an SQS queue (SNS over the query protocol), with
// envelopes, raw delivery, a filter policy and PublishBatch.
func TestJavaScriptSDKSNS(t *testing.T) {
	t.Parallel()
	node, err := exec.LookPath("node")
	if err != nil {
		t.Skip("node not installed: " + installHint)
	}
	dir, err := filepath.Abs("js")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@aws-sdk", "client-sns", "package.json")); err != nil {
		t.Skip("@aws-sdk/client-sns not installed in conformance/js: " + installHint)
	}
	srv := startFerry(t)
	r := runProcess(t, dir, clientEnv(t, "FERRY_ENDPOINT="+srv.URL()), node, "sns_flow.mjs")
	if r.err != nil {
		t.Fatalf("sns_flow.mjs: %v\nstderr:\n%s", r.err, r.stderr)
	}
	var out struct {
		SDK, Node              string
		TopicArn               string
		Topics                 []string
		SubscriptionArn        string
		SubscriptionAttributes map[string]string
		MessageId              string
		Envelope               struct{ Type, MessageId, TopicArn, Subject, Message, Signature, SigningCertURL string }
		Batch                  struct {
			Successful []struct{ Id, MessageId string }
			Failed     []struct{ Id string }
		}
		Raw             []struct{ Body, Section string }
		Listed          []string
		TopicAttributes map[string]string
		MissingTopic    struct {
			Name, Fault, Message string
			Status               int
			IsNotFound           bool
		}
	}
	if err := json.Unmarshal(r.stdout, &out); err != nil {
		t.Fatalf("sns_flow.mjs printed no JSON: %v\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
	}
	t.Logf("@aws-sdk/client-sns %s on node %s", out.SDK, out.Node)
	topic := "arn:aws:sns:us-east-1:" + account + ":js-news"
	if out.TopicArn != topic || !slices.Equal(out.Topics, []string{topic}) {
		t.Errorf("topic %q, listed %v", out.TopicArn, out.Topics)
	}
	if a := out.SubscriptionAttributes; a["Protocol"] != "sqs" || a["PendingConfirmation"] != "false" || a["TopicArn"] != topic {
		t.Errorf("subscription attributes %v", a)
	}
	e := out.Envelope
	if e.Type != "Notification" || e.MessageId != out.MessageId || e.TopicArn != topic || e.Subject != "Breaking" ||
		e.Message != "ferry speaks SNS" || e.Signature == "" || e.SigningCertURL == "" {
		t.Errorf("envelope %+v", e)
	}
	if len(out.Batch.Successful) != 2 || len(out.Batch.Failed) != 0 {
		t.Errorf("PublishBatch %+v", out.Batch)
	}
	if len(out.Raw) != 1 || out.Raw[0].Body != "goal" || out.Raw[0].Section != "sports" {
		t.Errorf("raw deliveries through the filter: %+v", out.Raw)
	}
	if out.TopicAttributes["SubscriptionsConfirmed"] != "1" || out.TopicAttributes["DisplayName"] != "News" {
		t.Errorf("topic attributes %v", out.TopicAttributes)
	}
	if m := out.MissingTopic; !m.IsNotFound || m.Name != "NotFoundException" || m.Status != 404 || m.Fault != "client" || m.Message != "Topic does not exist" {
		t.Errorf("publish to a deleted topic: %+v", m)
	}
}
