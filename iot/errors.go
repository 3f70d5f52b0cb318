package iot

import (
	"fmt"
	"net/http"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// AWS IoT's errors, with the codes and statuses of its API model.
// https://docs.aws.amazon.com/iot/latest/apireference/CommonErrors.html

func errInvalidRequest(msg string) *api.Error {
	return &api.Error{Code: "InvalidRequestException", Status: http.StatusBadRequest, Message: msg}
}

func errInvalidRequestf(format string, args ...any) *api.Error {
	return errInvalidRequest(fmt.Sprintf(format, args...))
}

func errSQLParse(msg string) *api.Error {
	return &api.Error{Code: "SqlParseException", Status: http.StatusBadRequest, Message: msg}
}

// errAccessDenied is the control plane's access denial.
func errAccessDenied(msg string) *api.Error {
	return &api.Error{Code: "AccessDeniedException", Status: http.StatusForbidden, Message: msg}
}

// errUnauthorized is the control plane's answer for a rule that does not
// exist: its model lists no not-found error for the rule operations.
func errUnauthorized(msg string) *api.Error {
	return &api.Error{Code: "UnauthorizedException", Status: http.StatusUnauthorized, Message: msg}
}

// errForbidden is the data plane's access denial.
func errForbidden(msg string) *api.Error {
	return &api.Error{Code: "ForbiddenException", Status: http.StatusForbidden, Message: msg}
}

func errNotFound(msg string) *api.Error {
	return &api.Error{Code: "ResourceNotFoundException", Status: http.StatusNotFound, Message: msg}
}

func errAlreadyExists(msg string) *api.Error {
	return &api.Error{Code: "ResourceAlreadyExistsException", Status: http.StatusConflict, Message: msg}
}

// pageSize is a list call's maxResults, def when absent, with the
// validation error IoT gives for one outside 1..max.
func pageSize(maxResults *int, def, max int) (int, *api.Error) {
	if maxResults == nil {
		return def, nil
	}
	if *maxResults < 1 || *maxResults > max {
		return 0, errInvalidRequestf("1 validation error detected: Value '%d' at 'maxResults' failed to satisfy constraint: Member must have value between 1 and %d", *maxResults, max)
	}
	return *maxResults, nil
}

func errRuleNotFound(name string) *api.Error {
	return errUnauthorized("Rule " + name + " does not exist")
}
