package kms

import (
	"bytes"
	"maps"
	"testing"
)

// FuzzParseCiphertext feeds the ciphertext parser anything: it must never
// panic, must describe only what is there, and nothing but a blob sealed
// with the key's material may open.
//
//	go test ./kms -run '^$' -fuzz FuzzParseCiphertext -fuzztime 30s
func FuzzParseCiphertext(f *testing.F) {
	k := newKeyring(2)
	ec := map[string]string{"aws:sqs:arn": "arn:aws:sqs:us-east-1:000000000000:q"}
	valid := k.seal(1, []byte("seed plaintext"), ec)
	f.Add(valid)
	f.Add(k.seal(0, nil, nil))
	f.Add(valid[:len(valid)-1])
	f.Add(valid[:minCiphertext])
	f.Add([]byte{})
	f.Add([]byte{ciphertextVersion, 0})
	f.Add([]byte{ciphertextVersion, 255})
	f.Add(bytes.Repeat([]byte{ciphertextVersion}, 64))
	f.Fuzz(func(t *testing.T, data []byte) {
		b, ok := parseCiphertext(data)
		if !ok {
			if _, opened := k.open(data, ec); opened {
				t.Fatal("opened what does not parse")
			}
			return
		}
		n := len(b.keyARN)
		if n == 0 || n > 255 || data[0] != ciphertextVersion || int(data[1]) != n ||
			!bytes.Equal(b.header, data[:2+n+4]) || len(b.nonce) != nonceSize || len(b.sealed) < tagSize ||
			len(b.header)+len(b.nonce)+len(b.sealed) != len(data) {
			t.Fatalf("parsed %d bytes as %+v", len(data), b)
		}
		plaintext, opened := k.open(data, ec)
		if !opened {
			return
		}
		// Only a blob sealed under the key opens: the fuzzer may hand back
		// the valid seed, never a forgery.
		if !bytes.Equal(data, valid) {
			t.Fatalf("a blob that was never sealed opened to %q", plaintext)
		}
		wrong := maps.Clone(ec)
		wrong["extra"] = ""
		if _, again := k.open(data, wrong); again {
			t.Fatal("opened under another context")
		}
	})
}

// FuzzContextEncoding checks that two encryption contexts encode alike
// only when they are the same context.
func FuzzContextEncoding(f *testing.F) {
	f.Add("ab", "c", "a", "bc")
	f.Add("a", "b:c", "a:b", "c")
	f.Add("", "", "", "x")
	f.Add("k", "\x00\x00\x00\x01", "k\x00\x00\x00\x01", "")
	f.Fuzz(func(t *testing.T, k1, v1, k2, v2 string) {
		one := map[string]string{k1: v1}
		two := map[string]string{k2: v2}
		same := maps.Equal(one, two)
		if enc := bytes.Equal(appendContext(nil, one), appendContext(nil, two)); enc != same {
			t.Fatalf("%q and %q: encodings equal %v, contexts equal %v", one, two, enc, same)
		}
		pair := map[string]string{k1: v1, k2: v2}
		joined := map[string]string{k1 + v1: v2}
		if !maps.Equal(pair, joined) && bytes.Equal(appendContext(nil, pair), appendContext(nil, joined)) {
			t.Fatalf("%q and %q encode alike", pair, joined)
		}
	})
}
