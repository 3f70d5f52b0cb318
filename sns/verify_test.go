package sns_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"io"
	"net/http"
	"testing"
)

// verifySignature checks a delivered document's signature the way AWS's
// documentation tells consumers to: fetch the certificate from
// SigningCertURL, build the string to sign from the message type's fields,
// and verify with SHA1withRSA (version 1) or SHA256withRSA (version 2).
// https://docs.aws.amazon.com/sns/latest/dg/sns-verify-signature-of-message.html
func verifySignature(t *testing.T, e envelope) {
	t.Helper()
	resp, err := http.Get(e.SigningCertURL)
	if err != nil {
		t.Fatalf("fetching %s: %v", e.SigningCertURL, err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d %s", e.SigningCertURL, resp.StatusCode, body)
	}
	block, _ := pem.Decode(body)
	if block == nil {
		t.Fatalf("SigningCertURL serves no PEM: %s", body)
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	var fields []string
	switch e.Type {
	case "Notification":
		fields = []string{"Message", e.Message, "MessageId", e.MessageId}
		if e.Subject != "" {
			fields = append(fields, "Subject", e.Subject)
		}
		fields = append(fields, "Timestamp", e.Timestamp, "TopicArn", e.TopicArn, "Type", e.Type)
	case "SubscriptionConfirmation", "UnsubscribeConfirmation":
		fields = []string{"Message", e.Message, "MessageId", e.MessageId, "SubscribeURL", e.SubscribeURL,
			"Timestamp", e.Timestamp, "Token", e.Token, "TopicArn", e.TopicArn, "Type", e.Type}
	default:
		t.Fatalf("unknown message type %q", e.Type)
	}
	var s string
	for _, f := range fields {
		s += f + "\n"
	}
	sig, err := base64.StdEncoding.DecodeString(e.Signature)
	if err != nil {
		t.Fatalf("Signature is not base64: %v", err)
	}
	pub := cert.PublicKey.(*rsa.PublicKey)
	switch e.SignatureVersion {
	case "1":
		sum := sha1.Sum([]byte(s))
		err = rsa.VerifyPKCS1v15(pub, crypto.SHA1, sum[:], sig)
	case "2":
		sum := sha256.Sum256([]byte(s))
		err = rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig)
	default:
		t.Fatalf("SignatureVersion = %q", e.SignatureVersion)
	}
	if err != nil {
		t.Fatalf("%s signature (version %s) does not verify: %v", e.Type, e.SignatureVersion, err)
	}
}
