package sns

import (
	"encoding/json"
	"maps"
	"time"

	"github.com/ferry-emulator/ferry/persist"
)

// What SNS keeps in the store (DESIGN §7):
//
//	sns.topics         account, region, name             -> topicRecord
//	sns.subscriptions  account, region, topic, sub id    -> subscriptionRecord
//
// Subscriptions are keyed under their topic (the topic's account), so
// deleting a topic deletes its subscriptions by prefix.
const (
	topicsBucket        = "sns.topics"
	subscriptionsBucket = "sns.subscriptions"
)

type topicRecord struct {
	Attributes map[string]string `json:"attributes,omitempty"`
	Tags       map[string]string `json:"tags,omitempty"`
	Created    time.Time         `json:"created"`
	Deleted    int               `json:"deleted,omitempty"`
}

type subscriptionRecord struct {
	Owner                  string            `json:"owner"`
	Principal              string            `json:"principal,omitempty"`
	Protocol               string            `json:"protocol"`
	Endpoint               string            `json:"endpoint"`
	Attributes             map[string]string `json:"attributes,omitempty"`
	Pending                bool              `json:"pending,omitempty"`
	Token                  string            `json:"token,omitempty"`
	TokenIssued            time.Time         `json:"tokenIssued,omitzero"`
	AuthOnUnsubscribe      bool              `json:"authOnUnsubscribe,omitempty"`
	ConfirmedAuthenticated bool              `json:"confirmedAuthenticated,omitempty"`
	Created                time.Time         `json:"created"`
}

func subscriptionKey(sub *Subscription) []byte {
	t := sub.Topic
	return persist.Key(t.Account, t.Region, t.Name, sub.ARN[len(t.ARN)+1:])
}

func (s *Service) saveTopic(t *Topic) error {
	if s.store == nil {
		return nil
	}
	t.mu.Lock()
	rec := topicRecord{Attributes: maps.Clone(t.attrs), Tags: maps.Clone(t.tags), Created: t.Created, Deleted: t.deleted}
	t.mu.Unlock()
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return s.store.Update(persist.Write{Bucket: topicsBucket, Key: persist.Key(t.Account, t.Region, t.Name), Value: b})
}

// dropTopic deletes a topic's record and its subscriptions'.
func (s *Service) dropTopic(t *Topic, subs []*Subscription) error {
	if s.store == nil {
		return nil
	}
	writes := []persist.Write{{Bucket: topicsBucket, Key: persist.Key(t.Account, t.Region, t.Name)}}
	for _, sub := range subs {
		writes = append(writes, persist.Write{Bucket: subscriptionsBucket, Key: subscriptionKey(sub)})
	}
	return s.store.Update(writes...)
}

func (s *Service) saveSubscription(sub *Subscription) error {
	if s.store == nil {
		return nil
	}
	cfg := sub.config()
	sub.mu.Lock()
	rec := subscriptionRecord{
		Owner: sub.Owner, Principal: sub.Principal, Protocol: sub.Protocol, Endpoint: sub.Endpoint,
		Attributes: maps.Clone(sub.attrs), Pending: cfg.pending, Token: sub.tok, TokenIssued: sub.tokenIssued,
		AuthOnUnsubscribe: sub.authOnUnsubscribe, ConfirmedAuthenticated: sub.confirmedAuthenticated, Created: sub.Created,
	}
	sub.mu.Unlock()
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return s.store.Update(persist.Write{Bucket: subscriptionsBucket, Key: subscriptionKey(sub), Value: b})
}

func (s *Service) dropSubscriptionRecord(sub *Subscription) error {
	if s.store == nil {
		return nil
	}
	writes := []persist.Write{{Bucket: subscriptionsBucket, Key: subscriptionKey(sub)}}
	return s.store.Update(writes...)
}

// restore recreates the topics and subscriptions recorded in the store.
func (s *Service) restore() error {
	if s.store == nil {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.store.Scan(topicsBucket, nil, func(key, value []byte) error {
		parts := persist.SplitKey(key)
		if len(parts) != 3 {
			return nil
		}
		var rec topicRecord
		if err := json.Unmarshal(value, &rec); err != nil {
			return err
		}
		t := newTopic(parts[0], parts[1], parts[2], rec.Created)
		for _, k := range sortedKeys(rec.Attributes) {
			if err := t.setAttribute(k, rec.Attributes[k]); err != nil {
				return err
			}
		}
		if rec.Tags != nil {
			t.tags = rec.Tags
		}
		t.deleted = rec.Deleted
		s.regionOf(t.Account, t.Region).topics[t.Name] = t
		return nil
	})
	if err != nil {
		return err
	}
	return s.store.Scan(subscriptionsBucket, nil, func(key, value []byte) error {
		parts := persist.SplitKey(key)
		if len(parts) != 4 {
			return nil
		}
		var rec subscriptionRecord
		if err := json.Unmarshal(value, &rec); err != nil {
			return err
		}
		r := s.regions[regionKey{parts[0], parts[1]}]
		if r == nil || r.topics[parts[2]] == nil {
			return nil
		}
		t := r.topics[parts[2]]
		sub := &Subscription{
			ARN: t.ARN + ":" + parts[3], Owner: rec.Owner, Principal: rec.Principal, Protocol: rec.Protocol,
			Endpoint: rec.Endpoint, Topic: t, Created: rec.Created, attrs: map[string]string{},
			tok: rec.Token, tokenIssued: rec.TokenIssued, authOnUnsubscribe: rec.AuthOnUnsubscribe,
			confirmedAuthenticated: rec.ConfirmedAuthenticated,
		}
		if sub.Protocol == "sqs" {
			sub.queue = queueRefOf(sub.Endpoint)
		}
		sub.cfg.Store(&subConfig{pending: rec.Pending})
		for _, k := range attributeOrder(rec.Attributes) {
			if err := sub.setAttribute(k, rec.Attributes[k]); err != nil {
				return err
			}
		}
		s.subs[sub.ARN] = sub
		if sub.tok != "" {
			s.tokens[sub.tok] = sub
		}
		old := t.subscriptions()
		next := append(append([]*Subscription(nil), old...), sub)
		t.subs.Store(&next)
		return nil
	})
}
