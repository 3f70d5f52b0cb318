package kms

import (
	"encoding/base64"
	"log/slog"
	"sort"
	"sync"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/persist"
)

// Config wires the service to the rest of ferry.
type Config struct {
	Store persist.Store
	Log   *slog.Logger
	// Now is the clock for creation dates, deletion windows and automatic
	// rotation; default time.Now.
	Now func() time.Time
	// Authorizer answers the policy lockout safety check of CreateKey and
	// PutKeyPolicy (would the new policy still let the caller change it?).
	// Without one the check is skipped.
	Authorizer api.Authorizer
}

// Service is KMS across every account and region.
//
// Lock order: meta, then mu. meta serializes every change together with
// its durable write, so the store sees changes in the order they happened;
// mu guards the maps and every key's mutable fields and is held briefly.
// Functions that find a key (findKey and its callers) may create an AWS
// managed key or rotate a key that is due, so they take both locks
// themselves: call them holding neither.
type Service struct {
	store persist.Store
	log   *slog.Logger
	now   func() time.Time
	authz api.Authorizer
	api   *api.Service

	meta    sync.Mutex
	mu      sync.RWMutex
	regions map[regionKey]*region
}

type regionKey struct{ account, region string }

type region struct {
	keys    map[string]*Key   // by key id
	aliases map[string]*alias // by alias name, "alias/…"
}

// New makes the service and restores the keys, aliases and grants recorded
// in the store.
func New(cfg Config) (*Service, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Service{store: cfg.Store, log: cfg.Log, now: cfg.Now, authz: cfg.Authorizer, regions: map[regionKey]*region{}}
	s.api = &api.Service{
		SigningName:   "kms",
		TargetPrefix:  "TrentService",
		JSONVersion:   "1.1",
		JSONNamespace: "com.amazonaws.kms",
		Actions:       s.actions(),
		Denied:        errAccessDenied,
	}
	if err := s.restore(); err != nil {
		return nil, err
	}
	return s, nil
}

// actions is KMS's action table: every operation, the IAM action it is
// authorized as, and how its target is resolved. The operations AWS allows
// across accounts are marked crossAccount; any other permission given to
// another account "has no effect".
// https://docs.aws.amazon.com/kms/latest/developerguide/kms-api-permissions-reference.html
// https://docs.aws.amazon.com/kms/latest/developerguide/key-policy-modifying-external-accounts.html
func (s *Service) actions() map[string]*api.Action {
	const crossAccount, sameAccount = true, false
	return api.Table(
		api.Resolve(api.Op("CreateKey", "kms:CreateKey", s.createKey), s.targetCreateKey),
		api.Resolve(api.Op("DescribeKey", "kms:DescribeKey", s.describeKey), onKey[DescribeKeyInput](s, crossAccount)),
		api.Resolve(api.Op("ListKeys", "kms:ListKeys", s.listKeys), anywhere[listKeysInput]),
		api.Resolve(api.Op("EnableKey", "kms:EnableKey", s.enableKey), byKeyID[keyIDInput](s, sameAccount)),
		api.Resolve(api.Op("DisableKey", "kms:DisableKey", s.disableKey), byKeyID[keyIDInput](s, sameAccount)),
		api.Resolve(api.Op("UpdateKeyDescription", "kms:UpdateKeyDescription", s.updateKeyDescription), byKeyID[updateKeyDescriptionInput](s, sameAccount)),
		api.Resolve(api.Op("ScheduleKeyDeletion", "kms:ScheduleKeyDeletion", s.scheduleKeyDeletion), byKeyID[scheduleKeyDeletionInput](s, sameAccount)),
		api.Resolve(api.Op("CancelKeyDeletion", "kms:CancelKeyDeletion", s.cancelKeyDeletion), byKeyID[keyIDInput](s, sameAccount)),

		api.Resolve(api.Op("CreateAlias", "kms:CreateAlias", s.createAlias), s.targetCreateAlias),
		api.Resolve(api.Op("UpdateAlias", "kms:UpdateAlias", s.updateAlias), s.targetUpdateAlias),
		api.Resolve(api.Op("DeleteAlias", "kms:DeleteAlias", s.deleteAlias), s.targetDeleteAlias),
		api.Resolve(api.Op("ListAliases", "kms:ListAliases", s.listAliases), anywhere[listAliasesInput]),

		api.Resolve(api.Op("Encrypt", "kms:Encrypt", s.encrypt), onKey[EncryptInput](s, crossAccount)),
		api.Resolve(api.Op("Decrypt", "kms:Decrypt", s.decrypt), s.targetDecrypt),
		api.Resolve(api.Op("ReEncrypt", "kms:ReEncryptFrom", s.reEncrypt), s.targetReEncrypt),
		api.Resolve(api.Op("GenerateDataKey", "kms:GenerateDataKey", s.generateDataKey), onKey[GenerateDataKeyInput](s, crossAccount)),
		api.Resolve(api.Op("GenerateDataKeyWithoutPlaintext", "kms:GenerateDataKeyWithoutPlaintext", s.generateDataKeyWithoutPlaintext),
			onKey[GenerateDataKeyInput](s, crossAccount)),
		api.Resolve(api.Op("GenerateRandom", "kms:GenerateRandom", s.generateRandom), anywhere[generateRandomInput]),
		api.Resolve(api.Op("GenerateDataKeyPair", "kms:GenerateDataKeyPair", s.generateDataKeyPair),
			onKey[generateDataKeyPairInput](s, crossAccount)),
		api.Resolve(api.Op("GenerateDataKeyPairWithoutPlaintext", "kms:GenerateDataKeyPairWithoutPlaintext", s.generateDataKeyPairWithoutPlaintext),
			onKey[generateDataKeyPairInput](s, crossAccount)),

		api.Resolve(api.Op("Sign", "kms:Sign", s.sign), onKey[signInput](s, crossAccount)),
		api.Resolve(api.Op("Verify", "kms:Verify", s.verify), onKey[verifyInput](s, crossAccount)),
		api.Resolve(api.Op("GetPublicKey", "kms:GetPublicKey", s.getPublicKey), onKey[getPublicKeyInput](s, crossAccount)),
		api.Resolve(api.Op("GenerateMac", "kms:GenerateMac", s.generateMac), onKey[generateMacInput](s, crossAccount)),
		api.Resolve(api.Op("VerifyMac", "kms:VerifyMac", s.verifyMac), onKey[verifyMacInput](s, crossAccount)),

		api.Resolve(api.Op("EnableKeyRotation", "kms:EnableKeyRotation", s.enableKeyRotation), byKeyID[enableKeyRotationInput](s, sameAccount)),
		api.Resolve(api.Op("DisableKeyRotation", "kms:DisableKeyRotation", s.disableKeyRotation), byKeyID[keyIDInput](s, sameAccount)),
		api.Resolve(api.Op("GetKeyRotationStatus", "kms:GetKeyRotationStatus", s.getKeyRotationStatus), byKeyID[keyIDInput](s, crossAccount)),
		api.Resolve(api.Op("RotateKeyOnDemand", "kms:RotateKeyOnDemand", s.rotateKeyOnDemand), byKeyID[keyIDInput](s, sameAccount)),
		api.Resolve(api.Op("ListKeyRotations", "kms:ListKeyRotations", s.listKeyRotations), byKeyID[listKeyRotationsInput](s, sameAccount)),

		api.Resolve(api.Op("GetKeyPolicy", "kms:GetKeyPolicy", s.getKeyPolicy), byKeyID[getKeyPolicyInput](s, sameAccount)),
		api.Resolve(api.Op("PutKeyPolicy", "kms:PutKeyPolicy", s.putKeyPolicy), byKeyID[putKeyPolicyInput](s, sameAccount)),
		api.Resolve(api.Op("ListKeyPolicies", "kms:ListKeyPolicies", s.listKeyPolicies), byKeyID[listKeyPoliciesInput](s, sameAccount)),

		api.Resolve(api.Op("CreateGrant", "kms:CreateGrant", s.createGrant), byKeyID[createGrantInput](s, crossAccount)),
		api.Resolve(api.Op("ListGrants", "kms:ListGrants", s.listGrants), byKeyID[listGrantsInput](s, crossAccount)),
		api.Resolve(api.Op("ListRetirableGrants", "kms:ListRetirableGrants", s.listRetirableGrants), anywhere[listRetirableGrantsInput]),
		api.Resolve(api.Op("RetireGrant", "kms:RetireGrant", s.retireGrant), s.targetRetireGrant),
		api.Resolve(api.Op("RevokeGrant", "kms:RevokeGrant", s.revokeGrant), byKeyID[revokeGrantInput](s, crossAccount)),

		api.Resolve(api.Op("TagResource", "kms:TagResource", s.tagResource), byKeyID[tagResourceInput](s, sameAccount)),
		api.Resolve(api.Op("UntagResource", "kms:UntagResource", s.untagResource), byKeyID[untagResourceInput](s, sameAccount)),
		api.Resolve(api.Op("ListResourceTags", "kms:ListResourceTags", s.listResourceTags), byKeyID[listResourceTagsInput](s, sameAccount)),
	)
}

// API describes the service to the emulator.
func (s *Service) API() *api.Service { return s.api }

// Reset forgets every key, alias and grant; the emulator resets the store.
func (s *Service) Reset() {
	s.meta.Lock()
	s.mu.Lock()
	s.regions = map[regionKey]*region{}
	s.mu.Unlock()
	s.meta.Unlock()
}

// Close has nothing to stop: KMS runs no goroutines.
func (s *Service) Close() {}

// regionOf returns an account's region, made on first use. Call with mu
// held for writing.
func (s *Service) regionOf(account, name string) *region {
	k := regionKey{account, name}
	r := s.regions[k]
	if r == nil {
		r = &region{keys: map[string]*Key{}, aliases: map[string]*alias{}}
		s.regions[k] = r
	}
	return r
}

// regionIf returns an account's region or nil. Call with mu held.
func (s *Service) regionIf(account, name string) *region {
	return s.regions[regionKey{account, name}]
}

// paginate pages through items sorted by key: limit items a page (def
// when the request gives none), the marker being the last key returned,
// encoded.
func paginate[T any](items []T, key func(T) string, marker string, limit *int32, def int) ([]T, string, *api.Error) {
	start := 0
	if marker != "" {
		after, err := base64.RawURLEncoding.DecodeString(marker)
		if err != nil {
			return nil, "", errInvalidMarker()
		}
		start = sort.Search(len(items), func(i int) bool { return key(items[i]) > string(after) })
	}
	n := def
	if limit != nil {
		n = int(*limit)
	}
	end := min(start+n, len(items))
	next := ""
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte(key(items[end-1])))
	}
	return items[start:end], next, nil
}
