package policy

import "testing"

// rp is a resource policy of one statement.
func rp(t *testing.T, effect, principal, action, resource string) *NamedPolicy {
	t.Helper()
	return namedPtr(t, "queue policy", `{"Version":"2012-10-17","Statement":[{"Sid":"S","Effect":"`+effect+`","Principal":`+principal+
		`,"Action":"`+action+`","Resource":"`+resource+`"}]}`, Resource)
}

func id(t *testing.T, effect, action, resource string) []NamedPolicy {
	t.Helper()
	return []NamedPolicy{named(t, "identity", idDoc(effect, action, resource), Identity)}
}

func send(p Principal) Request {
	return Request{Action: "sqs:SendMessage", Resource: qA, Principal: p}
}

type evalCase struct {
	name string
	in   Input
	want want
}

func runEvalCases(t *testing.T, cases []evalCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			checkDecision(t, Evaluate(&c.in), c.want)
		})
	}
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-denyallow
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
func TestRootUser(t *testing.T) {
	keyRoot := namedPtr(t, "key policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"kms:*","Resource":"*"}]}`, Key)
	runEvalCases(t, []evalCase{
		{"the root may use its account's queue with no policy", Input{Request: send(rootP(acctA)), ResourceAccount: acctA}, "Allow"},
		{"the root is bound by a resource policy Deny naming everyone", Input{Request: send(rootP(acctA)), Resource: rp(t, "Deny", `"*"`, "sqs:*", qA), ResourceAccount: acctA}, "ExplicitDeny resource-based"},
		{"the root is bound by a resource policy Deny naming its account", Input{Request: send(rootP(acctA)), Resource: rp(t, "Deny", `{"AWS":"arn:aws:iam::111122223333:root"}`, "sqs:*", qA), ResourceAccount: acctA}, "ExplicitDeny resource-based"},
		{"another account's root needs the resource policy", Input{Request: send(rootP(acctB)), ResourceAccount: acctA}, "Deny resource-based"},
		{"another account's root, named by account", Input{Request: send(rootP(acctB)), Resource: rp(t, "Allow", `{"AWS":"444455556666"}`, "sqs:SendMessage", qA), ResourceAccount: acctA}, "Allow"},
		{"the root needs a key policy allowing it", Input{Request: Request{Action: "kms:Decrypt", Resource: kA, Principal: rootP(acctA)}, ResourceAccount: acctA, ResourceKind: KeyResource}, "Deny resource-based"},
		{"the root, allowed by a key policy naming the account", Input{Request: Request{Action: "kms:Decrypt", Resource: kA, Principal: rootP(acctA)}, Resource: keyRoot, ResourceAccount: acctA, ResourceKind: KeyResource}, "Allow"},
		{"no resource owner means the caller's account", Input{Request: Request{Action: "sqs:ListQueues", Resource: "*", Principal: rootP(acctA)}}, "Allow"},
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-accounts
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html
func TestDelegationAndCrossAccount(t *testing.T) {
	runEvalCases(t, []evalCase{
		{"an account id only delegates", Input{Request: send(userP(acctA, "u")), Resource: rp(t, "Allow", `{"AWS":"111122223333"}`, "sqs:*", qA), ResourceAccount: acctA}, "Deny identity-based"},
		{"delegation plus identity allow", Input{Request: send(userP(acctA, "u")), Identity: id(t, "Allow", "sqs:SendMessage", "*"), Resource: rp(t, "Allow", `{"AWS":"111122223333"}`, "sqs:*", qA), ResourceAccount: acctA}, "Allow"},
		{"same account: identity allow alone", Input{Request: send(userP(acctA, "u")), Identity: id(t, "Allow", "sqs:*", "*"), ResourceAccount: acctA}, "Allow"},
		{"same account: resource policy naming everyone", Input{Request: send(userP(acctA, "u")), Resource: rp(t, "Allow", `{"AWS":"*"}`, "sqs:SendMessage", qA), ResourceAccount: acctA}, "Allow"},
		{"same account: another user named", Input{Request: send(userP(acctA, "u")), Resource: rp(t, "Allow", `{"AWS":"arn:aws:iam::111122223333:user/v"}`, "sqs:*", qA), ResourceAccount: acctA}, "Deny identity-based"},
		{"user names are case-sensitive", Input{Request: send(userP(acctA, "u")), Resource: rp(t, "Allow", `{"AWS":"arn:aws:iam::111122223333:user/U"}`, "sqs:*", qA), ResourceAccount: acctA}, "Deny identity-based"},
		{"cross account: account named, identity allows", Input{Request: send(userP(acctB, "u")), Identity: id(t, "Allow", "sqs:SendMessage", qA), Resource: rp(t, "Allow", `{"AWS":"444455556666"}`, "sqs:SendMessage", qA), ResourceAccount: acctA}, "Allow"},
		{"cross account: account named, no identity allow", Input{Request: send(userP(acctB, "u")), Resource: rp(t, "Allow", `{"AWS":"444455556666"}`, "sqs:SendMessage", qA), ResourceAccount: acctA}, "Deny identity-based"},
		{"cross account: user named directly still needs identity", Input{Request: send(userP(acctB, "u")), Resource: rp(t, "Allow", `{"AWS":"arn:aws:iam::444455556666:user/u"}`, "sqs:SendMessage", qA), ResourceAccount: acctA}, "Deny identity-based"},
		{"cross account: everyone named still needs identity", Input{Request: send(userP(acctB, "u")), Resource: rp(t, "Allow", `"*"`, "sqs:SendMessage", qA), ResourceAccount: acctA}, "Deny identity-based"},
		{"cross account: another account named", Input{Request: send(userP(acctB, "u")), Identity: id(t, "Allow", "sqs:*", "*"), Resource: rp(t, "Allow", `{"AWS":"999999999999"}`, "sqs:SendMessage", qA), ResourceAccount: acctA}, "Deny resource-based"},
		{"cross account: identity Deny wins", Input{Request: send(userP(acctB, "u")), Identity: []NamedPolicy{named(t, "identity", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"sqs:*","Resource":"*"},{"Effect":"Deny","Action":"sqs:SendMessage","Resource":"*"}]}`, Identity)}, Resource: rp(t, "Allow", `"*"`, "sqs:SendMessage", qA), ResourceAccount: acctA}, "ExplicitDeny identity-based"},
		{"explicit deny beats a direct grant", Input{Request: send(userP(acctA, "u")), Identity: id(t, "Deny", "sqs:*", "*"), Resource: rp(t, "Allow", `{"AWS":"arn:aws:iam::111122223333:user/u"}`, "sqs:*", qA), ResourceAccount: acctA}, "ExplicitDeny identity-based"},
		{"a resource Deny naming the account covers its users", Input{Request: send(userP(acctA, "u")), Identity: id(t, "Allow", "sqs:*", "*"), Resource: rp(t, "Deny", `{"AWS":"111122223333"}`, "sqs:*", qA), ResourceAccount: acctA}, "ExplicitDeny resource-based"},
		{"a resource Deny naming a role covers its sessions", Input{Request: send(sessionP(acctA, "r", "s")), Identity: id(t, "Allow", "sqs:*", "*"), Resource: rp(t, "Deny", `{"AWS":"arn:aws:iam::111122223333:role/r"}`, "sqs:*", qA), ResourceAccount: acctA}, "ExplicitDeny resource-based"},
		{"a resource Deny naming another user", Input{Request: send(userP(acctA, "u")), Identity: id(t, "Allow", "sqs:*", "*"), Resource: rp(t, "Deny", `{"AWS":"arn:aws:iam::111122223333:user/v"}`, "sqs:*", qA), ResourceAccount: acctA}, "Allow"},
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_boundaries.html#access_policies_boundaries-eval-logic
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-denyallow
func TestBoundaryAndSessionPolicies(t *testing.T) {
	b := func(effect, action string) *NamedPolicy {
		return namedPtr(t, "boundary", idDoc(effect, action, "*"), Identity)
	}
	s := func(effect, action string) []NamedPolicy {
		return []NamedPolicy{named(t, "session", idDoc(effect, action, "*"), Identity)}
	}
	all := id(t, "Allow", "sqs:*", "*")
	sess := sessionP(acctA, "r", "s")
	runEvalCases(t, []evalCase{
		{"boundary allows, identity allows", Input{Request: send(userP(acctA, "u")), Identity: all, Boundary: b("Allow", "sqs:*"), ResourceAccount: acctA}, "Allow"},
		{"boundary allows, identity does not", Input{Request: send(userP(acctA, "u")), Boundary: b("Allow", "sqs:*"), ResourceAccount: acctA}, "Deny identity-based"},
		{"boundary Deny", Input{Request: send(userP(acctA, "u")), Identity: all, Boundary: b("Deny", "sqs:SendMessage"), ResourceAccount: acctA}, "ExplicitDeny permissions boundary"},
		{"boundary Deny beats a direct resource grant", Input{Request: send(userP(acctA, "u")), Boundary: b("Deny", "sqs:*"), Resource: rp(t, "Allow", `{"AWS":"arn:aws:iam::111122223333:user/u"}`, "sqs:*", qA), ResourceAccount: acctA}, "ExplicitDeny permissions boundary"},
		{"boundary silent, resource policy names the user", Input{Request: send(userP(acctA, "u")), Boundary: b("Allow", "sns:*"), Resource: rp(t, "Allow", `{"AWS":"arn:aws:iam::111122223333:user/u"}`, "sqs:*", qA), ResourceAccount: acctA}, "Allow"},
		{"boundary silent, resource policy names the account", Input{Request: send(userP(acctA, "u")), Identity: all, Boundary: b("Allow", "sns:*"), Resource: rp(t, "Allow", `{"AWS":"111122223333"}`, "sqs:*", qA), ResourceAccount: acctA}, "Deny permissions boundary"},
		{"boundary silent, cross account, resource policy names the user", Input{Request: send(userP(acctB, "u")), Identity: all, Boundary: b("Allow", "sns:*"), Resource: rp(t, "Allow", `{"AWS":"arn:aws:iam::444455556666:user/u"}`, "sqs:*", qA), ResourceAccount: acctA}, "Deny permissions boundary"},
		{"role session without session policy keeps the role's permissions", Input{Request: send(sess), Identity: all, ResourceAccount: acctA}, "Allow"},
		{"session policy allows, role does not", Input{Request: send(sess), Session: s("Allow", "sqs:*"), ResourceAccount: acctA}, "Deny identity-based"},
		{"session policy Deny", Input{Request: send(sess), Identity: all, Session: s("Deny", "sqs:SendMessage"), ResourceAccount: acctA}, "ExplicitDeny session"},
		{"session policies are a union among themselves", Input{Request: send(sess), Identity: all, Session: append(s("Allow", "sqs:ReceiveMessage"), s("Allow", "sqs:SendMessage")...), ResourceAccount: acctA}, "Allow"},
		{"resource policy names the session: session policy does not limit", Input{Request: send(sess), Session: s("Allow", "sns:*"), Resource: rp(t, "Allow", `{"AWS":"arn:aws:sts::111122223333:assumed-role/r/s"}`, "sqs:*", qA), ResourceAccount: acctA}, "Allow"},
		{"resource policy names the role: session policy limits", Input{Request: send(sess), Session: s("Allow", "sns:*"), Resource: rp(t, "Allow", `{"AWS":"arn:aws:iam::111122223333:role/r"}`, "sqs:*", qA), ResourceAccount: acctA}, "Deny session"},
		{"resource policy names the role: no identity policy needed", Input{Request: send(sess), Resource: rp(t, "Allow", `{"AWS":"arn:aws:iam::111122223333:role/r"}`, "sqs:*", qA), ResourceAccount: acctA}, "Allow"},
		{"another role's session is not named", Input{Request: send(sessionP(acctA, "r2", "s")), Resource: rp(t, "Allow", `{"AWS":"arn:aws:iam::111122223333:role/r"}`, "sqs:*", qA), ResourceAccount: acctA}, "Deny identity-based"},
		{"federated user without session policy has nothing", Input{Request: send(Principal{ARN: "arn:aws:sts::111122223333:federated-user/f", Account: acctA, Type: TypeFederatedUser, RoleARN: "arn:aws:iam::111122223333:user/u"}), Identity: all, ResourceAccount: acctA}, "Deny session"},
		{"federated user with a session policy", Input{Request: send(Principal{ARN: "arn:aws:sts::111122223333:federated-user/f", Account: acctA, Type: TypeFederatedUser, RoleARN: "arn:aws:iam::111122223333:user/u"}), Identity: all, Session: s("Allow", "sqs:*"), ResourceAccount: acctA}, "Allow"},
		{"federated user: resource policy naming the user who federated is limited", Input{Request: send(Principal{ARN: "arn:aws:sts::111122223333:federated-user/f", Account: acctA, Type: TypeFederatedUser, RoleARN: "arn:aws:iam::111122223333:user/u"}), Session: s("Allow", "sns:*"), Resource: rp(t, "Allow", `{"AWS":"arn:aws:iam::111122223333:user/u"}`, "sqs:*", qA), ResourceAccount: acctA}, "Deny session"},
		{"federated user: resource policy naming the session", Input{Request: send(Principal{ARN: "arn:aws:sts::111122223333:federated-user/f", Account: acctA, Type: TypeFederatedUser, RoleARN: "arn:aws:iam::111122223333:user/u"}), Resource: rp(t, "Allow", `{"AWS":"arn:aws:sts::111122223333:federated-user/f"}`, "sqs:*", qA), ResourceAccount: acctA}, "Allow"},
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
func TestNotPrincipal(t *testing.T) {
	deny := func(list string) *NamedPolicy {
		return namedPtr(t, "queue policy", `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Principal":"*","Action":"sqs:*","Resource":"`+qA+`"},
			{"Sid":"OnlyBob","Effect":"Deny","NotPrincipal":{"AWS":`+list+`},"Action":"sqs:*","Resource":"`+qA+`"}]}`, Resource)
	}
	bobAndAccount := `["arn:aws:iam::444455556666:user/Bob","arn:aws:iam::444455556666:root"]`
	sessionChain := `["arn:aws:sts::444455556666:assumed-role/audit/app","arn:aws:iam::444455556666:role/audit","arn:aws:iam::444455556666:root"]`
	allB := id(t, "Allow", "sqs:*", "*")
	runEvalCases(t, []evalCase{
		{"Bob and his account listed: Bob not denied", Input{Request: send(userP(acctB, "Bob")), Identity: allB, Resource: deny(bobAndAccount), ResourceAccount: acctA}, "Allow"},
		{"Bob and his account listed: Alice denied", Input{Request: send(userP(acctB, "Alice")), Identity: allB, Resource: deny(bobAndAccount), ResourceAccount: acctA}, "ExplicitDeny resource-based"},
		{"only Bob listed: his account is denied, and so Bob", Input{Request: send(userP(acctB, "Bob")), Identity: allB, Resource: deny(`"arn:aws:iam::444455556666:user/Bob"`), ResourceAccount: acctA}, "ExplicitDeny resource-based"},
		{"session, role and account listed: the session is not denied", Input{Request: send(sessionP(acctB, "audit", "app")), Identity: allB, Resource: deny(sessionChain), ResourceAccount: acctA}, "Allow"},
		{"role missing from the list: the session is denied", Input{Request: send(sessionP(acctB, "audit", "app")), Identity: allB, Resource: deny(`["arn:aws:sts::444455556666:assumed-role/audit/app","arn:aws:iam::444455556666:root"]`), ResourceAccount: acctA}, "ExplicitDeny resource-based"},
		{"another session of the role is denied", Input{Request: send(sessionP(acctB, "audit", "other")), Identity: allB, Resource: deny(sessionChain), ResourceAccount: acctA}, "ExplicitDeny resource-based"},
		{"the listed account's root is not denied", Input{Request: send(rootP(acctB)), Resource: deny(bobAndAccount), ResourceAccount: acctA}, "Allow"},
		{"anonymous is denied", Input{Request: send(Principal{Type: TypeAnonymous}), Resource: deny(bobAndAccount), ResourceAccount: acctA}, "ExplicitDeny resource-based"},
		{"Allow with NotPrincipal grants everyone else", Input{Request: send(userP(acctA, "u")), Resource: namedPtr(t, "queue policy", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/v"},"Action":"sqs:*","Resource":"`+qA+`"}}`, Resource), ResourceAccount: acctA}, "Allow"},
		{"Allow with NotPrincipal does not grant the listed", Input{Request: send(userP(acctA, "v")), Resource: namedPtr(t, "queue policy", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/v","111122223333"]},"Action":"sqs:*","Resource":"`+qA+`"}}`, Resource), ResourceAccount: acctA}, "Deny identity-based"},
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notaction.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notresource.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func TestNotActionNotResourceAndActions(t *testing.T) {
	notDelete := []NamedPolicy{named(t, "identity", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","NotAction":"s3:DeleteBucket","Resource":"arn:aws:s3:::*"}}`, Identity)}
	u := userP(acctA, "u")
	req := func(action, resource string) Request {
		return Request{Action: action, Resource: resource, Principal: u}
	}
	runEvalCases(t, []evalCase{
		{"NotAction with Allow grants other actions on the Resource", Input{Request: req("s3:GetObject", "arn:aws:s3:::b/k"), Identity: notDelete}, "Allow"},
		{"NotAction with Allow does not grant the listed action", Input{Request: req("s3:DeleteBucket", "arn:aws:s3:::b"), Identity: notDelete}, "Deny identity-based"},
		{"NotAction with Allow: ListAllMyBuckets needs Resource *", Input{Request: req("s3:ListAllMyBuckets", "*"), Identity: notDelete}, "Deny identity-based"},
		{"NotAction with Deny denies everything else", Input{Request: req("sqs:SendMessage", qA), Identity: append(id(t, "Allow", "*", "*"), named(t, "deny", `{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"iam:*","Resource":"*"}}`, Identity))}, "ExplicitDeny identity-based"},
		{"NotAction with Deny spares the listed service", Input{Request: req("iam:GetUser", "arn:aws:iam::111122223333:user/u"), Identity: append(id(t, "Allow", "*", "*"), named(t, "deny", `{"Version":"2012-10-17","Statement":{"Effect":"Deny","NotAction":"iam:*","Resource":"*"}}`, Identity))}, "Allow"},
		{"NotResource with Deny denies other queues", Input{Request: req("sqs:SendMessage", "arn:aws:sqs:us-east-1:111122223333:other"), Identity: append(id(t, "Allow", "sqs:*", "*"), named(t, "deny", `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"sqs:*","NotResource":"`+qA+`"}}`, Identity))}, "ExplicitDeny identity-based"},
		{"NotResource with Deny spares the listed queue", Input{Request: req("sqs:SendMessage", qA), Identity: append(id(t, "Allow", "sqs:*", "*"), named(t, "deny", `{"Version":"2012-10-17","Statement":{"Effect":"Deny","Action":"sqs:*","NotResource":"`+qA+`"}}`, Identity))}, "Allow"},
		{"NotResource with Allow", Input{Request: req("sqs:SendMessage", qA), Identity: []NamedPolicy{named(t, "identity", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"sqs:*","NotResource":"arn:aws:sqs:*:*:secret-*"}}`, Identity)}}, "Allow"},
		{"actions are case-insensitive", Input{Request: req("sqs:SendMessage", qA), Identity: id(t, "Allow", "SQS:sendmessage", qA)}, "Allow"},
		{"action wildcard *", Input{Request: req("sqs:SendMessageBatch", qA), Identity: id(t, "Allow", "sqs:Send*", qA)}, "Allow"},
		{"action wildcard in the middle", Input{Request: req("iam:CreateAccessKey", "*"), Identity: id(t, "Allow", "iam:*AccessKey*", "*")}, "Allow"},
		{"action wildcard ?", Input{Request: req("sqs:SendMessage", qA), Identity: id(t, "Allow", "sqs:?endMessage", qA)}, "Allow"},
		{"action of another service", Input{Request: req("sns:Publish", tA), Identity: id(t, "Allow", "sqs:*", "*")}, "Deny identity-based"},
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func TestResourceMatching(t *testing.T) {
	u := userP(acctA, "alice")
	alice := map[string][]string{"aws:username": {"alice"}}
	allow := func(version, resource string) []NamedPolicy {
		v := ""
		if version != "" {
			v = `"Version":"` + version + `",`
		}
		return []NamedPolicy{named(t, "identity", `{`+v+`"Statement":{"Effect":"Allow","Action":"sqs:*","Resource":"`+resource+`"}}`, Identity)}
	}
	at := func(resource string, ctx map[string][]string) Request {
		return Request{Action: "sqs:SendMessage", Resource: resource, Principal: u, Conditions: ctx}
	}
	const region2 = "arn:aws:sqs:us-east-2:111122223333:"
	runEvalCases(t, []evalCase{
		{"resources are case-sensitive", Input{Request: at(qA, nil), Identity: allow(Version2012, "arn:aws:sqs:us-east-1:111122223333:QA")}, "Deny identity-based"},
		{"a segment-ending * expands past colons", Input{Request: at(qA, nil), Identity: allow(Version2012, "arn:aws:sqs:*")}, "Allow"},
		{"* inside a segment stays in it", Input{Request: at(qA, nil), Identity: allow(Version2012, "arn:aws:sqs:us-*-1:111122223333:qA")}, "Allow"},
		{"* inside a segment, other region", Input{Request: at("arn:aws:sqs:us-east-2:111122223333:qA", nil), Identity: allow(Version2012, "arn:aws:sqs:us-*-1:111122223333:qA")}, "Deny identity-based"},
		{"? inside a segment", Input{Request: at(qA, nil), Identity: allow(Version2012, "arn:aws:sqs:us-east-?:111122223333:qA")}, "Allow"},
		{"every segment wildcarded", Input{Request: at(qA, nil), Identity: allow(Version2012, "arn:aws:sqs:*:*:*")}, "Allow"},
		{"*log* in the resource part", Input{Request: at("arn:aws:sqs:us-east-1:111122223333:app-logs", nil), Identity: allow(Version2012, "arn:aws:sqs:*:*:*log*")}, "Allow"},
		{"the resource part holds colons", Input{Request: at("arn:aws:logs:us-east-1:111122223333:log-group:/aws/x:log-stream:y", nil), Identity: []NamedPolicy{named(t, "identity", idDoc("Allow", "logs:*", "arn:aws:logs:us-east-1:111122223333:log-group:/aws/*"), Identity)}}, "Deny identity-based"},
		{"an ARN pattern does not match Resource *", Input{Request: at("*", nil), Identity: allow(Version2012, "arn:aws:sqs:*:*:*")}, "Deny identity-based"},
		{"Resource * matches *", Input{Request: at("*", nil), Identity: allow(Version2012, "*")}, "Allow"},
		{"a variable in the resource part", Input{Request: at(region2+"alice-queue", alice), Identity: allow(Version2012, "arn:aws:sqs:us-east-2:*:${aws:username}-queue")}, "Allow"},
		{"a variable: another user's queue", Input{Request: at(region2+"bob-queue", alice), Identity: allow(Version2012, "arn:aws:sqs:us-east-2:*:${aws:username}-queue")}, "Deny identity-based"},
		{"a variable without a value matches nothing", Input{Request: at(region2+"-queue", nil), Identity: allow(Version2012, "arn:aws:sqs:us-east-2:*:${aws:username}-queue")}, "Deny identity-based"},
		{"a variable with a default", Input{Request: at(region2+"shared-queue", nil), Identity: allow(Version2012, "arn:aws:sqs:us-east-2:*:${aws:username, 'shared'}-queue")}, "Allow"},
		{"a variable's value is literal", Input{Request: at(region2+"bob-queue", map[string][]string{"aws:username": {"*"}}), Identity: allow(Version2012, "arn:aws:sqs:us-east-2:*:${aws:username}-queue")}, "Deny identity-based"},
		{"${*} in a resource is a literal asterisk", Input{Request: at(region2+"a*", nil), Identity: allow(Version2012, "arn:aws:sqs:us-east-2:*:a${*}")}, "Allow"},
		{"2008-10-17: the variable is literal text", Input{Request: at(region2+"alice-queue", alice), Identity: allow(Version2008, "arn:aws:sqs:us-east-2:*:${aws:username}-queue")}, "Deny identity-based"},
		{"2008-10-17: literal text matches itself", Input{Request: at(region2+"${aws:username}-queue", alice), Identity: allow(Version2008, "arn:aws:sqs:us-east-2:*:${aws:username}-queue")}, "Allow"},
		{"no Version: the variable is literal text", Input{Request: at(region2+"alice-queue", alice), Identity: allow("", "arn:aws:sqs:us-east-2:*:${aws:username}-queue")}, "Deny identity-based"},
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-anonymous
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services
func TestAnonymousAndServices(t *testing.T) {
	anon := Principal{Type: TypeAnonymous}
	runEvalCases(t, []evalCase{
		{"anonymous allowed by *", Input{Request: send(anon), Resource: rp(t, "Allow", `"*"`, "sqs:SendMessage", qA), ResourceAccount: acctA}, "Allow"},
		{"anonymous allowed by {AWS:*}", Input{Request: send(anon), Resource: rp(t, "Allow", `{"AWS":"*"}`, "sqs:SendMessage", qA), ResourceAccount: acctA}, "Allow"},
		{"anonymous not covered by an account", Input{Request: send(anon), Resource: rp(t, "Allow", `{"AWS":"111122223333"}`, "sqs:SendMessage", qA), ResourceAccount: acctA}, "Deny resource-based"},
		{"anonymous without resource policy", Input{Request: send(anon), ResourceAccount: acctA}, "Deny resource-based"},
		{"service named", Input{Request: send(serviceP("sns.amazonaws.com")), Resource: rp(t, "Allow", `{"Service":"sns.amazonaws.com"}`, "sqs:SendMessage", qA), ResourceAccount: acctA}, "Allow"},
		{"service names are case-insensitive", Input{Request: send(serviceP("sns.amazonaws.com")), Resource: rp(t, "Allow", `{"Service":"SNS.amazonaws.com"}`, "sqs:SendMessage", qA), ResourceAccount: acctA}, "Allow"},
		{"another service named", Input{Request: send(serviceP("sns.amazonaws.com")), Resource: rp(t, "Allow", `{"Service":"iot.amazonaws.com"}`, "sqs:SendMessage", qA), ResourceAccount: acctA}, "Deny resource-based"},
		{"a service is not covered by an account", Input{Request: send(Principal{Type: TypeService, Service: "sns.amazonaws.com", Account: acctA}), Resource: rp(t, "Allow", `{"AWS":"111122223333"}`, "sqs:SendMessage", qA), ResourceAccount: acctA}, "Deny resource-based"},
		{"a service is bound by a Deny naming everyone", Input{Request: Request{Action: "sqs:SendMessage", Resource: qA, Principal: serviceP("sns.amazonaws.com"), Conditions: kv("aws:securetransport", "false")}, Resource: namedPtr(t, "queue policy", `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":"sqs:*","Resource":"*"},
			{"Effect":"Deny","Principal":"*","Action":"sqs:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`, Resource),
			ResourceAccount: acctA}, "ExplicitDeny resource-based"},
	})
}

// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#term_trust-policy
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html#access-denied-role-trust-policy-examples
func TestTrustPolicies(t *testing.T) {
	role := "arn:aws:iam::111122223333:role/target"
	trust := func(principal string) *NamedPolicy {
		return namedPtr(t, "role trust policy", `{"Version":"2012-10-17","Statement":[{"Sid":"T","Effect":"Allow","Principal":`+principal+`,"Action":"sts:AssumeRole"}]}`, Trust)
	}
	assume := func(p Principal) Request { return Request{Action: "sts:AssumeRole", Resource: role, Principal: p} }
	idAssume := id(t, "Allow", "sts:AssumeRole", role)
	runEvalCases(t, []evalCase{
		{"same account, user named: no identity policy needed", Input{Request: assume(userP(acctA, "u")), Resource: trust(`{"AWS":"arn:aws:iam::111122223333:user/u"}`), ResourceAccount: acctA, ResourceKind: TrustResource}, "Allow"},
		{"same account, account named: identity must allow", Input{Request: assume(userP(acctA, "u")), Resource: trust(`{"AWS":"111122223333"}`), ResourceAccount: acctA, ResourceKind: TrustResource}, "Deny identity-based"},
		{"same account, account named, identity allows", Input{Request: assume(userP(acctA, "u")), Identity: idAssume, Resource: trust(`{"AWS":"111122223333"}`), ResourceAccount: acctA, ResourceKind: TrustResource}, "Allow"},
		{"same account, not named: identity allow is not enough", Input{Request: assume(userP(acctA, "u")), Identity: idAssume, Resource: trust(`{"AWS":"arn:aws:iam::111122223333:user/v"}`), ResourceAccount: acctA, ResourceKind: TrustResource}, "Deny role trust"},
		{"a role session named by role", Input{Request: assume(sessionP(acctA, "caller", "s")), Resource: trust(`{"AWS":"arn:aws:iam::111122223333:role/caller"}`), ResourceAccount: acctA, ResourceKind: TrustResource}, "Allow"},
		{"a role does not trust itself implicitly", Input{Request: assume(sessionP(acctA, "target", "s")), Identity: idAssume, Resource: trust(`{"Service":"ec2.amazonaws.com"}`), ResourceAccount: acctA, ResourceKind: TrustResource}, "Deny role trust"},
		{"service principal", Input{Request: assume(serviceP("iot.amazonaws.com")), Resource: trust(`{"Service":"iot.amazonaws.com"}`), ResourceAccount: acctA, ResourceKind: TrustResource}, "Allow"},
		{"service principal not trusted", Input{Request: assume(serviceP("iot.amazonaws.com")), Resource: trust(`{"Service":"ec2.amazonaws.com"}`), ResourceAccount: acctA, ResourceKind: TrustResource}, "Deny role trust"},
		{"web identity", Input{Request: Request{Action: "sts:AssumeRoleWithWebIdentity", Resource: role, Principal: Principal{Type: TypeWebIdentity, Federated: "accounts.google.com"}},
			Resource:        namedPtr(t, "role trust policy", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Federated":"accounts.google.com"},"Action":"sts:AssumeRoleWithWebIdentity"}}`, Trust),
			ResourceAccount: acctA, ResourceKind: TrustResource}, "Allow"},
		{"cross account, user named, no identity", Input{Request: assume(userP(acctB, "u")), Resource: trust(`{"AWS":"arn:aws:iam::444455556666:user/u"}`), ResourceAccount: acctA, ResourceKind: TrustResource}, "Deny identity-based"},
		{"trust Deny", Input{Request: assume(userP(acctA, "u")), Identity: idAssume, Resource: namedPtr(t, "role trust policy", `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"sts:AssumeRole"},
			{"Effect":"Deny","Principal":{"AWS":"arn:aws:iam::111122223333:user/u"},"Action":"sts:*"}]}`, Trust), ResourceAccount: acctA, ResourceKind: TrustResource}, "ExplicitDeny role trust"},
	})
}

// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
func TestKeyPolicies(t *testing.T) {
	key := func(principal string) *NamedPolicy {
		return namedPtr(t, "key policy", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":`+principal+`,"Action":"kms:*","Resource":"*"}]}`, Key)
	}
	dec := func(p Principal) Request { return Request{Action: "kms:Decrypt", Resource: kA, Principal: p} }
	runEvalCases(t, []evalCase{
		{"key policy names the user: no identity policy needed", Input{Request: dec(userP(acctA, "u")), Resource: key(`{"AWS":"arn:aws:iam::111122223333:user/u"}`), ResourceAccount: acctA, ResourceKind: KeyResource}, "Allow"},
		{"no key policy at all", Input{Request: dec(userP(acctA, "u")), Identity: id(t, "Allow", "kms:*", "*"), ResourceAccount: acctA, ResourceKind: KeyResource}, "Deny resource-based"},
		{"cross account: key policy names the account, identity allows", Input{Request: dec(userP(acctB, "u")), Identity: id(t, "Allow", "kms:Decrypt", kA), Resource: key(`{"AWS":"arn:aws:iam::444455556666:root"}`), ResourceAccount: acctA, ResourceKind: KeyResource}, "Allow"},
		{"cross account: key policy names the account, no identity", Input{Request: dec(userP(acctB, "u")), Resource: key(`{"AWS":"arn:aws:iam::444455556666:root"}`), ResourceAccount: acctA, ResourceKind: KeyResource}, "Deny identity-based"},
		{"cross account: key policy silent", Input{Request: dec(userP(acctB, "u")), Identity: id(t, "Allow", "kms:*", "*"), Resource: key(`{"AWS":"arn:aws:iam::111122223333:root"}`), ResourceAccount: acctA, ResourceKind: KeyResource}, "Deny resource-based"},
		{"cross account: an operation KMS never shares", Input{Request: Request{Action: "kms:ScheduleKeyDeletion", Resource: kA, Principal: userP(acctB, "u")}, Identity: id(t, "Allow", "kms:*", "*"), Resource: key(`{"AWS":"444455556666"}`), ResourceAccount: acctA, ResourceKind: KeyResource, SameAccountOnly: true}, "Deny resource-based"},
		{"key policy names the role: boundary limits", Input{Request: dec(sessionP(acctA, "r", "s")), Boundary: namedPtr(t, "boundary", idDoc("Allow", "sqs:*", "*"), Identity), Resource: key(`{"AWS":"arn:aws:iam::111122223333:role/r"}`), ResourceAccount: acctA, ResourceKind: KeyResource}, "Deny permissions boundary"},
	})
}

func TestDecisionDetails(t *testing.T) {
	policies := []NamedPolicy{
		named(t, "user/u inline policy a", idDoc("Allow", "sns:*", "*"), Identity),
		named(t, "arn:aws:iam::aws:policy/AmazonSQSFullAccess", `{"Version":"2012-10-17","Statement":[
			{"Effect":"Allow","Action":"sqs:ListQueues","Resource":"*"},
			{"Sid":"All","Effect":"Allow","Action":"sqs:*","Resource":"*"}]}`, Identity),
		named(t, "user/u inline policy deny", `{"Version":"2012-10-17","Statement":[{"Sid":"NoPurge","Effect":"Deny","Action":"sqs:PurgeQueue","Resource":"*"}]}`, Identity),
	}
	d := Evaluate(&Input{Request: send(userP(acctA, "u")), Identity: policies})
	if !d.Allowed || d.By == nil || *d.By != (Match{Policy: "arn:aws:iam::aws:policy/AmazonSQSFullAccess", Sid: "All", Index: 1, Effect: "Allow"}) {
		t.Errorf("allow: %+v %+v", d, d.By)
	}
	if m := d.Message("x", "y", "z"); m != "" {
		t.Errorf("allowed decision has message %q", m)
	}
	d = Evaluate(&Input{Request: Request{Action: "sqs:PurgeQueue", Resource: qA, Principal: userP(acctA, "u")}, Identity: policies})
	if d.Allowed || !d.Explicit || d.By == nil || *d.By != (Match{Policy: "user/u inline policy deny", Sid: "NoPurge", Index: 0, Effect: "Deny"}) {
		t.Errorf("deny: %+v %+v", d, d.By)
	}
	d = Evaluate(&Input{Request: Request{Action: "sqs:ListQueues", Resource: "*", Principal: rootP(acctA)}})
	if !d.Allowed || d.By != nil {
		t.Errorf("root: %+v", d)
	}

	// Message forms.
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
	for _, c := range []struct {
		d    Decision
		want string
	}{
		{Decision{Explicit: true, DeniedIn: PolicySession}, "with an explicit deny in a sessions policy"},
		{Decision{Explicit: true, DeniedIn: PolicyBoundary}, "with an explicit deny in a permissions boundary"},
		{Decision{Explicit: true, DeniedIn: PolicyRoleTrust}, "with an explicit deny in the role trust policy"},
		{Decision{Missing: PolicyRoleTrust}, "because no role trust policy allows the sts:AssumeRole action"},
	} {
		contains(t, c.d.Message("arn:aws:iam::111122223333:user/u", "sts:AssumeRole", "arn:aws:iam::111122223333:role/r"), c.want)
	}
	if m := (Decision{Missing: PolicyIdentityBased}).Message("", "sqs:ListQueues", ""); m != "User: anonymous is not authorized to perform: sqs:ListQueues because no identity-based policy allows the sqs:ListQueues action" {
		t.Errorf("message without resource: %q", m)
	}
}

// Policies of the wrong kind in a slot, nil policies and a zero Input deny.
func TestEvaluateOddInputs(t *testing.T) {
	trust := namedPtr(t, "trust", `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":"*","Action":"sts:AssumeRole"}}`, Trust)
	idInRP := namedPtr(t, "identity as resource", idDoc("Allow", "*", "*"), Identity)
	for _, in := range []Input{
		{},
		{Identity: []NamedPolicy{{Name: "nil"}}, Boundary: &NamedPolicy{Name: "nil"}, Resource: &NamedPolicy{Name: "nil"}},
		{Request: send(userP(acctA, "u")), Identity: []NamedPolicy{*trust}, Resource: idInRP, ResourceAccount: acctA},
		{Request: send(Principal{Type: "Martian"}), Resource: trust, ResourceKind: TrustResource},
	} {
		if d := Evaluate(&in); d.Allowed || d.Missing == "" {
			t.Errorf("odd input %+v decided %+v", in, d)
		}
	}
}
