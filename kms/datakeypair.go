package kms

import (
	"context"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// Data key pairs: GenerateDataKeyPair, GenerateDataKeyPairWithoutPlaintext.
// KMS makes an RSA or elliptic curve key pair and returns its public key
// (DER SubjectPublicKeyInfo) and its private key (PKCS #8 DER) encrypted
// under a symmetric encryption key, as Encrypt would, so Decrypt returns
// it; GenerateDataKeyPair returns the private key in plaintext as well.
// https://docs.aws.amazon.com/kms/latest/APIReference/API_GenerateDataKeyPair.html

func (in *generateDataKeyPairInput) keyID() string { return in.KeyId }

func (in *generateDataKeyPairInput) encryptionContext() map[string]string {
	return in.EncryptionContext
}

func (in *generateDataKeyPairInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	c.requiredEnum("keyPairSpec", in.KeyPairSpec, dataKeyPairSpecs...)
	c.grantTokens(in.GrantTokens)
	return c.err()
}

func (in *generateDataKeyPairInput) conditions(m map[string][]string) {
	m["kms:datakeypairspec"] = []string{in.KeyPairSpec}
}

// dataKeyPair makes a key pair and encrypts its private key under the
// request's key.
func (s *Service) dataKeyPair(req *api.Request, in *generateDataKeyPairInput, operation string) (*generateDataKeyPairOutput, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	if err := grantTokensValid(in.GrantTokens); err != nil {
		return nil, err
	}
	if in.Recipient != nil {
		return nil, errUnsupported("ferry has no Nitro Enclaves: Recipient is not supported.")
	}
	if err := k.needSymmetric(operation); err != nil {
		return nil, err
	}
	spec, ok := keySpecsMade[in.KeyPairSpec]
	if !ok || !asymmetric(in.KeyPairSpec) {
		return nil, errUnsupported("KeyPairSpec " + in.KeyPairSpec + " is not supported.")
	}
	if in.DryRun {
		if err := s.usable(k); err != nil {
			return nil, err
		}
		return nil, errDryRun()
	}
	if err := s.usable(k); err != nil {
		return nil, err
	}
	private := spec.generate()
	priv, perr := parsePrivate(private)
	if perr != nil {
		return nil, perr
	}
	ct, err := s.encryptWith(k, private, in.EncryptionContext)
	if err != nil {
		return nil, err
	}
	return &generateDataKeyPairOutput{KeyId: k.ARN, KeyPairSpec: in.KeyPairSpec, PrivateKeyCiphertextBlob: ct,
		PrivateKeyPlaintext: private, PublicKey: publicKeyDER(priv)}, nil
}

func (s *Service) generateDataKeyPair(_ context.Context, req *api.Request, in *generateDataKeyPairInput) (*generateDataKeyPairOutput, error) {
	return s.dataKeyPair(req, in, "GenerateDataKeyPair")
}

func (s *Service) generateDataKeyPairWithoutPlaintext(_ context.Context, req *api.Request, in *generateDataKeyPairInput) (*generateDataKeyPairOutput, error) {
	out, err := s.dataKeyPair(req, in, "GenerateDataKeyPairWithoutPlaintext")
	if err != nil {
		return nil, err
	}
	out.PrivateKeyPlaintext = nil
	return out, nil
}
