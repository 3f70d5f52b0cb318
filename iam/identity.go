package iam

import (
	"strings"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam/policy"
)

// What the rest of ferry asks of IAM: who an access key stands for, which
// policies apply to a principal, and roles and managed policies for STS.
// Every method only reads, under the read lock, so the hot path of
// authentication never waits for a durable write.

// Lookup resolves an IAM user's active access key. It is an
// api.CredentialStore.
//
// Every signed request asks, so answers are cached until IAM state next
// changes, like policy sets: a cached answer is read without taking mu,
// which requests on other cores would contend for. The cached identity is
// shared: callers must not modify it (its tag map included).
func (s *Service) Lookup(accessKeyID string) (api.Identity, bool) {
	gen := s.generation.Load()
	if v, ok := s.identities.Load(accessKeyID); ok {
		if c := v.(*cachedIdentity); c.generation == gen {
			return c.identity, true
		}
	}
	id, ok := s.lookup(accessKeyID)
	if ok {
		s.identities.Store(accessKeyID, &cachedIdentity{generation: gen, identity: id})
	} else {
		s.identities.Delete(accessKeyID) // only keys that resolve are kept
	}
	return id, ok
}

// cachedIdentity is an access key's identity, valid while IAM's generation
// is unchanged.
type cachedIdentity struct {
	generation uint64
	identity   api.Identity
}

func (s *Service) lookup(accessKeyID string) (api.Identity, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	owner, ok := s.keys[accessKeyID]
	if !ok {
		return api.Identity{}, false
	}
	u := s.accounts[owner.account].users[owner.user]
	for _, k := range u.Keys {
		if k.ID != accessKeyID {
			continue
		}
		if k.Status != statusActive {
			return api.Identity{}, false
		}
		return api.Identity{
			Secret: k.Secret,
			Principal: api.Principal{
				ARN: u.arn(owner.account), Account: owner.account, Type: api.PrincipalUser,
				UserID: u.ID, Name: u.Name, Tags: tagMap(u.Tags),
			},
		}, true
	}
	return api.Identity{}, false
}

// PoliciesFor returns the identity policies that apply to a principal and
// its permissions boundary, if it has one. For a user: its inline and
// attached policies and those of its groups. For a role session: the
// role's (p.RoleARN). Roots, services and anonymous callers have none. A
// principal whose user or role has since been deleted, or deleted and
// made again (a new unique id), has none either.
//
// Inline policies are named "user/alice inline policy p1", managed ones
// by their ARNs.
//
// The set is asked for on every authorized request, so it is cached per
// principal until IAM state next changes.
func (s *Service) PoliciesFor(p api.Principal) (identity []policy.NamedPolicy, boundary *policy.NamedPolicy) {
	// The unique id (AIDA… of a user, AROA… of a role) tells a re-created
	// user or role from the one a principal was authenticated as.
	var key, uniqueID string
	switch p.Type {
	case api.PrincipalUser:
		key, uniqueID = p.UserID, p.UserID
	case api.PrincipalAssumedRole:
		key = p.RoleARN
		uniqueID, _, _ = strings.Cut(p.UserID, ":")
	default:
		return nil, nil
	}
	gen := s.generation.Load()
	if v, ok := s.policySets.Load(key); ok {
		if ps := v.(*policySet); ps.generation == gen && ps.uniqueID == uniqueID {
			return ps.identity, ps.boundary
		}
	}
	identity, boundary = s.policiesFor(p)
	s.policySets.Store(key, &policySet{generation: gen, uniqueID: uniqueID, identity: identity, boundary: boundary})
	return identity, boundary
}

// policySet is a principal's cached identity policies, valid while IAM's
// generation is unchanged.
type policySet struct {
	generation uint64
	uniqueID   string
	identity   []policy.NamedPolicy
	boundary   *policy.NamedPolicy
}

func (s *Service) policiesFor(p api.Principal) (identity []policy.NamedPolicy, boundary *policy.NamedPolicy) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.account(p.Account)
	if a == nil {
		return nil, nil
	}
	var attached []string
	boundaryARN := ""
	switch p.Type {
	case api.PrincipalUser:
		u := a.users[lower(p.Name)]
		if u == nil || u.ID != p.UserID {
			return nil, nil
		}
		identity = appendInline(identity, "user/"+u.Name, u.Inline)
		attached = append(attached, u.Attached...)
		for _, name := range u.Groups {
			if g := a.groups[lower(name)]; g != nil {
				identity = appendInline(identity, "group/"+g.Name, g.Inline)
				attached = append(attached, g.Attached...)
			}
		}
		boundaryARN = u.Boundary
	case api.PrincipalAssumedRole:
		r := s.roleByARN(p.RoleARN)
		roleID, _, _ := strings.Cut(p.UserID, ":")
		if r == nil || r.ID != roleID {
			return nil, nil
		}
		identity = appendInline(identity, "role/"+r.Name, r.Inline)
		attached = append(attached, r.Attached...)
		boundaryARN = r.Boundary
	default:
		return nil, nil
	}
	seen := map[string]bool{}
	for _, arn := range attached {
		if seen[arn] {
			continue
		}
		seen[arn] = true
		if np, ok := s.managedPolicy(arn); ok {
			identity = append(identity, np)
		}
	}
	if boundaryARN != "" {
		if np, ok := s.managedPolicy(boundaryARN); ok {
			boundary = &np
		}
	}
	return identity, boundary
}

// appendInline adds an entity's inline policies, named as explanations
// name them: "user/alice inline policy p1".
func appendInline(dst []policy.NamedPolicy, owner string, list []inlinePolicy) []policy.NamedPolicy {
	for _, ip := range list {
		if ip.parsed != nil {
			dst = append(dst, policy.NamedPolicy{Name: owner + " inline policy " + ip.Name, Policy: ip.parsed})
		}
	}
	return dst
}

// Role is what STS needs of a role.
type Role struct {
	ARN, ID, Name, Path, Account string
	Trust                        *policy.Policy // nil if the stored trust policy no longer parses
	MaxSessionDuration           time.Duration
	Tags                         map[string]string
}

// Role finds a role by its ARN (arn:aws:iam::ACCOUNT:role/PATH/NAME). Role
// names match without regard to case, as IAM compares them; the path must
// be the role's.
func (s *Service) Role(arn string) (Role, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	account, _, _, _ := parseRoleARN(arn)
	r := s.roleByARN(arn)
	if r == nil {
		return Role{}, false
	}
	_, trust := s.boundTrust(r)
	return Role{
		ARN: r.arn(account), ID: r.ID, Name: r.Name, Path: r.Path, Account: account, Trust: trust,
		MaxSessionDuration: time.Duration(r.MaxSession) * time.Second, Tags: tagMap(r.Tags),
	}, true
}

// roleByARN finds a role. Callers hold mu or meta.
func (s *Service) roleByARN(arn string) *role {
	account, path, name, ok := parseRoleARN(arn)
	if !ok {
		return nil
	}
	a := s.account(account)
	if a == nil {
		return nil
	}
	r := a.roles[lower(name)]
	if r == nil || r.Path != path {
		return nil
	}
	return r
}

// parseRoleARN splits arn:aws:iam::ACCOUNT:role/PATH/NAME.
func parseRoleARN(s string) (account, path, name string, ok bool) {
	account, kind, path, name, ok := parseEntityARN(s)
	return account, path, name, ok && kind == "role"
}

// ManagedPolicy returns the default version of a managed policy, customer
// or AWS managed, named by its ARN (STS's PolicyArns).
func (s *Service) ManagedPolicy(arn string) (policy.NamedPolicy, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.managedPolicy(arn)
}

// managedPolicy is ManagedPolicy for callers that hold mu or meta.
func (s *Service) managedPolicy(arn string) (policy.NamedPolicy, bool) {
	p := s.policyByARN(arn)
	if p == nil {
		return policy.NamedPolicy{}, false
	}
	v := p.defaultVersion()
	if v == nil || v.parsed == nil {
		return policy.NamedPolicy{}, false
	}
	return policy.NamedPolicy{Name: p.arn(), Policy: v.parsed}, true
}
