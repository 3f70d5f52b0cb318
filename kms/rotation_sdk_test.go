package kms_test

import (
	"encoding/binary"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/kms/types"
)

// materialVersion reads which key material made a ciphertext (see
// ciphertext.go for the format).
func materialVersion(t *testing.T, blob []byte) uint32 {
	t.Helper()
	n := int(blob[1])
	return binary.BigEndian.Uint32(blob[2+n : 6+n])
}

func TestKeyRotation(t *testing.T) {
	_, c := setup(t)
	ctx := ctxT(t)
	k := newKey(t, c, "")
	st, err := c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: k.KeyId})
	if err != nil || st.KeyRotationEnabled || aws.ToString(st.KeyId) != *k.Arn {
		t.Fatalf("a new key does not rotate: %+v %v", st, err)
	}
	for _, days := range []int32{89, 2561} {
		_, err := c.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: k.KeyId, RotationPeriodInDays: aws.Int32(days)})
		wantError(t, err, "ValidationException", "at 'rotationPeriodInDays' failed to satisfy constraint")
	}
	if _, err := c.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: k.KeyId}); err != nil {
		t.Fatal(err)
	}
	st, _ = c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: k.KeyId})
	if !st.KeyRotationEnabled || aws.ToInt32(st.RotationPeriodInDays) != 365 || st.NextRotationDate == nil ||
		time.Until(*st.NextRotationDate) < 364*24*time.Hour {
		t.Fatalf("after EnableKeyRotation: %+v", st)
	}
	if _, err := c.EnableKeyRotation(ctx, &kms.EnableKeyRotationInput{KeyId: k.KeyId, RotationPeriodInDays: aws.Int32(90)}); err != nil {
		t.Fatal(err)
	}
	st, _ = c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: k.KeyId})
	if aws.ToInt32(st.RotationPeriodInDays) != 90 {
		t.Fatalf("period %d, want 90", aws.ToInt32(st.RotationPeriodInDays))
	}

	before := encrypt(t, c, *k.KeyId, "old material", map[string]string{"v": "0"})
	if materialVersion(t, before) != 0 {
		t.Fatalf("material version %d before rotating", materialVersion(t, before))
	}
	out, err := c.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: k.KeyId})
	if err != nil || aws.ToString(out.KeyId) != *k.Arn {
		t.Fatalf("RotateKeyOnDemand: %+v %v", out, err)
	}
	after := encrypt(t, c, *k.KeyId, "new material", nil)
	if materialVersion(t, after) != 1 {
		t.Fatalf("material version %d after rotating", materialVersion(t, after))
	}
	if got := decrypt(t, c, before, map[string]string{"v": "0"}); got != "old material" {
		t.Fatalf("an old ciphertext decrypted to %q after rotation", got)
	}
	if got := decrypt(t, c, after, nil); got != "new material" {
		t.Fatalf("decrypted %q", got)
	}
	rots, err := c.ListKeyRotations(ctx, &kms.ListKeyRotationsInput{KeyId: k.KeyId})
	if err != nil || len(rots.Rotations) != 1 || rots.Rotations[0].RotationType != types.RotationTypeOnDemand ||
		aws.ToString(rots.Rotations[0].KeyId) != *k.Arn || rots.Rotations[0].RotationDate == nil {
		t.Fatalf("ListKeyRotations: %+v %v", rots, err)
	}
	for range 9 {
		if _, err := c.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: k.KeyId}); err != nil {
			t.Fatal(err)
		}
	}
	_, err = c.RotateKeyOnDemand(ctx, &kms.RotateKeyOnDemandInput{KeyId: k.KeyId})
	wantError(t, err, "LimitExceededException", "on-demand rotations")
	page, err := c.ListKeyRotations(ctx, &kms.ListKeyRotationsInput{KeyId: k.KeyId, Limit: aws.Int32(4)})
	if err != nil || len(page.Rotations) != 4 || !page.Truncated {
		t.Fatalf("first page: %+v %v", page, err)
	}
	rest, err := c.ListKeyRotations(ctx, &kms.ListKeyRotationsInput{KeyId: k.KeyId, Marker: page.NextMarker, Limit: aws.Int32(100)})
	if err != nil || len(rest.Rotations) != 6 || rest.Truncated {
		t.Fatalf("second page: %+v %v", rest, err)
	}
	if got := decrypt(t, c, before, map[string]string{"v": "0"}); got != "old material" {
		t.Fatalf("after ten rotations the first ciphertext decrypted to %q", got)
	}
	if _, err := c.DisableKeyRotation(ctx, &kms.DisableKeyRotationInput{KeyId: k.KeyId}); err != nil {
		t.Fatal(err)
	}
	st, _ = c.GetKeyRotationStatus(ctx, &kms.GetKeyRotationStatusInput{KeyId: k.KeyId})
	if st.KeyRotationEnabled || st.NextRotationDate != nil {
		t.Fatalf("after DisableKeyRotation: %+v", st)
	}
}
