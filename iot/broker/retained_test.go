package broker

import (
	"context"
	"errors"
	"sort"
	"sync"
	"testing"
	"time"
)

// memStore is a RetainedStore in a map.
type memStore struct {
	mu sync.Mutex
	m  map[[3]string]RetainedMessage
}

func newMemStore() *memStore { return &memStore{m: map[[3]string]RetainedMessage{}} }

func (s *memStore) PutRetained(account, region string, m RetainedMessage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.m[[3]string{account, region, m.Topic}] = m
	return nil
}

func (s *memStore) DeleteRetained(account, region, topic string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, [3]string{account, region, topic})
	return nil
}

func (s *memStore) LoadRetained(fn func(account, region string, m RetainedMessage)) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, m := range s.m {
		fn(k[0], k[1], m)
	}
	return nil
}

func (s *memStore) all() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for k, m := range s.m {
		out = append(out, k[0]+" "+k[1]+" "+k[2]+" "+string(m.Payload))
	}
	sort.Strings(out)
	return out
}

func TestRetainedGoesToExactSubscriptionsOnly(t *testing.T) {
	b := startBroker(t, Config{})
	pub := connect(t, b, "pub", "AKIDALICE", "alice-secret")
	pub.mustSubscribe(t, "cfg/device1", 1)
	pub.publish(t, "cfg/device1", 1, true, "v1")
	// The server acknowledges before it fans out; once the publisher has
	// its own copy, the fan-out has chosen its subscribers.
	pub.expect(t, "cfg/device1", "v1")

	exact := connect(t, b, "exact", "AKIDALICE", "alice-secret")
	exact.mustSubscribe(t, "cfg/device1", 1)
	m := exact.expect(t, "cfg/device1", "v1")
	if !m.Retained() {
		t.Error("retained message delivered on subscribe without the retain flag")
	}

	wild := connect(t, b, "wild", "AKIDALICE", "alice-secret")
	wild.mustSubscribe(t, "cfg/#", 1)
	wild.mustSubscribe(t, "cfg/+", 1)
	wild.mustSubscribe(t, "#", 1)
	// A new message on the topic reaches wildcard subscribers (once), and
	// the retained one would have come before it.
	pub.publish(t, "cfg/device1", 1, true, "v2")
	if m := wild.expect(t, "cfg/device1", "v2"); m.Retained() {
		t.Error("live message delivered with the retain flag")
	}
	exact.expect(t, "cfg/device1", "v2")

	other := connect(t, b, "other", "AKIDBOB", "bob-secret")
	other.mustSubscribe(t, "cfg/device1", 1)
	other.publish(t, "cfg/device1", 1, false, "bob")
	other.expect(t, "cfg/device1", "bob") // nothing retained in bob's account
}

func TestRetainedReadAndDelete(t *testing.T) {
	store := newMemStore()
	b := startBroker(t, Config{Retained: store})
	c := connect(t, b, "c", "AKIDALICE", "alice-secret")
	before := time.Now().Add(-time.Second)
	c.publish(t, "b/2", 1, true, "two")
	c.publish(t, "a/1", 0, true, "one")
	c.publish(t, "c/3", 1, true, "three")
	c.publish(t, "c/3", 1, true, "") // deletes
	c.publish(t, "b/2", 1, false, "not retained")

	// The QoS 0 publish has no acknowledgement to wait for.
	deadline := time.Now().Add(wait)
	for len(b.ListRetained("111111111111", "us-east-1")) != 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	list := b.ListRetained("111111111111", "us-east-1")
	if len(list) != 2 || list[0].Topic != "a/1" || list[1].Topic != "b/2" || string(list[1].Payload) != "two" {
		t.Fatalf("ListRetained = %+v", list)
	}
	m, ok := b.Retained("111111111111", "", "b/2")
	if !ok || m.QoS != 1 || m.LastModified.Before(before) {
		t.Fatalf("Retained(b/2) = %+v, %v", m, ok)
	}
	if _, ok := b.Retained("111111111111", "", "c/3"); ok {
		t.Fatal("deleted retained message still there")
	}
	if _, ok := b.Retained("222222222222", "", "b/2"); ok {
		t.Fatal("retained message visible in another account")
	}
	want := []string{"111111111111 us-east-1 a/1 one", "111111111111 us-east-1 b/2 two"}
	if got := store.all(); len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("store = %q, want %q", got, want)
	}

	// Subscribers of the topic see the empty message that deletes.
	c.mustSubscribe(t, "a/1", 1)
	c.expect(t, "a/1", "one")
	if err := b.Publish(&Message{Account: "111111111111", Topic: "a/1", Retain: true}); err != nil {
		t.Fatal(err)
	}
	c.expect(t, "a/1", "")
	if _, ok := b.Retained("111111111111", "", "a/1"); ok {
		t.Fatal("Publish with an empty retained payload did not delete")
	}
}

func TestRetainedSurvivesRestart(t *testing.T) {
	store := newMemStore()
	old, err := New(Config{Listen: "127.0.0.1:0", Authenticate: testAuthenticate, Retained: store})
	if err != nil {
		t.Fatal(err)
	}
	if err := old.Start(); err != nil {
		t.Fatal(err)
	}
	c := connect(t, old, "c", "AKIDALICE", "alice-secret")
	c.publish(t, "state", 1, true, "on")
	if err := old.Publish(&Message{Account: "222222222222", Region: "eu-west-1", Topic: "x", Payload: []byte("y"), Retain: true,
		UserProperties: [][2]string{{"k", "v"}}}); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := old.Close(ctx); err != nil {
		t.Fatal(err)
	}

	b := startBroker(t, Config{Retained: store})
	if m, ok := b.Retained("222222222222", "eu-west-1", "x"); !ok || string(m.Payload) != "y" || len(m.UserProperties) != 1 {
		t.Fatalf("restored Retained(x) = %+v, %v", m, ok)
	}
	c = connect(t, b, "c", "AKIDALICE", "alice-secret")
	c.mustSubscribe(t, "state", 1)
	if m := c.expect(t, "state", "on"); !m.Retained() {
		t.Error("restored message delivered without the retain flag")
	}
	c.publish(t, "state", 1, true, "off")
	if m, _ := b.Retained("111111111111", "", "state"); string(m.Payload) != "off" {
		t.Fatalf("Retained(state) = %q after an update", m.Payload)
	}
}

func TestRetainPublishNeedsItsOwnPermission(t *testing.T) {
	b := startBroker(t, Config{Authorize: policy("iot:RetainPublish topic/cfg")})
	c := connect(t, b, "c", "AKIDALICE", "alice-secret")
	c.mustSubscribe(t, "cfg", 1)
	c.publish(t, "cfg", 1, false, "plain") // iot:Publish alone is enough
	c.expect(t, "cfg", "plain")
	c.Publish("cfg", 1, true, "retained")
	c.expectLost(t)
	if _, ok := b.Retained("111111111111", "", "cfg"); ok {
		t.Fatal("retained without iot:RetainPublish")
	}
}

func TestRetainOnReservedTopicRefused(t *testing.T) {
	b := startBroker(t, Config{})
	c := connect(t, b, "c", "AKIDALICE", "alice-secret")
	c.Publish("$aws/things/t/shadow/update", 1, true, "x")
	c.expectLost(t)
	if len(b.ListRetained("111111111111", "")) != 0 {
		t.Fatal("reserved topic retained")
	}
}

// failingStore is a store whose disk is full.
type failingStore struct{ memStore }

var errDiskFull = errors.New("no space left on device")

func (s *failingStore) PutRetained(string, string, RetainedMessage) error { return errDiskFull }
func (s *failingStore) DeleteRetained(string, string, string) error       { return errDiskFull }

// TestRetainedStoreFailureIsNotAcknowledged: a retained message the store
// cannot keep gets no PUBACK (the client is disconnected, so a QoS 1
// publisher sends it again when it reconnects) and an injected publish
// gets the error; the broker keeps serving everyone else.
func TestRetainedStoreFailureIsNotAcknowledged(t *testing.T) {
	b := startBroker(t, Config{Retained: &failingStore{memStore: *newMemStore()}})
	c := connect(t, b, "c", "AKIDALICE", "alice-secret")
	tok := c.Publish("cfg/device1", 1, true, "v1")
	if tok.WaitTimeout(wait) && tok.Error() == nil && c.IsConnectionOpen() {
		t.Fatal("a retained publish the store refused was acknowledged")
	}
	deadline := time.Now().Add(wait)
	for c.IsConnectionOpen() && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if c.IsConnectionOpen() {
		t.Fatal("the publisher is still connected")
	}
	if err := b.Publish(&Message{Account: "111111111111", Topic: "cfg/device2", Payload: []byte("v2"), Retain: true}); !errors.Is(err, errDiskFull) {
		t.Fatalf("Publish with a failing store = %v, want the store's error", err)
	}

	// Messages that need no storing still flow.
	other := connect(t, b, "other", "AKIDALICE", "alice-secret")
	other.mustSubscribe(t, "live/x", 1)
	other.publish(t, "live/x", 1, false, "plain")
	other.expect(t, "live/x", "plain")
}
