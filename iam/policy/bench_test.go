package policy

import "testing"

// benchInput is a realistic request: a user's SendMessage to a queue in its
// own account, decided over an identity policy of five statements with
// conditions and a queue policy of three.
func benchInput(b *testing.B) *Input {
	identity := named(b, "user/alice inline policy app", `{"Version":"2012-10-17","Statement":[
		{"Sid":"DenyProdOutsideTeam","Effect":"Deny","Action":"sqs:*","Resource":"arn:aws:sqs:*:*:*-prod",
		 "Condition":{"StringNotEquals":{"aws:PrincipalTag/env":"prod"}}},
		{"Sid":"NoDelete","Effect":"Deny","Action":["sqs:DeleteQueue","sqs:PurgeQueue"],"Resource":"*"},
		{"Sid":"Publish","Effect":"Allow","Action":"sns:Publish","Resource":"arn:aws:sns:*:111122223333:*",
		 "Condition":{"IpAddress":{"aws:SourceIp":["10.0.0.0/8","203.0.113.0/24"]}}},
		{"Sid":"Describe","Effect":"Allow","Action":["sqs:GetQueueAttributes","sqs:ListQueues"],"Resource":"*",
		 "Condition":{"Bool":{"aws:SecureTransport":"true"}}},
		{"Sid":"OwnQueues","Effect":"Allow","Action":["sqs:SendMessage","sqs:ReceiveMessage","sqs:DeleteMessage"],
		 "Resource":"arn:aws:sqs:us-east-1:111122223333:${aws:username}-*",
		 "Condition":{"StringEquals":{"aws:RequestedRegion":"us-east-1"},"DateLessThan":{"aws:CurrentTime":"2030-01-01T00:00:00Z"}}}]}`, Identity)
	queue := namedPtr(b, "queue policy", `{"Version":"2012-10-17","Id":"arn:aws:sqs:us-east-1:111122223333:alice-orders/SQSDefaultPolicy","Statement":[
		{"Sid":"Allow-SNS-SendMessage","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:SendMessage",
		 "Resource":"arn:aws:sqs:us-east-1:111122223333:alice-orders","Condition":{"ArnEquals":{"aws:SourceArn":"arn:aws:sns:us-east-1:111122223333:orders"}}},
		{"Sid":"partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":["SQS:SendMessage","SQS:GetQueueUrl"],
		 "Resource":"arn:aws:sqs:us-east-1:111122223333:alice-orders"},
		{"Sid":"DenyInsecure","Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"arn:aws:sqs:us-east-1:111122223333:alice-orders",
		 "Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, Resource)
	return &Input{
		Request: Request{
			Action:    "sqs:SendMessage",
			Resource:  "arn:aws:sqs:us-east-1:111122223333:alice-orders",
			Principal: userP(acctA, "alice"),
			Conditions: map[string][]string{
				"aws:username":         {"alice"},
				"aws:userid":           {"AIDAJQABLZS4A3QDU576Q"},
				"aws:principalarn":     {"arn:aws:iam::111122223333:user/alice"},
				"aws:principalaccount": {acctA},
				"aws:principaltype":    {"User"},
				"aws:principaltag/env": {"dev"},
				"aws:securetransport":  {"true"},
				"aws:sourceip":         {"10.1.2.3"},
				"aws:currenttime":      {"2026-12-02T15:06:31Z"},
				"aws:epochtime":        {"1796223991"},
				"aws:requestedregion":  {"us-east-1"},
				"aws:useragent":        {"aws-sdk-go-v2/1.48.0"},
			},
		},
		Identity:        []NamedPolicy{identity},
		Resource:        queue,
		ResourceAccount: acctA,
	}
}

func BenchmarkEvaluate(b *testing.B) {
	in := benchInput(b)
	if d := Evaluate(in); !d.Allowed || d.By == nil || d.By.Sid != "OwnQueues" {
		b.Fatalf("decision %+v %+v", d, d.By)
	}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(in)
	}
}

// BenchmarkEvaluateCrossAccount is the partner account's caller, decided
// by both sides.
func BenchmarkEvaluateCrossAccount(b *testing.B) {
	in := benchInput(b)
	in.Request.Principal = userP(acctB, "partner")
	in.Identity = []NamedPolicy{named(b, "partner policy", idDoc("Allow", "sqs:SendMessage", "arn:aws:sqs:*:111122223333:*"), Identity)}
	if d := Evaluate(in); !d.Allowed || d.By == nil || d.By.Sid != "partner" {
		b.Fatalf("decision %+v %+v", d, d.By)
	}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(in)
	}
}

// BenchmarkEvaluateImplicitDeny walks every statement and allocates nothing.
func BenchmarkEvaluateImplicitDeny(b *testing.B) {
	in := benchInput(b)
	in.Request.Resource = "arn:aws:sqs:us-east-1:111122223333:bob-orders"
	if d := Evaluate(in); d.Allowed || d.Missing != PolicyIdentityBased {
		b.Fatalf("decision %+v", d)
	}
	b.ReportAllocs()
	for b.Loop() {
		Evaluate(in)
	}
}

func BenchmarkParse(b *testing.B) {
	doc := benchInput(b).Identity[0].Policy.Document()
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(doc, Identity); err != nil {
			b.Fatal(err)
		}
	}
}
