package queue

import (
	"container/heap"
	"iter"
	"slices"
	"strconv"
	"time"
)

// Journal keeps a queue's messages durable. The queue calls it under its
// lock, in the order its messages change, so an implementation that queues
// each change for writing in that order (persist.Journal) never lets a
// deletion be overtaken by the put of the message it deletes. It must not
// block for long: it records, it does not wait.
//
// Not every change is journaled: a message becoming visible again when its
// delay or visibility timeout ends needs no write (a restored record whose
// due time has passed is visible), nor does one expiring past the retention
// period (a restored record past it is dropped).
//
// Removing messages comes with the queue's Counters, to be kept with the
// removal (in the same commit): the records that held the highest key,
// nonce and sequence number may be the ones removed.
type Journal interface {
	Put(r Record)                  // a new message
	Update(key uint64, st Status)  // a message's state changed: received, visibility changed, re-timed
	Remove(key uint64, c Counters) // a message gone: deleted, moved, expired, purged
	PutDedup(d DedupEntry)         // a FIFO deduplication record
	RemoveDedup(key string)
	Clear(c Counters) // PurgeQueue: every message (deduplication records stay)
}

// Counters are the last message key, delivery nonce and FIFO sequence
// number a queue gave out. A receipt handle is made of a key and a nonce,
// so neither may be given out twice, across restarts too: otherwise the
// handle of a message deleted before a restart would be the handle of a
// message received after it, and a retried DeleteMessage would delete
// that one. A FIFO queue's sequence numbers only grow.
type Counters struct {
	Key, Nonce, Seq uint64
}

// counters returns q's counters. Caller holds q.mu.
func (q *Queue) counters() Counters {
	return Counters{Key: q.lastKey, Nonce: q.lastNonce, Seq: q.lastSeq}
}

// State is a stored message's state, as journaled.
type State uint8

const (
	Delayed  State = State(stateDelayed)
	Visible  State = State(stateVisible)
	InFlight State = State(stateInflight)
)

// Record is one message with what its queue knows of it: enough to put it
// back exactly where it was (its place in the queue's order, its delay or
// visibility deadline, its latest receipt handle).
type Record struct {
	Key        uint64
	Msg        Message
	EnqueuedAt time.Time
	Status
}

// Status is what changes of a message after it is sent: a journal writes
// it apart from the message, so a receive rewrites a few bytes, not the
// body.
type Status struct {
	State          State
	Due            time.Time // delayed or in flight: when it becomes visible
	Nonce          uint64    // of its latest delivery
	ReceiveCount   int
	FirstReceiveAt time.Time
}

// DedupEntry is a FIFO deduplication record: a send with Key before
// Expires is a duplicate of Msg.
type DedupEntry struct {
	Key     string
	Msg     Message
	Expires time.Time
}

// SetJournal makes the queue report its changes to j from now on.
func (q *Queue) SetJournal(j Journal) {
	q.mu.Lock()
	q.journal = j
	q.mu.Unlock()
}

// Tag is the part of every receipt handle that names this queue.
func (q *Queue) Tag() []byte { return q.tag[:] }

// SetTag restores the tag of a queue recreated from storage, so that the
// receipt handles handed out before a restart still work after it.
func (q *Queue) SetTag(tag []byte) {
	q.mu.Lock()
	copy(q.tag[:], tag)
	q.mu.Unlock()
}

func (q *Queue) status(e *entry) Status {
	return Status{State: State(e.state), Due: e.due.time(), Nonce: e.nonce, ReceiveCount: int(e.msg.receiveCount), FirstReceiveAt: fromUnixNano(e.msg.firstReceiveAt)}
}

// journalPut reports a new entry, whose message is m. Caller holds q.mu.
func (q *Queue) journalPut(e *entry, m *Message) {
	if q.journal != nil {
		q.journal.Put(Record{Key: e.key, Msg: *m, EnqueuedAt: e.enqueuedAt.time(), Status: q.status(e)})
	}
}

// journalUpdate reports an entry's changed state. Caller holds q.mu.
func (q *Queue) journalUpdate(e *entry) {
	if q.journal != nil {
		q.journal.Update(e.key, q.status(e))
	}
}

// Forget reports that a message taken off this queue for another (by
// TakeVisible, or a receive's redrive), known by the key it had here, now
// lives there. Called after the other queue has journaled it, so that a
// crash between the two can duplicate the message but never lose it.
func (q *Queue) Forget(key uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.journal != nil && !q.closed {
		q.journal.Remove(key, q.counters())
	}
}

// Restore puts journaled messages and deduplication records back into an
// empty queue, each in its place: the queue's order, groups and deadlines
// are as they were, and the receipt handles handed out before still work
// (with the queue's tag restored by SetTag). recs yields the messages in
// ascending key order, as a store scanning its keys does, so a queue of a
// million messages is rebuilt as it is read, without a copy. Records past
// the retention period are dropped; deadlines that passed while the queue
// was away have simply passed. c are the counters journaled with the last
// removal: the queue goes on from them, or from its records if these are
// higher.
func (q *Queue) Restore(recs iter.Seq[Record], dedup []DedupEntry, c Counters) {
	q.mu.Lock()
	defer q.mu.Unlock()
	now := time.Now()
	q.lastKey = max(q.lastKey, c.Key)
	q.lastNonce = max(q.lastNonce, c.Nonce)
	q.lastSeq = max(q.lastSeq, c.Seq)
	for r := range recs {
		r.Msg.ReceiveCount, r.Msg.FirstReceiveAt = r.ReceiveCount, r.FirstReceiveAt
		e := &entry{key: r.Key, msg: store(&r.Msg), enqueuedAt: at(r.EnqueuedAt), nonce: r.Nonce, timedPos: -1, agePos: -1}
		q.lastKey = max(q.lastKey, r.Key)
		q.lastNonce = max(q.lastNonce, r.Nonce)
		if q.fifo {
			if n, err := strconv.ParseUint(r.Msg.SequenceNumber, 10, 64); err == nil {
				q.lastSeq = max(q.lastSeq, n)
			}
		}
		q.entries.put(e)
		heap.Push(&q.age, e)
		if q.fifo {
			g := q.groups[r.Msg.GroupID]
			if g == nil {
				g = &group{id: r.Msg.GroupID}
				q.groups[r.Msg.GroupID] = g
			}
			e.setGroup(g)
			g.list.pushBack(e)
		}
		switch {
		case r.State == InFlight && r.Due.After(now):
			e.state, e.due = stateInflight, at(r.Due)
			q.counts.InFlight++
			if q.fifo {
				e.group().inflight++
			}
			heap.Push(&q.timed, e)
		case r.State == Delayed && r.Due.After(now):
			e.state, e.due = stateDelayed, at(r.Due)
			q.counts.Delayed++
			heap.Push(&q.timed, e)
		default:
			q.becomeVisible(e)
		}
	}
	if q.fifo {
		for _, g := range q.groups {
			q.refreshGroup(g)
		}
		slices.SortFunc(dedup, func(a, b DedupEntry) int { return a.Expires.Compare(b.Expires) })
		for _, d := range dedup {
			if !d.Expires.After(now) {
				continue
			}
			r := &dedupRecord{key: d.Key, msg: d.Msg, expires: d.Expires}
			q.dedup[d.Key] = r
			q.dedupOrder.push(r)
			if n, err := strconv.ParseUint(d.Msg.SequenceNumber, 10, 64); err == nil {
				q.lastSeq = max(q.lastSeq, n)
			}
		}
	}
	q.advance(now)
	q.armTimer(now)
}
