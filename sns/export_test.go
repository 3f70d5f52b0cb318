package sns

import "github.com/ferry-emulator/ferry/emulator/api"

// ErrorConstructors gives the external tests every SNS error constructor of
// errors.go by its Go name, so that errors_test.go can check each one
// against the SDK's model (and notice one added without a check).
var ErrorConstructors = map[string]func() *api.Error{
	"errInvalidParameter":         func() *api.Error { return errInvalidParameter("m") },
	"errInvalidParameterValue":    func() *api.Error { return errInvalidParameterValue("m") },
	"errTopicNotFound":            errTopicNotFound,
	"errSubscriptionNotFound":     errSubscriptionNotFound,
	"errAuthorization":            func() *api.Error { return errAuthorization("m") },
	"errResourceNotFound":         errResourceNotFound,
	"errTagLimitExceeded":         errTagLimitExceeded,
	"errEmptyBatchRequest":        errEmptyBatchRequest,
	"errTooManyEntries":           errTooManyEntries,
	"errBatchEntryIdsNotDistinct": errBatchEntryIdsNotDistinct,
	"errInvalidBatchEntryID":      errInvalidBatchEntryID,
	"errBatchRequestTooLong":      errBatchRequestTooLong,
	"errKMSAccessDenied":          func() *api.Error { return errKMSAccessDenied("m") },
	"errKMSDisabled":              func() *api.Error { return errKMSDisabled("m") },
	"errKMSInvalidState":          func() *api.Error { return errKMSInvalidState("m") },
	"errKMSNotFound":              func() *api.Error { return errKMSNotFound("m") },
}
