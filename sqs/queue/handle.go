package queue

import (
	"bytes"
	"container/heap"
	"encoding/base64"
	"encoding/binary"
	"time"
)

// A receipt handle is base64url (unpadded) of the queue's random tag, the
// message's key and the delivery's nonce, both as uvarints: about 20
// characters. The tag rejects another queue's handles; the nonce tells the
// latest delivery from earlier ones.
const handleTagLen = 8

// handle returns the receipt handle of a delivery.
func (q *Queue) handle(key, nonce uint64) string {
	var b [handleTagLen + 2*binary.MaxVarintLen64]byte
	n := copy(b[:], q.tag[:])
	n += binary.PutUvarint(b[n:], key)
	n += binary.PutUvarint(b[n:], nonce)
	return base64.RawURLEncoding.EncodeToString(b[:n])
}

// parseHandle decodes a receipt handle issued by q. It does not tell whether
// the message still exists.
func (q *Queue) parseHandle(h string) (key, nonce uint64, ok bool) {
	if len(h) > base64.RawURLEncoding.EncodedLen(handleTagLen+2*binary.MaxVarintLen64) {
		return 0, 0, false
	}
	b, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil || len(b) < handleTagLen+2 || !bytes.Equal(b[:handleTagLen], q.tag[:]) {
		return 0, 0, false
	}
	b = b[handleTagLen:]
	key, n := binary.Uvarint(b)
	if n <= 0 {
		return 0, 0, false
	}
	b = b[n:]
	nonce, n = binary.Uvarint(b)
	if n <= 0 || n != len(b) || key == 0 || nonce == 0 {
		return 0, 0, false
	}
	return key, nonce, true
}

// lookup resolves a receipt handle to its entry, nil if the message no longer
// exists. ok is false if the handle was never issued by q. Caller holds q.mu.
func (q *Queue) lookup(h string) (e *entry, nonce uint64, ok bool) {
	key, nonce, ok := q.parseHandle(h)
	if !ok || key > q.lastKey || nonce > q.lastNonce {
		return nil, 0, false
	}
	return q.entries.get(key), nonce, true
}

// Delete deletes the message a receipt handle was issued for.
//
// As in AWS: a handle of a message that no longer exists (deleted, expired,
// purged, moved) succeeds; on a standard queue, an earlier handle of a message
// received again since succeeds without deleting it, and the latest handle
// deletes the message even after its visibility timeout ended (API_DeleteMessage).
// A FIFO queue rejects both with ErrReceiptHandleExpired. A malformed handle or
// another queue's handle is ErrInvalidReceiptHandle.
func (q *Queue) Delete(receiptHandle string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return ErrQueueDeleted
	}
	now := time.Now()
	q.advance(now)
	e, nonce, ok := q.lookup(receiptHandle)
	switch {
	case !ok:
		return ErrInvalidReceiptHandle
	case e == nil:
		return nil
	case e.nonce != nonce:
		if q.fifo {
			return ErrReceiptHandleExpired
		}
		return nil
	case q.fifo && e.state != stateInflight:
		return ErrReceiptHandleExpired
	}
	q.remove(e)
	return nil
}

// ChangeVisibility makes an in-flight message visible timeout from now (0:
// at once, waking waiting receivers). Errors: ErrInvalidReceiptHandle for a
// malformed or foreign handle or a message received again since the handle
// was issued (FIFO: ErrReceiptHandleExpired); ErrMessageGone for a message
// that no longer exists;
// ErrMessageNotInflight for a message that is visible again.
func (q *Queue) ChangeVisibility(receiptHandle string, timeout time.Duration) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return ErrQueueDeleted
	}
	now := time.Now()
	q.advance(now)
	e, nonce, ok := q.lookup(receiptHandle)
	switch {
	case !ok:
		return ErrInvalidReceiptHandle
	case e == nil:
		return ErrMessageGone
	case e.nonce != nonce && e.state == stateInflight:
		if q.fifo {
			return ErrReceiptHandleExpired
		}
		return ErrInvalidReceiptHandle
	case e.state != stateInflight:
		return ErrMessageNotInflight
	}
	e.changes++
	if timeout <= 0 {
		heap.Remove(&q.timed, int(e.timedPos))
		q.becomeVisible(e)
		q.journalUpdate(e)
		return nil
	}
	e.due = at(now.Add(timeout))
	heap.Fix(&q.timed, int(e.timedPos))
	q.armTimer(now)
	q.journalUpdate(e)
	return nil
}
