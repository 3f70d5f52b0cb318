package sns

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/internal/uuid"
)

// message is one published message on its way to the subscribers.
type message struct {
	id         string
	topic      *Topic
	subject    *string
	body       string            // the default message
	byProtocol map[string]string // MessageStructure=json: per-protocol texts
	attrs      map[string]MessageAttributeValue
	timestamp  time.Time
	groupID    string
	dedupID    string
	seq        string
	host       string // for the URLs in the envelope
	scheme     string
	requestID  string

	sigMu sync.Mutex
	sigs  map[string]string // signature by (type, text): one RSA signature serves every subscriber

	pending []byte // its sns.pending key while held (durable stores only)
}

// text is what a protocol's subscribers receive.
func (m *message) text(protocol string) string {
	if t, ok := m.byProtocol[protocol]; ok {
		return t
	}
	return m.body
}

// publishFields are what Publish and each PublishBatch entry carry.
type publishFields struct {
	message          *string
	subject          *string
	structure        string
	attrs            map[string]MessageAttributeValue
	dedupID, groupID *string
}

// prepare validates one message for a topic.
// https://docs.aws.amazon.com/sns/latest/api/API_Publish.html
func (s *Service) prepare(req *api.Request, t *Topic, f publishFields) (*message, *api.Error) {
	if f.message == nil || *f.message == "" {
		return nil, errInvalidParameter("Empty message")
	}
	m := &message{id: uuid.New(), topic: t, body: *f.message, attrs: f.attrs, timestamp: s.now().UTC(),
		host: s.hostFor(req), scheme: req.Scheme, requestID: req.ID}
	if m.scheme == "" {
		m.scheme = "http"
	}
	if f.subject != nil {
		if !validSubject(*f.subject) {
			return nil, errInvalidParameter("Subject")
		}
		m.subject = f.subject
	}
	switch f.structure {
	case "":
	case "json":
		var texts map[string]any
		if err := json.Unmarshal([]byte(*f.message), &texts); err != nil {
			return nil, errInvalidParameter("Message Structure - JSON message body failed to parse")
		}
		def, ok := texts["default"].(string)
		if !ok {
			return nil, errInvalidParameter("Message Structure - No default entry in JSON message body")
		}
		m.body = def
		m.byProtocol = map[string]string{}
		for k, v := range texts {
			str, ok := v.(string)
			if !ok {
				return nil, errInvalidParameter("Message Structure - Value for " + k + " must be a JSON string")
			}
			m.byProtocol[k] = str
		}
	default:
		return nil, errInvalidParameter("MessageStructure")
	}
	size := len(*f.message)
	for name, v := range f.attrs {
		n, err := validateAttribute(name, v)
		if err != nil {
			return nil, err
		}
		size += n
	}
	if !utf8.ValidString(*f.message) {
		return nil, errInvalidParameter("Message Reason: the message must be UTF-8 encoded")
	}
	if size > t.maxMessageSize() {
		return nil, errInvalidParameter("Message too long")
	}
	if !t.FIFO {
		if f.groupID != nil {
			return nil, errInvalidParameter("MessageGroupId Reason: The request includes MessageGroupId parameter that is not valid for this topic type")
		}
		if f.dedupID != nil {
			return nil, errInvalidParameter("MessageDeduplicationId Reason: The request includes MessageDeduplicationId parameter that is not valid for this topic type")
		}
		return m, nil
	}
	if f.groupID == nil || *f.groupID == "" {
		return nil, errInvalidParameter("The MessageGroupId parameter is required for FIFO topics")
	}
	if !validFIFOID(*f.groupID) {
		return nil, errInvalidParameter("MessageGroupId Reason: MessageGroupId can be up to 128 characters of letters, digits and punctuation")
	}
	m.groupID = *f.groupID
	switch {
	case f.dedupID != nil:
		if !validFIFOID(*f.dedupID) {
			return nil, errInvalidParameter("MessageDeduplicationId Reason: MessageDeduplicationId can be up to 128 characters of letters, digits and punctuation")
		}
		m.dedupID = *f.dedupID
	case t.attribute("ContentBasedDeduplication") == "true":
		sum := sha256.Sum256([]byte(*f.message))
		m.dedupID = hex.EncodeToString(sum[:])
	default:
		return nil, errInvalidParameter("The topic should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
	}
	return m, nil
}

// validSubject: ASCII text, no line breaks or control characters, fewer
// than 100 characters, beginning with a letter, number or punctuation mark.
func validSubject(s string) bool {
	if s == "" || len(s) >= 100 || s[0] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// validFIFOID: 1–128 of a-z, A-Z, 0-9 and punctuation !"#$%&'()*+,-./:;<=>?@[\]^_`{|}~.
func validFIFOID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] <= 0x20 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// validateAttribute checks one message attribute and returns the bytes it
// counts toward the message size (name, type and value).
// https://docs.aws.amazon.com/sns/latest/dg/sns-message-attributes.html
func validateAttribute(name string, v MessageAttributeValue) (int, *api.Error) {
	if !api.ValidMessageAttributeName(name) {
		return 0, errInvalidParameterValue("The message attribute name '" + name + "' is invalid. Names may contain letters, digits, hyphens, underscores and periods, must not start or end with a period or contain two in a row, must not start with AWS. or Amazon., and must be at most 256 characters.")
	}
	if v.DataType == "" {
		return 0, errInvalidParameterValue("The message attribute '" + name + "' must contain non-empty message attribute type.")
	}
	base, _, _ := strings.Cut(v.DataType, ".")
	if v.DataType == "String.Array" {
		base = "String.Array"
	}
	size := len(name) + len(v.DataType)
	switch base {
	case "String", "Number", "String.Array":
		if v.StringValue == nil || *v.StringValue == "" {
			return 0, errInvalidParameterValue("The message attribute '" + name + "' must contain non-empty message attribute value for message attribute type '" + base + "'.")
		}
		size += len(*v.StringValue)
		switch base {
		case "Number":
			if _, err := strconv.ParseFloat(*v.StringValue, 64); err != nil {
				return 0, errInvalidParameterValue("Could not cast message attribute '" + name + "' value to number.")
			}
		case "String.Array":
			var arr []any
			if err := json.Unmarshal([]byte(*v.StringValue), &arr); err != nil {
				return 0, errInvalidParameterValue("The message attribute '" + name + "' with type 'String.Array' has an invalid value: " + *v.StringValue + ". It must be a JSON array of strings, numbers, true, false or null.")
			}
			for _, e := range arr {
				switch e.(type) {
				case string, float64, bool, nil:
				default:
					return 0, errInvalidParameterValue("The message attribute '" + name + "' with type 'String.Array' has an invalid value: " + *v.StringValue + ". It must be a JSON array of strings, numbers, true, false or null.")
				}
			}
		}
	case "Binary":
		if len(v.BinaryValue) == 0 {
			return 0, errInvalidParameterValue("The message attribute '" + name + "' must contain non-empty message attribute value for message attribute type 'Binary'.")
		}
		size += len(v.BinaryValue)
	default:
		return 0, errInvalidParameterValue("The message attribute '" + name + "' has an invalid message attribute type, the set of supported type prefixes is Binary, Number, and String.")
	}
	return size, nil
}

func (s *Service) publish(ctx context.Context, req *api.Request, in *PublishInput) (*publishOutput, error) {
	arn := in.TopicArn
	if arn == "" {
		arn = in.TargetArn
	}
	t, err := s.resolvedTopic(req, arn)
	if err != nil {
		return nil, err
	}
	m, perr := s.prepare(req, t, publishFields{message: in.Message, subject: in.Subject, structure: in.MessageStructure,
		attrs: in.MessageAttributes, dedupID: in.MessageDeduplicationID, groupID: in.MessageGroupID})
	if perr != nil {
		return nil, perr
	}
	if err := s.checkDataKey(ctx, req, t); err != nil {
		return nil, err
	}
	if err := s.send(ctx, m); err != nil {
		s.log.Error("a published message could not be made durable", "topic", t.ARN, "err", err)
		return nil, api.InternalFailure()
	}
	return &publishOutput{MessageId: m.id, SequenceNumber: m.seq}, nil
}

// send hands an accepted message to its subscribers. A standard topic's
// fan-out happens after the response, so that publishing costs the same
// whatever the number of subscribers; a FIFO topic delivers before it
// answers, in the order messages were accepted, so that each group keeps
// its order in every queue.
func (s *Service) send(ctx context.Context, m *message) error {
	t := m.topic
	subs := t.subscriptions()
	if !t.FIFO {
		if len(subs) > 0 {
			if err := s.hold(m); err != nil {
				return err
			}
		}
		t.stats.Published.Add(1)
		s.presign(m, subs)
		s.deliver.publish(m, subs)
		return nil
	}
	t.fifoMu.Lock()
	defer t.fifoMu.Unlock()
	if id, seq, dup := t.dedup.seen(m, s.now()); dup {
		// A duplicate within five minutes is accepted and not delivered again.
		// https://docs.aws.amazon.com/sns/latest/dg/fifo-message-dedup.html
		m.id, m.seq = id, seq
		return nil
	}
	if len(subs) > 0 {
		if err := s.hold(m); err != nil {
			return err
		}
	}
	t.stats.Published.Add(1)
	s.deliver.now(ctx, m, subs)
	return nil
}

// presign signs a message for its enveloped subscribers before Publish
// answers, in the request's own goroutine: signing is the costliest part
// of a delivery, and done here it runs on every core the requests do,
// and the message is ready to go the moment a worker takes it.
func (s *Service) presign(m *message, subs []*Subscription) {
	done := ""
	for _, sub := range subs {
		cfg := sub.config()
		if cfg.pending || cfg.raw || sub.Protocol == done {
			continue
		}
		if _, err := s.notification(m, sub); err != nil {
			return // the delivery will report it
		}
		if m.byProtocol == nil {
			return // one text for every protocol: one signature
		}
		done = sub.Protocol
	}
}

func (s *Service) publishBatch(ctx context.Context, req *api.Request, in *publishBatchInput) (*publishBatchOutput, error) {
	entries := in.PublishBatchRequestEntries
	switch {
	case len(entries) == 0:
		return nil, errEmptyBatchRequest()
	case len(entries) > 10:
		return nil, errTooManyEntries()
	}
	seen := map[string]bool{}
	total := 0
	for _, e := range entries {
		if !validBatchID(e.ID) {
			return nil, errInvalidBatchEntryID()
		}
		if seen[e.ID] {
			return nil, errBatchEntryIdsNotDistinct()
		}
		seen[e.ID] = true
		if e.Message != nil {
			total += len(*e.Message)
		}
		for name, v := range e.MessageAttributes {
			total += len(name) + len(v.DataType) + len(v.BinaryValue)
			if v.StringValue != nil {
				total += len(*v.StringValue)
			}
		}
	}
	t, err := s.resolvedTopic(req, in.TopicArn)
	if err != nil {
		return nil, err
	}
	if total > t.maxMessageSize() {
		return nil, errBatchRequestTooLong()
	}
	if err := s.checkDataKey(ctx, req, t); err != nil {
		return nil, err
	}
	out := &publishBatchOutput{Successful: members[batchSuccess]{}, Failed: members[batchFailure]{}}
	for _, e := range entries {
		m, perr := s.prepare(req, t, publishFields{message: e.Message, subject: e.Subject, structure: e.MessageStructure,
			attrs: e.MessageAttributes, dedupID: e.MessageDeduplicationID, groupID: e.MessageGroupID})
		if perr != nil {
			out.Failed = append(out.Failed, batchFailure{Id: e.ID, Code: perr.Code, Message: perr.Message, SenderFault: true})
			continue
		}
		if err := s.send(ctx, m); err != nil {
			s.log.Error("a published message could not be made durable", "topic", t.ARN, "err", err)
			out.Failed = append(out.Failed, batchFailure{Id: e.ID, Code: "InternalError", Message: "The message could not be stored.", SenderFault: false})
			continue
		}
		out.Successful = append(out.Successful, batchSuccess{Id: e.ID, MessageId: m.id, SequenceNumber: m.seq})
	}
	return out, nil
}

func validBatchID(id string) bool {
	if id == "" || len(id) > 80 {
		return false
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// binaryString renders a binary attribute as the envelope carries it.
func binaryString(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
