package broker

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"net"
	"strings"
	"sync"
	"sync/atomic"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/listeners"
	"github.com/mochi-mqtt/server/v2/packets"
)

// ErrClosed is returned by Publish once the broker is closed.
var ErrClosed = errors.New("broker closed")

const (
	listenerID = "ferry"

	// retainedLifetime is how long AWS keeps a retained message that is
	// neither updated nor read: three years (DG/mqtt "Using MQTT retained
	// messages"). It doubles as mochi's message expiry cap; zero there
	// would make every queued message expire at once (mochi computes an
	// expiry of creation time plus the cap).
	retainedLifetime = 3 * 365 * 24 * 60 * 60

	// sessionExpiry is AWS's default persistent session expiry, one hour
	// (DG/mqtt "Using MQTT persistent sessions").
	sessionExpiry = 60 * 60

	// packetSlack is what a PUBLISH may carry besides its payload (topic,
	// properties) before the server drops the connection unread.
	packetSlack = 64 << 10
)

type accountKey struct{ account, region string }

// account is one (account, region)'s topic space: a mochi server of its
// own, created when the first client or message arrives, and the retained
// messages it holds.
//
// Lock order: mu, then retMu.
type account struct {
	b         *Broker
	key       accountKey
	arnPrefix string // arn:aws:iot:<region>:<account>:

	mu     sync.Mutex // guards the fields below up to retMu
	closed bool
	srv    *mqtt.Server
	inline *mqtt.Client
	ln     *handoffListener

	retMu    sync.Mutex // guards retained and retired; held across store writes
	retained map[string]RetainedMessage
	retired  bool // forgotten by Reset

	// lastTopic caches the ARN of the topic last delivered, since one
	// publish is checked for iot:Receive once per subscriber.
	lastTopic atomic.Pointer[topicARN]
}

type topicARN struct{ topic, arn string }

func newAccount(b *Broker, key accountKey) *account {
	return &account{
		b:         b,
		key:       key,
		arnPrefix: "arn:aws:iot:" + key.region + ":" + key.account + ":",
		retained:  map[string]RetainedMessage{},
	}
}

func (a *account) topicARN(topic string) string {
	if c := a.lastTopic.Load(); c != nil && c.topic == topic {
		return c.arn
	}
	arn := a.arnPrefix + "topic/" + topic
	a.lastTopic.Store(&topicARN{topic, arn})
	return arn
}

// server returns the account's running server and its inline client,
// starting them on first use; nil once the account is closed.
func (a *account) server() (*mqtt.Server, *mqtt.Client, *handoffListener) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil, nil, nil
	}
	if a.srv == nil {
		if err := a.start(); err != nil {
			a.b.log.Error("mqtt server did not start", "account", a.key.account, "region", a.key.region, "error", err)
			return nil, nil, nil
		}
	}
	return a.srv, a.inline, a.ln
}

// start creates and serves the account's mochi server. Called with mu held.
func (a *account) start() error {
	caps := mqtt.NewDefaultServerCapabilities()
	caps.MaximumQos = 1 // AWS IoT has no QoS 2 (DG/mqtt)
	caps.MaximumMessageExpiryInterval = retainedLifetime
	caps.MaximumSessionExpiryInterval = sessionExpiry
	caps.MaximumPacketSize = uint32(a.b.maxPayload + packetSlack)
	// Bounded per-client queues: a subscriber that stops reading loses
	// messages instead of growing the broker's memory (mochi#453). The
	// QoS 1 messages awaiting a subscriber's PUBACK keep mochi's default
	// bound: a test's burst to a slower subscriber should not lose any.
	caps.MaximumClientWritesPending = 1024
	caps.MaximumInflight = 8192
	caps.TopicAliasMaximum = 8 // AWS IoT's topic alias maximum (DG/mqtt, MQTT 5 supported features)
	caps.Compatibilities.NoInheritedPropertiesOnAck = true

	log := slog.New(mochiLog{a.b.log.Handler()}).With("account", a.key.account, "region", a.key.region)
	srv := mqtt.New(&mqtt.Options{
		Capabilities: caps,
		InlineClient: true,
		Logger:       log,
		// AWS has no $SYS topics; mochi publishes them once on start and
		// then, with this interval, never again.
		SysTopicResendInterval: math.MaxInt32,
	})
	hook := &awsHook{a: a, srv: srv, maxPayload: a.b.maxPayload, authorize: a.b.cfg.Authorize, onMessage: a.b.cfg.OnMessage}
	if err := srv.AddHook(hook, nil); err != nil {
		return err
	}
	ln := &handoffListener{srv: srv, conns: map[*conn]struct{}{}}
	if err := srv.AddListener(ln); err != nil {
		return err
	}
	inline, _ := srv.Clients.Get(mqtt.InlineClientId)
	// Messages injected by Publish carry MQTT 5 properties, and mochi
	// honours a message expiry only on version 5 packets.
	inline.Properties.ProtocolVersion = 5

	a.retMu.Lock()
	for _, m := range a.retained {
		srv.Topics.RetainMessage(retainedPacket(m))
	}
	a.retMu.Unlock()

	if err := srv.Serve(); err != nil {
		return err
	}
	for topic := range srv.Topics.Retained.GetAll() {
		if strings.HasPrefix(topic, mqtt.SysPrefix) {
			srv.Topics.RetainMessage(packets.Packet{TopicName: topic}) // an empty payload deletes
		}
	}
	a.srv, a.inline, a.ln = srv, inline, ln
	return nil
}

// serve hands a connection whose CONNECT has been read to the account's
// server and returns when the connection ends.
func (a *account) serve(c *conn) error {
	_, _, ln := a.server()
	if ln == nil {
		return ErrClosed
	}
	return ln.serve(c)
}

// close stops the account's server, disconnecting its clients.
func (a *account) close() {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return
	}
	a.closed = true
	srv := a.srv
	a.mu.Unlock()
	if srv != nil {
		_ = srv.Close() // always nil
	}
}

// clients is the number of connected MQTT clients.
func (a *account) clients() int {
	a.mu.Lock()
	srv := a.srv
	a.mu.Unlock()
	if srv == nil {
		return 0
	}
	return int(atomic.LoadInt64(&srv.Info.ClientsConnected))
}

// handoffListener is the mochi listener of an account's server. It accepts
// nothing itself: the front hands it connections whose CONNECT it has
// already read, and it tracks them so that closing the server closes them.
type handoffListener struct {
	srv *mqtt.Server

	mu     sync.Mutex
	closed bool
	conns  map[*conn]struct{}
	active sync.WaitGroup // connections inside srv.EstablishConnection
}

var _ listeners.Listener = (*handoffListener)(nil)

func (l *handoffListener) ID() string                  { return listenerID }
func (l *handoffListener) Address() string             { return "front" }
func (l *handoffListener) Protocol() string            { return "mqtt" }
func (l *handoffListener) Init(*slog.Logger) error     { return nil }
func (l *handoffListener) Serve(listeners.EstablishFn) {}

// serve runs the connection on the server until it ends.
func (l *handoffListener) serve(c *conn) error {
	l.mu.Lock()
	if l.closed {
		l.mu.Unlock()
		return ErrClosed
	}
	l.conns[c] = struct{}{}
	l.active.Add(1)
	l.mu.Unlock()
	defer func() {
		l.mu.Lock()
		delete(l.conns, c)
		l.mu.Unlock()
		l.active.Done()
	}()
	return l.srv.EstablishConnection(listenerID, c)
}

// Close is called by the server's Close. It says goodbye to MQTT 5
// clients, closes every connection and waits until none is inside the
// server, so that mochi's own wait for its clients starts with nothing
// left to add to it. The CloseFn mochi passes is not used: its client
// listing takes a read lock twice and can deadlock against a client that
// is being removed at the same moment.
func (l *handoffListener) Close(listeners.CloseFn) {
	l.mu.Lock()
	l.closed = true
	conns := make([]*conn, 0, len(l.conns))
	for c := range l.conns {
		conns = append(conns, c)
	}
	l.mu.Unlock()
	for _, cl := range l.srv.Clients.GetAll() {
		if !cl.Net.Inline && !cl.Closed() {
			_ = l.srv.DisconnectClient(cl, packets.ErrServerShuttingDown)
		}
	}
	for _, c := range conns {
		_ = c.Close()
	}
	l.active.Wait()
}

// mochiLog adapts the log records of the embedded mochi servers: one level
// quieter (their Info is per-connection chatter) and without the packets
// some of them carry, which hold message payloads.
type mochiLog struct{ h slog.Handler }

func demote(l slog.Level) slog.Level {
	switch {
	case l >= slog.LevelError:
		return slog.LevelWarn
	case l >= slog.LevelWarn:
		return slog.LevelInfo
	default:
		return slog.LevelDebug
	}
}

func (m mochiLog) Enabled(ctx context.Context, l slog.Level) bool {
	return m.h.Enabled(ctx, demote(l))
}

func (m mochiLog) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, demote(r.Level), r.Message, r.PC)
	r.Attrs(func(a slog.Attr) bool {
		if !carriesPayload(a.Key) {
			out.AddAttrs(a)
		}
		return true
	})
	return m.h.Handle(ctx, out)
}

func (m mochiLog) WithAttrs(attrs []slog.Attr) slog.Handler {
	kept := make([]slog.Attr, 0, len(attrs))
	for _, a := range attrs {
		if !carriesPayload(a.Key) {
			kept = append(kept, a)
		}
	}
	return mochiLog{m.h.WithAttrs(kept)}
}

func (m mochiLog) WithGroup(name string) slog.Handler { return mochiLog{m.h.WithGroup(name)} }

func carriesPayload(key string) bool {
	return key == "pk" || key == "packet" || key == "will"
}

// sourceIP is the address part of a remote address.
func sourceIP(addr net.Addr) string {
	if addr == nil {
		return ""
	}
	host, _, err := net.SplitHostPort(addr.String())
	if err != nil {
		return addr.String()
	}
	return host
}
