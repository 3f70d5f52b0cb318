// Package kms is ferry's AWS Key Management Service: symmetric encryption
// keys with real AES-256-GCM cryptography, RSA and elliptic curve key pairs
// (Sign, Verify, GetPublicKey, RSA encryption, data key pairs) and HMAC
// keys (GenerateMac, VerifyMac), their aliases, key policies, grants, tags,
// rotation and deletion, in every account and region, served over AWS JSON
// 1.1 (X-Amz-Target TrentService.*).
//
// Every request is authorized by the emulator as AWS authorizes it (DESIGN
// §4): a key's policy must allow its use, even by the root user of the
// key's own account, and a statement allowing the account root delegates
// to the account's IAM policies; across accounts both the key policy and
// the caller's identity policies must allow, and only the operations AWS
// allows across accounts can be. Grants allow their grantee their
// operations, under their encryption-context constraints, unless a policy
// denies. The AWS managed keys alias/aws/sqs and alias/aws/sns exist in
// every account and region with AWS's key policies, usable only through
// their service.
//
// Other services use KMS in process through the emulator's Invoker, with
// the exported inputs (GenerateDataKeyInput, DecryptInput, EncryptInput,
// DescribeKeyInput): a call with api.Call.ViaService set is one made
// through that service for its principal (kms:ViaService).
//
// Files by action family: key.go (the key life cycle), keyspec.go (key
// specs and usages), alias.go, crypto.go (Encrypt, Decrypt, ReEncrypt, data
// keys, random bytes), sign.go (Sign, Verify, GetPublicKey), mac.go
// (GenerateMac, VerifyMac), datakeypair.go, rotation.go, policy.go (key
// policies), grant.go, tags.go, managed.go (AWS managed keys);
// ciphertext.go is the ciphertext format, authz.go what each action is
// authorized against, store.go what is kept.
//
// Deliberate differences from AWS:
//   - Keys are of origin AWS_KMS, with the key specs SYMMETRIC_DEFAULT,
//     RSA_2048/3072/4096 (ENCRYPT_DECRYPT or SIGN_VERIFY),
//     ECC_NIST_P256/P384/P521 (SIGN_VERIFY) and HMAC_224/256/384/512. The
//     other specs (ECC_SECG_P256K1, whose curve Go's standard library does
//     not have, ECC_NIST_EDWARDS25519, SM2, ML-DSA, ML-KEM), KEY_AGREEMENT
//     keys, imported key material, custom key stores, multi-Region keys and
//     Recipient (Nitro Enclaves) are refused with
//     UnsupportedOperationException.
//   - CreateGrant does not check a grant's operations against what its
//     key can do (a grant for Sign on an encryption key is accepted).
//   - Ciphertext blobs of symmetric keys are ferry's own format (see
//     ciphertext.go); AWS's is not public. Blobs from real KMS do not
//     decrypt here, nor the reverse. RSA ciphertexts, signatures and MACs
//     are the standard ones.
//   - Grants take effect at once (AWS's are eventually consistent), so a
//     grant token is never needed to use one; tokens are checked only for
//     form. A grant to an account's root user serves that root user only,
//     not the account's IAM principals. Grants allow whatever no policy
//     denies, also across accounts; permissions boundaries and session
//     policies do not narrow them. A principal allowed CreateGrant by a
//     grant may grant any operation.
//   - AWS managed keys are refused every change also when authorization is
//     off, with the access-denied answer their key policy gives.
//   - A key's deletion takes effect when its deletion date passes, at the
//     first request that looks for it; it is then gone with its aliases
//     and grants. Automatic rotation likewise happens when the key is next
//     used after its date.
//   - kms:ResourceAliases and kms:GrantConstraintSourceArn are not set.
//   - Every client error is answered with HTTP 400, as KMS answers them,
//     whatever status the model's httpError trait gives; DryRun requests
//     that would succeed get DryRunOperationException (412).
//
// This package carries no compatibility promise; the emulator package does.
package kms
