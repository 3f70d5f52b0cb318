package broker

import (
	"fmt"
	"sort"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// RetainedMessage is the message AWS IoT keeps for a topic: the last one
// published to it with the retain flag (DG/mqtt "Using MQTT retained
// messages"). Its Payload must not be modified.
type RetainedMessage struct {
	Topic          string
	Payload        []byte
	QoS            byte
	LastModified   time.Time
	UserProperties [][2]string
}

// RetainedStore keeps retained messages across restarts.
type RetainedStore interface {
	// PutRetained records m as the retained message of m.Topic in the
	// account and region, replacing any earlier one.
	PutRetained(account, region string, m RetainedMessage) error
	// DeleteRetained forgets the retained message of a topic; deleting
	// one that is not there is not an error.
	DeleteRetained(account, region, topic string) error
	// LoadRetained calls fn for every retained message recorded.
	LoadRetained(fn func(account, region string, m RetainedMessage)) error
}

// Retained returns the retained message of a topic.
func (b *Broker) Retained(account, region, topic string) (RetainedMessage, bool) {
	a := b.account(account, b.regionOr(region), false)
	if a == nil {
		return RetainedMessage{}, false
	}
	a.retMu.Lock()
	defer a.retMu.Unlock()
	m, ok := a.retained[topic]
	return m, ok
}

// ListRetained returns the retained messages of an account and region,
// sorted by topic.
func (b *Broker) ListRetained(account, region string) []RetainedMessage {
	a := b.account(account, b.regionOr(region), false)
	if a == nil {
		return nil
	}
	a.retMu.Lock()
	out := make([]RetainedMessage, 0, len(a.retained))
	for _, m := range a.retained {
		out = append(out, m)
	}
	a.retMu.Unlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Topic < out[j].Topic })
	return out
}

// syncRetained brings the account's record of a topic's retained message,
// and the store, in line with what the server's index holds now. Reading
// the index under retMu, rather than trusting the message that triggered
// the call, keeps the record right when two publishers race on one topic.
// It returns the store's error, so the publish is not acknowledged as if
// the message were durable.
func (a *account) syncRetained(srv *mqtt.Server, topic string) error {
	store := a.b.cfg.Retained
	a.retMu.Lock()
	defer a.retMu.Unlock()
	if a.retired {
		return nil // Reset forgot this account while a message was on its way
	}
	if pk, ok := srv.Topics.Retained.Get(topic); ok && len(pk.Payload) > 0 {
		m := RetainedMessage{
			Topic:          topic,
			Payload:        pk.Payload,
			QoS:            pk.FixedHeader.Qos,
			LastModified:   time.Now(),
			UserProperties: userProperties(pk.Properties.User),
		}
		a.retained[topic] = m
		if store != nil {
			if err := store.PutRetained(a.key.account, a.key.region, m); err != nil {
				a.b.log.Error("retained message not stored", "account", a.key.account, "region", a.key.region, "topic", topic, "error", err)
				return fmt.Errorf("storing the retained message: %w", err)
			}
		}
		return nil
	}
	if _, ok := a.retained[topic]; !ok {
		return nil
	}
	delete(a.retained, topic)
	if store != nil {
		if err := store.DeleteRetained(a.key.account, a.key.region, topic); err != nil {
			a.b.log.Error("retained message not deleted from the store", "account", a.key.account, "region", a.key.region, "topic", topic, "error", err)
			return fmt.Errorf("deleting the retained message: %w", err)
		}
	}
	return nil
}

// forgetRetained drops every retained message of the account, from the
// store as well.
func (a *account) forgetRetained() {
	store := a.b.cfg.Retained
	a.retMu.Lock()
	defer a.retMu.Unlock()
	for topic := range a.retained {
		if store != nil {
			if err := store.DeleteRetained(a.key.account, a.key.region, topic); err != nil {
				a.b.log.Warn("retained message not deleted from the store", "account", a.key.account, "region", a.key.region, "topic", topic, "error", err)
			}
		}
	}
	a.retained = map[string]RetainedMessage{}
	a.retired = true
}

// retainedPacket is the form in which a server's index holds m.
func retainedPacket(m RetainedMessage) packets.Packet {
	modified := m.LastModified
	if modified.IsZero() {
		modified = time.Now()
	}
	pk := packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: m.QoS, Retain: true},
		TopicName:   m.Topic,
		Payload:     m.Payload,
		Created:     modified.Unix(), // mochi expires it retainedLifetime after this
	}
	for _, kv := range m.UserProperties {
		pk.Properties.User = append(pk.Properties.User, packets.UserProperty{Key: kv[0], Val: kv[1]})
	}
	return pk
}

func userProperties(user []packets.UserProperty) [][2]string {
	if len(user) == 0 {
		return nil
	}
	out := make([][2]string, len(user))
	for i, u := range user {
		out[i] = [2]string{u.Key, u.Val}
	}
	return out
}
