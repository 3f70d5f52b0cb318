package iam

import (
	"context"
	"slices"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// Managed policies attached to users, groups and roles: at most ten each
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_iam-quotas.html).
// Attaching an attached policy again changes nothing, as in AWS.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_AttachUserPolicy.html

func (t *entityType[E]) validateAttachment(name, arn string) *api.Error {
	v := t.validation(name)
	v.arn(arn, "policyArn")
	return v.Err()
}

func (t *entityType[E]) attach(s *Service, req *api.Request, name, arn string) error {
	if err := t.validateAttachment(name, arn); err != nil {
		return err
	}
	return t.change(s, req, name, func(e E) *api.Error {
		list := e.parts().attached
		p, err := s.attachablePolicy(req, arn)
		if err != nil {
			return err
		}
		if slices.Contains(*list, p.arn()) {
			return nil
		}
		if len(*list) >= maxAttached {
			return errLimitExceeded("Cannot exceed quota for PoliciesPer%s: %d", t.title, maxAttached)
		}
		*list = append(*list, p.arn())
		return nil
	})
}

func (t *entityType[E]) detach(s *Service, req *api.Request, name, arn string) error {
	if err := t.validateAttachment(name, arn); err != nil {
		return err
	}
	return t.change(s, req, name, func(e E) *api.Error {
		list := e.parts().attached
		i := slices.Index(*list, arn)
		if i < 0 {
			return errNoSuchEntity("Policy %s was not found.", arn)
		}
		*list = slices.Delete(*list, i, i+1)
		return nil
	})
}

// listAttached pages through an entity's attached policies, in name order.
func (t *entityType[E]) listAttached(s *Service, req *api.Request, name, pathPrefix, marker string, maxItems *int32) (*listAttachedOutput, error) {
	if err := t.validation(name).Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, err := t.lookup(s, req.Account, name)
	if err != nil {
		return nil, err
	}
	if err := validatePathPrefix(pathPrefix); err != nil {
		return nil, err
	}
	byKey := map[string]*managedPolicy{}
	for _, arn := range *e.parts().attached {
		if p := s.policyByARN(arn); p != nil && hasPathPrefix(p.Path, pathPrefix) {
			byKey[lower(p.Name)+"\x00"+arn] = p
		}
	}
	keys := sortedKeys(byKey, nil)
	pg, err := paginate(keys, marker, maxItems)
	if err != nil {
		return nil, err
	}
	out := &listAttachedOutput{AttachedPolicies: members[attachedPolicyXML]{}, IsTruncated: pg.truncated, Marker: pg.marker}
	for _, k := range keys[pg.start:pg.end] {
		out.AttachedPolicies = append(out.AttachedPolicies, attachedPolicyXML{PolicyName: byKey[k].Name, PolicyArn: byKey[k].arn()})
	}
	return out, nil
}

type attachUserPolicyInput struct {
	UserName  string
	PolicyArn string
}

func (in *attachUserPolicyInput) validate() *api.Error {
	return users.validateAttachment(in.UserName, in.PolicyArn)
}

func (in *attachUserPolicyInput) target() ref {
	return ref{kind: kindUser, name: in.UserName, policyARN: in.PolicyArn}
}

func (s *Service) attachUserPolicy(_ context.Context, req *api.Request, in *attachUserPolicyInput) (*struct{}, error) {
	return nil, users.attach(s, req, in.UserName, in.PolicyArn)
}

type detachUserPolicyInput struct {
	UserName  string
	PolicyArn string
}

func (in *detachUserPolicyInput) validate() *api.Error {
	return users.validateAttachment(in.UserName, in.PolicyArn)
}

func (in *detachUserPolicyInput) target() ref {
	return ref{kind: kindUser, name: in.UserName, policyARN: in.PolicyArn}
}

func (s *Service) detachUserPolicy(_ context.Context, req *api.Request, in *detachUserPolicyInput) (*struct{}, error) {
	return nil, users.detach(s, req, in.UserName, in.PolicyArn)
}

type listAttachedUserPoliciesInput struct {
	UserName   string
	PathPrefix string
	Marker     string
	MaxItems   *int32
}

func (in *listAttachedUserPoliciesInput) target() ref { return users.ref(in.UserName) }

func (in *listAttachedUserPoliciesInput) validate() *api.Error {
	return users.validation(in.UserName).Err()
}

func (s *Service) listAttachedUserPolicies(_ context.Context, req *api.Request, in *listAttachedUserPoliciesInput) (*listAttachedOutput, error) {
	return users.listAttached(s, req, in.UserName, in.PathPrefix, in.Marker, in.MaxItems)
}

type attachGroupPolicyInput struct {
	GroupName string
	PolicyArn string
}

func (in *attachGroupPolicyInput) validate() *api.Error {
	return groups.validateAttachment(in.GroupName, in.PolicyArn)
}

func (in *attachGroupPolicyInput) target() ref {
	return ref{kind: kindGroup, name: in.GroupName, policyARN: in.PolicyArn}
}

func (s *Service) attachGroupPolicy(_ context.Context, req *api.Request, in *attachGroupPolicyInput) (*struct{}, error) {
	return nil, groups.attach(s, req, in.GroupName, in.PolicyArn)
}

type detachGroupPolicyInput struct {
	GroupName string
	PolicyArn string
}

func (in *detachGroupPolicyInput) validate() *api.Error {
	return groups.validateAttachment(in.GroupName, in.PolicyArn)
}

func (in *detachGroupPolicyInput) target() ref {
	return ref{kind: kindGroup, name: in.GroupName, policyARN: in.PolicyArn}
}

func (s *Service) detachGroupPolicy(_ context.Context, req *api.Request, in *detachGroupPolicyInput) (*struct{}, error) {
	return nil, groups.detach(s, req, in.GroupName, in.PolicyArn)
}

type listAttachedGroupPoliciesInput struct {
	GroupName  string
	PathPrefix string
	Marker     string
	MaxItems   *int32
}

func (in *listAttachedGroupPoliciesInput) target() ref {
	return groups.ref(in.GroupName)
}

func (in *listAttachedGroupPoliciesInput) validate() *api.Error {
	return groups.validation(in.GroupName).Err()
}

func (s *Service) listAttachedGroupPolicies(_ context.Context, req *api.Request, in *listAttachedGroupPoliciesInput) (*listAttachedOutput, error) {
	return groups.listAttached(s, req, in.GroupName, in.PathPrefix, in.Marker, in.MaxItems)
}

type attachRolePolicyInput struct {
	RoleName  string
	PolicyArn string
}

func (in *attachRolePolicyInput) validate() *api.Error {
	return roles.validateAttachment(in.RoleName, in.PolicyArn)
}

func (in *attachRolePolicyInput) target() ref {
	return ref{kind: kindRole, name: in.RoleName, policyARN: in.PolicyArn}
}

func (s *Service) attachRolePolicy(_ context.Context, req *api.Request, in *attachRolePolicyInput) (*struct{}, error) {
	return nil, roles.attach(s, req, in.RoleName, in.PolicyArn)
}

type detachRolePolicyInput struct {
	RoleName  string
	PolicyArn string
}

func (in *detachRolePolicyInput) validate() *api.Error {
	return roles.validateAttachment(in.RoleName, in.PolicyArn)
}

func (in *detachRolePolicyInput) target() ref {
	return ref{kind: kindRole, name: in.RoleName, policyARN: in.PolicyArn}
}

func (s *Service) detachRolePolicy(_ context.Context, req *api.Request, in *detachRolePolicyInput) (*struct{}, error) {
	return nil, roles.detach(s, req, in.RoleName, in.PolicyArn)
}

type listAttachedRolePoliciesInput struct {
	RoleName   string
	PathPrefix string
	Marker     string
	MaxItems   *int32
}

func (in *listAttachedRolePoliciesInput) target() ref { return roles.ref(in.RoleName) }

func (in *listAttachedRolePoliciesInput) validate() *api.Error {
	return roles.validation(in.RoleName).Err()
}

func (s *Service) listAttachedRolePolicies(_ context.Context, req *api.Request, in *listAttachedRolePoliciesInput) (*listAttachedOutput, error) {
	return roles.listAttached(s, req, in.RoleName, in.PathPrefix, in.Marker, in.MaxItems)
}
