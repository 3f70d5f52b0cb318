package queue

import (
	"fmt"
	"iter"
	"maps"
	"slices"
	"testing"
	"testing/synctest"
	"time"
)

// memJournal applies a queue's journal as a store would.
type memJournal struct {
	recs     map[uint64]Record
	status   map[uint64]Status
	dedup    map[string]DedupEntry
	counters Counters
}

func newMemJournal() *memJournal {
	return &memJournal{recs: map[uint64]Record{}, status: map[uint64]Status{}, dedup: map[string]DedupEntry{}}
}

func (j *memJournal) Put(r Record)                { j.recs[r.Key] = r }
func (j *memJournal) Update(key uint64, s Status) { j.status[key] = s }
func (j *memJournal) Remove(key uint64, c Counters) {
	delete(j.recs, key)
	delete(j.status, key)
	j.counters = c
}
func (j *memJournal) PutDedup(d DedupEntry)  { j.dedup[d.Key] = d }
func (j *memJournal) RemoveDedup(key string) { delete(j.dedup, key) }
func (j *memJournal) Clear(c Counters)       { clear(j.recs); clear(j.status); j.counters = c }

// restore rebuilds the queue j journaled, as a restart does.
func (j *memJournal) restore(from *Queue, s Settings) *Queue {
	r := New(from.ARN(), s)
	r.SetTag(from.Tag())
	r.SetJournal(j)
	r.Restore(j.records(), slices.Collect(maps.Values(j.dedup)), j.counters)
	return r
}

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

		r := j.restore(q, defaults(Settings{FIFO: fifo, ContentBasedDeduplication: true}))
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

// The counters journaled with each removal carry a queue's keys, nonces and
// sequence numbers across a restore when the records that held the highest
// are gone: a receipt handle from before the restore never names a message
// sent after it, and sequence numbers keep growing.
func TestJournalKeepsCountersAcrossRestore(t *testing.T) {
	for _, fifo := range []bool{false, true} {
		for _, how := range []string{"delete", "purge", "expire"} {
			t.Run(fmt.Sprintf("fifo=%v %s", fifo, how), func(t *testing.T) {
				synctest.Test(t, func(t *testing.T) {
					s := defaults(Settings{FIFO: fifo, ContentBasedDeduplication: true, RetentionPeriod: time.Minute})
					j := newMemJournal()
					q := New(arn, s)
					q.SetJournal(j)
					mustSend(t, q, Message{Body: "gone", GroupID: "g"})
					old := receive(t, q, ReceiveInput{Max: 1})[0]
					switch how {
					case "delete":
						if err := q.Delete(old.ReceiptHandle); err != nil {
							t.Fatal(err)
						}
					case "purge":
						q.Purge()
					}
					// Past the retention period and the deduplication window:
					// nothing of the message is left in the journal.
					time.Sleep(dedupWindow + time.Second)
					q.Counts()
					if len(j.recs) != 0 || len(j.dedup) != 0 {
						t.Fatalf("journal still holds %d messages and %d deduplication records", len(j.recs), len(j.dedup))
					}

					r := j.restore(q, s)
					next := mustSend(t, r, Message{Body: "next", GroupID: "g"})
					got := receive(t, r, ReceiveInput{Max: 1})
					if got[0].ReceiptHandle == old.ReceiptHandle {
						t.Fatal("a message after the restore has the receipt handle of one before it")
					}
					if err := r.Delete(old.ReceiptHandle); err != nil {
						t.Fatalf("deleting with the handle of a message that is gone: %v", err)
					}
					if c := r.Counts(); c.InFlight != 1 {
						t.Fatalf("the old handle deleted the new message: %+v", c)
					}
					if fifo && next.SequenceNumber <= old.Message.SequenceNumber {
						t.Fatalf("sequence number %s after the restore, not after %s", next.SequenceNumber, old.Message.SequenceNumber)
					}
				})
			})
		}
	}
}
