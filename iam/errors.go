package iam

import (
	"errors"
	"fmt"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam/policy"
)

// IAM's errors as its Smithy model gives them (aws-sdk-go-v2
// service/iam/types/errors.go and the awsQueryError traits of its schemas;
// errors_test.go cross-checks them): the shape name, the query code that
// the query protocol carries and the HTTP status. The messages are AWS's.

func iamError(shape, code string, status int, format string, args ...any) *api.Error {
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &api.Error{Code: shape, QueryCode: code, Status: status, Message: msg}
}

func errNoSuchEntity(format string, args ...any) *api.Error {
	return iamError("NoSuchEntityException", "NoSuchEntity", 404, format, args...)
}

func errEntityAlreadyExists(format string, args ...any) *api.Error {
	return iamError("EntityAlreadyExistsException", "EntityAlreadyExists", 409, format, args...)
}

func errDeleteConflict(format string, args ...any) *api.Error {
	return iamError("DeleteConflictException", "DeleteConflict", 409, format, args...)
}

func errLimitExceeded(format string, args ...any) *api.Error {
	return iamError("LimitExceededException", "LimitExceeded", 409, format, args...)
}

func errMalformedPolicyDocument(format string, args ...any) *api.Error {
	return iamError("MalformedPolicyDocumentException", "MalformedPolicyDocument", 400, format, args...)
}

func errInvalidInput(format string, args ...any) *api.Error {
	return iamError("InvalidInputException", "InvalidInput", 400, format, args...)
}

func errPolicyNotAttachable(format string, args ...any) *api.Error {
	return iamError("PolicyNotAttachableException", "PolicyNotAttachable", 400, format, args...)
}

// errValidation is the common ValidationError of every query service: it
// has no shape in the IAM model.
func errValidation(format string, args ...any) *api.Error {
	return api.Errorf("ValidationError", 400, format, args...)
}

// errAccessDenied is IAM's and STS's access-denied error.
func errAccessDenied(message string) *api.Error {
	return &api.Error{Code: "AccessDenied", Status: 403, Message: message}
}

// notAuthorized is AWS's access-denied wording, for refusals the handler
// makes itself (an AWS managed policy is never the caller's to change).
func notAuthorized(req *api.Request, action, resource string) *api.Error {
	return errAccessDenied("User: " + req.Principal.ARN + " is not authorized to perform: " + action +
		" on resource: " + resource)
}

// malformed turns a policy parse failure into MalformedPolicyDocument.
func malformed(err error) *api.Error {
	var pe *policy.Error
	if errors.As(err, &pe) {
		return errMalformedPolicyDocument("%s", pe.Reason)
	}
	return errMalformedPolicyDocument("%s", err.Error())
}

// validation is api.Validation with this service's own member checks.
type validation struct{ api.Validation }
