package kms_test

import (
	"context"
	"errors"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// The KMS operations ferry does not model (multi-Region replicas, imported
// key material, key agreement) are not in the action table, so they get
// the JSON protocol's answer to an operation the service does not know:
// UnknownOperationException with HTTP 400, as an AWS JSON service gives
// for an X-Amz-Target it has no operation for. Never a success that did
// nothing.
func TestUnmodelledOperationsAreUnknown(t *testing.T) {
	_, c := setup(t)
	k := newKey(t, c, "")
	for name, call := range map[string]func(context.Context) error{
		"ReplicateKey": func(ctx context.Context) error {
			_, err := c.ReplicateKey(ctx, &kms.ReplicateKeyInput{KeyId: k.Arn, ReplicaRegion: aws.String("eu-west-1")})
			return err
		},
		"ImportKeyMaterial": func(ctx context.Context) error {
			_, err := c.ImportKeyMaterial(ctx, &kms.ImportKeyMaterialInput{KeyId: k.KeyId,
				ImportToken: []byte("token"), EncryptedKeyMaterial: []byte("material"),
				ExpirationModel: types.ExpirationModelTypeKeyMaterialDoesNotExpire})
			return err
		},
		"GetParametersForImport": func(ctx context.Context) error {
			_, err := c.GetParametersForImport(ctx, &kms.GetParametersForImportInput{KeyId: k.KeyId,
				WrappingAlgorithm: types.AlgorithmSpecRsaesOaepSha256, WrappingKeySpec: types.WrappingKeySpecRsa4096})
			return err
		},
		"DeleteImportedKeyMaterial": func(ctx context.Context) error {
			_, err := c.DeleteImportedKeyMaterial(ctx, &kms.DeleteImportedKeyMaterialInput{KeyId: k.KeyId})
			return err
		},
		"DeriveSharedSecret": func(ctx context.Context) error {
			_, err := c.DeriveSharedSecret(ctx, &kms.DeriveSharedSecretInput{KeyId: k.KeyId,
				KeyAgreementAlgorithm: types.KeyAgreementAlgorithmSpecEcdh, PublicKey: []byte("public key")})
			return err
		},
		"UpdatePrimaryRegion": func(ctx context.Context) error {
			_, err := c.UpdatePrimaryRegion(ctx, &kms.UpdatePrimaryRegionInput{KeyId: k.Arn, PrimaryRegion: aws.String("eu-west-1")})
			return err
		},
	} {
		t.Run(name, func(t *testing.T) {
			err := call(ctxT(t))
			if err == nil {
				t.Fatal("succeeded: ferry does not implement it")
			}
			if code := errorCode(err); code != "UnknownOperationException" {
				t.Fatalf("error %v, want UnknownOperationException", err)
			}
			var re *smithyhttp.ResponseError
			if !errors.As(err, &re) || re.HTTPStatusCode() != http.StatusBadRequest {
				t.Fatalf("error %v, want HTTP 400", err)
			}
		})
	}
	// Nothing happened to the key on the way.
	d, err := c.DescribeKey(ctxT(t), &kms.DescribeKeyInput{KeyId: k.KeyId})
	if err != nil || d.KeyMetadata.KeyState != types.KeyStateEnabled || d.KeyMetadata.Origin != types.OriginTypeAwsKms ||
		d.KeyMetadata.MultiRegion == nil || *d.KeyMetadata.MultiRegion {
		t.Fatalf("the key afterwards: %+v %v", d, err)
	}
}
