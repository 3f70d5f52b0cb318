package sqs

import (
	"encoding/json"
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
//	sqs.messages  account, region, queue, message id -> queue.Record (JSON)
//	sqs.dedup     account, region, queue, dedup key  -> queue.DedupEntry (JSON)
//
// On the in-memory store nothing is journaled: it would only copy what
// memory already holds.
const (
	messagesBucket = "sqs.messages"
	dedupBucket    = "sqs.dedup"
)

// journal is one queue's journal.
type journal struct {
	store  persist.Journal
	prefix []byte // the queue's key prefix: account, region, name, ""
	last   *atomic.Pointer[persist.Pending]
}

func (s *Service) newJournal(q *Queue) *journal {
	j, ok := s.store.(persist.Journal)
	if !ok {
		return nil
	}
	return &journal{store: j, prefix: persist.Key(q.Account, q.Region, q.Name, ""), last: &s.lastWrite}
}

func (j *journal) key(id string) []byte {
	return append(append(make([]byte, 0, len(j.prefix)+len(id)), j.prefix...), id...)
}

func (j *journal) submit(w persist.Write) {
	p := j.store.Submit(w)
	j.last.Store(&p)
}

func (j *journal) Put(r queue.Record) {
	b, _ := json.Marshal(r) // plain data: it always encodes
	j.submit(persist.Write{Bucket: messagesBucket, Key: j.key(r.Msg.ID), Value: b})
}

func (j *journal) Remove(id string) {
	j.submit(persist.Write{Bucket: messagesBucket, Key: j.key(id)})
}

func (j *journal) PutDedup(d queue.DedupEntry) {
	b, _ := json.Marshal(d)
	j.submit(persist.Write{Bucket: dedupBucket, Key: j.key(d.Key), Value: b})
}

func (j *journal) RemoveDedup(key string) {
	j.submit(persist.Write{Bucket: dedupBucket, Key: j.key(key)})
}

func (j *journal) Clear() {
	j.submit(persist.Write{Bucket: messagesBucket, Key: j.prefix, Prefix: true})
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
	var recs []queue.Record
	err := s.store.Scan(messagesBucket, j.prefix, func(_, v []byte) error {
		var r queue.Record
		if err := json.Unmarshal(v, &r); err != nil {
			return err
		}
		recs = append(recs, r)
		return nil
	})
	if err != nil {
		return err
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
	q.engine.Restore(recs, dedup)
	return nil
}

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
		persist.Write{Bucket: dedupBucket, Key: prefix, Prefix: true},
	)
}
