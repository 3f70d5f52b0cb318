package kms

import (
	"context"
	"crypto"
	"crypto/rand"
	"slices"
	"sort"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam/policy"
	"github.com/ferry-emulator/ferry/internal/uuid"
)

// Keys and their life: CreateKey, DescribeKey, ListKeys, EnableKey,
// DisableKey, UpdateKeyDescription, ScheduleKeyDeletion, CancelKeyDeletion.
// https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html

// Key states.
const (
	stateEnabled         = "Enabled"
	stateDisabled        = "Disabled"
	statePendingDeletion = "PendingDeletion"
)

// Key is one KMS key of origin AWS_KMS: a symmetric encryption key
// (SYMMETRIC_DEFAULT), an RSA or elliptic curve key pair, or an HMAC key
// (keyspec.go). The fields down to private are set when the key is made
// and never change; the ones below the line are guarded by Service.mu;
// maps and slices among them are replaced, never changed in place, so a
// snapshot taken under the lock stays valid after it.
type Key struct {
	ID, ARN, Account, Region string
	Created                  time.Time
	// Managed is the service of an AWS managed key ("sqs", "sns"), "" for a
	// customer managed key.
	Managed string

	spec, usage string
	// private is an asymmetric key's key pair, parsed from its material.
	private crypto.Signer

	description  string
	state        string
	deletionDate time.Time
	pendingDays  int32
	policy       *policy.Policy
	tags         map[string]string
	// materials are a symmetric encryption key's 256-bit AES keys, oldest
	// first; the last encrypts, every one decrypts what it encrypted. An
	// HMAC key has its key, a key pair its private key (PKCS #8 DER), as its
	// one material: those keys do not rotate.
	materials [][]byte
	rotation  rotationState
	grants    []*Grant // in creation order
}

// newKey makes a symmetric encryption key with fresh key material.
func newKey(account, region, id string, created time.Time) *Key {
	return &Key{
		ID: id, ARN: keyARN(region, account, id), Account: account, Region: region, Created: created,
		spec: specSymmetric, usage: usageEncrypt,
		state: stateEnabled, tags: map[string]string{}, materials: [][]byte{newMaterial()},
	}
}

// setMaterial gives a key of another spec its spec, usage and key
// material. Call before the key is shared.
func (k *Key) setMaterial(spec, usage string, material []byte) error {
	k.spec, k.usage, k.materials = spec, usage, [][]byte{material}
	if !asymmetric(spec) {
		return nil
	}
	priv, err := parsePrivate(material)
	if err != nil {
		return err
	}
	k.private = priv
	return nil
}

func newMaterial() []byte {
	b := make([]byte, 32)
	rand.Read(b)
	return b
}

// gone reports whether the key's deletion date has passed: it no longer
// exists. Call with mu held.
func (k *Key) gone(now time.Time) bool {
	return k.state == statePendingDeletion && !now.Before(k.deletionDate)
}

// usable is the error a cryptographic operation or grant gets from a key
// that is not enabled. Call with mu held.
func (k *Key) usable() *api.Error {
	switch k.state {
	case stateDisabled:
		return errDisabled(k.ARN)
	case statePendingDeletion:
		return errPendingDeletion(k.ARN)
	}
	return nil
}

func errPendingDeletion(arn string) *api.Error { return errInvalidState(arn + " is pending deletion.") }

// notPendingDeletion is the error of the operations a key pending deletion
// refuses. Call with mu held.
func (k *Key) notPendingDeletion() *api.Error {
	if k.state == statePendingDeletion {
		return errPendingDeletion(k.ARN)
	}
	return nil
}

// metadata describes the key. Call with mu held.
func (k *Key) metadata() KeyMetadata {
	ks := keySpecsMade[k.spec]
	m := KeyMetadata{
		AWSAccountId: k.Account, KeyId: k.ID, Arn: k.ARN, CreationDate: Timestamp(k.Created),
		Enabled: k.state == stateEnabled, Description: k.description, KeyUsage: k.usage,
		KeyState: k.state, Origin: "AWS_KMS", KeyManager: "CUSTOMER", CustomerMasterKeySpec: k.spec,
		KeySpec: k.spec,
	}
	switch k.usage {
	case usageEncrypt:
		m.EncryptionAlgorithms = slices.Clone(ks.encryption)
	case usageSign:
		m.SigningAlgorithms = slices.Clone(ks.signing)
	case usageMAC:
		m.MacAlgorithms = slices.Clone(ks.mac)
	}
	if k.Managed != "" {
		m.KeyManager = "AWS"
	}
	if k.state == statePendingDeletion {
		m.DeletionDate = timestamp(k.deletionDate)
		days := k.pendingDays
		m.PendingDeletionWindowInDays = &days
	}
	return m
}

func (in *createKeyInput) validate() *api.Error {
	var c check
	if in.Policy != nil {
		c.length("policy", *in.Policy, 1, 131072)
	}
	if in.Description != nil {
		c.length("description", *in.Description, 0, 8192)
	}
	c.enum("keyUsage", in.KeyUsage, keyUsages...)
	c.enum("customerMasterKeySpec", in.CustomerMasterKeySpec, keySpecs...)
	c.enum("keySpec", in.KeySpec, keySpecs...)
	c.enum("origin", in.Origin, origins...)
	if e := c.err(); e != nil {
		return e
	}
	if in.KeySpec != "" && in.CustomerMasterKeySpec != "" {
		return errValidation("You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.")
	}
	if _, _, err := in.specAndUsage(); err != nil {
		return err
	}
	// ferry's keys are in KMS's own key store.
	switch {
	case in.Origin != "" && in.Origin != "AWS_KMS":
		return errUnsupported("ferry supports only keys with origin AWS_KMS: origin " + in.Origin + " is not supported.")
	case in.CustomKeyStoreId != "" || in.XksKeyId != "":
		return errUnsupported("ferry has no custom key stores.")
	case in.MultiRegion:
		return errUnsupported("ferry does not support multi-Region keys.")
	}
	_, err := tagMap(in.Tags)
	return err
}

// specAndUsage is the key spec and usage CreateKey asks for, with their
// defaults; CustomerMasterKeySpec is the deprecated name of KeySpec.
func (in *createKeyInput) specAndUsage() (string, string, *api.Error) {
	spec := in.KeySpec
	if spec == "" {
		spec = in.CustomerMasterKeySpec
	}
	return keySpecAndUsage(spec, in.KeyUsage)
}

func (s *Service) createKey(ctx context.Context, req *api.Request, in *createKeyInput) (*createKeyOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	tags, _ := tagMap(in.Tags)
	id := uuid.New()
	k := newKey(req.Account, req.Region, id, s.now())
	if in.Description != nil {
		k.description = *in.Description
	}
	k.tags = tags
	if in.Policy != nil {
		p, err := parseKeyPolicy(*in.Policy)
		if err != nil {
			return nil, err
		}
		k.policy = p
		if !in.BypassPolicyLockoutSafetyCheck {
			if err := s.lockoutCheck(ctx, req, k, p); err != nil {
				return nil, err
			}
		}
	} else {
		k.policy = defaultKeyPolicy(req.Account)
	}
	if spec, usage, _ := in.specAndUsage(); spec != specSymmetric {
		// RSA key generation takes a while: it is done before any lock.
		if err := k.setMaterial(spec, usage, keySpecsMade[spec].generate()); err != nil {
			return nil, err
		}
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	s.mu.Lock()
	s.regionOf(k.Account, k.Region).keys[k.ID] = k
	md := k.metadata()
	rec := k.record()
	s.mu.Unlock()
	if err := s.saveKey(k, rec); err != nil {
		return nil, err
	}
	return &createKeyOutput{KeyMetadata: md}, nil
}

func (in *DescribeKeyInput) keyID() string { return in.KeyId }

func (in *DescribeKeyInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	c.grantTokens(in.GrantTokens)
	return c.err()
}

func (s *Service) describeKey(_ context.Context, req *api.Request, in *DescribeKeyInput) (*DescribeKeyOutput, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	if err := grantTokensValid(in.GrantTokens); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	return &DescribeKeyOutput{KeyMetadata: k.metadata()}, nil
}

func (in *listKeysInput) validate() *api.Error {
	var c check
	c.intRange("limit", in.Limit, 1, 1000)
	c.length("marker", in.Marker, 0, 1024)
	return c.err()
}

func (s *Service) listKeys(_ context.Context, req *api.Request, in *listKeysInput) (*listKeysOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	now := s.now()
	s.mu.RLock()
	var entries []keyListEntry
	if r := s.regionIf(req.Account, req.Region); r != nil {
		for _, k := range r.keys {
			if !k.gone(now) {
				entries = append(entries, keyListEntry{KeyId: k.ID, KeyArn: k.ARN})
			}
		}
	}
	s.mu.RUnlock()
	sort.Slice(entries, func(i, j int) bool { return entries[i].KeyId < entries[j].KeyId })
	page, next, err := paginate(entries, func(e keyListEntry) string { return e.KeyId }, in.Marker, in.Limit, 100)
	if err != nil {
		return nil, err
	}
	if page == nil {
		page = []keyListEntry{}
	}
	return &listKeysOutput{Keys: page, NextMarker: next, Truncated: next != ""}, nil
}

func (in *keyIDInput) keyID() string { return in.KeyId }

func (in *keyIDInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	return c.err()
}

func (s *Service) enableKey(_ context.Context, req *api.Request, in *keyIDInput) (*struct{}, error) {
	return nil, s.setEnabled(req, in, "kms:EnableKey", stateEnabled)
}

func (s *Service) disableKey(_ context.Context, req *api.Request, in *keyIDInput) (*struct{}, error) {
	return nil, s.setEnabled(req, in, "kms:DisableKey", stateDisabled)
}

// setEnabled is EnableKey and DisableKey: either works on an enabled or a
// disabled key, neither on one pending deletion.
func (s *Service) setEnabled(req *api.Request, in *keyIDInput, action, state string) error {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return err
	}
	return s.change(k, func() *api.Error {
		if k.Managed != "" {
			return errManagedKey(req, action, k.ARN)
		}
		if err := k.notPendingDeletion(); err != nil {
			return err
		}
		k.state = state
		return nil
	})
}

func (in *updateKeyDescriptionInput) keyID() string { return in.KeyId }

func (in *updateKeyDescriptionInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	if in.Description == nil {
		c.v.Missing("description")
	} else {
		c.length("description", *in.Description, 0, 8192)
	}
	return c.err()
}

func (s *Service) updateKeyDescription(_ context.Context, req *api.Request, in *updateKeyDescriptionInput) (*struct{}, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	return nil, s.change(k, func() *api.Error {
		if k.Managed != "" {
			return errManagedKey(req, "kms:UpdateKeyDescription", k.ARN)
		}
		if err := k.notPendingDeletion(); err != nil {
			return err
		}
		k.description = *in.Description
		return nil
	})
}

func (in *scheduleKeyDeletionInput) keyID() string { return in.KeyId }

func (in *scheduleKeyDeletionInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	c.intRange("pendingWindowInDays", in.PendingWindowInDays, 7, 30)
	return c.err()
}

// scheduleKeyDeletion starts the waiting period, 7 to 30 days (30 by
// default), after which the key and its aliases are gone.
// https://docs.aws.amazon.com/kms/latest/APIReference/API_ScheduleKeyDeletion.html
func (s *Service) scheduleKeyDeletion(_ context.Context, req *api.Request, in *scheduleKeyDeletionInput) (*scheduleKeyDeletionOutput, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	days := int32(30)
	if in.PendingWindowInDays != nil {
		days = *in.PendingWindowInDays
	}
	var out scheduleKeyDeletionOutput
	if err := s.change(k, func() *api.Error {
		if k.Managed != "" {
			return errManagedKey(req, "kms:ScheduleKeyDeletion", k.ARN)
		}
		if err := k.notPendingDeletion(); err != nil {
			return err
		}
		k.state = statePendingDeletion
		k.pendingDays = days
		k.deletionDate = s.now().Add(time.Duration(days) * 24 * time.Hour)
		out = scheduleKeyDeletionOutput{KeyId: k.ARN, DeletionDate: Timestamp(k.deletionDate), KeyState: k.state, PendingWindowInDays: days}
		return nil
	}); err != nil {
		return nil, err
	}
	return &out, nil
}

// cancelKeyDeletion ends the waiting period; the key comes back disabled.
func (s *Service) cancelKeyDeletion(_ context.Context, req *api.Request, in *keyIDInput) (*cancelKeyDeletionOutput, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	if err := s.change(k, func() *api.Error {
		if k.Managed != "" {
			return errManagedKey(req, "kms:CancelKeyDeletion", k.ARN)
		}
		if k.state != statePendingDeletion {
			return errInvalidState(k.ARN + " is not pending deletion.")
		}
		k.state = stateDisabled
		k.deletionDate, k.pendingDays = time.Time{}, 0
		return nil
	}); err != nil {
		return nil, err
	}
	return &cancelKeyDeletionOutput{KeyId: k.ARN}, nil
}

// change applies fn to a key under both locks and records the key durably
// before returning. fn returns an error to refuse the change, having
// changed nothing.
func (s *Service) change(k *Key, fn func() *api.Error) error {
	s.meta.Lock()
	defer s.meta.Unlock()
	s.mu.Lock()
	if k.gone(s.now()) {
		s.mu.Unlock()
		return errKeyNotFound(k.ARN)
	}
	if err := fn(); err != nil {
		s.mu.Unlock()
		return err
	}
	rec := k.record()
	s.mu.Unlock()
	return s.saveKey(k, rec)
}

// keyed is an input that names a key by KeyId; validated, one whose model
// constraints can be checked.
type keyed interface {
	keyID() string
	validate() *api.Error
}

// resolvedKey is the key an action's target resolution found, or (when
// authorization is off and nothing was resolved) the key the input names,
// after checking the input.
func resolvedKey[P keyed](s *Service, req *api.Request, in P) (*Key, *api.Error) {
	if k, ok := req.Resolved.(*Key); ok {
		return k, nil
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	return s.findKey(req, in.keyID())
}
