// Package sts is ferry's AWS Security Token Service over the query protocol
// (API version 2011-06-15): AssumeRole with trust policies, external ids,
// session policies, session tags (transitive through role chaining) and
// source identities; GetCallerIdentity; GetSessionToken; GetAccessKeyInfo;
// DecodeAuthorizationMessage. Its temporary credentials (ASIA… keys with a
// session token) are resolved by Lookup and expire: an expired session is
// still found, so that the emulator answers ExpiredToken.
//
// Whether a caller may assume a role is decided by the emulator before
// AssumeRole runs, from the role's trust policy, which the action's target
// carries, and the caller's identity policies.
//
// Deliberate differences from AWS:
//   - MFA is not modelled: SerialNumber and TokenCode are checked for form
//     only, and aws:MultiFactorAuthPresent is never set.
//   - A session's managed session policies (PolicyArns) are the documents
//     those policies had when the session began.
//   - AWS's packed policy format is unpublished; PackedPolicySize is ferry's
//     measure of the same content (see packedPercent).
//   - GetAccessKeyInfo also answers for ferry's root keys ("test", and
//     12-digit account ids).
//   - DecodeAuthorizationMessage decodes only messages ferry encoded
//     (EncodeAuthorizationMessage).
//
// This package carries no compatibility promise; the emulator package does.
package sts
