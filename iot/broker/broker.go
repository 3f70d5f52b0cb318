package broker

import (
	"context"
	"crypto/tls"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/mochi-mqtt/server/v2/packets"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// Principal is who a client or a message acts as.
type Principal = api.Principal

// Config configures a Broker.
type Config struct {
	Listen          string // MQTT TCP address, e.g. "0.0.0.0:1883"; "" = no TCP listener
	WebSocketListen string // MQTT over WebSocket address; "" = off
	TLSListen       string // MQTT over TLS address, with TLSConfig; "" = off
	TLSConfig       *tls.Config
	Region          string // the region MQTT connections belong to; default "us-east-1"
	// RefuseAnonymous refuses clients that connect without credentials;
	// otherwise they belong to AnonymousAccount.
	RefuseAnonymous bool
	// Authenticate resolves an access key id (the MQTT username) and its
	// secret (the password) to a principal; ok=false refuses the
	// connection. Nil makes every client anonymous.
	Authenticate func(accessKeyID, secret string) (Principal, bool)
	// Authorize asks whether p may do an IoT action on a resource ARN:
	// iot:Connect on arn:aws:iot:<region>:<acct>:client/<clientId>,
	// iot:Publish and iot:RetainPublish on …:topic/<topic>, iot:Subscribe
	// on …:topicfilter/<filter>, iot:Receive on …:topic/<topic>. It is
	// called for every connect, publish, filter and delivered message,
	// with no caching. Nil allows everything.
	Authorize func(p Principal, region, action, resource string) bool
	// OnMessage is called once for every message accepted into a topic
	// space (from MQTT clients, their will messages, and Publish),
	// synchronously, before a QoS 1 PUBACK: it must be cheap. The message
	// and its slices must not be modified.
	OnMessage func(m *Message)
	// Retained persists retained messages; nil keeps them in memory only.
	Retained RetainedStore
	// MaxPayload is the largest payload accepted; default 128 KiB, AWS's
	// limit. A client that publishes a larger one is disconnected.
	MaxPayload int
	Log        *slog.Logger
}

// Message is a message published into an account's topic space.
type Message struct {
	Account, Region string
	Topic           string
	Payload         []byte
	QoS             byte
	Retain          bool
	ClientID        string    // "" when not from an MQTT client (HTTP publish, rule republish)
	Principal       Principal // who published; zero for in-process publishes
	SourceIP        string
	// MQTT 5 properties, as AWS's republish headers and HTTP publish
	// carry them.
	ContentType            string
	ResponseTopic          string
	CorrelationData        []byte
	PayloadFormatIndicator *byte
	MessageExpiry          uint32 // seconds; 0 = none
	UserProperties         [][2]string
	// Depth is how many rule republishes led to this message: a loop
	// guard, set by the caller of Publish.
	Depth int
	Time  time.Time
}

// Broker is AWS IoT's message broker for every account: one MQTT port
// (plus optional WebSocket and TLS ports) in front of one MQTT server per
// (account, region).
//
// Lock order: mu, then an account's locks.
type Broker struct {
	cfg            Config
	log            *slog.Logger
	region         string
	maxPayload     int
	connectTimeout time.Duration
	handshakes     chan struct{} // a slot per connection still to send CONNECT

	mu       sync.Mutex
	started  bool
	closed   bool
	done     chan struct{} // closed by Close
	accounts map[accountKey]*account
	conns    map[net.Conn]struct{} // every connection the front holds
	tcp      net.Listener
	tls      net.Listener
	ws       net.Listener
	wsServer *http.Server

	wg sync.WaitGroup // accept loops, connections, the WebSocket server
}

// New makes a broker and loads the retained messages in cfg.Retained.
// Start opens its ports.
func New(cfg Config) (*Broker, error) {
	if cfg.Region == "" {
		cfg.Region = "us-east-1"
	}
	if cfg.MaxPayload <= 0 {
		cfg.MaxPayload = 128 << 10
	}
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.TLSListen != "" && cfg.TLSConfig == nil {
		return nil, errors.New("broker: TLSListen needs a TLSConfig")
	}
	b := &Broker{
		cfg:            cfg,
		log:            cfg.Log,
		region:         cfg.Region,
		maxPayload:     cfg.MaxPayload,
		connectTimeout: defaultConnectTimeout,
		handshakes:     make(chan struct{}, maxHandshakes),
		done:           make(chan struct{}),
		accounts:       map[accountKey]*account{},
		conns:          map[net.Conn]struct{}{},
	}
	if cfg.Retained != nil {
		err := cfg.Retained.LoadRetained(func(acct, region string, m RetainedMessage) {
			a := b.account(acct, region, true)
			a.retained[m.Topic] = m
		})
		if err != nil {
			return nil, err
		}
	}
	return b, nil
}

// Start opens the listeners.
func (b *Broker) Start() error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.closed {
		return ErrClosed
	}
	if b.started {
		return errors.New("broker: already started")
	}
	var opened []net.Listener
	listen := func(addr string) (net.Listener, error) {
		ln, err := net.Listen("tcp", addr)
		if err == nil {
			opened = append(opened, ln)
		}
		return ln, err
	}
	fail := func(err error) error {
		for _, ln := range opened {
			_ = ln.Close()
		}
		b.tcp, b.tls, b.ws = nil, nil, nil
		return err
	}
	var err error
	if b.cfg.Listen != "" {
		if b.tcp, err = listen(b.cfg.Listen); err != nil {
			return fail(err)
		}
	}
	if b.cfg.TLSListen != "" {
		ln, err := listen(b.cfg.TLSListen)
		if err != nil {
			return fail(err)
		}
		b.tls = tls.NewListener(ln, b.cfg.TLSConfig)
	}
	if b.cfg.WebSocketListen != "" {
		if b.ws, err = listen(b.cfg.WebSocketListen); err != nil {
			return fail(err)
		}
	}
	b.started = true
	for _, ln := range []net.Listener{b.tcp, b.tls} {
		if ln != nil {
			b.wg.Add(1)
			go b.acceptLoop(ln)
		}
	}
	if b.ws != nil {
		b.wsServer = &http.Server{
			Handler:           http.HandlerFunc(b.serveWebSocket),
			ReadHeaderTimeout: b.connectTimeout,
			ErrorLog:          slog.NewLogLogger(b.log.Handler(), slog.LevelDebug),
		}
		b.wg.Add(1)
		go func(srv *http.Server, ln net.Listener) {
			defer b.wg.Done()
			_ = srv.Serve(ln) // returns when Close closes it
		}(b.wsServer, b.ws)
	}
	return nil
}

// Addr is the MQTT TCP listener's address; nil when there is none.
func (b *Broker) Addr() net.Addr { return b.addr(func() net.Listener { return b.tcp }) }

// WebSocketAddr is the MQTT over WebSocket listener's address; nil when
// there is none.
func (b *Broker) WebSocketAddr() net.Addr { return b.addr(func() net.Listener { return b.ws }) }

// TLSAddr is the MQTT over TLS listener's address; nil when there is none.
func (b *Broker) TLSAddr() net.Addr { return b.addr(func() net.Listener { return b.tls }) }

func (b *Broker) addr(get func() net.Listener) net.Addr {
	b.mu.Lock()
	defer b.mu.Unlock()
	if ln := get(); ln != nil {
		return ln.Addr()
	}
	return nil
}

// Close stops the listeners, disconnects every client, stops every
// account's server and waits, until ctx ends, for all of it to finish.
// Retained messages stay readable.
func (b *Broker) Close(ctx context.Context) error {
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		return nil
	}
	b.closed = true
	close(b.done)
	lns := []net.Listener{b.tcp, b.tls}
	wsServer := b.wsServer
	accounts := make([]*account, 0, len(b.accounts))
	for _, a := range b.accounts {
		accounts = append(accounts, a)
	}
	b.mu.Unlock()

	for _, ln := range lns {
		if ln != nil {
			_ = ln.Close()
		}
	}
	if wsServer != nil {
		_ = wsServer.Close() // upgraded connections are the front's to close
	}
	for _, a := range accounts {
		a.close()
	}
	b.mu.Lock()
	for c := range b.conns { // connections still before their CONNECT
		_ = c.Close()
	}
	b.mu.Unlock()

	finished := make(chan struct{})
	go func() {
		b.wg.Wait()
		close(finished)
	}()
	select {
	case <-finished:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Publish injects a message into m.Account's topic space in m.Region
// (Config.Region when empty), as AWS IoT's HTTP publish and the rules
// engine's republish do: it is delivered to the subscribers, retained if
// m.Retain (an empty payload deletes the retained message), and reported
// to OnMessage. No authorization is done: the caller has done it.
func (b *Broker) Publish(m *Message) error {
	if m.Account == "" {
		return errors.New("broker: message without an account")
	}
	m.Region = b.regionOr(m.Region)
	if m.QoS > 1 {
		return ErrInvalidQoS
	}
	if err := checkTopicName(m.Topic, m.Retain); err != nil {
		return err
	}
	if len(m.Payload) > b.maxPayload {
		return ErrPayloadTooLarge
	}
	if m.Time.IsZero() {
		m.Time = time.Now()
	}
	a := b.account(m.Account, m.Region, true)
	if a == nil {
		return ErrClosed
	}
	srv, inline, _ := a.server()
	if srv == nil {
		return ErrClosed
	}
	if err := srv.InjectPacket(inline, m.packet()); err != nil {
		return err
	}
	if m.Retain && b.cfg.Retained != nil {
		// The hook could not answer the injected publish: check here that
		// the store holds what the index now does.
		if err := a.syncRetained(srv, m.Topic); err != nil {
			return err
		}
	}
	if b.cfg.OnMessage != nil {
		b.cfg.OnMessage(m)
	}
	return nil
}

func (m *Message) packet() packets.Packet {
	pk := packets.Packet{
		FixedHeader: packets.FixedHeader{Type: packets.Publish, Qos: m.QoS, Retain: m.Retain},
		TopicName:   m.Topic,
		Payload:     m.Payload,
		Properties: packets.Properties{
			ContentType:           m.ContentType,
			ResponseTopic:         m.ResponseTopic,
			CorrelationData:       m.CorrelationData,
			MessageExpiryInterval: m.MessageExpiry,
		},
	}
	if m.QoS > 0 {
		pk.PacketID = 1 // a QoS 1 packet needs one [MQTT-2.2.1-3]; nobody acknowledges an injected packet
	}
	if m.PayloadFormatIndicator != nil {
		pk.Properties.PayloadFormat = *m.PayloadFormatIndicator
		pk.Properties.PayloadFormatFlag = true
	}
	for _, kv := range m.UserProperties {
		pk.Properties.User = append(pk.Properties.User, packets.UserProperty{Key: kv[0], Val: kv[1]})
	}
	return pk
}

// Reset disconnects every client and forgets every retained message,
// from the store as well: the state of a fresh start.
func (b *Broker) Reset() {
	b.mu.Lock()
	accounts := b.accounts
	b.accounts = map[accountKey]*account{}
	b.mu.Unlock()
	for _, a := range accounts {
		a.close()
		a.forgetRetained()
	}
}

// Clients is the number of MQTT clients connected to an account's topic
// space in a region (Config.Region when empty).
func (b *Broker) Clients(account, region string) int {
	a := b.account(account, b.regionOr(region), false)
	if a == nil {
		return 0
	}
	return a.clients()
}

// account returns an account's topic space, creating it if create is set
// and the broker is open; nil otherwise.
func (b *Broker) account(acct, region string, create bool) *account {
	key := accountKey{acct, region}
	b.mu.Lock()
	defer b.mu.Unlock()
	a := b.accounts[key]
	if a == nil && create && !b.closed {
		a = newAccount(b, key)
		b.accounts[key] = a
	}
	return a
}

func (b *Broker) regionOr(region string) string {
	if region == "" {
		return b.region
	}
	return region
}
