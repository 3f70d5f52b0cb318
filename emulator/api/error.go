package api

import (
	"fmt"
	"net/http"
	"strings"
)

// Error is an AWS API error with everything each protocol needs to render it.
//
// AWS gives one error several names: the JSON protocols send the shape name
// in __type (QueueDoesNotExist), the query protocol and the query-compatible
// x-amzn-query-error header send the legacy code
// (AWS.SimpleQueueService.NonExistentQueue). The SDKs map whichever they read
// to their typed errors, so both must be exact.
type Error struct {
	Code      string // shape name, rendered in JSON __type
	QueryCode string // query protocol code; empty means Code
	JSONType  string // full JSON __type when it is not "<service namespace>#Code"
	Status    int
	Receiver  bool // a server fault (Type "Receiver" in query errors)
	Message   string
}

func (e *Error) Error() string { return e.WireCode() + ": " + e.Message }

// WireCode is the code the query protocol (and x-amzn-query-error) carries.
func (e *Error) WireCode() string {
	if e.QueryCode != "" {
		return e.QueryCode
	}
	return e.Code
}

// Fault is "Sender" or "Receiver", as the query protocol's Error/Type says.
func (e *Error) Fault() string {
	if e.Receiver {
		return "Receiver"
	}
	return "Sender"
}

// Errorf makes a client (Sender) error with HTTP status 400 unless status says otherwise.
func Errorf(code string, status int, format string, args ...any) *Error {
	if status == 0 {
		status = http.StatusBadRequest
	}
	msg := format
	if len(args) > 0 {
		msg = fmt.Sprintf(format, args...)
	}
	return &Error{Code: code, Status: status, Message: msg}
}

// The errors common to every AWS query and JSON service
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/CommonErrors.html).

func MissingParameter(name string) *Error {
	return Errorf("MissingParameter", 400, "The request must contain the parameter %s.", name)
}

func InvalidParameterValue(format string, args ...any) *Error {
	return Errorf("InvalidParameterValue", 400, format, args...)
}

func InvalidAction(action string) *Error {
	return Errorf("InvalidAction", 400, "The action %s is not valid for this web service.", action)
}

// UnknownOperation is the JSON protocols' answer to an X-Amz-Target naming no operation.
func UnknownOperation(target string) *Error {
	msg := "Unknown operation " + target
	if target == "" {
		msg = "The request has no X-Amz-Target header naming the operation."
	}
	return &Error{
		Code: "UnknownOperationException", JSONType: "com.amazon.coral.service#UnknownOperationException",
		QueryCode: "InvalidAction", Status: 400, Message: msg,
	}
}

// SerializationError answers a JSON body that does not parse or has members of the wrong type.
func SerializationError(msg string) *Error {
	return &Error{
		Code: "SerializationException", JSONType: "com.amazon.coral.service#SerializationException",
		QueryCode: "MalformedQueryString", Status: 400, Message: msg,
	}
}

func MalformedQueryString(msg string) *Error {
	return Errorf("MalformedQueryString", 400, "%s", msg)
}

// InternalFailure is what any unexpected failure, including a recovered panic, renders as.
func InternalFailure() *Error {
	return &Error{Code: "InternalFailure", Status: 500, Receiver: true,
		Message: "The request processing has failed because of an unknown error, exception or failure."}
}

func AccessDenied(msg string) *Error {
	return &Error{Code: "AccessDeniedException", QueryCode: "AccessDenied",
		JSONType: "com.amazon.coral.service#AccessDeniedException", Status: 403, Message: msg}
}

// AsError converts any error a handler returns into an *Error; anything that
// is not already one is an internal failure.
func AsError(err error) *Error {
	if e, ok := err.(*Error); ok {
		return e
	}
	return InternalFailure()
}

// Validation gathers the model-constraint failures of one request into the
// single ValidationError the query services answer with, worded as AWS
// words it: "2 validation errors detected: Value 'x' at 'userName' failed
// to satisfy constraint: …; Value …".
type Validation struct {
	failures []string
}

// Fail records one failed constraint of member (the model's lower-camel
// member name) with the offending value.
func (v *Validation) Fail(value, member, constraint string) {
	v.failures = append(v.failures, "Value '"+value+"' at '"+member+"' failed to satisfy constraint: "+constraint)
}

// Missing records a required member that is absent.
func (v *Validation) Missing(member string) {
	v.failures = append(v.failures, "Value null at '"+member+"' failed to satisfy constraint: Member must not be null")
}

// Err is the ValidationError for the failures recorded, nil if none.
func (v *Validation) Err() *Error {
	switch n := len(v.failures); n {
	case 0:
		return nil
	case 1:
		return Errorf("ValidationError", 400, "1 validation error detected: %s", v.failures[0])
	default:
		return Errorf("ValidationError", 400, "%d validation errors detected: %s", n, strings.Join(v.failures, "; "))
	}
}
