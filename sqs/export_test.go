package sqs

import "github.com/ferry-emulator/ferry/emulator/api"

// ErrorConstructors gives the external tests every SQS error constructor of
// errors.go by its Go name, so that errors_test.go can check each one against
// the SDK's model (and notice one that is added without a check).
var ErrorConstructors = map[string]func() *api.Error{
	"errQueueDoesNotExist":            errQueueDoesNotExist,
	"errQueueNameExists":              func() *api.Error { return errQueueNameExists("m") },
	"errQueueDeletedRecently":         func() *api.Error { return errQueueDeletedRecently("q") },
	"errInvalidAttributeName":         func() *api.Error { return errInvalidAttributeName("n") },
	"errInvalidAttributeValue":        func() *api.Error { return errInvalidAttributeValue("m") },
	"errInvalidMessageContents":       func() *api.Error { return errInvalidMessageContents("m") },
	"errReceiptHandleIsInvalid":       func() *api.Error { return errReceiptHandleIsInvalid("h") },
	"errMessageNotInflight":           errMessageNotInflight,
	"errPurgeQueueInProgress":         func() *api.Error { return errPurgeQueueInProgress("q") },
	"errEmptyBatchRequest":            errEmptyBatchRequest,
	"errTooManyEntriesInBatchRequest": func() *api.Error { return errTooManyEntriesInBatchRequest(11) },
	"errBatchEntryIdsNotDistinct":     func() *api.Error { return errBatchEntryIdsNotDistinct("i") },
	"errInvalidBatchEntryID":          errInvalidBatchEntryID,
	"errBatchRequestTooLong":          func() *api.Error { return errBatchRequestTooLong(2, 1) },
	"errInvalidAddress":               func() *api.Error { return errInvalidAddress("u") },
	"errResourceNotFound":             func() *api.Error { return errResourceNotFound("m") },
	"errOverLimit":                    func() *api.Error { return errOverLimit("m") },
	"errUnsupportedOperation":         func() *api.Error { return errUnsupportedOperation("m") },
	"errKmsAccessDenied":              func() *api.Error { return errKmsAccessDenied("m") },
	"errKmsDisabled":                  func() *api.Error { return errKmsDisabled("m") },
	"errKmsInvalidState":              func() *api.Error { return errKmsInvalidState("m") },
	"errKmsNotFound":                  func() *api.Error { return errKmsNotFound("m") },
	"errKmsInvalidKeyUsage":           func() *api.Error { return errKmsInvalidKeyUsage("m") },
}
