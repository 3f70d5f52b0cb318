package iam

import (
	"context"
	"slices"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam/policy"
)

// Inline policies of users, groups and roles. An entity's inline policies
// share one size quota, counted without white space: 2,048 characters for
// a user, 5,120 for a group, 10,240 for a role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_PutUserPolicy.html

// inlineIndex finds a policy by name, which IAM compares without case.
func inlineIndex(list []inlinePolicy, name string) int {
	return slices.IndexFunc(list, func(p inlinePolicy) bool { return lower(p.Name) == lower(name) })
}

// withInline returns list with the named policy added or replaced, kept in
// name order; err when the entity's inline policies would outgrow max.
func withInline(list []inlinePolicy, p inlinePolicy, max int, kind, entity string) ([]inlinePolicy, *api.Error) {
	out := slices.Clone(list)
	if i := inlineIndex(out, p.Name); i >= 0 {
		out[i] = p
	} else {
		out = append(out, p)
		slices.SortFunc(out, func(a, b inlinePolicy) int {
			switch {
			case lower(a.Name) < lower(b.Name):
				return -1
			case lower(a.Name) > lower(b.Name):
				return 1
			}
			return 0
		})
	}
	size := 0
	for _, q := range out {
		size += policySize(q.Document)
	}
	if size > max {
		return nil, errLimitExceeded("Maximum policy size of %d bytes exceeded for %s %s", max, kind, entity)
	}
	return out, nil
}

// validatePut checks an inline policy put against the model.
func validatePut(entityMember, entity string, entityMax int, name, doc string) *api.Error {
	var v validation
	v.name(entity, entityMember, entityMax)
	v.name(name, "policyName", maxPolicyName)
	v.document(doc, "policyDocument")
	return v.err()
}

// parseInline parses an inline policy document.
func parseInline(doc string) (*policy.Policy, *api.Error) {
	p, err := policy.Parse(doc, policy.Identity)
	if err != nil {
		return nil, malformed(err)
	}
	return p, nil
}

func validateInlineName(entityMember, entity string, entityMax int, name string) *api.Error {
	var v validation
	v.name(entity, entityMember, entityMax)
	v.name(name, "policyName", maxPolicyName)
	return v.err()
}

// listInline pages through an entity's inline policy names.
func listInline(list []inlinePolicy, marker string, maxItems *int32) (*listNamesOutput, *api.Error) {
	keys := make([]string, len(list))
	names := map[string]string{}
	for i, p := range list {
		keys[i] = lower(p.Name)
		names[keys[i]] = p.Name
	}
	pg, err := paginate(keys, marker, maxItems)
	if err != nil {
		return nil, err
	}
	out := &listNamesOutput{PolicyNames: members[string]{}, IsTruncated: pg.truncated, Marker: pg.marker}
	for _, k := range keys[pg.start:pg.end] {
		out.PolicyNames = append(out.PolicyNames, names[k])
	}
	return out, nil
}

// User policies.

type putUserPolicyInput struct {
	UserName       string
	PolicyName     string
	PolicyDocument string
}

func (in *putUserPolicyInput) validate() *api.Error {
	return validatePut("userName", in.UserName, maxUserName, in.PolicyName, in.PolicyDocument)
}

func (in *putUserPolicyInput) target() ref { return ref{kind: kindUser, name: in.UserName} }

func (s *Service) putUserPolicy(_ context.Context, req *api.Request, in *putUserPolicyInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	parsed, err := parseInline(in.PolicyDocument)
	if err != nil {
		return nil, err
	}
	return nil, s.changeUser(req, in.UserName, func(u *user) *api.Error {
		list, err := withInline(u.Inline, inlinePolicy{Name: in.PolicyName, Document: in.PolicyDocument, parsed: parsed}, maxUserInline, "user", u.Name)
		u.Inline = list
		return err
	})
}

type userPolicyInput struct {
	UserName   string
	PolicyName string
}

func (in *userPolicyInput) validate() *api.Error {
	return validateInlineName("userName", in.UserName, maxUserName, in.PolicyName)
}

func (in *userPolicyInput) target() ref { return ref{kind: kindUser, name: in.UserName} }

type getUserPolicyOutput struct {
	UserName       string `xml:"UserName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

func (s *Service) getUserPolicy(_ context.Context, req *api.Request, in *userPolicyInput) (*getUserPolicyOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, err := s.lookupUser(req.Account, in.UserName)
	if err != nil {
		return nil, err
	}
	i := inlineIndex(u.Inline, in.PolicyName)
	if i < 0 {
		return nil, errNoSuchEntity("The user policy with name %s cannot be found.", in.PolicyName)
	}
	return &getUserPolicyOutput{UserName: u.Name, PolicyName: u.Inline[i].Name, PolicyDocument: encodeDocument(u.Inline[i].Document)}, nil
}

type deleteUserPolicyInput struct {
	UserName   string
	PolicyName string
}

func (in *deleteUserPolicyInput) validate() *api.Error {
	return validateInlineName("userName", in.UserName, maxUserName, in.PolicyName)
}

func (in *deleteUserPolicyInput) target() ref { return ref{kind: kindUser, name: in.UserName} }

func (s *Service) deleteUserPolicy(_ context.Context, req *api.Request, in *deleteUserPolicyInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	return nil, s.changeUser(req, in.UserName, func(u *user) *api.Error {
		i := inlineIndex(u.Inline, in.PolicyName)
		if i < 0 {
			return errNoSuchEntity("The user policy with name %s cannot be found.", in.PolicyName)
		}
		u.Inline = slices.Delete(u.Inline, i, i+1)
		return nil
	})
}

type listUserPoliciesInput struct {
	UserName string
	Marker   string
	MaxItems *int32
}

func (in *listUserPoliciesInput) target() ref { return ref{kind: kindUser, name: in.UserName} }

func (in *listUserPoliciesInput) validate() *api.Error {
	var v validation
	v.name(in.UserName, "userName", maxUserName)
	return v.err()
}

func (s *Service) listUserPolicies(_ context.Context, req *api.Request, in *listUserPoliciesInput) (*listNamesOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	u, err := s.lookupUser(req.Account, in.UserName)
	if err != nil {
		return nil, err
	}
	out, err := listInline(u.Inline, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Group policies.

type putGroupPolicyInput struct {
	GroupName      string
	PolicyName     string
	PolicyDocument string
}

func (in *putGroupPolicyInput) validate() *api.Error {
	return validatePut("groupName", in.GroupName, maxGroupName, in.PolicyName, in.PolicyDocument)
}

func (in *putGroupPolicyInput) target() ref { return ref{kind: kindGroup, name: in.GroupName} }

func (s *Service) putGroupPolicy(_ context.Context, req *api.Request, in *putGroupPolicyInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	parsed, err := parseInline(in.PolicyDocument)
	if err != nil {
		return nil, err
	}
	return nil, s.changeGroup(req, in.GroupName, func(g *group) *api.Error {
		list, err := withInline(g.Inline, inlinePolicy{Name: in.PolicyName, Document: in.PolicyDocument, parsed: parsed}, maxGroupInline, "group", g.Name)
		g.Inline = list
		return err
	})
}

type groupPolicyInput struct {
	GroupName  string
	PolicyName string
}

func (in *groupPolicyInput) validate() *api.Error {
	return validateInlineName("groupName", in.GroupName, maxGroupName, in.PolicyName)
}

func (in *groupPolicyInput) target() ref { return ref{kind: kindGroup, name: in.GroupName} }

type getGroupPolicyOutput struct {
	GroupName      string `xml:"GroupName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

func (s *Service) getGroupPolicy(_ context.Context, req *api.Request, in *groupPolicyInput) (*getGroupPolicyOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, err := s.lookupGroup(req.Account, in.GroupName)
	if err != nil {
		return nil, err
	}
	i := inlineIndex(g.Inline, in.PolicyName)
	if i < 0 {
		return nil, errNoSuchEntity("The group policy with name %s cannot be found.", in.PolicyName)
	}
	return &getGroupPolicyOutput{GroupName: g.Name, PolicyName: g.Inline[i].Name, PolicyDocument: encodeDocument(g.Inline[i].Document)}, nil
}

type deleteGroupPolicyInput struct {
	GroupName  string
	PolicyName string
}

func (in *deleteGroupPolicyInput) validate() *api.Error {
	return validateInlineName("groupName", in.GroupName, maxGroupName, in.PolicyName)
}

func (in *deleteGroupPolicyInput) target() ref { return ref{kind: kindGroup, name: in.GroupName} }

func (s *Service) deleteGroupPolicy(_ context.Context, req *api.Request, in *deleteGroupPolicyInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	return nil, s.changeGroup(req, in.GroupName, func(g *group) *api.Error {
		i := inlineIndex(g.Inline, in.PolicyName)
		if i < 0 {
			return errNoSuchEntity("The group policy with name %s cannot be found.", in.PolicyName)
		}
		g.Inline = slices.Delete(g.Inline, i, i+1)
		return nil
	})
}

type listGroupPoliciesInput struct {
	GroupName string
	Marker    string
	MaxItems  *int32
}

func (in *listGroupPoliciesInput) target() ref { return ref{kind: kindGroup, name: in.GroupName} }

func (in *listGroupPoliciesInput) validate() *api.Error {
	var v validation
	v.name(in.GroupName, "groupName", maxGroupName)
	return v.err()
}

func (s *Service) listGroupPolicies(_ context.Context, req *api.Request, in *listGroupPoliciesInput) (*listNamesOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	g, err := s.lookupGroup(req.Account, in.GroupName)
	if err != nil {
		return nil, err
	}
	out, err := listInline(g.Inline, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// Role policies.

type putRolePolicyInput struct {
	RoleName       string
	PolicyName     string
	PolicyDocument string
}

func (in *putRolePolicyInput) validate() *api.Error {
	return validatePut("roleName", in.RoleName, maxRoleName, in.PolicyName, in.PolicyDocument)
}

func (in *putRolePolicyInput) target() ref { return ref{kind: kindRole, name: in.RoleName} }

func (s *Service) putRolePolicy(_ context.Context, req *api.Request, in *putRolePolicyInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	parsed, err := parseInline(in.PolicyDocument)
	if err != nil {
		return nil, err
	}
	return nil, s.changeRole(req, in.RoleName, func(r *role) *api.Error {
		list, err := withInline(r.Inline, inlinePolicy{Name: in.PolicyName, Document: in.PolicyDocument, parsed: parsed}, maxRoleInline, "role", r.Name)
		r.Inline = list
		return err
	})
}

type rolePolicyInput struct {
	RoleName   string
	PolicyName string
}

func (in *rolePolicyInput) validate() *api.Error {
	return validateInlineName("roleName", in.RoleName, maxRoleName, in.PolicyName)
}

func (in *rolePolicyInput) target() ref { return ref{kind: kindRole, name: in.RoleName} }

type getRolePolicyOutput struct {
	RoleName       string `xml:"RoleName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

func (s *Service) getRolePolicy(_ context.Context, req *api.Request, in *rolePolicyInput) (*getRolePolicyOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.lookupRole(req.Account, in.RoleName)
	if err != nil {
		return nil, err
	}
	i := inlineIndex(r.Inline, in.PolicyName)
	if i < 0 {
		return nil, errNoSuchEntity("The role policy with name %s cannot be found.", in.PolicyName)
	}
	return &getRolePolicyOutput{RoleName: r.Name, PolicyName: r.Inline[i].Name, PolicyDocument: encodeDocument(r.Inline[i].Document)}, nil
}

type deleteRolePolicyInput struct {
	RoleName   string
	PolicyName string
}

func (in *deleteRolePolicyInput) validate() *api.Error {
	return validateInlineName("roleName", in.RoleName, maxRoleName, in.PolicyName)
}

func (in *deleteRolePolicyInput) target() ref { return ref{kind: kindRole, name: in.RoleName} }

func (s *Service) deleteRolePolicy(_ context.Context, req *api.Request, in *deleteRolePolicyInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	return nil, s.changeRole(req, in.RoleName, func(r *role) *api.Error {
		i := inlineIndex(r.Inline, in.PolicyName)
		if i < 0 {
			return errNoSuchEntity("The role policy with name %s cannot be found.", in.PolicyName)
		}
		r.Inline = slices.Delete(r.Inline, i, i+1)
		return nil
	})
}

type listRolePoliciesInput struct {
	RoleName string
	Marker   string
	MaxItems *int32
}

func (in *listRolePoliciesInput) target() ref { return ref{kind: kindRole, name: in.RoleName} }

func (in *listRolePoliciesInput) validate() *api.Error {
	var v validation
	v.name(in.RoleName, "roleName", maxRoleName)
	return v.err()
}

func (s *Service) listRolePolicies(_ context.Context, req *api.Request, in *listRolePoliciesInput) (*listNamesOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := s.lookupRole(req.Account, in.RoleName)
	if err != nil {
		return nil, err
	}
	out, err := listInline(r.Inline, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return out, nil
}
