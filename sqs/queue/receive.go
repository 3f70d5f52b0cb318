package queue

import (
	"container/heap"
	"context"
	"time"
)

// ReceiveInput are the parameters of a receive.
type ReceiveInput struct {
	Max               int            // 1..10 (the caller validates; less than 1 means 1)
	VisibilityTimeout *time.Duration // nil: the queue's
	Wait              time.Duration  // long poll; 0 returns at once
	AttemptID         string         // FIFO ReceiveRequestAttemptId
}

// Received is one delivered message.
type Received struct {
	Message       Message // snapshot, ReceiveCount and FirstReceiveAt updated
	ReceiptHandle string  // opaque, unique per delivery
}

// attemptRecord remembers what a FIFO receive with a ReceiveRequestAttemptId
// returned, so that a retry gets the same messages and handles.
type attemptRecord struct {
	id      string
	expires time.Time
	items   []attemptItem
}

type attemptItem struct {
	key, nonce uint64
	handle     string
}

// Receive returns up to in.Max visible messages and makes them in flight for
// the visibility timeout. With in.Wait > 0 and nothing receivable it waits
// until something is (a send, a delay or visibility timeout ending, a
// ChangeVisibility to 0, a FIFO group unlocking, SetSettings), until the wait
// ends (then it returns no messages and no error), until ctx is done
// (ctx.Err()) or until the queue is closed (ErrQueueDeleted).
//
// A standard queue returns the messages in the order they became visible. A
// FIFO queue returns messages only from groups with nothing in flight, in
// order within each group, as many of one group as it may before the next
// group; a group stays locked while any of its messages is in flight
// (Developer Guide, "FIFO queue delivery logic").
//
// On a FIFO queue, a receive repeated with the same in.AttemptID within 5
// minutes returns the same messages and receipt handles, and restarts their
// visibility timeout, as long as none of them was deleted, had its visibility
// changed or became visible again (API_ReceiveMessage, ReceiveRequestAttemptId);
// otherwise the receive runs anew.
//
// Messages past the retention period are dropped, never returned. A message
// already received Settings.MaxReceiveCount times goes to the dead-letter
// queue instead of being returned, keeping its ID and receive count, with
// DeadLetterSourceARN set.
func (q *Queue) Receive(ctx context.Context, in ReceiveInput) ([]Received, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	limit := max(in.Max, 1)
	var (
		waitTimer *time.Timer
		waitOver  bool
		waiting   bool // counted in q.waiters
	)
	defer func() {
		if waitTimer != nil {
			waitTimer.Stop()
		}
	}()
	for {
		q.mu.Lock()
		if waiting {
			q.waiters--
			waiting = false
		}
		if q.closed {
			q.mu.Unlock()
			return nil, ErrQueueDeleted
		}
		now := time.Now()
		q.advance(now)
		vt := q.settings.VisibilityTimeout
		if in.VisibilityTimeout != nil {
			vt = *in.VisibilityTimeout
		}
		attempt := q.fifo && in.AttemptID != ""
		if attempt {
			if got := q.retryAttempt(in.AttemptID, now, vt); got != nil {
				q.mu.Unlock()
				return got, nil
			}
		}
		got, detached, dlq := q.take(now, limit, vt)
		if attempt && len(got) > 0 {
			q.recordAttempt(in.AttemptID, now, got)
		}
		done := len(got) > 0 || in.Wait <= 0 || waitOver
		var wake chan struct{}
		if !done {
			wake = q.waitChan()
			q.waiters++
			waiting = true
			q.armTimer(now)
		}
		q.mu.Unlock()

		q.moveToDeadLetter(dlq, detached)
		if done {
			return got, nil
		}
		if waitTimer == nil {
			waitTimer = time.NewTimer(in.Wait)
		}
		select {
		case <-wake:
		case <-waitTimer.C:
			waitOver = true
		case <-ctx.Done():
			q.mu.Lock()
			q.waiters--
			q.mu.Unlock()
			return nil, ctx.Err()
		}
	}
}

// take delivers up to limit receivable messages and detaches those due for
// the dead-letter queue, which it returns. Caller holds q.mu.
func (q *Queue) take(now time.Time, limit int, vt time.Duration) (got []Received, detached []moved, dlq *Queue) {
	s := &q.settings
	got = make([]Received, 0, min(limit, 16))
	if s.MaxReceiveCount > 0 && s.DeadLetter != nil && !s.DeadLetter.deleted.Load() {
		dlq = s.DeadLetter
	}
	// next handles one visible entry: it goes to the DLQ or to the receiver.
	next := func(e *entry) {
		if dlq != nil && int(e.msg.receiveCount) >= s.MaxReceiveCount {
			detached = append(detached, moved{msg: e.msg.message(), enqueuedAt: e.enqueuedAt.time(), key: e.key})
			q.unlink(e) // journaled as gone once the dead-letter queue has it
			return
		}
		got = append(got, q.deliver(e, now, vt))
	}
	if !q.fifo {
		for len(got) < limit && q.ready.head != nil {
			next(q.ready.head)
		}
		return got, detached, dlq
	}
	for g := q.readyGroups.head; g != nil && len(got) < limit; {
		after := g.next // g may leave the list
		for e := g.list.head; e != nil && e.state == stateVisible && len(got) < limit; {
			n := e.next
			next(e)
			e = n
		}
		g = after
	}
	return got, detached, dlq
}

// moveToDeadLetter hands detached messages to the dead-letter queue, or back to
// q if that queue was deleted meanwhile. The caller holds no queue lock.
func (q *Queue) moveToDeadLetter(dlq *Queue, detached []moved) {
	for _, mv := range detached {
		if err := dlq.acceptDeadLetter(mv, q.arn); err != nil {
			q.restore(mv)
			continue
		}
		q.Forget(mv.key)
	}
}

// retryAttempt returns the messages of an earlier receive with the same attempt
// id, with their visibility timeout restarted, or nil if there was none or
// one of its messages was deleted, changed or received again. Caller holds q.mu.
func (q *Queue) retryAttempt(id string, now time.Time, vt time.Duration) []Received {
	a := q.attempts[id]
	if a == nil {
		return nil
	}
	for _, it := range a.items {
		e := q.entries.get(it.key)
		if e == nil || e.nonce != it.nonce || e.state != stateInflight || e.changes != 0 {
			delete(q.attempts, id)
			return nil
		}
	}
	got := make([]Received, len(a.items))
	for i, it := range a.items {
		e := q.entries.get(it.key)
		e.due = at(now.Add(vt))
		heap.Fix(&q.timed, int(e.timedPos))
		q.journalUpdate(e)
		got[i] = Received{Message: e.msg.message(), ReceiptHandle: it.handle}
	}
	q.armTimer(now)
	return got
}

// recordAttempt remembers a FIFO receive's result for its attempt id. Caller
// holds q.mu.
func (q *Queue) recordAttempt(id string, now time.Time, got []Received) {
	a := &attemptRecord{id: id, expires: now.Add(attemptWindow), items: make([]attemptItem, len(got))}
	for i, r := range got {
		key, nonce, _ := q.parseHandle(r.ReceiptHandle)
		a.items[i] = attemptItem{key: key, nonce: nonce, handle: r.ReceiptHandle}
	}
	q.attempts[id] = a
	q.attemptList.push(a)
}

// TakeVisible removes and returns up to limit visible messages, oldest first
// (on a FIFO queue: from unlocked groups, in order within each group), for
// message move tasks, with the keys they had here (for Forget). It applies
// no redrive.
func (q *Queue) TakeVisible(limit int) ([]Message, []uint64) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || limit <= 0 {
		return nil, nil
	}
	q.advance(time.Now())
	out := make([]Message, 0, min(limit, 1024))
	keys := make([]uint64, 0, min(limit, 1024))
	take := func(e *entry) {
		out = append(out, e.msg.message())
		keys = append(keys, e.key)
		q.unlink(e) // the caller calls Forget once the destination has it
	}
	if !q.fifo {
		for len(out) < limit && q.ready.head != nil {
			take(q.ready.head)
		}
		return out, keys
	}
	for g := q.readyGroups.head; g != nil && len(out) < limit; {
		after := g.next
		for e := g.list.head; e != nil && e.state == stateVisible && len(out) < limit; {
			n := e.next
			take(e)
			e = n
		}
		g = after
	}
	return out, keys
}
