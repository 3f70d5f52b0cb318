package sqs

import (
	"encoding/json"
	"testing"
)

// The hand-written JSON of the hottest result must be what encoding/json
// renders for it.
func FuzzSendMessageOutputJSON(f *testing.F) {
	f.Add("5d41402abc4b2a76b9719d911017c592", "", "", "6f6a7a2c-2c87-4a5e-9d0a-6f5b1b1c7d2e", "")
	f.Add("a", "b", "c", "d", "18876543210987654321")
	f.Add("", "\x00<>&\"", "\xff", "", "日本")
	f.Fuzz(func(t *testing.T, body, attrs, sys, id, seq string) {
		o := &sendMessageOutput{MD5OfMessageBody: body, MD5OfMessageAttributes: attrs,
			MD5OfMessageSystemAttributes: sys, MessageID: id, SequenceNumber: seq}
		want, err := json.Marshal(o)
		if err != nil {
			t.Fatal(err)
		}
		if got := o.AppendJSON(nil); string(got) != string(want) {
			t.Fatalf("AppendJSON = %s\nencoding/json = %s", got, want)
		}
	})
}
