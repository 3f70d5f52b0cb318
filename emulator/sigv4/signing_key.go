package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"strings"
	"sync"
	"sync/atomic"
)

// maxCachedKeys bounds the signing key cache. A key changes only with the
// secret, the day, the region and the service, so a few thousand cover any
// local workload; past that the cache starts over rather than track use.
const maxCachedKeys = 4096

type signingKeyID struct {
	secret, date, region, service string
}

// signingKeys memoises derived keys: the four chained HMACs of the
// derivation cost more than the rest of a verification. It is a pure
// function's cache, so sharing it across servers in one process is safe.
// A sync.Map, because every request reads it and almost none write: its
// reads take no lock for requests on other cores to contend for.
var signingKeys struct {
	m sync.Map // signingKeyID → [sha256.Size]byte
	n atomic.Int64
}

// signingKey returns kSigning for the credential scope
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html#derive-signing-key).
func signingKey(secret, date, region, service string) [sha256.Size]byte {
	if k, ok := signingKeys.m.Load(signingKeyID{secret, date, region, service}); ok {
		return k.([sha256.Size]byte)
	}
	k := deriveSigningKey(secret, date, region, service)
	if signingKeys.n.Add(1) > maxCachedKeys {
		signingKeys.m.Clear()
		signingKeys.n.Store(1)
	}
	// Cloned so the cache does not pin the request headers these were cut from.
	id := signingKeyID{strings.Clone(secret), strings.Clone(date), strings.Clone(region), strings.Clone(service)}
	signingKeys.m.Store(id, k)
	return k
}

func deriveSigningKey(secret, date, region, service string) [sha256.Size]byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	k = hmacSHA256(k, scopeTerminator)
	return [sha256.Size]byte(k)
}

func hmacSHA256(key []byte, data string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(data))
	return m.Sum(nil)
}
