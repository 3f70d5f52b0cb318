package broker

import (
	"errors"
	"io"
)

// The front reads just enough of a client's CONNECT to authenticate it and
// to answer it in its own protocol version. The account's server decodes
// the same bytes again, in full, when they are replayed to it.

var (
	errNotConnect         = errors.New("first packet is not CONNECT")
	errMalformedConnect   = errors.New("malformed CONNECT")
	errConnectTooLarge    = errors.New("CONNECT too large")
	errUnsupportedVersion = errors.New("unsupported MQTT protocol version")
)

// connectPacket is what the front needs from a CONNECT.
type connectPacket struct {
	version     byte // protocol level: 3 (3.1), 4 (3.1.1) or 5
	clientID    string
	username    string
	password    string
	hasUsername bool
	hasPassword bool
	willQoS     byte
}

// Connect flags, [MQTT-3.1.2.3].
const (
	flagUsername   = 0x80
	flagPassword   = 0x40
	flagWillRetain = 0x20
	flagWillQoS    = 0x18
	flagWill       = 0x04
	flagReserved   = 0x01
)

// readConnect reads the first packet of a connection, which must be a
// CONNECT of at most max bytes after its fixed header, and returns the
// packet's bytes exactly as read (to be replayed) with what it says.
func readConnect(r io.Reader, br io.ByteReader, max int) ([]byte, connectPacket, error) {
	first, err := br.ReadByte()
	if err != nil {
		return nil, connectPacket{}, err
	}
	if first != 0x10 { // type 1, flags 0 [MQTT-3.1.0-1] [MQTT-2.2.2-2]
		return nil, connectPacket{}, errNotConnect
	}
	var header [5]byte
	header[0] = first
	n := 1
	remaining, shift := 0, 0
	for {
		if n == len(header) { // the length takes at most 4 bytes [MQTT-1.5.5]
			return nil, connectPacket{}, errMalformedConnect
		}
		b, err := br.ReadByte()
		if err != nil {
			return nil, connectPacket{}, err
		}
		header[n] = b
		n++
		remaining |= int(b&0x7f) << shift
		if b&0x80 == 0 {
			break
		}
		shift += 7
	}
	if remaining > max {
		return nil, connectPacket{}, errConnectTooLarge
	}
	raw := make([]byte, n+remaining)
	copy(raw, header[:n])
	if _, err := io.ReadFull(r, raw[n:]); err != nil {
		return nil, connectPacket{}, err
	}
	cp, err := parseConnect(raw[n:])
	return raw, cp, err
}

// parseConnect decodes the variable header and payload of a CONNECT. On
// errUnsupportedVersion the returned packet's version is set, so the
// front can answer with the right return code.
func parseConnect(b []byte) (connectPacket, error) {
	d := decoder{b: b}
	var cp connectPacket
	name, ok := d.string()
	if !ok {
		return cp, errMalformedConnect
	}
	level, ok := d.byte()
	if !ok {
		return cp, errMalformedConnect
	}
	switch {
	case name == "MQTT" && (level == 4 || level == 5):
	case name == "MQIsdp" && level == 3:
	case name == "MQTT" || name == "MQIsdp":
		return connectPacket{version: 4}, errUnsupportedVersion // [MQTT-3.1.2-2]
	default:
		return cp, errMalformedConnect
	}
	cp.version = level
	flags, ok := d.byte()
	if !ok || flags&flagReserved != 0 { // [MQTT-3.1.2-3]
		return cp, errMalformedConnect
	}
	if flags&flagWill == 0 && flags&(flagWillQoS|flagWillRetain) != 0 { // [MQTT-3.1.2-11] [MQTT-3.1.2-13]
		return cp, errMalformedConnect
	}
	if cp.willQoS = (flags & flagWillQoS) >> 3; cp.willQoS == 3 { // [MQTT-3.1.2-14]
		return cp, errMalformedConnect
	}
	if _, ok := d.uint16(); !ok { // keep alive
		return cp, errMalformedConnect
	}
	if level == 5 && !d.skipProperties() {
		return cp, errMalformedConnect
	}
	if cp.clientID, ok = d.string(); !ok {
		return cp, errMalformedConnect
	}
	if flags&flagWill != 0 {
		if level == 5 && !d.skipProperties() {
			return cp, errMalformedConnect
		}
		if _, ok := d.string(); !ok { // will topic
			return cp, errMalformedConnect
		}
		if _, ok := d.binary(); !ok { // will payload
			return cp, errMalformedConnect
		}
	}
	if flags&flagUsername != 0 {
		if cp.username, ok = d.string(); !ok {
			return cp, errMalformedConnect
		}
		cp.hasUsername = true
	}
	if flags&flagPassword != 0 {
		password, ok := d.binary()
		if !ok {
			return cp, errMalformedConnect
		}
		cp.password, cp.hasPassword = string(password), true
	}
	return cp, nil
}

// decoder reads MQTT's primitive types from a packet body; every read
// reports false rather than running past the end.
type decoder struct {
	b []byte
	i int
}

func (d *decoder) byte() (byte, bool) {
	if d.i >= len(d.b) {
		return 0, false
	}
	d.i++
	return d.b[d.i-1], true
}

func (d *decoder) uint16() (int, bool) {
	if len(d.b)-d.i < 2 {
		return 0, false
	}
	v := int(d.b[d.i])<<8 | int(d.b[d.i+1])
	d.i += 2
	return v, true
}

// binary reads two-byte-length-prefixed data [MQTT-1.5.6].
func (d *decoder) binary() ([]byte, bool) {
	n, ok := d.uint16()
	if !ok || len(d.b)-d.i < n {
		return nil, false
	}
	d.i += n
	return d.b[d.i-n : d.i], true
}

func (d *decoder) string() (string, bool) {
	b, ok := d.binary()
	return string(b), ok
}

// skipProperties skips an MQTT 5 property block: a variable byte integer
// length and that many bytes.
func (d *decoder) skipProperties() bool {
	n, shift := 0, 0
	for i := 0; ; i++ {
		if i == 4 {
			return false
		}
		b, ok := d.byte()
		if !ok {
			return false
		}
		n |= int(b&0x7f) << shift
		if b&0x80 == 0 {
			break
		}
		shift += 7
	}
	if len(d.b)-d.i < n {
		return false
	}
	d.i += n
	return true
}

// connack encodes a refusing CONNACK: MQTT 3 return code for versions 3
// and 4, MQTT 5 reason code (with an empty property block) for 5.
func connack(version, code3, code5 byte) []byte {
	if version == 5 {
		return []byte{0x20, 0x03, 0x00, code5, 0x00}
	}
	return []byte{0x20, 0x02, 0x00, code3}
}
