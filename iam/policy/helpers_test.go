package policy

import (
	"strings"
	"testing"
)

// The accounts and resources of the conformance cases: A owns, B is foreign.
const (
	acctA = "111122223333"
	acctB = "444455556666"
	qA    = "arn:aws:sqs:us-east-1:111122223333:qA"
	tA    = "arn:aws:sns:us-east-1:111122223333:tA"
	tB    = "arn:aws:sns:us-east-1:111122223333:tB"
	kA    = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
)

func mustParse(t testing.TB, doc string, kind Kind) *Policy {
	t.Helper()
	p, err := Parse(doc, kind)
	if err != nil {
		t.Fatalf("Parse(%s): %v", doc, err)
	}
	return p
}

func named(t testing.TB, name, doc string, kind Kind) NamedPolicy {
	t.Helper()
	return NamedPolicy{Name: name, Policy: mustParse(t, doc, kind)}
}

func namedPtr(t testing.TB, name, doc string, kind Kind) *NamedPolicy {
	t.Helper()
	np := named(t, name, doc, kind)
	return &np
}

func userP(acct, name string) Principal {
	return Principal{ARN: "arn:aws:iam::" + acct + ":user/" + name, Account: acct, Type: TypeUser}
}

func sessionP(acct, role, session string) Principal {
	return Principal{
		ARN:     "arn:aws:sts::" + acct + ":assumed-role/" + role + "/" + session,
		Account: acct, Type: TypeAssumedRole,
		RoleARN: "arn:aws:iam::" + acct + ":role/" + role,
	}
}

func rootP(acct string) Principal {
	return Principal{ARN: "arn:aws:iam::" + acct + ":root", Account: acct, Type: TypeAccount}
}

func serviceP(name string) Principal {
	return Principal{Type: TypeService, Service: name}
}

// idDoc is an identity policy of one statement.
func idDoc(effect, action, resource string) string {
	return `{"Version":"2012-10-17","Statement":[{"Effect":"` + effect + `","Action":"` + action + `","Resource":"` + resource + `"}]}`
}

// want is an expected decision: "Allow", or "Deny <kind>" for an implicit
// deny naming the missing policy kind, or "ExplicitDeny <kind>".
type want string

func checkDecision(t *testing.T, d Decision, w want) {
	t.Helper()
	var got string
	switch {
	case d.Allowed:
		got = "Allow"
	case d.Explicit:
		got = "ExplicitDeny " + d.DeniedIn
		if d.By == nil || d.By.Effect != "Deny" {
			t.Errorf("explicit deny without its Deny statement: %+v", d.By)
		}
	default:
		got = "Deny " + d.Missing
		if d.By != nil {
			t.Errorf("implicit deny names a statement: %+v", d.By)
		}
	}
	if got != string(w) {
		t.Errorf("decision = %q, want %q (%+v)", got, w, d)
	}
}

func contains(t *testing.T, s, sub string) {
	t.Helper()
	if !strings.Contains(s, sub) {
		t.Errorf("%q does not contain %q", s, sub)
	}
}
