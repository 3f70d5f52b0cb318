package kms_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms/schemas"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	"github.com/aws/smithy-go"
	smithytraits "github.com/aws/smithy-go/traits"

	"github.com/ferry-emulator/ferry/kms"
)

// The KMS errors of errors.go against aws-sdk-go-v2's KMS model: the code
// is the SDK error type's ErrorCode() and the shape's name, every one is a
// client fault, and the HTTP status is 400, which KMS sends for every client
// error whatever the model's httpError says, except DryRunOperationException,
// whose 412 the model gives.

var sdkErrorOf = map[string]struct {
	typ    interface{ ErrorCode() string }
	schema *smithy.Schema
}{
	"errNotFound":          {&types.NotFoundException{}, schemas.NotFoundException},
	"errKeyNotFound":       {&types.NotFoundException{}, schemas.NotFoundException},
	"errAliasNotFound":     {&types.NotFoundException{}, schemas.NotFoundException},
	"errInvalidKeyID":      {&types.NotFoundException{}, schemas.NotFoundException},
	"errDisabled":          {&types.DisabledException{}, schemas.DisabledException},
	"errInvalidState":      {&types.KMSInvalidStateException{}, schemas.KMSInvalidStateException},
	"errInvalidCiphertext": {&types.InvalidCiphertextException{}, schemas.InvalidCiphertextException},
	"errIncorrectKey":      {&types.IncorrectKeyException{}, schemas.IncorrectKeyException},
	"errAlreadyExists":     {&types.AlreadyExistsException{}, schemas.AlreadyExistsException},
	"errInvalidAliasName":  {&types.InvalidAliasNameException{}, schemas.InvalidAliasNameException},
	"errMalformedPolicy":   {&types.MalformedPolicyDocumentException{}, schemas.MalformedPolicyDocumentException},
	"errLimitExceeded":     {&types.LimitExceededException{}, schemas.LimitExceededException},
	"errInvalidGrantToken": {&types.InvalidGrantTokenException{}, schemas.InvalidGrantTokenException},
	"errInvalidGrantID":    {&types.InvalidGrantIdException{}, schemas.InvalidGrantIdException},
	"errTag":               {&types.TagException{}, schemas.TagException},
	"errUnsupported":       {&types.UnsupportedOperationException{}, schemas.UnsupportedOperationException},
	"errInvalidMarker":     {&types.InvalidMarkerException{}, schemas.InvalidMarkerException},
	"errInvalidKeyUsage":   {&types.InvalidKeyUsageException{}, schemas.InvalidKeyUsageException},
	"errInvalidSignature":  {&types.KMSInvalidSignatureException{}, schemas.KMSInvalidSignatureException},
	"errInvalidMac":        {&types.KMSInvalidMacException{}, schemas.KMSInvalidMacException},
	"errDryRun":            {&types.DryRunOperationException{}, schemas.DryRunOperationException},
	"errInvalidArn":        {&types.InvalidArnException{}, schemas.InvalidArnException},
}

// notInModel are the errors KMS sends that its model does not declare:
// the SDKs surface them as generic API errors with these codes.
var notInModel = map[string]string{
	"errAccessDenied": "AccessDeniedException",
	"errMissingKey":   "AccessDeniedException",
	"errManagedKey":   "AccessDeniedException",
	"errValidation":   "ValidationException",
}

// messageless are the errors KMS sends without a message.
var messageless = map[string]bool{"errInvalidCiphertext": true, "errInvalidSignature": true, "errInvalidMac": true}

func TestErrorsMatchSDKModel(t *testing.T) {
	for name, mk := range kms.ErrorConstructors {
		e := mk()
		if e.Fault() != "Sender" {
			t.Errorf("%s: fault %s", name, e.Fault())
		}
		if code, ok := notInModel[name]; ok {
			if e.Code != code || e.Status != http.StatusBadRequest || e.Message == "" {
				t.Errorf("%s: %s %d %q, want %s 400", name, e.Code, e.Status, e.Message, code)
			}
			continue
		}
		sdk, ok := sdkErrorOf[name]
		if !ok {
			t.Errorf("%s: no SDK error to check it against", name)
			continue
		}
		wantCode := sdk.schema.ID().Name
		if e.Code != wantCode || sdk.typ.ErrorCode() != wantCode {
			t.Errorf("%s: code %q, model %q, SDK %q", name, e.Code, wantCode, sdk.typ.ErrorCode())
		}
		wantStatus := http.StatusBadRequest
		if h, ok := smithy.SchemaTrait[*smithytraits.HTTPError](sdk.schema); ok && h.Code != http.StatusBadRequest && wantCode == "DryRunOperationException" {
			wantStatus = h.Code
		}
		if e.Status != wantStatus {
			t.Errorf("%s: status %d, want %d", name, e.Status, wantStatus)
		}
		if fault, ok := smithy.SchemaTrait[*smithytraits.Error](sdk.schema); !ok || fault.Type != "client" {
			t.Errorf("%s: the model says %+v", name, fault)
		}
		// KMS says nothing about a ciphertext it cannot open, a signature
		// or a MAC that does not verify.
		if (e.Message == "") != messageless[name] {
			t.Errorf("%s: message %q", name, e.Message)
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
		if _, ok := kms.ErrorConstructors[fn.Name.Name]; !ok {
			t.Errorf("errors.go declares %s, which ErrorConstructors (export_test.go) does not list", fn.Name.Name)
		}
	}
	if n != len(kms.ErrorConstructors) {
		t.Errorf("errors.go has %d constructors, ErrorConstructors %d", n, len(kms.ErrorConstructors))
	}
}
