package api

import (
	"context"

	"github.com/ferry-emulator/ferry/iam/policy"
)

// Target is what an action acts on, as authorization needs to know it. An
// action's table entry resolves it from the decoded input before the
// handler runs; the emulator then asks the policy engine once, in one place.
type Target struct {
	ARN     string // the resource's ARN, or "*" when the action has none (sqs:ListQueues)
	Account string // the resource's owner; "" means the caller's own account
	// Policy is the resource's policy (queue policy, topic policy, trust
	// policy, key policy), nil when it has none; PolicyName names it in
	// explanations ("queue policy").
	Policy     *policy.Policy
	PolicyName string
	Kind       policy.ResourceKind
	Tags       map[string]string   // aws:ResourceTag/…
	Conditions map[string][]string // action-specific context keys, lower-cased: sts:externalid, aws:requesttag/k, aws:tagkeys …
	// SameAccountOnly marks operations AWS never allows across accounts,
	// whatever the policies say (SQS SetQueueAttributes, AddPermission, …).
	SameAccountOnly bool
	// AlsoRequires lists further actions the request needs allowed on the
	// same target, as AssumeRole with session tags needs sts:TagSession.
	AlsoRequires []string
	// Action is the IAM action asked about this target when it is not the
	// table entry's own: a Then target's.
	Action string
	// Then is a further resource the request acts on, authorized after
	// this one for its own Action: KMS ReEncrypt needs kms:ReEncryptTo on
	// its destination key as well as kms:ReEncryptFrom on its source.
	Then *Target
	// Grant, when set, reports whether a grant on the resource (a KMS
	// grant) gives the caller the action, and the grant's id. A grant
	// allows what no policy allows, but not what a Deny statement refuses.
	Grant func(action string) (grantID string, ok bool)
}

// Authorizer answers whether a request would be allowed an action on a
// target, recording nothing and denying nothing: KMS's policy lockout
// safety check asks whether a new key policy still lets its caller change
// it. It answers true unless authorization is enforced.
type Authorizer interface {
	Allowed(ctx context.Context, req *Request, action string, t *Target) bool
}

// Resolve attaches a target resolver to an action. An error from fn (say,
// QueueDoesNotExist) is answered as is, before any authorization.
func Resolve[In any](a *Action, fn func(context.Context, *Request, *In) (Target, error)) *Action {
	a.target = func(ctx context.Context, req *Request, in any) (Target, error) {
		return fn(ctx, req, in.(*In))
	}
	return a
}

// Unauthorized marks an action AWS never denies (sts:GetCallerIdentity).
func Unauthorized(a *Action) *Action {
	a.unauthorized = true
	return a
}

// Target resolves what the call acts on. An action without a resolver acts
// on "*" in the caller's account.
func (a *Action) Target(ctx context.Context, req *Request, in any) (Target, error) {
	if a.target == nil {
		return Target{ARN: "*"}, nil
	}
	return a.target(ctx, req, in)
}

// Authorized reports whether calls of this action go through authorization.
func (a *Action) Authorized() bool { return !a.unauthorized }
