package sns

import (
	"context"
	"errors"
	"strings"
	"sync"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/kms"
)

// Server-side encryption of topics (DESIGN §5): a topic with KmsMasterKeyId
// needs its publisher to be allowed kms:GenerateDataKey and kms:Decrypt on
// the key, through sns.<region>.amazonaws.com (kms:ViaService) with the
// encryption context aws:sns:topicArn, else Publish fails with KMS's
// answer (KMSAccessDenied, KMSDisabled, …). SNS reuses a data key for five
// minutes; ferry keeps one per topic, key and publisher, so a publisher
// asks KMS once in five minutes and keeps publishing meanwhile even if its
// permission or the key changes, as in AWS.
// https://docs.aws.amazon.com/sns/latest/dg/sns-server-side-encryption.html
// https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html
//
// The data key seals nothing here: a topic's messages are at rest only as
// pending records with a durable store, sealed under the store's own key
// (pending.go) so that a restart finishes them without KMS; what SNS
// delivers into an encrypted queue is sealed by SQS under the queue's key,
// asked for as sns.amazonaws.com.

const dataKeyReuse = 5 * time.Minute

type dataKeyID struct{ topicARN, keyRef, principal string }

// dataKeys remembers which publishers hold a data key for which topic, and
// until when.
type dataKeys struct {
	mu      sync.Mutex
	expires map[dataKeyID]time.Time
}

func (d *dataKeys) valid(id dataKeyID, now time.Time) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	exp, ok := d.expires[id]
	return ok && now.Before(exp)
}

func (d *dataKeys) put(id dataKeyID, exp time.Time, now time.Time) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.expires == nil {
		d.expires = map[dataKeyID]time.Time{}
	}
	if len(d.expires) >= 1024 {
		for k, e := range d.expires {
			if !now.Before(e) {
				delete(d.expires, k)
			}
		}
	}
	d.expires[id] = exp
}

func (d *dataKeys) reset() {
	d.mu.Lock()
	d.expires = nil
	d.mu.Unlock()
}

// checkDataKey makes sure req's principal may publish to the encrypted
// topic t: nothing to do for a topic without KmsMasterKeyId.
func (s *Service) checkDataKey(ctx context.Context, req *api.Request, t *Topic) *api.Error {
	ref := t.attribute("KmsMasterKeyId")
	if ref == "" {
		return nil
	}
	principal := req.Principal.ARN
	if req.Principal.Type == api.PrincipalService {
		principal = req.Principal.Service + "|" + req.SourceARN
	}
	id := dataKeyID{topicARN: t.ARN, keyRef: ref, principal: principal}
	now := s.now()
	if s.keys.valid(id, now) {
		return nil
	}
	if s.invoker == nil {
		s.log.Error("an encrypted topic, but SNS has no way to reach KMS", "topic", t.ARN)
		return api.InternalFailure()
	}
	if !strings.HasPrefix(ref, "arn:") {
		// A key id or alias names a key of the topic's account.
		prefix := "arn:aws:kms:" + t.Region + ":" + t.Account + ":"
		if strings.HasPrefix(ref, "alias/") {
			ref = prefix + ref
		} else {
			ref = prefix + "key/" + ref
		}
	}
	call := api.Call{
		Service: "kms", Action: "GenerateDataKey", Region: t.Region, Principal: req.Principal,
		SourceARN: req.SourceARN, SourceAccount: req.SourceAccount, ViaService: "sns." + t.Region + ".amazonaws.com",
		RequestID: req.ID, Resource: t.ARN,
	}
	ec := map[string]string{"aws:sns:topicArn": t.ARN}
	call.Input = &kms.GenerateDataKeyInput{KeyId: ref, KeySpec: "AES_256", EncryptionContext: ec}
	out, err := s.invoker.Invoke(ctx, &call)
	if err != nil {
		return s.kmsFailure(err)
	}
	// As SNS does, the new data key is decrypted before it is used: the
	// publisher needs kms:Decrypt too.
	call.Action = "Decrypt"
	call.Input = &kms.DecryptInput{CiphertextBlob: out.(*kms.GenerateDataKeyOutput).CiphertextBlob, EncryptionContext: ec}
	if _, err := s.invoker.Invoke(ctx, &call); err != nil {
		return s.kmsFailure(err)
	}
	s.keys.put(id, now.Add(dataKeyReuse), now)
	return nil
}

// kmsFailure maps KMS's answer to Publish's error for it, with KMS's
// message.
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
		return errKMSAccessDenied(msg)
	case "DisabledException":
		return errKMSDisabled(msg)
	case "KMSInvalidStateException":
		return errKMSInvalidState(msg)
	case "NotFoundException", "InvalidArnException", "ValidationException":
		return errKMSNotFound(msg)
	}
	s.log.Error("KMS refused a data key", "code", ae.Code, "message", ae.Message)
	return api.InternalFailure()
}
