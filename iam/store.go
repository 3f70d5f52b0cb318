package iam

import (
	"encoding/json"
	"fmt"

	"github.com/ferry-emulator/ferry/iam/policy"
	"github.com/ferry-emulator/ferry/persist"
)

// IAM's durable form: one record per user, group, role and customer
// managed policy, keyed (account, "global", kind, lower-case name) in one
// bucket. A user's record holds its access keys, inline policies,
// attachments and group memberships, so that each change is one write.

const bucket = "iam.entities"

// IAM is global: its records sit under this region-less name.
const globalRegion = "global"

const (
	recordUser   = "user"
	recordGroup  = "group"
	recordRole   = "role"
	recordPolicy = "policy"
)

// recordWrite is the write that stores v as the named entity's record, or
// deletes the record when v is a nil pointer.
func recordWrite[V any](account, kind, name string, v *V) persist.Write {
	w := persist.Write{Bucket: bucket, Key: persist.Key(account, globalRegion, kind, lower(name))}
	if v != nil {
		b, err := json.Marshal(v)
		if err != nil {
			panic(fmt.Sprintf("iam: encoding a %s record: %v", kind, err)) // plain data: cannot fail
		}
		w.Value = b
	}
	return w
}

// restore loads every recorded entity and reparses its policies.
func (s *Service) restore() error {
	if s.store == nil {
		return nil
	}
	return s.store.Scan(bucket, nil, func(key, value []byte) error {
		parts := persist.SplitKey(key)
		if len(parts) != 4 {
			return nil
		}
		accountID, kind := parts[0], parts[2]
		a := s.accounts[accountID]
		if a == nil {
			a = newAccount()
			s.accounts[accountID] = a
		}
		switch kind {
		case recordUser:
			var u user
			if err := json.Unmarshal(value, &u); err != nil {
				return fmt.Errorf("iam: user record %q: %w", parts[3], err)
			}
			s.reparseInline(accountID, "user "+u.Name, u.Inline)
			a.users[lower(u.Name)] = &u
			s.indexKeys(accountID, nil, &u)
		case recordGroup:
			var g group
			if err := json.Unmarshal(value, &g); err != nil {
				return fmt.Errorf("iam: group record %q: %w", parts[3], err)
			}
			s.reparseInline(accountID, "group "+g.Name, g.Inline)
			a.groups[lower(g.Name)] = &g
		case recordRole:
			var r role
			if err := json.Unmarshal(value, &r); err != nil {
				return fmt.Errorf("iam: role record %q: %w", parts[3], err)
			}
			s.reparseInline(accountID, "role "+r.Name, r.Inline)
			if p, err := policy.Parse(r.Trust, policy.Trust); err == nil {
				r.trust = p
			} else {
				s.log.Error("stored trust policy no longer parses; the role cannot be assumed",
					"account", accountID, "role", r.Name, "err", err)
			}
			a.roles[lower(r.Name)] = &r
		case recordPolicy:
			var p managedPolicy
			if err := json.Unmarshal(value, &p); err != nil {
				return fmt.Errorf("iam: policy record %q: %w", parts[3], err)
			}
			p.Account = accountID
			for i := range p.Versions {
				pv := &p.Versions[i]
				if parsed, err := policy.Parse(pv.Document, policy.Identity); err == nil {
					pv.parsed = parsed
				} else {
					s.log.Error("stored policy version no longer parses; it grants and denies nothing",
						"account", accountID, "policy", p.Name, "version", pv.ID, "err", err)
				}
			}
			a.policies[lower(p.Name)] = &p
		}
		return nil
	})
}

// reparseInline parses restored inline policies in place.
func (s *Service) reparseInline(accountID, owner string, list []inlinePolicy) {
	for i := range list {
		if p, err := policy.Parse(list[i].Document, policy.Identity); err == nil {
			list[i].parsed = p
		} else {
			s.log.Error("stored inline policy no longer parses; it grants and denies nothing",
				"account", accountID, "owner", owner, "policy", list[i].Name, "err", err)
		}
	}
}
