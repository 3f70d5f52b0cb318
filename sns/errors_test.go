package sns_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sns/schemas"
	"github.com/aws/aws-sdk-go-v2/service/sns/types"
	"github.com/aws/smithy-go"
	smithytraits "github.com/aws/smithy-go/traits"

	"github.com/ferry-emulator/ferry/sns"
)

// The SNS errors of errors.go against aws-sdk-go-v2's SNS model: the wire
// code is the SDK error type's ErrorCode() and the shape's awsQueryError
// code, the HTTP status the shape's httpError trait, and every one is a
// client fault.

var sdkErrorOf = map[string]struct {
	typ    interface{ ErrorCode() string }
	schema *smithy.Schema
}{
	"errInvalidParameter":         {&types.InvalidParameterException{}, schemas.InvalidParameterException},
	"errInvalidParameterValue":    {&types.InvalidParameterValueException{}, schemas.InvalidParameterValueException},
	"errTopicNotFound":            {&types.NotFoundException{}, schemas.NotFoundException},
	"errSubscriptionNotFound":     {&types.NotFoundException{}, schemas.NotFoundException},
	"errAuthorization":            {&types.AuthorizationErrorException{}, schemas.AuthorizationErrorException},
	"errResourceNotFound":         {&types.ResourceNotFoundException{}, schemas.ResourceNotFoundException},
	"errTagLimitExceeded":         {&types.TagLimitExceededException{}, schemas.TagLimitExceededException},
	"errEmptyBatchRequest":        {&types.EmptyBatchRequestException{}, schemas.EmptyBatchRequestException},
	"errTooManyEntries":           {&types.TooManyEntriesInBatchRequestException{}, schemas.TooManyEntriesInBatchRequestException},
	"errBatchEntryIdsNotDistinct": {&types.BatchEntryIdsNotDistinctException{}, schemas.BatchEntryIdsNotDistinctException},
	"errInvalidBatchEntryID":      {&types.InvalidBatchEntryIdException{}, schemas.InvalidBatchEntryIdException},
	"errBatchRequestTooLong":      {&types.BatchRequestTooLongException{}, schemas.BatchRequestTooLongException},
	"errKMSAccessDenied":          {&types.KMSAccessDeniedException{}, schemas.KMSAccessDeniedException},
	"errKMSDisabled":              {&types.KMSDisabledException{}, schemas.KMSDisabledException},
	"errKMSInvalidState":          {&types.KMSInvalidStateException{}, schemas.KMSInvalidStateException},
	"errKMSNotFound":              {&types.KMSNotFoundException{}, schemas.KMSNotFoundException},
}

func TestErrorsMatchSDKModel(t *testing.T) {
	for name, mk := range sns.ErrorConstructors {
		sdk, ok := sdkErrorOf[name]
		if !ok {
			t.Errorf("%s: no SDK error to check it against", name)
			continue
		}
		e := mk()
		wantCode, wantStatus := sdk.schema.ID().Name, http.StatusBadRequest
		if q, ok := smithy.SchemaTrait[*smithytraits.AWSQueryError](sdk.schema); ok {
			wantCode = q.ErrorCode
		}
		if h, ok := smithy.SchemaTrait[*smithytraits.HTTPError](sdk.schema); ok {
			wantStatus = h.Code
		}
		if e.WireCode() != wantCode || sdk.typ.ErrorCode() != wantCode {
			t.Errorf("%s: code %q, model %q, SDK %q", name, e.WireCode(), wantCode, sdk.typ.ErrorCode())
		}
		if e.Status != wantStatus {
			t.Errorf("%s: status %d, want %d", name, e.Status, wantStatus)
		}
		if fault, ok := smithy.SchemaTrait[*smithytraits.Error](sdk.schema); !ok || fault.Type != "client" || e.Fault() != "Sender" {
			t.Errorf("%s: fault %s, model %+v", name, e.Fault(), fault)
		}
		if e.Message == "" {
			t.Errorf("%s: empty message", name)
		}
	}
}

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
		if _, ok := sns.ErrorConstructors[fn.Name.Name]; !ok {
			t.Errorf("errors.go declares %s, which ErrorConstructors (export_test.go) does not list", fn.Name.Name)
		}
	}
	if n != len(sns.ErrorConstructors) {
		t.Errorf("errors.go has %d constructors, ErrorConstructors %d", n, len(sns.ErrorConstructors))
	}
}
