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
	// context; everything else gets the request context, answered on demand.
	if pin.Identity != nil || pin.Boundary != nil || pin.Session != nil || pin.Resource != nil {
		pin.Request.Conditions = target.Conditions
		pin.Request.Context = &requestContext{req: req, t: &target, owner: owner, times: s.timeStrings(req.Time)}
	}
	dec := policy.Evaluate(&pin)
	s.recordDecision(req, action.IAMAction, target.ARN, dec)
	denied := action.IAMAction
	for _, also := range target.AlsoRequires {
		if !dec.Allowed {
			break
		}
		pin.Request.Action = also
		dec = policy.Evaluate(&pin)
		s.recordDecision(req, also, target.ARN, dec)
		denied = also
	}
	if dec.Allowed || s.cfg.IAMMode == "audit" {
		return nil
	}
	named := denied
	if svc.LowerCaseDeniedAction {
		named = strings.ToLower(named)
	}
	if prefix, name, ok := strings.Cut(named, ":"); ok && svc.UpperCaseDeniedPrefix {
		named = strings.ToUpper(prefix) + ":" + name
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
		return one("false")
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
