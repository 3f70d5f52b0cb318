package sns

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/ferry-emulator/ferry/persist"
)

// Published messages on a durable store (DESIGN §7). A Publish answers once
// its message is durable in sns.pending; the record goes when the message
// has been handed to every queue subscriber (whose SQS changes are
// committed in order before the record's removal) and to every HTTP/S
// subscriber's delivery. After a crash, ferry delivers what is still
// pending again: at least once, as SNS promises, never lost. HTTP/S
// retries in progress at a crash are not resumed.
//
//	sns.pending  account, region, topic, sequence -> pendingRecord (JSON)
//	sns.sealing  "key"                            -> the key sealing encrypted topics' pending bodies
//
// An encrypted topic's pending message is stored sealed (AES-256-GCM under
// a key ferry keeps), so the file never holds its body in plaintext, not
// even in the pages a removed record leaves behind (DESIGN §5).
const (
	pendingBucket = "sns.pending"
	sealingBucket = "sns.sealing"
)

type pendingRecord struct {
	ID         string                           `json:"id"`
	Subject    *string                          `json:"subject,omitempty"`
	Body       string                           `json:"body,omitempty"`
	ByProtocol map[string]string                `json:"byProtocol,omitempty"`
	Sealed     []byte                           `json:"sealed,omitempty"` // nonce and sealed texts, for an encrypted topic
	Attrs      map[string]MessageAttributeValue `json:"attributes,omitempty"`
	Timestamp  time.Time                        `json:"timestamp"`
	GroupID    string                           `json:"groupId,omitempty"`
	DedupID    string                           `json:"dedupId,omitempty"`
	Seq        string                           `json:"sequence,omitempty"`
	Host       string                           `json:"host"`
	Scheme     string                           `json:"scheme"`
	RequestID  string                           `json:"requestId"`
}

// hold makes a message durable before Publish answers. Only a durable
// store keeps pending messages: in memory, a crash loses everything alike.
func (s *Service) hold(m *message) error {
	if _, durable := s.store.(persist.Journal); !durable {
		return nil
	}
	t := m.topic
	key := persist.Key(t.Account, t.Region, t.Name, fmt.Sprintf("%020d", s.pendingSeq.Add(1)))
	rec := pendingRecord{ID: m.id, Subject: m.subject, Body: m.body, ByProtocol: m.byProtocol, Attrs: m.attrs,
		Timestamp: m.timestamp, GroupID: m.groupID, DedupID: m.dedupID, Seq: m.seq, Host: m.host, Scheme: m.scheme, RequestID: m.requestID}
	if t.attribute("KmsMasterKeyId") != "" {
		sealed, err := s.sealTexts(key, texts{Body: m.body, ByProtocol: m.byProtocol})
		if err != nil {
			return err
		}
		rec.Body, rec.ByProtocol, rec.Sealed = "", nil, sealed
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := s.store.Update(persist.Write{Bucket: pendingBucket, Key: key, Value: b}); err != nil {
		return err
	}
	m.pending = key
	return nil
}

// release forgets a held message once it has been handed to every
// subscriber. It does not wait: the removal is committed after the
// deliveries' own writes, which were submitted before it.
func (s *Service) release(m *message) {
	if m.pending == nil {
		return
	}
	if j, ok := s.store.(persist.Journal); ok {
		j.Submit(persist.Write{Bucket: pendingBucket, Key: m.pending})
	}
	m.pending = nil
}

// Resume hands the messages still pending after a restart to their
// topics' current subscribers, in the order they were published. The
// emulator calls it once every service can take deliveries.
func (s *Service) Resume() error {
	if _, durable := s.store.(persist.Journal); !durable {
		return nil
	}
	var msgs []*message
	var gone []persist.Write
	err := s.store.Scan(pendingBucket, nil, func(key, value []byte) error {
		parts := persist.SplitKey(key)
		var rec pendingRecord
		if len(parts) != 4 || json.Unmarshal(value, &rec) != nil {
			gone = append(gone, persist.Write{Bucket: pendingBucket, Key: append([]byte(nil), key...)})
			return nil
		}
		t := s.topicByARN(topicARN(parts[1], parts[0], parts[2]))
		if t == nil {
			gone = append(gone, persist.Write{Bucket: pendingBucket, Key: append([]byte(nil), key...)})
			return nil
		}
		if rec.Sealed != nil {
			tx, err := s.openTexts(key, rec.Sealed)
			if err != nil {
				gone = append(gone, persist.Write{Bucket: pendingBucket, Key: append([]byte(nil), key...)})
				s.log.Error("a pending message does not open", "topic", t.ARN, "messageId", rec.ID, "err", err)
				return nil
			}
			rec.Body, rec.ByProtocol = tx.Body, tx.ByProtocol
		}
		var n uint64
		fmt.Sscanf(parts[3], "%d", &n)
		if n > s.pendingSeq.Load() {
			s.pendingSeq.Store(n)
		}
		msgs = append(msgs, &message{id: rec.ID, topic: t, subject: rec.Subject, body: rec.Body, byProtocol: rec.ByProtocol,
			attrs: rec.Attrs, timestamp: rec.Timestamp, groupID: rec.GroupID, dedupID: rec.DedupID, seq: rec.Seq,
			host: rec.Host, scheme: rec.Scheme, requestID: rec.RequestID, pending: append([]byte(nil), key...)})
		return nil
	})
	if err != nil {
		return err
	}
	if len(gone) > 0 {
		if err := s.store.Update(gone...); err != nil {
			return err
		}
	}
	for _, m := range msgs {
		s.log.Info("delivering a message published before a restart", "topic", m.topic.ARN, "messageId", m.id)
		if m.topic.FIFO {
			s.deliver.fanOut(s.deliver.ctx, m, m.topic.subscriptions())
		} else {
			s.deliver.publish(m, m.topic.subscriptions())
		}
	}
	return nil
}

// texts are what a pending record of an encrypted topic seals.
type texts struct {
	Body       string            `json:"b"`
	ByProtocol map[string]string `json:"p,omitempty"`
}

// sealingKey is the key pending bodies of encrypted topics are sealed
// with, made on first use and kept in the store.
func (s *Service) sealingKey() (cipher.AEAD, error) {
	s.sealMu.Lock()
	defer s.sealMu.Unlock()
	if s.sealAEAD != nil {
		return s.sealAEAD, nil
	}
	key, ok, err := s.store.Get(sealingBucket, []byte("key"))
	if err != nil {
		return nil, err
	}
	if !ok {
		key = make([]byte, 32)
		rand.Read(key)
		if err := s.store.Update(persist.Write{Bucket: sealingBucket, Key: []byte("key"), Value: key}); err != nil {
			return nil, err
		}
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	s.sealAEAD = aead
	return aead, nil
}

// sealTexts seals a pending record's texts, bound to its key.
func (s *Service) sealTexts(key []byte, tx texts) ([]byte, error) {
	aead, err := s.sealingKey()
	if err != nil {
		return nil, err
	}
	plain, err := json.Marshal(tx)
	if err != nil {
		return nil, err
	}
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plain)+aead.Overhead())
	rand.Read(nonce)
	return aead.Seal(nonce, nonce, plain, key), nil
}

func (s *Service) openTexts(key, sealed []byte) (texts, error) {
	aead, err := s.sealingKey()
	if err != nil {
		return texts{}, err
	}
	if len(sealed) < aead.NonceSize() {
		return texts{}, errors.New("sns: a sealed pending record is too short")
	}
	plain, err := aead.Open(nil, sealed[:aead.NonceSize()], sealed[aead.NonceSize():], key)
	if err != nil {
		return texts{}, err
	}
	var tx texts
	err = json.Unmarshal(plain, &tx)
	return tx, err
}
