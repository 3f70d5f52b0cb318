package kms

import (
	"context"
	"sort"
	"strings"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// Aliases: CreateAlias, UpdateAlias, DeleteAlias, ListAliases. An alias is
// "alias/" and a name of letters, digits, /, _ and -; it is unique in its
// account and region, case-sensitive, and "alias/aws/" is reserved for AWS
// managed keys. Changing an alias needs the permission on the alias (IAM
// policy) and on each key it points from or to (key policy).
// https://docs.aws.amazon.com/kms/latest/developerguide/alias-access.html

// alias is one alias and the key it points to. Its fields are guarded by
// Service.mu.
type alias struct {
	Name    string // alias/…
	KeyID   string
	Created time.Time
	Updated time.Time
}

// aliasPlan is what an alias action acts on.
type aliasPlan struct {
	name    string
	current *Key // the key the alias points to now (UpdateAlias, DeleteAlias)
	target  *Key // the key it is to point to (CreateAlias, UpdateAlias)
}

// validAliasName checks an alias name beyond the model's pattern: the
// prefix, and the reserved alias/aws/.
func validAliasName(name string) *api.Error {
	var c check
	if c.required("aliasName", name) {
		c.length("aliasName", name, 1, 256)
		c.pattern("aliasName", name, aliasNamePattern)
	}
	if e := c.err(); e != nil {
		return e
	}
	if !strings.HasPrefix(name, "alias/") || len(name) == len("alias/") {
		return errInvalidAliasName(`Alias must start with the prefix "alias/".`)
	}
	if strings.HasPrefix(name, "alias/aws/") {
		return errInvalidAliasName("Alias names that begin with alias/aws/ are reserved for AWS managed keys.")
	}
	return nil
}

// aliasTargetKey resolves an alias's TargetKeyId: a key id or key ARN of a
// customer managed key in the caller's account and region.
func (s *Service) aliasTargetKey(req *api.Request, targetKeyID string) (*Key, *api.Error) {
	var c check
	c.keyID("targetKeyId", targetKeyID)
	if e := c.err(); e != nil {
		return nil, e
	}
	ref, err := parseKeyRef(req, targetKeyID)
	if err != nil {
		return nil, err
	}
	if ref.alias != "" {
		return nil, errInvalidKeyID(targetKeyID)
	}
	if ref.account != req.Account || ref.region != req.Region {
		return nil, errKeyNotFound(ref.arn())
	}
	return s.findRef(ref)
}

// currentAlias finds an alias of the caller's, and the key it points to.
func (s *Service) currentAlias(req *api.Request, name string) (*Key, *api.Error) {
	s.mu.RLock()
	var k *Key
	if r := s.regionIf(req.Account, req.Region); r != nil {
		if a := r.aliases[name]; a != nil {
			if k = r.keys[a.KeyID]; k != nil && k.gone(s.now()) {
				k = nil
			}
		}
	}
	s.mu.RUnlock()
	if k == nil {
		return nil, errAliasNotFound(aliasARN(req.Region, req.Account, name))
	}
	return k, nil
}

// aliasTarget is the alias itself as authorization sees it: an IAM-only
// resource of the caller's account.
func aliasTarget(req *api.Request, name string) api.Target {
	return api.Target{ARN: aliasARN(req.Region, req.Account, name), SameAccountOnly: true,
		Conditions: baseConditions(req)}
}

func (in *aliasInput) validateCreate() *api.Error { return validAliasName(in.AliasName) }

func (s *Service) prepareCreateAlias(req *api.Request, in *aliasInput) (*aliasPlan, *api.Error) {
	if p, ok := req.Resolved.(*aliasPlan); ok {
		return p, nil
	}
	if err := in.validateCreate(); err != nil {
		return nil, err
	}
	k, err := s.aliasTargetKey(req, in.TargetKeyId)
	if err != nil {
		return nil, err
	}
	return &aliasPlan{name: in.AliasName, target: k}, nil
}

func (s *Service) targetCreateAlias(_ context.Context, req *api.Request, in *aliasInput) (api.Target, error) {
	p, err := s.prepareCreateAlias(req, in)
	if err != nil {
		return api.Target{}, err
	}
	req.Resolved = p
	return s.aliasTargets(req, p.name, "kms:CreateAlias", p.target), nil
}

// aliasTargets is what an alias action is authorized against: the alias
// (IAM policies), then each key it touches (their key policies), all in
// the caller's account.
func (s *Service) aliasTargets(req *api.Request, name, action string, keys ...*Key) api.Target {
	t := aliasTarget(req, name)
	last := &t
	for _, k := range keys {
		kt := s.keyTarget(req, k, nil, action)
		kt.SameAccountOnly = true
		last.Then = &kt
		last = &kt
	}
	return t
}

func (s *Service) createAlias(_ context.Context, req *api.Request, in *aliasInput) (*struct{}, error) {
	p, err := s.prepareCreateAlias(req, in)
	if err != nil {
		return nil, err
	}
	k := p.target
	s.meta.Lock()
	defer s.meta.Unlock()
	s.mu.Lock()
	now := s.now()
	if e := firstError(managedRefusal(req, k, "kms:CreateAlias"), k.notPendingDeletion()); e != nil || k.gone(now) {
		s.mu.Unlock()
		if e == nil {
			e = errKeyNotFound(k.ARN)
		}
		return nil, e
	}
	r := s.regionOf(req.Account, req.Region)
	if old := r.aliases[p.name]; old != nil {
		if ok := r.keys[old.KeyID]; ok != nil && !ok.gone(now) {
			s.mu.Unlock()
			return nil, errAlreadyExists("An alias with the name " + aliasARN(req.Region, req.Account, p.name) + " already exists")
		}
	}
	a := &alias{Name: p.name, KeyID: k.ID, Created: now, Updated: now}
	r.aliases[p.name] = a
	s.mu.Unlock()
	return nil, s.saveAlias(req.Account, req.Region, a)
}

// managedRefusal is errManagedKey for an AWS managed key, nil otherwise.
func managedRefusal(req *api.Request, k *Key, action string) *api.Error {
	if k.Managed != "" {
		return errManagedKey(req, action, k.ARN)
	}
	return nil
}

func (s *Service) prepareUpdateAlias(req *api.Request, in *aliasInput) (*aliasPlan, *api.Error) {
	if p, ok := req.Resolved.(*aliasPlan); ok {
		return p, nil
	}
	if err := validAliasName(in.AliasName); err != nil {
		return nil, err
	}
	target, err := s.aliasTargetKey(req, in.TargetKeyId)
	if err != nil {
		return nil, err
	}
	current, err := s.currentAlias(req, in.AliasName)
	if err != nil {
		return nil, err
	}
	return &aliasPlan{name: in.AliasName, current: current, target: target}, nil
}

// targetUpdateAlias asks about the alias, the key it leaves and the key it
// goes to.
func (s *Service) targetUpdateAlias(_ context.Context, req *api.Request, in *aliasInput) (api.Target, error) {
	p, err := s.prepareUpdateAlias(req, in)
	if err != nil {
		return api.Target{}, err
	}
	req.Resolved = p
	return s.aliasTargets(req, p.name, "kms:UpdateAlias", p.current, p.target), nil
}

func (s *Service) updateAlias(_ context.Context, req *api.Request, in *aliasInput) (*struct{}, error) {
	p, err := s.prepareUpdateAlias(req, in)
	if err != nil {
		return nil, err
	}
	k := p.target
	s.meta.Lock()
	defer s.meta.Unlock()
	s.mu.Lock()
	now := s.now()
	r := s.regionOf(req.Account, req.Region)
	a := r.aliases[p.name]
	if a == nil {
		s.mu.Unlock()
		return nil, errAliasNotFound(aliasARN(req.Region, req.Account, p.name))
	}
	if e := firstError(managedRefusal(req, k, "kms:UpdateAlias"), k.notPendingDeletion()); e != nil || k.gone(now) {
		s.mu.Unlock()
		if e == nil {
			e = errKeyNotFound(k.ARN)
		}
		return nil, e
	}
	next := &alias{Name: a.Name, KeyID: k.ID, Created: a.Created, Updated: now}
	r.aliases[p.name] = next
	s.mu.Unlock()
	return nil, s.saveAlias(req.Account, req.Region, next)
}

func (s *Service) prepareDeleteAlias(req *api.Request, in *aliasInput) (*aliasPlan, *api.Error) {
	if p, ok := req.Resolved.(*aliasPlan); ok {
		return p, nil
	}
	if err := validAliasName(in.AliasName); err != nil {
		return nil, err
	}
	current, err := s.currentAlias(req, in.AliasName)
	if err != nil {
		return nil, err
	}
	return &aliasPlan{name: in.AliasName, current: current}, nil
}

func (s *Service) targetDeleteAlias(_ context.Context, req *api.Request, in *aliasInput) (api.Target, error) {
	p, err := s.prepareDeleteAlias(req, in)
	if err != nil {
		return api.Target{}, err
	}
	req.Resolved = p
	return s.aliasTargets(req, p.name, "kms:DeleteAlias", p.current), nil
}

func (s *Service) deleteAlias(_ context.Context, req *api.Request, in *aliasInput) (*struct{}, error) {
	p, err := s.prepareDeleteAlias(req, in)
	if err != nil {
		return nil, err
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	s.mu.Lock()
	r := s.regionOf(req.Account, req.Region)
	if r.aliases[p.name] == nil {
		s.mu.Unlock()
		return nil, errAliasNotFound(aliasARN(req.Region, req.Account, p.name))
	}
	delete(r.aliases, p.name)
	s.mu.Unlock()
	return nil, s.dropAlias(req.Account, req.Region, p.name)
}

func (in *listAliasesInput) validate() *api.Error {
	var c check
	c.optionalKeyID("keyId", in.KeyId)
	c.intRange("limit", in.Limit, 1, 100)
	c.length("marker", in.Marker, 0, 1024)
	return c.err()
}

// listAliases lists the caller's aliases in the region, the AWS managed
// keys' among them (without a key until the key exists, as AWS lists
// them), or those of one key.
func (s *Service) listAliases(_ context.Context, req *api.Request, in *listAliasesInput) (*listAliasesOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	only := ""
	if in.KeyId != "" {
		ref, err := parseKeyRef(req, in.KeyId)
		if err != nil {
			return nil, err
		}
		if ref.alias != "" {
			return nil, errInvalidKeyID(in.KeyId)
		}
		k, err := s.findRef(ref)
		if err != nil {
			return nil, err
		}
		only = k.ID
	}
	now := s.now()
	var entries []aliasListEntry
	s.mu.RLock()
	r := s.regionIf(req.Account, req.Region)
	if r != nil {
		for _, a := range r.aliases {
			k := r.keys[a.KeyID]
			if k == nil || k.gone(now) || only != "" && a.KeyID != only {
				continue
			}
			entries = append(entries, aliasListEntry{
				AliasName: a.Name, AliasArn: aliasARN(req.Region, req.Account, a.Name), TargetKeyId: a.KeyID,
				CreationDate: timestamp(a.Created), LastUpdatedDate: timestamp(a.Updated),
			})
		}
	}
	if only == "" {
		for _, name := range managedAliases {
			if r == nil || r.aliases[name] == nil {
				entries = append(entries, aliasListEntry{AliasName: name, AliasArn: aliasARN(req.Region, req.Account, name)})
			}
		}
	}
	s.mu.RUnlock()
	sort.Slice(entries, func(i, j int) bool { return entries[i].AliasName < entries[j].AliasName })
	page, next, err := paginate(entries, func(e aliasListEntry) string { return e.AliasName }, in.Marker, in.Limit, 50)
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []aliasListEntry{}
	}
	return &listAliasesOutput{Aliases: page, NextMarker: next, Truncated: next != ""}, nil
}
