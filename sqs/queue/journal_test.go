package queue

import (
	"iter"
	"maps"
	"slices"
	"testing"
	"time"
)

// memJournal applies a queue's journal as a store would.
type memJournal struct {
	recs   map[uint64]Record
	status map[uint64]Status
	dedup  map[string]DedupEntry
}

func newMemJournal() *memJournal {
	return &memJournal{recs: map[uint64]Record{}, status: map[uint64]Status{}, dedup: map[string]DedupEntry{}}
}

func (j *memJournal) Put(r Record)                { j.recs[r.Key] = r }
func (j *memJournal) Update(key uint64, s Status) { j.status[key] = s }
func (j *memJournal) Remove(key uint64)           { delete(j.recs, key); delete(j.status, key) }
func (j *memJournal) PutDedup(d DedupEntry)       { j.dedup[d.Key] = d }
func (j *memJournal) RemoveDedup(key string)      { delete(j.dedup, key) }
func (j *memJournal) Clear()                      { clear(j.recs); clear(j.status) }

// records yields the messages in key order, as a store scan does.
func (j *memJournal) records() iter.Seq[Record] {
	keys := slices.Sorted(maps.Keys(j.recs))
	return func(yield func(Record) bool) {
		for _, k := range keys {
			r := j.recs[k]
			if s, ok := j.status[k]; ok {
				r.Status = s
			}
			if !yield(r) {
				return
			}
		}
	}
}

// What a queue journals is enough to rebuild it: the restored queue has
// the same messages in the same states and order, and a receipt handle
// given out before still deletes its message.
func TestJournalRestoresTheQueue(t *testing.T) {
	for _, fifo := range []bool{false, true} {
		j := newMemJournal()
		q := New(arn, defaults(Settings{FIFO: fifo, ContentBasedDeduplication: true}))
		q.SetJournal(j)
		send := func(body string, delay *time.Duration) {
			if _, _, err := q.Send(&Message{Body: body, GroupID: "g" + body[:1]}, delay); err != nil {
				t.Fatal(err)
			}
		}
		for _, b := range []string{"a1", "b1", "a2", "b2", "a3"} {
			send(b, nil)
		}
		if !fifo {
			send("later", dur(time.Hour))
		}
		got := receive(t, q, ReceiveInput{Max: 2, VisibilityTimeout: dur(time.Hour)})
		if err := q.Delete(got[0].ReceiptHandle); err != nil {
			t.Fatal(err)
		}
		inFlight := got[1]
		before := q.Counts()

		r := New(arn, defaults(Settings{FIFO: fifo, ContentBasedDeduplication: true}))
		r.SetTag(q.Tag())
		r.Restore(j.records(), slices.Collect(func(yield func(DedupEntry) bool) {
			for _, d := range j.dedup {
				if !yield(d) {
					return
				}
			}
		}))
		if after := r.Counts(); after != before {
			t.Fatalf("fifo=%v: counts %+v, want %+v", fifo, after, before)
		}
		// The in-flight message's handle still works after the restore.
		if err := r.Delete(inFlight.ReceiptHandle); err != nil {
			t.Fatalf("fifo=%v: delete with a handle from before: %v", fifo, err)
		}
		if fifo {
			// A duplicate of a sent message is still recognised.
			if _, dup, err := r.Send(&Message{Body: "a1", GroupID: "ga"}, nil); err != nil || !dup {
				t.Fatalf("dedup after restore: dup=%v err=%v", dup, err)
			}
		}
		var bodies []string
		for _, m := range receive(t, r, ReceiveInput{Max: 10, VisibilityTimeout: dur(time.Hour)}) {
			bodies = append(bodies, m.Message.Body)
		}
		if len(bodies) != 3 {
			t.Fatalf("fifo=%v: restored %q", fifo, bodies)
		}
		if !fifo && !slices.Equal(bodies, []string{"a2", "b2", "a3"}) {
			t.Fatalf("order after restore: %q", bodies)
		}
	}
}
