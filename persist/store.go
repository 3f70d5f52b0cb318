package persist

import (
	"errors"
	"strings"
)

// Write is one change: Value nil deletes Key; with Prefix, every key that
// begins with Key.
type Write struct {
	Bucket string
	Key    []byte
	Value  []byte
	Prefix bool
}

// Store is the contract every implementation keeps.
type Store interface {
	// Update applies the writes atomically, in order, and returns once they
	// are durable: a caller may acknowledge them as soon as it returns.
	Update(writes ...Write) error
	// Get returns the value of key, or ok=false if there is none.
	Get(bucket string, key []byte) (value []byte, ok bool, err error)
	// Scan calls fn for every key of bucket that begins with prefix, in key
	// order. fn must not keep key or value past its return, nor call Update.
	Scan(bucket string, prefix []byte, fn func(key, value []byte) error) error
	// Reset drops every bucket.
	Reset() error
	// Close releases the store; later calls fail with ErrClosed.
	Close() error
}

// Journal is what a durable store adds for state that changes at a high
// rate (SQS messages): Submit queues writes without waiting and returns at
// once; writes are committed in the order they were submitted, so a caller
// that submits under its own lock gets its changes committed in the order
// they happened, and waits (outside the lock) before acknowledging them.
// The in-memory store does not implement it: what lives only in memory
// needs no journal.
type Journal interface {
	Submit(writes ...Write) Pending
}

// Pending is a submitted batch of writes.
type Pending interface {
	// Wait returns once the writes are durable (or failed to be).
	Wait() error
}

// ErrClosed is returned by a closed store.
var ErrClosed = errors.New("persist: store closed")

// Key joins an account, a region and further parts into a key. The parts are
// separated by a zero byte, which no AWS name contains, so a prefix of parts
// selects exactly the keys under it.
func Key(account, region string, parts ...string) []byte {
	return []byte(strings.Join(append([]string{account, region}, parts...), "\x00"))
}

// SplitKey undoes Key.
func SplitKey(key []byte) []string {
	return strings.Split(string(key), "\x00")
}
