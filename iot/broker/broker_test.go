package broker

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"math/big"
	"net"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"
)

func TestAccountsHaveSeparateTopicSpaces(t *testing.T) {
	b := startBroker(t, Config{})
	alice := connect(t, b, "alice", "AKIDALICE", "alice-secret")
	carol := connect(t, b, "carol", "AKIDCAROL", "carol-secret") // alice's account
	bob := connect(t, b, "bob", "AKIDBOB", "bob-secret")
	for _, c := range []*client{alice, carol, bob} {
		c.mustSubscribe(t, "sensors/#", 1)
	}

	bob.publish(t, "sensors/t", 1, false, "from bob")
	alice.publish(t, "sensors/t", 1, false, "from alice")

	bob.expect(t, "sensors/t", "from bob")
	alice.expect(t, "sensors/t", "from alice")
	carol.expect(t, "sensors/t", "from alice")
	// Each publish was acknowledged before the next was sent, so a
	// message that crossed accounts would have arrived first.
	for name, c := range map[string]*client{"alice": alice, "bob": bob, "carol": carol} {
		select {
		case m := <-c.msgs:
			t.Errorf("%s got an extra message %s %q", name, m.Topic(), m.Payload())
		default:
		}
	}
	if n := b.Clients("111111111111", ""); n != 2 {
		t.Errorf("Clients(111111111111) = %d, want 2", n)
	}
	if n := b.Clients("222222222222", "us-east-1"); n != 1 {
		t.Errorf("Clients(222222222222) = %d, want 1", n)
	}
}

func TestSameClientIDInTwoAccounts(t *testing.T) {
	b := startBroker(t, Config{})
	a := connect(t, b, "device", "AKIDALICE", "alice-secret")
	bob := connect(t, b, "device", "AKIDBOB", "bob-secret")
	a.mustSubscribe(t, "t", 1)
	bob.mustSubscribe(t, "t", 1)
	a.publish(t, "t", 1, false, "a")
	bob.publish(t, "t", 1, false, "b")
	a.expect(t, "t", "a")
	bob.expect(t, "t", "b")
}

func TestDuplicateClientIDTakesOver(t *testing.T) {
	b := startBroker(t, Config{})
	first := connect(t, b, "device", "AKIDALICE", "alice-secret")
	second := connect(t, b, "device", "AKIDCAROL", "carol-secret")
	first.expectLost(t)
	second.mustSubscribe(t, "t", 1)
	second.publish(t, "t", 1, false, "still here")
	second.expect(t, "t", "still here")
}

func TestAnonymousClients(t *testing.T) {
	b := startBroker(t, Config{})
	c := connect(t, b, "anon", "", "")
	c.mustSubscribe(t, "t", 0)
	if err := b.Publish(&Message{Account: AnonymousAccount, Topic: "t", Payload: []byte("hi")}); err != nil {
		t.Fatal(err)
	}
	c.expect(t, "t", "hi")
	if n := b.Clients(AnonymousAccount, ""); n != 1 {
		t.Errorf("Clients(%s) = %d, want 1", AnonymousAccount, n)
	}

	refusing := startBroker(t, Config{RefuseAnonymous: true})
	_, err := dial(t, "tcp://"+refusing.Addr().String(), "anon", "", "")
	if err == nil || !strings.Contains(err.Error(), "not Authorized") {
		t.Fatalf("anonymous connect with RefuseAnonymous: %v, want not authorized", err)
	}
	connect(t, refusing, "alice", "AKIDALICE", "alice-secret")
}

func TestWrongSecretIsNotAuthorized(t *testing.T) {
	b := startBroker(t, Config{})
	for _, cred := range [][2]string{{"AKIDALICE", "wrong"}, {"AKIDNOBODY", "x"}} {
		_, err := dial(t, "tcp://"+b.Addr().String(), "c", cred[0], cred[1])
		if err == nil || !strings.Contains(err.Error(), "not Authorized") {
			t.Errorf("connect as %s: %v, want not authorized", cred[0], err)
		}
	}

	// MQTT 5: CONNACK reason code 0x87, then the connection closes.
	r := dialRaw(t, b)
	r.send(connectV5("c", "AKIDALICE", "wrong"))
	if body := r.expect(packets.Connack); len(body) < 2 || body[1] != 0x87 {
		t.Fatalf("CONNACK %x, want reason code 0x87", body)
	}
	if _, _, err := r.read(); err == nil {
		t.Fatal("connection still open after refusal")
	}
}

// policy is an Authorize callback denying the listed action/resource
// pairs (resource suffixes after the account's ARN prefix).
func policy(deny ...string) func(Principal, string, string, string) bool {
	return func(_ Principal, _ string, action, resource string) bool {
		_, rest, _ := strings.Cut(resource, ":111111111111:")
		for _, d := range deny {
			if d == action+" "+rest {
				return false
			}
		}
		return true
	}
}

func TestAuthorizeConnect(t *testing.T) {
	var mu sync.Mutex
	var seen []string
	b := startBroker(t, Config{Authorize: func(p Principal, region, action, resource string) bool {
		mu.Lock()
		defer mu.Unlock()
		seen = append(seen, p.Name+" "+region+" "+action+" "+resource)
		return !strings.HasSuffix(resource, ":client/blocked")
	}})
	_, err := dial(t, "tcp://"+b.Addr().String(), "blocked", "AKIDALICE", "alice-secret")
	if err == nil || !strings.Contains(err.Error(), "not Authorized") {
		t.Fatalf("connect as blocked: %v, want not authorized", err)
	}
	connect(t, b, "allowed", "AKIDALICE", "alice-secret")
	want := "alice us-east-1 iot:Connect arn:aws:iot:us-east-1:111111111111:client/allowed"
	mu.Lock()
	defer mu.Unlock()
	if len(seen) != 2 || seen[1] != want {
		t.Fatalf("Authorize calls %q, want the second to be %q", seen, want)
	}
}

func TestAuthorizeConnectDoesNotKickConnectedClient(t *testing.T) {
	var deny atomic.Bool
	b := startBroker(t, Config{Authorize: func(_ Principal, _, action, _ string) bool {
		return action != "iot:Connect" || !deny.Load()
	}})
	c := connect(t, b, "device", "AKIDALICE", "alice-secret")
	deny.Store(true)
	if _, err := dial(t, "tcp://"+b.Addr().String(), "device", "AKIDALICE", "alice-secret"); err == nil {
		t.Fatal("second connect allowed")
	}
	c.mustSubscribe(t, "t", 1)
	c.publish(t, "t", 1, false, "alive")
	c.expect(t, "t", "alive")
}

func TestAuthorizePublish(t *testing.T) {
	b := startBroker(t, Config{Authorize: policy("iot:Publish topic/secret")})
	sub := connect(t, b, "sub", "AKIDCAROL", "carol-secret")
	sub.mustSubscribe(t, "#", 1)
	pub := connect(t, b, "pub", "AKIDALICE", "alice-secret")
	pub.Publish("secret", 0, false, "x") // MQTT 3: AWS closes the connection
	pub.expectLost(t)

	pub = connect(t, b, "pub2", "AKIDALICE", "alice-secret")
	pub.publish(t, "open", 1, false, "y")
	sub.expect(t, "open", "y") // and not "secret" before it

	// MQTT 5: PUBACK with reason code 0x87, and the connection stays.
	r := dialRaw(t, b)
	r.send(connectV5("v5", "AKIDALICE", "alice-secret"))
	r.expect(packets.Connack)
	r.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: 1}, PacketID: 7, TopicName: "secret", Payload: []byte("z")})
	if body := r.expect(packets.Puback); len(body) < 3 || body[0] != 0 || body[1] != 7 || body[2] != 0x87 {
		t.Fatalf("PUBACK %x, want packet 7 reason 0x87", body)
	}
	r.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: 1}, PacketID: 8, TopicName: "open", Payload: []byte("w")})
	if body := r.expect(packets.Puback); len(body) < 2 || body[1] != 8 || len(body) > 2 && body[2] != 0 {
		t.Fatalf("PUBACK %x, want packet 8 success", body)
	}
	sub.expect(t, "open", "w")
}

func TestAuthorizeSubscribe(t *testing.T) {
	b := startBroker(t, Config{Authorize: policy("iot:Subscribe topicfilter/private/#")})
	c := connect(t, b, "c", "AKIDALICE", "alice-secret")
	if code := c.subscribe(t, "private/#", 1); code != 0x80 {
		t.Fatalf("denied subscription: SUBACK %#x, want 0x80", code)
	}
	c.mustSubscribe(t, "private/+", 1)
	c.publish(t, "private/x", 1, false, "once")
	c.expect(t, "private/x", "once")

	r := dialRaw(t, b)
	r.send(connectV5("v5", "AKIDALICE", "alice-secret"))
	r.expect(packets.Connack)
	r.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Subscribe, Qos: 1}, PacketID: 3, Filters: packets.Subscriptions{
		{Filter: "private/#", Qos: 1},
		{Filter: "public", Qos: 1},
		{Filter: "q2", Qos: 2},
	}})
	body := r.expect(packets.Suback)
	// packet id, property length 0, then a code per filter
	if want := []byte{0, 3, 0, 0x87, 1, 0x80}; string(body) != string(want) {
		t.Fatalf("SUBACK %x, want %x", body, want)
	}
}

func TestAuthorizeReceive(t *testing.T) {
	b := startBroker(t, Config{Authorize: policy("iot:Receive topic/hidden")})
	sub := connect(t, b, "sub", "AKIDALICE", "alice-secret")
	sub.mustSubscribe(t, "hidden", 1) // iot:Subscribe is allowed
	sub.mustSubscribe(t, "shown", 1)
	pub := connect(t, b, "pub", "AKIDCAROL", "carol-secret")
	pub.publish(t, "hidden", 1, false, "no")
	pub.publish(t, "shown", 1, false, "yes")
	sub.expect(t, "shown", "yes")
}

func TestWildcardDoesNotMatchParent(t *testing.T) {
	b := startBroker(t, Config{})
	c := connect(t, b, "c", "AKIDALICE", "alice-secret")
	c.mustSubscribe(t, "a/#", 1)
	c.mustSubscribe(t, "$share/g/b/#", 1)
	c.publish(t, "a", 1, false, "parent")
	c.publish(t, "b", 1, false, "parent")
	c.publish(t, "a/", 1, false, "empty level")
	c.expect(t, "a/", "empty level")
	c.publish(t, "a/x/y", 1, false, "child")
	c.expect(t, "a/x/y", "child")

	// With an exact subscription as well, the parent is delivered once.
	c.mustSubscribe(t, "a", 1)
	c.publish(t, "a", 1, false, "exact")
	c.expect(t, "a", "exact")
	c.publish(t, "a/z", 1, false, "marker")
	c.expect(t, "a/z", "marker")
}

func TestNoQoS2(t *testing.T) {
	b := startBroker(t, Config{})
	c := connect(t, b, "c", "AKIDALICE", "alice-secret")
	if code := c.subscribe(t, "t", 2); code != 0x80 {
		t.Fatalf("QoS 2 subscription: SUBACK %#x, want 0x80", code)
	}
	if code := c.subscribe(t, "t", 1); code != 1 {
		t.Fatalf("QoS 1 subscription: SUBACK %#x", code)
	}
	c.Publish("t", 2, false, "exactly once")
	c.expectLost(t)
	select {
	case m := <-c.msgs:
		t.Fatalf("QoS 2 publish delivered: %s", m.Payload())
	default:
	}
}

func TestBasicIngest(t *testing.T) {
	rec := newRecorder()
	b := startBroker(t, Config{OnMessage: rec.OnMessage})
	sub := connect(t, b, "sub", "AKIDALICE", "alice-secret")
	if code := sub.subscribe(t, "$aws/rules/myrule/#", 1); code != 0x80 {
		t.Fatalf("subscribing to a Basic Ingest topic: SUBACK %#x, want 0x80", code)
	}
	sub.mustSubscribe(t, "$aws/#", 1)
	sub.mustSubscribe(t, "#", 1)

	pub := connect(t, b, "pub", "AKIDALICE", "alice-secret")
	pub.publish(t, "$aws/rules/myrule/a/b", 1, false, "ingest")
	m := rec.next(t)
	if m.Topic != "$aws/rules/myrule/a/b" || string(m.Payload) != "ingest" || m.ClientID != "pub" ||
		m.Account != "111111111111" || m.Principal.Name != "alice" || m.QoS != 1 || m.SourceIP != "127.0.0.1" {
		t.Fatalf("OnMessage got %+v", m)
	}
	pub.publish(t, "$aws/things/x/shadow/update", 1, false, "ordinary")
	sub.expect(t, "$aws/things/x/shadow/update", "ordinary")
	rec.next(t)
}

func TestPublishInjects(t *testing.T) {
	rec := newRecorder()
	b := startBroker(t, Config{OnMessage: rec.OnMessage})
	sub := connect(t, b, "sub", "AKIDALICE", "alice-secret")
	sub.mustSubscribe(t, "rules/out", 1)
	other := connect(t, b, "other", "AKIDBOB", "bob-secret")
	other.mustSubscribe(t, "rules/out", 1)

	m := &Message{Account: "111111111111", Topic: "rules/out", Payload: []byte("republished"), QoS: 1, Depth: 2,
		UserProperties: [][2]string{{"k", "v"}}}
	if err := b.Publish(m); err != nil {
		t.Fatal(err)
	}
	got := sub.expect(t, "rules/out", "republished")
	if got.Qos() != 1 {
		t.Errorf("delivered at QoS %d, want 1", got.Qos())
	}
	r := rec.next(t)
	if r != m || r.Region != "us-east-1" || r.Time.IsZero() || r.Depth != 2 {
		t.Errorf("OnMessage got %+v", r)
	}
	other.publish(t, "rules/out", 1, false, "bob's")
	other.expect(t, "rules/out", "bob's") // and not the message of account 111111111111

	for _, bad := range []*Message{
		{Account: "111111111111", Topic: "a/+"},
		{Account: "111111111111", Topic: ""},
		{Account: "111111111111", Topic: strings.Repeat("x", 257)},
		{Account: "111111111111", Topic: "1/2/3/4/5/6/7/8/9"},
		{Account: "111111111111", Topic: "$aws/things/x", Retain: true},
	} {
		if err := b.Publish(bad); !errors.Is(err, ErrInvalidTopic) {
			t.Errorf("Publish(%q): %v, want ErrInvalidTopic", bad.Topic, err)
		}
	}
	if err := b.Publish(&Message{Account: "111111111111", Topic: "t", QoS: 2}); !errors.Is(err, ErrInvalidQoS) {
		t.Errorf("Publish at QoS 2: %v", err)
	}
	if err := b.Publish(&Message{Account: "111111111111", Topic: "$aws/rules/r/ok/1/2/3/4/5/6/7"}); err != nil {
		t.Errorf("Basic Ingest levels count from the rule name on: %v", err)
	}
}

func TestPublishV5Properties(t *testing.T) {
	rec := newRecorder()
	b := startBroker(t, Config{OnMessage: rec.OnMessage})
	r := dialRaw(t, b)
	r.send(connectV5("v5", "AKIDALICE", "alice-secret"))
	r.expect(packets.Connack)
	r.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Subscribe, Qos: 1}, PacketID: 1,
		Filters: packets.Subscriptions{{Filter: "props", Qos: 1}}})
	r.expect(packets.Suback)

	format := byte(1)
	if err := b.Publish(&Message{Account: "111111111111", Topic: "props", Payload: []byte("{}"),
		ContentType: "application/json", ResponseTopic: "reply", CorrelationData: []byte("id-1"),
		PayloadFormatIndicator: &format, UserProperties: [][2]string{{"k", "v"}}}); err != nil {
		t.Fatal(err)
	}
	pk := packets.Packet{ProtocolVersion: 5, FixedHeader: packets.FixedHeader{Type: packets.Publish}}
	if err := pk.PublishDecode(r.expect(packets.Publish)); err != nil {
		t.Fatal(err)
	}
	p := pk.Properties
	if p.ContentType != "application/json" || p.ResponseTopic != "reply" || string(p.CorrelationData) != "id-1" ||
		!p.PayloadFormatFlag || p.PayloadFormat != 1 || len(p.User) != 1 || p.User[0].Key != "k" ||
		p.MessageExpiryInterval != 0 {
		t.Fatalf("delivered properties %+v", p)
	}
	rec.next(t)

	// A client's MQTT 5 properties reach OnMessage.
	r.send(packets.Packet{FixedHeader: packets.FixedHeader{Type: packets.Publish}, TopicName: "in",
		Payload: []byte("x"), Properties: packets.Properties{ContentType: "text/plain", MessageExpiryInterval: 60,
			User: []packets.UserProperty{{Key: "a", Val: "b"}}}})
	m := rec.next(t)
	if m.ContentType != "text/plain" || m.MessageExpiry != 60 || len(m.UserProperties) != 1 || m.UserProperties[0] != [2]string{"a", "b"} {
		t.Fatalf("OnMessage got %+v", m)
	}
}

func TestOversizePayload(t *testing.T) {
	b := startBroker(t, Config{MaxPayload: 1024})
	sub := connect(t, b, "sub", "AKIDALICE", "alice-secret")
	sub.mustSubscribe(t, "big", 1)
	pub := connect(t, b, "pub", "AKIDALICE", "alice-secret")
	pub.Publish("big", 1, false, strings.Repeat("x", 1025))
	pub.expectLost(t)
	huge := connect(t, b, "huge", "AKIDALICE", "alice-secret")
	huge.Publish("big", 0, false, strings.Repeat("x", 200<<10)) // beyond the packet limit
	huge.expectLost(t)

	pub = connect(t, b, "pub2", "AKIDALICE", "alice-secret")
	pub.publish(t, "big", 1, false, strings.Repeat("y", 1024))
	sub.expect(t, "big", strings.Repeat("y", 1024))
	if err := b.Publish(&Message{Account: "111111111111", Topic: "big", Payload: make([]byte, 1025)}); !errors.Is(err, ErrPayloadTooLarge) {
		t.Fatalf("Publish oversize: %v", err)
	}
}

func TestTopicLimits(t *testing.T) {
	b := startBroker(t, Config{})
	c := connect(t, b, "c", "AKIDALICE", "alice-secret")
	if code := c.subscribe(t, "1/2/3/4/5/6/7/8/9", 1); code != 0x80 {
		t.Errorf("9-level filter: SUBACK %#x, want 0x80", code)
	}
	c.mustSubscribe(t, "1/2/3/4/5/6/7/#", 1)
	c.Publish(strings.Repeat("x", 257), 1, false, "long")
	c.expectLost(t)
	c = connect(t, b, "c2", "AKIDALICE", "alice-secret")
	c.Publish("$SYS/broker/x", 1, false, "x")
	c.expectLost(t)
}

func TestWillMessage(t *testing.T) {
	rec := newRecorder()
	b := startBroker(t, Config{OnMessage: rec.OnMessage})
	sub := connect(t, b, "sub", "AKIDALICE", "alice-secret")
	sub.mustSubscribe(t, "status/+", 1)

	opts, c := clientOptions("tcp://"+b.Addr().String(), "dying", "AKIDALICE", "alice-secret")
	opts.SetWill("status/dying", "gone", 1, false)
	dying := mustDialWith(t, opts, c)
	dying.Publish("status/+", 0, false, "bad topic") // refused: the broker closes the connection
	sub.expect(t, "status/dying", "gone")
	if m := rec.next(t); m.Topic != "status/dying" || m.ClientID != "dying" {
		t.Fatalf("OnMessage got %+v", m)
	}
}

func TestWillQoS2Refused(t *testing.T) {
	b := startBroker(t, Config{})
	opts, c := clientOptions("tcp://"+b.Addr().String(), "c", "AKIDALICE", "alice-secret")
	opts.SetWill("status/c", "gone", 2, false)
	if _, err := dialWith(t, opts, c); err == nil || !strings.Contains(err.Error(), "not Authorized") {
		t.Fatalf("connect with a QoS 2 will: %v", err)
	}
}

func TestPersistentSession(t *testing.T) {
	b := startBroker(t, Config{})
	opts, c := clientOptions("tcp://"+b.Addr().String(), "persistent", "AKIDALICE", "alice-secret")
	opts.SetCleanSession(false)
	c = mustDialWith(t, opts, c)
	c.mustSubscribe(t, "orders/#", 1)
	c.Disconnect(50)

	pub := connect(t, b, "pub", "AKIDCAROL", "carol-secret")
	pub.publish(t, "orders/1", 1, false, "while away")
	pub.publish(t, "orders", 1, false, "parent") // not for orders/#

	opts, c = clientOptions("tcp://"+b.Addr().String(), "persistent", "AKIDALICE", "alice-secret")
	opts.SetCleanSession(false)
	c = mustDialWith(t, opts, c)
	c.expect(t, "orders/1", "while away")
	pub.publish(t, "orders", 1, false, "parent again")
	pub.publish(t, "orders/2", 1, false, "live")
	c.expect(t, "orders/2", "live")
}

func TestGarbageDoesNotDisturbOthers(t *testing.T) {
	b := startBroker(t, Config{}, func(b *Broker) { b.connectTimeout = 200 * time.Millisecond })
	c := connect(t, b, "c", "AKIDALICE", "alice-secret")
	c.mustSubscribe(t, "t", 1)

	garbage := [][]byte{
		[]byte("GET / HTTP/1.1\r\nHost: x\r\n\r\n"),
		{0x10, 0xff, 0xff, 0xff, 0xff, 0x7f},                // length beyond 4 bytes
		{0x10, 0xff, 0xff, 0xff, 0x7f},                      // a 256 MiB CONNECT
		{0x10, 0x05, 0x00, 0x04, 'M', 'Q', 'T'},             // truncated
		{0x30, 0x03, 0x00, 0x01, 't'},                       // PUBLISH first
		{0x10, 0x0a, 0, 4, 'M', 'Q', 'T', 'T', 9, 2, 0, 30}, // unknown level
	}
	var conns []net.Conn
	for _, g := range garbage {
		conn, err := net.Dial("tcp", b.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		if _, err := conn.Write(g); err != nil {
			t.Fatal(err)
		}
		conns = append(conns, conn)
	}
	silent, err := net.Dial("tcp", b.Addr().String()) // never sends CONNECT
	if err != nil {
		t.Fatal(err)
	}
	defer silent.Close()
	conns = append(conns, silent)

	for range 20 {
		c.publish(t, "t", 1, false, "ok")
		c.expect(t, "t", "ok")
	}
	for i, conn := range conns {
		_ = conn.SetReadDeadline(time.Now().Add(wait))
		buf := make([]byte, 16)
		for {
			if _, err := conn.Read(buf); err != nil {
				var ne net.Error
				if errors.As(err, &ne) && ne.Timeout() {
					t.Errorf("connection %d still open", i)
				}
				break
			}
		}
	}
	c.publish(t, "t", 1, false, "still ok")
	c.expect(t, "t", "still ok")
}

func TestHandshakeFloodIsBounded(t *testing.T) {
	const slots, extra = 4, 6
	b := startBroker(t, Config{}, func(b *Broker) {
		b.handshakes = make(chan struct{}, slots)
		b.connectTimeout = 2 * time.Second
	})
	var conns []net.Conn
	for range slots + extra {
		conn, err := net.Dial("tcp", b.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		conns = append(conns, conn)
	}
	// closed reads from each connection until deadline and reports
	// whether the server closed it.
	closed := func(conn net.Conn, deadline time.Time) bool {
		_ = conn.SetReadDeadline(deadline)
		_, err := conn.Read(make([]byte, 1))
		var ne net.Error
		return err != nil && !(errors.As(err, &ne) && ne.Timeout())
	}
	early := time.Now().Add(time.Second)
	results := make([]bool, len(conns))
	var wg sync.WaitGroup
	for i, conn := range conns {
		wg.Go(func() { results[i] = closed(conn, early) })
	}
	wg.Wait()
	var open []net.Conn
	for i, conn := range conns {
		if !results[i] {
			open = append(open, conn)
		}
	}
	if len(open) != slots {
		t.Fatalf("%d connections waiting for CONNECT, want %d", len(open), slots)
	}
	for _, conn := range open {
		if !closed(conn, time.Now().Add(wait)) {
			t.Fatal("connection without CONNECT not closed")
		}
	}
	connect(t, b, "after", "AKIDALICE", "alice-secret")
}

func TestWebSocket(t *testing.T) {
	b := startBroker(t, Config{WebSocketListen: "127.0.0.1:0"})
	ws, err := dial(t, "ws://"+b.WebSocketAddr().String()+"/mqtt", "ws", "AKIDALICE", "alice-secret")
	if err != nil {
		t.Fatal(err)
	}
	tcp := connect(t, b, "tcp", "AKIDALICE", "alice-secret")
	ws.mustSubscribe(t, "t", 1)
	tcp.publish(t, "t", 1, false, "over ws")
	ws.expect(t, "t", "over ws")
	if _, err := dial(t, "ws://"+b.WebSocketAddr().String()+"/", "bad", "AKIDALICE", "nope"); err == nil {
		t.Fatal("wrong secret accepted over WebSocket")
	}
}

func TestTLS(t *testing.T) {
	cert := selfSigned(t)
	b := startBroker(t, Config{TLSListen: "127.0.0.1:0", TLSConfig: &tls.Config{Certificates: []tls.Certificate{cert}}})
	opts, c := clientOptions("ssl://"+b.TLSAddr().String(), "tls", "AKIDALICE", "alice-secret")
	opts.SetTLSConfig(&tls.Config{InsecureSkipVerify: true}) // the test's own certificate
	c = mustDialWith(t, opts, c)
	c.mustSubscribe(t, "t", 1)
	c.publish(t, "t", 1, false, "secure")
	c.expect(t, "t", "secure")
}

func TestReset(t *testing.T) {
	store := newMemStore()
	b := startBroker(t, Config{Retained: store})
	c := connect(t, b, "c", "AKIDALICE", "alice-secret")
	c.publish(t, "cfg", 1, true, "v1")
	if _, ok := b.Retained("111111111111", "", "cfg"); !ok {
		t.Fatal("retained message missing")
	}
	b.Reset()
	c.expectLost(t)
	if _, ok := b.Retained("111111111111", "", "cfg"); ok {
		t.Fatal("retained message survived Reset")
	}
	if len(store.all()) != 0 {
		t.Fatalf("store after Reset: %v", store.all())
	}
	c = connect(t, b, "c", "AKIDALICE", "alice-secret")
	c.mustSubscribe(t, "cfg", 1)
	c.publish(t, "cfg", 1, false, "fresh")
	c.expect(t, "cfg", "fresh")
}

func TestCloseLeavesNoGoroutines(t *testing.T) {
	b, err := New(Config{Listen: "127.0.0.1:0", WebSocketListen: "127.0.0.1:0", Authenticate: testAuthenticate})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	var clients []*client
	for _, key := range []string{"AKIDALICE", "AKIDBOB"} {
		c := connect(t, b, "c-"+key, key, testKeys[key][0])
		c.mustSubscribe(t, "t", 1)
		clients = append(clients, c)
	}
	ws, err := dial(t, "ws://"+b.WebSocketAddr().String(), "ws", "AKIDALICE", "alice-secret")
	if err != nil {
		t.Fatal(err)
	}
	clients = append(clients, ws)
	if err := b.Publish(&Message{Account: "333333333333", Topic: "t", Retain: true, Payload: []byte("x")}); err != nil {
		t.Fatal(err)
	}
	pending, err := net.Dial("tcp", b.Addr().String()) // mid-handshake at Close
	if err != nil {
		t.Fatal(err)
	}
	defer pending.Close()
	if _, err := pending.Write([]byte{0x10, 0x20}); err != nil {
		t.Fatal(err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	if err := b.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for _, c := range clients {
		c.expectLost(t)
	}
	if err := b.Publish(&Message{Account: "111111111111", Topic: "t"}); !errors.Is(err, ErrClosed) {
		t.Fatalf("Publish after Close: %v", err)
	}
	if _, ok := b.Retained("333333333333", "", "t"); !ok {
		t.Fatal("retained messages unreadable after Close")
	}

	// The account servers' event loops stop shortly after Close returns.
	deadline := time.Now().Add(wait)
	for {
		left := brokerGoroutines()
		if left == "" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("goroutines left after Close:\n%s", left)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// brokerGoroutines returns the stacks of goroutines running this
// package's or mochi's code.
func brokerGoroutines() string {
	buf := make([]byte, 1<<20)
	buf = buf[:runtime.Stack(buf, true)]
	var left []string
	for _, g := range strings.Split(string(buf), "\n\n") {
		if strings.Contains(g, "mochi-mqtt/server") || strings.Contains(g, "ferry/iot/broker.(*") {
			left = append(left, g)
		}
	}
	return strings.Join(left, "\n\n")
}

func selfSigned(t *testing.T) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1),
		Subject:      pkix.Name{CommonName: "localhost"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}
