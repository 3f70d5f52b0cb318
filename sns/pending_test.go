package sns

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"

	"github.com/ferry-emulator/ferry/persist"
)

// A pending record holds an encrypted topic's texts sealed and a plain
// topic's as they are, and a sealed record opens again.
func TestPendingRecordsOfEncryptedTopicsAreSealed(t *testing.T) {
	store, err := persist.OpenBolt(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer store.Close()
	s, err := New(Config{Store: store})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, encrypted := range []bool{false, true} {
		tp := newTopic("000000000000", "us-east-1", "t", time.Now())
		if encrypted {
			if err := tp.setAttribute("KmsMasterKeyId", "alias/k"); err != nil {
				t.Fatal(err)
			}
		}
		m := &message{id: "id", topic: tp, body: "the-secret-body", byProtocol: map[string]string{"sqs": "the-sqs-text"}, timestamp: time.Now()}
		if err := s.hold(m); err != nil {
			t.Fatal(err)
		}
		raw, ok, err := store.Get(pendingBucket, m.pending)
		if err != nil || !ok {
			t.Fatalf("no pending record: %v", err)
		}
		plain := bytes.Contains(raw, []byte("the-secret-body")) || bytes.Contains(raw, []byte("the-sqs-text"))
		if plain == encrypted {
			t.Fatalf("encrypted=%v: texts in plaintext=%v: %s", encrypted, plain, raw)
		}
		if encrypted {
			var rec pendingRecord
			if err := json.Unmarshal(raw, &rec); err != nil {
				t.Fatal(err)
			}
			tx, err := s.openTexts(m.pending, rec.Sealed)
			if err != nil || tx.Body != "the-secret-body" || tx.ByProtocol["sqs"] != "the-sqs-text" {
				t.Fatalf("opened %+v, %v", tx, err)
			}
			// Bound to its key: under another record's key it does not open.
			if _, err := s.openTexts(append(bytes.Clone(m.pending), 'x'), rec.Sealed); err == nil {
				t.Fatal("a sealed record opened under another key")
			}
		}
		s.release(m)
	}
}
