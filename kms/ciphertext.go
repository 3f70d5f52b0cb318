package kms

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/binary"
	"sort"
)

// The ciphertext blob Encrypt and GenerateDataKey return and Decrypt
// reads. It is ferry's own format, not AWS's (which is not public); like
// AWS's it names its key, so Decrypt needs no KeyId.
//
//	offset  size  field
//	0       1     version, 1
//	1       1     n, the length of the key ARN (1–255)
//	2       n     the key's ARN
//	2+n     4     key material version, big-endian: 0 is the key's first
//	              material, i the one its i-th rotation added
//	6+n     12    GCM nonce, random
//	18+n    ≥16   AES-256-GCM ciphertext of the plaintext, then the tag
//
// The additional authenticated data is the header (bytes 0 to 6+n: the
// version, the key ARN and the material version) followed by the
// encryption context, encoded without ambiguity: the number of pairs, then
// each pair in the byte order of its key, key and value each preceded by
// its length (all lengths unsigned 32-bit big-endian). A plain
// concatenation would make {"ab":"c"} and {"a":"bc"} the same context;
// with lengths no two contexts share an encoding, and changing any byte of
// a blob makes it fail authentication.

const (
	ciphertextVersion = 1
	nonceSize         = 12
	tagSize           = 16
	// minCiphertext is the shortest well-formed blob: a one-byte ARN and an
	// empty plaintext.
	minCiphertext = 2 + 1 + 4 + nonceSize + tagSize
)

// blob is a parsed ciphertext; its slices alias the input.
type blob struct {
	keyARN   string
	material uint32
	header   []byte // version, ARN and material version: the start of the AAD
	nonce    []byte
	sealed   []byte // ciphertext and tag
}

// parseCiphertext reads a blob's structure; ok is false for anything that
// is not one. It does not authenticate: open does.
func parseCiphertext(b []byte) (blob, bool) {
	if len(b) < minCiphertext || b[0] != ciphertextVersion {
		return blob{}, false
	}
	n := int(b[1])
	if n == 0 || len(b) < 2+n+4+nonceSize+tagSize {
		return blob{}, false
	}
	h := 2 + n + 4
	return blob{
		keyARN:   string(b[2 : 2+n]),
		material: binary.BigEndian.Uint32(b[2+n : h]),
		header:   b[:h],
		nonce:    b[h : h+nonceSize],
		sealed:   b[h+nonceSize:],
	}, true
}

// open authenticates and decrypts the blob with the key material it names
// under the encryption context ec; ok is false if either is not the one it
// was sealed with, or any byte of it changed.
func (b blob) open(material []byte, ec map[string]string) ([]byte, bool) {
	gcm, err := newGCM(material)
	if err != nil {
		return nil, false
	}
	plaintext, err := gcm.Open(nil, b.nonce, b.sealed, additionalData(b.header, ec))
	if err != nil {
		return nil, false
	}
	if plaintext == nil {
		plaintext = []byte{}
	}
	return plaintext, true
}

// seal encrypts plaintext with a key's material under the encryption
// context ec, naming the key by keyARN (at most 255 bytes) and version.
func seal(keyARN string, version uint32, material, plaintext []byte, ec map[string]string) []byte {
	n := len(keyARN)
	out := make([]byte, 0, 2+n+4+nonceSize+len(plaintext)+tagSize)
	out = append(out, ciphertextVersion, byte(n))
	out = append(out, keyARN...)
	out = binary.BigEndian.AppendUint32(out, version)
	header := out
	out = out[:len(out)+nonceSize]
	nonce := out[len(header):]
	rand.Read(nonce)
	gcm, err := newGCM(material)
	if err != nil {
		panic("kms: key material is not an AES-256 key") // materials are made 32 bytes long
	}
	return gcm.Seal(out, nonce, plaintext, additionalData(header, ec))
}

func newGCM(material []byte) (cipher.AEAD, error) {
	if len(material) != 32 {
		return nil, aes.KeySizeError(len(material))
	}
	c, err := aes.NewCipher(material)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(c)
}

// additionalData is a blob's header followed by its encryption context.
func additionalData(header []byte, ec map[string]string) []byte {
	return appendContext(append([]byte(nil), header...), ec)
}

// appendContext appends the unambiguous encoding of an encryption context:
// the count of pairs, then each pair sorted by key bytes, key and value
// each length-prefixed.
func appendContext(b []byte, ec map[string]string) []byte {
	keys := make([]string, 0, len(ec))
	for k := range ec {
		keys = append(keys, k)
	}
	sort.Strings(keys) // byte order
	b = binary.BigEndian.AppendUint32(b, uint32(len(keys)))
	for _, k := range keys {
		b = binary.BigEndian.AppendUint32(b, uint32(len(k)))
		b = append(b, k...)
		v := ec[k]
		b = binary.BigEndian.AppendUint32(b, uint32(len(v)))
		b = append(b, v...)
	}
	return b
}
