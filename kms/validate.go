package kms

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// The model's constraints on each input, checked before authorization and
// answered with one ValidationException worded as AWS words it: "1
// validation error detected: Value '0' at 'numberOfBytes' failed to
// satisfy constraint: Member must have value greater than or equal to 1".
// Member names are the model's, in lower camel case.

// check gathers the failed constraints of one request.
type check struct{ v api.Validation }

func (c *check) err() *api.Error { return validationErr(&c.v) }

// required fails an empty string member. The SDKs refuse to send a
// request without its required members, so an empty one is an empty
// string, which breaks the model's minimum length of 1.
func (c *check) required(member, value string) bool {
	if value == "" {
		c.v.Fail("", member, "Member must have length greater than or equal to 1")
		return false
	}
	return true
}

// length checks a string member's length in characters.
func (c *check) length(member, value string, lo, hi int) {
	n := len([]rune(value))
	switch {
	case n < lo:
		c.v.Fail(value, member, "Member must have length greater than or equal to "+strconv.Itoa(lo))
	case n > hi:
		c.v.Fail(value, member, "Member must have length less than or equal to "+strconv.Itoa(hi))
	}
}

// keyID checks a required KeyId-style member (1–2048 characters).
func (c *check) keyID(member, value string) {
	if c.required(member, value) {
		c.length(member, value, 1, 2048)
	}
}

// optionalKeyID checks a KeyId-style member that may be absent.
func (c *check) optionalKeyID(member, value string) {
	if value != "" {
		c.length(member, value, 1, 2048)
	}
}

// blob checks a binary member's size; the value is shown as AWS shows it,
// never its contents.
func (c *check) blob(member string, b []byte, lo, hi int) {
	shown := "java.nio.HeapByteBuffer[pos=0 lim=" + strconv.Itoa(len(b)) + " cap=" + strconv.Itoa(len(b)) + "]"
	switch {
	case b == nil:
		c.v.Missing(member)
	case len(b) < lo:
		c.v.Fail(shown, member, "Member must have length greater than or equal to "+strconv.Itoa(lo))
	case len(b) > hi:
		c.v.Fail(shown, member, "Member must have length less than or equal to "+strconv.Itoa(hi))
	}
}

// intRange checks an optional integer member.
func (c *check) intRange(member string, v *int32, lo, hi int32) {
	switch {
	case v == nil:
	case *v < lo:
		c.v.Fail(strconv.Itoa(int(*v)), member, "Member must have value greater than or equal to "+strconv.Itoa(int(lo)))
	case *v > hi:
		c.v.Fail(strconv.Itoa(int(*v)), member, "Member must have value less than or equal to "+strconv.Itoa(int(hi)))
	}
}

// enum checks an optional member against the model's enum values.
func (c *check) enum(member, value string, values ...string) {
	if value == "" {
		return
	}
	for _, v := range values {
		if v == value {
			return
		}
	}
	c.v.Fail(value, member, "Member must satisfy enum value set: ["+strings.Join(values, ", ")+"]")
}

// pattern checks an optional member against the model's pattern.
func (c *check) pattern(member, value string, re *regexp.Regexp) {
	if value != "" && !re.MatchString(value) {
		c.v.Fail(value, member, "Member must satisfy regular expression pattern: "+re.String())
	}
}

// grantTokens checks the GrantTokens list: at most 10, each 1–8192
// characters.
func (c *check) grantTokens(tokens []string) {
	if len(tokens) > 10 {
		c.v.Fail("["+strings.Join(tokens, ", ")+"]", "grantTokens", "Member must have length less than or equal to 10")
	}
}

var (
	aliasNamePattern = regexp.MustCompile(`^[a-zA-Z0-9:/_-]+$`)
	grantNamePattern = regexp.MustCompile(`^[a-zA-Z0-9:/_-]+$`)
	principalPattern = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
)

// The model's enums KMS checks values against.
var (
	keyUsages            = []string{"SIGN_VERIFY", "ENCRYPT_DECRYPT", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"}
	keySpecs             = []string{"RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SYMMETRIC_DEFAULT", "HMAC_224", "HMAC_256", "HMAC_384", "HMAC_512", "SM2", "ML_DSA_44", "ML_DSA_65", "ML_DSA_87", "ECC_NIST_EDWARDS25519", "ML_KEM_512", "ML_KEM_768", "ML_KEM_1024"}
	origins              = []string{"AWS_KMS", "EXTERNAL", "AWS_CLOUDHSM", "EXTERNAL_KEY_STORE"}
	encryptionAlgorithms = []string{"SYMMETRIC_DEFAULT", "RSAES_OAEP_SHA_1", "RSAES_OAEP_SHA_256", "SM2PKE"}
	dataKeySpecs         = []string{"AES_256", "AES_128"}
	signingAlgorithms    = []string{"RSASSA_PSS_SHA_256", "RSASSA_PSS_SHA_384", "RSASSA_PSS_SHA_512", "RSASSA_PKCS1_V1_5_SHA_256", "RSASSA_PKCS1_V1_5_SHA_384", "RSASSA_PKCS1_V1_5_SHA_512", "ECDSA_SHA_256", "ECDSA_SHA_384", "ECDSA_SHA_512", "SM2DSA", "ML_DSA_SHAKE_256", "ED25519_SHA_512", "ED25519_PH_SHA_512"}
	macAlgorithms        = []string{"HMAC_SHA_224", "HMAC_SHA_256", "HMAC_SHA_384", "HMAC_SHA_512"}
	dataKeyPairSpecs     = []string{"RSA_2048", "RSA_3072", "RSA_4096", "ECC_NIST_P256", "ECC_NIST_P384", "ECC_NIST_P521", "ECC_SECG_P256K1", "SM2", "ECC_NIST_EDWARDS25519", "ML_KEM_512", "ML_KEM_768", "ML_KEM_1024"}
	grantOperations      = []string{"Decrypt", "Encrypt", "GenerateDataKey", "GenerateDataKeyWithoutPlaintext", "ReEncryptFrom", "ReEncryptTo", "Sign", "Verify", "GetPublicKey", "CreateGrant", "RetireGrant", "DescribeKey", "GenerateDataKeyPair", "GenerateDataKeyPairWithoutPlaintext", "GenerateMac", "VerifyMac", "DeriveSharedSecret"}
)

// encryptionAlgorithm checks an EncryptionAlgorithm member against the
// model's enum; what the key supports is checked once it is found.
func (c *check) encryptionAlgorithm(member, value string) {
	c.enum(member, value, encryptionAlgorithms...)
}

// requiredEnum checks a required enum member.
func (c *check) requiredEnum(member, value string, values ...string) {
	if value == "" {
		c.v.Missing(member)
		return
	}
	c.enum(member, value, values...)
}
