package kms

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"slices"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// Key specs and key usages: what key material a key has and what it may
// do with it. A key's spec and usage are set when it is made and never
// change.
// https://docs.aws.amazon.com/kms/latest/developerguide/symm-asymm-choose-key-spec.html

// Key usages.
const (
	usageEncrypt = "ENCRYPT_DECRYPT"
	usageSign    = "SIGN_VERIFY"
	usageMAC     = "GENERATE_VERIFY_MAC"
)

const specSymmetric = "SYMMETRIC_DEFAULT"

// keySpec is one key spec ferry makes keys of.
type keySpec struct {
	usages     []string // the KeyUsage values a key of the spec may have
	encryption []string // EncryptionAlgorithms, for usage ENCRYPT_DECRYPT
	signing    []string // SigningAlgorithms, for usage SIGN_VERIFY
	mac        []string // MacAlgorithms
	// generate makes new key material: an AES-256 key, an HMAC key, or a
	// private key in PKCS #8 DER.
	generate func() []byte
}

var (
	rsaEncryption = []string{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}
	rsaSigning    = []string{"RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
		"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"}
)

// keySpecsMade are the specs ferry makes keys of; the model's others
// (ECC_SECG_P256K1, whose curve Go's standard library does not have, SM2,
// ML-DSA, Ed25519) are refused with UnsupportedOperationException.
var keySpecsMade = map[string]keySpec{
	specSymmetric: {usages: []string{usageEncrypt}, encryption: []string{specSymmetric}, generate: newMaterial},
	"RSA_2048":    {usages: []string{usageEncrypt, usageSign}, encryption: rsaEncryption, signing: rsaSigning, generate: rsaGenerator(2048)},
	"RSA_3072":    {usages: []string{usageEncrypt, usageSign}, encryption: rsaEncryption, signing: rsaSigning, generate: rsaGenerator(3072)},
	"RSA_4096":    {usages: []string{usageEncrypt, usageSign}, encryption: rsaEncryption, signing: rsaSigning, generate: rsaGenerator(4096)},
	"ECC_NIST_P256": {usages: []string{usageSign}, signing: []string{"ECDSA_SHA_256"},
		generate: ecdsaGenerator(elliptic.P256())},
	"ECC_NIST_P384": {usages: []string{usageSign}, signing: []string{"ECDSA_SHA_384"},
		generate: ecdsaGenerator(elliptic.P384())},
	"ECC_NIST_P521": {usages: []string{usageSign}, signing: []string{"ECDSA_SHA_512"},
		generate: ecdsaGenerator(elliptic.P521())},
	"HMAC_224": {usages: []string{usageMAC}, mac: []string{"HMAC_SHA_224"}, generate: randomBytes(28)},
	"HMAC_256": {usages: []string{usageMAC}, mac: []string{"HMAC_SHA_256"}, generate: randomBytes(32)},
	"HMAC_384": {usages: []string{usageMAC}, mac: []string{"HMAC_SHA_384"}, generate: randomBytes(48)},
	"HMAC_512": {usages: []string{usageMAC}, mac: []string{"HMAC_SHA_512"}, generate: randomBytes(64)},
}

// validUsages are the usages AWS allows for each spec it has, including
// the ones ferry refuses to make (KEY_AGREEMENT, ECC_SECG_P256K1 and the
// rest), so that an impossible combination gets AWS's ValidationException
// before an unsupported one gets UnsupportedOperationException; nil for a
// spec ferry knows no more of (ML-KEM).
// https://docs.aws.amazon.com/kms/latest/APIReference/API_CreateKey.html#KMS-CreateKey-request-KeyUsage
func validUsages(spec string) []string {
	switch spec {
	case "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521":
		return []string{usageSign, "KEY_AGREEMENT"}
	case "ECC_SECG_P256K1", "ECC_NIST_EDWARDS25519", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87":
		return []string{usageSign}
	case "SM2":
		return []string{usageEncrypt, usageSign, "KEY_AGREEMENT"}
	}
	if ks, ok := keySpecsMade[spec]; ok {
		return ks.usages
	}
	return nil
}

// keySpecAndUsage checks CreateKey's spec and usage: a spec other than
// SYMMETRIC_DEFAULT needs a KeyUsage, which must be one AWS allows for the
// spec, and ferry must make keys of the pair.
func keySpecAndUsage(spec, usage string) (string, string, *api.Error) {
	if spec == "" {
		spec = specSymmetric
	}
	if usage == "" {
		if spec != specSymmetric {
			return "", "", errValidation("You must specify a KeyUsage value for all KMS keys except symmetric encryption keys. KeySpec " + spec + " requires a KeyUsage.")
		}
		usage = usageEncrypt
	}
	if valid := validUsages(spec); valid != nil && !slices.Contains(valid, usage) {
		return "", "", errValidation("KeyUsage " + usage + " is not compatible with KeySpec " + spec)
	}
	ks, ok := keySpecsMade[spec]
	switch {
	case !ok && spec == "ECC_SECG_P256K1":
		return "", "", errUnsupported("KeySpec ECC_SECG_P256K1 is not supported: ferry makes keys with Go's standard library, which has no secp256k1 curve.")
	case !ok:
		return "", "", errUnsupported("KeySpec " + spec + " is not supported.")
	case !slices.Contains(ks.usages, usage):
		return "", "", errUnsupported("KeyUsage " + usage + " is not supported.")
	}
	return spec, usage, nil
}

func rsaGenerator(bits int) func() []byte {
	return func() []byte {
		priv, err := rsa.GenerateKey(rand.Reader, bits)
		if err != nil {
			panic("kms: generating an RSA key: " + err.Error())
		}
		return marshalPrivate(priv)
	}
}

func ecdsaGenerator(curve elliptic.Curve) func() []byte {
	return func() []byte {
		priv, err := ecdsa.GenerateKey(curve, rand.Reader)
		if err != nil {
			panic("kms: generating an ECDSA key: " + err.Error())
		}
		return marshalPrivate(priv)
	}
}

func randomBytes(n int) func() []byte {
	return func() []byte {
		b := make([]byte, n)
		rand.Read(b)
		return b
	}
}

func marshalPrivate(priv crypto.Signer) []byte {
	der, err := x509.MarshalPKCS8PrivateKey(priv)
	if err != nil {
		panic("kms: encoding a private key: " + err.Error())
	}
	return der
}

// asymmetric reports whether a key spec is an RSA or elliptic curve key
// pair.
func asymmetric(spec string) bool {
	return spec != specSymmetric && !slices.Contains(keySpecsMade[spec].usages, usageMAC)
}

// parsePrivate reads an asymmetric key's material.
func parsePrivate(der []byte) (crypto.Signer, error) {
	k, err := x509.ParsePKCS8PrivateKey(der)
	if err != nil {
		return nil, err
	}
	return k.(crypto.Signer), nil
}

// publicKeyDER is a key pair's public key as a DER-encoded
// SubjectPublicKeyInfo (RFC 5280), as GetPublicKey returns it.
func publicKeyDER(priv crypto.Signer) []byte {
	der, err := x509.MarshalPKIXPublicKey(priv.Public())
	if err != nil {
		panic("kms: encoding a public key: " + err.Error())
	}
	return der
}

// The checks the cryptographic operations share. Each is worded as KMS
// words it; call them with the key's spec and usage, which never change.

// needUsage refuses an operation on a key of another usage.
func (k *Key) needUsage(usage, operation string) *api.Error {
	if k.usage != usage {
		return errInvalidKeyUsage(k.ARN + " key usage is " + k.usage + " which is not valid for " + operation + ".")
	}
	return nil
}

// needSymmetric refuses GenerateDataKey and its kind on an asymmetric
// encryption key.
func (k *Key) needSymmetric(operation string) *api.Error {
	if err := k.needUsage(usageEncrypt, operation); err != nil {
		return err
	}
	if k.spec != specSymmetric {
		return errInvalidKeyUsage(k.ARN + " key KeySpec is " + k.spec + " which is not valid for " + operation + ".")
	}
	return nil
}

// algorithm checks an algorithm against the ones the key's spec has.
func (k *Key) algorithm(algorithm string, supported []string) *api.Error {
	if !slices.Contains(supported, algorithm) {
		return errInvalidKeyUsage("Algorithm " + algorithm + " is incompatible with key spec " + k.spec + ".")
	}
	return nil
}

// encryptionAlgorithm is the algorithm an encryption operation uses
// (SYMMETRIC_DEFAULT when none is given), after checking the key may
// encrypt with it. Asymmetric keys take no encryption context.
func (k *Key) encryptionAlgorithm(operation, algorithm string, ec map[string]string) (string, *api.Error) {
	if err := k.needUsage(usageEncrypt, operation); err != nil {
		return "", err
	}
	if algorithm == "" {
		algorithm = specSymmetric
	}
	if err := k.algorithm(algorithm, keySpecsMade[k.spec].encryption); err != nil {
		return "", err
	}
	if k.spec != specSymmetric && len(ec) > 0 {
		return "", errValidation("EncryptionContext is not supported with asymmetric KMS keys.")
	}
	return algorithm, nil
}
