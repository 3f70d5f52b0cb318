package policy

import (
	"errors"
	"testing"
)

// seedPolicies are realistic documents of every kind, for the fuzzers.
func seedPolicies() []string {
	return []string{
		`{"Version":"2012-10-17","Statement":[{"Sid":"AllowS3ListRead","Effect":"Allow","Action":["s3:GetBucketLocation","s3:ListAllMyBuckets"],"Resource":"arn:aws:s3:::*"},
	 {"Sid":"AllowS3Self","Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:::carlossalazar/*","arn:aws:s3:::carlossalazar"]},
	 {"Sid":"DenyS3Logs","Effect":"Deny","Action":"s3:*","Resource":"arn:aws:s3:::*log*"}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"arn:aws:sqs:us-east-2:*:${aws:username}-queue"},
	 {"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":["","home/","home/${aws:username}/"]}}}]}`,
		`{"Version":"2012-10-17","Id":"arn:aws:sqs:us-east-1:111122223333:q/SQSDefaultPolicy","Statement":[{"Sid":"x","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"SQS:SendMessage","Resource":"arn:aws:sqs:us-east-1:111122223333:q"}]}`,
		`{"Statement":[{"Sid":"Allow-SNS-SendMessage","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":["sqs:SendMessage"],"Resource":"arn:aws:sqs:us-east-2:444455556666:MyQueue","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-2:444455556666:MyTopic"}}}]}`,
		`{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Effect":"Allow","Sid":"__default_statement_ID","Principal":{"AWS":"*"},"Action":["SNS:Publish","SNS:Subscribe"],"Resource":"arn:aws:sns:us-east-1:111122223333:t","Condition":{"StringEquals":{"AWS:SourceOwner":"111122223333"}}}]}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"X1"},"Bool":{"aws:MultiFactorAuthPresent":true}}}}`,
		`{"Version":"2012-10-17","Statement":[{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
	 {"Effect":"Allow","Principal":{"AWS":"*"},"Action":["kms:Decrypt","kms:GenerateDataKey*"],"Resource":"*","Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"sqs.us-east-1.amazonaws.com"}}}]}`,
		`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::444455556666:user/Bob","arn:aws:iam::444455556666:root"]},"NotAction":"s3:Get*","NotResource":"arn:aws:s3:::b/*"}]}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"*","Resource":"*","Condition":{
	 "NumericLessThanEquals":{"s3:max-keys":"10"},"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"},"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:DB8::/32"]},
	 "ForAllValues:StringLike":{"aws:TagKeys":["env*"]},"ForAnyValue:StringNotEqualsIfExists":{"aws:TagKeys":"x"},"Null":{"aws:TokenIssueTime":"true"},
	 "BinaryEquals":{"ex:b":"QQ=="},"ArnNotLike":{"aws:PrincipalArn":"arn:aws:iam::*:role/${aws:PrincipalTag/r, 'x'}"}}}}`,
		`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s?s:*Message*","Resource":"arn:aws:sqs:us-*:*:q${*}${?}"}}`,
	}
}

func FuzzParse(f *testing.F) {
	for _, doc := range seedPolicies() {
		f.Add(doc)
	}
	f.Add(`{"Version":"2012-10-17","Statement":[]}`)
	f.Add(`{"Statement":{"Effect":"Allow","Action":"a:b","Resource":"arn:${"}}`)
	f.Fuzz(func(t *testing.T, doc string) {
		req := &Request{Action: "sqs:SendMessage", Resource: qA, Principal: userP(acctA, "u"),
			Conditions: map[string][]string{"aws:username": {"u"}, "aws:sourceip": {"203.0.113.9"}, "aws:tagkeys": {"env", "x"}, "aws:currenttime": {"2024-01-01T00:00:00Z"}}}
		for _, kind := range []Kind{Identity, Resource, Trust, Key} {
			p, err := Parse(doc, kind)
			if err != nil {
				var perr *Error
				if !errors.As(err, &perr) || perr.Reason == "" {
					t.Fatalf("error %v (%T) is not an *Error with a reason", err, err)
				}
				continue
			}
			if p.Document() != doc {
				t.Fatal("Document() is not the input")
			}
			np := NamedPolicy{Name: "p", Policy: p}
			for i := range p.statements {
				p.statements[i].applies(req)
				p.statements[i].names(&req.Principal)
			}
			Evaluate(&Input{Request: *req, Identity: []NamedPolicy{np}, Resource: &np, ResourceAccount: acctA})
		}
	})
}

// FuzzEvaluate checks that a decision is always well formed: never a panic,
// an Allow never explicit, an explicit deny always with its Deny statement,
// an implicit deny always naming what did not allow.
func FuzzEvaluate(f *testing.F) {
	seeds := seedPolicies()
	for i, doc := range seeds {
		f.Add(doc, seeds[(i+3)%len(seeds)], "sqs:SendMessage", qA, uint8(i), "203.0.113.9", uint8(i))
	}
	types := []string{TypeAccount, TypeUser, TypeAssumedRole, TypeFederatedUser, TypeService, TypeAnonymous, TypeWebIdentity, ""}
	f.Fuzz(func(t *testing.T, idDoc, rpDoc, action, resource string, who uint8, ctxValue string, shape uint8) {
		identity, _ := Parse(idDoc, Identity)
		kinds := []Kind{Resource, Key, Trust}
		resourcePolicy, _ := Parse(rpDoc, kinds[int(shape)%len(kinds)])
		account := acctA
		if who&8 != 0 {
			account = acctB
		}
		p := Principal{
			Type: types[int(who)%len(types)], Account: account,
			ARN: "arn:aws:sts::" + account + ":assumed-role/r/s", RoleARN: "arn:aws:iam::" + account + ":role/r",
			Service: "sns.amazonaws.com", Federated: "accounts.google.com",
		}
		in := Input{
			Request: Request{Action: action, Resource: resource, Principal: p, Conditions: map[string][]string{
				"aws:username": {ctxValue}, "aws:sourceip": {ctxValue}, "aws:sourcearn": {ctxValue}, "aws:tagkeys": {ctxValue, "env"},
				"aws:currenttime": {ctxValue}, "s3:max-keys": {ctxValue}, "aws:securetransport": {ctxValue},
			}},
			ResourceAccount: acctA, ResourceKind: ResourceKind(shape % 3), SameAccountOnly: shape&4 != 0,
		}
		if identity != nil {
			in.Identity = []NamedPolicy{{Name: "id", Policy: identity}}
			if shape&8 != 0 {
				in.Boundary = &NamedPolicy{Name: "boundary", Policy: identity}
			}
			if shape&16 != 0 {
				in.Session = in.Identity
			}
		}
		if resourcePolicy != nil {
			in.Resource = &NamedPolicy{Name: "rp", Policy: resourcePolicy}
		}
		d := Evaluate(&in)
		switch {
		case d.Allowed:
			if d.Explicit || d.Missing != "" || d.DeniedIn != "" {
				t.Fatalf("inconsistent allow: %+v", d)
			}
			if d.By != nil && d.By.Effect != "Allow" {
				t.Fatalf("allowed by a %s", d.By.Effect)
			}
		case d.Explicit:
			if d.By == nil || d.By.Effect != "Deny" || d.DeniedIn == "" || d.Missing != "" {
				t.Fatalf("inconsistent explicit deny: %+v %+v", d, d.By)
			}
		default:
			if d.By != nil || d.Missing == "" || d.DeniedIn != "" {
				t.Fatalf("inconsistent implicit deny: %+v", d)
			}
		}
		if msg := d.Message(p.ARN, action, resource); (msg == "") != d.Allowed {
			t.Fatalf("message %q for %+v", msg, d)
		}
	})
}
