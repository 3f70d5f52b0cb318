package iam

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam/policy"
	"github.com/ferry-emulator/ferry/persist"
)

// IAM roles. A role's trust policy (AssumeRolePolicyDocument) says who may
// assume it; STS reads roles through Service.Role.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateRole.html

type role struct {
	Name        string         `json:"name"`
	Path        string         `json:"path"`
	ID          string         `json:"id"`
	Created     time.Time      `json:"created"`
	Trust       string         `json:"trust"`
	Description string         `json:"description,omitempty"`
	MaxSession  int            `json:"maxSession"` // seconds
	Tags        []tag          `json:"tags,omitempty"`
	Boundary    string         `json:"boundary,omitempty"`
	Inline      []inlinePolicy `json:"inline,omitempty"`
	Attached    []string       `json:"attached,omitempty"`
	// TrustIDs binds each user or role the trust policy names to the unique
	// id it had when the policy was saved, as IAM does.
	TrustIDs map[string]string `json:"trustIds,omitempty"`
	trust    *policy.Policy
}

func (r *role) arn(account string) string { return arn(account, "role", r.Path, r.Name) }

func (r *role) clone() *role {
	c := *r
	c.Tags = slices.Clone(r.Tags)
	c.Inline = slices.Clone(r.Inline)
	c.Attached = slices.Clone(r.Attached)
	return &c
}

type roleXML struct {
	Path                     string       `xml:"Path"`
	RoleName                 string       `xml:"RoleName"`
	RoleID                   string       `xml:"RoleId"`
	Arn                      string       `xml:"Arn"`
	CreateDate               isoTime      `xml:"CreateDate"`
	AssumeRolePolicyDocument string       `xml:"AssumeRolePolicyDocument"`
	Description              string       `xml:"Description,omitempty"`
	MaxSessionDuration       int          `xml:"MaxSessionDuration"`
	PermissionsBoundary      *boundaryXML `xml:"PermissionsBoundary,omitempty"`
	Tags                     members[tag] `xml:"Tags,omitempty"`
}

// xml renders the role with its trust policy URL-encoded, as IAM returns
// it; full adds the boundary and tags that ListRoles leaves out.
func (r *role) xml(account string, full bool) roleXML {
	x := roleXML{
		Path: r.Path, RoleName: r.Name, RoleID: r.ID, Arn: r.arn(account), CreateDate: isoTime(r.Created),
		AssumeRolePolicyDocument: encodeDocument(r.Trust), Description: r.Description, MaxSessionDuration: r.MaxSession,
	}
	if full {
		x.PermissionsBoundary = boundaryOf(r.Boundary)
		x.Tags = r.Tags
	}
	return x
}

type roleOutput struct {
	Role roleXML `xml:"Role"`
}

func roleWrite(account, name string, r *role) persist.Write {
	return recordWrite(account, recordRole, name, r)
}

// parseTrust validates a trust policy: its size and its grammar.
func parseTrust(doc string) (*policy.Policy, *api.Error) {
	if policySize(doc) > maxTrustPolicy {
		return nil, errLimitExceeded("Cannot exceed quota for ACLSizePerRole: %d", maxTrustPolicy)
	}
	p, err := policy.Parse(doc, policy.Trust)
	if err != nil {
		return nil, malformed(err)
	}
	return p, nil
}

// checkPrincipals refuses a trust policy that names an IAM user or role
// that does not exist, as IAM does ("Invalid principal in policy"), and
// returns the unique id of each one it names. Accounts, roots, services
// and "*" always exist. Callers hold meta.
func (s *Service) checkPrincipals(p *policy.Policy) (map[string]string, *api.Error) {
	var ids map[string]string
	for _, pr := range p.AWSPrincipals() {
		id, named, exists := s.entityID(pr)
		if !named {
			continue
		}
		if !exists {
			return nil, errMalformedPolicyDocument(`Invalid principal in policy: "AWS":"%s"`, pr)
		}
		if ids == nil {
			ids = map[string]string{}
		}
		ids[pr] = id
	}
	return ids, nil
}

// entityID finds the user or role an ARN names: named is false for ARNs
// that name no IAM user or role. Callers hold mu or meta.
func (s *Service) entityID(entityARN string) (id string, named, exists bool) {
	account, kind, path, name, ok := parseEntityARN(entityARN)
	if !ok || (kind != "user" && kind != "role") {
		return "", false, false
	}
	a := s.account(account)
	if a == nil {
		return "", true, false
	}
	if kind == "user" {
		if u := a.users[lower(name)]; u != nil && u.Path == path && u.Name == name {
			return u.ID, true, true
		}
		return "", true, false
	}
	if r := a.roles[lower(name)]; r != nil && r.Path == path && r.Name == name {
		return r.ID, true, true
	}
	return "", true, false
}

// boundTrust is the role's trust policy as it stands now. A user or role it
// named that has since been deleted, or deleted and made again, is no
// longer trusted: IAM keeps the unique id it bound, which GetRole then shows
// in place of the ARN and which matches no principal
// (reference_policies_elements_principal.html#principal-roles).
// Callers hold mu or meta.
func (s *Service) boundTrust(r *role) (string, *policy.Policy) {
	doc, changed := r.Trust, false
	for entityARN, boundID := range r.TrustIDs {
		if id, _, exists := s.entityID(entityARN); !exists || id != boundID {
			doc = strings.ReplaceAll(doc, `"`+entityARN+`"`, `"`+boundID+`"`)
			changed = true
		}
	}
	if !changed {
		return r.Trust, r.trust
	}
	p, err := policy.Parse(doc, policy.Trust)
	if err != nil {
		return doc, nil // trusts no one rather than the wrong one
	}
	return doc, p
}

// roleXML renders a role with its trust policy as it stands now. Callers
// hold mu or meta.
func (s *Service) roleXML(account string, r *role, full bool) roleXML {
	x := r.xml(account, full)
	if doc, _ := s.boundTrust(r); doc != r.Trust {
		x.AssumeRolePolicyDocument = encodeDocument(doc)
	}
	return x
}

func (v *validation) sessionDuration(d int32) {
	switch {
	case d < minSessionDuration:
		v.Fail(strconv.Itoa(int(d)), "maxSessionDuration", "Member must have value greater than or equal to "+strconv.Itoa(minSessionDuration))
	case d > maxSessionDuration:
		v.Fail(strconv.Itoa(int(d)), "maxSessionDuration", "Member must have value less than or equal to "+strconv.Itoa(maxSessionDuration))
	}
}

type createRoleInput struct {
	RoleName                 string
	Path                     string
	AssumeRolePolicyDocument string
	Description              *string
	MaxSessionDuration       *int32
	PermissionsBoundary      string
	Tags                     []tag `query:"Tags.member"`
}

func (in *createRoleInput) target() ref {
	return ref{kind: kindRole, name: in.RoleName, path: in.Path, tags: in.Tags, boundary: in.PermissionsBoundary}
}

func (in *createRoleInput) validate() *api.Error {
	v := roles.validation(in.RoleName)
	v.path(in.Path, "path")
	v.document(in.AssumeRolePolicyDocument, "assumeRolePolicyDocument")
	if in.Description != nil {
		v.description(*in.Description)
	}
	if in.MaxSessionDuration != nil {
		v.sessionDuration(*in.MaxSessionDuration)
	}
	if in.PermissionsBoundary != "" {
		v.arn(in.PermissionsBoundary, "permissionsBoundary")
	}
	v.tags(in.Tags)
	return v.Err()
}

func (s *Service) createRole(_ context.Context, req *api.Request, in *createRoleInput) (*roleOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if err := duplicateTags(in.Tags); err != nil {
		return nil, err
	}
	trust, perr := parseTrust(in.AssumeRolePolicyDocument)
	if perr != nil {
		return nil, perr
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	if in.PermissionsBoundary != "" {
		if err := s.checkBoundary(req, in.PermissionsBoundary); err != nil {
			return nil, err
		}
	}
	if err := roles.checkFree(s, req.Account, in.RoleName); err != nil {
		return nil, err
	}
	trustIDs, perr := s.checkPrincipals(trust)
	if perr != nil {
		return nil, perr
	}
	r := &role{
		Name: in.RoleName, Path: defaultPath(in.Path), ID: newUniqueID(prefixRole, req.Account), Created: s.now(),
		Trust: in.AssumeRolePolicyDocument, trust: trust, TrustIDs: trustIDs, MaxSession: minSessionDuration,
		Tags: slices.Clone(in.Tags), Boundary: in.PermissionsBoundary,
	}
	if in.Description != nil {
		r.Description = *in.Description
	}
	if in.MaxSessionDuration != nil {
		r.MaxSession = int(*in.MaxSessionDuration)
	}
	if err := roles.put(s, req.Account, nil, r); err != nil {
		return nil, err
	}
	return &roleOutput{Role: s.roleXML(req.Account, r, true)}, nil
}

type getRoleInput struct {
	RoleName string
}

func (in *getRoleInput) target() ref { return roles.ref(in.RoleName) }

func (in *getRoleInput) validate() *api.Error { return roles.validation(in.RoleName).Err() }

func (s *Service) getRole(_ context.Context, req *api.Request, in *getRoleInput) (*roleOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r, err := roles.lookup(s, req.Account, in.RoleName)
	if err != nil {
		return nil, err
	}
	return &roleOutput{Role: s.roleXML(req.Account, r, true)}, nil
}

type deleteRoleInput struct {
	RoleName string
}

func (in *deleteRoleInput) target() ref { return roles.ref(in.RoleName) }

func (in *deleteRoleInput) validate() *api.Error { return roles.validation(in.RoleName).Err() }

func (s *Service) deleteRole(_ context.Context, req *api.Request, in *deleteRoleInput) (*struct{}, error) {
	return nil, roles.remove(s, req, in.RoleName, func(r *role) *api.Error {
		switch {
		case len(r.Attached) > 0:
			return errDeleteConflict("Cannot delete entity, must detach all policies first.")
		case len(r.Inline) > 0:
			return errDeleteConflict("Cannot delete entity, must delete policies first.")
		}
		return nil
	})
}

type listRolesInput struct {
	PathPrefix string
	Marker     string
	MaxItems   *int32
}

func (in *listRolesInput) target() ref {
	return ref{kind: kindListing, listing: "role", path: in.PathPrefix}
}

type listRolesOutput struct {
	Roles       members[roleXML] `xml:"Roles"`
	IsTruncated bool             `xml:"IsTruncated"`
	Marker      string           `xml:"Marker,omitempty"`
}

func (in *listRolesInput) validate() *api.Error { return validatePathPrefix(in.PathPrefix) }

func (s *Service) listRoles(_ context.Context, req *api.Request, in *listRolesInput) (*listRolesOutput, error) {
	found, p, err := roles.list(s, req.Account, in.PathPrefix, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &listRolesOutput{Roles: members[roleXML]{}, IsTruncated: p.truncated, Marker: p.marker}
	s.mu.RLock()
	for _, r := range found {
		out.Roles = append(out.Roles, s.roleXML(req.Account, r, false))
	}
	s.mu.RUnlock()
	return out, nil
}

type updateRoleInput struct {
	RoleName           string
	Description        *string
	MaxSessionDuration *int32
}

func (in *updateRoleInput) target() ref { return roles.ref(in.RoleName) }

func (in *updateRoleInput) validate() *api.Error {
	v := roles.validation(in.RoleName)
	if in.Description != nil {
		v.description(*in.Description)
	}
	if in.MaxSessionDuration != nil {
		v.sessionDuration(*in.MaxSessionDuration)
	}
	return v.Err()
}

func (s *Service) updateRole(_ context.Context, req *api.Request, in *updateRoleInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	err := roles.change(s, req, in.RoleName, func(r *role) *api.Error {
		if in.Description != nil {
			r.Description = *in.Description
		}
		if in.MaxSessionDuration != nil {
			r.MaxSession = int(*in.MaxSessionDuration)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	// UpdateRole's result is an empty structure, which the SDKs expect to
	// find in the response (<UpdateRoleResult/>), unlike operations with no result.
	return &struct{}{}, nil
}

type updateRoleDescriptionInput struct {
	RoleName    string
	Description string
}

func (in *updateRoleDescriptionInput) target() ref { return roles.ref(in.RoleName) }

func (in *updateRoleDescriptionInput) validate() *api.Error {
	v := roles.validation(in.RoleName)
	v.description(in.Description)
	return v.Err()
}

func (s *Service) updateRoleDescription(_ context.Context, req *api.Request, in *updateRoleDescriptionInput) (*roleOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	var out roleOutput
	err := roles.change(s, req, in.RoleName, func(r *role) *api.Error {
		r.Description = in.Description
		out.Role = s.roleXML(req.Account, r, true)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

type updateAssumeRolePolicyInput struct {
	RoleName       string
	PolicyDocument string
}

func (in *updateAssumeRolePolicyInput) target() ref { return roles.ref(in.RoleName) }

func (in *updateAssumeRolePolicyInput) validate() *api.Error {
	v := roles.validation(in.RoleName)
	v.document(in.PolicyDocument, "policyDocument")
	return v.Err()
}

func (s *Service) updateAssumeRolePolicy(_ context.Context, req *api.Request, in *updateAssumeRolePolicyInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	trust, err := parseTrust(in.PolicyDocument)
	if err != nil {
		return nil, err
	}
	return nil, roles.change(s, req, in.RoleName, func(r *role) *api.Error {
		ids, err := s.checkPrincipals(trust)
		if err != nil {
			return err
		}
		r.Trust, r.trust, r.TrustIDs = in.PolicyDocument, trust, ids
		return nil
	})
}
