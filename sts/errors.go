package sts

import (
	"errors"
	"fmt"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam/policy"
)

// STS's errors as its Smithy model gives them (aws-sdk-go-v2
// service/sts/types/errors.go and the awsQueryError traits of its schemas;
// errors_test.go cross-checks them), and the common query errors
// (AccessDenied, ValidationError, InvalidParameterValue) that it leaves out.

func stsError(shape, code string, status int, format string, args ...any) *api.Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &api.Error{Code: shape, QueryCode: code, Status: status, Message: msg}
}

func errMalformedPolicyDocument(format string, args ...any) *api.Error {
	return stsError("MalformedPolicyDocumentException", "MalformedPolicyDocument", 400, format, args...)
}

func errPackedPolicyTooLarge(percent int) *api.Error {
	return stsError("PackedPolicyTooLargeException", "PackedPolicyTooLarge", 400,
		"Packed policy consumes %d%% of allotted space, please use smaller policy.", percent)
}

func errInvalidAuthorizationMessage() *api.Error {
	return stsError("InvalidAuthorizationMessageException", "InvalidAuthorizationMessageException", 400,
		"The message is invalid.")
}

func errValidation(format string, args ...any) *api.Error {
	return api.Errorf("ValidationError", 400, format, args...)
}

func errInvalidParameterValue(format string, args ...any) *api.Error {
	return api.Errorf("InvalidParameterValue", 400, format, args...)
}

// errAccessDenied is STS's access-denied error, also what the emulator
// answers with when it denies an STS request.
func errAccessDenied(message string) *api.Error {
	return &api.Error{Code: "AccessDenied", Status: 403, Message: message}
}

func notAuthorized(req *api.Request, action, resource string) *api.Error {
	return errAccessDenied("User: " + req.Principal.ARN + " is not authorized to perform: " + action +
		" on resource: " + resource)
}

// malformed turns a session policy parse failure into MalformedPolicyDocument.
func malformed(err error) *api.Error {
	var pe *policy.Error
	if errors.As(err, &pe) {
		return errMalformedPolicyDocument("%s", pe.Reason)
	}
	return errMalformedPolicyDocument("%s", err.Error())
}

// validation is api.Validation with this service's own member checks.
type validation struct{ api.Validation }
