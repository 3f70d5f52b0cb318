package emulator

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam/policy"
)

// Authorization, in one place (DESIGN §4): every request's action, target
// and principal go to the policy engine before the handler runs.

// IdentityPolicies supplies the identity side of a decision: the policies
// attached to a principal and its permissions boundary (the IAM service).
type IdentityPolicies interface {
	PoliciesFor(p api.Principal) (identity []policy.NamedPolicy, boundary *policy.NamedPolicy)
}

// authorize resolves the action's target and decides. It returns the
// error to answer with, or nil to go on. Resolution errors (a queue that
// does not exist) are answered before any decision, as AWS answers them.
func (s *Server) authorize(ctx context.Context, svc *api.Service, action *api.Action, req *api.Request, in any) *api.Error {
	if s.cfg.IAMMode == "off" || !action.Authorized() {
		return nil
	}
	target, err := action.Target(ctx, req, in)
	if err != nil {
		return api.AsError(err)
	}
	owner := target.Account
	if owner == "" {
		owner = req.Account
	}
	p := &req.Principal
	pin := policy.Input{
		Request: policy.Request{
			Action: action.IAMAction, Resource: target.ARN,
			Principal: policy.Principal{ARN: p.ARN, Account: p.Account, Type: p.Type, RoleARN: p.RoleARN, Service: p.Service},
		},
		Session:         p.SessionPolicies,
		ResourceAccount: owner,
		ResourceKind:    target.Kind,
		SameAccountOnly: target.SameAccountOnly,
	}
	if s.identity != nil {
		pin.Identity, pin.Boundary = s.identity.PoliciesFor(*p)
	}
	if target.Policy != nil {
		pin.Resource = &policy.NamedPolicy{Name: target.PolicyName, Policy: target.Policy}
	}
	// A root acting on its own account with no policy in play needs no
	// context; everything else gets the full request context.
	if pin.Identity != nil || pin.Boundary != nil || pin.Session != nil || pin.Resource != nil {
		pin.Request.Conditions = conditionContext(req, &target, owner, s.timeStrings(req.Time))
	}
	dec := policy.Evaluate(&pin)
	s.recordDecision(req, action.IAMAction, target.ARN, dec)
	if dec.Allowed || s.cfg.IAMMode == "audit" {
		return nil
	}
	named := action.IAMAction
	if svc.LowerCaseDeniedAction {
		named = strings.ToLower(named)
	}
	msg := dec.Message(p.ARN, named, target.ARN)
	if dec.By != nil && dec.By.Sid != "" {
		// Trainers want the statement, which AWS's text leaves out.
		msg += " (statement " + strconv.Quote(dec.By.Sid) + " in " + dec.By.Policy + ")"
	}
	if svc.Denied != nil {
		return svc.Denied(msg)
	}
	return api.AccessDenied(msg)
}

// conditionContext fills the global condition keys AWS sets for a request
// made directly by a principal, plus the target's own keys. Keys are
// lower-cased: condition key names are case-insensitive.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
func conditionContext(req *api.Request, t *api.Target, owner string, now *requestTimes) map[string][]string {
	p := &req.Principal
	n := 16 + len(p.Tags) + len(t.Tags)
	m := make(map[string][]string, n+len(t.Conditions))
	// Every single value shares one backing array: one allocation, not one
	// per key, on a path every authorized request takes.
	values := make([]string, 0, n)
	set := func(k, v string) {
		if v != "" {
			values = append(values, v)
			m[k] = values[len(values)-1 : len(values) : len(values)]
		}
	}
	principalARN := p.ARN
	if p.Type == api.PrincipalAssumedRole && p.RoleARN != "" {
		principalARN = p.RoleARN // aws:PrincipalArn of a role session is the role
	}
	set("aws:principalarn", principalARN)
	set("aws:principalaccount", p.Account)
	set("aws:principaltype", p.Type)
	set("aws:userid", p.UserID)
	if p.Type == api.PrincipalUser {
		set("aws:username", p.Name)
	}
	set("aws:sourceidentity", p.SourceIdentity)
	set("aws:securetransport", strconv.FormatBool(req.Scheme == "https"))
	set("aws:currenttime", now.iso)
	set("aws:epochtime", now.epoch)
	set("aws:sourceip", req.SourceIP)
	set("aws:requestedregion", req.Region)
	set("aws:principalisawsservice", strconv.FormatBool(p.Type == api.PrincipalService))
	set("aws:viaawsservice", "false")
	set("aws:resourceaccount", owner)
	for k, v := range p.Tags {
		set("aws:principaltag/"+strings.ToLower(k), v)
	}
	for k, v := range t.Tags {
		set("aws:resourcetag/"+strings.ToLower(k), v)
	}
	for k, v := range t.Conditions {
		m[strings.ToLower(k)] = v
	}
	return m
}

func (s *Server) recordDecision(req *api.Request, action, resource string, dec policy.Decision) {
	r := auditRecord{AuditEvent: AuditEvent{
		Time: req.Time, RequestID: req.ID, Account: req.Principal.Account, Principal: req.Principal.ARN,
		Action: action, Resource: resource, Decision: "Allow", Enforced: s.cfg.IAMMode == "enforce",
	}}
	if dec.By != nil {
		r.policy, r.sid = dec.By.Policy, dec.By.Sid // an allow's reason is worded from these when read
	}
	switch {
	case dec.Allowed && dec.By == nil:
		r.Reason = "the account root may act on its own account's resources"
	case !dec.Allowed:
		r.Decision = "Deny"
		r.Reason = dec.Message(req.Principal.ARN, action, resource)
	}
	s.audit.record(r)
	if s.cfg.IAMMode == "audit" {
		e := r.event()
		s.log.Info("authorization", "requestId", e.RequestID, "principal", e.Principal, "action", action,
			"resource", resource, "decision", e.Decision, "reason", e.Reason)
	}
}

// requestTimes are a second's aws:CurrentTime and aws:EpochTime, formatted
// once per second rather than once per request.
type requestTimes struct {
	second     int64
	iso, epoch string
}

func (s *Server) timeStrings(t time.Time) *requestTimes {
	sec := t.Unix()
	if c := s.times.Load(); c != nil && c.second == sec {
		return c
	}
	c := &requestTimes{second: sec, iso: t.UTC().Format(time.RFC3339), epoch: strconv.FormatInt(sec, 10)}
	s.times.Store(c)
	return c
}
