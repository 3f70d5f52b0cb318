package kms

import (
	"bytes"
	"maps"
	"testing"
)

// The ciphertext format of ciphertext.go, without a server.

const testARN = "arn:aws:kms:us-east-1:000000000000:key/11111111-2222-4333-8444-555555555555"

// keyring is a key's materials by version, and opens blobs as Decrypt
// does: the blob must name this key, and a material it has.
type keyring struct {
	arn       string
	materials [][]byte
}

func newKeyring(versions int) keyring {
	k := keyring{arn: testARN}
	for range versions {
		k.materials = append(k.materials, newMaterial())
	}
	return k
}

func (k keyring) seal(version int, plaintext []byte, ec map[string]string) []byte {
	return seal(k.arn, uint32(version), k.materials[version], plaintext, ec)
}

func (k keyring) open(ct []byte, ec map[string]string) ([]byte, bool) {
	b, ok := parseCiphertext(ct)
	if !ok || b.keyARN != k.arn || int64(b.material) >= int64(len(k.materials)) {
		return nil, false
	}
	return b.open(k.materials[b.material], ec)
}

func TestCiphertextRoundTrip(t *testing.T) {
	k := newKeyring(3)
	for _, tc := range []struct {
		name      string
		plaintext []byte
		ec        map[string]string
		version   int
	}{
		{"empty", []byte{}, nil, 0},
		{"one byte", []byte{0}, nil, 0},
		{"with context", []byte("hello"), map[string]string{"a": "b", "": "empty key", "k": ""}, 0},
		{"rotated material", []byte("hello"), nil, 2},
		{"4 KiB", bytes.Repeat([]byte{0xAB}, 4096), map[string]string{"aws:sqs:arn": "arn:aws:sqs:us-east-1:000000000000:q"}, 1},
	} {
		ct := k.seal(tc.version, tc.plaintext, tc.ec)
		b, ok := parseCiphertext(ct)
		if !ok || b.keyARN != testARN || int(b.material) != tc.version {
			t.Fatalf("%s: parsed %+v, %v", tc.name, b, ok)
		}
		if len(ct) != 2+len(testARN)+4+nonceSize+len(tc.plaintext)+tagSize {
			t.Fatalf("%s: %d bytes", tc.name, len(ct))
		}
		got, ok := k.open(ct, maps.Clone(tc.ec))
		if !ok || !bytes.Equal(got, tc.plaintext) {
			t.Fatalf("%s: opened %q, %v", tc.name, got, ok)
		}
	}
}

// Changing any byte of a ciphertext, or cutting it short anywhere, makes
// it fail: the header is authenticated with the plaintext.
func TestCiphertextTamperAnyByte(t *testing.T) {
	k := newKeyring(2)
	ec := map[string]string{"purpose": "tamper"}
	ct := k.seal(1, []byte("sixteen byte msg"), ec)
	if _, ok := k.open(ct, ec); !ok {
		t.Fatal("the untampered blob does not open")
	}
	for i := range ct {
		for _, mask := range []byte{0x01, 0x80, 0xFF} {
			bad := bytes.Clone(ct)
			bad[i] ^= mask
			if got, ok := k.open(bad, ec); ok {
				t.Fatalf("byte %d ^ %#x: opened to %q", i, mask, got)
			}
		}
	}
	for n := range len(ct) {
		if _, ok := k.open(ct[:n], ec); ok {
			t.Fatalf("cut to %d bytes: opened", n)
		}
	}
	if _, ok := k.open(append(bytes.Clone(ct), 0), ec); ok {
		t.Fatal("a byte appended: opened")
	}
	// Another key's materials, or this key's other version, do not open it.
	b, _ := parseCiphertext(ct)
	if _, ok := b.open(k.materials[0], ec); ok {
		t.Fatal("opened with another material version")
	}
	if _, ok := b.open(newMaterial(), ec); ok {
		t.Fatal("opened with another key")
	}
}

// A context is bound exactly: no other context opens the blob, however
// its pairs are split, and pair order does not matter.
func TestCiphertextContextBinding(t *testing.T) {
	k := newKeyring(1)
	for _, tc := range []struct {
		name         string
		sealed, used map[string]string
	}{
		{"split inside a value", map[string]string{"a": "b:c"}, map[string]string{"a:b": "c"}},
		{"key and value run together", map[string]string{"ab": "c"}, map[string]string{"a": "bc"}},
		{"two pairs as one", map[string]string{"a": "b", "c": "d"}, map[string]string{"a": "bcd"}},
		{"empty key", map[string]string{"": "a"}, map[string]string{"a": ""}},
		{"empty pair", map[string]string{"": ""}, nil},
		{"missing", map[string]string{"a": "b"}, nil},
		{"extra", nil, map[string]string{"a": "b"}},
		{"case of key", map[string]string{"Dept": "x"}, map[string]string{"dept": "x"}},
		{"case of value", map[string]string{"dept": "X"}, map[string]string{"dept": "x"}},
		{"length prefix lookalike", map[string]string{"a": "\x00\x00\x00\x01b"}, map[string]string{"a\x00\x00\x00\x01": "b"}},
	} {
		ct := k.seal(0, []byte("bound"), tc.sealed)
		if _, ok := k.open(ct, tc.used); ok {
			t.Errorf("%s: sealed under %q, opened under %q", tc.name, tc.sealed, tc.used)
		}
		if _, ok := k.open(ct, maps.Clone(tc.sealed)); !ok {
			t.Errorf("%s: does not open under its own context", tc.name)
		}
		if bytes.Equal(appendContext(nil, tc.sealed), appendContext(nil, tc.used)) {
			t.Errorf("%s: %q and %q encode alike", tc.name, tc.sealed, tc.used)
		}
	}
	many := map[string]string{}
	for _, c := range "zyxwvutsrqponm" {
		many[string(c)] = string(c) + "!"
	}
	ct := k.seal(0, []byte("order"), many)
	if _, ok := k.open(ct, maps.Clone(many)); !ok {
		t.Fatal("the same pairs, built in another order, do not open it")
	}
}

func TestParseCiphertextRejects(t *testing.T) {
	good := newKeyring(1).seal(0, []byte("x"), nil)
	for name, b := range map[string][]byte{
		"nil":          nil,
		"empty":        {},
		"version 0":    append([]byte{0}, good[1:]...),
		"version 2":    append([]byte{2}, good[1:]...),
		"no ARN":       append([]byte{1, 0}, make([]byte, 40)...),
		"ARN too long": append([]byte{1, 255}, make([]byte, 100)...),
		"one short":    good[:len(good)-len("x")-tagSize-1+len("x")],
	} {
		if _, ok := parseCiphertext(b); ok {
			t.Errorf("%s: parsed", name)
		}
	}
}
