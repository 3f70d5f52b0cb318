package kms_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"slices"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// Asymmetric and HMAC keys through the SDK: what ferry signs verifies with
// the standard library against GetPublicKey's key, what the standard
// library encrypts with it decrypts through KMS, and every refusal is
// KMS's.

// newSpecKey creates a key of a spec and usage.
func newSpecKey(t *testing.T, c *kms.Client, spec types.KeySpec, usage types.KeyUsageType) *types.KeyMetadata {
	t.Helper()
	out, err := c.CreateKey(ctxT(t), &kms.CreateKeyInput{KeySpec: spec, KeyUsage: usage})
	if err != nil {
		t.Fatalf("CreateKey %s %s: %v", spec, usage, err)
	}
	return out.KeyMetadata
}

// publicKey is a key's public key from GetPublicKey, parsed by the
// standard library.
func publicKey(t *testing.T, c *kms.Client, keyID string) (crypto.PublicKey, *kms.GetPublicKeyOutput) {
	t.Helper()
	out, err := c.GetPublicKey(ctxT(t), &kms.GetPublicKeyInput{KeyId: aws.String(keyID)})
	if err != nil {
		t.Fatalf("GetPublicKey: %v", err)
	}
	pub, err := x509.ParsePKIXPublicKey(out.PublicKey)
	if err != nil {
		t.Fatalf("GetPublicKey's key is not a DER SubjectPublicKeyInfo: %v", err)
	}
	return pub, out
}

func hashOf(alg types.SigningAlgorithmSpec) crypto.Hash {
	switch {
	case strings.HasSuffix(string(alg), "384"):
		return crypto.SHA384
	case strings.HasSuffix(string(alg), "512"):
		return crypto.SHA512
	}
	return crypto.SHA256
}

func digest(h crypto.Hash, msg []byte) []byte {
	d := h.New()
	d.Write(msg)
	return d.Sum(nil)
}

// verifyLocally checks a signature with the standard library alone.
func verifyLocally(pub crypto.PublicKey, alg types.SigningAlgorithmSpec, msg, sig []byte) bool {
	h := hashOf(alg)
	d := digest(h, msg)
	switch p := pub.(type) {
	case *rsa.PublicKey:
		if strings.HasPrefix(string(alg), "RSASSA_PSS") {
			return rsa.VerifyPSS(p, h, d, sig, &rsa.PSSOptions{SaltLength: rsa.PSSSaltLengthEqualsHash}) == nil
		}
		return rsa.VerifyPKCS1v15(p, h, d, sig) == nil
	case *ecdsa.PublicKey:
		return ecdsa.VerifyASN1(p, d, sig)
	}
	return false
}

func TestCreateKeySpecsAndUsages(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	for _, tc := range []struct {
		spec    types.KeySpec
		usage   types.KeyUsageType
		enc     []types.EncryptionAlgorithmSpec
		signing []types.SigningAlgorithmSpec
		mac     []types.MacAlgorithmSpec
	}{
		{types.KeySpecSymmetricDefault, types.KeyUsageTypeEncryptDecrypt, []types.EncryptionAlgorithmSpec{"SYMMETRIC_DEFAULT"}, nil, nil},
		{types.KeySpecRsa2048, types.KeyUsageTypeEncryptDecrypt, []types.EncryptionAlgorithmSpec{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}, nil, nil},
		{types.KeySpecRsa2048, types.KeyUsageTypeSignVerify, nil, []types.SigningAlgorithmSpec{"RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384",
			"RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"}, nil},
		{types.KeySpecEccNistP256, types.KeyUsageTypeSignVerify, nil, []types.SigningAlgorithmSpec{"ECDSA_SHA_256"}, nil},
		{types.KeySpecEccNistP521, types.KeyUsageTypeSignVerify, nil, []types.SigningAlgorithmSpec{"ECDSA_SHA_512"}, nil},
		{types.KeySpecHmac224, types.KeyUsageTypeGenerateVerifyMac, nil, nil, []types.MacAlgorithmSpec{"HMAC_SHA_224"}},
		{types.KeySpecHmac512, types.KeyUsageTypeGenerateVerifyMac, nil, nil, []types.MacAlgorithmSpec{"HMAC_SHA_512"}},
	} {
		k := newSpecKey(t, c, tc.spec, tc.usage)
		d, err := c.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: k.KeyId})
		if err != nil {
			t.Fatal(err)
		}
		m := d.KeyMetadata
		//lint:ignore SA1019 the deprecated member is still sent, as KMS sends it
		cmks := string(m.CustomerMasterKeySpec)
		if m.KeySpec != tc.spec || cmks != string(tc.spec) || m.KeyUsage != tc.usage ||
			!slices.Equal(m.EncryptionAlgorithms, tc.enc) || !slices.Equal(m.SigningAlgorithms, tc.signing) ||
			!slices.Equal(m.MacAlgorithms, tc.mac) {
			t.Errorf("%s %s: DescribeKey says %s %s %v %v %v", tc.spec, tc.usage, m.KeySpec, m.KeyUsage,
				m.EncryptionAlgorithms, m.SigningAlgorithms, m.MacAlgorithms)
		}
	}
	for _, tc := range []struct {
		spec  types.KeySpec
		usage types.KeyUsageType
		code  string
		msg   string
	}{
		{types.KeySpecEccNistP256, types.KeyUsageTypeEncryptDecrypt, "ValidationException", "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec ECC_NIST_P256"},
		{types.KeySpecHmac256, types.KeyUsageTypeSignVerify, "ValidationException", "KeyUsage SIGN_VERIFY is not compatible with KeySpec HMAC_256"},
		{types.KeySpecRsa2048, types.KeyUsageTypeGenerateVerifyMac, "ValidationException", "KeyUsage GENERATE_VERIFY_MAC is not compatible with KeySpec RSA_2048"},
		{"", types.KeyUsageTypeSignVerify, "ValidationException", "KeyUsage SIGN_VERIFY is not compatible with KeySpec SYMMETRIC_DEFAULT"},
		{types.KeySpecRsa2048, "", "ValidationException", "You must specify a KeyUsage value"},
		{types.KeySpecEccSecgP256k1, types.KeyUsageTypeSignVerify, "UnsupportedOperationException", "ECC_SECG_P256K1"},
		{types.KeySpecEccSecgP256k1, types.KeyUsageTypeEncryptDecrypt, "ValidationException", "KeyUsage ENCRYPT_DECRYPT is not compatible with KeySpec ECC_SECG_P256K1"},
	} {
		_, err := c.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: tc.spec, KeyUsage: tc.usage})
		wantError(t, err, tc.code, tc.msg)
	}
}

// Every spec and algorithm: the SDK's Verify accepts what Sign made, the
// standard library does too with GetPublicKey's key, and a changed
// message or signature is KMSInvalidSignatureException (KMS never answers
// SignatureValid false).
func TestSignVerifyEverySpecAndAlgorithm(t *testing.T) {
	_, c := setup(t)
	rsaAlgs := []types.SigningAlgorithmSpec{"RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512",
		"RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512"}
	for _, tc := range []struct {
		spec types.KeySpec
		algs []types.SigningAlgorithmSpec
	}{
		{types.KeySpecRsa2048, rsaAlgs},
		{types.KeySpecRsa3072, rsaAlgs[:1]},
		{types.KeySpecRsa4096, rsaAlgs[3:4]},
		{types.KeySpecEccNistP256, []types.SigningAlgorithmSpec{"ECDSA_SHA_256"}},
		{types.KeySpecEccNistP384, []types.SigningAlgorithmSpec{"ECDSA_SHA_384"}},
		{types.KeySpecEccNistP521, []types.SigningAlgorithmSpec{"ECDSA_SHA_512"}},
	} {
		t.Run(string(tc.spec), func(t *testing.T) {
			t.Parallel()
			ctx := ctxT(t)
			k := newSpecKey(t, c, tc.spec, types.KeyUsageTypeSignVerify)
			pub, gp := publicKey(t, c, *k.KeyId)
			if gp.KeySpec != tc.spec || gp.KeyUsage != types.KeyUsageTypeSignVerify || aws.ToString(gp.KeyId) != *k.Arn ||
				len(gp.SigningAlgorithms) == 0 || gp.EncryptionAlgorithms != nil {
				t.Fatalf("GetPublicKey: %+v", gp)
			}
			msg := []byte("the message to sign")
			for _, alg := range tc.algs {
				for _, mt := range []types.MessageType{"", types.MessageTypeRaw, types.MessageTypeDigest} {
					m := msg
					if mt == types.MessageTypeDigest {
						m = digest(hashOf(alg), msg)
					}
					s, err := c.Sign(ctx, &kms.SignInput{KeyId: k.KeyId, Message: m, MessageType: mt, SigningAlgorithm: alg})
					if err != nil {
						t.Fatalf("%s %s: Sign: %v", alg, mt, err)
					}
					if s.SigningAlgorithm != alg || aws.ToString(s.KeyId) != *k.Arn {
						t.Fatalf("%s %s: Sign answered %+v", alg, mt, s)
					}
					if !verifyLocally(pub, alg, msg, s.Signature) {
						t.Fatalf("%s %s: the standard library does not verify the signature", alg, mt)
					}
					// A signature of the message verifies as one of its digest,
					// and the reverse.
					for _, vt := range []types.MessageType{types.MessageTypeRaw, types.MessageTypeDigest} {
						vm := msg
						if vt == types.MessageTypeDigest {
							vm = digest(hashOf(alg), msg)
						}
						v, err := c.Verify(ctx, &kms.VerifyInput{KeyId: k.KeyId, Message: vm, MessageType: vt, Signature: s.Signature, SigningAlgorithm: alg})
						if err != nil || !v.SignatureValid || v.SigningAlgorithm != alg {
							t.Fatalf("%s signed as %s, verified as %s: %+v %v", alg, mt, vt, v, err)
						}
					}
				}
				s, err := c.Sign(ctx, &kms.SignInput{KeyId: k.KeyId, Message: msg, SigningAlgorithm: alg})
				if err != nil {
					t.Fatal(err)
				}
				_, err = c.Verify(ctx, &kms.VerifyInput{KeyId: k.KeyId, Message: []byte("the message to sigN"), Signature: s.Signature, SigningAlgorithm: alg})
				wantError(t, err, "KMSInvalidSignatureException", "")
				_, err = c.Verify(ctx, &kms.VerifyInput{KeyId: k.KeyId, Message: msg, Signature: flip(s.Signature, len(s.Signature)/2), SigningAlgorithm: alg})
				wantError(t, err, "KMSInvalidSignatureException", "")
				// A digest signed as a raw message is hashed twice.
				_, err = c.Verify(ctx, &kms.VerifyInput{KeyId: k.KeyId, Message: digest(hashOf(alg), msg), Signature: s.Signature, SigningAlgorithm: alg})
				wantError(t, err, "KMSInvalidSignatureException", "")
				_, err = c.Sign(ctx, &kms.SignInput{KeyId: k.KeyId, Message: msg[:7], MessageType: types.MessageTypeDigest, SigningAlgorithm: alg})
				wantError(t, err, "ValidationException", "Digest is invalid length for algorithm "+string(alg)+".")
			}
			wrong := types.SigningAlgorithmSpecEcdsaSha256
			if strings.HasPrefix(string(tc.spec), "ECC") {
				wrong = types.SigningAlgorithmSpecRsassaPssSha256
				if tc.spec != types.KeySpecEccNistP256 {
					wrong = types.SigningAlgorithmSpecEcdsaSha256
				}
			}
			_, err := c.Sign(ctx, &kms.SignInput{KeyId: k.KeyId, Message: msg, SigningAlgorithm: wrong})
			wantError(t, err, "InvalidKeyUsageException", "Algorithm "+string(wrong)+" is incompatible with key spec "+string(tc.spec)+".")
		})
	}
}

func TestSignLimits(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	k := newSpecKey(t, c, types.KeySpecEccNistP256, types.KeyUsageTypeSignVerify)
	if _, err := c.Sign(ctx, &kms.SignInput{KeyId: k.KeyId, Message: make([]byte, 4096), SigningAlgorithm: "ECDSA_SHA_256"}); err != nil {
		t.Fatalf("4096 bytes: %v", err)
	}
	_, err := c.Sign(ctx, &kms.SignInput{KeyId: k.KeyId, Message: make([]byte, 4097), SigningAlgorithm: "ECDSA_SHA_256"})
	wantError(t, err, "ValidationException", "at 'message' failed to satisfy constraint: Member must have length less than or equal to 4096")
	_, err = c.Sign(ctx, &kms.SignInput{KeyId: k.KeyId, Message: []byte("m"), SigningAlgorithm: "ECDSA_SHA_256", DryRun: aws.Bool(true)})
	wantError(t, err, "DryRunOperationException", "would have succeeded")
	if _, err := c.DisableKey(ctx, &kms.DisableKeyInput{KeyId: k.KeyId}); err != nil {
		t.Fatal(err)
	}
	_, err = c.Sign(ctx, &kms.SignInput{KeyId: k.KeyId, Message: []byte("m"), SigningAlgorithm: "ECDSA_SHA_256"})
	wantError(t, err, "DisabledException", *k.Arn+" is disabled.")
}

// An RSA encryption key: Encrypt and Decrypt through KMS, and what the
// standard library encrypts with GetPublicKey's key decrypts through KMS.
func TestRSAEncryption(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	k := newSpecKey(t, c, types.KeySpecRsa2048, types.KeyUsageTypeEncryptDecrypt)
	pub, gp := publicKey(t, c, *k.KeyId)
	if !slices.Equal(gp.EncryptionAlgorithms, []types.EncryptionAlgorithmSpec{"RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256"}) || gp.SigningAlgorithms != nil {
		t.Fatalf("GetPublicKey: %+v", gp)
	}
	for _, alg := range []types.EncryptionAlgorithmSpec{types.EncryptionAlgorithmSpecRsaesOaepSha1, types.EncryptionAlgorithmSpecRsaesOaepSha256} {
		e, err := c.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("secret"), EncryptionAlgorithm: alg})
		if err != nil || e.EncryptionAlgorithm != alg || len(e.CiphertextBlob) != 256 {
			t.Fatalf("%s: Encrypt: %+v %v", alg, e, err)
		}
		d, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: e.CiphertextBlob, KeyId: k.Arn, EncryptionAlgorithm: alg})
		if err != nil || string(d.Plaintext) != "secret" || d.EncryptionAlgorithm != alg || aws.ToString(d.KeyId) != *k.Arn {
			t.Fatalf("%s: Decrypt: %+v %v", alg, d, err)
		}
		h := sha256.New()
		if alg == types.EncryptionAlgorithmSpecRsaesOaepSha1 {
			h = sha1.New()
		}
		local, err := rsa.EncryptOAEP(h, rand.Reader, pub.(*rsa.PublicKey), []byte("from outside"), nil)
		if err != nil {
			t.Fatal(err)
		}
		d, err = c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: local, KeyId: k.KeyId, EncryptionAlgorithm: alg})
		if err != nil || string(d.Plaintext) != "from outside" {
			t.Fatalf("%s: decrypting what the standard library encrypted: %+v %v", alg, d, err)
		}
		// The other OAEP hash does not decrypt it.
		other := types.EncryptionAlgorithmSpecRsaesOaepSha256
		if alg == other {
			other = types.EncryptionAlgorithmSpecRsaesOaepSha1
		}
		_, err = c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: local, KeyId: k.KeyId, EncryptionAlgorithm: other})
		wantError(t, err, "InvalidCiphertextException", "")
	}
	blob, err := c.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x"), EncryptionAlgorithm: types.EncryptionAlgorithmSpecRsaesOaepSha256})
	if err != nil {
		t.Fatal(err)
	}
	// An RSA ciphertext names no key: Decrypt needs KeyId, and an
	// algorithm, which defaults to SYMMETRIC_DEFAULT.
	_, err = c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: blob.CiphertextBlob, EncryptionAlgorithm: types.EncryptionAlgorithmSpecRsaesOaepSha256})
	wantError(t, err, "InvalidCiphertextException", "")
	_, err = c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: blob.CiphertextBlob, KeyId: k.KeyId})
	wantError(t, err, "InvalidKeyUsageException", "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.")
	_, err = c.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x")})
	wantError(t, err, "InvalidKeyUsageException", "Algorithm SYMMETRIC_DEFAULT is incompatible with key spec RSA_2048.")
	_, err = c.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: []byte("x"), EncryptionAlgorithm: types.EncryptionAlgorithmSpecRsaesOaepSha256,
		EncryptionContext: map[string]string{"a": "b"}})
	wantError(t, err, "ValidationException", "EncryptionContext")
	// RSA_2048 with OAEP SHA-256 takes at most 256-2*32-2 = 190 bytes.
	if _, err := c.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: make([]byte, 190), EncryptionAlgorithm: types.EncryptionAlgorithmSpecRsaesOaepSha256}); err != nil {
		t.Fatalf("190 bytes: %v", err)
	}
	_, err = c.Encrypt(ctx, &kms.EncryptInput{KeyId: k.KeyId, Plaintext: make([]byte, 191), EncryptionAlgorithm: types.EncryptionAlgorithmSpecRsaesOaepSha256})
	wantError(t, err, "ValidationException", "190 bytes")
	// ReEncrypt moves a symmetric ciphertext under the RSA key and back.
	sym := newKey(t, c, "")
	re, err := c.ReEncrypt(ctx, &kms.ReEncryptInput{CiphertextBlob: encrypt(t, c, *sym.KeyId, "moving", nil), DestinationKeyId: k.KeyId,
		DestinationEncryptionAlgorithm: types.EncryptionAlgorithmSpecRsaesOaepSha1})
	if err != nil || re.DestinationEncryptionAlgorithm != types.EncryptionAlgorithmSpecRsaesOaepSha1 {
		t.Fatalf("ReEncrypt to the RSA key: %+v %v", re, err)
	}
	back, err := c.ReEncrypt(ctx, &kms.ReEncryptInput{CiphertextBlob: re.CiphertextBlob, SourceKeyId: k.KeyId,
		SourceEncryptionAlgorithm: types.EncryptionAlgorithmSpecRsaesOaepSha1, DestinationKeyId: sym.KeyId})
	if err != nil {
		t.Fatalf("ReEncrypt from the RSA key: %v", err)
	}
	if got := decrypt(t, c, back.CiphertextBlob, nil); got != "moving" {
		t.Fatalf("after two ReEncrypts: %q", got)
	}
}

func TestHMACKeys(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	for _, tc := range []struct {
		spec types.KeySpec
		alg  types.MacAlgorithmSpec
		size int
	}{
		{types.KeySpecHmac224, types.MacAlgorithmSpecHmacSha224, 28},
		{types.KeySpecHmac256, types.MacAlgorithmSpecHmacSha256, 32},
		{types.KeySpecHmac384, types.MacAlgorithmSpecHmacSha384, 48},
		{types.KeySpecHmac512, types.MacAlgorithmSpecHmacSha512, 64},
	} {
		k := newSpecKey(t, c, tc.spec, types.KeyUsageTypeGenerateVerifyMac)
		msg := []byte("authenticate me")
		g, err := c.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: k.KeyId, Message: msg, MacAlgorithm: tc.alg})
		if err != nil || len(g.Mac) != tc.size || g.MacAlgorithm != tc.alg || aws.ToString(g.KeyId) != *k.Arn {
			t.Fatalf("%s: GenerateMac: %+v %v", tc.spec, g, err)
		}
		again, _ := c.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: k.KeyId, Message: msg, MacAlgorithm: tc.alg})
		if !bytes.Equal(again.Mac, g.Mac) {
			t.Fatalf("%s: two MACs of one message differ", tc.spec)
		}
		v, err := c.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: k.KeyId, Message: msg, Mac: g.Mac, MacAlgorithm: tc.alg})
		if err != nil || !v.MacValid || v.MacAlgorithm != tc.alg {
			t.Fatalf("%s: VerifyMac: %+v %v", tc.spec, v, err)
		}
		_, err = c.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: k.KeyId, Message: msg, Mac: flip(g.Mac, 0), MacAlgorithm: tc.alg})
		wantError(t, err, "KMSInvalidMacException", "")
		_, err = c.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: k.KeyId, Message: []byte("authenticate mE"), Mac: g.Mac, MacAlgorithm: tc.alg})
		wantError(t, err, "KMSInvalidMacException", "")
		wrong := types.MacAlgorithmSpecHmacSha256
		if tc.alg == wrong {
			wrong = types.MacAlgorithmSpecHmacSha512
		}
		_, err = c.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: k.KeyId, Message: msg, MacAlgorithm: wrong})
		wantError(t, err, "InvalidKeyUsageException", "Algorithm "+string(wrong)+" is incompatible with key spec "+string(tc.spec)+".")
		_, err = c.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: k.KeyId})
		wantError(t, err, "UnsupportedOperationException", "GetPublicKey")
	}
	// Two keys of one spec have different keys.
	a := newSpecKey(t, c, types.KeySpecHmac256, types.KeyUsageTypeGenerateVerifyMac)
	b := newSpecKey(t, c, types.KeySpecHmac256, types.KeyUsageTypeGenerateVerifyMac)
	ma, _ := c.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: a.KeyId, Message: []byte("m"), MacAlgorithm: "HMAC_SHA_256"})
	_, err := c.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: b.KeyId, Message: []byte("m"), Mac: ma.Mac, MacAlgorithm: "HMAC_SHA_256"})
	wantError(t, err, "KMSInvalidMacException", "")
}

func TestGenerateDataKeyPair(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	k := newKey(t, c, "")
	ec := map[string]string{"purpose": "pair"}
	for _, spec := range []types.DataKeyPairSpec{types.DataKeyPairSpecRsa2048, types.DataKeyPairSpecEccNistP256,
		types.DataKeyPairSpecEccNistP384, types.DataKeyPairSpecEccNistP521} {
		out, err := c.GenerateDataKeyPair(ctx, &kms.GenerateDataKeyPairInput{KeyId: k.KeyId, KeyPairSpec: spec, EncryptionContext: ec})
		if err != nil || out.KeyPairSpec != spec || aws.ToString(out.KeyId) != *k.Arn {
			t.Fatalf("%s: %+v %v", spec, out, err)
		}
		priv, err := x509.ParsePKCS8PrivateKey(out.PrivateKeyPlaintext)
		if err != nil {
			t.Fatalf("%s: the private key is not PKCS #8: %v", spec, err)
		}
		wantPublic(t, priv, out.PublicKey)
		d, err := c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: out.PrivateKeyCiphertextBlob, EncryptionContext: ec})
		if err != nil || !bytes.Equal(d.Plaintext, out.PrivateKeyPlaintext) {
			t.Fatalf("%s: the encrypted private key does not decrypt to it: %v", spec, err)
		}
		wp, err := c.GenerateDataKeyPairWithoutPlaintext(ctx, &kms.GenerateDataKeyPairWithoutPlaintextInput{KeyId: k.KeyId, KeyPairSpec: spec})
		if err != nil {
			t.Fatalf("%s: without plaintext: %v", spec, err)
		}
		d, err = c.Decrypt(ctx, &kms.DecryptInput{CiphertextBlob: wp.PrivateKeyCiphertextBlob})
		if err != nil {
			t.Fatal(err)
		}
		priv, err = x509.ParsePKCS8PrivateKey(d.Plaintext)
		if err != nil {
			t.Fatalf("%s: the decrypted private key is not PKCS #8: %v", spec, err)
		}
		wantPublic(t, priv, wp.PublicKey)
	}
	_, err := c.GenerateDataKeyPair(ctx, &kms.GenerateDataKeyPairInput{KeyId: k.KeyId, KeyPairSpec: types.DataKeyPairSpecEccSecgP256k1})
	wantError(t, err, "UnsupportedOperationException", "ECC_SECG_P256K1")
	rsaKey := newSpecKey(t, c, types.KeySpecRsa2048, types.KeyUsageTypeEncryptDecrypt)
	_, err = c.GenerateDataKeyPair(ctx, &kms.GenerateDataKeyPairInput{KeyId: rsaKey.KeyId, KeyPairSpec: types.DataKeyPairSpecEccNistP256})
	wantError(t, err, "InvalidKeyUsageException", *rsaKey.Arn+" key KeySpec is RSA_2048 which is not valid for GenerateDataKeyPair.")
}

func wantPublic(t *testing.T, priv any, der []byte) {
	t.Helper()
	pub, err := x509.ParsePKIXPublicKey(der)
	if err != nil {
		t.Fatalf("the public key is not a DER SubjectPublicKeyInfo: %v", err)
	}
	if !priv.(interface{ Public() crypto.PublicKey }).Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(pub) {
		t.Fatal("the public key is not the private key's")
	}
}

// Each operation refuses a key of another usage with KMS's words, and the
// keys that do not rotate say so.
func TestWrongKeyUsage(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	signer := newSpecKey(t, c, types.KeySpecEccNistP256, types.KeyUsageTypeSignVerify)
	mac := newSpecKey(t, c, types.KeySpecHmac256, types.KeyUsageTypeGenerateVerifyMac)
	sym := newKey(t, c, "")
	rsaEnc := newSpecKey(t, c, types.KeySpecRsa2048, types.KeyUsageTypeEncryptDecrypt)
	for _, tc := range []struct {
		name string
		err  error
		want string
	}{
		{"Encrypt with a signing key", call(c.Encrypt(ctx, &kms.EncryptInput{KeyId: signer.KeyId, Plaintext: []byte("x")})),
			*signer.Arn + " key usage is SIGN_VERIFY which is not valid for Encrypt."},
		{"GenerateDataKey with a MAC key", call(c.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: mac.KeyId, KeySpec: types.DataKeySpecAes256})),
			*mac.Arn + " key usage is GENERATE_VERIFY_MAC which is not valid for GenerateDataKey."},
		{"GenerateDataKey with an RSA key", call(c.GenerateDataKey(ctx, &kms.GenerateDataKeyInput{KeyId: rsaEnc.KeyId, KeySpec: types.DataKeySpecAes256})),
			*rsaEnc.Arn + " key KeySpec is RSA_2048 which is not valid for GenerateDataKey."},
		{"Sign with a symmetric key", call(c.Sign(ctx, &kms.SignInput{KeyId: sym.KeyId, Message: []byte("m"), SigningAlgorithm: "ECDSA_SHA_256"})),
			*sym.Arn + " key usage is ENCRYPT_DECRYPT which is not valid for Sign."},
		{"Verify with a MAC key", call(c.Verify(ctx, &kms.VerifyInput{KeyId: mac.KeyId, Message: []byte("m"), Signature: []byte("s"), SigningAlgorithm: "ECDSA_SHA_256"})),
			*mac.Arn + " key usage is GENERATE_VERIFY_MAC which is not valid for Verify."},
		{"GenerateMac with a signing key", call(c.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: signer.KeyId, Message: []byte("m"), MacAlgorithm: "HMAC_SHA_256"})),
			*signer.Arn + " key usage is SIGN_VERIFY which is not valid for GenerateMac."},
		{"VerifyMac with a symmetric key", call(c.VerifyMac(ctx, &kms.VerifyMacInput{KeyId: sym.KeyId, Message: []byte("m"), Mac: []byte("m"), MacAlgorithm: "HMAC_SHA_256"})),
			*sym.Arn + " key usage is ENCRYPT_DECRYPT which is not valid for VerifyMac."},
		{"Decrypt with a signing key", call(c.Decrypt(ctx, &kms.DecryptInput{KeyId: signer.KeyId, CiphertextBlob: make([]byte, 64)})),
			*signer.Arn + " key usage is SIGN_VERIFY which is not valid for Decrypt."},
	} {
		if errorCode(tc.err) != "InvalidKeyUsageException" || errorMessage(tc.err) != tc.want {
			t.Errorf("%s: %v, want InvalidKeyUsageException %q", tc.name, tc.err, tc.want)
		}
	}
	_, err := c.GetPublicKey(ctx, &kms.GetPublicKeyInput{KeyId: sym.KeyId})
	wantError(t, err, "UnsupportedOperationException", "GetPublicKey")
	for _, id := range []*string{signer.KeyId, mac.KeyId} {
		_, err = c.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: id})
		wantError(t, err, "UnsupportedOperationException", "You cannot perform this operation on a non-symmetric key")
		_, err = c.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: id})
		wantError(t, err, "UnsupportedOperationException", "You cannot perform this operation on a non-symmetric key")
		st, err := c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: id})
		if err != nil || st.KeyRotationEnabled {
			t.Fatalf("GetKeyRotationStatus: %+v %v", st, err)
		}
	}
}

func call[T any](_ T, err error) error { return err }

// Key policies govern the new operations like the old: an IAM user
// allowed kms:Verify may verify but not sign, and a key policy condition
// on kms:SigningAlgorithm holds.
func TestSigningIsAuthorized(t *testing.T) {
	srv, root := setup(t)
	ctx := ctxT(t)
	ic := iamFor(srv, rootOf(ownerAccount))
	k := newSpecKey(t, root, types.KeySpecEccNistP256, types.KeyUsageTypeSignVerify)
	verifier := kmsFor(srv, newUser(t, ic, "verifier", allow(*k.Arn, "kms:Verify", "kms:GetPublicKey")))
	s, err := root.Sign(ctx, &kms.SignInput{KeyId: k.KeyId, Message: []byte("m"), SigningAlgorithm: "ECDSA_SHA_256"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := verifier.Verify(ctx, &kms.VerifyInput{KeyId: k.KeyId, Message: []byte("m"), Signature: s.Signature, SigningAlgorithm: "ECDSA_SHA_256"}); err != nil {
		t.Fatalf("the verifier verifies: %v", err)
	}
	_, err = verifier.Sign(ctx, &kms.SignInput{KeyId: k.KeyId, Message: []byte("m"), SigningAlgorithm: "ECDSA_SHA_256"})
	wantDenied(t, err, userARN(ownerAccount, "verifier"), "kms:Sign", *k.Arn, noIdentity+"kms:Sign action")

	mac := newSpecKey(t, root, types.KeySpecHmac256, types.KeyUsageTypeGenerateVerifyMac)
	_, err = verifier.GenerateMac(ctx, &kms.GenerateMacInput{KeyId: mac.KeyId, Message: []byte("m"), MacAlgorithm: "HMAC_SHA_256"})
	wantDenied(t, err, userARN(ownerAccount, "verifier"), "kms:GenerateMac", *mac.Arn, noIdentity+"kms:GenerateMac action")

	// A key policy that allows a signer PSS signatures only.
	doc := keyPolicy(rootStatement(ownerAccount), `{"Sid":"PSSOnly","Effect":"Allow","Principal":{"AWS":"`+userARN(ownerAccount, "signer")+
		`"},"Action":"kms:Sign","Resource":"*","Condition":{"StringLike":{"kms:SigningAlgorithm":"RSASSA_PSS_*"}}}`)
	signerKey := newUser(t, ic, "signer", "")
	out, err := root.CreateKey(ctx, &kms.CreateKeyInput{KeySpec: types.KeySpecRsa2048, KeyUsage: types.KeyUsageTypeSignVerify, Policy: aws.String(doc)})
	if err != nil {
		t.Fatal(err)
	}
	rk := out.KeyMetadata
	signer := kmsFor(srv, signerKey)
	if _, err := signer.Sign(ctx, &kms.SignInput{KeyId: rk.KeyId, Message: []byte("m"), SigningAlgorithm: "RSASSA_PSS_SHA_256"}); err != nil {
		t.Fatalf("a PSS signature: %v", err)
	}
	_, err = signer.Sign(ctx, &kms.SignInput{KeyId: rk.KeyId, Message: []byte("m"), SigningAlgorithm: "RSASSA_PKCS1_V1_5_SHA_256"})
	wantDenied(t, err, userARN(ownerAccount, "signer"), "kms:Sign", *rk.Arn, noIdentity+"kms:Sign action")
}
