package kms

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"hash"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// Message authentication codes with HMAC keys: GenerateMac, VerifyMac
// (RFC 2104, with the SHA-2 hash the key spec names). A MAC made here
// verifies anywhere with the same key and the reverse, but the key never
// leaves KMS.
// https://docs.aws.amazon.com/kms/latest/developerguide/hmac.html

// maxMacMessage is the longest message GenerateMac and VerifyMac take.
const maxMacMessage = 4096

func macHash(algorithm string) func() hash.Hash {
	switch algorithm {
	case "HMAC_SHA_224":
		return sha256.New224
	case "HMAC_SHA_384":
		return sha512.New384
	case "HMAC_SHA_512":
		return sha512.New
	}
	return sha256.New
}

// mac checks the key and algorithm and computes the MAC of message, if
// the key is enabled.
func (s *Service) mac(k *Key, operation, algorithm string, message []byte, dryRun bool) ([]byte, *api.Error) {
	if err := k.needUsage(usageMAC, operation); err != nil {
		return nil, err
	}
	if err := k.algorithm(algorithm, keySpecsMade[k.spec].mac); err != nil {
		return nil, err
	}
	if err := s.usable(k); err != nil {
		return nil, err
	}
	if dryRun {
		return nil, errDryRun()
	}
	h := hmac.New(macHash(algorithm), k.materials[0])
	h.Write(message)
	return h.Sum(nil), nil
}

func (in *generateMacInput) keyID() string { return in.KeyId }

func (in *generateMacInput) validate() *api.Error {
	var c check
	c.blob("message", in.Message, 1, maxMacMessage)
	c.keyID("keyId", in.KeyId)
	c.requiredEnum("macAlgorithm", in.MacAlgorithm, macAlgorithms...)
	c.grantTokens(in.GrantTokens)
	return c.err()
}

func (in *generateMacInput) conditions(m map[string][]string) {
	m["kms:macalgorithm"] = []string{in.MacAlgorithm}
}

func (s *Service) generateMac(_ context.Context, req *api.Request, in *generateMacInput) (*generateMacOutput, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	if err := grantTokensValid(in.GrantTokens); err != nil {
		return nil, err
	}
	mac, err := s.mac(k, "GenerateMac", in.MacAlgorithm, in.Message, in.DryRun)
	if err != nil {
		return nil, err
	}
	return &generateMacOutput{KeyId: k.ARN, Mac: mac, MacAlgorithm: in.MacAlgorithm}, nil
}

func (in *verifyMacInput) keyID() string { return in.KeyId }

func (in *verifyMacInput) validate() *api.Error {
	var c check
	c.blob("message", in.Message, 1, maxMacMessage)
	c.keyID("keyId", in.KeyId)
	c.requiredEnum("macAlgorithm", in.MacAlgorithm, macAlgorithms...)
	c.blob("mac", in.Mac, 1, 6144)
	c.grantTokens(in.GrantTokens)
	return c.err()
}

func (in *verifyMacInput) conditions(m map[string][]string) {
	m["kms:macalgorithm"] = []string{in.MacAlgorithm}
}

// verifyMac answers MacValid true, or KMSInvalidMacException: KMS never
// answers false.
// https://docs.aws.amazon.com/kms/latest/APIReference/API_VerifyMac.html
func (s *Service) verifyMac(_ context.Context, req *api.Request, in *verifyMacInput) (*verifyMacOutput, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	if err := grantTokensValid(in.GrantTokens); err != nil {
		return nil, err
	}
	mac, err := s.mac(k, "VerifyMac", in.MacAlgorithm, in.Message, in.DryRun)
	if err != nil {
		return nil, err
	}
	if !hmac.Equal(mac, in.Mac) {
		return nil, errInvalidMac()
	}
	return &verifyMacOutput{KeyId: k.ARN, MacValid: true, MacAlgorithm: in.MacAlgorithm}, nil
}
