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

// attach adds arn to list; quota names the entity kind in AWS's message.
func (s *Service) attach(req *api.Request, list []string, arn, quota string) ([]string, *api.Error) {
	p, err := s.attachablePolicy(req, arn)
	if err != nil {
		return nil, err
	}
	if slices.Contains(list, p.arn()) {
		return list, nil
	}
	if len(list) >= maxAttached {
		return nil, errLimitExceeded("Cannot exceed quota for %s: %d", quota, maxAttached)
	}
	return append(slices.Clone(list), p.arn()), nil
}

func detach(list []string, arn string) ([]string, *api.Error) {
	i := slices.Index(list, arn)
	if i < 0 {
		return nil, errNoSuchEntity("Policy %s was not found.", arn)
	}
	return slices.Delete(slices.Clone(list), i, i+1), nil
}

func validateAttachment(entityMember, entity string, entityMax int, arn string) *api.Error {
	var v validation
	v.name(entity, entityMember, entityMax)
	v.arn(arn, "policyArn")
	return v.err()
}

// listAttached pages through attached policies, in name order.
func (s *Service) listAttached(list []string, pathPrefix, marker string, maxItems *int32) (*listAttachedOutput, *api.Error) {
	var v validation
	v.path(pathPrefix, "pathPrefix")
	if err := v.err(); err != nil {
		return nil, err
	}
	byKey := map[string]*managedPolicy{}
	for _, arn := range list {
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
	return validateAttachment("userName", in.UserName, maxUserName, in.PolicyArn)
}

func (in *attachUserPolicyInput) target() ref {
	return ref{kind: kindUser, name: in.UserName, policyARN: in.PolicyArn}
}

func (s *Service) attachUserPolicy(_ context.Context, req *api.Request, in *attachUserPolicyInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	return nil, s.changeUser(req, in.UserName, func(u *user) (err *api.Error) {
		u.Attached, err = s.attach(req, u.Attached, in.PolicyArn, "PoliciesPerUser")
		return err
	})
}

type detachUserPolicyInput struct {
	UserName  string
	PolicyArn string
}

func (in *detachUserPolicyInput) validate() *api.Error {
	return validateAttachment("userName", in.UserName, maxUserName, in.PolicyArn)
}

func (in *detachUserPolicyInput) target() ref {
	return ref{kind: kindUser, name: in.UserName, policyARN: in.PolicyArn}
}

func (s *Service) detachUserPolicy(_ context.Context, req *api.Request, in *detachUserPolicyInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	return nil, s.changeUser(req, in.UserName, func(u *user) (err *api.Error) {
		u.Attached, err = detach(u.Attached, in.PolicyArn)
		return err
	})
}

type listAttachedUserPoliciesInput struct {
	UserName   string
	PathPrefix string
	Marker     string
	MaxItems   *int32
}

func (in *listAttachedUserPoliciesInput) target() ref { return ref{kind: kindUser, name: in.UserName} }

func (in *listAttachedUserPoliciesInput) validate() *api.Error {
	var v validation
	v.name(in.UserName, "userName", maxUserName)
	return v.err()
}

func (s *Service) listAttachedUserPolicies(_ context.Context, req *api.Request, in *listAttachedUserPoliciesInput) (*listAttachedOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, err := s.lookupUser(req.Account, in.UserName)
	if err != nil {
		return nil, err
	}
	out, err := s.listAttached(u.Attached, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return out, nil
}

type attachGroupPolicyInput struct {
	GroupName string
	PolicyArn string
}

func (in *attachGroupPolicyInput) validate() *api.Error {
	return validateAttachment("groupName", in.GroupName, maxGroupName, in.PolicyArn)
}

func (in *attachGroupPolicyInput) target() ref {
	return ref{kind: kindGroup, name: in.GroupName, policyARN: in.PolicyArn}
}

func (s *Service) attachGroupPolicy(_ context.Context, req *api.Request, in *attachGroupPolicyInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	return nil, s.changeGroup(req, in.GroupName, func(g *group) (err *api.Error) {
		g.Attached, err = s.attach(req, g.Attached, in.PolicyArn, "PoliciesPerGroup")
		return err
	})
}

type detachGroupPolicyInput struct {
	GroupName string
	PolicyArn string
}

func (in *detachGroupPolicyInput) validate() *api.Error {
	return validateAttachment("groupName", in.GroupName, maxGroupName, in.PolicyArn)
}

func (in *detachGroupPolicyInput) target() ref {
	return ref{kind: kindGroup, name: in.GroupName, policyARN: in.PolicyArn}
}

func (s *Service) detachGroupPolicy(_ context.Context, req *api.Request, in *detachGroupPolicyInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	return nil, s.changeGroup(req, in.GroupName, func(g *group) (err *api.Error) {
		g.Attached, err = detach(g.Attached, in.PolicyArn)
		return err
	})
}

type listAttachedGroupPoliciesInput struct {
	GroupName  string
	PathPrefix string
	Marker     string
	MaxItems   *int32
}

func (in *listAttachedGroupPoliciesInput) target() ref {
	return ref{kind: kindGroup, name: in.GroupName}
}

func (in *listAttachedGroupPoliciesInput) validate() *api.Error {
	var v validation
	v.name(in.GroupName, "groupName", maxGroupName)
	return v.err()
}

func (s *Service) listAttachedGroupPolicies(_ context.Context, req *api.Request, in *listAttachedGroupPoliciesInput) (*listAttachedOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, err := s.lookupGroup(req.Account, in.GroupName)
	if err != nil {
		return nil, err
	}
	out, err := s.listAttached(g.Attached, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return out, nil
}

type attachRolePolicyInput struct {
	RoleName  string
	PolicyArn string
}

func (in *attachRolePolicyInput) validate() *api.Error {
	return validateAttachment("roleName", in.RoleName, maxRoleName, in.PolicyArn)
}

func (in *attachRolePolicyInput) target() ref {
	return ref{kind: kindRole, name: in.RoleName, policyARN: in.PolicyArn}
}

func (s *Service) attachRolePolicy(_ context.Context, req *api.Request, in *attachRolePolicyInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	return nil, s.changeRole(req, in.RoleName, func(r *role) (err *api.Error) {
		r.Attached, err = s.attach(req, r.Attached, in.PolicyArn, "PoliciesPerRole")
		return err
	})
}

type detachRolePolicyInput struct {
	RoleName  string
	PolicyArn string
}

func (in *detachRolePolicyInput) validate() *api.Error {
	return validateAttachment("roleName", in.RoleName, maxRoleName, in.PolicyArn)
}

func (in *detachRolePolicyInput) target() ref {
	return ref{kind: kindRole, name: in.RoleName, policyARN: in.PolicyArn}
}

func (s *Service) detachRolePolicy(_ context.Context, req *api.Request, in *detachRolePolicyInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	return nil, s.changeRole(req, in.RoleName, func(r *role) (err *api.Error) {
		r.Attached, err = detach(r.Attached, in.PolicyArn)
		return err
	})
}

type listAttachedRolePoliciesInput struct {
	RoleName   string
	PathPrefix string
	Marker     string
	MaxItems   *int32
}

func (in *listAttachedRolePoliciesInput) target() ref { return ref{kind: kindRole, name: in.RoleName} }

func (in *listAttachedRolePoliciesInput) validate() *api.Error {
	var v validation
	v.name(in.RoleName, "roleName", maxRoleName)
	return v.err()
}

func (s *Service) listAttachedRolePolicies(_ context.Context, req *api.Request, in *listAttachedRolePoliciesInput) (*listAttachedOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.lookupRole(req.Account, in.RoleName)
	if err != nil {
		return nil, err
	}
	out, err := s.listAttached(r.Attached, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return out, nil
}
