package conformance

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestBoto3SNS runs python/sns_flow.py, the flow of AWS's SNS examples for
// boto3 (SNS over the query protocol), with every Python on the machine that
// has boto3.
func TestBoto3SNS(t *testing.T) {
	t.Parallel()
	candidates := []string{debianPython, "python3"}
	if py := os.Getenv("FERRY_PYTHON"); py != "" {
		candidates = []string{py}
	}
	ran := 0
	for _, py := range distinctExecutables(candidates...) {
		r := runProcess(t, ".", clientEnv(t), py, "-c", "import boto3, botocore; print('boto3-' + boto3.__version__, 'botocore-' + botocore.__version__)")
		if r.err != nil {
			continue
		}
		version := strings.TrimSpace(string(r.stdout))
		ran++
		t.Run(subtestName(version), func(t *testing.T) {
			t.Parallel()
			srv := startFerry(t)
			script, err := filepath.Abs(filepath.Join("python", "sns_flow.py"))
			if err != nil {
				t.Fatal(err)
			}
			r := runProcess(t, t.TempDir(), clientEnv(t, "FERRY_ENDPOINT="+srv.URL(), "PYTHONDONTWRITEBYTECODE=1"), py, script)
			if r.err != nil {
				t.Fatalf("sns_flow.py: %v\nstderr:\n%s", r.err, r.stderr)
			}
			var out struct {
				Boto3, Botocore string
				TopicArn        string
				SubscriptionArn string
				Pending         string
				MessageId       string
				Envelope        struct{ Type, MessageId, TopicArn, Subject, Message, Signature string }
				Raw             []struct{ Body, Kind string }
				Subscriptions   []string
				MissingTopic    struct {
					Code, Message string
					Status        int
					IsNotFound    bool
				}
			}
			if err := json.Unmarshal(r.stdout, &out); err != nil {
				t.Fatalf("sns_flow.py printed no JSON: %v\n%s\nstderr:\n%s", err, r.stdout, r.stderr)
			}
			t.Logf("%s: boto3 %s, botocore %s", py, out.Boto3, out.Botocore)
			topic := "arn:aws:sns:us-east-1:" + account + ":py-orders"
			if out.TopicArn != topic || !strings.HasPrefix(out.SubscriptionArn, topic+":") || out.Pending != "false" {
				t.Errorf("topic %q, subscription %q, pending %q", out.TopicArn, out.SubscriptionArn, out.Pending)
			}
			if e := out.Envelope; e.Type != "Notification" || e.MessageId != out.MessageId || e.TopicArn != topic ||
				e.Subject != "New order" || e.Message != "order 7" || e.Signature == "" {
				t.Errorf("envelope %+v", e)
			}
			if len(out.Raw) != 1 || out.Raw[0].Body != "refund 9" || out.Raw[0].Kind != "refund" {
				t.Errorf("raw deliveries through the filter: %+v", out.Raw)
			}
			if !slices.Equal(out.Subscriptions, []string{out.SubscriptionArn}) {
				t.Errorf("subscriptions %v", out.Subscriptions)
			}
			if m := out.MissingTopic; m.Code != "NotFound" || m.Status != 404 || !m.IsNotFound || m.Message != "Topic does not exist" {
				t.Errorf("publish to a deleted topic: %+v", m)
			}
		})
	}
	if ran == 0 {
		t.Skip("python3 with boto3 not installed: " + installHint)
	}
}
