package sns

import "github.com/ferry-emulator/ferry/emulator/api"

// SNS's errors, with the codes and statuses of the SNS model
// (aws-sdk-go-v2 service/sns/types/errors.go; errors_test.go cross-checks
// them). SNS speaks only the query protocol, so Code is the wire code.

func snsError(code string, status int, msg string) *api.Error {
	return &api.Error{Code: code, Status: status, Message: msg}
}

// errInvalidParameter is SNS's usual validation error; AWS prefixes every
// message with "Invalid parameter: ".
func errInvalidParameter(msg string) *api.Error {
	return snsError("InvalidParameter", 400, "Invalid parameter: "+msg)
}

// errInvalidParameterValue is the code SNS uses for bad message attributes.
func errInvalidParameterValue(msg string) *api.Error {
	return snsError("ParameterValueInvalid", 400, msg)
}

func errTopicNotFound() *api.Error {
	return snsError("NotFound", 404, "Topic does not exist")
}

func errSubscriptionNotFound() *api.Error {
	return snsError("NotFound", 404, "Subscription does not exist")
}

func errAuthorization(msg string) *api.Error {
	return snsError("AuthorizationError", 403, msg)
}

func errResourceNotFound() *api.Error {
	return snsError("ResourceNotFound", 404, "Resource does not exist")
}

func errTagLimitExceeded() *api.Error {
	return snsError("TagLimitExceeded", 400, "Could not complete request: tag quota of per resource exceeded")
}

func errEmptyBatchRequest() *api.Error {
	return snsError("EmptyBatchRequest", 400, "The batch request doesn't contain any entries")
}

func errTooManyEntries() *api.Error {
	return snsError("TooManyEntriesInBatchRequest", 400, "The batch request contains more entries than permissible")
}

func errBatchEntryIdsNotDistinct() *api.Error {
	return snsError("BatchEntryIdsNotDistinct", 400, "Two or more batch entries in the request have the same Id")
}

func errInvalidBatchEntryID() *api.Error {
	return snsError("InvalidBatchEntryId", 400, "The Id of a batch entry in a batch request doesn't abide by the specification")
}

func errBatchRequestTooLong() *api.Error {
	return snsError("BatchRequestTooLong", 400, "The length of all the messages put together is more than the limit")
}

// The KMS errors Publish answers for an encrypted topic when KMS refuses
// the publisher a data key; the message is KMS's, relayed.
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html#API_Publish_Errors

func errKMSAccessDenied(msg string) *api.Error { return snsError("KMSAccessDenied", 400, msg) }

func errKMSDisabled(msg string) *api.Error { return snsError("KMSDisabled", 400, msg) }

func errKMSInvalidState(msg string) *api.Error { return snsError("KMSInvalidState", 400, msg) }

func errKMSNotFound(msg string) *api.Error { return snsError("KMSNotFound", 400, msg) }
