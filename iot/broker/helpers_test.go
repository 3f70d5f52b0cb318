package broker

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	paho "github.com/eclipse/paho.mqtt.golang"
	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/ferry-emulator/ferry/emulator/api"
)

const wait = 5 * time.Second

// Test credentials: access key id → (secret, account).
var testKeys = map[string][2]string{
	"AKIDALICE": {"alice-secret", "111111111111"},
	"AKIDBOB":   {"bob-secret", "222222222222"},
	"AKIDCAROL": {"carol-secret", "111111111111"},
}

func testAuthenticate(id, secret string) (Principal, bool) {
	k, ok := testKeys[id]
	if !ok || k[0] != secret {
		return Principal{}, false
	}
	name := strings.ToLower(strings.TrimPrefix(id, "AKID"))
	return Principal{
		ARN:     "arn:aws:iam::" + k[1] + ":user/" + name,
		Account: k[1],
		Type:    api.PrincipalUser,
		Name:    name,
	}, true
}

// startBroker starts a broker on 127.0.0.1 with test credentials unless
// cfg says otherwise, and closes it at the end of the test. The setup
// functions run before Start.
func startBroker(t testing.TB, cfg Config, setup ...func(*Broker)) *Broker {
	t.Helper()
	if cfg.Listen == "" {
		cfg.Listen = "127.0.0.1:0"
	}
	if cfg.Authenticate == nil {
		cfg.Authenticate = testAuthenticate
	}
	b, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range setup {
		f(b)
	}
	if err := b.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		defer cancel()
		if err := b.Close(ctx); err != nil {
			t.Errorf("close: %v", err)
		}
	})
	return b
}

// client is a paho client whose messages and connection loss arrive on
// channels.
type client struct {
	paho.Client
	msgs chan paho.Message
	lost chan error
}

func clientOptions(url, id, user, secret string) (*paho.ClientOptions, *client) {
	c := &client{msgs: make(chan paho.Message, 256), lost: make(chan error, 1)}
	opts := paho.NewClientOptions().
		AddBroker(url).
		SetClientID(id).
		SetProtocolVersion(4). // no silent retry as 3.1 after a refusal
		SetUsername(user).
		SetPassword(secret).
		SetAutoReconnect(false).
		SetConnectRetry(false).
		SetCleanSession(true).
		SetConnectTimeout(wait).
		SetWriteTimeout(wait).
		SetKeepAlive(30 * time.Second).
		SetDefaultPublishHandler(func(_ paho.Client, m paho.Message) { c.msgs <- m }).
		SetConnectionLostHandler(func(_ paho.Client, err error) {
			select {
			case c.lost <- err:
			default:
			}
		})
	return opts, c
}

// dial connects a paho client to url.
func dial(t testing.TB, url, id, user, secret string) (*client, error) {
	t.Helper()
	opts, c := clientOptions(url, id, user, secret)
	return dialWith(t, opts, c)
}

// dialWith connects the client made by clientOptions, with opts changed.
func dialWith(t testing.TB, opts *paho.ClientOptions, c *client) (*client, error) {
	t.Helper()
	c.Client = paho.NewClient(opts)
	tok := c.Connect()
	if !tok.WaitTimeout(wait) {
		return nil, fmt.Errorf("connect %s: timed out", opts.ClientID)
	}
	if err := tok.Error(); err != nil {
		return nil, err
	}
	t.Cleanup(func() { c.Disconnect(50) })
	return c, nil
}

func mustDialWith(t testing.TB, opts *paho.ClientOptions, c *client) *client {
	t.Helper()
	c, err := dialWith(t, opts, c)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func connect(t testing.TB, b *Broker, id, user, secret string) *client {
	t.Helper()
	c, err := dial(t, "tcp://"+b.Addr().String(), id, user, secret)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// subscribe subscribes and returns the code the SUBACK granted.
func (c *client) subscribe(t testing.TB, filter string, qos byte) byte {
	t.Helper()
	tok := c.Subscribe(filter, qos, nil)
	if !tok.WaitTimeout(wait) {
		t.Fatalf("subscribe %s: timed out", filter)
	}
	if err := tok.Error(); err != nil {
		t.Fatalf("subscribe %s: %v", filter, err)
	}
	return tok.(*paho.SubscribeToken).Result()[stripShare(filter)] // paho's key for a shared subscription
}

func (c *client) mustSubscribe(t testing.TB, filter string, qos byte) {
	t.Helper()
	if code := c.subscribe(t, filter, qos); code != qos {
		t.Fatalf("subscribe %s: SUBACK code %#x, want %d", filter, code, qos)
	}
}

func (c *client) publish(t testing.TB, topic string, qos byte, retain bool, payload string) {
	t.Helper()
	tok := c.Publish(topic, qos, retain, payload)
	if !tok.WaitTimeout(wait) {
		t.Fatalf("publish %s: timed out", topic)
	}
	if err := tok.Error(); err != nil {
		t.Fatalf("publish %s: %v", topic, err)
	}
}

// expect waits for the next message and checks its topic and payload.
func (c *client) expect(t testing.TB, topic, payload string) paho.Message {
	t.Helper()
	select {
	case m := <-c.msgs:
		if m.Topic() != topic || string(m.Payload()) != payload {
			t.Fatalf("got %s %q, want %s %q", m.Topic(), m.Payload(), topic, payload)
		}
		return m
	case <-time.After(wait):
		t.Fatalf("no message on %s", topic)
		return nil
	}
}

// expectLost waits for the broker to close the client's connection.
func (c *client) expectLost(t testing.TB) {
	t.Helper()
	select {
	case <-c.lost:
	case <-time.After(wait):
		t.Fatal("connection not closed")
	}
}

// recorder collects OnMessage calls.
type recorder struct {
	mu   sync.Mutex
	msgs []*Message
	ch   chan *Message
}

func newRecorder() *recorder { return &recorder{ch: make(chan *Message, 256)} }

func (r *recorder) OnMessage(m *Message) {
	r.mu.Lock()
	r.msgs = append(r.msgs, m)
	r.mu.Unlock()
	r.ch <- m
}

func (r *recorder) next(t testing.TB) *Message {
	t.Helper()
	select {
	case m := <-r.ch:
		return m
	case <-time.After(wait):
		t.Fatal("OnMessage not called")
		return nil
	}
}

// rawClient speaks MQTT 5 over a plain connection, for what paho (MQTT
// 3.1.1 only) cannot show.
type rawClient struct {
	t testing.TB
	c net.Conn
}

func dialRaw(t testing.TB, b *Broker) *rawClient {
	t.Helper()
	c, err := net.DialTimeout("tcp", b.Addr().String(), wait)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawClient{t: t, c: c}
}

func (r *rawClient) send(pk packets.Packet) {
	r.t.Helper()
	pk.ProtocolVersion = 5
	var buf bytes.Buffer
	var err error
	switch pk.FixedHeader.Type {
	case packets.Connect:
		err = pk.ConnectEncode(&buf)
	case packets.Publish:
		err = pk.PublishEncode(&buf)
	case packets.Subscribe:
		err = pk.SubscribeEncode(&buf)
	default:
		r.t.Fatalf("cannot encode packet type %d", pk.FixedHeader.Type)
	}
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.c.Write(buf.Bytes()); err != nil {
		r.t.Fatal(err)
	}
}

// read reads the next packet's type and body.
func (r *rawClient) read() (byte, []byte, error) {
	_ = r.c.SetReadDeadline(time.Now().Add(wait))
	var fh [1]byte
	if _, err := io.ReadFull(r.c, fh[:]); err != nil {
		return 0, nil, err
	}
	n, shift := 0, 0
	for {
		var b [1]byte
		if _, err := io.ReadFull(r.c, b[:]); err != nil {
			return 0, nil, err
		}
		n |= int(b[0]&0x7f) << shift
		if b[0]&0x80 == 0 {
			break
		}
		shift += 7
	}
	body := make([]byte, n)
	_, err := io.ReadFull(r.c, body)
	return fh[0] >> 4, body, err
}

func (r *rawClient) expect(kind byte) []byte {
	r.t.Helper()
	got, body, err := r.read()
	if err != nil {
		r.t.Fatalf("reading packet type %d: %v", kind, err)
	}
	if got != kind {
		r.t.Fatalf("got packet type %d, want %d", got, kind)
	}
	return body
}

func connectV5(id, user, secret string) packets.Packet {
	return packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Connect},
		Connect: packets.ConnectParams{
			ProtocolName:     []byte("MQTT"),
			Clean:            true,
			Keepalive:        30,
			ClientIdentifier: id,
			UsernameFlag:     user != "",
			Username:         []byte(user),
			PasswordFlag:     secret != "",
			Password:         []byte(secret),
		},
	}
}
