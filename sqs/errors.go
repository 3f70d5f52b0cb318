package sqs

import (
	"strconv"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// SQS's own errors, with their JSON shape names, query codes and statuses as
// the SQS Smithy model gives them (aws-sdk-go-v2 service/sqs/types/errors.go
// and its schemas; errors_test.go cross-checks them).

func sqsError(code, queryCode string, status int, msg string) *api.Error {
	return &api.Error{Code: code, QueryCode: queryCode, Status: status, Message: msg}
}

func errQueueDoesNotExist() *api.Error {
	return sqsError("QueueDoesNotExist", "AWS.SimpleQueueService.NonExistentQueue", 400,
		"The specified queue does not exist.")
}

func errQueueNameExists(msg string) *api.Error {
	return sqsError("QueueNameExists", "QueueAlreadyExists", 400, msg)
}

func errQueueDeletedRecently(name string) *api.Error {
	return sqsError("QueueDeletedRecently", "AWS.SimpleQueueService.QueueDeletedRecently", 400,
		"You must wait 60 seconds after deleting a queue before you can create another with the same name.")
}

func errInvalidAttributeName(name string) *api.Error {
	return sqsError("InvalidAttributeName", "", 400, "Unknown Attribute "+name+".")
}

func errInvalidAttributeValue(msg string) *api.Error {
	return sqsError("InvalidAttributeValue", "", 400, msg)
}

func errInvalidMessageContents(msg string) *api.Error {
	return sqsError("InvalidMessageContents", "", 400, msg)
}

func errReceiptHandleIsInvalid(handle string) *api.Error {
	return sqsError("ReceiptHandleIsInvalid", "ReceiptHandleIsInvalid", 404,
		`The input receipt handle "`+handle+`" is not a valid receipt handle.`)
}

func errMessageNotInflight() *api.Error {
	return sqsError("MessageNotInflight", "AWS.SimpleQueueService.MessageNotInflight", 400,
		"Message does not exist or is not available for visibility timeout change.")
}

func errPurgeQueueInProgress(queueName string) *api.Error {
	return sqsError("PurgeQueueInProgress", "AWS.SimpleQueueService.PurgeQueueInProgress", 403,
		"Only one PurgeQueue operation on "+queueName+" is allowed every 60 seconds.")
}

func errEmptyBatchRequest() *api.Error {
	return sqsError("EmptyBatchRequest", "AWS.SimpleQueueService.EmptyBatchRequest", 400,
		"There should be at least one entry in the request.")
}

func errTooManyEntriesInBatchRequest(n int) *api.Error {
	return sqsError("TooManyEntriesInBatchRequest", "AWS.SimpleQueueService.TooManyEntriesInBatchRequest", 400,
		"Maximum number of entries per request are 10. You have sent "+strconv.Itoa(n)+".")
}

func errBatchEntryIdsNotDistinct(id string) *api.Error {
	return sqsError("BatchEntryIdsNotDistinct", "AWS.SimpleQueueService.BatchEntryIdsNotDistinct", 400,
		"Id "+id+" repeated.")
}

func errInvalidBatchEntryID() *api.Error {
	return sqsError("InvalidBatchEntryId", "AWS.SimpleQueueService.InvalidBatchEntryId", 400,
		"A batch entry id can only contain alphanumeric characters, hyphens and underscores. It can be at most 80 letters long.")
}

func errBatchRequestTooLong(size, max int) *api.Error {
	return sqsError("BatchRequestTooLong", "AWS.SimpleQueueService.BatchRequestTooLong", 400,
		"Batch requests cannot be longer than "+strconv.Itoa(max)+" bytes. You have sent "+strconv.Itoa(size)+" bytes.")
}

func errInvalidAddress(url string) *api.Error {
	return sqsError("InvalidAddress", "InvalidAddress", 404, "The address "+url+" is not valid for this endpoint.")
}

func errResourceNotFound(msg string) *api.Error {
	return sqsError("ResourceNotFoundException", "ResourceNotFoundException", 404, msg)
}

func errUnsupportedOperation(msg string) *api.Error {
	return sqsError("UnsupportedOperation", "AWS.SimpleQueueService.UnsupportedOperation", 400, msg)
}

func errOverLimit(msg string) *api.Error {
	return sqsError("OverLimit", "OverLimit", 403, msg)
}

// The KMS errors SQS answers for an encrypted queue (SSE-KMS) when KMS
// refuses the data key: the message is KMS's own, relayed as SQS relays it.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html#API_SendMessage_Errors

func errKmsAccessDenied(msg string) *api.Error {
	return sqsError("KmsAccessDenied", "KMS.AccessDeniedException", 400, msg)
}

func errKmsDisabled(msg string) *api.Error {
	return sqsError("KmsDisabled", "KMS.DisabledException", 400, msg)
}

func errKmsInvalidState(msg string) *api.Error {
	return sqsError("KmsInvalidState", "KMS.InvalidStateException", 400, msg)
}

func errKmsNotFound(msg string) *api.Error {
	return sqsError("KmsNotFound", "KMS.NotFoundException", 400, msg)
}

func errKmsInvalidKeyUsage(msg string) *api.Error {
	return sqsError("KmsInvalidKeyUsage", "KMS.InvalidKeyUsageException", 400, msg)
}
