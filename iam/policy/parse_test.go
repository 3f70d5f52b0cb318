package policy

import (
	"errors"
	"slices"
	"testing"
)

// Documents IAM, SQS, SNS, STS and KMS accept.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
func TestParseAccepts(t *testing.T) {
	for _, c := range []struct {
		name string
		kind Kind
		doc  string
	}{
		{"identity, single statement object", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"*"}}`},
		{"identity, lists, Sid, Id", Identity, `{"Version":"2012-10-17","Id":"p1","Statement":[{"Sid":"A1","Effect":"Allow","Action":["sqs:SendMessage","sqs:ReceiveMessage"],"Resource":["arn:aws:sqs:*:*:a","arn:aws:sqs:*:*:b"]}]}`},
		{"identity, NotAction and NotResource", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"iam:*","NotResource":"arn:aws:iam::*:user/x"}}`},
		{"identity without Version (2008 semantics)", Identity, `{"Statement":{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}"}}`},
		{"identity, 2008-10-17", Identity, `{"Version":"2008-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*"}}`},
		{"identity, every operator family", Identity, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{
			"StringEqualsIgnoreCase":{"aws:PrincipalTag/t":"x"},"NumericLessThan":{"s3:max-keys":10},"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"},
			"Bool":{"aws:SecureTransport":true},"BinaryEquals":{"ex:b":"QQ=="},"IpAddress":{"aws:SourceIp":["10.0.0.0/8","::1"]},
			"ArnLike":{"aws:SourceArn":"arn:aws:sns:*:*:*"},"Null":{"aws:TokenIssueTime":"true"},
			"ForAllValues:StringLike":{"aws:TagKeys":["a*"]},"ForAnyValue:StringEqualsIfExists":{"aws:TagKeys":"b"},"StringNotLikeIfExists":{"ex:k":"v"}}}}`},
		{"identity, empty statement list", Identity, `{"Version":"2012-10-17","Statement":[]}`},
		{"identity, repeated empty Sids", Identity, `{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Action":"*","Resource":"*"},{"Sid":"","Effect":"Allow","Action":"*","Resource":"*"}]}`},
		{"queue policy from AddPermission", Resource, `{"Version":"2012-10-17","Id":"arn:aws:sqs:us-east-1:111122223333:q/SQSDefaultPolicy","Statement":[{"Sid":"x","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","444455556666"]},"Action":["SQS:SendMessage","SQS:GetQueueUrl"],"Resource":"arn:aws:sqs:us-east-1:111122223333:q"}]}`},
		{"queue policy, repeated Sids", Resource, `{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"},{"Sid":"a","Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"*"}]}`},
		{"SNS default topic policy", Resource, `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Effect":"Allow","Sid":"__default_statement_ID",
			"Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission","SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],
			"Resource":"arn:aws:sns:us-east-1:111122223333:t","Condition":{"StringEquals":{"AWS:SourceOwner":"111122223333"}}}]}`},
		{"service principal", Resource, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":["sns.amazonaws.com","events.amazonaws.com"]},"Action":"sqs:SendMessage","Resource":"*"}}`},
		{"session and federated-user principals", Resource, `{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:sts::444455556666:assumed-role/r/s","arn:aws:sts::444455556666:federated-user/f","arn:aws:iam::444455556666:role/path/r"]},"Action":"sqs:*","Resource":"*"}}`},
		{"unique-id principal (a deleted principal)", Resource, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"AIDAJQABLZS4A3QDU576Q"},"Action":"sqs:*","Resource":"*"}}`},
		{"CanonicalUser principal", Resource, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"s3:*","Resource":"*"}}`},
		{"trust policy", Trust, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"X1"}}},
			{"Effect":"Allow","Principal":{"Service":"iot.amazonaws.com"},"Action":["sts:AssumeRole","sts:TagSession","sts:SetSourceIdentity"]}]}`},
		{"trust policy, web identity", Trust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com"},"Action":"sts:AssumeRoleWithWebIdentity"}}`},
		{"trust policy, wildcard actions", Trust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":["sts:*","sts:AssumeRole*"]}}`},
		{"default key policy", Key, `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`},
		{"whitespace and key order", Identity, "\n {\"Statement\" : [ { \"Resource\":\"*\", \"Action\":\"*\", \"Effect\":\"Allow\" } ],\t\"Version\":\"2012-10-17\" } \n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse(c.doc, c.kind)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if p.Document() != c.doc || p.Kind() != c.kind {
				t.Errorf("Document/Kind not kept")
			}
		})
	}
}

// Documents AWS refuses, with what it says.
func TestParseRejects(t *testing.T) {
	const ok = `"Effect":"Allow","Action":"sqs:*","Resource":"*"`
	stmt := func(s string) string { return `{"Version":"2012-10-17","Statement":{` + s + `}}` }
	for _, c := range []struct {
		name   string
		kind   Kind
		doc    string
		reason string
	}{
		{"not JSON", Identity, `{"Version":`, "Syntax errors in policy."},
		{"trailing data", Identity, stmt(ok) + `{}`, "Syntax errors in policy."},
		{"not an object", Identity, `[]`, "Syntax errors in policy."},
		{"null", Identity, `null`, "Syntax errors in policy."},
		{"unknown top-level field", Identity, `{"Version":"2012-10-17","Statement":[],"Condition":{}}`, "Unknown field Condition"},
		{"field names are case-sensitive", Identity, `{"version":"2012-10-17","Statement":[]}`, "Unknown field version"},
		{"unknown statement field", Identity, stmt(ok + `,"Principle":"*"`), "Unknown field Principle"},
		{"invalid Version", Identity, `{"Version":"2012-10-18","Statement":[]}`, "The policy failed legacy parsing"},
		{"Version not a string", Identity, `{"Version":2012,"Statement":[]}`, "Syntax errors in policy."},
		{"missing Statement", Identity, `{"Version":"2012-10-17"}`, "Missing required field Statement"},
		{"Statement of the wrong type", Identity, `{"Version":"2012-10-17","Statement":"x"}`, "Syntax errors in policy."},
		{"statement not an object", Identity, `{"Version":"2012-10-17","Statement":["x"]}`, "Syntax errors in policy."},
		{"missing Effect", Identity, stmt(`"Action":"*","Resource":"*"`), "Missing required field Effect"},
		{"Effect neither Allow nor Deny", Identity, stmt(`"Effect":"allow","Action":"*","Resource":"*"`), "The policy failed legacy parsing"},
		{"missing Action", Identity, stmt(`"Effect":"Allow","Resource":"*"`), "Policy statement must contain actions."},
		{"empty Action list", Identity, stmt(`"Effect":"Allow","Action":[],"Resource":"*"`), "Policy statement must contain actions."},
		{"Action and NotAction", Identity, stmt(`"Effect":"Allow","Action":"*","NotAction":"iam:*","Resource":"*"`), "Syntax errors in policy."},
		{"action without vendor", Identity, stmt(`"Effect":"Allow","Action":"SendMessage","Resource":"*"`), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"action with an empty vendor", Identity, stmt(`"Effect":"Allow","Action":":SendMessage","Resource":"*"`), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"action with two colons", Identity, stmt(`"Effect":"Allow","Action":"sqs:Send:Message","Resource":"*"`), "Actions/Condition can contain only one colon."},
		{"action not a string", Identity, stmt(`"Effect":"Allow","Action":[1],"Resource":"*"`), "Syntax errors in policy."},
		{"missing Resource", Identity, stmt(`"Effect":"Allow","Action":"*"`), "Policy statement must contain resources."},
		{"empty Resource list", Identity, stmt(`"Effect":"Allow","Action":"*","Resource":[]`), "Policy statement must contain resources."},
		{"Resource and NotResource", Identity, stmt(`"Effect":"Allow","Action":"*","Resource":"*","NotResource":"*"`), "Syntax errors in policy."},
		{"Resource not an ARN", Identity, stmt(`"Effect":"Allow","Action":"*","Resource":"my-bucket"`), `Resource my-bucket must be in ARN format or "*".`},
		{"Resource not an ARN, legacy grammar", Identity, `{"Statement":{"Effect":"Allow","Action":"*","Resource":"my-bucket"}}`, "The policy failed legacy parsing"},
		{"Principal in an identity policy", Identity, stmt(ok + `,"Principal":"*"`), "Policy document should not specify a principal."},
		{"NotPrincipal in an identity policy", Identity, stmt(ok + `,"NotPrincipal":{"AWS":"111122223333"}`), "Policy document should not specify a principal."},
		{"duplicate Sids in an IAM policy", Identity, `{"Version":"2012-10-17","Statement":[{"Sid":"a",` + ok + `},{"Sid":"a",` + ok + `}]}`, "Statement IDs (SID) in a single policy must be unique."},
		{"Sid not a string", Identity, stmt(`"Sid":1,` + ok), "Syntax errors in policy."},
		{"missing Principal in a resource policy", Resource, stmt(ok), "Missing required field Principal"},
		{"missing Principal in a key policy", Key, stmt(ok), "Missing required field Principal"},
		{"Principal and NotPrincipal", Resource, stmt(ok + `,"Principal":"*","NotPrincipal":"*"`), "Syntax errors in policy."},
		{"a bare ARN as Principal", Resource, stmt(ok + `,"Principal":"arn:aws:iam::111122223333:root"`), `Invalid principal in policy: "arn:aws:iam::111122223333:root"`},
		{"partial wildcard in a principal", Resource, stmt(ok + `,"Principal":{"AWS":"arn:aws:iam::111122223333:user/*"}`), `Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:user/*"`},
		{"wildcard session", Resource, stmt(ok + `,"Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/r/*"}`), `Invalid principal in policy: "AWS":"arn:aws:sts::111122223333:assumed-role/r/*"`},
		{"a group as principal", Resource, stmt(ok + `,"Principal":{"AWS":"arn:aws:iam::111122223333:group/admins"}`), `Invalid principal in policy: "AWS":"arn:aws:iam::111122223333:group/admins"`},
		{"a short account id", Resource, stmt(ok + `,"Principal":{"AWS":"12345"}`), `Invalid principal in policy: "AWS":"12345"`},
		{"unknown principal type", Resource, stmt(ok + `,"Principal":{"Group":"admins"}`), `Invalid principal in policy: "Group":"admins"`},
		{"empty principal list", Resource, stmt(ok + `,"Principal":{"AWS":[]}`), "Syntax errors in policy."},
		{"trust policy with Resource", Trust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole","Resource":"*"}}`, "Has prohibited field Resource"},
		{"trust policy with NotPrincipal", Trust, `{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"}}`, "Has prohibited field NotPrincipal"},
		{"trust policy without Principal", Trust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sts:AssumeRole"}}`, "Missing required field Principal"},
		{"trust policy with another action", Trust, `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":["sts:AssumeRole","s3:GetObject"]}}`, "Trust Policy statement actions can only be sts:AssumeRole, sts:AssumeRoleWithSAML, and sts:AssumeRoleWithWebIdentity"},
		{"trust policy, duplicate Sids", Trust, `{"Version":"2012-10-17","Statement":[{"Sid":"a","Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"},{"Sid":"a","Effect":"Allow","Principal":"*","Action":"sts:TagSession"}]}`, "Statement IDs (SID) in a single policy must be unique."},
		{"unknown condition operator", Identity, stmt(ok + `,"Condition":{"StringEqualz":{"aws:x":"y"}}`), "Invalid Condition type : StringEqualz"},
		{"operator names are case-sensitive", Identity, stmt(ok + `,"Condition":{"stringequals":{"aws:x":"y"}}`), "Invalid Condition type : stringequals"},
		{"Null takes no IfExists", Identity, stmt(ok + `,"Condition":{"NullIfExists":{"aws:x":"true"}}`), "Invalid Condition type : NullIfExists"},
		{"Null takes no set operator", Identity, stmt(ok + `,"Condition":{"ForAllValues:Null":{"aws:x":"true"}}`), "Invalid Condition type : ForAllValues:Null"},
		{"unknown set operator", Identity, stmt(ok + `,"Condition":{"ForSomeValues:StringEquals":{"aws:x":"y"}}`), "Invalid Condition type : ForSomeValues:StringEquals"},
		{"condition key without vendor", Identity, stmt(ok + `,"Condition":{"StringEquals":{"SourceArn":"y"}}`), "Actions/Conditions must be prefaced by a vendor, e.g., iam, sdb, ec2, etc."},
		{"Condition not an object", Identity, stmt(ok + `,"Condition":[]`), "Syntax errors in policy."},
		{"operator block not an object", Identity, stmt(ok + `,"Condition":{"StringEquals":"x"}`), "Syntax errors in policy."},
		{"null condition value", Identity, stmt(ok + `,"Condition":{"StringEquals":{"aws:x":null}}`), "Syntax errors in policy."},
		{"object condition value", Identity, stmt(ok + `,"Condition":{"StringEquals":{"aws:x":{"a":"b"}}}`), "Syntax errors in policy."},
		{"nested list condition value", Identity, stmt(ok + `,"Condition":{"StringEquals":{"aws:x":[["a"]]}}`), "Syntax errors in policy."},
	} {
		t.Run(c.name, func(t *testing.T) {
			p, err := Parse(c.doc, c.kind)
			if err == nil {
				t.Fatalf("Parse accepted %s: %+v", c.doc, p)
			}
			var perr *Error
			if !errors.As(err, &perr) {
				t.Fatalf("error %T is not *Error", err)
			}
			if perr.Reason != c.reason || err.Error() != c.reason {
				t.Errorf("reason = %q, want %q", perr.Reason, c.reason)
			}
		})
	}
}

func TestPolicyAccessors(t *testing.T) {
	p := mustParse(t, `{"Version":"2012-10-17","Id":"q/SQSDefaultPolicy","Statement":[
		{"Sid":"a","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::111122223333:root","444455556666"],"Service":"sns.amazonaws.com"},"Action":"sqs:*","Resource":"*"},
		{"Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:role/r"},"Action":"sqs:*","Resource":"*"}]}`, Resource)
	if p.Version != Version2012 || p.ID != "q/SQSDefaultPolicy" {
		t.Errorf("Version/ID = %q/%q", p.Version, p.ID)
	}
	if got := p.Sids(); !slices.Equal(got, []string{"a", ""}) {
		t.Errorf("Sids = %q", got)
	}
	if got := p.AWSPrincipals(); !slices.Equal(got, []string{"arn:aws:iam::111122223333:root", "444455556666", "arn:aws:iam::111122223333:role/r"}) {
		t.Errorf("AWSPrincipals = %q", got)
	}
	k := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"kms:Decrypt","Resource":"*",
		"Condition":{"ForAllValues:StringEquals":{"kms:EncryptionContext:aws:sqs:arn":"x"},"Bool":{"aws:SecureTransport":"true"}}}]}`, Key)
	if got := k.Conditions(); !slices.Equal(got, []ConditionUse{
		{0, "Bool", "aws:securetransport"}, {0, "ForAllValues:StringEquals", "kms:encryptioncontext:aws:sqs:arn"}}) {
		t.Errorf("Conditions = %+v", got)
	}
	if q := mustParse(t, `{"Statement":[]}`, Identity); q.Version != "" {
		t.Errorf("absent Version = %q", q.Version)
	}
}
