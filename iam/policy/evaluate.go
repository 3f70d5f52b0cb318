package policy

// Request is one authorization question. Conditions holds context keys,
// LOWER-CASED (condition key names are case-insensitive), each
// multi-valued: "aws:sourcearn", "aws:principaltag/team",
// "aws:currenttime", "sqs:..."; Context, when set, answers the keys
// Conditions does not hold, so that a caller can supply values only when a
// policy asks for them. The engine computes no keys itself; policy
// variables read from the same context.
type Request struct {
	Action     string // service:Action, e.g. "sqs:SendMessage" (matching is case-insensitive)
	Resource   string // an ARN, or "*"
	Principal  Principal
	Conditions map[string][]string
	Context    Context
}

// Context answers context keys on demand: the values of a lower-cased
// key, nil when the request has none.
type Context interface {
	Values(key string) []string
}

// lookup reads a request's context: Conditions first, then Context.
type lookup struct {
	m    map[string][]string
	more Context
}

func (l lookup) get(key string) []string {
	if v, ok := l.m[key]; ok || l.more == nil {
		return v
	}
	return l.more.Values(key)
}

// NamedPolicy is a policy with the name explanations give it.
type NamedPolicy struct {
	Name   string // how explanations name it: "arn:aws:iam::aws:policy/AmazonSQSFullAccess", "user/alice inline policy p1", "queue policy" …
	Policy *Policy
}

// ResourceKind says how the resource's own policy takes part.
type ResourceKind uint8

const (
	Ordinary      ResourceKind = iota // SQS queues, SNS topics, ...: same-account either side may allow
	KeyResource                       // KMS key: the key policy must allow (a statement allowing the account root delegates to IAM)
	TrustResource                     // role trust policy: must allow the principal explicitly (also cross-account, identity must allow sts:AssumeRole)
)

// Input is everything one decision needs.
type Input struct {
	Request         Request
	Identity        []NamedPolicy // identity policies of the principal (user + its groups, or the role); nil for roots, services, anonymous
	Boundary        *NamedPolicy  // permissions boundary, if set
	Session         []NamedPolicy // session policies (assumed-role sessions with a session policy)
	Resource        *NamedPolicy  // the resource's policy, nil if it has none
	ResourceAccount string        // account that owns the resource; "" when the action has no resource owner (e.g. sqs:ListQueues): treat as the principal's account
	ResourceKind    ResourceKind
	// SameAccountOnly marks an action AWS never performs across accounts
	// (SQS AddPermission, SetQueueAttributes, …; KMS ScheduleKeyDeletion, …):
	// whatever the resource policy says, a caller from another account is
	// denied, as if it did not allow.
	// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-limitations-of-custom-policies.html
	// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
	SameAccountOnly bool
}

// Match is the statement behind a decision.
type Match struct {
	Policy string // NamedPolicy.Name
	Sid    string // "" if the statement has none
	Index  int    // statement index in the policy
	Effect string // "Allow" | "Deny"
}

// The kinds of policy a Decision names, in the words of AWS's access-denied
// messages.
const (
	PolicyIdentityBased = "identity-based"
	PolicyResourceBased = "resource-based"
	PolicyBoundary      = "permissions boundary"
	PolicySession       = "session"
	PolicyRoleTrust     = "role trust"
)

// Decision is the answer to an Input.
type Decision struct {
	Allowed  bool
	Explicit bool   // denied by an explicit Deny statement
	By       *Match // the deciding statement: the Deny, or (when allowed) an Allow that granted it; nil for root's implicit allow or an implicit deny
	Missing  string // when implicitly denied, the kind of policy that did not allow: "identity-based", "resource-based", "permissions boundary", "session", "role trust"
	DeniedIn string // when explicitly denied, the kind of policy the Deny was in (same vocabulary)
}

// hit is a statement that applies to the request, in its policy.
type hit struct {
	np *NamedPolicy
	st *statement
}

func (h hit) ok() bool { return h.st != nil }

func (h hit) match() *Match {
	effect := "Allow"
	if h.st.deny {
		effect = "Deny"
	}
	return &Match{Policy: h.np.Name, Sid: h.st.sid, Index: h.st.index, Effect: effect}
}

// Evaluate decides a request.
//
// Order, from
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html#policy-eval-denyallow:
// an explicit Deny in any applicable policy is final; then, in the same
// account, an Allow in the identity policies (narrowed by the permissions
// boundary and session policies) or in the resource policy suffices, the
// resource policy's Allow counting by whom it names; across accounts both
// the caller's account and the resource policy must allow
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html);
// key policies and role trust policies must always allow the caller
// themselves or delegate through the account.
func Evaluate(in *Input) Decision {
	req := &in.Request
	p := &req.Principal
	resourceKind := PolicyResourceBased
	if in.ResourceKind == TrustResource {
		resourceKind = PolicyRoleTrust
	}

	// 1. Explicit denies, in every policy that applies.
	idDeny, idAllow := scanPolicies(in.Identity, req)
	if idDeny.ok() {
		return explicit(idDeny, PolicyIdentityBased)
	}
	var bAllow hit
	hasBoundary := in.Boundary != nil && in.Boundary.Policy != nil
	if hasBoundary {
		var bDeny hit
		bDeny, bAllow = scanPolicy(in.Boundary, req)
		if bDeny.ok() {
			return explicit(bDeny, PolicyBoundary)
		}
	}
	hasSession := false
	for i := range in.Session {
		hasSession = hasSession || in.Session[i].Policy != nil
	}
	sDeny, sAllow := scanPolicies(in.Session, req)
	if sDeny.ok() {
		return explicit(sDeny, PolicySession)
	}
	var rAllow hit
	var rGrant grant
	if in.Resource != nil && in.Resource.Policy != nil {
		var rDeny hit
		rDeny, rAllow, rGrant = scanResourcePolicy(in.Resource, req)
		if rDeny.ok() {
			return explicit(rDeny, resourceKind)
		}
	}

	// limits is what an implicit deny in the boundary or the session
	// policies takes away. A role session without session policies keeps
	// its role's permissions; a federated-user session without one has none.
	limits := func() string {
		switch {
		case hasBoundary && !bAllow.ok():
			return PolicyBoundary
		case hasSession && !sAllow.ok():
			return PolicySession
		case !hasSession && p.Type == TypeFederatedUser:
			return PolicySession
		}
		return ""
	}
	// callerSide is whether the caller's own account allows: identity
	// policies ∩ boundary ∩ session policies; a root user needs none.
	callerSide := func() string {
		switch {
		case p.Type == TypeAccount:
			return ""
		case !p.hasIdentity():
			return PolicyIdentityBased
		}
		if !idAllow.ok() {
			return PolicyIdentityBased
		}
		return limits()
	}

	// 2. Callers with no identity: only the resource policy can allow. A
	// service principal acts through the resource policy alone; an anonymous
	// caller is matched only by "*"; a web-identity or SAML caller by its
	// provider in a trust policy.
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html#principal-services
	if !p.hasIdentity() {
		if rAllow.ok() {
			return allow(rAllow)
		}
		return implicit(resourceKind)
	}

	owner := in.ResourceAccount
	if owner == "" {
		owner = p.Account
	}

	// 3. Across accounts both sides must allow.
	if owner != p.Account {
		if in.SameAccountOnly || !rAllow.ok() {
			return implicit(resourceKind)
		}
		if m := callerSide(); m != "" {
			return implicit(m)
		}
		return allow(rAllow)
	}

	// 4. Within the account. The root user may do anything to its own
	// account's resources, except use a KMS key or assume a role that does
	// not allow it.
	// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-default.html
	if p.Type == TypeAccount && in.ResourceKind == Ordinary {
		return Decision{Allowed: true}
	}
	// A resource-policy grant to the caller itself (the user, the session,
	// everyone) needs nothing else; a grant to the role of a session is
	// still narrowed by the boundary and session policies; a grant to the
	// account only delegates to the identity policies.
	var roleMissing string
	switch rGrant {
	case grantDirect:
		return allow(rAllow)
	case grantRole:
		if roleMissing = limits(); roleMissing == "" {
			return allow(rAllow)
		}
	}
	if in.ResourceKind == Ordinary || rGrant == grantAccount {
		m := callerSide()
		if m == "" {
			return allow(idAllow)
		}
		if roleMissing != "" {
			return implicit(roleMissing)
		}
		return implicit(m)
	}
	if roleMissing != "" {
		return implicit(roleMissing)
	}
	return implicit(resourceKind)
}

func explicit(h hit, kind string) Decision {
	return Decision{Explicit: true, By: h.match(), DeniedIn: kind}
}

func implicit(kind string) Decision {
	return Decision{Missing: kind}
}

func allow(h hit) Decision {
	if !h.ok() {
		return Decision{Allowed: true}
	}
	return Decision{Allowed: true, By: h.match()}
}

// scanPolicies finds the first Deny and the first Allow statement that apply
// to the request among policies without a Principal element.
func scanPolicies(pols []NamedPolicy, req *Request) (deny, allow hit) {
	for i := range pols {
		if pols[i].Policy == nil {
			continue
		}
		d, a := scanPolicy(&pols[i], req)
		if d.ok() {
			return d, allow
		}
		if !allow.ok() {
			allow = a
		}
	}
	return deny, allow
}

func scanPolicy(np *NamedPolicy, req *Request) (deny, allow hit) {
	sts := np.Policy.statements
	for i := range sts {
		st := &sts[i]
		if allow.ok() && !st.deny {
			continue
		}
		if !st.applies(req) {
			continue
		}
		if st.deny {
			return hit{np, st}, allow
		}
		allow = hit{np, st}
	}
	return deny, allow
}

// scanResourcePolicy finds the first Deny that applies to the request and
// names the caller, and the Allow that names the caller most directly.
func scanResourcePolicy(np *NamedPolicy, req *Request) (deny, allow hit, best grant) {
	sts := np.Policy.statements
	for i := range sts {
		st := &sts[i]
		if !st.deny && best == grantDirect {
			continue
		}
		g := st.names(&req.Principal)
		if g == grantNone || !st.deny && g <= best || !st.applies(req) {
			continue
		}
		if st.deny {
			return hit{np, st}, allow, best
		}
		allow, best = hit{np, st}, g
	}
	return deny, allow, best
}

// names says how the statement's Principal or NotPrincipal covers p.
func (st *statement) names(p *Principal) grant {
	switch {
	case st.principal == nil:
		return grantNone
	case st.notPrincipal:
		if st.principal.excludes(p) {
			return grantNone
		}
		return grantDirect
	}
	return st.principal.match(p)
}

// applies reports whether the statement's Action, Resource and Condition
// elements all match the request (its principal aside).
func (st *statement) applies(req *Request) bool {
	matched := false
	for i := range st.actions {
		if st.actions[i].match(req.Action) {
			matched = true
			break
		}
	}
	if matched == st.notAction {
		return false
	}
	if st.hasResource {
		matched = false
		for i := range st.resources {
			if st.resources[i].match(req.Resource, lookup{req.Conditions, req.Context}) {
				matched = true
				break
			}
		}
		if matched == st.notResource {
			return false
		}
	}
	// Conditions: AND across operators and keys.
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-logic-multiple-context-keys-or-values.html
	for i := range st.conds {
		if !st.conds[i].eval(lookup{req.Conditions, req.Context}) {
			return false
		}
	}
	return true
}

// Message renders AWS's access-denied wording for a denied decision, e.g.
// "User: arn:aws:iam::111122223333:user/alice is not authorized to perform:
// sqs:SendMessage on resource: arn:aws:sqs:us-east-1:111122223333:q because
// no identity-based policy allows the sqs:SendMessage action". It returns ""
// for an allowed decision. An empty principalARN reads "anonymous", an empty
// resource leaves out "on resource".
// https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html
func (d Decision) Message(principalARN, action, resource string) string {
	if d.Allowed {
		return ""
	}
	if principalARN == "" {
		principalARN = "anonymous"
	}
	msg := "User: " + principalARN + " is not authorized to perform: " + action
	if resource != "" {
		msg += " on resource: " + resource
	}
	if d.Explicit {
		switch d.DeniedIn {
		case PolicyIdentityBased:
			return msg + " with an explicit deny in an identity-based policy"
		case PolicyResourceBased:
			return msg + " with an explicit deny in a resource-based policy"
		case PolicyBoundary:
			return msg + " with an explicit deny in a permissions boundary"
		case PolicySession:
			return msg + " with an explicit deny in a sessions policy"
		case PolicyRoleTrust:
			return msg + " with an explicit deny in the role trust policy"
		}
		return msg
	}
	switch d.Missing {
	case PolicyIdentityBased, PolicyResourceBased, PolicyRoleTrust:
		return msg + " because no " + d.Missing + " policy allows the " + action + " action"
	case PolicyBoundary:
		return msg + " because no permissions boundary allows the " + action + " action"
	case PolicySession:
		return msg + " because no session policy allows the " + action + " action"
	}
	return msg
}
