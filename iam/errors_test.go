package iam_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/iam/schemas"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
	smithytraits "github.com/aws/smithy-go/traits"

	"github.com/ferry-emulator/ferry/iam"
)

// The IAM errors of errors.go against aws-sdk-go-v2's IAM model: the shape
// name, the query code (the awsQueryError trait; what the SDK's
// ErrorCode() returns) and the HTTP status, and every one a client fault.

type sdkError interface {
	ErrorCode() string
	ErrorFault() smithy.ErrorFault
}

var sdkErrorOf = map[string]struct {
	typ    sdkError
	schema *smithy.Schema
}{
	"errNoSuchEntity":            {&types.NoSuchEntityException{}, schemas.NoSuchEntityException},
	"errEntityAlreadyExists":     {&types.EntityAlreadyExistsException{}, schemas.EntityAlreadyExistsException},
	"errDeleteConflict":          {&types.DeleteConflictException{}, schemas.DeleteConflictException},
	"errLimitExceeded":           {&types.LimitExceededException{}, schemas.LimitExceededException},
	"errMalformedPolicyDocument": {&types.MalformedPolicyDocumentException{}, schemas.MalformedPolicyDocumentException},
	"errInvalidInput":            {&types.InvalidInputException{}, schemas.InvalidInputException},
	"errPolicyNotAttachable":     {&types.PolicyNotAttachableException{}, schemas.PolicyNotAttachableException},
}

func TestErrorsMatchSDKModel(t *testing.T) {
	for name, mk := range iam.ErrorConstructors {
		sdk, ok := sdkErrorOf[name]
		if !ok {
			t.Errorf("%s: no SDK error to check it against", name)
			continue
		}
		e := mk()
		if e.Code != sdk.schema.ID().Name {
			t.Errorf("%s: shape %q, SDK %q", name, e.Code, sdk.schema.ID().Name)
		}
		q, ok := smithy.SchemaTrait[*smithytraits.AWSQueryError](sdk.schema)
		if !ok {
			t.Errorf("%s: the model has no query error trait", name)
			continue
		}
		if e.WireCode() != q.ErrorCode || e.WireCode() != sdk.typ.ErrorCode() {
			t.Errorf("%s: query code %q, model %q, SDK %q", name, e.WireCode(), q.ErrorCode, sdk.typ.ErrorCode())
		}
		if e.Status != q.StatusCode {
			t.Errorf("%s: status %d, want %d", name, e.Status, q.StatusCode)
		}
		if h, ok := smithy.SchemaTrait[*smithytraits.HTTPError](sdk.schema); ok && h.Code != e.Status {
			t.Errorf("%s: status %d, HTTP trait %d", name, e.Status, h.Code)
		}
		if e.Receiver || sdk.typ.ErrorFault() != smithy.FaultClient {
			t.Errorf("%s: fault mismatch (receiver %v, SDK %v)", name, e.Receiver, sdk.typ.ErrorFault())
		}
	}
	if len(iam.ErrorConstructors) != len(sdkErrorOf) {
		t.Errorf("%d constructors exported, %d checked", len(iam.ErrorConstructors), len(sdkErrorOf))
	}
}

// TestEveryModelledErrorIsChecked reads errors.go and fails when a
// constructor of a modelled error is not in ErrorConstructors.
func TestEveryModelledErrorIsChecked(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "errors.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range f.Decls {
		fn, ok := d.(*ast.FuncDecl)
		if !ok || fn.Recv != nil || !strings.HasPrefix(fn.Name.Name, "err") {
			continue
		}
		switch fn.Name.Name {
		case "errValidation", "errAccessDenied": // common errors with no IAM shape
			continue
		}
		if _, ok := iam.ErrorConstructors[fn.Name.Name]; !ok {
			t.Errorf("errors.go: %s is not checked against the SDK", fn.Name.Name)
		}
	}
}
