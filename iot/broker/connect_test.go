package broker

import (
	"bufio"
	"bytes"
	"errors"
	"testing"

	"github.com/mochi-mqtt/server/v2/packets"
)

// connectBytes encodes a CONNECT with mochi's encoder, the one the account
// servers decode with.
func connectBytes(t testing.TB, version byte, pk packets.Packet) []byte {
	t.Helper()
	pk.FixedHeader.Type = packets.Connect
	pk.ProtocolVersion = version
	if pk.Connect.ProtocolName == nil {
		pk.Connect.ProtocolName = []byte("MQTT")
		if version == 3 {
			pk.Connect.ProtocolName = []byte("MQIsdp")
		}
	}
	var buf bytes.Buffer
	if err := pk.ConnectEncode(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func seedConnects(t testing.TB) [][]byte {
	creds := packets.ConnectParams{ClientIdentifier: "device-1", Clean: true, Keepalive: 30,
		UsernameFlag: true, Username: []byte("AKIDALICE"), PasswordFlag: true, Password: []byte("alice-secret")}
	will := creds
	will.WillFlag, will.WillQos, will.WillRetain = true, 1, true
	will.WillTopic, will.WillPayload = "status/device-1", []byte("gone")
	will.WillProperties = packets.Properties{ContentType: "text/plain", WillDelayInterval: 5}
	return [][]byte{
		connectBytes(t, 3, packets.Packet{Connect: creds}),
		connectBytes(t, 4, packets.Packet{Connect: creds}),
		connectBytes(t, 4, packets.Packet{Connect: packets.ConnectParams{Clean: true}}),
		connectBytes(t, 4, packets.Packet{Connect: will}),
		connectBytes(t, 5, packets.Packet{Connect: creds, Properties: packets.Properties{
			SessionExpiryInterval: 60, SessionExpiryIntervalFlag: true, ReceiveMaximum: 10,
			User: []packets.UserProperty{{Key: "k", Val: "v"}}}}),
		connectBytes(t, 5, packets.Packet{Connect: will}),
	}
}

func TestReadConnect(t *testing.T) {
	for i, raw := range seedConnects(t) {
		trailing := append(append([]byte{}, raw...), 0xc0, 0x00) // a PINGREQ right behind
		br := bufio.NewReader(bytes.NewReader(trailing))
		got, cp, err := readConnect(br, br, 1<<16)
		if err != nil {
			t.Fatalf("seed %d: %v", i, err)
		}
		if !bytes.Equal(got, raw) {
			t.Errorf("seed %d: read %x, want %x", i, got, raw)
		}
		if cp.version < 3 || cp.version > 5 {
			t.Errorf("seed %d: version %d", i, cp.version)
		}
		if cp.hasUsername && (cp.username != "AKIDALICE" || cp.password != "alice-secret" || cp.clientID != "device-1") {
			t.Errorf("seed %d: parsed %+v", i, cp)
		}
		for n := range len(raw) {
			br := bufio.NewReader(bytes.NewReader(raw[:n]))
			if _, _, err := readConnect(br, br, 1<<16); err == nil {
				t.Fatalf("seed %d truncated to %d bytes: no error", i, n)
			}
		}
	}

	for _, tc := range []struct {
		name string
		raw  []byte
		want error
	}{
		{"publish first", []byte{0x30, 0x03, 0x00, 0x01, 't'}, errNotConnect},
		{"connect flags", []byte{0x11, 0x00}, errNotConnect},
		{"five length bytes", []byte{0x10, 0xff, 0xff, 0xff, 0xff, 0x01}, errMalformedConnect},
		{"too large", []byte{0x10, 0xff, 0xff, 0x7f}, errConnectTooLarge},
		{"level 6", []byte{0x10, 0x0a, 0, 4, 'M', 'Q', 'T', 'T', 6, 2, 0, 30}, errUnsupportedVersion},
		{"other protocol", []byte{0x10, 0x0a, 0, 4, 'H', 'T', 'T', 'P', 4, 2, 0, 30}, errMalformedConnect},
		{"reserved flag", []byte{0x10, 0x0c, 0, 4, 'M', 'Q', 'T', 'T', 4, 3, 0, 30, 0, 0}, errMalformedConnect},
		{"will qos without will", []byte{0x10, 0x0c, 0, 4, 'M', 'Q', 'T', 'T', 4, 0x0a, 0, 30, 0, 0}, errMalformedConnect},
	} {
		br := bufio.NewReader(bytes.NewReader(tc.raw))
		if _, _, err := readConnect(br, br, 1<<16); !errors.Is(err, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, err, tc.want)
		}
	}
}

// FuzzConnect feeds arbitrary first packets to the front's CONNECT reader,
// whole and split at every point, as a slow client would send them.
func FuzzConnect(f *testing.F) {
	for _, raw := range seedConnects(f) {
		f.Add(raw)
		f.Add(raw[:len(raw)/2])
		f.Add(raw[:len(raw)-1])
	}
	f.Add([]byte{0x10})
	f.Add([]byte{0x10, 0x80, 0x80, 0x80, 0x80})
	f.Fuzz(func(t *testing.T, data []byte) {
		br := bufio.NewReader(bytes.NewReader(data))
		raw, cp, err := readConnect(br, br, 1<<16)
		if err == nil {
			if !bytes.HasPrefix(data, raw) {
				t.Fatalf("returned bytes %x are not what was read from %x", raw, data)
			}
			if cp.version < 3 || cp.version > 5 {
				t.Fatalf("accepted version %d", cp.version)
			}
		}
		if len(data) > 0 {
			_, _ = parseConnect(data)
			_, _ = parseConnect(data[1:])
		}
		// One byte at a time.
		sr := bufio.NewReaderSize(&oneByteReader{data}, 16)
		raw2, _, err2 := readConnect(sr, sr, 1<<16)
		if (err == nil) != (err2 == nil) || !bytes.Equal(raw, raw2) {
			t.Fatalf("byte-at-a-time read differs: %v / %v", err, err2)
		}
	})
}

type oneByteReader struct{ b []byte }

func (r *oneByteReader) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, errors.New("EOF")
	}
	if len(p) == 0 {
		return 0, nil
	}
	p[0] = r.b[0]
	r.b = r.b[1:]
	return 1, nil
}
