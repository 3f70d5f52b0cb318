package sns_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/sns"

	"github.com/ferry-emulator/ferry/emulator"
	"github.com/ferry-emulator/ferry/persist"
)

// With a durable store, an encrypted topic's messages are never in the
// file in plaintext — neither the record that holds a message until every
// subscriber has it, nor what that record leaves behind when it goes —
// while a plain topic's are (which proves the scan can find them).
func TestEncryptedTopicBodiesAtRest(t *testing.T) {
	dir := t.TempDir()
	store, err := persist.OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err := emulator.Run(emulator.Config{Listen: "127.0.0.1:0", Store: store})
	if err != nil {
		t.Fatal(err)
	}
	sc, qc, kc := snsFor(srv, "test"), sqsFor(srv, "test"), kmsFor(srv)
	trustSNS := `{"Sid":"AllowSNS","Effect":"Allow","Principal":{"Service":"sns.amazonaws.com"},"Action":["kms:GenerateDataKey*","kms:Decrypt"],"Resource":"*"}`
	key, err := kc.CreateKey(ctxT(t), &kms.CreateKeyInput{Policy: aws.String(keyPolicy(rootKeyStatement, trustSNS))})
	if err != nil {
		t.Fatal(err)
	}
	keyID := *key.KeyMetadata.KeyId

	sealedTopic := createTopic(t, sc, "sealed", map[string]string{"KmsMasterKeyId": keyID})
	sealedQueue := createQueue(t, qc, "sealed-q", map[string]string{"KmsMasterKeyId": keyID})
	allowTopic(t, qc, sealedQueue, sealedTopic)
	subscribeQueue(t, sc, sealedTopic, sealedQueue, map[string]string{"RawMessageDelivery": "true"})
	plainTopic := createTopic(t, sc, "plain", nil)
	plainQueue := createQueue(t, qc, "plain-q", map[string]string{"SqsManagedSseEnabled": "false"})
	allowTopic(t, qc, plainQueue, plainTopic)
	subscribeQueue(t, sc, plainTopic, plainQueue, map[string]string{"RawMessageDelivery": "true"})

	const secret, open = "sealed-topic-body-7c1e94b2d05a", "plain-topic-body-3f8a61c0e9d4"
	for _, p := range []struct{ topic, body string }{{sealedTopic, secret}, {plainTopic, open}} {
		if _, err := sc.Publish(ctxT(t), &sns.PublishInput{TopicArn: aws.String(p.topic), Message: aws.String(p.body)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := srv.Flush(ctxT(t)); err != nil {
		t.Fatal(err)
	}
	srv.Close()
	raw, err := os.ReadFile(filepath.Join(dir, persist.BoltFile))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(raw, []byte(open)) {
		t.Fatal("the plain topic's body is not in the file: the scan proves nothing")
	}
	if bytes.Contains(raw, []byte(secret)) {
		t.Fatal("the encrypted topic's body is in the file in plaintext")
	}

	store, err = persist.OpenBolt(dir)
	if err != nil {
		t.Fatal(err)
	}
	srv, err = emulator.Run(emulator.Config{Listen: "127.0.0.1:0", Store: store})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	if ms := receive(t, sqsFor(srv, "test"), queue{url: srv.URL() + "/000000000000/sealed-q"}, 1); *ms[0].Body != secret {
		t.Fatalf("after a restart: %q", *ms[0].Body)
	}
}
