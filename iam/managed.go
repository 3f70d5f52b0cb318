package iam

import (
	"context"
	"slices"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam/policy"
	"github.com/ferry-emulator/ferry/persist"
)

// Managed policies and their versions: customer managed ones in each
// account, AWS managed ones (arn:aws:iam::aws:policy/…) shared by all.
// https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html

// awsAccount is the account part of AWS managed policies' ARNs.
const awsAccount = "aws"

type managedPolicy struct {
	Name        string          `json:"name"`
	Path        string          `json:"path"`
	ID          string          `json:"id"`
	Account     string          `json:"-"`
	Description string          `json:"description,omitempty"`
	Created     time.Time       `json:"created"`
	Updated     time.Time       `json:"updated"`
	Tags        []tag           `json:"tags,omitempty"`
	Versions    []policyVersion `json:"versions"` // oldest first
	Default     string          `json:"default"`
	NextVersion int             `json:"nextVersion"`
}

type policyVersion struct {
	ID       string         `json:"id"`
	Document string         `json:"document"`
	Created  time.Time      `json:"created"`
	parsed   *policy.Policy // nil only if a stored document no longer parses
}

func (p *managedPolicy) arn() string { return arn(p.Account, "policy", p.Path, p.Name) }

func (p *managedPolicy) clone() *managedPolicy {
	c := *p
	c.Tags = slices.Clone(p.Tags)
	c.Versions = slices.Clone(p.Versions)
	return &c
}

func (p *managedPolicy) version(id string) *policyVersion {
	for i := range p.Versions {
		if p.Versions[i].ID == id {
			return &p.Versions[i]
		}
	}
	return nil
}

func (p *managedPolicy) defaultVersion() *policyVersion { return p.version(p.Default) }

// parsePolicyARN splits arn:aws:iam::ACCOUNT:policy/PATH/NAME.
func parsePolicyARN(s string) (account, path, name string, ok bool) {
	account, kind, path, name, ok := parseEntityARN(s)
	return account, path, name, ok && kind == "policy"
}

// policyAccount is the account a policy ARN names.
func policyAccount(s string) (string, bool) {
	account, _, _, ok := parsePolicyARN(s)
	return account, ok
}

// policyByARN finds a managed policy, customer or AWS managed. Callers hold mu or meta.
func (s *Service) policyByARN(policyARN string) *managedPolicy {
	account, path, name, ok := parsePolicyARN(policyARN)
	if !ok {
		return nil
	}
	var p *managedPolicy
	if account == awsAccount {
		p = s.aws[lower(name)]
	} else if a := s.account(account); a != nil {
		p = a.policies[lower(name)]
	}
	if p == nil || p.Path != path || p.Name != name {
		return nil
	}
	return p
}

// attachablePolicy finds a policy the caller may attach (its own account's
// or an AWS managed one). Callers hold mu or meta.
func (s *Service) attachablePolicy(req *api.Request, arn string) (*managedPolicy, *api.Error) {
	p := s.policyByARN(arn)
	if p == nil || (p.Account != awsAccount && p.Account != req.Account) {
		return nil, errNoSuchEntity("Policy %s does not exist or is not attachable.", arn)
	}
	return p, nil
}

// checkBoundary checks that a permissions boundary names a managed policy
// the caller may use. Callers hold meta.
func (s *Service) checkBoundary(req *api.Request, arn string) *api.Error {
	if p := s.policyByARN(arn); p == nil || (p.Account != awsAccount && p.Account != req.Account) {
		return errNoSuchEntity("Scope ARN: %s does not exist or is not attachable.", arn)
	}
	return nil
}

// lookupPolicy finds a policy the caller may read.
func (s *Service) lookupPolicy(req *api.Request, arn string) (*managedPolicy, *api.Error) {
	p := s.policyByARN(arn)
	if p == nil || (p.Account != awsAccount && p.Account != req.Account) {
		return nil, errNoSuchEntity("Policy %s was not found.", arn)
	}
	return p, nil
}

// changeablePolicy finds a customer managed policy of the caller's account.
func (s *Service) changeablePolicy(req *api.Request, action, arn string) (*managedPolicy, *api.Error) {
	p, err := s.lookupPolicy(req, arn)
	if err != nil {
		return nil, err
	}
	if p.Account == awsAccount {
		return nil, notAuthorized(req, action, "policy "+arn)
	}
	return p, nil
}

func policyWrite(account, name string, p *managedPolicy) persist.Write {
	return recordWrite(account, recordPolicy, name, p)
}

// parseManaged validates a managed policy document: size, then grammar.
func parseManaged(doc string) (*policy.Policy, *api.Error) {
	if policySize(doc) > maxManaged {
		return nil, errLimitExceeded("Cannot exceed quota for PolicySize: %d", maxManaged)
	}
	p, err := policy.Parse(doc, policy.Identity)
	if err != nil {
		return nil, malformed(err)
	}
	return p, nil
}

type policyXML struct {
	PolicyName                    string       `xml:"PolicyName"`
	PolicyID                      string       `xml:"PolicyId"`
	Arn                           string       `xml:"Arn"`
	Path                          string       `xml:"Path"`
	DefaultVersionID              string       `xml:"DefaultVersionId"`
	AttachmentCount               int          `xml:"AttachmentCount"`
	PermissionsBoundaryUsageCount int          `xml:"PermissionsBoundaryUsageCount"`
	IsAttachable                  bool         `xml:"IsAttachable"`
	Description                   string       `xml:"Description,omitempty"`
	CreateDate                    isoTime      `xml:"CreateDate"`
	UpdateDate                    isoTime      `xml:"UpdateDate"`
	Tags                          members[tag] `xml:"Tags,omitempty"`
}

// xml renders the policy as the caller's account sees it (an AWS managed
// policy's counts are per account); full adds what ListPolicies leaves out.
func (s *Service) policyXML(account string, p *managedPolicy, full bool) policyXML {
	attachments, boundaries := s.usage(account, p.arn())
	x := policyXML{
		PolicyName: p.Name, PolicyID: p.ID, Arn: p.arn(), Path: p.Path, DefaultVersionID: p.Default,
		AttachmentCount: attachments, PermissionsBoundaryUsageCount: boundaries, IsAttachable: true,
		CreateDate: isoTime(p.Created), UpdateDate: isoTime(p.Updated),
	}
	if full {
		x.Description = p.Description
		x.Tags = p.Tags
	}
	return x
}

// usage counts a policy's attachments and uses as a permissions boundary in
// one account. Callers hold mu or meta.
func (s *Service) usage(account, arn string) (attachments, boundaries int) {
	a := s.account(account)
	if a == nil {
		return 0, 0
	}
	for _, u := range a.users {
		if slices.Contains(u.Attached, arn) {
			attachments++
		}
		if u.Boundary == arn {
			boundaries++
		}
	}
	for _, g := range a.groups {
		if slices.Contains(g.Attached, arn) {
			attachments++
		}
	}
	for _, r := range a.roles {
		if slices.Contains(r.Attached, arn) {
			attachments++
		}
		if r.Boundary == arn {
			boundaries++
		}
	}
	return attachments, boundaries
}

type policyOutput struct {
	Policy policyXML `xml:"Policy"`
}

type createPolicyInput struct {
	PolicyName     string
	Path           string
	PolicyDocument string
	Description    *string
	Tags           []tag `query:"Tags.member"`
}

func (in *createPolicyInput) target() ref {
	return ref{kind: kindPolicy, name: in.PolicyName, path: in.Path, tags: in.Tags}
}

func (in *createPolicyInput) validate() *api.Error {
	var v validation
	v.name(in.PolicyName, "policyName", maxPolicyName)
	v.path(in.Path, "path")
	v.document(in.PolicyDocument, "policyDocument")
	if in.Description != nil {
		v.description(*in.Description)
	}
	v.tags(in.Tags)
	return v.Err()
}

func (s *Service) createPolicy(_ context.Context, req *api.Request, in *createPolicyInput) (*policyOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if err := duplicateTags(in.Tags); err != nil {
		return nil, err
	}
	parsed, perr := parseManaged(in.PolicyDocument)
	if perr != nil {
		return nil, perr
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	if a := s.account(req.Account); a != nil && a.policies[lower(in.PolicyName)] != nil {
		return nil, errEntityAlreadyExists("A policy called %s already exists. Duplicate names are not allowed.", in.PolicyName)
	}
	now := s.now()
	p := &managedPolicy{
		Name: in.PolicyName, Path: defaultPath(in.Path), ID: newUniqueID(prefixPolicy, req.Account), Account: req.Account,
		Created: now, Updated: now, Tags: slices.Clone(in.Tags), Default: "v1", NextVersion: 2,
		Versions: []policyVersion{{ID: "v1", Document: in.PolicyDocument, Created: now, parsed: parsed}},
	}
	if in.Description != nil {
		p.Description = *in.Description
	}
	err := s.commitIn(req.Account, []persist.Write{policyWrite(req.Account, p.Name, p)}, func(a *account) {
		a.policies[lower(p.Name)] = p
	})
	if err != nil {
		return nil, err
	}
	return &policyOutput{Policy: s.policyXML(req.Account, p, true)}, nil
}

type getPolicyInput struct {
	PolicyArn string
}

func (in *getPolicyInput) target() ref { return ref{kind: kindPolicy, policyARN: in.PolicyArn} }

func (in *getPolicyInput) validate() *api.Error {
	var v validation
	v.arn(in.PolicyArn, "policyArn")
	return v.Err()
}

func (s *Service) getPolicy(_ context.Context, req *api.Request, in *getPolicyInput) (*policyOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, err := s.lookupPolicy(req, in.PolicyArn)
	if err != nil {
		return nil, err
	}
	return &policyOutput{Policy: s.policyXML(req.Account, p, true)}, nil
}

type deletePolicyInput struct {
	PolicyArn string
}

func (in *deletePolicyInput) target() ref {
	return ref{kind: kindPolicy, policyARN: in.PolicyArn, changes: true}
}

func (in *deletePolicyInput) validate() *api.Error {
	var v validation
	v.arn(in.PolicyArn, "policyArn")
	return v.Err()
}

func (s *Service) deletePolicy(_ context.Context, req *api.Request, in *deletePolicyInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	p, err := s.changeablePolicy(req, "iam:DeletePolicy", in.PolicyArn)
	if err != nil {
		return nil, err
	}
	if attachments, boundaries := s.usage(req.Account, p.arn()); attachments+boundaries > 0 {
		return nil, errDeleteConflict("Cannot delete a policy attached to entities.")
	}
	if len(p.Versions) > 1 {
		return nil, errDeleteConflict("This policy has more than one version. Before you delete a policy, you must delete the policy's versions. The default version is deleted with the policy.")
	}
	return nil, s.commitIn(req.Account, []persist.Write{policyWrite(req.Account, p.Name, nil)}, func(a *account) {
		delete(a.policies, lower(p.Name))
	})
}

type listPoliciesInput struct {
	Scope             string
	OnlyAttached      bool
	PathPrefix        string
	PolicyUsageFilter string
	Marker            string
	MaxItems          *int32
}

func (in *listPoliciesInput) target() ref {
	return ref{kind: kindListing, listing: "policy", path: in.PathPrefix}
}

type listPoliciesOutput struct {
	Policies    members[policyXML] `xml:"Policies"`
	IsTruncated bool               `xml:"IsTruncated"`
	Marker      string             `xml:"Marker,omitempty"`
}

func (in *listPoliciesInput) validate() *api.Error {
	var v validation
	v.path(in.PathPrefix, "pathPrefix")
	switch in.Scope {
	case "", "All", "AWS", "Local":
	default:
		v.Fail(in.Scope, "scope", "Member must satisfy enum value set: [All, AWS, Local]")
	}
	switch in.PolicyUsageFilter {
	case "", "PermissionsPolicy", "PermissionsBoundary":
	default:
		v.Fail(in.PolicyUsageFilter, "policyUsageFilter", "Member must satisfy enum value set: [PermissionsPolicy, PermissionsBoundary]")
	}
	return v.Err()
}

func (s *Service) listPolicies(_ context.Context, req *api.Request, in *listPoliciesInput) (*listPoliciesOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	// One sorted list over both scopes: AWS managed policies key as
	// "aws:name", the account's own as "local:name".
	all := map[string]*managedPolicy{}
	if in.Scope != "Local" {
		for k, p := range s.aws {
			all["aws:"+k] = p
		}
	}
	if a := s.account(req.Account); a != nil && in.Scope != "AWS" {
		for k, p := range a.policies {
			all["local:"+k] = p
		}
	}
	keys := sortedKeys(all, func(p *managedPolicy) bool {
		if !hasPathPrefix(p.Path, in.PathPrefix) {
			return false
		}
		if !in.OnlyAttached && in.PolicyUsageFilter == "" {
			return true
		}
		attachments, boundaries := s.usage(req.Account, p.arn())
		switch in.PolicyUsageFilter {
		case "PermissionsPolicy":
			return attachments > 0
		case "PermissionsBoundary":
			return boundaries > 0
		}
		return attachments > 0
	})
	p, err := paginate(keys, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &listPoliciesOutput{Policies: members[policyXML]{}, IsTruncated: p.truncated, Marker: p.marker}
	for _, k := range keys[p.start:p.end] {
		out.Policies = append(out.Policies, s.policyXML(req.Account, all[k], false))
	}
	return out, nil
}
