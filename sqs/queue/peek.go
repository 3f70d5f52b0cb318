package queue

import "time"

// Peeked is a message as Peek shows it: with its state, untouched.
type Peeked struct {
	Message
	State State
	Due   time.Time // delayed or in flight: when it becomes visible
}

// Peek returns up to limit of the queue's messages in the order they were
// stored, whatever their state, and changes nothing: no receive count, no
// visibility, no receipt handle. For looking, not consuming (the
// dashboard).
func (q *Queue) Peek(limit int) []Peeked {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed || limit <= 0 {
		return nil
	}
	q.advance(time.Now())
	out := make([]Peeked, 0, min(limit, q.entries.len()))
	q.entries.ascend(func(e *entry) bool {
		out = append(out, Peeked{Message: e.msg.message(), State: State(e.state), Due: e.due.time()})
		return len(out) < limit
	})
	return out
}
