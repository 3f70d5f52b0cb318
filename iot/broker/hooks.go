package broker

import (
	"slices"
	"strings"
	"time"

	mqtt "github.com/mochi-mqtt/server/v2"
	"github.com/mochi-mqtt/server/v2/packets"
)

// awsHook gives an account's mochi server AWS IoT's behaviour where it
// differs from the MQTT specifications mochi follows (DG/mqtt, "AWS IoT
// differences from MQTT specifications"), and asks Config.Authorize about
// every connect, publish, subscription and delivery.
//
// Clients are authenticated by the front before their connection reaches
// the server; the principal travels with the connection (conn).
type awsHook struct {
	mqtt.HookBase
	a          *account
	srv        *mqtt.Server
	maxPayload int
	authorize  func(p Principal, region, action, resource string) bool
	onMessage  func(*Message)
}

func (h *awsHook) ID() string { return "aws-iot" }

func (h *awsHook) Provides(b byte) bool {
	switch b {
	case mqtt.OnConnectAuthenticate, mqtt.OnConnect, mqtt.OnSessionEstablish, mqtt.OnSessionEstablished,
		mqtt.OnPacketRead, mqtt.OnPacketEncode, mqtt.OnPublish, mqtt.OnACLCheck,
		mqtt.OnSubscribe, mqtt.OnSubscribed, mqtt.OnUnsubscribed,
		mqtt.OnRetainMessage, mqtt.OnRetainedExpired, mqtt.OnWillSent:
		return true
	}
	return false
}

func (h *awsHook) allowed(p Principal, action, resource string) bool {
	return h.authorize == nil || h.authorize(p, h.a.key.region, action, resource)
}

// clientConn is the front's connection under a client; nil for the inline
// client.
func clientConn(cl *mqtt.Client) *conn {
	c, _ := cl.Net.Conn.(*conn)
	return c
}

// OnConnectAuthenticate accepts every client: the front has authenticated
// it already.
func (h *awsHook) OnConnectAuthenticate(*mqtt.Client, packets.Packet) bool { return true }

// OnConnect checks iot:Connect on the client id, and the will message as
// if it were published now. It runs before a duplicate client id takes
// over the session, so a refused client leaves the connected one alone.
func (h *awsHook) OnConnect(cl *mqtt.Client, pk packets.Packet) error {
	c := clientConn(cl)
	if c == nil {
		return nil
	}
	if cl.ID == mqtt.InlineClientId { // the id of the server's own client
		return h.refuseConnect(cl, packets.ErrClientIdentifierNotValid, packets.Err3ClientIdentifierNotValid)
	}
	if !h.allowed(c.principal, "iot:Connect", h.a.arnPrefix+"client/"+cl.ID) {
		return h.refuseConnect(cl, packets.ErrNotAuthorized, packets.Err3NotAuthorized)
	}
	if pk.Connect.WillFlag {
		if checkTopicName(pk.Connect.WillTopic, pk.Connect.WillRetain) != nil {
			return h.refuseConnect(cl, packets.ErrTopicNameInvalid, packets.Err3NotAuthorized)
		}
		if len(pk.Connect.WillPayload) > h.maxPayload {
			return h.refuseConnect(cl, packets.ErrPacketTooLarge, packets.Err3NotAuthorized)
		}
		if h.publishDenied(c, pk.Connect.WillTopic, pk.Connect.WillRetain) {
			return h.refuseConnect(cl, packets.ErrNotAuthorized, packets.Err3NotAuthorized)
		}
	}
	return nil
}

// refuseConnect answers CONNECT with a refusal in the client's version
// and returns the error that makes the server drop the connection.
func (h *awsHook) refuseConnect(cl *mqtt.Client, v5, v3 packets.Code) error {
	code := v5
	if cl.Properties.ProtocolVersion < 5 {
		code = v3
	}
	_ = h.srv.SendConnack(cl, code, false, nil)
	return v5
}

// OnSessionEstablish runs just before the server moves the subscriptions
// of a session being resumed to the new client, and sends CONNACK: the
// client's "X/#" roots must be known before the first delivery.
func (h *awsHook) OnSessionEstablish(cl *mqtt.Client, _ packets.Packet) {
	c := clientConn(cl)
	if c == nil {
		return
	}
	if existing, ok := h.srv.Clients.Get(cl.ID); ok {
		var filters []string
		for filter := range existing.State.Subscriptions.GetAll() {
			filters = append(filters, filter)
		}
		c.noteFilters(cl, filters)
	}
}

// OnSessionEstablished notes the subscriptions the session has now.
func (h *awsHook) OnSessionEstablished(cl *mqtt.Client, _ packets.Packet) {
	if c := clientConn(cl); c != nil {
		c.noteFilters(cl, nil)
	}
}

// OnPacketRead refuses the publishes that end the connection. Refusing
// here, with an error, makes the server publish the client's will as for
// any connection that ends without DISCONNECT.
func (h *awsHook) OnPacketRead(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	if pk.FixedHeader.Type != packets.Publish {
		return pk, nil
	}
	switch {
	case pk.FixedHeader.Qos > 1:
		// AWS answers a QoS 2 publish with nothing (DG/mqtt); MQTT 5 has
		// the server disconnect [MQTT-3.3.1-4].
		h.goodbye(cl, packets.ErrQosNotSupported)
		return pk, packets.ErrRejectPacket
	case len(pk.Payload) > h.maxPayload:
		h.goodbye(cl, packets.ErrPacketTooLarge)
		return pk, packets.ErrRejectPacket
	case cl.Properties.ProtocolVersion < 5:
		// MQTT 3 has no way to refuse a publish but to close the
		// connection, which AWS does at either QoS. (A version 5 topic
		// may be an alias, resolved only later: see OnPublish.)
		if h.checkPublish(clientConn(cl), pk.TopicName, pk.FixedHeader.Retain) != packets.CodeSuccess {
			return pk, packets.ErrRejectPacket
		}
	}
	return pk, nil
}

// goodbye tells an MQTT 5 client why the server is closing its connection.
func (h *awsHook) goodbye(cl *mqtt.Client, code packets.Code) {
	if cl.Properties.ProtocolVersion == 5 {
		_ = cl.WritePacket(packets.Packet{
			FixedHeader: packets.FixedHeader{Type: packets.Disconnect},
			ReasonCode:  code.Code,
		})
	}
}

// checkPublish checks a client's publish against AWS's topic rules and
// iot:Publish (and iot:RetainPublish for a retained message, including
// the empty one that deletes it).
func (h *awsHook) checkPublish(c *conn, topic string, retain bool) packets.Code {
	if checkTopicName(topic, retain) != nil {
		return packets.ErrTopicNameInvalid
	}
	if h.publishDenied(c, topic, retain) {
		return packets.ErrNotAuthorized
	}
	return packets.CodeSuccess
}

func (h *awsHook) publishDenied(c *conn, topic string, retain bool) bool {
	if h.authorize == nil || c == nil {
		return false
	}
	arn := h.a.topicARN(topic)
	region := h.a.key.region
	return !h.authorize(c.principal, region, "iot:Publish", arn) ||
		retain && !h.authorize(c.principal, region, "iot:RetainPublish", arn)
}

// OnPublish runs on the publisher's read loop before the QoS 1 PUBACK.
func (h *awsHook) OnPublish(cl *mqtt.Client, pk packets.Packet) (packets.Packet, error) {
	c := clientConn(cl)
	if !cl.Net.Inline && cl.Properties.ProtocolVersion == 5 {
		if code := h.checkPublish(c, pk.TopicName, pk.FixedHeader.Retain); code != packets.CodeSuccess {
			if pk.FixedHeader.Qos > 0 {
				_ = cl.WritePacket(packets.Packet{
					FixedHeader: packets.FixedHeader{Type: packets.Puback},
					PacketID:    pk.PacketID,
					ReasonCode:  code.Code,
				})
			}
			return pk, packets.ErrRejectPacket
		}
	}
	if _, ok := basicIngest(pk.TopicName); ok {
		// Acknowledged and handed to the rules engine, neither delivered
		// nor retained (DG/iot-basic-ingest).
		pk.Ignore = true
	}
	if !cl.Net.Inline && h.onMessage != nil { // Broker.Publish reports its own
		h.onMessage(h.message(cl, c, pk))
	}
	return pk, nil
}

// OnWillSent reports a will message like any other publish.
func (h *awsHook) OnWillSent(cl *mqtt.Client, pk packets.Packet) {
	if h.onMessage != nil {
		h.onMessage(h.message(cl, clientConn(cl), pk))
	}
}

func (h *awsHook) message(cl *mqtt.Client, c *conn, pk packets.Packet) *Message {
	m := &Message{
		Account:         h.a.key.account,
		Region:          h.a.key.region,
		Topic:           pk.TopicName,
		Payload:         pk.Payload,
		QoS:             pk.FixedHeader.Qos,
		Retain:          pk.FixedHeader.Retain,
		ClientID:        cl.ID,
		ContentType:     pk.Properties.ContentType,
		ResponseTopic:   pk.Properties.ResponseTopic,
		CorrelationData: pk.Properties.CorrelationData,
		MessageExpiry:   pk.Properties.MessageExpiryInterval,
		UserProperties:  userProperties(pk.Properties.User),
		Time:            time.Now(),
	}
	if pk.Properties.PayloadFormatFlag {
		f := pk.Properties.PayloadFormat
		m.PayloadFormatIndicator = &f
	}
	if c != nil {
		m.Principal = c.principal
		m.SourceIP = c.sourceIP
	}
	return m
}

// OnACLCheck is consulted by the server with a topic filter while it
// processes a SUBSCRIBE, and with a topic name for every message it is
// about to deliver to a client. Publishes are checked elsewhere, where
// their QoS and retain flag are known.
func (h *awsHook) OnACLCheck(cl *mqtt.Client, name string, write bool) bool {
	if write {
		return true
	}
	c := clientConn(cl)
	if c == nil {
		return true
	}
	if w := c.subscribing.Load(); w != nil {
		// The filters being subscribed were decided in OnSubscribe. A
		// delivery whose topic equals one of them, racing this subscribe,
		// gets the subscribe decision instead of its own.
		if allowed, ok := w.decisions[name]; ok {
			return allowed
		}
	}
	return h.mayReceive(cl, c, name)
}

// mayReceive decides whether a message on topic, which the server found
// a subscription of cl for, is delivered to it.
func (h *awsHook) mayReceive(cl *mqtt.Client, c *conn, topic string) bool {
	if reserved(topic) {
		if _, ok := basicIngest(topic); ok {
			return false // a will message on a Basic Ingest topic
		}
	}
	if roots := c.wideRoots.Load(); roots != nil {
		// The server matches "a/#" to "a" [MQTT-4.7.1-2]; AWS does not.
		if _, ok := (*roots)[topic]; ok && !subscribedTo(cl, topic) {
			return false
		}
	}
	return h.authorize == nil || h.authorize(c.principal, h.a.key.region, "iot:Receive", h.a.topicARN(topic))
}

// subscribedTo reports whether one of cl's subscriptions matches topic as
// AWS matches them.
func subscribedTo(cl *mqtt.Client, topic string) bool {
	for filter := range cl.State.Subscriptions.GetAll() {
		if matchTopic(stripShare(filter), topic) {
			return true
		}
	}
	return false
}

// subscribeWindow holds the decisions OnSubscribe took for the filters of
// one SUBSCRIBE, for the server's OnACLCheck calls that follow.
type subscribeWindow struct {
	decisions map[string]bool
}

// subackFix carries reason codes for an MQTT 5 SUBACK that the server
// would otherwise report as "not authorized".
type subackFix struct {
	packetID uint16
	codes    map[int]byte
}

// OnSubscribe decides each filter of a SUBSCRIBE.
func (h *awsHook) OnSubscribe(cl *mqtt.Client, pk packets.Packet) packets.Packet {
	c := clientConn(cl)
	if c == nil {
		return pk
	}
	filters := slices.Clone(pk.Filters)
	w := &subscribeWindow{decisions: make(map[string]bool, len(filters))}
	var fix *subackFix
	var granted []string
	for i, sub := range filters {
		if code := h.subscribeRefusal(c, sub); code != packets.CodeSuccess {
			w.decisions[sub.Filter] = false
			if cl.Properties.ProtocolVersion == 5 && code != packets.ErrNotAuthorized {
				if fix == nil {
					fix = &subackFix{packetID: pk.PacketID, codes: map[int]byte{}}
				}
				fix.codes[i] = code.Code
			}
			continue
		}
		w.decisions[sub.Filter] = true
		if wildcard(sub.Filter) {
			// Retained messages go only to subscriptions to their exact
			// topic (DG/mqtt "Using MQTT retained messages").
			filters[i].RetainHandling = 2
		}
		granted = append(granted, sub.Filter)
	}
	pk.Filters = filters
	c.subackFix.Store(fix)
	// Before the server subscribes, so a delivery racing the
	// subscription is already checked.
	c.noteFilters(cl, granted)
	c.subscribing.Store(w)
	return pk
}

// subscribeRefusal is why a subscription is refused, or CodeSuccess.
func (h *awsHook) subscribeRefusal(c *conn, sub packets.Subscription) packets.Code {
	switch {
	case sub.Qos > 1:
		// AWS does not grant QoS 2: it sends no SUBACK at all (DG/mqtt).
		// A failure code tells the client without leaving it waiting.
		return packets.ErrUnspecifiedError
	case checkTopicFilter(sub.Filter) != nil:
		return packets.ErrTopicFilterInvalid
	case strings.HasPrefix(stripShare(sub.Filter), basicIngestPrefix):
		return packets.ErrNotAuthorized // DG/iot-basic-ingest: not subscribable
	case !h.allowed(c.principal, "iot:Subscribe", h.a.arnPrefix+"topicfilter/"+sub.Filter):
		return packets.ErrNotAuthorized
	}
	return packets.CodeSuccess
}

func (h *awsHook) OnSubscribed(cl *mqtt.Client, _ packets.Packet, _ []byte) {
	if c := clientConn(cl); c != nil {
		c.subscribing.Store(nil)
		c.noteFilters(cl, nil)
	}
}

func (h *awsHook) OnUnsubscribed(cl *mqtt.Client, _ packets.Packet) {
	if c := clientConn(cl); c != nil {
		c.noteFilters(cl, nil)
	}
}

// OnPacketEncode adjusts packets on their way to a client.
func (h *awsHook) OnPacketEncode(cl *mqtt.Client, pk packets.Packet) packets.Packet {
	switch pk.FixedHeader.Type {
	case packets.Publish:
		// The server stamps every message with its expiry cap when the
		// publisher set none; AWS adds no expiry of its own.
		if pk.Expiry > 0 && pk.Expiry == pk.Created+retainedLifetime {
			pk.Properties.MessageExpiryInterval = 0
		}
	case packets.Suback:
		c := clientConn(cl)
		if c == nil {
			break
		}
		if fix := c.subackFix.Swap(nil); fix != nil && fix.packetID == pk.PacketID {
			codes := slices.Clone(pk.ReasonCodes)
			for i, code := range fix.codes {
				if i < len(codes) {
					codes[i] = code
				}
			}
			pk.ReasonCodes = codes
		}
	}
	return pk
}

// OnRetainMessage runs before the server acknowledges the publish. When
// the store cannot keep the retained message, a network client is
// disconnected instead of acknowledged, so a QoS 1 publisher sends it again
// once it reconnects; Broker.Publish reports the error itself.
func (h *awsHook) OnRetainMessage(cl *mqtt.Client, pk packets.Packet, _ int64) {
	if err := h.a.syncRetained(h.srv, pk.TopicName); err != nil && cl != nil && !cl.Net.Inline {
		cl.Stop(err)
	}
}

func (h *awsHook) OnRetainedExpired(topic string) {
	_ = h.a.syncRetained(h.srv, topic) // logged; the next publish on the topic tries again
}
