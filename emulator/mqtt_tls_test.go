package emulator

import (
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	mqtt "github.com/eclipse/paho.mqtt.golang"
)

// tlsRoundTrip connects a subscriber and a publisher of account
// 111111111111 to ferry's MQTT-over-TLS listener, trusting only roots, and
// checks that a QoS 1 message goes from one to the other.
func tlsRoundTrip(t *testing.T, srv *Server, roots *x509.CertPool) {
	t.Helper()
	got := make(chan string, 1)
	connect := func(id string) mqtt.Client {
		opts := mqtt.NewClientOptions().AddBroker("ssl://" + srv.MQTTTLSAddr()).SetClientID(id).
			SetUsername("111111111111").SetPassword("test").SetAutoReconnect(false).
			SetTLSConfig(&tls.Config{RootCAs: roots, ServerName: "localhost"})
		c := mqtt.NewClient(opts)
		if tok := c.Connect(); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
			t.Fatalf("connect %s over TLS: %v", id, tok.Error())
		}
		t.Cleanup(func() { c.Disconnect(100) })
		return c
	}
	sub := connect("tls-sub")
	if tok := sub.Subscribe("sensors/tls", 1, func(_ mqtt.Client, m mqtt.Message) { got <- string(m.Payload()) }); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("subscribe: %v", tok.Error())
	}
	pub := connect("tls-pub")
	if tok := pub.Publish("sensors/tls", 1, false, "encrypted in transit"); !tok.WaitTimeout(5*time.Second) || tok.Error() != nil {
		t.Fatalf("publish: %v", tok.Error())
	}
	select {
	case m := <-got:
		if m != "encrypted in transit" {
			t.Fatalf("received %q", m)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the subscriber received nothing over TLS")
	}
}

// servedCertificate is the leaf certificate ferry's TLS listener presents.
func servedCertificate(t *testing.T, addr string) *x509.Certificate {
	t.Helper()
	conn, err := tls.Dial("tcp", addr, &tls.Config{InsecureSkipVerify: true}) // to read what is served, not to trust it
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	return conn.ConnectionState().PeerCertificates[0]
}

func TestMQTTOverTLSSelfSigned(t *testing.T) {
	srv, err := Run(Config{Listen: "127.0.0.1:0", MQTTTLSListen: "127.0.0.1:0", Hostname: "ferry.internal:4566"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })

	cert := servedCertificate(t, srv.MQTTTLSAddr())
	// The admin endpoint hands out the same certificate, for --cafile.
	resp, err := http.Get(srv.URL() + "/_ferry/mqtt-tls.pem")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if block, _ := pem.Decode(body); resp.StatusCode != http.StatusOK || block == nil || !bytes.Equal(block.Bytes, cert.Raw) {
		t.Fatalf("/_ferry/mqtt-tls.pem answered %d %q, not the served certificate", resp.StatusCode, body)
	}
	for _, name := range []string{"localhost", "127.0.0.1", "ferry.internal"} {
		if err := cert.VerifyHostname(name); err != nil {
			t.Errorf("the self-signed certificate does not cover %s: %v", name, err)
		}
	}
	// An untrusting client is refused: the certificate is not a public one.
	c := mqtt.NewClient(mqtt.NewClientOptions().AddBroker("ssl://" + srv.MQTTTLSAddr()).SetClientID("untrusting").
		SetUsername("111111111111").SetPassword("test").SetAutoReconnect(false).SetConnectRetry(false).
		SetTLSConfig(&tls.Config{RootCAs: x509.NewCertPool(), ServerName: "localhost"}))
	if tok := c.Connect(); tok.WaitTimeout(5*time.Second) && tok.Error() == nil {
		c.Disconnect(0)
		t.Fatal("a client that trusts no root connected")
	}
	roots := x509.NewCertPool()
	roots.AddCert(cert)
	tlsRoundTrip(t, srv, roots)
}

func TestMQTTOverTLSCertificateFiles(t *testing.T) {
	made, err := selfSignedCertificate("", time.Now())
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(made.PrivateKey)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile := filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: made.Certificate[0]}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	srv, err := Run(Config{Listen: "127.0.0.1:0", MQTTTLSListen: "127.0.0.1:0", MQTTTLSCertFile: certFile, MQTTTLSKeyFile: keyFile})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Close() })

	leaf, err := x509.ParseCertificate(made.Certificate[0])
	if err != nil {
		t.Fatal(err)
	}
	if served := servedCertificate(t, srv.MQTTTLSAddr()); !served.Equal(leaf) {
		t.Fatalf("ferry serves %s, not the certificate in %s", served.Subject, certFile)
	}
	roots := x509.NewCertPool()
	roots.AddCert(leaf)
	tlsRoundTrip(t, srv, roots)
}

func TestMQTTOverTLSOff(t *testing.T) {
	srv := startServer(t)
	if a := srv.MQTTTLSAddr(); a != "" {
		t.Fatalf("MQTT over TLS listens on %s without --mqtt-tls-listen", a)
	}
	resp, err := http.Get(srv.URL() + "/_ferry/mqtt-tls.pem")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound {
		t.Fatalf("/_ferry/mqtt-tls.pem without a TLS listener answered %d", resp.StatusCode)
	}
}

func TestMQTTOverTLSBadCertificates(t *testing.T) {
	dir := t.TempDir()
	garbage := filepath.Join(dir, "garbage.pem")
	if err := os.WriteFile(garbage, []byte("not a certificate"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, cert, key, want string
	}{
		{"cert without key", garbage, "", "give both the certificate and the key file"},
		{"key without cert", "", garbage, "give both the certificate and the key file"},
		{"missing files", filepath.Join(dir, "nope.pem"), filepath.Join(dir, "nope.key"), "no such file"},
		{"not PEM", garbage, garbage, "MQTT TLS certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, err := Run(Config{Listen: "127.0.0.1:0", MQTTTLSListen: "127.0.0.1:0", MQTTTLSCertFile: tc.cert, MQTTTLSKeyFile: tc.key})
			if err == nil {
				srv.Close()
				t.Fatal("ferry started")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %q does not say %q", err, tc.want)
			}
		})
	}
}
