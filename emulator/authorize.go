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
// A target's Then targets are decided in turn, each for its own action.
func (s *Server) authorize(ctx context.Context, svc *api.Service, action *api.Action, req *api.Request, in any) *api.Error {
	if s.cfg.IAMMode == "off" || !action.Authorized() {
		return nil
	}
	target, err := action.Target(ctx, req, in)
	if err != nil {
		return api.AsError(err)
	}
	for t := &target; t != nil; t = t.Then {
		name := action.IAMAction
		if t.Action != "" {
			name = t.Action
		}
		if e := s.decide(svc, req, name, t); e != nil {
			return e
		}
	}
	return nil
}

// Allowed answers api.Authorizer: whether req would be allowed action on
// t, without recording the decision. Outside enforce mode nothing is ever
// denied, so the answer is true.
func (s *Server) Allowed(_ context.Context, req *api.Request, action string, t *api.Target) bool {
	if s.cfg.IAMMode != "enforce" {
		return true
	}
	pin := s.policyInput(req, action, t)
	return s.evaluate(&pin, action, t).Allowed
}

// decide asks the policy engine about one target, for its action and the
// further actions it requires, records each decision and returns the
// access-denied error to answer with, if any.
func (s *Server) decide(svc *api.Service, req *api.Request, action string, t *api.Target) *api.Error {
	pin := s.policyInput(req, action, t)
	var dec policy.Decision
	denied := action
	for i := -1; i < len(t.AlsoRequires); i++ {
		if i >= 0 {
			denied = t.AlsoRequires[i]
		}
		pin.Request.Action = denied
		dec = s.evaluate(&pin, denied, t)
		s.recordDecision(req, denied, t.ARN, dec)
		if !dec.Allowed {
			break
		}
	}
	if dec.Allowed || s.cfg.IAMMode == "audit" {
		return nil
	}
	p := &req.Principal
	named := denied
	if svc.LowerCaseDeniedAction {
		named = strings.ToLower(named)
	}
	if prefix, name, ok := strings.Cut(named, ":"); ok && svc.UpperCaseDeniedPrefix {
		named = strings.ToUpper(prefix) + ":" + name
	}
	msg := dec.Message(p.ARN, named, t.ARN)
	if dec.By != nil && dec.By.Sid != "" {
		// Trainers want the statement, which AWS's text leaves out.
		msg += " (statement " + strconv.Quote(dec.By.Sid) + " in " + dec.By.Policy + ")"
	}
	if svc.Denied != nil {
		return svc.Denied(msg)
	}
	return api.AccessDenied(msg)
}

// policyInput is the policy engine's question for one target: the
// principal's identity policies, the target's own policy and, when any
// policy is in play, the request context.
func (s *Server) policyInput(req *api.Request, action string, t *api.Target) policy.Input {
	owner := t.Account
	if owner == "" {
		owner = req.Account
	}
	p := &req.Principal
	pin := policy.Input{
		Request: policy.Request{
			Action: action, Resource: t.ARN,
			Principal: policy.Principal{ARN: p.ARN, Account: p.Account, Type: p.Type, RoleARN: p.RoleARN, Service: p.Service},
		},
		Session:         p.SessionPolicies,
		ResourceAccount: owner,
		ResourceKind:    t.Kind,
		SameAccountOnly: t.SameAccountOnly,
	}
	if s.identity != nil {
		pin.Identity, pin.Boundary = s.identity.PoliciesFor(*p)
	}
	if t.Policy != nil {
		pin.Resource = &policy.NamedPolicy{Name: t.PolicyName, Policy: t.Policy}
	}
	// A root acting on its own account with no policy in play needs no
	// context; everything else gets the request context, answered on demand.
	if pin.Identity != nil || pin.Boundary != nil || pin.Session != nil || pin.Resource != nil {
		pin.Request.Conditions = t.Conditions
		pin.Request.Context = &requestContext{req: req, t: t, owner: owner, times: s.timeStrings(req.Time)}
	}
	return pin
}

// evaluate decides pin, then lets a grant on the target allow what no
// policy did: grants add permissions but never override a Deny statement.
// https://docs.aws.amazon.com/kms/latest/developerguide/grants.html
func (s *Server) evaluate(pin *policy.Input, action string, t *api.Target) policy.Decision {
	dec := policy.Evaluate(pin)
	if dec.Allowed || dec.Explicit || t.Grant == nil {
		return dec
	}
	if id, ok := t.Grant(action); ok {
		return policy.Decision{Allowed: true, By: &policy.Match{Policy: "grant " + id, Effect: "Allow"}}
	}
	return dec
}

// requestContext answers the global condition keys AWS sets for a request
// made directly by a principal, on demand: only the keys a policy mentions
// are ever produced. Keys arrive lower-cased (condition key names are
// case-insensitive); the target's own keys come from Target.Conditions.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-keys.html
type requestContext struct {
	req   *api.Request
	t     *api.Target
	owner string
	times *requestTimes
}

func (c *requestContext) Values(key string) []string {
	p := &c.req.Principal
	one := func(v string) []string {
		if v == "" {
			return nil
		}
		return []string{v}
	}
	switch key {
	case "aws:principalarn":
		if p.Type == api.PrincipalAssumedRole && p.RoleARN != "" {
			return one(p.RoleARN) // aws:PrincipalArn of a role session is the role
		}
		return one(p.ARN)
	case "aws:principalaccount":
		return one(p.Account)
	case "aws:principaltype":
		return one(p.Type)
	case "aws:userid":
		return one(p.UserID)
	case "aws:username":
		if p.Type == api.PrincipalUser {
			return one(p.Name)
		}
		return nil
	case "aws:sourceidentity":
		return one(p.SourceIdentity)
	case "aws:securetransport":
		return one(strconv.FormatBool(c.req.Scheme == "https"))
	case "aws:currenttime":
		return one(c.times.iso)
	case "aws:epochtime":
		return one(c.times.epoch)
	case "aws:sourceip":
		return one(c.req.SourceIP)
	case "aws:requestedregion":
		return one(c.req.Region)
	case "aws:principalisawsservice":
		return one(strconv.FormatBool(p.Type == api.PrincipalService))
	case "aws:viaawsservice":
		return one(strconv.FormatBool(c.req.ViaService != ""))
	case "aws:resourceaccount":
		return one(c.owner)
	case "aws:sourcearn":
		return one(c.req.SourceARN)
	case "aws:sourceaccount":
		return one(c.req.SourceAccount)
	}
	if tag, ok := strings.CutPrefix(key, "aws:principaltag/"); ok {
		return one(tagValue(p.Tags, tag))
	}
	if tag, ok := strings.CutPrefix(key, "aws:resourcetag/"); ok {
		return one(tagValue(c.t.Tags, tag))
	}
	return nil
}

// tagValue finds a tag by key without regard to case, as condition keys
// are matched.
func tagValue(tags map[string]string, key string) string {
	for k, v := range tags {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return ""
}

func (s *Server) recordDecision(req *api.Request, action, resource string, dec policy.Decision) {
	account := req.Principal.Account
	if account == "" {
		account = req.Account // a service principal's call, filed under the account it acts for
	}
	r := auditRecord{AuditEvent: AuditEvent{
		Time: req.Time, RequestID: req.ID, Account: account, Principal: req.Principal.ARN,
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
	s.metrics.decision(r.Decision, r.Enforced)
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
