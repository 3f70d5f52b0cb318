package emulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"fmt"
	"math/big"
	"net"
	"time"
)

// mqttTLSConfig is the MQTT-over-TLS listener's configuration: the
// certificate and key files when both are given, else a self-signed
// certificate made at start-up for the advertised host, localhost and the
// loopback addresses, which clients accept by trusting it explicitly (or
// with mosquitto's --insecure).
func mqttTLSConfig(cfg Config) (*tls.Config, error) {
	if cfg.MQTTTLSListen == "" {
		return nil, nil
	}
	var cert tls.Certificate
	var err error
	switch {
	case cfg.MQTTTLSCertFile != "" && cfg.MQTTTLSKeyFile != "":
		cert, err = tls.LoadX509KeyPair(cfg.MQTTTLSCertFile, cfg.MQTTTLSKeyFile)
		if err != nil {
			return nil, fmt.Errorf("MQTT TLS certificate: %w", err)
		}
	case cfg.MQTTTLSCertFile != "" || cfg.MQTTTLSKeyFile != "":
		return nil, errors.New("MQTT TLS: give both the certificate and the key file, or neither for a self-signed certificate")
	default:
		cert, err = selfSignedCertificate(cfg.Hostname, time.Now()) // the wall clock: clients check validity against theirs
		if err != nil {
			return nil, fmt.Errorf("MQTT TLS self-signed certificate: %w", err)
		}
	}
	return &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}, nil
}

// selfSignedCertificate makes an ECDSA P-256 certificate valid for a year
// for localhost, the loopback addresses and host (the advertised hostname,
// with or without a port).
func selfSignedCertificate(host string, now time.Time) (tls.Certificate, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return tls.Certificate{}, err
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 120))
	if err != nil {
		return tls.Certificate{}, err
	}
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "ferry MQTT", Organization: []string{"ferry"}},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(365 * 24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	if ip := net.ParseIP(host); ip != nil {
		tmpl.IPAddresses = append(tmpl.IPAddresses, ip)
	} else if host != "" && host != "localhost" {
		tmpl.DNSNames = append(tmpl.DNSNames, host)
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return tls.Certificate{}, err
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}, nil
}
