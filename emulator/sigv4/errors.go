package sigv4

import (
	"net/http"
	"strconv"
	"time"
)

// Error codes AWS returns for authentication failures. They are the same in
// every protocol; the caller renders them as query/XML or JSON.
// https://docs.aws.amazon.com/IAM/latest/APIReference/CommonErrors.html
const (
	CodeMissingAuthenticationToken = "MissingAuthenticationToken"
	CodeIncompleteSignature        = "IncompleteSignature"
	CodeSignatureDoesNotMatch      = "SignatureDoesNotMatch"
	CodeInvalidClientTokenID       = "InvalidClientTokenId"
	CodeExpiredToken               = "ExpiredToken"
	CodeAccessDenied               = "AccessDenied"
)

// Error is a signature failure, carrying the AWS error code, HTTP status and
// message AWS returns.
type Error struct {
	Code    string // e.g. "SignatureDoesNotMatch", "IncompleteSignature", "MissingAuthenticationToken", "InvalidClientTokenId"...
	Status  int
	Message string
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// InvalidClientTokenID is AWS's answer for an access key it does not know.
func InvalidClientTokenID() *Error {
	return &Error{Code: CodeInvalidClientTokenID, Status: http.StatusForbidden,
		Message: "The security token included in the request is invalid."}
}

// ExpiredToken is AWS's answer for temporary credentials past their expiry.
func ExpiredToken() *Error {
	return &Error{Code: CodeExpiredToken, Status: http.StatusForbidden,
		Message: "The security token included in the request is expired"}
}

// The texts below are AWS's, as its front ends return them to query and JSON
// clients (observed messages are collected in the IAM troubleshooting guide,
// reference_sigv-troubleshooting, and in SDK issue reports quoting them).
const (
	msgMissingAuthToken = "Request is missing Authentication Token"
	msgMismatch         = "The request signature we calculated does not match the signature you provided. " +
		"Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	msgHostNotSigned    = "'Host' or ':authority' must be a 'SignedHeader' in the AWS Authorization."
	msgRequestExpired   = "Request has expired"
	msgHeaderCredential = "Authorization header requires 'Credential' parameter."
	msgHeaderSignature  = "Authorization header requires 'Signature' parameter."
	msgHeaderSigned     = "Authorization header requires 'SignedHeaders' parameter."
	msgHeaderDate       = "Authorization header requires existence of either a 'X-Amz-Date' or a 'Date' header."
	msgQueryCredential  = "AWS query-string parameters must include 'X-Amz-Credential'."
	msgQuerySignature   = "AWS query-string parameters must include 'X-Amz-Signature'."
	msgQuerySigned      = "AWS query-string parameters must include 'X-Amz-SignedHeaders'."
	msgQueryDate        = "AWS query-string parameters must include 'X-Amz-Date'."
	msgQueryReexamine   = "Re-examine the query-string parameters."
	msgCredentialParts  = "Credential must have exactly 5 slash-delimited elements, e.g. keyid/date/region/service/term,"
)

func errMissingAuth() *Error {
	return &Error{Code: CodeMissingAuthenticationToken, Status: http.StatusForbidden, Message: msgMissingAuthToken}
}

func errIncomplete(msg string) *Error {
	return &Error{Code: CodeIncompleteSignature, Status: http.StatusBadRequest, Message: msg}
}

func errMismatch(msg string) *Error {
	return &Error{Code: CodeSignatureDoesNotMatch, Status: http.StatusForbidden, Message: msg}
}

// errSignatureMismatch carries, as AWS does, the canonical request and string
// to sign the service computed, so a client author can diff them against
// their own.
func errSignatureMismatch(canonical, stringToSign []byte) *Error {
	msg := make([]byte, 0, len(msgMismatch)+len(canonical)+len(stringToSign)+120)
	msg = append(msg, msgMismatch...)
	msg = append(msg, "\n\nThe Canonical String for this request should have been\n'"...)
	msg = append(msg, canonical...)
	msg = append(msg, "'\n\nThe String-to-Sign should have been\n'"...)
	msg = append(msg, stringToSign...)
	msg = append(msg, "'\n"...)
	return errMismatch(string(msg))
}

const amzDateLayout = "20060102T150405Z"

// errExpired and errNotYetCurrent word the clock-skew failures as AWS does:
// "Signature expired: 20150830T123600Z is now earlier than 20150830T125100Z (20150830T130600Z - 15 min.)".
func errExpired(req, now time.Time, window time.Duration) *Error {
	return errMismatch("Signature expired: " + req.UTC().Format(amzDateLayout) +
		" is now earlier than " + now.Add(-window).UTC().Format(amzDateLayout) +
		" (" + now.UTC().Format(amzDateLayout) + " - " + minutes(window) + ".)")
}

func errNotYetCurrent(req, now time.Time, window time.Duration) *Error {
	return errMismatch("Signature not yet current: " + req.UTC().Format(amzDateLayout) +
		" is still later than " + now.Add(window).UTC().Format(amzDateLayout) +
		" (" + now.UTC().Format(amzDateLayout) + " + " + minutes(window) + ".)")
}

func minutes(d time.Duration) string {
	return strconv.FormatInt(int64(d/time.Minute), 10) + " min"
}
