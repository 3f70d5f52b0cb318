package sqs

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"sync/atomic"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/persist"
	"github.com/ferry-emulator/ferry/sqs/queue"
)

// Messages on a durable store (DESIGN §7). Every change a queue makes to its
// messages is journaled under the queue's lock, so the store commits them
// in the order they happened, and a request that changed messages answers
// only once its changes are durable: an acknowledged send survives a
// crash, and an acknowledged deletion never comes back.
//
//	sqs.messages  account, region, queue, key        -> queue.Record (binary, journal_codec.go), written once
//	sqs.status    account, region, queue, key        -> queue.Status (binary), as it changes
//	sqs.dedup     account, region, queue, dedup key  -> queue.DedupEntry (JSON)
//	sqs.counters  account, region, queue             -> queue.Counters (binary), with each removal
//
// A message's key is its place in the queue (8 bytes, big-endian): sends
// append to the end of the file's tree instead of touching a page at
// random, and a receive rewrites the small status record, not the body.
//
// On the in-memory store nothing is journaled: it would only copy what
// memory already holds.
const (
	messagesBucket = "sqs.messages"
	statusBucket   = "sqs.status"
	dedupBucket    = "sqs.dedup"
	countersBucket = "sqs.counters"
)

// journal is one queue's journal.
type journal struct {
	store    persist.Journal
	prefix   []byte // the queue's key prefix: account, region, name, ""
	counters []byte // the key of the queue's counters: account, region, name
	last     *atomic.Pointer[persist.Pending]
}

func (s *Service) newJournal(q *Queue) *journal {
	j, ok := s.store.(persist.Journal)
	if !ok {
		return nil
	}
	return &journal{store: j, prefix: persist.Key(q.Account, q.Region, q.Name, ""),
		counters: persist.Key(q.Account, q.Region, q.Name), last: &s.lastWrite}
}

func (j *journal) key(k uint64) []byte {
	return binary.BigEndian.AppendUint64(append(make([]byte, 0, len(j.prefix)+8), j.prefix...), k)
}

func (j *journal) submit(w ...persist.Write) {
	p := j.store.Submit(w...)
	j.last.Store(&p)
}

func (j *journal) Put(r queue.Record) {
	j.submit(persist.Write{Bucket: messagesBucket, Key: j.key(r.Key), Value: encodeRecord(r)})
}

func (j *journal) Update(key uint64, st queue.Status) {
	j.submit(persist.Write{Bucket: statusBucket, Key: j.key(key), Value: encodeStatus(st)})
}

func (j *journal) Remove(key uint64, c queue.Counters) {
	k := j.key(key)
	j.submit(persist.Write{Bucket: messagesBucket, Key: k}, persist.Write{Bucket: statusBucket, Key: k},
		persist.Write{Bucket: countersBucket, Key: j.counters, Value: encodeCounters(c)})
}

func (j *journal) dedupKey(key string) []byte {
	return append(append(make([]byte, 0, len(j.prefix)+len(key)), j.prefix...), key...)
}

func (j *journal) PutDedup(d queue.DedupEntry) {
	b, _ := json.Marshal(d)
	j.submit(persist.Write{Bucket: dedupBucket, Key: j.dedupKey(d.Key), Value: b})
}

func (j *journal) RemoveDedup(key string) {
	j.submit(persist.Write{Bucket: dedupBucket, Key: j.dedupKey(key)})
}

func (j *journal) Clear(c queue.Counters) {
	j.submit(persist.Write{Bucket: messagesBucket, Key: j.prefix, Prefix: true},
		persist.Write{Bucket: statusBucket, Key: j.prefix, Prefix: true},
		persist.Write{Bucket: countersBucket, Key: j.counters, Value: encodeCounters(c)})
}

// durable waits until every message change submitted so far is committed:
// what a request that changed messages does before it answers. Commits are
// in submission order, so waiting for the latest covers the request's own.
// An in-process call (SNS delivering) acknowledges nothing to anyone, so
// it does not wait: its changes still commit in their order.
func (s *Service) durable(req *api.Request) error {
	p := s.lastWrite.Load()
	if p == nil || req.InProcess {
		return nil
	}
	if err := (*p).Wait(); err != nil {
		s.log.Error("message changes could not be made durable", "err", err)
		return api.InternalFailure()
	}
	return nil
}

// attachJournal makes a queue journal its messages, first putting back the
// ones the store holds (when restoring).
func (s *Service) attachJournal(q *Queue, restoring bool) error {
	j := s.newJournal(q)
	if j == nil {
		return nil
	}
	q.engine.SetJournal(j)
	if !restoring {
		return nil
	}
	status := map[string]queue.Status{}
	err := s.store.Scan(statusBucket, j.prefix, func(k, v []byte) error {
		st, err := decodeStatus(v)
		if err != nil {
			return err
		}
		status[string(k)] = st
		return nil
	})
	if err != nil {
		return err
	}
	// The messages are read as the queue takes them back, in key order,
	// so that no copy of a million records is ever held.
	var scanErr error
	recs := func(yield func(queue.Record) bool) {
		scanErr = s.store.Scan(messagesBucket, j.prefix, func(k, v []byte) error {
			r, err := decodeRecord(v)
			if err != nil {
				return err
			}
			if st, ok := status[string(k)]; ok {
				r.Status = st
			}
			if !yield(r) {
				return errStopScan
			}
			return nil
		})
	}
	var dedup []queue.DedupEntry
	err = s.store.Scan(dedupBucket, j.prefix, func(_, v []byte) error {
		var d queue.DedupEntry
		if err := json.Unmarshal(v, &d); err != nil {
			return err
		}
		dedup = append(dedup, d)
		return nil
	})
	if err != nil {
		return err
	}
	var counters queue.Counters
	if raw, ok, err := s.store.Get(countersBucket, j.counters); err != nil {
		return err
	} else if ok {
		if counters, err = decodeCounters(raw); err != nil {
			return err
		}
	}
	q.engine.Restore(recs, dedup, counters)
	if scanErr != nil && scanErr != errStopScan {
		return scanErr
	}
	return nil
}

var errStopScan = errors.New("stop")

// dropMessages deletes a deleted queue's journaled messages and
// deduplication records, with its metadata record.
func (s *Service) dropMessages(q *Queue) error {
	if s.store == nil {
		return nil
	}
	prefix := persist.Key(q.Account, q.Region, q.Name, "")
	return s.store.Update(
		persist.Write{Bucket: queuesBucket, Key: persist.Key(q.Account, q.Region, q.Name)},
		persist.Write{Bucket: messagesBucket, Key: prefix, Prefix: true},
		persist.Write{Bucket: statusBucket, Key: prefix, Prefix: true},
		persist.Write{Bucket: dedupBucket, Key: prefix, Prefix: true},
		persist.Write{Bucket: countersBucket, Key: persist.Key(q.Account, q.Region, q.Name)},
	)
}
