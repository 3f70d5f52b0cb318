package sqs_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sqs/schemas"
	"github.com/aws/aws-sdk-go-v2/service/sqs/types"
	"github.com/aws/smithy-go"
	smithytraits "github.com/aws/smithy-go/traits"

	"github.com/ferry-emulator/ferry/sqs"
)

// The SQS errors of errors.go against aws-sdk-go-v2's SQS model: the JSON
// code (__type) is the SDK error type's ErrorCode(), the query code and the
// HTTP status are the shape's awsQueryError and httpError traits (query code
// defaulting to the shape name, status to 400), and every one is a client
// fault.

type sdkError interface{ ErrorCode() string }

var sdkErrorOf = map[string]struct {
	typ    sdkError
	schema *smithy.Schema
}{
	"errQueueDoesNotExist":            {&types.QueueDoesNotExist{}, schemas.QueueDoesNotExist},
	"errQueueNameExists":              {&types.QueueNameExists{}, schemas.QueueNameExists},
	"errQueueDeletedRecently":         {&types.QueueDeletedRecently{}, schemas.QueueDeletedRecently},
	"errInvalidAttributeName":         {&types.InvalidAttributeName{}, schemas.InvalidAttributeName},
	"errInvalidAttributeValue":        {&types.InvalidAttributeValue{}, schemas.InvalidAttributeValue},
	"errInvalidMessageContents":       {&types.InvalidMessageContents{}, schemas.InvalidMessageContents},
	"errReceiptHandleIsInvalid":       {&types.ReceiptHandleIsInvalid{}, schemas.ReceiptHandleIsInvalid},
	"errMessageNotInflight":           {&types.MessageNotInflight{}, schemas.MessageNotInflight},
	"errPurgeQueueInProgress":         {&types.PurgeQueueInProgress{}, schemas.PurgeQueueInProgress},
	"errEmptyBatchRequest":            {&types.EmptyBatchRequest{}, schemas.EmptyBatchRequest},
	"errTooManyEntriesInBatchRequest": {&types.TooManyEntriesInBatchRequest{}, schemas.TooManyEntriesInBatchRequest},
	"errBatchEntryIdsNotDistinct":     {&types.BatchEntryIdsNotDistinct{}, schemas.BatchEntryIdsNotDistinct},
	"errInvalidBatchEntryID":          {&types.InvalidBatchEntryId{}, schemas.InvalidBatchEntryId},
	"errBatchRequestTooLong":          {&types.BatchRequestTooLong{}, schemas.BatchRequestTooLong},
	"errInvalidAddress":               {&types.InvalidAddress{}, schemas.InvalidAddress},
	"errResourceNotFound":             {&types.ResourceNotFoundException{}, schemas.ResourceNotFoundException},
	"errOverLimit":                    {&types.OverLimit{}, schemas.OverLimit},
	"errUnsupportedOperation":         {&types.UnsupportedOperation{}, schemas.UnsupportedOperation},
	"errKmsAccessDenied":              {&types.KmsAccessDenied{}, schemas.KmsAccessDenied},
	"errKmsDisabled":                  {&types.KmsDisabled{}, schemas.KmsDisabled},
	"errKmsInvalidState":              {&types.KmsInvalidState{}, schemas.KmsInvalidState},
	"errKmsNotFound":                  {&types.KmsNotFound{}, schemas.KmsNotFound},
	"errKmsInvalidKeyUsage":           {&types.KmsInvalidKeyUsage{}, schemas.KmsInvalidKeyUsage},
}

func TestErrorsMatchSDKModel(t *testing.T) {
	for name, mk := range sqs.ErrorConstructors {
		sdk, ok := sdkErrorOf[name]
		if !ok {
			t.Errorf("%s: no SDK error to check it against", name)
			continue
		}
		e := mk()
		if want := sdk.typ.ErrorCode(); e.Code != want || sdk.schema.ID().Name != want {
			t.Errorf("%s: code %q, SDK %q (shape %s)", name, e.Code, want, sdk.schema.ID().Name)
		}
		if e.JSONType != "" {
			t.Errorf("%s: JSON __type overridden as %q; SQS's is com.amazonaws.sqs#%s", name, e.JSONType, e.Code)
		}
		wantQuery, wantStatus := e.Code, http.StatusBadRequest
		if h, ok := smithy.SchemaTrait[*smithytraits.HTTPError](sdk.schema); ok {
			wantStatus = h.Code
		}
		if q, ok := smithy.SchemaTrait[*smithytraits.AWSQueryError](sdk.schema); ok {
			wantQuery = q.ErrorCode
			if q.StatusCode != wantStatus {
				t.Errorf("%s: the model's query status %d and HTTP status %d differ", name, q.StatusCode, wantStatus)
			}
		}
		if e.WireCode() != wantQuery {
			t.Errorf("%s: query code %q, want %q", name, e.WireCode(), wantQuery)
		}
		if e.Status != wantStatus {
			t.Errorf("%s: status %d, want %d", name, e.Status, wantStatus)
		}
		fault, ok := smithy.SchemaTrait[*smithytraits.Error](sdk.schema)
		if !ok || fault.Type != "client" || e.Receiver || e.Fault() != "Sender" {
			t.Errorf("%s: fault %s, model %+v", name, e.Fault(), fault)
		}
		if e.Message == "" {
			t.Errorf("%s: empty message", name)
		}
	}
}

// Every constructor in errors.go is in the table above, so a new one cannot
// skip the check.
func TestErrorsTableIsComplete(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "err") {
			continue
		}
		n++
		if _, ok := sqs.ErrorConstructors[fn.Name.Name]; !ok {
			t.Errorf("errors.go declares %s, which ErrorConstructors (export_test.go) does not list", fn.Name.Name)
		}
	}
	if n != len(sqs.ErrorConstructors) {
		t.Errorf("errors.go has %d constructors, ErrorConstructors %d", n, len(sqs.ErrorConstructors))
	}
}
