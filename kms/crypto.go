package kms

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"strconv"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// The cryptographic operations: Encrypt, Decrypt, ReEncrypt,
// GenerateDataKey, GenerateDataKeyWithoutPlaintext, GenerateRandom. Encrypt,
// Decrypt and ReEncrypt also take RSA encryption keys (RSAES_OAEP_SHA_1,
// RSAES_OAEP_SHA_256; no encryption context); the data key operations take
// symmetric encryption keys only. Each needs an enabled key (a disabled
// one answers DisabledException, one pending deletion
// KMSInvalidStateException) and binds the encryption context, which
// Decrypt must repeat exactly (pairs in any order).
// https://docs.aws.amazon.com/kms/latest/developerguide/encrypt_context.html

// maxPlaintext is the most Encrypt takes; GenerateDataKey's limit is
// NumberOfBytes's, 1024.
const maxPlaintext = 4096

// encryptWith seals plaintext with the key's current material, if the key
// is enabled.
func (s *Service) encryptWith(k *Key, plaintext []byte, ec map[string]string) ([]byte, *api.Error) {
	s.mu.RLock()
	if err := k.usable(); err != nil {
		s.mu.RUnlock()
		return nil, err
	}
	version := uint32(len(k.materials) - 1)
	material := k.materials[version]
	s.mu.RUnlock()
	return seal(k.ARN, version, material, plaintext, ec), nil
}

// decryptWith opens a blob of the key's, if the key is enabled.
func (s *Service) decryptWith(k *Key, b blob, ec map[string]string) ([]byte, *api.Error) {
	s.mu.RLock()
	if err := k.usable(); err != nil {
		s.mu.RUnlock()
		return nil, err
	}
	var material []byte
	if int64(b.material) < int64(len(k.materials)) {
		material = k.materials[b.material]
	}
	s.mu.RUnlock()
	if material == nil {
		return nil, errInvalidCiphertext()
	}
	plaintext, ok := b.open(material, ec)
	if !ok {
		return nil, errInvalidCiphertext()
	}
	return plaintext, nil
}

func (in *EncryptInput) keyID() string { return in.KeyId }

func (in *EncryptInput) encryptionContext() map[string]string { return in.EncryptionContext }

func (in *EncryptInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	c.blob("plaintext", in.Plaintext, 1, maxPlaintext)
	c.grantTokens(in.GrantTokens)
	c.encryptionAlgorithm("encryptionAlgorithm", in.EncryptionAlgorithm)
	return c.err()
}

func (s *Service) encrypt(_ context.Context, req *api.Request, in *EncryptInput) (*EncryptOutput, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	if err := grantTokensValid(in.GrantTokens); err != nil {
		return nil, err
	}
	alg, err := k.encryptionAlgorithm("Encrypt", in.EncryptionAlgorithm, in.EncryptionContext)
	if err != nil {
		return nil, err
	}
	if in.DryRun {
		if err := s.usable(k); err != nil {
			return nil, err
		}
		return nil, errDryRun()
	}
	ct, err := s.encryptUnder(k, alg, in.Plaintext, in.EncryptionContext)
	if err != nil {
		return nil, err
	}
	return &EncryptOutput{CiphertextBlob: ct, KeyId: k.ARN, EncryptionAlgorithm: alg}, nil
}

// encryptUnder encrypts with a key the algorithm was checked against:
// ferry's blob for a symmetric key, RSAES-OAEP (with an empty label, as
// AWS uses it) for an RSA key.
func (s *Service) encryptUnder(k *Key, algorithm string, plaintext []byte, ec map[string]string) ([]byte, *api.Error) {
	if k.spec == specSymmetric {
		return s.encryptWith(k, plaintext, ec)
	}
	if err := s.usable(k); err != nil {
		return nil, err
	}
	pub := k.private.Public().(*rsa.PublicKey)
	h := oaepHash(algorithm)
	if limit := pub.Size() - 2*h.Size() - 2; len(plaintext) > limit {
		return nil, errValidation("Plaintext is too long for " + algorithm + " with key spec " + k.spec +
			": the most it takes is " + strconv.Itoa(limit) + " bytes.")
	}
	ct, err := rsa.EncryptOAEP(h.New(), rand.Reader, pub, plaintext, nil)
	if err != nil {
		return nil, api.AsError(err)
	}
	return ct, nil
}

// decryptUnder decrypts what encryptUnder made, or what was encrypted
// outside with the public key of an RSA key.
func (s *Service) decryptUnder(p *decryptPlan, algorithm string, ec map[string]string) ([]byte, *api.Error) {
	if p.key.spec == specSymmetric {
		return s.decryptWith(p.key, p.blob, ec)
	}
	if err := s.usable(p.key); err != nil {
		return nil, err
	}
	plaintext, err := rsa.DecryptOAEP(oaepHash(algorithm).New(), nil, p.key.private.(*rsa.PrivateKey), p.raw, nil)
	if err != nil {
		return nil, errInvalidCiphertext()
	}
	return plaintext, nil
}

func oaepHash(algorithm string) crypto.Hash {
	if algorithm == "RSAES_OAEP_SHA_1" {
		return crypto.SHA1
	}
	return crypto.SHA256
}

// usable is the key's state error for a cryptographic operation, if any.
func (s *Service) usable(k *Key) *api.Error {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return k.usable()
}

func firstError(errs ...*api.Error) *api.Error {
	for _, e := range errs {
		if e != nil {
			return e
		}
	}
	return nil
}

func (in *DecryptInput) validate() *api.Error {
	var c check
	c.blob("ciphertextBlob", in.CiphertextBlob, 1, 6144)
	c.grantTokens(in.GrantTokens)
	c.optionalKeyID("keyId", in.KeyId)
	c.encryptionAlgorithm("encryptionAlgorithm", in.EncryptionAlgorithm)
	return c.err()
}

// decryptPlan is what Decrypt acts on: the parsed blob and its key, or,
// for an asymmetric key, the raw ciphertext.
type decryptPlan struct {
	key  *Key
	blob blob
	raw  []byte
}

// ciphertextKey finds the key a ciphertext names. A blob that is not one
// is InvalidCiphertextException; one naming a key that does not exist in
// the request's region (any more) gets KMS's access-denied answer. KeyId,
// when given, must name that same key (IncorrectKeyException). A
// ciphertext of an asymmetric key names no key: KeyId must.
func (s *Service) ciphertextKey(req *api.Request, ct []byte, keyID string) (decryptPlan, *api.Error) {
	b, ok := parseCiphertext(ct)
	if !ok {
		if keyID == "" {
			return decryptPlan{}, errInvalidCiphertext()
		}
		named, err := s.findKey(req, keyID)
		if err != nil {
			return decryptPlan{}, err
		}
		if named.spec == specSymmetric {
			return decryptPlan{}, errInvalidCiphertext()
		}
		return decryptPlan{key: named, raw: ct}, nil
	}
	ref, err := parseKeyRef(req, b.keyARN)
	if err != nil || ref.id == "" || ref.region != req.Region {
		return decryptPlan{}, errMissingKey()
	}
	k, err := s.findRef(ref)
	if err != nil {
		return decryptPlan{}, errMissingKey()
	}
	if keyID != "" {
		named, err := s.findKey(req, keyID)
		if err != nil {
			return decryptPlan{}, err
		}
		if named != k {
			return decryptPlan{}, errIncorrectKey()
		}
	}
	return decryptPlan{key: k, blob: b}, nil
}

func (s *Service) prepareDecrypt(req *api.Request, in *DecryptInput) (*decryptPlan, *api.Error) {
	if p, ok := req.Resolved.(*decryptPlan); ok {
		return p, nil
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	p, err := s.ciphertextKey(req, in.CiphertextBlob, in.KeyId)
	if err != nil {
		return nil, err
	}
	return &p, nil
}

// decrypt takes its key from the ciphertext; authorization asks about
// that key, whatever KeyId says.
func (s *Service) decrypt(_ context.Context, req *api.Request, in *DecryptInput) (*DecryptOutput, error) {
	p, err := s.prepareDecrypt(req, in)
	if err != nil {
		return nil, err
	}
	if err := grantTokensValid(in.GrantTokens); err != nil {
		return nil, err
	}
	alg, err := p.key.encryptionAlgorithm("Decrypt", in.EncryptionAlgorithm, in.EncryptionContext)
	if err != nil {
		return nil, err
	}
	plaintext, err := s.decryptUnder(p, alg, in.EncryptionContext)
	if err != nil {
		return nil, err
	}
	if in.DryRun {
		return nil, errDryRun()
	}
	return &DecryptOutput{KeyId: p.key.ARN, Plaintext: plaintext, EncryptionAlgorithm: alg}, nil
}

func (in *reEncryptInput) validate() *api.Error {
	var c check
	c.blob("ciphertextBlob", in.CiphertextBlob, 1, 6144)
	c.optionalKeyID("sourceKeyId", in.SourceKeyId)
	c.keyID("destinationKeyId", in.DestinationKeyId)
	c.encryptionAlgorithm("sourceEncryptionAlgorithm", in.SourceEncryptionAlgorithm)
	c.encryptionAlgorithm("destinationEncryptionAlgorithm", in.DestinationEncryptionAlgorithm)
	c.grantTokens(in.GrantTokens)
	return c.err()
}

// reEncryptPlan is what ReEncrypt acts on: the source blob and key, and
// the destination key.
type reEncryptPlan struct {
	decryptPlan
	dest *Key
}

func (s *Service) prepareReEncrypt(req *api.Request, in *reEncryptInput) (*reEncryptPlan, *api.Error) {
	if p, ok := req.Resolved.(*reEncryptPlan); ok {
		return p, nil
	}
	if err := in.validate(); err != nil {
		return nil, err
	}
	src, err := s.ciphertextKey(req, in.CiphertextBlob, in.SourceKeyId)
	if err != nil {
		return nil, err
	}
	dest, err := s.findKey(req, in.DestinationKeyId)
	if err != nil {
		return nil, err
	}
	return &reEncryptPlan{decryptPlan: src, dest: dest}, nil
}

// reEncrypt decrypts under the source key and encrypts under the
// destination key without showing the plaintext; it needs
// kms:ReEncryptFrom on the source and kms:ReEncryptTo on the destination.
func (s *Service) reEncrypt(_ context.Context, req *api.Request, in *reEncryptInput) (*reEncryptOutput, error) {
	p, err := s.prepareReEncrypt(req, in)
	if err != nil {
		return nil, err
	}
	if err := grantTokensValid(in.GrantTokens); err != nil {
		return nil, err
	}
	srcAlg, err := p.key.encryptionAlgorithm("ReEncrypt", in.SourceEncryptionAlgorithm, in.SourceEncryptionContext)
	if err != nil {
		return nil, err
	}
	destAlg, err := p.dest.encryptionAlgorithm("ReEncrypt", in.DestinationEncryptionAlgorithm, in.DestinationEncryptionContext)
	if err != nil {
		return nil, err
	}
	plaintext, err := s.decryptUnder(&p.decryptPlan, srcAlg, in.SourceEncryptionContext)
	if err != nil {
		return nil, err
	}
	if err := s.usable(p.dest); err != nil {
		return nil, err
	}
	if in.DryRun {
		return nil, errDryRun()
	}
	ct, err := s.encryptUnder(p.dest, destAlg, plaintext, in.DestinationEncryptionContext)
	if err != nil {
		return nil, err
	}
	return &reEncryptOutput{
		CiphertextBlob: ct, SourceKeyId: p.key.ARN, KeyId: p.dest.ARN,
		SourceEncryptionAlgorithm: srcAlg, DestinationEncryptionAlgorithm: destAlg,
	}, nil
}

func (in *GenerateDataKeyInput) keyID() string { return in.KeyId }

func (in *GenerateDataKeyInput) encryptionContext() map[string]string { return in.EncryptionContext }

func (in *GenerateDataKeyInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	c.intRange("numberOfBytes", in.NumberOfBytes, 1, 1024)
	c.enum("keySpec", in.KeySpec, dataKeySpecs...)
	c.grantTokens(in.GrantTokens)
	if e := c.err(); e != nil {
		return e
	}
	if (in.KeySpec == "") == (in.NumberOfBytes == nil) {
		return errValidation("Please specify either number of bytes or key spec.")
	}
	return nil
}

// size is the data key's length in bytes.
func (in *GenerateDataKeyInput) size() int {
	switch {
	case in.NumberOfBytes != nil:
		return int(*in.NumberOfBytes)
	case in.KeySpec == "AES_128":
		return 16
	}
	return 32
}

// dataKey makes a data key and its encrypted copy.
func (s *Service) dataKey(req *api.Request, in *GenerateDataKeyInput, operation string) (*Key, []byte, []byte, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, nil, nil, err
	}
	if err := firstError(grantTokensValid(in.GrantTokens), k.needSymmetric(operation)); err != nil {
		return nil, nil, nil, err
	}
	if in.DryRun {
		if err := s.usable(k); err != nil {
			return nil, nil, nil, err
		}
		return nil, nil, nil, errDryRun()
	}
	plaintext := make([]byte, in.size())
	rand.Read(plaintext)
	ct, err := s.encryptWith(k, plaintext, in.EncryptionContext)
	if err != nil {
		return nil, nil, nil, err
	}
	return k, plaintext, ct, nil
}

func (s *Service) generateDataKey(_ context.Context, req *api.Request, in *GenerateDataKeyInput) (*GenerateDataKeyOutput, error) {
	k, plaintext, ct, err := s.dataKey(req, in, "GenerateDataKey")
	if err != nil {
		return nil, err
	}
	return &GenerateDataKeyOutput{CiphertextBlob: ct, Plaintext: plaintext, KeyId: k.ARN}, nil
}

func (s *Service) generateDataKeyWithoutPlaintext(_ context.Context, req *api.Request, in *GenerateDataKeyInput) (*generateDataKeyWithoutPlaintextOutput, error) {
	k, _, ct, err := s.dataKey(req, in, "GenerateDataKeyWithoutPlaintext")
	if err != nil {
		return nil, err
	}
	return &generateDataKeyWithoutPlaintextOutput{CiphertextBlob: ct, KeyId: k.ARN}, nil
}

func (in *generateRandomInput) validate() *api.Error {
	var c check
	if in.NumberOfBytes == nil {
		c.v.Missing("numberOfBytes")
	}
	c.intRange("numberOfBytes", in.NumberOfBytes, 1, 1024)
	if e := c.err(); e != nil {
		return e
	}
	if in.CustomKeyStoreId != "" {
		return errUnsupported("ferry has no custom key stores.")
	}
	return nil
}

func (s *Service) generateRandom(_ context.Context, _ *api.Request, in *generateRandomInput) (*generateRandomOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	b := make([]byte, *in.NumberOfBytes)
	rand.Read(b)
	return &generateRandomOutput{Plaintext: b}, nil
}
