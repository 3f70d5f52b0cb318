// Package uuid makes the random version 4 UUIDs AWS uses as message ids,
// key ids and trace ids.
package uuid

import (
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
)

// New returns a random (version 4) UUID in its 36-character form, the
// shape of AWS's message ids, request ids, key ids and trace ids. These
// name things and must not repeat; nothing is kept secret by them, so they
// come from math/rand/v2's per-thread ChaCha8 generator (seeded by the
// operating system) rather than a system call per id.
func New() string {
	var b [16]byte
	binary.LittleEndian.PutUint64(b[:8], rand.Uint64())
	binary.LittleEndian.PutUint64(b[8:], rand.Uint64())
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return Format(&b)
}

// groups are the spans of hex digits in the 36-character form.
var groups = [5][2]int{{0, 8}, {9, 13}, {14, 18}, {19, 23}, {24, 36}}

// Format returns b in the 36-character form, in lower case.
func Format(b *[16]byte) string {
	var s [36]byte
	n := 0
	for i, g := range groups {
		if i > 0 {
			s[g[0]-1] = '-'
		}
		k := (g[1] - g[0]) / 2
		hex.Encode(s[g[0]:g[1]], b[n:n+k])
		n += k
	}
	return string(s[:])
}

// Parse reads a UUID in the form Format writes (lower case only, so that
// Format gives back the same string) into dst, and reports whether s was one.
func Parse(dst *[16]byte, s string) bool {
	if len(s) != 36 {
		return false
	}
	var digits [32]byte
	n := 0
	for i, g := range groups {
		if i > 0 && s[g[0]-1] != '-' {
			return false
		}
		for j := g[0]; j < g[1]; j++ {
			if c := s[j]; ('0' > c || c > '9') && ('a' > c || c > 'f') {
				return false
			}
		}
		n += copy(digits[n:], s[g[0]:g[1]])
	}
	_, err := hex.Decode(dst[:], digits[:])
	return err == nil
}
