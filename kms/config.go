package kms

import (
	"errors"
	"maps"
	"regexp"
	"strings"

	"github.com/ferry-emulator/ferry/iam/policy"
)

// Keys and aliases with fixed identities, for start-up configuration: a
// compose file can then hand a service the key id or alias it uses. What
// exists already is brought in line; nothing is duplicated.

var keyIDPattern = regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`)

// EnsureKey makes a symmetric encryption key with id exist in the account
// and region, with the description, key policy (the default key policy
// when doc is "") and tags given. The policy is validated as PutKeyPolicy
// validates one.
func (s *Service) EnsureKey(account, region, id, description, doc string, tags map[string]string) error {
	if !keyIDPattern.MatchString(id) {
		return errors.New("a key id is a lower-case UUID, like 1234abcd-12ab-34cd-56ef-1234567890ab")
	}
	var p *policy.Policy
	if doc == "" {
		p = defaultKeyPolicy(account)
	} else {
		parsed, err := parseKeyPolicy(doc)
		if err != nil {
			return err
		}
		p = parsed
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	s.mu.Lock()
	r := s.regionOf(account, region)
	k := r.keys[id]
	if k == nil {
		k = newKey(account, region, id, s.now())
		r.keys[id] = k
	}
	k.description, k.policy = description, p
	if tags != nil {
		k.tags = maps.Clone(tags)
	}
	rec := k.record()
	s.mu.Unlock()
	return s.saveKey(k, rec)
}

// EnsureAlias points alias name (alias/…) at a key of the account and region.
func (s *Service) EnsureAlias(account, region, name, keyID string) error {
	if !strings.HasPrefix(name, "alias/") {
		name = "alias/" + name
	}
	if err := validAliasName(name); err != nil {
		return err
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	s.mu.Lock()
	r := s.regionOf(account, region)
	if r.keys[keyID] == nil {
		s.mu.Unlock()
		return errors.New("alias " + name + ": no key " + keyID + " in this account and region")
	}
	now := s.now()
	a := &alias{Name: name, KeyID: keyID, Created: now, Updated: now}
	if old := r.aliases[name]; old != nil {
		a.Created = old.Created
	}
	r.aliases[name] = a
	s.mu.Unlock()
	return s.saveAlias(account, region, a)
}
