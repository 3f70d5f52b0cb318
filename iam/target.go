package iam

import (
	"context"
	"strings"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// What each IAM request acts on, for the emulator's authorization: the
// entity's ARN (the resource types of
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsidentityandaccessmanagementiam.html),
// its tags (aws:ResourceTag), and the condition keys the action defines:
// aws:RequestTag/…, aws:TagKeys, iam:PermissionsBoundary and iam:PolicyARN.
// Every IAM action is confined to the caller's account.

type entityKind uint8

const (
	kindUser entityKind = iota
	kindGroup
	kindRole
	kindPolicy
	kindListing // a List action: its resource is the kind's path prefix
)

// ref names the entity an input acts on.
type ref struct {
	kind entityKind
	name string // entity name; for users "" means the caller
	// accessKey names a user by one of its access keys.
	accessKey string
	path      string // a path given with the request (creations, listings)

	policyARN string // kindPolicy: the policy; attachments: iam:PolicyARN
	listing   string // kindListing: "user", "group", "role" or "policy"
	changes   bool   // kindPolicy: changes the policy (AWS managed ones belong to account "aws")

	tags     []tag    // aws:RequestTag/… and aws:TagKeys
	tagKeys  []string // aws:TagKeys of an untag
	boundary string   // iam:PermissionsBoundary being set
}

// targeted is implemented by every IAM input: validate checks it against
// the model's constraints, target names what it acts on.
type targeted interface {
	validate() *api.Error
	target() ref
}

// resolver finds the target of an action whose input is In.
func resolver[In any, P interface {
	*In
	targeted
}](s *Service) func(context.Context, *api.Request, *In) (api.Target, error) {
	return func(_ context.Context, req *api.Request, in *In) (api.Target, error) {
		// A request that breaks the model's constraints is answered with
		// ValidationError before authorization, as AWS answers it.
		if err := P(in).validate(); err != nil {
			return api.Target{}, err
		}
		return s.resolve(req, P(in).target()), nil
	}
}

func (s *Service) resolve(req *api.Request, r ref) api.Target {
	t := api.Target{Account: req.Account, SameAccountOnly: true}
	cond := map[string][]string{}
	boundary := r.boundary
	s.mu.RLock()
	a := s.account(req.Account)
	switch r.kind {
	case kindUser:
		name := r.name
		if owner, ok := s.keys[r.accessKey]; ok && r.accessKey != "" && owner.account == req.Account {
			name = a.users[owner.user].Name
		}
		if name == "" {
			if req.Principal.Type != api.PrincipalUser {
				t.ARN = req.Principal.ARN
				break
			}
			name = req.Principal.Name
		}
		t.ARN = arn(req.Account, "user", r.path, name)
		if a != nil {
			if u := a.users[lower(name)]; u != nil {
				t.ARN, t.Tags = u.arn(req.Account), tagMap(u.Tags)
				if boundary == "" {
					boundary = u.Boundary
				}
			}
		}
	case kindGroup:
		t.ARN = arn(req.Account, "group", r.path, r.name)
		if a != nil {
			if g := a.groups[lower(r.name)]; g != nil {
				t.ARN = g.arn(req.Account)
			}
		}
	case kindRole:
		t.ARN = arn(req.Account, "role", r.path, r.name)
		if a != nil {
			if ro := a.roles[lower(r.name)]; ro != nil {
				t.ARN, t.Tags = ro.arn(req.Account), tagMap(ro.Tags)
				if boundary == "" {
					boundary = ro.Boundary
				}
			}
		}
	case kindPolicy:
		t.ARN = r.policyARN
		if r.policyARN == "" {
			t.ARN = arn(req.Account, "policy", r.path, r.name)
		}
		if owner, ok := policyAccount(t.ARN); ok && owner != awsAccount {
			t.Account = owner
		} else if ok && r.changes {
			// AWS managed policies are read and attached by everyone and
			// changed by no one: a change is a request to another account.
			t.Account = awsAccount
		}
		if p := s.policyByARN(t.ARN); p != nil {
			t.Tags = tagMap(p.Tags)
		}
		r.policyARN = ""
	case kindListing:
		t.ARN = "arn:aws:iam::" + req.Account + ":" + r.listing + defaultPath(r.path)
	}
	s.mu.RUnlock()

	if r.policyARN != "" {
		cond["iam:policyarn"] = []string{r.policyARN}
	}
	if boundary != "" {
		cond["iam:permissionsboundary"] = []string{boundary}
	}
	if len(r.tags) > 0 {
		keys := make([]string, len(r.tags))
		for i, tg := range r.tags {
			keys[i] = tg.Key
			cond["aws:requesttag/"+strings.ToLower(tg.Key)] = []string{tg.Value}
		}
		cond["aws:tagkeys"] = keys
	}
	if len(r.tagKeys) > 0 {
		cond["aws:tagkeys"] = append([]string(nil), r.tagKeys...)
	}
	if len(cond) > 0 {
		t.Conditions = cond
	}
	return t
}

// tagMap is a tag list as a map, for aws:ResourceTag and aws:PrincipalTag.
func tagMap(tags []tag) map[string]string {
	if len(tags) == 0 {
		return nil
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[t.Key] = t.Value
	}
	return m
}
