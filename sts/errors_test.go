package sts_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/sts/schemas"
	ststypes "github.com/aws/aws-sdk-go-v2/service/sts/types"
	smithy "github.com/aws/smithy-go"
	smithytraits "github.com/aws/smithy-go/traits"

	"github.com/ferry-emulator/ferry/sts"
)

// The STS errors of errors.go against aws-sdk-go-v2's STS model: shape
// name, query code (what the SDK's ErrorCode() returns) and HTTP status.

var sdkErrorOf = map[string]struct {
	typ interface {
		ErrorCode() string
		ErrorFault() smithy.ErrorFault
	}
	schema *smithy.Schema
}{
	"errMalformedPolicyDocument":     {&ststypes.MalformedPolicyDocumentException{}, schemas.MalformedPolicyDocumentException},
	"errPackedPolicyTooLarge":        {&ststypes.PackedPolicyTooLargeException{}, schemas.PackedPolicyTooLargeException},
	"errInvalidAuthorizationMessage": {&ststypes.InvalidAuthorizationMessageException{}, schemas.InvalidAuthorizationMessageException},
}

func TestErrorsMatchSDKModel(t *testing.T) {
	for name, mk := range sts.ErrorConstructors {
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
			t.Errorf("%s: no query error trait", name)
			continue
		}
		if e.WireCode() != q.ErrorCode || e.WireCode() != sdk.typ.ErrorCode() {
			t.Errorf("%s: query code %q, model %q, SDK %q", name, e.WireCode(), q.ErrorCode, sdk.typ.ErrorCode())
		}
		if e.Status != q.StatusCode {
			t.Errorf("%s: status %d, want %d", name, e.Status, q.StatusCode)
		}
		if e.Receiver || sdk.typ.ErrorFault() != smithy.FaultClient {
			t.Errorf("%s: fault", name)
		}
	}
}

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
		case "errValidation", "errInvalidParameterValue", "errAccessDenied": // common errors, no STS shape
			continue
		}
		if _, ok := sts.ErrorConstructors[fn.Name.Name]; !ok {
			t.Errorf("errors.go: %s is not checked against the SDK", fn.Name.Name)
		}
	}
}
