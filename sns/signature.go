package sns

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"math/big"
	"strings"
	"sync"
	"time"

	"github.com/ferry-emulator/ferry/persist"
)

// Message signatures a consumer can verify: SignatureVersion 1 is
// SHA1withRSA, 2 is SHA256withRSA, over AWS's canonical string, with the
// certificate served at the SigningCertURL every message carries.
// https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
//
// The key and its self-signed certificate are made on first use and kept in
// the store, so that with --data-dir a restarted ferry signs with the same
// certificate its consumers already trust.

const (
	signingBucket = "sns.signing"
	certName      = "SimpleNotificationService"
)

type signer struct {
	store persist.Store
	once  sync.Once
	err   error
	key   *rsa.PrivateKey
	pem   []byte
	file  string // SimpleNotificationService-<hash>.pem
}

func newSigner(store persist.Store) *signer { return &signer{store: store} }

func (g *signer) load() error {
	g.once.Do(func() {
		var keyDER, certDER []byte
		if g.store != nil {
			keyDER, _, g.err = g.store.Get(signingBucket, []byte("key"))
			if g.err == nil {
				certDER, _, g.err = g.store.Get(signingBucket, []byte("cert"))
			}
			if g.err != nil {
				return
			}
		}
		if keyDER == nil || certDER == nil {
			keyDER, certDER, g.err = newCertificate()
			if g.err != nil {
				return
			}
			if g.store != nil {
				g.err = g.store.Update(
					persist.Write{Bucket: signingBucket, Key: []byte("key"), Value: keyDER},
					persist.Write{Bucket: signingBucket, Key: []byte("cert"), Value: certDER})
				if g.err != nil {
					return
				}
			}
		}
		key, err := x509.ParsePKCS1PrivateKey(keyDER)
		if err != nil {
			g.err = err
			return
		}
		g.key = key
		g.pem = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: certDER})
		sum := sha256.Sum256(certDER)
		g.file = certName + "-" + hex.EncodeToString(sum[:16]) + ".pem"
	})
	return g.err
}

// signingKeyBits is the size of the signing key. AWS's certificates carry
// 2048-bit keys; ferry's is 1024 bits because every enveloped message is
// signed, and a 1024-bit signature costs a third of a 2048-bit one (about
// 0.3 ms against 0.9 ms of CPU) — the difference between fan-out keeping
// up and not under load. Verifiers check the signature with whatever key
// the certificate holds; none of AWS's validators asks for a size.
const signingKeyBits = 1024

// newCertificate makes an RSA key and a self-signed certificate for it.
func newCertificate() (keyDER, certDER []byte, err error) {
	key, err := rsa.GenerateKey(rand.Reader, signingKeyBits)
	if err != nil {
		return nil, nil, err
	}
	serial, _ := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 62))
	tmpl := &x509.Certificate{
		SerialNumber: serial,
		Subject:      pkix.Name{CommonName: "sns.amazonaws.com", Organization: []string{"ferry"}},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().AddDate(10, 0, 0),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		DNSNames:     []string{"sns.amazonaws.com"},
	}
	certDER, err = x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, err
	}
	return x509.MarshalPKCS1PrivateKey(key), certDER, nil
}

// Certificate is the signing certificate in PEM and the file name it is
// served under.
func (s *Service) Certificate() (file string, pemBytes []byte, err error) {
	if err := s.signer.load(); err != nil {
		return "", nil, err
	}
	return s.signer.file, s.signer.pem, nil
}

// certURL is the SigningCertURL for a host.
func (g *signer) certURL(scheme, host string) string {
	return scheme + "://" + host + "/_ferry/sns/" + g.file
}

// sign signs a canonical string with the version's hash.
func (g *signer) sign(version string, canonical string) (string, error) {
	if err := g.load(); err != nil {
		return "", err
	}
	var (
		h   crypto.Hash
		sum []byte
	)
	switch version {
	case "2":
		d := sha256.Sum256([]byte(canonical))
		h, sum = crypto.SHA256, d[:]
	case "1", "":
		d := sha1.Sum([]byte(canonical))
		h, sum = crypto.SHA1, d[:]
	default:
		return "", errors.New("sns: unknown signature version " + version)
	}
	sig, err := rsa.SignPKCS1v15(nil, g.key, h, sum)
	if err != nil {
		return "", err
	}
	return base64.StdEncoding.EncodeToString(sig), nil
}

// canonicalString is what is signed: the named fields, each as its name
// and value on lines of their own, in AWS's order; Subject only when set.
func canonicalString(fields [][2]string) string {
	var b strings.Builder
	for _, f := range fields {
		b.WriteString(f[0])
		b.WriteByte('\n')
		b.WriteString(f[1])
		b.WriteByte('\n')
	}
	return b.String()
}
