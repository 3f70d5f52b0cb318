package sns

import (
	"fmt"
	"time"
)

// FIFO topics: a sequence number per message and a five-minute
// deduplication window.
// https://docs.aws.amazon.com/sns/latest/dg/fifo-message-dedup.html

const dedupInterval = 5 * time.Minute

type dedupEntry struct {
	id, seq string
	at      time.Time
}

// dedupWindow is guarded by its topic's fifoMu.
type dedupWindow struct {
	entries map[string]dedupEntry
	order   []string // dedup ids by first sight, for expiry
	seq     uint64
}

func newDedupWindow() *dedupWindow {
	return &dedupWindow{entries: map[string]dedupEntry{}, seq: 10000000000000000000}
}

// seen reports a duplicate (with the original's id and sequence number),
// or numbers m and remembers it.
func (w *dedupWindow) seen(m *message, now time.Time) (id, seq string, dup bool) {
	for len(w.order) > 0 {
		e := w.entries[w.order[0]]
		if now.Sub(e.at) < dedupInterval {
			break
		}
		delete(w.entries, w.order[0])
		w.order = w.order[1:]
	}
	key := m.groupID + "\x00" + m.dedupID
	if m.topic.attribute("FifoThroughputScope") != "MessageGroup" {
		key = m.dedupID
	}
	if e, ok := w.entries[key]; ok {
		return e.id, e.seq, true
	}
	w.seq++
	m.seq = fmt.Sprintf("%020d", w.seq)
	w.entries[key] = dedupEntry{id: m.id, seq: m.seq, at: now}
	w.order = append(w.order, key)
	return "", "", false
}
