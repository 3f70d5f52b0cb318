package queue

import (
	"crypto/sha256"
	"encoding/hex"
	"strconv"
	"time"

	"github.com/ferry-emulator/ferry/internal/uuid"
)

// dedupRecord remembers a FIFO send for the deduplication window.
type dedupRecord struct {
	key     string
	msg     Message // the message as the original send stored it
	expires time.Time
}

// Send enqueues m, visible after delay (nil: the queue's delay). A FIFO queue
// always uses its own delay (AWS rejects a per-message delay there; the caller
// does too), requires m.GroupID (ErrMissingGroupID) and a deduplication id:
// m.DeduplicationID or, with ContentBasedDeduplication, the hex SHA-256 of the
// body (ErrMissingDeduplicationID if neither).
//
// A FIFO send whose deduplication id was sent in the last 5 minutes (within the
// queue, or within the message group when DedupPerMessageGroup) is accepted
// but not enqueued: Send returns the original message as it was stored, with
// its MessageId and SequenceNumber, and duplicate=true. The window runs from
// the original send and holds even if that message was deleted meanwhile.
//
// Send does not modify *m. It returns a copy of the stored message, with ID
// (if m had none), SentAt and, on a FIFO queue, SequenceNumber filled in.
func (q *Queue) Send(m *Message, delay *time.Duration) (stored Message, duplicate bool, err error) {
	stored = *m
	stored.ReceiveCount, stored.FirstReceiveAt = 0, time.Time{}
	if q.fifo && stored.DeduplicationID == "" {
		// Hashed before locking: bodies run to 256 KiB. Used only with
		// content-based deduplication, checked below.
		stored.DeduplicationID = contentDeduplicationID(stored.Body)
	}
	if stored.ID == "" {
		stored.ID = uuid.New()
	}
	stored.SequenceNumber = "" // a FIFO queue assigns one below
	// A standard queue's entry is made before locking; its send time is
	// filled in under the lock. A FIFO send may turn out a duplicate, which
	// stores nothing: its entry is made once that is known.
	var e *entry
	if !q.fifo {
		e = newEntry(&stored)
	}

	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return Message{}, false, ErrQueueDeleted
	}
	now := time.Now()
	q.advance(now)

	wait := q.settings.Delay
	if q.fifo {
		if stored.GroupID == "" {
			return Message{}, false, ErrMissingGroupID
		}
		if m.DeduplicationID == "" && !q.settings.ContentBasedDeduplication {
			return Message{}, false, ErrMissingDeduplicationID
		}
		key := stored.DeduplicationID
		if q.settings.DedupPerMessageGroup {
			key = stored.GroupID + "\x00" + key
		}
		if r := q.dedup[key]; r != nil && r.expires.After(now) {
			return r.msg, true, nil
		}
		stored.SentAt = now
		stored.SequenceNumber = q.nextSequence()
		e = newEntry(&stored)
		r := &dedupRecord{key: key, msg: stored, expires: now.Add(dedupWindow)}
		q.dedup[key] = r
		q.dedupOrder.push(r)
		if q.journal != nil {
			q.journal.PutDedup(DedupEntry{Key: key, Msg: stored, Expires: r.expires})
		}
	} else {
		if delay != nil {
			wait = *delay
		}
		stored.SentAt = now
		e.msg.sentAt = unixNano(now)
	}
	q.insert(e, &stored, now, now.Add(wait), now)
	return stored, false, nil
}

// Enqueue inserts an existing message as visible, for message move tasks. It
// keeps the message's ID, body, attributes, digests, SentAt, GroupID and
// DeduplicationID, assigns an ID or SentAt only if m has none, assigns a new
// SequenceNumber on a FIFO queue, and resets ReceiveCount and FirstReceiveAt.
// The retention period starts anew. Deduplication does not apply.
//
// AWS's redrive treats moved messages as new ones, with a new MessageId and
// enqueue time (Developer Guide, "Configure a dead-letter queue redrive"); a
// caller that wants that clears ID and SentAt first.
func (q *Queue) Enqueue(m Message) error {
	if m.ID == "" {
		m.ID = uuid.New()
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return ErrQueueDeleted
	}
	if q.fifo && m.GroupID == "" {
		return ErrMissingGroupID
	}
	now := time.Now()
	q.advance(now)
	if m.SentAt.IsZero() {
		m.SentAt = now
	}
	m.ReceiveCount, m.FirstReceiveAt = 0, time.Time{}
	m.SequenceNumber = ""
	if q.fifo {
		m.SequenceNumber = q.nextSequence()
	}
	q.insert(newEntry(&m), &m, now, now, now)
	return nil
}

// moved is a message detached from its queue on its way to a dead-letter queue.
type moved struct {
	msg        Message
	enqueuedAt time.Time
	key        uint64 // in the queue it left
}

// acceptDeadLetter inserts a message that source moved here after too many
// receives. It keeps its receive count and SentAt. A standard queue keeps its
// enqueue time, so retention counts from the original send; a FIFO queue
// restarts it, and replaces the deduplication id with the message id so that
// two messages that shared a deduplication id both stay (Developer Guide,
// "Setting-up dead-letter queue retention"; "Configure a dead-letter queue
// redrive"). The caller holds no queue lock.
func (q *Queue) acceptDeadLetter(mv moved, source string) error {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return ErrQueueDeleted
	}
	now := time.Now()
	q.advance(now)
	m := mv.msg
	m.DeadLetterSourceARN = source
	enqueuedAt := mv.enqueuedAt
	m.SequenceNumber = ""
	if q.fifo {
		enqueuedAt = now
		m.DeduplicationID = m.ID
		m.SequenceNumber = q.nextSequence()
	}
	q.insert(newEntry(&m), &m, enqueuedAt, now, now)
	return nil
}

// restore puts back a message whose dead-letter queue was deleted before it
// could take it, as it was: visible, first of its group on a FIFO queue. The
// caller holds no queue lock.
func (q *Queue) restore(mv moved) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return // this queue is gone too
	}
	now := time.Now()
	e := q.insert(newEntry(&mv.msg), &mv.msg, mv.enqueuedAt, now, now)
	if q.fifo {
		g := e.group()
		g.list.remove(e)
		g.list.pushFront(e)
		q.refreshGroup(g)
	}
}

// nextSequence returns a new FIFO sequence number. Caller holds q.mu.
func (q *Queue) nextSequence() string {
	q.lastSeq++
	return strconv.FormatUint(q.lastSeq, 10)
}

// contentDeduplicationID is the deduplication id AWS derives from a body: the
// SHA-256 of the body alone, not the attributes (API_SendMessage).
func contentDeduplicationID(body string) string {
	sum := sha256.Sum256([]byte(body))
	return hex.EncodeToString(sum[:])
}
