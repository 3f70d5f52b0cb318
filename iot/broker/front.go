package broker

import (
	"bufio"
	"errors"
	"net"
	"strings"
	"sync/atomic"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// The front is the MQTT port every account shares. It reads a
// connection's CONNECT, authenticates the access key in it, and hands the
// connection, with the CONNECT replayed, to the server of the key's
// account. From then on it touches no byte: packets flow between the
// client and the account's server through conn.

const (
	// defaultConnectTimeout bounds how long a connection may take to send
	// its CONNECT.
	defaultConnectTimeout = 10 * time.Second
	// maxHandshakes bounds the connections that have not sent their
	// CONNECT yet; beyond it new connections are closed at once.
	maxHandshakes = 1024
	// connectSlack is what a CONNECT may carry besides its will payload.
	connectSlack = 16 << 10
)

// AnonymousAccount is the account of clients that connect without
// credentials.
const AnonymousAccount = "000000000000"

var anonymous = Principal{ARN: "anonymous", Account: AnonymousAccount, Type: api.PrincipalAnonymous}

// acceptLoop accepts connections until ln is closed.
func (b *Broker) acceptLoop(ln net.Listener) {
	defer b.wg.Done()
	var delay time.Duration
	for {
		c, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			// Out of file descriptors and the like: back off, as net/http does.
			delay = min(max(2*delay, 5*time.Millisecond), time.Second)
			b.log.Warn("mqtt accept failed", "error", err)
			t := time.NewTimer(delay)
			select {
			case <-b.done:
				t.Stop()
				return
			case <-t.C:
			}
			continue
		}
		delay = 0
		if b.admit(c) {
			go b.serveConn(c)
		}
	}
}

// admit takes a handshake slot for a new connection and registers it; on
// false the connection has been closed. After true the caller must run
// serveConn.
func (b *Broker) admit(c net.Conn) bool {
	select {
	case b.handshakes <- struct{}{}:
	default:
		_ = c.Close()
		return false
	}
	b.mu.Lock()
	if b.closed {
		b.mu.Unlock()
		<-b.handshakes
		_ = c.Close()
		return false
	}
	b.conns[c] = struct{}{}
	b.wg.Add(1)
	b.mu.Unlock()
	return true
}

// serveConn runs one connection from its CONNECT to its end.
func (b *Broker) serveConn(c net.Conn) {
	defer b.wg.Done()
	defer func() {
		b.mu.Lock()
		delete(b.conns, c)
		b.mu.Unlock()
		_ = c.Close()
	}()
	replay, cp, err := b.handshake(c)
	if err != nil {
		b.log.Debug("mqtt connection closed before CONNECT", "remote", c.RemoteAddr().String(), "error", err)
		return
	}
	p, ok := b.authenticate(cp)
	if !ok {
		b.log.Debug("mqtt client not authenticated", "remote", c.RemoteAddr().String(), "client", cp.clientID)
		b.refuse(c, connack(cp.version, 0x05, 0x87)) // not authorized
		return
	}
	if cp.willQoS > 1 {
		// AWS has no QoS 2. The server would refuse the will too, but
		// with an MQTT 5 code even to an MQTT 3 client, which has no
		// code for it.
		b.refuse(c, connack(cp.version, 0x05, 0x9b)) // MQTT 5: QoS not supported
		return
	}
	a := b.account(p.Account, b.region, true)
	if a == nil {
		return
	}
	wc := &conn{Conn: c, replay: replay, principal: p, sourceIP: sourceIP(c.RemoteAddr())}
	err = a.serve(wc)
	b.log.Debug("mqtt connection ended", "account", p.Account, "client", cp.clientID, "error", err)
}

// handshake reads the connection's CONNECT and returns the bytes to
// replay to the account's server: the CONNECT and whatever the client
// sent after it.
func (b *Broker) handshake(c net.Conn) ([]byte, connectPacket, error) {
	defer func() { <-b.handshakes }()
	_ = c.SetReadDeadline(time.Now().Add(b.connectTimeout))
	br := bufio.NewReaderSize(c, 512)
	raw, cp, err := readConnect(br, br, b.maxPayload+connectSlack)
	if err != nil {
		if errors.Is(err, errUnsupportedVersion) {
			b.refuse(c, connack(cp.version, 0x01, 0x84)) // [MQTT-3.1.2-2]
		}
		return nil, cp, err
	}
	_ = c.SetReadDeadline(time.Time{})
	if n := br.Buffered(); n > 0 {
		rest, _ := br.Peek(n)
		raw = append(raw, rest...)
	}
	return raw, cp, nil
}

// refuse writes a refusing CONNACK; the caller closes the connection.
func (b *Broker) refuse(c net.Conn, ack []byte) {
	_ = c.SetWriteDeadline(time.Now().Add(b.connectTimeout))
	_, _ = c.Write(ack)
}

// authenticate resolves the credentials of a CONNECT: username = access
// key id, password = secret key; no username is an anonymous client.
func (b *Broker) authenticate(cp connectPacket) (Principal, bool) {
	if cp.username == "" || b.cfg.Authenticate == nil {
		return anonymous, !b.cfg.RefuseAnonymous
	}
	p, ok := b.cfg.Authenticate(cp.username, cp.password)
	if !ok || p.Account == "" {
		return Principal{}, false
	}
	return p, true
}

// conn is a client connection as the account's server sees it: the
// network connection, the CONNECT the front read from it still to be
// read again, and who the client is. The hooks keep their per-client
// state here too.
type conn struct {
	net.Conn
	replay    []byte
	principal Principal
	sourceIP  string

	subscribing atomic.Pointer[subscribeWindow]
	subackFix   atomic.Pointer[subackFix]
	// wideRoots holds X for each of the client's "X/#" subscriptions.
	wideRoots atomic.Pointer[map[string]struct{}]
}

// Read serves the replayed bytes first. Only the server's read loop reads.
func (c *conn) Read(p []byte) (int, error) {
	if len(c.replay) > 0 {
		n := copy(p, c.replay)
		c.replay = c.replay[n:]
		return n, nil
	}
	return c.Conn.Read(p)
}

// noteFilters records the roots of the client's "X/#" subscriptions, and
// of the ones in extra that are about to be added.
func (c *conn) noteFilters(cl *mqtt.Client, extra []string) {
	var roots map[string]struct{}
	note := func(filter string) {
		if root, ok := strings.CutSuffix(stripShare(filter), "/#"); ok {
			if roots == nil {
				roots = map[string]struct{}{}
			}
			roots[root] = struct{}{}
		}
	}
	for filter := range cl.State.Subscriptions.GetAll() {
		note(filter)
	}
	for _, filter := range extra {
		note(filter)
	}
	if roots == nil {
		c.wideRoots.Store(nil)
		return
	}
	c.wideRoots.Store(&roots)
}
