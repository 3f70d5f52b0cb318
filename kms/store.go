package kms

import (
	"encoding/json"
	"fmt"
	"maps"
	"sort"
	"time"

	"github.com/ferry-emulator/ferry/iam/policy"
	"github.com/ferry-emulator/ferry/persist"
)

// What KMS keeps in the store (DESIGN §7):
//
//	kms.keys     account, region, key id               -> keyRecord (with its key material)
//	kms.aliases  account, region, alias name           -> aliasRecord
//	kms.grants   account, region, key id, grant id     -> grantRecord
//
// A key's record carries every version of its key material, so that what
// it encrypted before a restart (or a rotation) still decrypts after, and
// its spec and usage (absent for a symmetric encryption key, as in records
// written before there were other keys). The material is the emulator's
// own and is kept as is: AES keys, an HMAC key, or a private key in
// PKCS #8 DER; a key past its
// deletion date is dropped, with its grants, when the store is read.
const (
	keysBucket    = "kms.keys"
	aliasesBucket = "kms.aliases"
	grantsBucket  = "kms.grants"
)

type keyRecord struct {
	Created         time.Time         `json:"created"`
	Managed         string            `json:"managed,omitempty"`
	Spec            string            `json:"spec,omitempty"`  // "" in records made before keys had specs: SYMMETRIC_DEFAULT
	Usage           string            `json:"usage,omitempty"` // "" likewise: ENCRYPT_DECRYPT
	Description     string            `json:"description,omitempty"`
	State           string            `json:"state"`
	DeletionDate    time.Time         `json:"deletionDate,omitzero"`
	PendingDays     int32             `json:"pendingDays,omitempty"`
	Policy          string            `json:"policy"`
	Tags            map[string]string `json:"tags,omitempty"`
	Materials       [][]byte          `json:"materials"`
	RotationEnabled bool              `json:"rotationEnabled,omitempty"`
	RotationPeriod  int32             `json:"rotationPeriod,omitempty"`
	NextRotation    time.Time         `json:"nextRotation,omitzero"`
	Rotations       []rotation        `json:"rotations,omitempty"`
	OnDemand        int               `json:"onDemand,omitempty"`
}

type aliasRecord struct {
	KeyID   string    `json:"keyId"`
	Created time.Time `json:"created"`
	Updated time.Time `json:"updated"`
}

type grantRecord struct {
	Token       string            `json:"token"`
	Name        string            `json:"name,omitempty"`
	Grantee     string            `json:"grantee"`
	Retiring    string            `json:"retiring,omitempty"`
	Issuing     string            `json:"issuing"`
	Operations  []string          `json:"operations"`
	Constraints *grantConstraints `json:"constraints,omitempty"`
	Created     time.Time         `json:"created"`
}

// record snapshots a key for the store. Call with mu held.
func (k *Key) record() keyRecord {
	rec := keyRecord{
		Created: k.Created, Managed: k.Managed, Description: k.description, State: k.state,
		DeletionDate: k.deletionDate, PendingDays: k.pendingDays, Policy: k.policy.Document(),
		Tags: maps.Clone(k.tags), Materials: k.materials, RotationEnabled: k.rotation.enabled,
		RotationPeriod: k.rotation.periodDays, NextRotation: k.rotation.next, Rotations: k.rotation.history,
		OnDemand: k.rotation.onDemand,
	}
	if k.spec != specSymmetric {
		rec.Spec, rec.Usage = k.spec, k.usage
	}
	return rec
}

func (s *Service) saveKey(k *Key, rec keyRecord) error {
	if s.store == nil {
		return nil
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return s.store.Update(persist.Write{Bucket: keysBucket, Key: persist.Key(k.Account, k.Region, k.ID), Value: b})
}

func (s *Service) saveAlias(account, region string, a *alias) error {
	if s.store == nil {
		return nil
	}
	b, err := json.Marshal(aliasRecord{KeyID: a.KeyID, Created: a.Created, Updated: a.Updated})
	if err != nil {
		return err
	}
	return s.store.Update(persist.Write{Bucket: aliasesBucket, Key: persist.Key(account, region, a.Name), Value: b})
}

func (s *Service) dropAlias(account, region, name string) error {
	if s.store == nil {
		return nil
	}
	return s.store.Update(persist.Write{Bucket: aliasesBucket, Key: persist.Key(account, region, name)})
}

func (s *Service) saveGrant(k *Key, g *Grant) error {
	if s.store == nil {
		return nil
	}
	b, err := json.Marshal(grantRecord{
		Token: g.Token, Name: g.Name, Grantee: g.Grantee, Retiring: g.Retiring, Issuing: g.Issuing,
		Operations: g.Operations, Constraints: g.Constraints, Created: g.Created,
	})
	if err != nil {
		return err
	}
	return s.store.Update(persist.Write{Bucket: grantsBucket, Key: persist.Key(k.Account, k.Region, k.ID, g.ID), Value: b})
}

func (s *Service) dropGrant(k *Key, g *Grant) error {
	if s.store == nil {
		return nil
	}
	return s.store.Update(persist.Write{Bucket: grantsBucket, Key: persist.Key(k.Account, k.Region, k.ID, g.ID)})
}

// restore recreates the keys, aliases and grants recorded in the store,
// dropping the keys whose deletion date has passed.
func (s *Service) restore() error {
	if s.store == nil {
		return nil
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	var gone []persist.Write
	err := s.store.Scan(keysBucket, nil, func(key, value []byte) error {
		parts := persist.SplitKey(key)
		if len(parts) != 3 {
			return nil
		}
		var rec keyRecord
		if err := json.Unmarshal(value, &rec); err != nil {
			return err
		}
		p, err := policy.Parse(rec.Policy, policy.Key)
		if err != nil {
			return err
		}
		k := newKey(parts[0], parts[1], parts[2], rec.Created)
		k.Managed, k.description, k.state = rec.Managed, rec.Description, rec.State
		k.deletionDate, k.pendingDays, k.policy = rec.DeletionDate, rec.PendingDays, p
		if rec.Tags != nil {
			k.tags = rec.Tags
		}
		k.materials = rec.Materials
		if rec.Spec != "" && rec.Spec != specSymmetric && len(rec.Materials) > 0 {
			if _, ok := keySpecsMade[rec.Spec]; !ok {
				return fmt.Errorf("kms: key %s has key spec %s, which ferry does not know", k.ARN, rec.Spec)
			}
			if err := k.setMaterial(rec.Spec, rec.Usage, rec.Materials[0]); err != nil {
				return fmt.Errorf("kms: key %s: %w", k.ARN, err)
			}
		}
		k.rotation = rotationState{enabled: rec.RotationEnabled, periodDays: rec.RotationPeriod,
			next: rec.NextRotation, history: rec.Rotations, onDemand: rec.OnDemand}
		if k.gone(now) || len(k.materials) == 0 {
			gone = append(gone, persist.Write{Bucket: keysBucket, Key: append([]byte(nil), key...)})
			return nil
		}
		s.regionOf(k.Account, k.Region).keys[k.ID] = k
		return nil
	})
	if err != nil {
		return err
	}
	err = s.store.Scan(aliasesBucket, nil, func(key, value []byte) error {
		parts := persist.SplitKey(key)
		if len(parts) != 3 {
			return nil
		}
		var rec aliasRecord
		if err := json.Unmarshal(value, &rec); err != nil {
			return err
		}
		r := s.regionOf(parts[0], parts[1])
		if r.keys[rec.KeyID] == nil {
			gone = append(gone, persist.Write{Bucket: aliasesBucket, Key: append([]byte(nil), key...)})
			return nil
		}
		r.aliases[parts[2]] = &alias{Name: parts[2], KeyID: rec.KeyID, Created: rec.Created, Updated: rec.Updated}
		return nil
	})
	if err != nil {
		return err
	}
	err = s.store.Scan(grantsBucket, nil, func(key, value []byte) error {
		parts := persist.SplitKey(key)
		if len(parts) != 4 {
			return nil
		}
		var rec grantRecord
		if err := json.Unmarshal(value, &rec); err != nil {
			return err
		}
		r := s.regionIf(parts[0], parts[1])
		var k *Key
		if r != nil {
			k = r.keys[parts[2]]
		}
		if k == nil {
			gone = append(gone, persist.Write{Bucket: grantsBucket, Key: append([]byte(nil), key...)})
			return nil
		}
		k.grants = append(k.grants, &Grant{
			ID: parts[3], Token: rec.Token, KeyARN: k.ARN, Name: rec.Name, Grantee: rec.Grantee,
			Retiring: rec.Retiring, Issuing: rec.Issuing, Operations: rec.Operations,
			Constraints: rec.Constraints, Created: rec.Created,
		})
		return nil
	})
	if err != nil {
		return err
	}
	for _, r := range s.regions {
		for _, k := range r.keys {
			sort.SliceStable(k.grants, func(i, j int) bool { return k.grants[i].Created.Before(k.grants[j].Created) })
		}
	}
	if len(gone) > 0 {
		return s.store.Update(gone...)
	}
	return nil
}
