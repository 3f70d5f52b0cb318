package emulator

import (
	"reflect"
	"testing"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// The global condition keys a request carries, answered on demand
// (reference_policies_condition-keys.html).
func TestRequestContextKeys(t *testing.T) {
	at := time.Date(2026, 12, 2, 10, 30, 0, 0, time.UTC)
	srv := &Server{}
	user := &api.Request{
		Scheme: "http", SourceIP: "10.0.0.7", Region: "eu-west-1", Time: at,
		Principal: api.Principal{
			ARN: "arn:aws:iam::111111111111:user/alice", Account: "111111111111", Type: api.PrincipalUser,
			UserID: "AIDAEXAMPLE", Name: "alice", Tags: map[string]string{"Team": "blue"},
		},
	}
	session := &api.Request{
		Scheme: "https", Time: at,
		Principal: api.Principal{
			ARN: "arn:aws:sts::111111111111:assumed-role/reader/s1", Account: "111111111111", Type: api.PrincipalAssumedRole,
			UserID: "AROAEXAMPLE:s1", Name: "s1", RoleARN: "arn:aws:iam::111111111111:role/reader", SourceIdentity: "bob",
		},
	}
	// A call SQS makes to KMS for its caller.
	via := &api.Request{Time: at, Principal: user.Principal, ViaService: "sqs.eu-west-1.amazonaws.com"}
	target := &api.Target{Tags: map[string]string{"env": "prod"}}
	ctx := func(req *api.Request) *requestContext {
		return &requestContext{req: req, t: target, owner: "222222222222", times: srv.timeStrings(req.Time)}
	}
	tests := []struct {
		req  *api.Request
		key  string
		want []string
	}{
		{user, "aws:principalarn", []string{"arn:aws:iam::111111111111:user/alice"}},
		{session, "aws:principalarn", []string{"arn:aws:iam::111111111111:role/reader"}},
		{user, "aws:principalaccount", []string{"111111111111"}},
		{user, "aws:principaltype", []string{"User"}},
		{session, "aws:principaltype", []string{"AssumedRole"}},
		{user, "aws:userid", []string{"AIDAEXAMPLE"}},
		{session, "aws:userid", []string{"AROAEXAMPLE:s1"}},
		{user, "aws:username", []string{"alice"}},
		{session, "aws:username", nil}, // only users have one
		{session, "aws:sourceidentity", []string{"bob"}},
		{user, "aws:securetransport", []string{"false"}},
		{session, "aws:securetransport", []string{"true"}},
		{user, "aws:currenttime", []string{"2026-12-02T10:30:00Z"}},
		{user, "aws:epochtime", []string{"1796207400"}},
		{user, "aws:sourceip", []string{"10.0.0.7"}},
		{user, "aws:requestedregion", []string{"eu-west-1"}},
		{user, "aws:principalisawsservice", []string{"false"}},
		{user, "aws:viaawsservice", []string{"false"}},
		{via, "aws:viaawsservice", []string{"true"}},
		{user, "aws:resourceaccount", []string{"222222222222"}},
		{user, "aws:principaltag/team", []string{"blue"}},
		{user, "aws:principaltag/missing", nil},
		{user, "aws:resourcetag/env", []string{"prod"}},
		{user, "aws:sourcearn", nil}, // set only when a service acts
	}
	for _, tc := range tests {
		if got := ctx(tc.req).Values(tc.key); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s for %s = %q, want %q", tc.key, tc.req.Principal.ARN, got, tc.want)
		}
	}
}
