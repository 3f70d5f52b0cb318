package kms

import (
	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam/policy"
)

// KMS's errors, with the codes of the KMS model (aws-sdk-go-v2
// service/kms/types/errors.go; errors_test.go cross-checks them). KMS
// speaks AWS JSON 1.1 only, so Code is what __type carries. Every client
// error goes out with HTTP 400: the model's httpError says 404 or 409 for
// some, but KMS answers them all with 400 ("DisabledException: … is
// disabled. (Service: AWSKMS; Status Code: 400 …)"), and the SDKs read only
// __type.

func kmsError(code, msg string) *api.Error {
	return &api.Error{Code: code, Status: 400, Message: msg}
}

func errNotFound(msg string) *api.Error { return kmsError("NotFoundException", msg) }

func errKeyNotFound(arn string) *api.Error {
	return errNotFound("Key '" + arn + "' does not exist")
}

func errAliasNotFound(arn string) *api.Error {
	return errNotFound("Alias '" + arn + "' is not found.")
}

// errInvalidKeyID answers a KeyId that is neither a key id, a key ARN, an
// alias name nor an alias ARN.
func errInvalidKeyID(id string) *api.Error {
	return errNotFound("Invalid keyId '" + id + "'")
}

func errDisabled(arn string) *api.Error { return kmsError("DisabledException", arn+" is disabled.") }

// errInvalidState names the key and its state, as AWS does: "<key ARN> is
// pending deletion." or "… is not pending deletion."
// https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html
func errInvalidState(msg string) *api.Error { return kmsError("KMSInvalidStateException", msg) }

// errInvalidCiphertext carries no message, as KMS's does not: a ciphertext
// that is corrupt, from another key or under another encryption context
// all look the same from outside.
func errInvalidCiphertext() *api.Error { return kmsError("InvalidCiphertextException", "") }

func errIncorrectKey() *api.Error {
	return kmsError("IncorrectKeyException", "The key ID in the request does not identify a CMK that can perform this operation.")
}

func errAlreadyExists(msg string) *api.Error { return kmsError("AlreadyExistsException", msg) }

func errInvalidAliasName(msg string) *api.Error { return kmsError("InvalidAliasNameException", msg) }

func errMalformedPolicy(msg string) *api.Error {
	return kmsError("MalformedPolicyDocumentException", msg)
}

func errLimitExceeded(msg string) *api.Error { return kmsError("LimitExceededException", msg) }

func errInvalidGrantToken() *api.Error {
	return kmsError("InvalidGrantTokenException", "The grant token is not valid.")
}

func errInvalidGrantID() *api.Error {
	return kmsError("InvalidGrantIdException", "The grant ID is not valid.")
}

func errTag(msg string) *api.Error { return kmsError("TagException", msg) }

func errUnsupported(msg string) *api.Error { return kmsError("UnsupportedOperationException", msg) }

func errInvalidMarker() *api.Error {
	return kmsError("InvalidMarkerException", "The marker that specifies where pagination should next begin is not valid.")
}

func errInvalidKeyUsage(msg string) *api.Error { return kmsError("InvalidKeyUsageException", msg) }

// errInvalidSignature answers a Verify whose signature does not verify,
// with no message, as KMS's has none.
func errInvalidSignature() *api.Error { return kmsError("KMSInvalidSignatureException", "") }

// errInvalidMac answers a VerifyMac whose MAC does not match, with no
// message, as KMS's has none.
func errInvalidMac() *api.Error { return kmsError("KMSInvalidMacException", "") }

// errDryRun answers a DryRun request that would have succeeded; the one
// KMS error whose status is not 400.
func errDryRun() *api.Error {
	return &api.Error{Code: "DryRunOperationException", Status: 412,
		Message: "The request would have succeeded, but the DryRun option is set."}
}

func errInvalidArn(msg string) *api.Error { return kmsError("InvalidArnException", msg) }

// errAccessDenied is KMS's access-denied error: HTTP 400, unlike most
// services' 403. It is not in the model (the SDKs see a generic error).
func errAccessDenied(msg string) *api.Error { return kmsError("AccessDeniedException", msg) }

// errValidation is the error for input that breaks the model's
// constraints: KMS says ValidationException where the query services say
// ValidationError, in the same words.
func errValidation(msg string) *api.Error {
	return &api.Error{Code: "ValidationException", JSONType: "com.amazon.coral.validate#ValidationException",
		Status: 400, Message: msg}
}

// validationErr turns the failures an api.Validation gathered into KMS's
// ValidationException, nil if there were none.
func validationErr(v *api.Validation) *api.Error {
	e := v.Err()
	if e == nil {
		return nil
	}
	return errValidation(e.Message)
}

// errMissingKey answers a ciphertext whose key does not exist (any more)
// in its account and region, in KMS's words.
func errMissingKey() *api.Error {
	return errAccessDenied("The ciphertext refers to a customer master key that does not exist, does not exist in this region, or you are not allowed to access.")
}

// errManagedKey refuses a change to an AWS managed key with the denial
// its key policy gives every caller, also when authorization is off: AWS
// itself never lets a user change those keys.
func errManagedKey(req *api.Request, action, keyARN string) *api.Error {
	d := policy.Decision{Missing: policy.PolicyResourceBased}
	return errAccessDenied(d.Message(req.Principal.ARN, action, keyARN))
}
