package broker

import (
	"errors"
	"io"
	"net"
	"net/http"

	"github.com/gorilla/websocket"
)

// MQTT over WebSocket: any path (AWS clients use /mqtt), subprotocol
// "mqtt", MQTT packets in binary messages [MQTT-6.0.0-1]. An upgraded
// connection goes through the front like a TCP one.

var errTextMessage = errors.New("websocket text message on an MQTT connection")

var upgrader = websocket.Upgrader{
	Subprotocols: []string{"mqtt"},
	// Browsers on any origin may connect, as to AWS's endpoint; the
	// credentials are in the CONNECT.
	CheckOrigin: func(*http.Request) bool { return true },
}

func (b *Broker) serveWebSocket(w http.ResponseWriter, r *http.Request) {
	ws, err := upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // Upgrade has answered the request
	}
	c := &wsConn{Conn: ws.UnderlyingConn(), ws: ws}
	if b.admit(c) {
		b.serveConn(c) // the connection is hijacked: this goroutine is its own
	}
}

// wsConn presents a WebSocket connection as the byte stream MQTT expects.
// Deadlines and Close go to the network connection underneath.
type wsConn struct {
	net.Conn
	ws *websocket.Conn
	r  io.Reader // the message being read, if any
}

func (c *wsConn) Read(p []byte) (int, error) {
	for {
		if c.r == nil {
			kind, r, err := c.ws.NextReader()
			if err != nil {
				return 0, err
			}
			if kind != websocket.BinaryMessage {
				return 0, errTextMessage
			}
			c.r = r
		}
		n, err := c.r.Read(p)
		if errors.Is(err, io.EOF) {
			c.r = nil
			if n == 0 {
				continue
			}
			err = nil
		}
		return n, err
	}
}

// Write sends p as one binary message. The server serializes a client's
// writes.
func (c *wsConn) Write(p []byte) (int, error) {
	if err := c.ws.WriteMessage(websocket.BinaryMessage, p); err != nil {
		return 0, err
	}
	return len(p), nil
}
