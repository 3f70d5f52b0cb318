package sqs

import (
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/kms"
	"github.com/ferry-emulator/ferry/persist"
	"github.com/ferry-emulator/ferry/sqs/queue"
)

// Server-side encryption (DESIGN §5): a queue with KmsMasterKeyId (SSE-KMS)
// or SqsManagedSseEnabled (SSE-SQS, the default for new queues) stores
// message bodies sealed with AES-256-GCM; ids, attributes, digests and
// timestamps stay plain, as in AWS.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-server-side-encryption.html
//
// A sealed body lives where a plain one does, in the engine's
// Message.Body, as a self-describing envelope:
//
//	0x00, kind (1 SSE-SQS, 2 SSE-KMS),
//	SSE-KMS only: uvarint length + the queue ARN the data key is bound to,
//	              uvarint length + the data key's KMS ciphertext blob,
//	12-byte nonce, AES-256-GCM ciphertext and tag (the header is the AAD).
//
// No body SQS accepts begins with 0x00 (it is outside SQS's character set),
// so plain bodies, of queues without SSE or from stores written before
// bodies were sealed, are told apart without a flag, and neither the engine
// nor the journal's record format changed. A message keeps its envelope
// wherever it goes (redrive, move tasks) and whatever becomes of the
// queue's SSE settings, as AWS keeps a message's encryption state: it is
// opened with the data key and queue ARN it carries.
//
// SSE-KMS asks KMS, in process and as the request's principal (an SNS
// delivery's is sns.amazonaws.com), through sqs.<region>.amazonaws.com
// (kms:ViaService) with the encryption context aws:sqs:arn = the queue's
// ARN: GenerateDataKey and then Decrypt of the new key (as SQS verifies it,
// hence producers need both) when sending, Decrypt when receiving. Data
// keys are reused for the queue's KmsDataKeyReusePeriodSeconds, and, as in
// AWS, never shared between principals: the send cache is keyed by queue,
// key and principal, the receive cache by principal and data key. Within
// that period a principal keeps its data key even if its permissions or
// the key's state change, as in AWS.
//
// SSE-SQS seals under one ferry-held 256-bit key, made on first use and
// kept in the store (bucket sqs.sse), and needs no KMS permission.

const (
	sealMarker = 0x00
	sealSQS    = 1
	sealKMS    = 2
	nonceSize  = 12

	defaultReusePeriod = 300 * time.Second
	sseBucket          = "sqs.sse"
)

var managedKeyName = []byte("managed-key")

// sseSettings are a queue's encryption attributes.
type sseSettings struct {
	kmsKey  string // KmsMasterKeyId, "" for none
	reuse   time.Duration
	managed bool // SqsManagedSseEnabled
}

func (q *Queue) encryption() sseSettings {
	if st := q.sse.Load(); st != nil {
		return *st
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	return sseSettingsOf(q.attrs)
}

func sseSettingsOf(attrs map[string]string) sseSettings {
	st := sseSettings{kmsKey: attrs["KmsMasterKeyId"], managed: attrs["SqsManagedSseEnabled"] == "true", reuse: defaultReusePeriod}
	if n, err := strconv.Atoi(attrs["KmsDataKeyReusePeriodSeconds"]); err == nil && n > 0 {
		st.reuse = time.Duration(n) * time.Second
	}
	return st
}

// dataKey is a data key in use: its KMS blob and the cipher it keys.
type dataKey struct {
	blob    []byte
	aead    cipher.AEAD
	expires time.Time
}

type sendKeyID struct{ queueARN, keyRef, principal string }

type openKeyID struct{ principal, blob string }

// encryption holds the data keys in use and the SSE-SQS key.
type encryption struct {
	invoker api.Invoker
	store   persist.Store
	now     func() time.Time

	mu      sync.Mutex
	managed cipher.AEAD
	// managedSealer is the SSE-SQS sealer, made once: every send to a
	// default queue uses it, so it is read without the lock.
	managedSealer atomic.Pointer[sealer]
	send          map[sendKeyID]*dataKey
	open          map[openKeyID]*dataKey
}

func newEncryption(invoker api.Invoker, store persist.Store, now func() time.Time) *encryption {
	return &encryption{invoker: invoker, store: store, now: now, send: map[sendKeyID]*dataKey{}, open: map[openKeyID]*dataKey{}}
}

// reset forgets every data key and the SSE-SQS key (the store is reset too).
func (e *encryption) reset() {
	e.mu.Lock()
	e.managed = nil
	e.managedSealer.Store(nil)
	e.send = map[sendKeyID]*dataKey{}
	e.open = map[openKeyID]*dataKey{}
	e.mu.Unlock()
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// managedKey returns the SSE-SQS key, reading it from the store or making
// it on first use.
func (e *encryption) managedKey() (cipher.AEAD, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.managed != nil {
		return e.managed, nil
	}
	key, ok, err := e.store.Get(sseBucket, managedKeyName)
	if err != nil {
		return nil, err
	}
	if !ok {
		key = make([]byte, 32)
		rand.Read(key)
		if err := e.store.Update(persist.Write{Bucket: sseBucket, Key: managedKeyName, Value: key}); err != nil {
			return nil, err
		}
	}
	aead, err := newGCM(key)
	if err != nil {
		return nil, err
	}
	e.managed = aead
	return aead, nil
}

// principalID names whom a data key belongs to: a service principal acts
// for a resource (the topic delivering), and keys are not shared between
// the resources it acts for.
func principalID(req *api.Request) string {
	if req.Principal.Type == api.PrincipalService {
		return req.Principal.Service + "|" + req.SourceARN
	}
	return req.Principal.ARN
}

// qualifiedKeyRef makes KmsMasterKeyId name a key in the queue's account
// and region, whoever sends: a key id or alias resolves in the queue
// owner's account, not the sender's.
func qualifiedKeyRef(q *Queue, ref string) string {
	if strings.HasPrefix(ref, "arn:") {
		return ref
	}
	prefix := "arn:aws:kms:" + q.Region + ":" + q.Account + ":"
	if strings.HasPrefix(ref, "alias/") {
		return prefix + ref
	}
	return prefix + "key/" + ref
}

func viaService(region string) string { return "sqs." + region + ".amazonaws.com" }

func encryptionContext(queueARN string) map[string]string {
	return map[string]string{"aws:sqs:arn": queueARN}
}

// sealer seals the bodies of one request's messages.
type sealer struct {
	kind   byte
	aead   cipher.AEAD
	header []byte
}

// sealerFor returns what seals bodies sent to q by req's principal, or nil
// for a queue without SSE.
func (s *Service) sealerFor(ctx context.Context, req *api.Request, q *Queue) (*sealer, *api.Error) {
	st := q.encryption()
	switch {
	case st.kmsKey != "":
		dk, err := s.sendKey(ctx, req, q, st)
		if err != nil {
			return nil, err
		}
		h := []byte{sealMarker, sealKMS}
		h = binary.AppendUvarint(h, uint64(len(q.ARN)))
		h = append(h, q.ARN...)
		h = binary.AppendUvarint(h, uint64(len(dk.blob)))
		h = append(h, dk.blob...)
		return &sealer{kind: sealKMS, aead: dk.aead, header: h}, nil
	case st.managed:
		if sl := s.sse.managedSealer.Load(); sl != nil {
			return sl, nil
		}
		aead, err := s.sse.managedKey()
		if err != nil {
			s.log.Error("the SSE-SQS key is not available", "err", err)
			return nil, api.InternalFailure()
		}
		sl := &sealer{kind: sealSQS, aead: aead, header: []byte{sealMarker, sealSQS}}
		s.sse.managedSealer.Store(sl)
		return sl, nil
	}
	return nil, nil
}

// seal replaces m's body by its envelope. A FIFO queue's content-based
// deduplication id is the plaintext's, as the engine would compute it.
func (sl *sealer) seal(q *Queue, m *queue.Message) {
	if sl == nil {
		return
	}
	if q.FIFO && m.DeduplicationID == "" {
		sum := sha256.Sum256([]byte(m.Body))
		m.DeduplicationID = hex.EncodeToString(sum[:])
	}
	out := make([]byte, 0, len(sl.header)+nonceSize+len(m.Body)+sl.aead.Overhead())
	out = append(out, sl.header...)
	nonce := out[len(out) : len(out)+nonceSize]
	rand.Read(nonce)
	out = out[:len(out)+nonceSize]
	out = sl.aead.Seal(out, nonce, stringBytes(m.Body), sl.header)
	m.Body = bytesString(out)
}

// stringBytes and bytesString share memory instead of copying it, for the
// hot paths that seal and open bodies: Seal and Open only read their
// input, and a buffer made into a string is never written again.
func stringBytes(s string) []byte { return unsafe.Slice(unsafe.StringData(s), len(s)) }
func bytesString(b []byte) string { return unsafe.String(unsafe.SliceData(b), len(b)) }

// sendKey returns the data key req's principal sends to q with, asking KMS
// for a new one when the last has expired.
func (s *Service) sendKey(ctx context.Context, req *api.Request, q *Queue, st sseSettings) (*dataKey, *api.Error) {
	id := sendKeyID{queueARN: q.ARN, keyRef: st.kmsKey, principal: principalID(req)}
	now := s.sse.now()
	s.sse.mu.Lock()
	dk := s.sse.send[id]
	s.sse.mu.Unlock()
	if dk != nil && now.Before(dk.expires) {
		return dk, nil
	}
	if s.sse.invoker == nil {
		s.log.Error("an SSE-KMS queue, but SQS has no way to reach KMS", "queue", q.ARN)
		return nil, api.InternalFailure()
	}
	ec := encryptionContext(q.ARN)
	out, err := s.sse.invoker.Invoke(ctx, &api.Call{
		Service: "kms", Action: "GenerateDataKey", Region: q.Region, Principal: req.Principal,
		SourceARN: req.SourceARN, SourceAccount: req.SourceAccount, ViaService: viaService(q.Region),
		RequestID: req.ID, Resource: q.ARN,
		Input: &kms.GenerateDataKeyInput{KeyId: qualifiedKeyRef(q, st.kmsKey), KeySpec: "AES_256", EncryptionContext: ec},
	})
	if err != nil {
		return nil, s.kmsFailure(err)
	}
	gen := out.(*kms.GenerateDataKeyOutput)
	// SQS decrypts a new data key before using it: producers need
	// kms:Decrypt as well (sqs-key-management.html).
	plain, aerr := s.decryptDataKey(ctx, req, q.Region, q.ARN, gen.CiphertextBlob, st.reuse)
	if aerr != nil {
		return nil, aerr
	}
	aead, gerr := newGCM(plain.key)
	if gerr != nil {
		return nil, api.InternalFailure()
	}
	dk = &dataKey{blob: gen.CiphertextBlob, aead: aead, expires: now.Add(st.reuse)}
	s.sse.mu.Lock()
	s.sse.send[id] = dk
	s.sse.sweep(now)
	s.sse.mu.Unlock()
	return dk, nil
}

type openedKey struct {
	key  []byte
	aead cipher.AEAD
}

// decryptDataKey asks KMS for a data key's plaintext as req's principal and
// caches it for that principal.
func (s *Service) decryptDataKey(ctx context.Context, req *api.Request, region, queueARN string, blob []byte, reuse time.Duration) (openedKey, *api.Error) {
	if s.sse.invoker == nil {
		s.log.Error("an SSE-KMS message, but SQS has no way to reach KMS", "queue", queueARN)
		return openedKey{}, api.InternalFailure()
	}
	out, err := s.sse.invoker.Invoke(ctx, &api.Call{
		Service: "kms", Action: "Decrypt", Region: region, Principal: req.Principal,
		SourceARN: req.SourceARN, SourceAccount: req.SourceAccount, ViaService: viaService(region),
		RequestID: req.ID, Resource: queueARN,
		Input: &kms.DecryptInput{CiphertextBlob: blob, EncryptionContext: encryptionContext(queueARN)},
	})
	if err != nil {
		return openedKey{}, s.kmsFailure(err)
	}
	plain := out.(*kms.DecryptOutput).Plaintext
	aead, gerr := newGCM(plain)
	if gerr != nil {
		return openedKey{}, api.InternalFailure()
	}
	now := s.sse.now()
	s.sse.mu.Lock()
	s.sse.open[openKeyID{principal: principalID(req), blob: string(blob)}] = &dataKey{blob: blob, aead: aead, expires: now.Add(reuse)}
	s.sse.mu.Unlock()
	return openedKey{key: plain, aead: aead}, nil
}

// maxCachedKeys is when a cache is swept of expired keys.
const maxCachedKeys = 1024

// sweep drops expired keys once the caches have grown. Call with mu held.
func (e *encryption) sweep(now time.Time) {
	if len(e.send)+len(e.open) < maxCachedKeys {
		return
	}
	for k, dk := range e.send {
		if !now.Before(dk.expires) {
			delete(e.send, k)
		}
	}
	for k, dk := range e.open {
		if !now.Before(dk.expires) {
			delete(e.open, k)
		}
	}
}

// envelope is a sealed body taken apart. Its slices share the body's
// memory: they are read, never written.
type envelope struct {
	kind     byte
	queueARN string // SSE-KMS
	blob     []byte // SSE-KMS
	header   []byte
	sealed   []byte // nonce, ciphertext, tag
}

func isSealed(body string) bool { return len(body) > 0 && body[0] == sealMarker }

var errBadEnvelope = errors.New("sqs: a sealed body does not parse")

func parseEnvelope(body string) (envelope, error) {
	b := stringBytes(body)
	if len(b) < 2 || b[0] != sealMarker {
		return envelope{}, errBadEnvelope
	}
	env := envelope{kind: b[1]}
	rest := b[2:]
	switch env.kind {
	case sealSQS:
	case sealKMS:
		field := func() []byte {
			n, k := binary.Uvarint(rest)
			if k <= 0 || n > uint64(len(rest)-k) {
				return nil
			}
			v := rest[k : k+int(n)]
			rest = rest[k+int(n):]
			return v
		}
		arn, blob := field(), field()
		if arn == nil || blob == nil {
			return envelope{}, errBadEnvelope
		}
		env.queueARN, env.blob = string(arn), blob
	default:
		return envelope{}, errBadEnvelope
	}
	if len(rest) < nonceSize {
		return envelope{}, errBadEnvelope
	}
	env.header = b[:len(b)-len(rest)]
	env.sealed = rest
	return env, nil
}

// openBodies replaces the sealed bodies of received messages by their
// plaintext. The receiver needs kms:Decrypt for SSE-KMS messages; a data
// key it has opened within the reuse period is not asked for again.
func (s *Service) openBodies(ctx context.Context, req *api.Request, q *Queue, got []queue.Received) *api.Error {
	var reuse time.Duration
	for i := range got {
		m := &got[i].Message
		if !isSealed(m.Body) {
			continue
		}
		env, err := parseEnvelope(m.Body)
		if err != nil {
			s.log.Error("a stored message body does not open", "queue", q.ARN, "err", err)
			return api.InternalFailure()
		}
		var aead cipher.AEAD
		switch env.kind {
		case sealSQS:
			if aead, err = s.sse.managedKey(); err != nil {
				s.log.Error("the SSE-SQS key is not available", "err", err)
				return api.InternalFailure()
			}
		case sealKMS:
			if reuse == 0 {
				reuse = q.encryption().reuse
			}
			id := openKeyID{principal: principalID(req), blob: string(env.blob)}
			now := s.sse.now()
			s.sse.mu.Lock()
			dk := s.sse.open[id]
			s.sse.mu.Unlock()
			if dk != nil && now.Before(dk.expires) {
				aead = dk.aead
			} else {
				opened, aerr := s.decryptDataKey(ctx, req, q.Region, env.queueARN, env.blob, reuse)
				if aerr != nil {
					return aerr
				}
				aead = opened.aead
			}
		}
		plain, err := aead.Open(nil, env.sealed[:nonceSize], env.sealed[nonceSize:], env.header)
		if err != nil {
			s.log.Error("a stored message body does not open", "queue", q.ARN, "messageId", m.ID)
			return api.InternalFailure()
		}
		m.Body = bytesString(plain)
	}
	return nil
}

// kmsFailure maps KMS's answer to SQS's error for it, carrying KMS's
// message as SQS does.
func (s *Service) kmsFailure(err error) *api.Error {
	var ae *api.Error
	if !errors.As(err, &ae) {
		s.log.Error("KMS could not be called", "err", err)
		return api.InternalFailure()
	}
	msg := ae.Message
	if msg == "" {
		msg = "null"
	}
	msg += " (Service: AWSKMS; Status Code: 400; Error Code: " + ae.Code + ")"
	switch ae.Code {
	case "AccessDeniedException":
		return errKmsAccessDenied(msg)
	case "DisabledException":
		return errKmsDisabled(msg)
	case "KMSInvalidStateException":
		return errKmsInvalidState(msg)
	case "NotFoundException", "InvalidArnException", "ValidationException":
		return errKmsNotFound(msg)
	case "InvalidKeyUsageException", "UnsupportedOperationException":
		return errKmsInvalidKeyUsage(msg)
	}
	s.log.Error("KMS refused a data key", "code", ae.Code, "message", ae.Message)
	return api.InternalFailure()
}
