package iam

import (
	"context"
	"slices"
	"strconv"
	"strings"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/persist"
)

// Versions of customer managed policies: at most five, one of them the
// default, which is what the policy grants; the default is never deleted
// on its own.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_managed-versioning.html

type policyVersionXML struct {
	Document         string  `xml:"Document,omitempty"`
	VersionID        string  `xml:"VersionId"`
	IsDefaultVersion bool    `xml:"IsDefaultVersion"`
	CreateDate       isoTime `xml:"CreateDate"`
}

func (p *managedPolicy) versionXML(v *policyVersion, withDocument bool) policyVersionXML {
	x := policyVersionXML{VersionID: v.ID, IsDefaultVersion: v.ID == p.Default, CreateDate: isoTime(v.Created)}
	if withDocument {
		x.Document = encodeDocument(v.Document)
	}
	return x
}

type policyVersionOutput struct {
	PolicyVersion policyVersionXML `xml:"PolicyVersion"`
}

type createPolicyVersionInput struct {
	PolicyArn      string
	PolicyDocument string
	SetAsDefault   bool
}

func (in *createPolicyVersionInput) target() ref {
	return ref{kind: kindPolicy, policyARN: in.PolicyArn, changes: true}
}

func (in *createPolicyVersionInput) validate() *api.Error {
	var v validation
	v.arn(in.PolicyArn, "policyArn")
	v.document(in.PolicyDocument, "policyDocument")
	return v.Err()
}

func (s *Service) createPolicyVersion(_ context.Context, req *api.Request, in *createPolicyVersionInput) (*policyVersionOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	parsed, perr := parseManaged(in.PolicyDocument)
	if perr != nil {
		return nil, perr
	}
	var out policyVersionOutput
	err := s.changePolicy(req, "iam:CreatePolicyVersion", in.PolicyArn, func(p *managedPolicy) *api.Error {
		if len(p.Versions) >= maxPolicyVers {
			return errLimitExceeded("A managed policy can have up to %d versions. Before you create a new version, you must delete an existing version.", maxPolicyVers)
		}
		now := s.now()
		pv := policyVersion{ID: "v" + strconv.Itoa(p.NextVersion), Document: in.PolicyDocument, Created: now, parsed: parsed}
		p.NextVersion++
		p.Versions = append(p.Versions, pv)
		if in.SetAsDefault {
			p.Default, p.Updated = pv.ID, now
		}
		out.PolicyVersion = p.versionXML(&pv, false)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

type getPolicyVersionInput struct {
	PolicyArn string
	VersionId string
}

func (in *getPolicyVersionInput) target() ref { return ref{kind: kindPolicy, policyARN: in.PolicyArn} }

func (in *getPolicyVersionInput) validate() *api.Error {
	var v validation
	v.arn(in.PolicyArn, "policyArn")
	v.versionID(in.VersionId, "versionId")
	return v.Err()
}

func (s *Service) getPolicyVersion(_ context.Context, req *api.Request, in *getPolicyVersionInput) (*policyVersionOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, err := s.lookupPolicy(req, in.PolicyArn)
	if err != nil {
		return nil, err
	}
	pv := p.version(in.VersionId)
	if pv == nil {
		return nil, errNoSuchEntity("Policy %s version %s does not exist or is not attachable.", in.PolicyArn, in.VersionId)
	}
	return &policyVersionOutput{PolicyVersion: p.versionXML(pv, true)}, nil
}

type deletePolicyVersionInput struct {
	PolicyArn string
	VersionId string
}

func (in *deletePolicyVersionInput) target() ref {
	return ref{kind: kindPolicy, policyARN: in.PolicyArn, changes: true}
}

func (in *deletePolicyVersionInput) validate() *api.Error {
	var v validation
	v.arn(in.PolicyArn, "policyArn")
	v.versionID(in.VersionId, "versionId")
	return v.Err()
}

func (s *Service) deletePolicyVersion(_ context.Context, req *api.Request, in *deletePolicyVersionInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	return nil, s.changePolicy(req, "iam:DeletePolicyVersion", in.PolicyArn, func(p *managedPolicy) *api.Error {
		i := slices.IndexFunc(p.Versions, func(pv policyVersion) bool { return pv.ID == in.VersionId })
		if i < 0 {
			return errNoSuchEntity("Policy %s version %s does not exist or is not attachable.", in.PolicyArn, in.VersionId)
		}
		if in.VersionId == p.Default {
			return errDeleteConflict("Cannot delete the default version of a policy.")
		}
		p.Versions = slices.Delete(p.Versions, i, i+1)
		return nil
	})
}

type listPolicyVersionsInput struct {
	PolicyArn string
	Marker    string
	MaxItems  *int32
}

func (in *listPolicyVersionsInput) target() ref {
	return ref{kind: kindPolicy, policyARN: in.PolicyArn}
}

type listPolicyVersionsOutput struct {
	Versions    members[policyVersionXML] `xml:"Versions"`
	IsTruncated bool                      `xml:"IsTruncated"`
	Marker      string                    `xml:"Marker,omitempty"`
}

func (in *listPolicyVersionsInput) validate() *api.Error {
	var v validation
	v.arn(in.PolicyArn, "policyArn")
	return v.Err()
}

func (s *Service) listPolicyVersions(_ context.Context, req *api.Request, in *listPolicyVersionsInput) (*listPolicyVersionsOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, err := s.lookupPolicy(req, in.PolicyArn)
	if err != nil {
		return nil, err
	}
	// Newest first, as IAM lists them; keys sort in that order.
	byKey := map[string]*policyVersion{}
	for i := range p.Versions {
		n, _ := strconv.Atoi(strings.TrimPrefix(p.Versions[i].ID, "v"))
		byKey[strconv.Itoa(1e9-n)] = &p.Versions[i]
	}
	keys := sortedKeys(byKey, nil)
	pg, err := paginate(keys, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	out := &listPolicyVersionsOutput{Versions: members[policyVersionXML]{}, IsTruncated: pg.truncated, Marker: pg.marker}
	for _, k := range keys[pg.start:pg.end] {
		out.Versions = append(out.Versions, p.versionXML(byKey[k], false))
	}
	return out, nil
}

type setDefaultPolicyVersionInput struct {
	PolicyArn string
	VersionId string
}

func (in *setDefaultPolicyVersionInput) target() ref {
	return ref{kind: kindPolicy, policyARN: in.PolicyArn, changes: true}
}

func (in *setDefaultPolicyVersionInput) validate() *api.Error {
	var v validation
	v.arn(in.PolicyArn, "policyArn")
	v.versionID(in.VersionId, "versionId")
	return v.Err()
}

func (s *Service) setDefaultPolicyVersion(_ context.Context, req *api.Request, in *setDefaultPolicyVersionInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	return nil, s.changePolicy(req, "iam:SetDefaultPolicyVersion", in.PolicyArn, func(p *managedPolicy) *api.Error {
		if p.version(in.VersionId) == nil {
			return errNoSuchEntity("Policy %s version %s does not exist or is not attachable.", in.PolicyArn, in.VersionId)
		}
		p.Default, p.Updated = in.VersionId, s.now()
		return nil
	})
}

// changePolicy applies change to a clone of a customer managed policy of
// the caller's account and commits it.
func (s *Service) changePolicy(req *api.Request, action, arn string, change func(p *managedPolicy) *api.Error) error {
	s.meta.Lock()
	defer s.meta.Unlock()
	old, err := s.changeablePolicy(req, action, arn)
	if err != nil {
		return err
	}
	p := old.clone()
	if err := change(p); err != nil {
		return err
	}
	return s.commitIn(req.Account, []persist.Write{policyWrite(req.Account, p.Name, p)}, func(a *account) {
		a.policies[lower(p.Name)] = p
	})
}
