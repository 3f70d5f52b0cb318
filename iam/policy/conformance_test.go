package policy

import "testing"

// The 25 conformance cases of the identity reference (§7), as far as they are
// the engine's: each check is one Evaluate with its expected decision and,
// where given, the exact access-denied message. Where the rest of a case
// belongs to another package (STS parameter validation, KMS cryptography,
// SNS delivery), note says which, and the check pins what the engine must
// answer for that package to behave as AWS does.
func TestConformance(t *testing.T) {
	type check struct {
		name    string
		in      Input
		want    want
		sid     string // the deciding statement's Sid, when checked
		message string // the whole access-denied message, when checked
	}
	type testCase struct {
		n      int
		title  string
		doc    string
		note   string
		checks []check
	}

	carlosID := named(t, "user/carlos inline policy logs", `{"Version":"2012-10-17","Statement":[
		{"Sid":"AllowSQS","Effect":"Allow","Action":"sqs:*","Resource":"*"},
		{"Sid":"DenyLogs","Effect":"Deny","Action":"sqs:*","Resource":"arn:aws:sqs:*:*:*log*"}]}`, Identity)

	sendID := named(t, "user/u inline policy send", idDoc("Allow", "sqs:SendMessage", qA), Identity)
	rpUser := namedPtr(t, "queue policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::111122223333:user/u"},"Action":"sqs:SendMessage","Resource":"`+qA+`"}]}`, Resource)
	// What SQS AddPermission(Label=x, AWSAccountIds=[A], Actions=[SendMessage]) renders.
	rpAddPermission := namedPtr(t, "queue policy", `{"Version":"2012-10-17","Id":"`+qA+`/SQSDefaultPolicy","Statement":[{"Sid":"x","Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"SQS:SendMessage","Resource":"`+qA+`"}]}`, Resource)
	rpRoleB := namedPtr(t, "queue policy", `{"Version":"2012-10-17","Statement":[{"Sid":"B-role","Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::444455556666:role/r"},"Action":"sqs:SendMessage","Resource":"`+qA+`"}]}`, Resource)
	idRoleB := named(t, "role/r inline policy send", idDoc("Allow", "sqs:SendMessage", qA), Identity)
	rpAccountB := namedPtr(t, "queue policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"AWS":"444455556666"},"Action":"sqs:*","Resource":"`+qA+`"}]}`, Resource)
	idAllSQS := named(t, "role/r inline policy sqs", idDoc("Allow", "sqs:*", "*"), Identity)

	snsRP := func(principal string) *NamedPolicy {
		return namedPtr(t, "queue policy", `{"Version":"2012-10-17","Statement":[{"Sid":"Allow-SNS-SendMessage","Effect":"Allow",
			"Principal":`+principal+`,"Action":["sqs:SendMessage"],"Resource":"`+qA+`",
			"Condition":{"ArnEquals":{"aws:SourceArn":"`+tA+`"}}}]}`, Resource)
	}
	delivery := func(topic string) Request {
		return Request{Action: "sqs:SendMessage", Resource: qA, Principal: serviceP("sns.amazonaws.com"),
			Conditions: map[string][]string{"aws:sourcearn": {topic}, "aws:sourceaccount": {acctA}}}
	}

	orgRP := namedPtr(t, "queue policy", `{"Version":"2012-10-17","Statement":[
		{"Sid":"AllowB","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"sqs:*","Resource":"`+qA+`"},
		{"Sid":"DenyOutsideOrg","Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"`+qA+`",
		 "Condition":{"StringNotEquals":{"aws:PrincipalOrgID":"o-abc"}}}]}`, Resource)

	tagID := named(t, "user/u inline policy publish", `{"Version":"2012-10-17","Statement":[
		{"Sid":"Publish","Effect":"Allow","Action":"sns:Publish","Resource":"`+tA+`"},
		{"Sid":"OnlyBlue","Effect":"Deny","Action":"sns:Publish","Resource":"`+tA+`",
		 "Condition":{"StringNotEqualsIfExists":{"aws:PrincipalTag/team":"blue"}}}]}`, Identity)

	tagQueue := func(set string) NamedPolicy {
		return named(t, "user/u inline policy tag", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:TagQueue",
			"Resource":"`+qA+`","Condition":{"`+set+`:StringEquals":{"aws:TagKeys":["env"]}}}]}`, Identity)
	}

	tlsRP := namedPtr(t, "queue policy", `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecure","Effect":"Deny","Principal":"*",
		"Action":"sqs:*","Resource":"`+qA+`","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, Resource)

	receiveOnly := named(t, "session policy", idDoc("Allow", "sqs:ReceiveMessage", "*"), Identity)
	boundaryReceive := namedPtr(t, "permissions boundary", idDoc("Allow", "sqs:ReceiveMessage", "*"), Identity)
	boundaryNoSQS := namedPtr(t, "permissions boundary", idDoc("Allow", "sns:*", "*"), Identity)
	rpRoleA := namedPtr(t, "queue policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::111122223333:role/r"},"Action":"sqs:SendMessage","Resource":"`+qA+`"}]}`, Resource)
	rpSessionA := namedPtr(t, "queue policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"AWS":"arn:aws:sts::111122223333:assumed-role/r/s"},"Action":"sqs:SendMessage","Resource":"`+qA+`"}]}`, Resource)

	vendorRole := "arn:aws:iam::111122223333:role/Vendor"
	vendorTrust := namedPtr(t, "role trust policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"AWS":"444455556666"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"sts:ExternalId":"X1"}}}]}`, Trust)
	assumeID := named(t, "user/u inline policy assume", idDoc("Allow", "sts:AssumeRole", vendorRole), Identity)
	assume := func(externalID ...string) Input {
		ctx := map[string][]string{}
		if externalID != nil {
			ctx["sts:externalid"] = externalID
		}
		return Input{Request: Request{Action: "sts:AssumeRole", Resource: vendorRole, Principal: userP(acctB, "u"), Conditions: ctx},
			Identity: []NamedPolicy{assumeID}, Resource: vendorTrust, ResourceAccount: acctA, ResourceKind: TrustResource}
	}

	r2Trust := namedPtr(t, "role trust policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::111122223333:role/r1"},"Action":"sts:AssumeRole"}]}`, Trust)

	keyAdminOnly := namedPtr(t, "key policy", `{"Version":"2012-10-17","Statement":[{"Sid":"Admin","Effect":"Allow",
		"Principal":{"AWS":"arn:aws:iam::111122223333:user/admin"},"Action":"kms:*","Resource":"*"}]}`, Key)
	// The default key policy: one statement, the account root, kms:*.
	// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
	keyDefault := namedPtr(t, "key policy", `{"Version":"2012-10-17","Id":"key-default-1","Statement":[{"Sid":"Enable IAM User Permissions",
		"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"}]}`, Key)
	decryptID := named(t, "user/u inline policy decrypt", idDoc("Allow", "kms:Decrypt", kA), Identity)
	kmsID := named(t, "user/u inline policy kms", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":["kms:Encrypt","kms:Decrypt","kms:GenerateDataKey"],"Resource":"`+kA+`"}]}`, Identity)
	kmsReq := func(action string) Request {
		return Request{Action: action, Resource: kA, Principal: userP(acctA, "u")}
	}

	publishOnly := named(t, "user/p inline policy publish", idDoc("Allow", "sns:Publish", tA), Identity)
	sendOnly := named(t, "user/p inline policy send", idDoc("Allow", "sqs:SendMessage", qA), Identity)
	sseID := named(t, "user/p inline policy sse", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow",
		"Action":["kms:GenerateDataKey","kms:Decrypt"],"Resource":"`+kA+`"}]}`, Identity)
	// The policy of the AWS-managed key alias/aws/sqs.
	awsManagedSQS := namedPtr(t, "key policy", `{"Version":"2012-10-17","Id":"auto-sqs-2","Statement":[
		{"Sid":"Allow access through Simple Queue Service (SQS) for all principals in the account that are authorized to use SQS",
		 "Effect":"Allow","Principal":{"AWS":"*"},
		 "Action":["kms:Encrypt","kms:Decrypt","kms:ReEncrypt*","kms:GenerateDataKey*","kms:CreateGrant","kms:DescribeKey"],"Resource":"*",
		 "Condition":{"StringEquals":{"kms:CallerAccount":"111122223333","kms:ViaService":"sqs.us-east-1.amazonaws.com"}}},
		{"Sid":"Allow direct access to key metadata to the account","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},
		 "Action":["kms:Describe*","kms:Get*","kms:List*","kms:RevokeGrant"],"Resource":"*"}]}`, Key)
	cmkForSNS := namedPtr(t, "key policy", `{"Version":"2012-10-17","Statement":[
		{"Sid":"Enable IAM User Permissions","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"kms:*","Resource":"*"},
		{"Sid":"AllowSNS","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":["kms:GenerateDataKey*","kms:Decrypt"],"Resource":"*",
		 "Condition":{"ArnEquals":{"aws:SourceArn":"`+tA+`"}}}]}`, Key)
	snsKMS := Request{Action: "kms:GenerateDataKey", Resource: kA, Principal: serviceP("sns.amazonaws.com"),
		Conditions: map[string][]string{"aws:sourcearn": {tA}, "aws:sourceaccount": {acctA}}}

	cases := []testCase{
		{n: 1, title: "explicit deny beats allow", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policies_evaluation_example",
			checks: []check{{
				name: "Deny on *log* wins over Allow sqs:*",
				in: Input{Request: Request{Action: "sqs:SendMessage", Resource: "arn:aws:sqs:us-east-1:111122223333:app-logs", Principal: userP(acctA, "carlos")},
					Identity: []NamedPolicy{carlosID}},
				want: "ExplicitDeny identity-based", sid: "DenyLogs",
				message: "User: arn:aws:iam::111122223333:user/carlos is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:111122223333:app-logs with an explicit deny in an identity-based policy",
			}, {
				name: "the Allow applies elsewhere",
				in: Input{Request: Request{Action: "sqs:SendMessage", Resource: qA, Principal: userP(acctA, "carlos")},
					Identity: []NamedPolicy{carlosID}},
				want: "Allow", sid: "AllowSQS",
			}}},
		{n: 2, title: "same account: a resource policy naming the user suffices", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policies_evaluation_example",
			checks: []check{{
				name: "no identity policy",
				in:   Input{Request: Request{Action: "sqs:SendMessage", Resource: qA, Principal: userP(acctA, "u")}, Resource: rpUser, ResourceAccount: acctA},
				want: "Allow",
			}}},
		{n: 3, title: "same account: a resource policy naming the account only delegates", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts",
			checks: []check{{
				name: "AddPermission grant to the own account, no identity policy",
				in:   Input{Request: Request{Action: "sqs:SendMessage", Resource: qA, Principal: userP(acctA, "u")}, Resource: rpAddPermission, ResourceAccount: acctA},
				want: "Deny identity-based",
				message: "User: arn:aws:iam::111122223333:user/u is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:111122223333:qA " +
					"because no identity-based policy allows the sqs:sendmessage action",
			}, {
				name: "with an identity policy allowing it",
				in: Input{Request: Request{Action: "sqs:SendMessage", Resource: qA, Principal: userP(acctA, "u")}, Identity: []NamedPolicy{sendID},
					Resource: rpAddPermission, ResourceAccount: acctA},
				want: "Allow",
			}}},
		{n: 4, title: "cross account: resource policy without identity policy", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html",
			checks: []check{{
				name: "role session of B named by the queue policy",
				in:   Input{Request: Request{Action: "sqs:SendMessage", Resource: qA, Principal: sessionP(acctB, "r", "s")}, Resource: rpRoleB, ResourceAccount: acctA},
				want: "Deny identity-based",
			}}},
		{n: 5, title: "cross account: identity policy without resource policy", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html",
			checks: []check{{
				name: "queue without policy",
				in:   Input{Request: Request{Action: "sqs:SendMessage", Resource: qA, Principal: sessionP(acctB, "r", "s")}, Identity: []NamedPolicy{idRoleB}, ResourceAccount: acctA},
				want: "Deny resource-based",
				message: "User: arn:aws:sts::444455556666:assumed-role/r/s is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:111122223333:qA " +
					"because no resource-based policy allows the sqs:sendmessage action",
			}}},
		{n: 6, title: "cross account: both allow", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html",
			checks: []check{{
				name: "identity and queue policy",
				in: Input{Request: Request{Action: "sqs:SendMessage", Resource: qA, Principal: sessionP(acctB, "r", "s")}, Identity: []NamedPolicy{idRoleB},
					Resource: rpRoleB, ResourceAccount: acctA},
				want: "Allow", sid: "B-role",
			}}},
		{n: 7, title: "never cross account", doc: "https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-limitations-of-custom-policies.html",
			note: "which actions are same-account only is the service's action table; the engine honours Input.SameAccountOnly",
			checks: []check{{
				name: "SetQueueAttributes from B, both sides allowing sqs:*",
				in: Input{Request: Request{Action: "sqs:SetQueueAttributes", Resource: qA, Principal: sessionP(acctB, "r", "s")}, Identity: []NamedPolicy{idAllSQS},
					Resource: rpAccountB, ResourceAccount: acctA, SameAccountOnly: true},
				want: "Deny resource-based",
			}, {
				name: "the same owner may",
				in: Input{Request: Request{Action: "sqs:SetQueueAttributes", Resource: qA, Principal: sessionP(acctA, "r", "s")}, Identity: []NamedPolicy{idAllSQS},
					ResourceAccount: acctA, SameAccountOnly: true},
				want: "Allow",
			}}},
		{n: 8, title: "SNS to SQS delivery with aws:SourceArn", doc: "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html",
			note: "publishing and delivering are the SNS package's; the engine decides the delivery",
			checks: []check{
				{name: "Service principal", in: Input{Request: delivery(tA), Resource: snsRP(`{"Service":"sns.amazonaws.com"}`), ResourceAccount: acctA}, want: "Allow", sid: "Allow-SNS-SendMessage"},
				{name: "console form {AWS:*}", in: Input{Request: delivery(tA), Resource: snsRP(`{"AWS":"*"}`), ResourceAccount: acctA}, want: "Allow"},
				{name: `"Principal":"*"`, in: Input{Request: delivery(tA), Resource: snsRP(`"*"`), ResourceAccount: acctA}, want: "Allow"},
			}},
		{n: 9, title: "SNS to SQS delivery from another topic", doc: "https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html",
			checks: []check{
				{name: "Service principal", in: Input{Request: delivery(tB), Resource: snsRP(`{"Service":"sns.amazonaws.com"}`), ResourceAccount: acctA}, want: "Deny resource-based"},
				{name: "console form {AWS:*}", in: Input{Request: delivery(tB), Resource: snsRP(`{"AWS":"*"}`), ResourceAccount: acctA}, want: "Deny resource-based"},
				{name: "queue without policy", in: Input{Request: delivery(tA), ResourceAccount: acctA}, want: "Deny resource-based"},
			}},
		{n: 10, title: "condition key absent on a direct call", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN",
			checks: []check{{
				name: "aws:SourceArn missing makes ArnEquals false",
				in:   Input{Request: Request{Action: "sqs:SendMessage", Resource: qA, Principal: userP(acctA, "u")}, Resource: snsRP(`"*"`), ResourceAccount: acctA},
				want: "Deny identity-based",
			}}},
		{n: 11, title: "negated operator with a missing key", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html",
			checks: []check{{
				name: "no aws:PrincipalOrgID makes StringNotEquals true",
				in: Input{Request: Request{Action: "sqs:SendMessage", Resource: qA, Principal: userP(acctB, "x")}, Identity: []NamedPolicy{idAllSQS},
					Resource: orgRP, ResourceAccount: acctA},
				want: "ExplicitDeny resource-based", sid: "DenyOutsideOrg",
				message: "User: arn:aws:iam::444455556666:user/x is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:111122223333:qA " +
					"with an explicit deny in a resource-based policy",
			}, {
				name: "inside the organization",
				in: Input{Request: Request{Action: "sqs:SendMessage", Resource: qA, Principal: userP(acctB, "x"), Conditions: map[string][]string{"aws:principalorgid": {"o-abc"}}},
					Identity: []NamedPolicy{idAllSQS}, Resource: orgRP, ResourceAccount: acctA},
				want: "Allow", sid: "AllowB",
			}}},
		{n: 12, title: "Deny with …IfExists and the key absent", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_IfExists",
			checks: []check{
				{name: "no team tag", in: Input{Request: Request{Action: "sns:Publish", Resource: tA, Principal: userP(acctA, "u")}, Identity: []NamedPolicy{tagID}},
					want: "ExplicitDeny identity-based", sid: "OnlyBlue"},
				{name: "team=red", in: Input{Request: Request{Action: "sns:Publish", Resource: tA, Principal: userP(acctA, "u"), Conditions: map[string][]string{"aws:principaltag/team": {"red"}}},
					Identity: []NamedPolicy{tagID}}, want: "ExplicitDeny identity-based"},
				{name: "team=blue", in: Input{Request: Request{Action: "sns:Publish", Resource: tA, Principal: userP(acctA, "u"), Conditions: map[string][]string{"aws:principaltag/team": {"blue"}}},
					Identity: []NamedPolicy{tagID}}, want: "Allow", sid: "Publish"},
			}},
		{n: 13, title: "ForAllValues over an empty set", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html",
			checks: []check{
				{name: "ForAllValues, no tags: vacuously true", in: Input{Request: Request{Action: "sqs:TagQueue", Resource: qA, Principal: userP(acctA, "u")},
					Identity: []NamedPolicy{tagQueue("ForAllValues")}}, want: "Allow"},
				{name: "ForAnyValue, no tags: false", in: Input{Request: Request{Action: "sqs:TagQueue", Resource: qA, Principal: userP(acctA, "u")},
					Identity: []NamedPolicy{tagQueue("ForAnyValue")}}, want: "Deny identity-based"},
				{name: "ForAllValues, env and team", in: Input{Request: Request{Action: "sqs:TagQueue", Resource: qA, Principal: userP(acctA, "u"),
					Conditions: map[string][]string{"aws:tagkeys": {"env", "team"}}}, Identity: []NamedPolicy{tagQueue("ForAllValues")}}, want: "Deny identity-based"},
			}},
		{n: 14, title: "aws:SecureTransport", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_Boolean",
			checks: []check{
				{name: "over http", in: Input{Request: Request{Action: "sqs:SendMessage", Resource: qA, Principal: userP(acctA, "u"), Conditions: map[string][]string{"aws:securetransport": {"false"}}},
					Identity: []NamedPolicy{sendID}, Resource: tlsRP, ResourceAccount: acctA}, want: "ExplicitDeny resource-based", sid: "DenyInsecure"},
				{name: "over https", in: Input{Request: Request{Action: "sqs:SendMessage", Resource: qA, Principal: userP(acctA, "u"), Conditions: map[string][]string{"aws:securetransport": {"true"}}},
					Identity: []NamedPolicy{sendID}, Resource: tlsRP, ResourceAccount: acctA}, want: "Allow"},
			}},
		{n: 15, title: "a session policy narrows", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-denyallow",
			checks: []check{{
				name: "role allows sqs:*, session policy only ReceiveMessage",
				in: Input{Request: Request{Action: "sqs:SendMessage", Resource: qA, Principal: sessionP(acctA, "r", "s")}, Identity: []NamedPolicy{idAllSQS},
					Session: []NamedPolicy{receiveOnly}, ResourceAccount: acctA},
				want: "Deny session",
				message: "User: arn:aws:sts::111122223333:assumed-role/r/s is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:111122223333:qA " +
					"because no session policy allows the sqs:sendmessage action",
			}}},
		{n: 16, title: "boundary vs a resource policy naming the user", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-eval-logic",
			checks: []check{{
				name: "(a) identity allows, boundary does not",
				in: Input{Request: Request{Action: "sqs:SendMessage", Resource: qA, Principal: userP(acctA, "u")}, Identity: []NamedPolicy{sendID},
					Boundary: boundaryReceive, ResourceAccount: acctA},
				want: "Deny permissions boundary",
				message: "User: arn:aws:iam::111122223333:user/u is not authorized to perform: sqs:sendmessage on resource: arn:aws:sqs:us-east-1:111122223333:qA " +
					"because no permissions boundary allows the sqs:sendmessage action",
			}, {
				name: "(b) the queue policy names the user",
				in: Input{Request: Request{Action: "sqs:SendMessage", Resource: qA, Principal: userP(acctA, "u")}, Identity: []NamedPolicy{sendID},
					Boundary: boundaryReceive, Resource: rpUser, ResourceAccount: acctA},
				want: "Allow",
			}}},
		{n: 17, title: "boundary vs a resource policy naming the role or the session", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-denyallow",
			checks: []check{{
				name: "(a) names the role: the boundary's implicit deny applies",
				in: Input{Request: Request{Action: "sqs:SendMessage", Resource: qA, Principal: sessionP(acctA, "r", "s")}, Identity: []NamedPolicy{idAllSQS},
					Boundary: boundaryNoSQS, Resource: rpRoleA, ResourceAccount: acctA},
				want: "Deny permissions boundary",
			}, {
				name: "(b) names the session: granted directly",
				in: Input{Request: Request{Action: "sqs:SendMessage", Resource: qA, Principal: sessionP(acctA, "r", "s")}, Identity: []NamedPolicy{idAllSQS},
					Boundary: boundaryNoSQS, Resource: rpSessionA, ResourceAccount: acctA},
				want: "Allow",
			}}},
		{n: 18, title: "AssumeRole with ExternalId", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_create_for-user_externalid.html",
			note: "the credentials and ARNs of the session are the STS package's",
			checks: []check{
				{name: "no ExternalId", in: assume(), want: "Deny role trust",
					message: "User: arn:aws:iam::444455556666:user/u is not authorized to perform: sts:AssumeRole on resource: arn:aws:iam::111122223333:role/Vendor " +
						"because no role trust policy allows the sts:AssumeRole action"},
				{name: "wrong ExternalId", in: assume("X2"), want: "Deny role trust"},
				{name: "ExternalId X1", in: assume("X1"), want: "Allow"},
				{name: "X1 but no identity allow in B", in: func() Input { in := assume("X1"); in.Identity = nil; return in }(), want: "Deny identity-based"},
			}},
		{n: 19, title: "role-chaining cap", doc: "https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#iam-term-role-chaining",
			note: "the 1 h ValidationError is STS parameter validation; the engine must allow the chained AssumeRole itself",
			checks: []check{{
				name: "session of r1 assumes r2, trusted by name",
				in: Input{Request: Request{Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/r2", Principal: sessionP(acctA, "r1", "s")},
					Resource: r2Trust, ResourceAccount: acctA, ResourceKind: TrustResource},
				want: "Allow",
			}}},
		{n: 20, title: "STS parameter validation", doc: "https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html",
			note: "RoleSessionName, DurationSeconds and MaxSessionDuration are validated by STS before authorization",
			checks: []check{{
				name: "a trusted caller is allowed; the errors are not authorization's",
				in: Input{Request: Request{Action: "sts:AssumeRole", Resource: "arn:aws:iam::111122223333:role/r2", Principal: sessionP(acctA, "r1", "s")},
					Resource: r2Trust, ResourceAccount: acctA, ResourceKind: TrustResource},
				want: "Allow",
			}}},
		{n: 21, title: "GetCallerIdentity ignores deny", doc: "https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html",
			note: "STS answers GetCallerIdentity without asking the engine; asked, the engine reports the deny",
			checks: []check{{
				name: "explicit deny of sts:GetCallerIdentity",
				in: Input{Request: Request{Action: "sts:GetCallerIdentity", Resource: "*", Principal: sessionP(acctA, "r", "s")},
					Identity: []NamedPolicy{named(t, "role/r inline policy", idDoc("Deny", "sts:GetCallerIdentity", "*"), Identity)}},
				want: "ExplicitDeny identity-based",
			}}},
		{n: 22, title: "a key policy must allow even in the same account", doc: "https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html",
			checks: []check{{
				name: "key policy names only admin",
				in:   Input{Request: kmsReq("kms:Decrypt"), Identity: []NamedPolicy{decryptID}, Resource: keyAdminOnly, ResourceAccount: acctA, ResourceKind: KeyResource},
				want: "Deny resource-based",
				message: "User: arn:aws:iam::111122223333:user/u is not authorized to perform: kms:Decrypt on resource: " + kA +
					" because no resource-based policy allows the kms:Decrypt action",
			}, {
				name: "default key policy delegates to IAM",
				in:   Input{Request: kmsReq("kms:Decrypt"), Identity: []NamedPolicy{decryptID}, Resource: keyDefault, ResourceAccount: acctA, ResourceKind: KeyResource},
				want: "Allow",
			}, {
				name: "default key policy, no identity allow",
				in:   Input{Request: kmsReq("kms:Decrypt"), Resource: keyDefault, ResourceAccount: acctA, ResourceKind: KeyResource},
				want: "Deny identity-based",
			}, {
				name: "the root needs the key policy too",
				in:   Input{Request: Request{Action: "kms:Decrypt", Resource: kA, Principal: rootP(acctA)}, Resource: keyAdminOnly, ResourceAccount: acctA, ResourceKind: KeyResource},
				want: "Deny resource-based",
			}}},
		{n: 23, title: "encryption context is AAD", doc: "https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#encrypt_context",
			note: "InvalidCiphertextException is KMS's; authorization allows both calls",
			checks: []check{
				{name: "Encrypt", in: Input{Request: kmsReq("kms:Encrypt"), Identity: []NamedPolicy{kmsID}, Resource: keyDefault, ResourceAccount: acctA, ResourceKind: KeyResource}, want: "Allow"},
				{name: "Decrypt", in: Input{Request: kmsReq("kms:Decrypt"), Identity: []NamedPolicy{kmsID}, Resource: keyDefault, ResourceAccount: acctA, ResourceKind: KeyResource}, want: "Allow"},
			}},
		{n: 24, title: "key identity and state errors", doc: "https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html",
			note: "IncorrectKeyException, DisabledException and KMSInvalidStateException are KMS's; authorization allows the calls",
			checks: []check{
				{name: "Decrypt by an allowed user", in: Input{Request: kmsReq("kms:Decrypt"), Identity: []NamedPolicy{kmsID}, Resource: keyDefault, ResourceAccount: acctA, ResourceKind: KeyResource}, want: "Allow"},
			}},
		{n: 25, title: "SSE paths surface KMS denials", doc: "https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html",
			note: "KMSAccessDenied / KmsAccessDenied and the failed delivery are SNS's and SQS's; the engine decides the KMS calls",
			checks: []check{{
				name: "(a) publisher allowed only sns:Publish",
				in: Input{Request: Request{Action: "kms:GenerateDataKey", Resource: kA, Principal: userP(acctA, "p")}, Identity: []NamedPolicy{publishOnly},
					Resource: keyDefault, ResourceAccount: acctA, ResourceKind: KeyResource},
				want: "Deny identity-based",
			}, {
				name: "(b) sender allowed only sqs:SendMessage",
				in: Input{Request: Request{Action: "kms:Decrypt", Resource: kA, Principal: userP(acctA, "p")}, Identity: []NamedPolicy{sendOnly},
					Resource: keyDefault, ResourceAccount: acctA, ResourceKind: KeyResource},
				want: "Deny identity-based",
			}, {
				name: "(a, b) with kms:GenerateDataKey and kms:Decrypt",
				in: Input{Request: Request{Action: "kms:GenerateDataKey", Resource: kA, Principal: userP(acctA, "p")}, Identity: []NamedPolicy{publishOnly, sseID},
					Resource: keyDefault, ResourceAccount: acctA, ResourceKind: KeyResource},
				want: "Allow",
			}, {
				name: "(c) sns.amazonaws.com on the AWS-managed key alias/aws/sqs",
				in:   Input{Request: snsKMS, Resource: awsManagedSQS, ResourceAccount: acctA, ResourceKind: KeyResource},
				want: "Deny resource-based",
			}, {
				name: "(c) sns.amazonaws.com on a key with only the default policy",
				in:   Input{Request: snsKMS, Resource: keyDefault, ResourceAccount: acctA, ResourceKind: KeyResource},
				want: "Deny resource-based",
			}, {
				name: "(c) sns.amazonaws.com on a customer-managed key that trusts SNS for tA",
				in:   Input{Request: snsKMS, Resource: cmkForSNS, ResourceAccount: acctA, ResourceKind: KeyResource},
				want: "Allow", sid: "AllowSNS",
			}, {
				name: "the user through SQS on the AWS-managed key",
				in: Input{Request: Request{Action: "kms:GenerateDataKey", Resource: kA, Principal: userP(acctA, "p"),
					Conditions: map[string][]string{"kms:calleraccount": {acctA}, "kms:viaservice": {"sqs.us-east-1.amazonaws.com"}}},
					Identity: []NamedPolicy{sendOnly}, Resource: awsManagedSQS, ResourceAccount: acctA, ResourceKind: KeyResource},
				want: "Allow",
			}}},
	}
	if len(cases) != 25 {
		t.Fatalf("%d cases, want the reference's 25", len(cases))
	}
	for i, tc := range cases {
		if tc.n != i+1 {
			t.Fatalf("case %d out of order", tc.n)
		}
		for _, c := range tc.checks {
			t.Run(tc.title+"/"+c.name, func(t *testing.T) {
				t.Logf("§7 #%d, %s", tc.n, tc.doc)
				d := Evaluate(&c.in)
				checkDecision(t, d, c.want)
				if c.sid != "" && (d.By == nil || d.By.Sid != c.sid) {
					t.Errorf("By = %+v, want Sid %q", d.By, c.sid)
				}
				if c.message != "" {
					action := c.in.Request.Action
					if c.in.ResourceKind == Ordinary && action[:4] == "sqs:" {
						action = asciiLower(action) // SQS renders its action lower-case
					}
					if got := d.Message(c.in.Request.Principal.ARN, action, c.in.Request.Resource); got != c.message {
						t.Errorf("Message =\n  %s\nwant\n  %s", got, c.message)
					}
				}
			})
		}
	}
}
