package kms

import (
	"context"
	"fmt"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// Key rotation: EnableKeyRotation, DisableKeyRotation,
// GetKeyRotationStatus, RotateKeyOnDemand, ListKeyRotations. Rotating adds
// key material; the old material stays, so what it encrypted still
// decrypts, and every ciphertext says which material made it.
// https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html

// maxOnDemandRotations is how many times a key may be rotated on demand.
const maxOnDemandRotations = 10

// rotationState is a key's rotation schedule and history.
type rotationState struct {
	enabled    bool
	periodDays int32
	next       time.Time  // when automatic rotation is next due
	history    []rotation // one per key material after the first
	onDemand   int
}

// rotation is one rotation of a key: material i+1 came from history[i].
type rotation struct {
	Date time.Time `json:"date"`
	Type string    `json:"type"` // AUTOMATIC or ON_DEMAND
}

// rotationDue reports whether automatic rotation is due. A key that is not
// enabled does not rotate. Call with mu held.
func (k *Key) rotationDue(now time.Time) bool {
	return k.rotation.enabled && k.state == stateEnabled && !now.Before(k.rotation.next)
}

// rotate adds key material. Call with mu held for writing.
func (k *Key) rotate(at time.Time, typ string) {
	k.materials = append(k.materials[:len(k.materials):len(k.materials)], newMaterial())
	k.rotation.history = append(k.rotation.history[:len(k.rotation.history):len(k.rotation.history)], rotation{Date: at, Type: typ})
}

// rotateDue performs the automatic rotations that have come due, each at
// its own date.
func (s *Service) rotateDue(k *Key) error {
	return s.change(k, func() *api.Error {
		now := s.now()
		for k.rotationDue(now) {
			k.rotate(k.rotation.next, "AUTOMATIC")
			k.rotation.next = k.rotation.next.Add(days(k.rotation.periodDays))
		}
		return nil
	})
}

func days(n int32) time.Duration { return time.Duration(n) * 24 * time.Hour }

func (in *enableKeyRotationInput) keyID() string { return in.KeyId }

func (in *enableKeyRotationInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	c.intRange("rotationPeriodInDays", in.RotationPeriodInDays, 90, 2560)
	return c.err()
}

// rotationChange is the state check EnableKeyRotation and
// DisableKeyRotation share. Call with mu held.
func (k *Key) rotationChange(req *api.Request, action string) *api.Error {
	if k.Managed != "" {
		return errManagedKey(req, action, k.ARN)
	}
	if err := k.rotatable(); err != nil {
		return err
	}
	return k.usable()
}

// rotatable refuses rotation of anything but a symmetric encryption key:
// asymmetric and HMAC keys do not rotate.
// https://docs.aws.amazon.com/kms/latest/developerguide/rotating-keys-enable-disable.html
func (k *Key) rotatable() *api.Error {
	if k.spec != specSymmetric {
		return errUnsupported("You cannot perform this operation on a non-symmetric key or a key with non-ENCRYPT_DECRYPT key usage.")
	}
	return nil
}

func (s *Service) enableKeyRotation(_ context.Context, req *api.Request, in *enableKeyRotationInput) (*struct{}, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	period := int32(365)
	if in.RotationPeriodInDays != nil {
		period = *in.RotationPeriodInDays
	}
	return nil, s.change(k, func() *api.Error {
		if err := k.rotationChange(req, "kms:EnableKeyRotation"); err != nil {
			return err
		}
		k.rotation.enabled, k.rotation.periodDays = true, period
		k.rotation.next = s.now().Add(days(period))
		return nil
	})
}

func (s *Service) disableKeyRotation(_ context.Context, req *api.Request, in *keyIDInput) (*struct{}, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	return nil, s.change(k, func() *api.Error {
		if err := k.rotationChange(req, "kms:DisableKeyRotation"); err != nil {
			return err
		}
		k.rotation.enabled, k.rotation.next = false, time.Time{}
		return nil
	})
}

func (s *Service) getKeyRotationStatus(_ context.Context, req *api.Request, in *keyIDInput) (*getKeyRotationStatusOutput, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := &getKeyRotationStatusOutput{KeyId: k.ARN, KeyRotationEnabled: k.rotation.enabled}
	if k.rotation.enabled {
		period := k.rotation.periodDays
		out.RotationPeriodInDays = &period
		out.NextRotationDate = timestamp(k.rotation.next)
	}
	return out, nil
}

// rotateKeyOnDemand rotates at once, whether or not automatic rotation is
// on, up to maxOnDemandRotations times per key.
// https://docs.aws.amazon.com/kms/latest/APIReference/API_RotateKeyOnDemand.html
func (s *Service) rotateKeyOnDemand(_ context.Context, req *api.Request, in *keyIDInput) (*rotateKeyOnDemandOutput, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	if err := s.change(k, func() *api.Error {
		if k.Managed != "" {
			return errManagedKey(req, "kms:RotateKeyOnDemand", k.ARN)
		}
		if err := k.rotatable(); err != nil {
			return err
		}
		if err := k.usable(); err != nil {
			return err
		}
		if k.rotation.onDemand >= maxOnDemandRotations {
			return errLimitExceeded(fmt.Sprintf("%s has reached the limit of %d on-demand rotations.", k.ARN, maxOnDemandRotations))
		}
		k.rotation.onDemand++
		k.rotate(s.now(), "ON_DEMAND")
		return nil
	}); err != nil {
		return nil, err
	}
	return &rotateKeyOnDemandOutput{KeyId: k.ARN}, nil
}

func (in *listKeyRotationsInput) keyID() string { return in.KeyId }

func (in *listKeyRotationsInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	c.intRange("limit", in.Limit, 1, 1000)
	c.length("marker", in.Marker, 0, 1024)
	return c.err()
}

func (s *Service) listKeyRotations(_ context.Context, req *api.Request, in *listKeyRotationsInput) (*listKeyRotationsOutput, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	history := k.rotation.history
	s.mu.RUnlock()
	positions := make([]int, len(history))
	for i := range positions {
		positions[i] = i
	}
	page, next, perr := paginate(positions, func(i int) string { return fmt.Sprintf("%08d", i) }, in.Marker, in.Limit, 100)
	if perr != nil {
		return nil, perr
	}
	rotations := make([]rotationsListEntry, len(page))
	for j, i := range page {
		rotations[j] = rotationsListEntry{KeyId: k.ARN, RotationDate: Timestamp(history[i].Date), RotationType: history[i].Type}
	}
	return &listKeyRotationsOutput{Rotations: rotations, NextMarker: next, Truncated: next != ""}, nil
}
