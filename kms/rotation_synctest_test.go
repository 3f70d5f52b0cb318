package kms

import (
	"context"
	"testing"
	"testing/synctest"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/persist"
)

// Automatic key rotation in synctest time: the service runs in the bubble
// with its default clock, time.Now, which is the bubble's fake clock, and
// time.Sleep moves it on at once. Calls go straight to the action table
// (target resolution, then the handler) with no network and no policy
// decision: this is about dates and key material, not authorization.
// https://docs.aws.amazon.com/kms/latest/developerguide/rotate-keys.html

// bubbleKMS is a KMS service and the root of one account calling it.
type bubbleKMS struct {
	t *testing.T
	s *Service
}

func (b bubbleKMS) call(action string, in any) (any, error) {
	a := b.s.api.Actions[action]
	if a == nil {
		b.t.Fatalf("no action %s", action)
	}
	const account = "000000000000"
	req := &api.Request{
		ID: "r", Service: "kms", Action: action, Account: account, Region: "us-east-1", Time: time.Now(),
		Principal: api.Principal{ARN: "arn:aws:iam::" + account + ":root", Account: account, Type: api.PrincipalRoot, UserID: account},
	}
	ctx := context.Background()
	if _, err := a.Target(ctx, req, in); err != nil {
		return nil, err
	}
	return a.Call(ctx, req, in)
}

func bubbleCall[Out any](b bubbleKMS, action string, in any) *Out {
	b.t.Helper()
	out, err := b.call(action, in)
	if err != nil {
		b.t.Fatalf("%s: %v", action, err)
	}
	if out == nil {
		return nil
	}
	return out.(*Out)
}

func TestAutomaticRotationInSynctestTime(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, err := New(Config{Store: persist.NewMemory()})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		b := bubbleKMS{t, s}
		start := time.Now()
		key := bubbleCall[createKeyOutput](b, "CreateKey", &createKeyInput{}).KeyMetadata
		day := 24 * time.Hour

		// RotationPeriodInDays is 90 to 2560 days (API_EnableKeyRotation).
		tooShort := int32(89)
		_, err = b.call("EnableKeyRotation", &enableKeyRotationInput{KeyId: key.KeyId, RotationPeriodInDays: &tooShort})
		if e := api.AsError(err); e == nil || e.Code != "ValidationException" {
			t.Fatalf("a period of 89 days: %v, want ValidationException", err)
		}
		period := int32(90)
		bubbleCall[struct{}](b, "EnableKeyRotation", &enableKeyRotationInput{KeyId: key.KeyId, RotationPeriodInDays: &period})
		st := bubbleCall[getKeyRotationStatusOutput](b, "GetKeyRotationStatus", &keyIDInput{KeyId: key.KeyId})
		if !st.KeyRotationEnabled || st.RotationPeriodInDays == nil || *st.RotationPeriodInDays != 90 ||
			st.NextRotationDate == nil || !time.Time(*st.NextRotationDate).Equal(start.Add(90*day)) {
			t.Fatalf("rotation status %+v, want the next rotation at %v", st, start.Add(90*day))
		}

		encrypt := func(plaintext string) []byte {
			t.Helper()
			out := bubbleCall[EncryptOutput](b, "Encrypt", &EncryptInput{KeyId: key.KeyId, Plaintext: []byte(plaintext)})
			if out.KeyId != key.Arn {
				t.Fatalf("Encrypt answered for key %s, want %s", out.KeyId, key.Arn)
			}
			return out.CiphertextBlob
		}
		material := func(ct []byte) uint32 {
			t.Helper()
			blob, ok := parseCiphertext(ct)
			if !ok {
				t.Fatal("a ciphertext that does not parse")
			}
			return blob.material
		}
		rotations := func() []rotationsListEntry {
			t.Helper()
			return bubbleCall[listKeyRotationsOutput](b, "ListKeyRotations", &listKeyRotationsInput{KeyId: key.KeyId}).Rotations
		}
		first := encrypt("under the first material")

		// A second short of the period: nothing has rotated.
		time.Sleep(90*day - time.Second)
		if v := material(encrypt("still the first")); v != 0 {
			t.Fatalf("material %d a second before the rotation date, want 0", v)
		}
		if rs := rotations(); len(rs) != 0 {
			t.Fatalf("rotations before the date: %+v", rs)
		}

		// Past the period: new key material, which new encryptions use.
		time.Sleep(2 * time.Second)
		second := encrypt("under the second material")
		if v := material(second); v != 1 {
			t.Fatalf("material %d after the rotation date, want 1", v)
		}
		rs := rotations()
		if len(rs) != 1 || rs[0].KeyId != key.Arn || rs[0].RotationType != "AUTOMATIC" ||
			!time.Time(rs[0].RotationDate).Equal(start.Add(90*day)) {
			t.Fatalf("rotations %+v, want one AUTOMATIC rotation dated %v", rs, start.Add(90*day))
		}
		st = bubbleCall[getKeyRotationStatusOutput](b, "GetKeyRotationStatus", &keyIDInput{KeyId: key.KeyId})
		if st.NextRotationDate == nil || !time.Time(*st.NextRotationDate).Equal(start.Add(180*day)) {
			t.Fatalf("next rotation %v, want %v", st.NextRotationDate, start.Add(180*day))
		}

		// What the old material encrypted still decrypts, and so does the new.
		for _, c := range []struct {
			blob []byte
			want string
		}{{first, "under the first material"}, {second, "under the second material"}} {
			out := bubbleCall[DecryptOutput](b, "Decrypt", &DecryptInput{CiphertextBlob: c.blob})
			if string(out.Plaintext) != c.want || out.KeyId != key.Arn {
				t.Fatalf("Decrypt: %q under %s, want %q", out.Plaintext, out.KeyId, c.want)
			}
		}

		// Every period brings another rotation.
		time.Sleep(90 * day)
		if v := material(encrypt("under the third material")); v != 2 {
			t.Fatalf("material %d after two periods, want 2", v)
		}
		if rs := rotations(); len(rs) != 2 || !time.Time(rs[1].RotationDate).Equal(start.Add(180*day)) {
			t.Fatalf("rotations after two periods: %+v", rs)
		}
	})
}
