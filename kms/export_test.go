package kms

import "github.com/ferry-emulator/ferry/emulator/api"

// ErrorConstructors gives the external tests every KMS error constructor of
// errors.go by its Go name, so that errors_test.go can check each one
// against the SDK's model (and notice one added without a check).
var ErrorConstructors = map[string]func() *api.Error{
	"errNotFound":          func() *api.Error { return errNotFound("m") },
	"errKeyNotFound":       func() *api.Error { return errKeyNotFound(testARN) },
	"errAliasNotFound":     func() *api.Error { return errAliasNotFound("arn:aws:kms:us-east-1:000000000000:alias/a") },
	"errInvalidKeyID":      func() *api.Error { return errInvalidKeyID("k") },
	"errDisabled":          func() *api.Error { return errDisabled(testARN) },
	"errInvalidState":      func() *api.Error { return errInvalidState(testARN + " is pending deletion.") },
	"errInvalidCiphertext": errInvalidCiphertext,
	"errIncorrectKey":      errIncorrectKey,
	"errAlreadyExists":     func() *api.Error { return errAlreadyExists("m") },
	"errInvalidAliasName":  func() *api.Error { return errInvalidAliasName("m") },
	"errMalformedPolicy":   func() *api.Error { return errMalformedPolicy("m") },
	"errLimitExceeded":     func() *api.Error { return errLimitExceeded("m") },
	"errInvalidGrantToken": errInvalidGrantToken,
	"errInvalidGrantID":    errInvalidGrantID,
	"errTag":               func() *api.Error { return errTag("m") },
	"errUnsupported":       func() *api.Error { return errUnsupported("m") },
	"errInvalidMarker":     errInvalidMarker,
	"errInvalidKeyUsage":   func() *api.Error { return errInvalidKeyUsage("m") },
	"errInvalidSignature":  errInvalidSignature,
	"errInvalidMac":        errInvalidMac,
	"errDryRun":            errDryRun,
	"errInvalidArn":        func() *api.Error { return errInvalidArn("m") },
	"errAccessDenied":      func() *api.Error { return errAccessDenied("m") },
	"errValidation":        func() *api.Error { return errValidation("m") },
	"errMissingKey":        errMissingKey,
	"errManagedKey": func() *api.Error {
		return errManagedKey(&api.Request{Principal: api.Principal{ARN: "arn:aws:iam::000000000000:root"}}, "kms:PutKeyPolicy", testARN)
	},
}
