package conformance

import (
	"encoding/json"
	"strings"
	"testing"
)

// identityTutorial runs, with the AWS CLI, the flow of IAM's "grant a user
// access through a role" tutorial: an account root makes a user with an
// inline policy and a key and a role the user may assume with a managed
// read-only policy; the user and then its role session each can do exactly
// what their policies allow
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/tutorial_cross-account-with-roles.html,
// in one account).
func (c *awsCLI) identityTutorial(t *testing.T) {
	root := []string{"AWS_ACCESS_KEY_ID=444444444444", "AWS_SECRET_ACCESS_KEY=test"}
	as := func(env []string, out any, args ...string) {
		t.Helper()
		r := c.exec(t, env, args...)
		if r.err != nil {
			t.Fatalf("aws %s: %v\nstderr: %s", strings.Join(args, " "), r.err, r.stderr)
		}
		if out != nil && len(strings.TrimSpace(string(r.stdout))) > 0 {
			if err := json.Unmarshal(r.stdout, out); err != nil {
				t.Fatalf("aws %s: %v\n%s", strings.Join(args, " "), err, r.stdout)
			}
		}
	}

	as(root, nil, "iam", "create-user", "--user-name", "alice")
	as(root, nil, "iam", "put-user-policy", "--user-name", "alice", "--policy-name", "work", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["sqs:SendMessage","sqs:GetQueueUrl","sts:AssumeRole"],"Resource":"*"}]}`)
	var key struct {
		AccessKey struct{ AccessKeyId, SecretAccessKey string }
	}
	as(root, &key, "iam", "create-access-key", "--user-name", "alice")
	if !strings.HasPrefix(key.AccessKey.AccessKeyId, "AKIA") || len(key.AccessKey.SecretAccessKey) != 40 {
		t.Fatalf("access key %+v", key.AccessKey)
	}
	as(root, nil, "iam", "create-role", "--role-name", "reader", "--assume-role-policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444444444444:user/alice"},"Action":"sts:AssumeRole"}]}`)
	as(root, nil, "iam", "attach-role-policy", "--role-name", "reader", "--policy-arn", "arn:aws:iam::aws:policy/AmazonSQSReadOnlyAccess")
	var role struct {
		Role struct {
			Arn                      string
			AssumeRolePolicyDocument struct {
				Statement []struct{ Principal struct{ AWS string } }
			}
		}
	}
	as(root, &role, "iam", "get-role", "--role-name", "reader")
	if role.Role.Arn != "arn:aws:iam::444444444444:role/reader" ||
		role.Role.AssumeRolePolicyDocument.Statement[0].Principal.AWS != "arn:aws:iam::444444444444:user/alice" {
		t.Fatalf("get-role: %+v", role.Role)
	}
	var attached struct{ AttachedPolicies []struct{ PolicyName string } }
	as(root, &attached, "iam", "list-attached-role-policies", "--role-name", "reader")
	if len(attached.AttachedPolicies) != 1 || attached.AttachedPolicies[0].PolicyName != "AmazonSQSReadOnlyAccess" {
		t.Fatalf("attached: %+v", attached)
	}
	var q struct{ QueueUrl string }
	as(root, &q, "sqs", "create-queue", "--queue-name", "tutorial")

	alice := []string{"AWS_ACCESS_KEY_ID=" + key.AccessKey.AccessKeyId, "AWS_SECRET_ACCESS_KEY=" + key.AccessKey.SecretAccessKey}
	var who struct{ Arn, Account string }
	as(alice, &who, "sts", "get-caller-identity")
	if who.Arn != "arn:aws:iam::444444444444:user/alice" || who.Account != "444444444444" {
		t.Fatalf("alice is %+v", who)
	}
	as(alice, nil, "sqs", "send-message", "--queue-url", q.QueueUrl, "--message-body", "from alice")
	c.fail(t, alice, "AccessDenied", "sqs", "receive-message", "--queue-url", q.QueueUrl)

	var assumed struct {
		Credentials     struct{ AccessKeyId, SecretAccessKey, SessionToken string }
		AssumedRoleUser struct{ Arn string }
	}
	as(alice, &assumed, "sts", "assume-role", "--role-arn", role.Role.Arn, "--role-session-name", "demo")
	if assumed.AssumedRoleUser.Arn != "arn:aws:sts::444444444444:assumed-role/reader/demo" ||
		!strings.HasPrefix(assumed.Credentials.AccessKeyId, "ASIA") {
		t.Fatalf("assume-role: %+v", assumed)
	}
	session := []string{"AWS_ACCESS_KEY_ID=" + assumed.Credentials.AccessKeyId,
		"AWS_SECRET_ACCESS_KEY=" + assumed.Credentials.SecretAccessKey, "AWS_SESSION_TOKEN=" + assumed.Credentials.SessionToken}
	as(session, &who, "sts", "get-caller-identity")
	if who.Arn != assumed.AssumedRoleUser.Arn {
		t.Fatalf("session is %+v", who)
	}
	// The session has the role's permissions, never alice's.
	as(session, nil, "sqs", "get-queue-attributes", "--queue-url", q.QueueUrl, "--attribute-names", "All")
	c.fail(t, session, "AccessDenied", "sqs", "send-message", "--queue-url", q.QueueUrl, "--message-body", "x")
	c.fail(t, session, "AccessDenied", "iam", "list-users")
	// Someone the trust policy does not name cannot assume the role.
	as(root, nil, "iam", "create-user", "--user-name", "mallory")
	as(root, nil, "iam", "put-user-policy", "--user-name", "mallory", "--policy-name", "p", "--policy-document",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sts:AssumeRole","Resource":"*"}]}`)
	var mk struct {
		AccessKey struct{ AccessKeyId, SecretAccessKey string }
	}
	as(root, &mk, "iam", "create-access-key", "--user-name", "mallory")
	mallory := []string{"AWS_ACCESS_KEY_ID=" + mk.AccessKey.AccessKeyId, "AWS_SECRET_ACCESS_KEY=" + mk.AccessKey.SecretAccessKey}
	c.fail(t, mallory, "AccessDenied", "sts", "assume-role", "--role-arn", role.Role.Arn, "--role-session-name", "nope")
}
