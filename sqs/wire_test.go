package sqs

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/ferry-emulator/ferry/emulator/api"
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

// Whatever the fast path accepts, it must decode exactly as encoding/json.
func FuzzSendMessageInputFlatJSON(f *testing.F) {
	for _, s := range []string{
		`{"QueueUrl":"http://localhost:4566/000000000000/q","MessageBody":"hello"}`,
		` { "QueueUrl" : "u" , "MessageBody" : "日本語", "DelaySeconds" : 5 } `,
		`{"MessageBody":"a","MessageBody":"b"}`,
		`{"queueurl":"u"}`, `{"DelaySeconds":-0}`, `{"DelaySeconds":012}`, `{"DelaySeconds":99999999999}`,
		`{"MessageBody":"tab\there"}`, `{"MessageBody":"esc\"aped"}`, `{}`, `{"MessageGroupId":"g","MessageDeduplicationId":"d"}`,
		`{"MessageAttributes":{}}`, `{"MessageBody":null}`, `{"QueueUrl":"\xff"}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var fast SendMessageInput
		if !api.DecodeFlatJSON(body, &fast) {
			return
		}
		var slow SendMessageInput
		if err := json.Unmarshal(body, &slow); err != nil {
			t.Fatalf("fast path accepted %q, encoding/json refuses it: %v", body, err)
		}
		if !reflect.DeepEqual(fast, slow) {
			t.Fatalf("%q: fast %+v, encoding/json %+v", body, fast, slow)
		}
	})
}
