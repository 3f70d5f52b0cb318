package sts

import "github.com/ferry-emulator/ferry/emulator/api"

// ErrorConstructors gives the external tests every STS error constructor
// of errors.go with a shape in the STS model, by its Go name, so that
// errors_test.go checks each against the SDK.
var ErrorConstructors = map[string]func() *api.Error{
	"errMalformedPolicyDocument":     func() *api.Error { return errMalformedPolicyDocument("m") },
	"errPackedPolicyTooLarge":        func() *api.Error { return errPackedPolicyTooLarge(101) },
	"errInvalidAuthorizationMessage": errInvalidAuthorizationMessage,
}
