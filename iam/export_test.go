package iam

import "github.com/ferry-emulator/ferry/emulator/api"

// ErrorConstructors gives the external tests every IAM error constructor
// of errors.go with a shape in the IAM model, by its Go name, so that
// errors_test.go checks each against the SDK (and notices one added
// without a check).
var ErrorConstructors = map[string]func() *api.Error{
	"errNoSuchEntity":            func() *api.Error { return errNoSuchEntity("m") },
	"errEntityAlreadyExists":     func() *api.Error { return errEntityAlreadyExists("m") },
	"errDeleteConflict":          func() *api.Error { return errDeleteConflict("m") },
	"errLimitExceeded":           func() *api.Error { return errLimitExceeded("m") },
	"errMalformedPolicyDocument": func() *api.Error { return errMalformedPolicyDocument("m") },
	"errInvalidInput":            func() *api.Error { return errInvalidInput("m") },
	"errPolicyNotAttachable":     func() *api.Error { return errPolicyNotAttachable("m") },
}
