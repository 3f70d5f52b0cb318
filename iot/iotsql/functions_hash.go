package iotsql

import (
	"crypto/md5"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/hex"
	"hash"
)

// Hashing functions (DG/iot-sql-functions): the lower-case hex digest of
// the argument converted to String.
var hashFunctions = []function{
	{name: "md2", minArgs: 1, maxArgs: 1, since: level1, call: hashFn(newMD2)},
	{name: "md5", minArgs: 1, maxArgs: 1, since: level1, call: hashFn(md5.New)},
	{name: "sha1", minArgs: 1, maxArgs: 1, since: level1, call: hashFn(sha1.New)},
	{name: "sha224", minArgs: 1, maxArgs: 1, since: level1, call: hashFn(sha256.New224)},
	{name: "sha256", minArgs: 1, maxArgs: 1, since: level1, call: hashFn(sha256.New)},
	{name: "sha384", minArgs: 1, maxArgs: 1, since: level1, call: hashFn(sha512.New384)},
	{name: "sha512", minArgs: 1, maxArgs: 1, since: level1, call: hashFn(sha512.New)},
}

func hashFn(newHash func() hash.Hash) func(*env, *callNode, []value) value {
	return func(_ *env, _ *callNode, args []value) value {
		s, ok := toString(args[0])
		if !ok {
			return undefined
		}
		h := newHash()
		h.Write([]byte(s))
		return strV(hex.EncodeToString(h.Sum(nil)))
	}
}

// md2 is RFC 1319's message digest, which the standard library lacks. It
// only has to hash short strings, so it buffers the whole input.
type md2 struct{ data []byte }

func newMD2() hash.Hash { return &md2{} }

func (d *md2) Write(p []byte) (int, error) { d.data = append(d.data, p...); return len(p), nil }
func (d *md2) Reset()                      { d.data = d.data[:0] }
func (d *md2) Size() int                   { return 16 }
func (d *md2) BlockSize() int              { return 16 }

func (d *md2) Sum(b []byte) []byte {
	pad := 16 - len(d.data)%16
	msg := make([]byte, len(d.data), len(d.data)+pad+16)
	copy(msg, d.data)
	for i := 0; i < pad; i++ {
		msg = append(msg, byte(pad))
	}
	// Checksum (RFC 1319 §3.2, with the published erratum: C[j] is XORed).
	var c [16]byte
	var l byte
	for i := 0; i < len(msg); i += 16 {
		for j := 0; j < 16; j++ {
			c[j] ^= md2S[msg[i+j]^l]
			l = c[j]
		}
	}
	msg = append(msg, c[:]...)
	var x [48]byte
	for i := 0; i < len(msg); i += 16 {
		for j := 0; j < 16; j++ {
			x[16+j] = msg[i+j]
			x[32+j] = x[16+j] ^ x[j]
		}
		var t byte
		for j := 0; j < 18; j++ {
			for k := 0; k < 48; k++ {
				x[k] ^= md2S[t]
				t = x[k]
			}
			t += byte(j)
		}
	}
	return append(b, x[:16]...)
}

// md2S is the permutation of 0…255 built from the digits of pi (RFC 1319).
var md2S = [256]byte{
	41, 46, 67, 201, 162, 216, 124, 1, 61, 54, 84, 161, 236, 240, 6, 19,
	98, 167, 5, 243, 192, 199, 115, 140, 152, 147, 43, 217, 188, 76, 130, 202,
	30, 155, 87, 60, 253, 212, 224, 22, 103, 66, 111, 24, 138, 23, 229, 18,
	190, 78, 196, 214, 218, 158, 222, 73, 160, 251, 245, 142, 187, 47, 238, 122,
	169, 104, 121, 145, 21, 178, 7, 63, 148, 194, 16, 137, 11, 34, 95, 33,
	128, 127, 93, 154, 90, 144, 50, 39, 53, 62, 204, 231, 191, 247, 151, 3,
	255, 25, 48, 179, 72, 165, 181, 209, 215, 94, 146, 42, 172, 86, 170, 198,
	79, 184, 56, 210, 150, 164, 125, 182, 118, 252, 107, 226, 156, 116, 4, 241,
	69, 157, 112, 89, 100, 113, 135, 32, 134, 91, 207, 101, 230, 45, 168, 2,
	27, 96, 37, 173, 174, 176, 185, 246, 28, 70, 97, 105, 52, 64, 126, 15,
	85, 71, 163, 35, 221, 81, 175, 58, 195, 92, 249, 206, 186, 197, 234, 38,
	44, 83, 13, 110, 133, 40, 132, 9, 211, 223, 205, 244, 65, 129, 77, 82,
	106, 220, 55, 200, 108, 193, 171, 250, 36, 225, 123, 8, 12, 189, 177, 74,
	120, 136, 149, 139, 227, 99, 232, 109, 233, 203, 213, 254, 59, 0, 29, 57,
	242, 239, 183, 14, 102, 88, 208, 228, 166, 119, 114, 248, 235, 117, 75, 10,
	49, 68, 80, 180, 143, 237, 31, 26, 219, 153, 141, 51, 159, 17, 131, 20,
}
