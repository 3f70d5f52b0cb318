package kms

import (
	"strings"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// How a KeyId parameter names a key: by key id, key ARN, alias name or
// alias ARN. A bare key id or alias name is looked up in the caller's own
// account and region; another account's key can be named only by its key
// ARN or an alias ARN.
// https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id

// keyRef is a parsed KeyId.
type keyRef struct {
	account, region string
	id              string // the key id, when the reference names a key
	alias           string // the alias name ("alias/…"), when it names an alias
}

func keyARN(region, account, id string) string {
	return "arn:aws:kms:" + region + ":" + account + ":key/" + id
}

func aliasARN(region, account, name string) string {
	return "arn:aws:kms:" + region + ":" + account + ":" + name
}

// arn is the ARN of what the reference names.
func (r keyRef) arn() string {
	if r.alias != "" {
		return aliasARN(r.region, r.account, r.alias)
	}
	return keyARN(r.region, r.account, r.id)
}

// parseKeyRef reads a KeyId in the request's account and region. An ARN
// must be a KMS key or alias ARN of the aws partition (every ARN ferry
// makes is); one of another region names nothing this endpoint serves,
// and KMS answers it with "Invalid arn <region>".
func parseKeyRef(req *api.Request, s string) (keyRef, *api.Error) {
	ref := keyRef{account: req.Account, region: req.Region}
	rest := s
	if strings.HasPrefix(s, "arn:") {
		parts := strings.SplitN(s, ":", 6)
		if len(parts) != 6 || parts[1] != "aws" || parts[2] != "kms" || parts[3] == "" || !isAccountID(parts[4]) {
			return keyRef{}, errInvalidKeyID(s)
		}
		ref.region, ref.account, rest = parts[3], parts[4], parts[5]
		if id, ok := strings.CutPrefix(rest, "key/"); ok {
			if !isKeyID(id) {
				return keyRef{}, errInvalidKeyID(s)
			}
			ref.id = id
		} else if !strings.HasPrefix(rest, "alias/") || len(rest) == len("alias/") {
			return keyRef{}, errInvalidKeyID(s)
		}
		if ref.region != req.Region {
			return keyRef{}, errNotFound("Invalid arn " + ref.region)
		}
		if ref.id != "" {
			return ref, nil
		}
	}
	switch {
	case strings.HasPrefix(rest, "alias/") && len(rest) > len("alias/"):
		ref.alias = rest
	case rest == s && isKeyID(s):
		ref.id = s
	default:
		return keyRef{}, errInvalidKeyID(s)
	}
	return ref, nil
}

// isKeyID reports whether s has the form of a key id: a UUID.
func isKeyID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
				return false
			}
		}
	}
	return true
}

func isAccountID(s string) bool {
	if len(s) != 12 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// findKey resolves a KeyId to a live key. An AWS managed key's alias
// creates the key on first reference, as in AWS; a key whose rotation is
// due gets its new key material first. Call holding no lock.
func (s *Service) findKey(req *api.Request, keyID string) (*Key, *api.Error) {
	ref, err := parseKeyRef(req, keyID)
	if err != nil {
		return nil, err
	}
	return s.findRef(ref)
}

func (s *Service) findRef(ref keyRef) (*Key, *api.Error) {
	if ref.alias != "" {
		if service := managedService(ref.alias); service != "" {
			if err := s.ensureManaged(ref.account, ref.region, service); err != nil {
				return nil, err
			}
		}
		s.mu.RLock()
		id := ""
		if r := s.regionIf(ref.account, ref.region); r != nil {
			if a := r.aliases[ref.alias]; a != nil {
				id = a.KeyID
				if k := r.keys[id]; k == nil || k.gone(s.now()) {
					id = ""
				}
			}
		}
		s.mu.RUnlock()
		if id == "" {
			return nil, errAliasNotFound(ref.arn())
		}
		ref.id, ref.alias = id, ""
	}
	now := s.now()
	s.mu.RLock()
	var k *Key
	if r := s.regionIf(ref.account, ref.region); r != nil {
		k = r.keys[ref.id]
	}
	due := false
	if k != nil {
		if k.gone(now) {
			k = nil
		} else {
			due = k.rotationDue(now)
		}
	}
	s.mu.RUnlock()
	if k == nil {
		return nil, errKeyNotFound(ref.arn())
	}
	if due {
		if err := s.rotateDue(k); err != nil {
			return nil, api.AsError(err)
		}
	}
	return k, nil
}

// requestAlias is the alias a KeyId names (kms:RequestAlias), "" if it
// names a key.
func requestAlias(keyID string) string {
	if i := strings.Index(keyID, "alias/"); i >= 0 && (i == 0 || strings.HasPrefix(keyID, "arn:")) {
		return keyID[i:]
	}
	return ""
}
