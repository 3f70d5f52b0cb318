package sqs

import (
	"crypto/md5"
	"encoding/binary"
	"encoding/hex"
	"hash"
	"sort"
)

// MD5 digests as SQS computes them and the SDKs verify them.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-message-metadata.html#sqs-attributes-md5-message-digest-calculation

func md5Hex(s string) string {
	sum := md5.Sum([]byte(s))
	return hex.EncodeToString(sum[:])
}

// md5OfAttributes digests message attributes: for each name in sorted order,
// the length-prefixed name, the length-prefixed data type, a transport byte
// (1 string, 2 binary) and the length-prefixed value.
func md5OfAttributes(attrs map[string]MessageAttributeValue) string {
	if len(attrs) == 0 {
		return ""
	}
	names := make([]string, 0, len(attrs))
	for n := range attrs {
		names = append(names, n)
	}
	sort.Strings(names)
	h := md5.New()
	for _, n := range names {
		v := attrs[n]
		writeLengthPrefixed(h, []byte(n))
		writeLengthPrefixed(h, []byte(v.DataType))
		if v.BinaryValue != nil && isBinaryType(v.DataType) {
			h.Write([]byte{2})
			writeLengthPrefixed(h, v.BinaryValue)
		} else {
			h.Write([]byte{1})
			s := ""
			if v.StringValue != nil {
				s = *v.StringValue
			}
			writeLengthPrefixed(h, []byte(s))
		}
	}
	return hex.EncodeToString(h.Sum(nil))
}

func writeLengthPrefixed(h hash.Hash, b []byte) {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(b)))
	h.Write(n[:])
	h.Write(b)
}
