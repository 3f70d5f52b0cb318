package kms

import (
	"context"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"slices"
	"strings"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// Signatures with asymmetric keys: Sign, Verify, GetPublicKey. Signatures
// are the standard ones, so what ferry signs verifies anywhere with the
// public key GetPublicKey returns, and the reverse: RSASSA-PSS with a salt
// as long as the hash, RSASSA-PKCS1-v1_5, and ECDSA signatures DER-encoded
// (RFC 3279).
// https://docs.aws.amazon.com/kms/latest/developerguide/asymmetric-key-specs.html

// maxSignMessage is the longest message Sign and Verify take; a longer one
// is signed by its digest.
const maxSignMessage = 4096

var messageTypes = []string{"RAW", "DIGEST", "EXTERNAL_MU"}

// signingHash is the hash a signing algorithm uses, by the algorithm's
// suffix.
func signingHash(algorithm string) crypto.Hash {
	switch {
	case strings.HasSuffix(algorithm, "_SHA_384"):
		return crypto.SHA384
	case strings.HasSuffix(algorithm, "_SHA_512"):
		return crypto.SHA512
	}
	return crypto.SHA256
}

// digestOf is the digest a signature covers: the message's hash (RAW), or
// the message itself (DIGEST), which must then be as long as the
// algorithm's hash. Signing a digest as RAW hashes it again, as AWS does.
func (k *Key) digestOf(message []byte, messageType, algorithm string) ([]byte, *api.Error) {
	h := signingHash(algorithm)
	switch messageType {
	case "", "RAW":
		d := h.New()
		d.Write(message)
		return d.Sum(nil), nil
	case "DIGEST":
		if len(message) != h.Size() {
			return nil, errValidation("Digest is invalid length for algorithm " + algorithm + ".")
		}
		return message, nil
	}
	return nil, errValidation("Message type " + messageType + " is incompatible with key spec " + k.spec + ".")
}

// signing is what Sign and Verify check before using a key: its usage, the
// algorithm and the message.
func (k *Key) signing(operation, algorithm string, message []byte, messageType string) ([]byte, *api.Error) {
	if err := k.needUsage(usageSign, operation); err != nil {
		return nil, err
	}
	if err := k.algorithm(algorithm, keySpecsMade[k.spec].signing); err != nil {
		return nil, err
	}
	return k.digestOf(message, messageType, algorithm)
}

func (in *signInput) keyID() string { return in.KeyId }

func (in *signInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	c.blob("message", in.Message, 1, maxSignMessage)
	c.enum("messageType", in.MessageType, messageTypes...)
	c.grantTokens(in.GrantTokens)
	c.requiredEnum("signingAlgorithm", in.SigningAlgorithm, signingAlgorithms...)
	return c.err()
}

func (in *signInput) conditions(m map[string][]string) {
	m["kms:signingalgorithm"] = []string{in.SigningAlgorithm}
	m["kms:messagetype"] = []string{messageTypeOrRaw(in.MessageType)}
}

func messageTypeOrRaw(t string) string {
	if t == "" {
		return "RAW"
	}
	return t
}

func (s *Service) sign(_ context.Context, req *api.Request, in *signInput) (*signOutput, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	if err := grantTokensValid(in.GrantTokens); err != nil {
		return nil, err
	}
	digest, err := k.signing("Sign", in.SigningAlgorithm, in.Message, in.MessageType)
	if err != nil {
		return nil, err
	}
	if err := s.usable(k); err != nil {
		return nil, err
	}
	if in.DryRun {
		return nil, errDryRun()
	}
	sig, serr := signDigest(k.private, in.SigningAlgorithm, digest)
	if serr != nil {
		return nil, serr
	}
	return &signOutput{KeyId: k.ARN, Signature: sig, SigningAlgorithm: in.SigningAlgorithm}, nil
}

func signDigest(priv crypto.Signer, algorithm string, digest []byte) ([]byte, error) {
	h := signingHash(algorithm)
	switch p := priv.(type) {
	case *rsa.PrivateKey:
		if strings.HasPrefix(algorithm, "RSASSA_PSS_") {
			return rsa.SignPSS(rand.Reader, p, h, digest, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash})
		}
		return rsa.SignPKCS1v15(rand.Reader, p, h, digest)
	case *ecdsa.PrivateKey:
		return ecdsa.SignASN1(rand.Reader, p, digest)
	}
	return nil, errors.New("kms: a key pair of an unknown type")
}

func verifyDigest(pub crypto.PublicKey, algorithm string, digest, sig []byte) bool {
	h := signingHash(algorithm)
	switch p := pub.(type) {
	case *rsa.PublicKey:
		if strings.HasPrefix(algorithm, "RSASSA_PSS_") {
			return rsa.VerifyPSS(p, h, digest, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) == nil
		}
		return rsa.VerifyPKCS1v15(p, h, digest, sig) == nil
	case *ecdsa.PublicKey:
		return ecdsa.VerifyASN1(p, digest, sig)
	}
	return false
}

func (in *verifyInput) keyID() string { return in.KeyId }

func (in *verifyInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	c.blob("message", in.Message, 1, maxSignMessage)
	c.enum("messageType", in.MessageType, messageTypes...)
	c.blob("signature", in.Signature, 1, 6144)
	c.requiredEnum("signingAlgorithm", in.SigningAlgorithm, signingAlgorithms...)
	c.grantTokens(in.GrantTokens)
	return c.err()
}

func (in *verifyInput) conditions(m map[string][]string) {
	m["kms:signingalgorithm"] = []string{in.SigningAlgorithm}
	m["kms:messagetype"] = []string{messageTypeOrRaw(in.MessageType)}
}

// verify answers SignatureValid true, or KMSInvalidSignatureException:
// KMS never answers false.
// https://docs.aws.amazon.com/kms/latest/APIReference/API_Verify.html
func (s *Service) verify(_ context.Context, req *api.Request, in *verifyInput) (*verifyOutput, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	if err := grantTokensValid(in.GrantTokens); err != nil {
		return nil, err
	}
	digest, err := k.signing("Verify", in.SigningAlgorithm, in.Message, in.MessageType)
	if err != nil {
		return nil, err
	}
	if err := s.usable(k); err != nil {
		return nil, err
	}
	if in.DryRun {
		return nil, errDryRun()
	}
	if !verifyDigest(k.private.Public(), in.SigningAlgorithm, digest, in.Signature) {
		return nil, errInvalidSignature()
	}
	return &verifyOutput{KeyId: k.ARN, SignatureValid: true, SigningAlgorithm: in.SigningAlgorithm}, nil
}

func (in *getPublicKeyInput) keyID() string { return in.KeyId }

func (in *getPublicKeyInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	c.grantTokens(in.GrantTokens)
	return c.err()
}

// getPublicKey returns an asymmetric key's public key; symmetric and HMAC
// keys have none.
func (s *Service) getPublicKey(_ context.Context, req *api.Request, in *getPublicKeyInput) (*getPublicKeyOutput, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	if err := grantTokensValid(in.GrantTokens); err != nil {
		return nil, err
	}
	if k.private == nil {
		return nil, errUnsupported(k.ARN + " key KeySpec is " + k.spec + " which is not valid for GetPublicKey.")
	}
	if err := s.usable(k); err != nil {
		return nil, err
	}
	out := &getPublicKeyOutput{KeyId: k.ARN, PublicKey: publicKeyDER(k.private), CustomerMasterKeySpec: k.spec,
		KeySpec: k.spec, KeyUsage: k.usage}
	if k.usage == usageSign {
		out.SigningAlgorithms = slices.Clone(keySpecsMade[k.spec].signing)
	} else {
		out.EncryptionAlgorithms = slices.Clone(keySpecsMade[k.spec].encryption)
	}
	return out, nil
}
