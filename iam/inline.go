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

// parseInline parses an inline policy document.
func parseInline(doc string) (*policy.Policy, *api.Error) {
	p, err := policy.Parse(doc, policy.Identity)
	if err != nil {
		return nil, malformed(err)
	}
	return p, nil
}

func (t *entityType[E]) validatePut(name, policyName, doc string) *api.Error {
	v := t.validation(name)
	v.name(policyName, "policyName", maxPolicyName)
	v.document(doc, "policyDocument")
	return v.Err()
}

func (t *entityType[E]) validateInlineName(name, policyName string) *api.Error {
	v := t.validation(name)
	v.name(policyName, "policyName", maxPolicyName)
	return v.Err()
}

func (t *entityType[E]) putInline(s *Service, req *api.Request, name, policyName, doc string) error {
	if err := t.validatePut(name, policyName, doc); err != nil {
		return err
	}
	parsed, err := parseInline(doc)
	if err != nil {
		return err
	}
	return t.change(s, req, name, func(e E) *api.Error {
		p := e.parts()
		list, err := withInline(*p.inline, inlinePolicy{Name: policyName, Document: doc, parsed: parsed}, t.maxInline, t.label, p.name)
		*p.inline = list
		return err
	})
}

func (t *entityType[E]) noSuchInline(policyName string) *api.Error {
	return errNoSuchEntity("The %s policy with name %s cannot be found.", t.label, policyName)
}

// getInline finds an inline policy and the entity's name as stored.
func (t *entityType[E]) getInline(s *Service, req *api.Request, name, policyName string) (string, inlinePolicy, error) {
	if err := t.validateInlineName(name, policyName); err != nil {
		return "", inlinePolicy{}, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, err := t.lookup(s, req.Account, name)
	if err != nil {
		return "", inlinePolicy{}, err
	}
	p := e.parts()
	i := inlineIndex(*p.inline, policyName)
	if i < 0 {
		return "", inlinePolicy{}, t.noSuchInline(policyName)
	}
	return p.name, (*p.inline)[i], nil
}

func (t *entityType[E]) deleteInline(s *Service, req *api.Request, name, policyName string) error {
	if err := t.validateInlineName(name, policyName); err != nil {
		return err
	}
	return t.change(s, req, name, func(e E) *api.Error {
		list := e.parts().inline
		i := inlineIndex(*list, policyName)
		if i < 0 {
			return t.noSuchInline(policyName)
		}
		*list = slices.Delete(*list, i, i+1)
		return nil
	})
}

// listInline pages through an entity's inline policy names.
func (t *entityType[E]) listInline(s *Service, req *api.Request, name, marker string, maxItems *int32) (*listNamesOutput, error) {
	if err := t.validation(name).Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, err := t.lookup(s, req.Account, name)
	if err != nil {
		return nil, err
	}
	list := *e.parts().inline
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
	return users.validatePut(in.UserName, in.PolicyName, in.PolicyDocument)
}

func (in *putUserPolicyInput) target() ref { return users.ref(in.UserName) }

func (s *Service) putUserPolicy(_ context.Context, req *api.Request, in *putUserPolicyInput) (*struct{}, error) {
	return nil, users.putInline(s, req, in.UserName, in.PolicyName, in.PolicyDocument)
}

type userPolicyInput struct {
	UserName   string
	PolicyName string
}

func (in *userPolicyInput) validate() *api.Error {
	return users.validateInlineName(in.UserName, in.PolicyName)
}

func (in *userPolicyInput) target() ref { return users.ref(in.UserName) }

type getUserPolicyOutput struct {
	UserName       string `xml:"UserName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

func (s *Service) getUserPolicy(_ context.Context, req *api.Request, in *userPolicyInput) (*getUserPolicyOutput, error) {
	name, p, err := users.getInline(s, req, in.UserName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &getUserPolicyOutput{UserName: name, PolicyName: p.Name, PolicyDocument: encodeDocument(p.Document)}, nil
}

type deleteUserPolicyInput struct {
	UserName   string
	PolicyName string
}

func (in *deleteUserPolicyInput) validate() *api.Error {
	return users.validateInlineName(in.UserName, in.PolicyName)
}

func (in *deleteUserPolicyInput) target() ref { return users.ref(in.UserName) }

func (s *Service) deleteUserPolicy(_ context.Context, req *api.Request, in *deleteUserPolicyInput) (*struct{}, error) {
	return nil, users.deleteInline(s, req, in.UserName, in.PolicyName)
}

type listUserPoliciesInput struct {
	UserName string
	Marker   string
	MaxItems *int32
}

func (in *listUserPoliciesInput) target() ref { return users.ref(in.UserName) }

func (in *listUserPoliciesInput) validate() *api.Error { return users.validation(in.UserName).Err() }

func (s *Service) listUserPolicies(_ context.Context, req *api.Request, in *listUserPoliciesInput) (*listNamesOutput, error) {
	return users.listInline(s, req, in.UserName, in.Marker, in.MaxItems)
}

// Group policies.

type putGroupPolicyInput struct {
	GroupName      string
	PolicyName     string
	PolicyDocument string
}

func (in *putGroupPolicyInput) validate() *api.Error {
	return groups.validatePut(in.GroupName, in.PolicyName, in.PolicyDocument)
}

func (in *putGroupPolicyInput) target() ref { return groups.ref(in.GroupName) }

func (s *Service) putGroupPolicy(_ context.Context, req *api.Request, in *putGroupPolicyInput) (*struct{}, error) {
	return nil, groups.putInline(s, req, in.GroupName, in.PolicyName, in.PolicyDocument)
}

type groupPolicyInput struct {
	GroupName  string
	PolicyName string
}

func (in *groupPolicyInput) validate() *api.Error {
	return groups.validateInlineName(in.GroupName, in.PolicyName)
}

func (in *groupPolicyInput) target() ref { return groups.ref(in.GroupName) }

type getGroupPolicyOutput struct {
	GroupName      string `xml:"GroupName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

func (s *Service) getGroupPolicy(_ context.Context, req *api.Request, in *groupPolicyInput) (*getGroupPolicyOutput, error) {
	name, p, err := groups.getInline(s, req, in.GroupName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &getGroupPolicyOutput{GroupName: name, PolicyName: p.Name, PolicyDocument: encodeDocument(p.Document)}, nil
}

type deleteGroupPolicyInput struct {
	GroupName  string
	PolicyName string
}

func (in *deleteGroupPolicyInput) validate() *api.Error {
	return groups.validateInlineName(in.GroupName, in.PolicyName)
}

func (in *deleteGroupPolicyInput) target() ref { return groups.ref(in.GroupName) }

func (s *Service) deleteGroupPolicy(_ context.Context, req *api.Request, in *deleteGroupPolicyInput) (*struct{}, error) {
	return nil, groups.deleteInline(s, req, in.GroupName, in.PolicyName)
}

type listGroupPoliciesInput struct {
	GroupName string
	Marker    string
	MaxItems  *int32
}

func (in *listGroupPoliciesInput) target() ref { return groups.ref(in.GroupName) }

func (in *listGroupPoliciesInput) validate() *api.Error { return groups.validation(in.GroupName).Err() }

func (s *Service) listGroupPolicies(_ context.Context, req *api.Request, in *listGroupPoliciesInput) (*listNamesOutput, error) {
	return groups.listInline(s, req, in.GroupName, in.Marker, in.MaxItems)
}

// Role policies.

type putRolePolicyInput struct {
	RoleName       string
	PolicyName     string
	PolicyDocument string
}

func (in *putRolePolicyInput) validate() *api.Error {
	return roles.validatePut(in.RoleName, in.PolicyName, in.PolicyDocument)
}

func (in *putRolePolicyInput) target() ref { return roles.ref(in.RoleName) }

func (s *Service) putRolePolicy(_ context.Context, req *api.Request, in *putRolePolicyInput) (*struct{}, error) {
	return nil, roles.putInline(s, req, in.RoleName, in.PolicyName, in.PolicyDocument)
}

type rolePolicyInput struct {
	RoleName   string
	PolicyName string
}

func (in *rolePolicyInput) validate() *api.Error {
	return roles.validateInlineName(in.RoleName, in.PolicyName)
}

func (in *rolePolicyInput) target() ref { return roles.ref(in.RoleName) }

type getRolePolicyOutput struct {
	RoleName       string `xml:"RoleName"`
	PolicyName     string `xml:"PolicyName"`
	PolicyDocument string `xml:"PolicyDocument"`
}

func (s *Service) getRolePolicy(_ context.Context, req *api.Request, in *rolePolicyInput) (*getRolePolicyOutput, error) {
	name, p, err := roles.getInline(s, req, in.RoleName, in.PolicyName)
	if err != nil {
		return nil, err
	}
	return &getRolePolicyOutput{RoleName: name, PolicyName: p.Name, PolicyDocument: encodeDocument(p.Document)}, nil
}

type deleteRolePolicyInput struct {
	RoleName   string
	PolicyName string
}

func (in *deleteRolePolicyInput) validate() *api.Error {
	return roles.validateInlineName(in.RoleName, in.PolicyName)
}

func (in *deleteRolePolicyInput) target() ref { return roles.ref(in.RoleName) }

func (s *Service) deleteRolePolicy(_ context.Context, req *api.Request, in *deleteRolePolicyInput) (*struct{}, error) {
	return nil, roles.deleteInline(s, req, in.RoleName, in.PolicyName)
}

type listRolePoliciesInput struct {
	RoleName string
	Marker   string
	MaxItems *int32
}

func (in *listRolePoliciesInput) target() ref { return roles.ref(in.RoleName) }

func (in *listRolePoliciesInput) validate() *api.Error { return roles.validation(in.RoleName).Err() }

func (s *Service) listRolePolicies(_ context.Context, req *api.Request, in *listRolePoliciesInput) (*listNamesOutput, error) {
	return roles.listInline(s, req, in.RoleName, in.Marker, in.MaxItems)
}
