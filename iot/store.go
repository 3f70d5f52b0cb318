package iot

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/ferry-emulator/ferry/iot/broker"
	"github.com/ferry-emulator/ferry/persist"
)

// Durable state (DESIGN §7). Buckets:
//
//	iot.rules     account, region, rule name -> storedRule as JSON
//	iot.retained  account, region, topic     -> storedRetained as JSON
const (
	rulesBucket    = "iot.rules"
	retainedBucket = "iot.retained"
)

type storedRule struct {
	Name      string            `json:"name"`
	Account   string            `json:"account"`
	Region    string            `json:"region"`
	Payload   TopicRulePayload  `json:"payload"`
	CreatedAt time.Time         `json:"createdAt"`
	Disabled  bool              `json:"disabled"`
	Tags      map[string]string `json:"tags,omitempty"`
}

func (s *Service) saveRule(r *Rule) error {
	if s.store == nil {
		return nil
	}
	b, err := json.Marshal(storedRule{Name: r.Name, Account: r.Account, Region: r.Region, Payload: r.Payload,
		CreatedAt: r.CreatedAt, Disabled: r.Disabled, Tags: r.Tags})
	if err != nil {
		return err
	}
	return s.store.Update(persist.Write{Bucket: rulesBucket, Key: persist.Key(r.Account, r.Region, r.Name), Value: b})
}

func (s *Service) deleteStoredRule(account, region, name string) error {
	if s.store == nil {
		return nil
	}
	return s.store.Update(persist.Write{Bucket: rulesBucket, Key: persist.Key(account, region, name)})
}

// restoreRules compiles the stored rules again; their roles are not
// probed, since they were when the rules were made.
func (s *Service) restoreRules() error {
	if s.store == nil {
		return nil
	}
	return s.store.Scan(rulesBucket, nil, func(key, value []byte) error {
		var sr storedRule
		if err := json.Unmarshal(value, &sr); err != nil {
			return fmt.Errorf("iot: stored rule %q: %w", key, err)
		}
		r, e := compile(sr.Account, sr.Region, sr.Name, sr.Payload)
		if e != nil {
			return fmt.Errorf("iot: stored rule %s: %s", sr.Name, e.Message)
		}
		r.CreatedAt, r.Disabled, r.Tags = sr.CreatedAt, sr.Disabled, sr.Tags
		k := regionKey{r.Account, r.Region}
		if s.rules[k] == nil {
			s.rules[k] = map[string]*Rule{}
		}
		s.rules[k][r.Name] = r
		s.reindex()
		return nil
	})
}

// retainedStore keeps the broker's retained messages in the store.
type retainedStore struct{ store persist.Store }

type storedRetained struct {
	Topic          string      `json:"topic"`
	Payload        []byte      `json:"payload"`
	QoS            byte        `json:"qos"`
	LastModified   time.Time   `json:"lastModified"`
	UserProperties [][2]string `json:"userProperties,omitempty"`
}

func (r retainedStore) PutRetained(account, region string, m broker.RetainedMessage) error {
	b, err := json.Marshal(storedRetained(m))
	if err != nil {
		return err
	}
	return r.store.Update(persist.Write{Bucket: retainedBucket, Key: persist.Key(account, region, m.Topic), Value: b})
}

func (r retainedStore) DeleteRetained(account, region, topic string) error {
	return r.store.Update(persist.Write{Bucket: retainedBucket, Key: persist.Key(account, region, topic)})
}

func (r retainedStore) LoadRetained(fn func(account, region string, m broker.RetainedMessage)) error {
	return r.store.Scan(retainedBucket, nil, func(key, value []byte) error {
		parts := persist.SplitKey(key)
		if len(parts) != 3 {
			return fmt.Errorf("iot: malformed retained message key %q", key)
		}
		var sr storedRetained
		if err := json.Unmarshal(value, &sr); err != nil {
			return fmt.Errorf("iot: retained message %q: %w", key, err)
		}
		fn(parts[0], parts[1], broker.RetainedMessage(sr))
		return nil
	})
}
