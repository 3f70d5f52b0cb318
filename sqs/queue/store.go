package queue

import (
	"container/heap"
	"time"
)

// The helpers in this file change a queue's data structures; every one of
// them requires the caller to hold q.mu.

type msgState uint8

const (
	stateGone     msgState = iota // deleted, expired, moved or purged
	stateDelayed                  // in q.timed until its delay ends
	stateVisible                  // receivable (FIFO: once its group is ready)
	stateInflight                 // received; in q.timed until its visibility timeout ends
)

// entry is one stored message.
type entry struct {
	key        uint64
	msg        stored
	due        nanos    // delayed or in flight: when the message becomes visible
	enqueuedAt nanos    // start of the retention period
	nonce      uint64   // of the latest delivery; 0 before the first
	changes    uint32   // visibility changes since the latest delivery
	state      msgState // next to changes, where it costs no padding
	timedPos   int32    // index in q.timed, -1 when absent
	agePos     int32    // index in q.age

	// Links in q.ready (standard, while visible) or in group.list (FIFO,
	// always).
	prev, next *entry
}

// nanos is an instant in Unix nanoseconds: 8 bytes where a time.Time takes
// 24, for the instants every stored message carries.
type nanos int64

func at(t time.Time) nanos      { return nanos(unixNano(t)) }
func (n nanos) time() time.Time { return fromUnixNano(int64(n)) }

// group is the FIFO message group of a FIFO queue's entry.
func (e *entry) group() *group { return e.msg.rare.group }

func (e *entry) setGroup(g *group) {
	if e.msg.rare == nil {
		e.msg.rare = &rareFields{} // only a message without a group id has none
	}
	e.msg.rare.group = g
}

// group is a FIFO message group: its messages in send order, whatever their
// state. It exists while it has messages.
type group struct {
	id         string
	list       entryList
	inflight   int
	ready      bool // in q.readyGroups
	prev, next *group
}

// entryList is an intrusive doubly linked list of entries.
type entryList struct{ head, tail *entry }

func (l *entryList) pushBack(e *entry) {
	e.prev, e.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = e
	} else {
		l.head = e
	}
	l.tail = e
}

func (l *entryList) pushFront(e *entry) {
	e.prev, e.next = nil, l.head
	if l.head != nil {
		l.head.prev = e
	} else {
		l.tail = e
	}
	l.head = e
}

func (l *entryList) remove(e *entry) {
	if e.prev != nil {
		e.prev.next = e.next
	} else {
		l.head = e.next
	}
	if e.next != nil {
		e.next.prev = e.prev
	} else {
		l.tail = e.prev
	}
	e.prev, e.next = nil, nil
}

// groupList is an intrusive doubly linked list of groups.
type groupList struct{ head, tail *group }

func (l *groupList) pushBack(g *group) {
	g.prev, g.next = l.tail, nil
	if l.tail != nil {
		l.tail.next = g
	} else {
		l.head = g
	}
	l.tail = g
}

func (l *groupList) remove(g *group) {
	if g.prev != nil {
		g.prev.next = g.next
	} else {
		l.head = g.next
	}
	if g.next != nil {
		g.next.prev = g.prev
	} else {
		l.tail = g.prev
	}
	g.prev, g.next = nil, nil
}

// timedHeap orders delayed and in-flight entries by due (container/heap).
type timedHeap []*entry

func (h timedHeap) Len() int { return len(h) }
func (h timedHeap) Less(i, j int) bool {
	if h[i].due == h[j].due {
		return h[i].key < h[j].key
	}
	return h[i].due < h[j].due
}
func (h timedHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].timedPos, h[j].timedPos = int32(i), int32(j)
}
func (h *timedHeap) Push(x any) {
	e := x.(*entry)
	e.timedPos = int32(len(*h))
	*h = append(*h, e)
}
func (h *timedHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	e.timedPos = -1
	return e
}

// ageHeap orders every entry by enqueuedAt, for retention. Sends arrive in
// time order, so a push rarely sifts; moved messages keep an older enqueue time.
type ageHeap []*entry

func (h ageHeap) Len() int { return len(h) }
func (h ageHeap) Less(i, j int) bool {
	if h[i].enqueuedAt == h[j].enqueuedAt {
		return h[i].key < h[j].key
	}
	return h[i].enqueuedAt < h[j].enqueuedAt
}
func (h ageHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].agePos, h[j].agePos = int32(i), int32(j)
}
func (h *ageHeap) Push(x any) {
	e := x.(*entry)
	e.agePos = int32(len(*h))
	*h = append(*h, e)
}
func (h *ageHeap) Pop() any {
	old := *h
	e := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	e.agePos = -1
	return e
}

// fifoOf is a first-in first-out queue on a slice, for records that expire
// in the order they were made.
type fifoOf[T any] struct {
	items []T
	head  int
}

func (f *fifoOf[T]) len() int { return len(f.items) - f.head }
func (f *fifoOf[T]) push(v T) { f.items = append(f.items, v) }
func (f *fifoOf[T]) front() T { return f.items[f.head] }
func (f *fifoOf[T]) pop() {
	var zero T
	f.items[f.head] = zero
	f.head++
	if f.head == len(f.items) {
		f.items, f.head = f.items[:0], 0
	} else if f.head >= 1024 && f.head*2 >= len(f.items) {
		n := copy(f.items, f.items[f.head:])
		clear(f.items[n:])
		f.items, f.head = f.items[:n], 0
	}
}

// newEntry makes the entry that will hold m. It needs no lock: a sender
// makes it before taking q.mu, so that the allocation (fresh memory the
// kernel may have to fault in, when a queue grows) holds up nobody else.
func newEntry(m *Message) *entry {
	return &entry{msg: store(m), timedPos: -1, agePos: -1}
}

// insert stores e, made by newEntry from m, as a new entry, visible at due
// (now or earlier: visible at once). Caller holds q.mu.
func (q *Queue) insert(e *entry, m *Message, enqueuedAt, due, now time.Time) *entry {
	q.lastKey++
	e.key, e.enqueuedAt = q.lastKey, at(enqueuedAt)
	q.entries.put(e)
	heap.Push(&q.age, e)
	if q.fifo {
		g := q.groups[m.GroupID]
		if g == nil {
			g = &group{id: m.GroupID}
			q.groups[m.GroupID] = g
		}
		e.setGroup(g)
		g.list.pushBack(e)
	}
	if due.After(now) {
		e.state, e.due = stateDelayed, at(due)
		q.counts.Delayed++
		heap.Push(&q.timed, e)
		q.armTimer(now)
	} else {
		q.becomeVisible(e)
	}
	q.journalPut(e, m)
	return e
}

// becomeVisible makes a new, delayed or in-flight entry visible; a delayed or
// in-flight one must already be out of q.timed. Caller holds q.mu.
func (q *Queue) becomeVisible(e *entry) {
	switch e.state {
	case stateDelayed:
		q.counts.Delayed--
	case stateInflight:
		q.counts.InFlight--
		if q.fifo {
			e.group().inflight--
		}
	}
	e.state = stateVisible
	q.counts.Visible++
	if q.fifo {
		q.refreshGroup(e.group())
		return
	}
	q.ready.pushBack(e)
	q.signal()
}

// deliver makes a visible entry in flight until now+vt and returns what the
// receiver gets. Caller holds q.mu.
func (q *Queue) deliver(e *entry, now time.Time, vt time.Duration) Received {
	if q.fifo {
		e.group().inflight++
	} else {
		q.ready.remove(e)
	}
	q.counts.Visible--
	q.counts.InFlight++
	e.state = stateInflight
	e.msg.receiveCount++
	if e.msg.firstReceiveAt == 0 {
		e.msg.firstReceiveAt = now.UnixNano()
	}
	q.lastNonce++
	e.nonce = q.lastNonce
	e.changes = 0
	e.due = at(now.Add(vt))
	heap.Push(&q.timed, e)
	q.armTimer(now)
	if q.fifo {
		q.refreshGroup(e.group())
	}
	q.journalUpdate(e)
	return Received{Message: e.msg.message(), ReceiptHandle: q.handle(e.key, e.nonce)}
}

// remove forgets an entry whatever its state, and journals that it is
// gone. Caller holds q.mu.
func (q *Queue) remove(e *entry) {
	if e.state == stateGone {
		return
	}
	q.unlink(e)
	if q.journal != nil {
		q.journal.Remove(e.key, q.counters())
	}
}

// unlink forgets an entry whatever its state, journaling nothing: for a
// message leaving for another queue, which journals it there first (see
// Forget). Caller holds q.mu.
func (q *Queue) unlink(e *entry) {
	switch e.state {
	case stateVisible:
		q.counts.Visible--
		if !q.fifo {
			q.ready.remove(e)
		}
	case stateInflight:
		q.counts.InFlight--
		heap.Remove(&q.timed, int(e.timedPos))
		if q.fifo {
			e.group().inflight--
		}
	case stateDelayed:
		q.counts.Delayed--
		heap.Remove(&q.timed, int(e.timedPos))
	case stateGone:
		return
	}
	heap.Remove(&q.age, int(e.agePos))
	q.entries.del(e.key)
	e.state = stateGone
	if q.fifo {
		g := e.group()
		g.list.remove(e)
		q.refreshGroup(g)
	}
}

// refreshGroup puts g in q.readyGroups exactly when a receive may take from
// it: nothing in flight and its first message visible. An empty group is
// forgotten. Caller holds q.mu.
func (q *Queue) refreshGroup(g *group) {
	ready := g.inflight == 0 && g.list.head != nil && g.list.head.state == stateVisible
	switch {
	case ready && !g.ready:
		g.ready = true
		q.readyGroups.pushBack(g)
		q.signal()
	case !ready && g.ready:
		g.ready = false
		q.readyGroups.remove(g)
	}
	if g.list.head == nil && q.groups[g.id] == g {
		delete(q.groups, g.id)
	}
}

// advance applies every deadline up to now: it drops messages past the
// retention period, makes delayed and in-flight messages visible when due, and
// forgets expired deduplication and receive-attempt records. Caller holds q.mu.
func (q *Queue) advance(now time.Time) {
	n := at(now)
	if r := q.settings.RetentionPeriod; r > 0 {
		for len(q.age) > 0 && q.age[0].enqueuedAt <= n-nanos(r) {
			q.remove(q.age[0])
		}
	}
	for len(q.timed) > 0 && q.timed[0].due <= n {
		q.becomeVisible(heap.Pop(&q.timed).(*entry))
	}
	for q.dedupOrder.len() > 0 {
		r := q.dedupOrder.front()
		if r.expires.After(now) {
			break
		}
		q.dedupOrder.pop()
		if q.dedup[r.key] == r {
			delete(q.dedup, r.key)
			if q.journal != nil {
				q.journal.RemoveDedup(r.key)
			}
		}
	}
	for q.attemptList.len() > 0 {
		a := q.attemptList.front()
		if a.expires.After(now) {
			break
		}
		q.attemptList.pop()
		if q.attempts[a.id] == a {
			delete(q.attempts, a.id)
		}
	}
}

// retimeDelayed gives every delayed message of a FIFO queue the new queue
// delay, counted from its enqueue time. Caller holds q.mu.
func (q *Queue) retimeDelayed(delay time.Duration) {
	for _, e := range q.timed {
		if e.state == stateDelayed {
			e.due = e.enqueuedAt + nanos(delay)
			q.journalUpdate(e)
		}
	}
	heap.Init(&q.timed)
}

// signal wakes every waiting receiver. Caller holds q.mu.
func (q *Queue) signal() {
	if q.notify != nil {
		close(q.notify)
		q.notify = nil
	}
}

// waitChan returns the channel the next signal closes. Caller holds q.mu.
func (q *Queue) waitChan() chan struct{} {
	if q.notify == nil {
		q.notify = make(chan struct{})
	}
	return q.notify
}

// armTimer makes sure the timer fires no later than the earliest due, while
// receivers wait. Caller holds q.mu.
func (q *Queue) armTimer(now time.Time) {
	if q.waiters == 0 || len(q.timed) == 0 || q.closed {
		return
	}
	due := q.timed[0].due.time()
	if !q.timerAt.IsZero() && !due.Before(q.timerAt) {
		return
	}
	q.timerAt = due
	if q.timer == nil {
		q.timer = time.AfterFunc(due.Sub(now), q.onTimer)
	} else {
		q.timer.Reset(due.Sub(now))
	}
}

// onTimer runs when the earliest due may have passed. A firing that an
// earlier Reset superseded is harmless: it only re-evaluates.
func (q *Queue) onTimer() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.timerAt = time.Time{}
	now := time.Now()
	q.advance(now)
	q.armTimer(now)
}
