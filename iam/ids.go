package iam

import (
	"crypto/rand"
	"encoding/base32"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strconv"
)

// Identifiers as AWS makes them
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html#identifiers-unique-ids):
// a four-letter prefix naming the kind (AIDA user, AGPA group, AROA role,
// ANPA managed policy, AKIA long-term and ASIA temporary access key) and
// base32 characters. Like AWS's, ferry's identifiers carry the owning
// account in their first ten bytes, so that sts:GetAccessKeyInfo can name
// the account of any key, even one that has been deleted.

const (
	prefixUser      = "AIDA"
	prefixGroup     = "AGPA"
	prefixRole      = "AROA"
	prefixPolicy    = "ANPA"
	prefixAccessKey = "AKIA"
)

// accountBits selects the account in the first six bytes of an identifier's
// decoded body: (x & 0x7fffffffff80) >> 7.
const accountBits = 0x7fffffffff80

// NewAccessKeyID returns a 20-character access key id with the given prefix
// ("AKIA" or "ASIA") that encodes account (a 12-digit account id).
func NewAccessKeyID(prefix, account string) string {
	return prefix + encodedBody(account)
}

// newUniqueID returns a 21-character unique id (AIDA…, AROA…) for account.
func newUniqueID(prefix, account string) string {
	var extra [1]byte
	rand.Read(extra[:])
	return prefix + encodedBody(account) + string(base32Alphabet[extra[0]&31])
}

const base32Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

// encodedBody is 16 base32 characters: ten bytes, the first six holding the
// account in bits 7–46 and random bits around it, the last four random.
func encodedBody(account string) string {
	n, _ := strconv.ParseUint(account, 10, 64)
	var b [10]byte
	rand.Read(b[:])
	x := n<<7&accountBits | uint64(b[0]&0x7f) | uint64(b[1]&0x80)<<40
	var head [8]byte
	binary.BigEndian.PutUint64(head[:], x)
	copy(b[:6], head[2:])
	return base32.StdEncoding.EncodeToString(b[:])
}

// AccountOfAccessKey decodes the account from an AKIA/ASIA access key id (or
// any unique id made the same way); ok is false when id is not of that form.
func AccountOfAccessKey(id string) (string, bool) {
	if len(id) < 20 {
		return "", false
	}
	body, err := base32.StdEncoding.DecodeString(id[4:20])
	if err != nil {
		return "", false
	}
	var head [8]byte
	copy(head[2:], body[:6])
	x := binary.BigEndian.Uint64(head[:])
	return fmt.Sprintf("%012d", (x&accountBits)>>7), true
}

// newSecretAccessKey returns a 40-character secret as AWS's look.
func newSecretAccessKey() string {
	var b [30]byte
	rand.Read(b[:])
	return base64.StdEncoding.EncodeToString(b[:])
}
