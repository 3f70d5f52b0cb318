package sqs

import (
	"context"
	"errors"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/sqs/queue"
)

// Sending, receiving, deleting and changing the visibility of messages.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessage.html

// validBodyRune is the character set SQS accepts in bodies and string
// attribute values: #x9 | #xA | #xD | #x20-#xD7FF | #xE000-#xFFFD | #x10000-#x10FFFF.
func validBodyRune(r rune) bool {
	return r == 0x9 || r == 0xA || r == 0xD || (r >= 0x20 && r <= 0xD7FF) ||
		(r >= 0xE000 && r <= 0xFFFD) || (r >= 0x10000 && r <= 0x10FFFF)
}

func checkCharacters(s string) *api.Error {
	for i := 0; i < len(s); {
		c := s[i]
		if c >= 0x20 && c < 0x80 {
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if (r == utf8.RuneError && size == 1) || !validBodyRune(r) {
			return errInvalidMessageContents("Invalid binary character '#x" + strconv.FormatInt(int64(r), 16) +
				"' was found in the message body, the set of allowed characters is #x9 | #xA | #xD | #x20 to #xD7FF | #xE000 to #xFFFD | #x10000 to #x10FFFF")
		}
		i += size
	}
	return nil
}

func isBinaryType(dataType string) bool {
	return dataType == "Binary" || strings.HasPrefix(dataType, "Binary.")
}

var typePrefixes = []string{"String", "Number", "Binary"}

// validateMessageAttributes checks user attributes and returns the bytes they
// count toward the message size (name, type and value of each).
func validateMessageAttributes(attrs map[string]MessageAttributeValue) (int, *api.Error) {
	if len(attrs) > 10 {
		return 0, api.InvalidParameterValue("Number of message attributes [%d] exceeds the allowed maximum [10].", len(attrs))
	}
	size := 0
	for name, v := range attrs {
		if !api.ValidMessageAttributeName(name) {
			return 0, api.InvalidParameterValue("Message (user) attribute name '%s' is invalid. Only alphanumeric characters, hyphens, underscores and periods are allowed; it must not start or end with a period, contain two periods in a row, or start with AWS. or Amazon.", name)
		}
		if err := validateAttributeValue(name, v); err != nil {
			return 0, err
		}
		size += len(name) + len(v.DataType) + len(v.BinaryValue)
		if v.StringValue != nil {
			size += len(*v.StringValue)
		}
	}
	return size, nil
}

func validateAttributeValue(name string, v MessageAttributeValue) *api.Error {
	if v.DataType == "" {
		return api.InvalidParameterValue("The message attribute '%s' must contain a non-empty message attribute type.", name)
	}
	base, _, _ := strings.Cut(v.DataType, ".")
	known := false
	for _, p := range typePrefixes {
		if base == p {
			known = true
		}
	}
	if !known || len(v.DataType) > 256 {
		return api.InvalidParameterValue("The type of message (user) attribute '%s' is invalid. You must use only the following supported type prefixes: Binary, Number, String.", name)
	}
	if len(v.StringListValues) > 0 || len(v.BinaryListValues) > 0 {
		return api.InvalidParameterValue("Message attribute list values in SendMessage operation are not supported.")
	}
	if base == "Binary" {
		if len(v.BinaryValue) == 0 {
			return api.InvalidParameterValue("The message attribute '%s' must contain a non-empty message attribute value for message attribute type '%s'.", name, v.DataType)
		}
		return nil
	}
	if v.StringValue == nil || *v.StringValue == "" {
		return api.InvalidParameterValue("The message attribute '%s' must contain a non-empty message attribute value for message attribute type '%s'.", name, v.DataType)
	}
	if v.BinaryValue != nil {
		return api.InvalidParameterValue("The message attribute '%s' with type '%s' must use field 'StringValue'.", name, v.DataType)
	}
	if base == "Number" {
		if _, ok := new(big.Float).SetString(strings.TrimSpace(*v.StringValue)); !ok {
			return api.InvalidParameterValue("Can't cast the value of message (user) attribute '%s' to a number.", name)
		}
	}
	if err := checkCharacters(*v.StringValue); err != nil {
		return api.InvalidParameterValue("Message (user) attribute '%s' value contains invalid characters.", name)
	}
	return nil
}

func validateSystemAttributes(attrs map[string]MessageAttributeValue) *api.Error {
	for name, v := range attrs {
		if name != "AWSTraceHeader" {
			return api.InvalidParameterValue("Message system attribute name '%s' is invalid.", name)
		}
		if v.DataType != "String" || v.StringValue == nil || *v.StringValue == "" {
			return api.InvalidParameterValue("Message system attribute '%s' must be of type String with a non-empty value.", name)
		}
	}
	return nil
}

// fifoIDChars: alphanumerics and punctuation, up to 128 characters.
func validFIFOID(s string) bool {
	if s == "" || len(s) > 128 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 0x21 || s[i] > 0x7e {
			return false
		}
	}
	return true
}

// outgoing is one message to send, as SendMessage and each batch entry give it.
type outgoing struct {
	body         *string
	delay        *int
	attrs        map[string]MessageAttributeValue
	systemAttrs  map[string]MessageAttributeValue
	dedupID      *string
	groupID      *string
	countedBytes int
}

// prepare validates one message against the queue and builds what the state
// machine stores.
func (q *Queue) prepare(req *api.Request, o *outgoing) (queue.Message, *time.Duration, *api.Error) {
	if o.body == nil {
		return queue.Message{}, nil, api.MissingParameter("MessageBody")
	}
	if *o.body == "" {
		return queue.Message{}, nil, api.InvalidParameterValue("The request must contain the parameter MessageBody.")
	}
	if err := checkCharacters(*o.body); err != nil {
		return queue.Message{}, nil, err
	}
	attrSize, err := validateMessageAttributes(o.attrs)
	if err != nil {
		return queue.Message{}, nil, err
	}
	if err := validateSystemAttributes(o.systemAttrs); err != nil {
		return queue.Message{}, nil, err
	}
	o.countedBytes = len(*o.body) + attrSize
	if limit := q.maxMessageSize(); o.countedBytes > limit {
		return queue.Message{}, nil, api.InvalidParameterValue("One or more parameters are invalid. Reason: Message must be shorter than %d bytes.", limit)
	}
	var delay *time.Duration
	if o.delay != nil {
		if *o.delay < 0 || *o.delay > 900 {
			return queue.Message{}, nil, api.InvalidParameterValue("Value %d for parameter DelaySeconds is invalid. Reason: DelaySeconds must be >= 0 and <= 900.", *o.delay)
		}
		if q.FIFO {
			return queue.Message{}, nil, api.InvalidParameterValue("Value %d for parameter DelaySeconds is invalid. Reason: The request include parameter that is not valid for this queue type.", *o.delay)
		}
		d := time.Duration(*o.delay) * time.Second
		delay = &d
	}
	m := queue.Message{
		Body:      *o.body,
		MD5OfBody: md5Hex(*o.body),
		SenderID:  req.Principal.UserID,
	}
	if len(o.attrs) > 0 {
		m.Attributes = toEngineAttributes(o.attrs)
		m.MD5OfAttributes = md5OfAttributes(o.attrs)
	}
	if len(o.systemAttrs) > 0 {
		m.SystemAttributes = toEngineAttributes(o.systemAttrs)
		m.MD5OfSystemAttributes = md5OfAttributes(o.systemAttrs)
	}
	if o.groupID != nil {
		if !validFIFOID(*o.groupID) {
			return queue.Message{}, nil, api.InvalidParameterValue("Value %s for parameter MessageGroupId is invalid. Reason: MessageGroupId can only include alphanumeric and punctuation characters. 1 to 128 in length.", *o.groupID)
		}
		m.GroupID = *o.groupID
	}
	if q.FIFO {
		if o.groupID == nil {
			return queue.Message{}, nil, api.MissingParameter("MessageGroupId")
		}
		if o.dedupID != nil {
			if !validFIFOID(*o.dedupID) {
				return queue.Message{}, nil, api.InvalidParameterValue("Value %s for parameter MessageDeduplicationId is invalid. Reason: MessageDeduplicationId can only include alphanumeric and punctuation characters. 1 to 128 in length.", *o.dedupID)
			}
			m.DeduplicationID = *o.dedupID
		} else if v, _ := q.attribute("ContentBasedDeduplication"); v != "true" {
			return queue.Message{}, nil, api.InvalidParameterValue("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
		}
	} else if o.dedupID != nil {
		return queue.Message{}, nil, api.InvalidParameterValue("Value %s for parameter MessageDeduplicationId is invalid. Reason: The request include parameter that is not valid for this queue type.", *o.dedupID)
	}
	return m, delay, nil
}

func toEngineAttributes(in map[string]MessageAttributeValue) map[string]queue.Attribute {
	out := make(map[string]queue.Attribute, len(in))
	for k, v := range in {
		a := queue.Attribute{DataType: v.DataType, BinaryValue: v.BinaryValue}
		if v.StringValue != nil {
			a.StringValue = *v.StringValue
		}
		out[k] = a
	}
	return out
}

func fromEngineAttributes(in map[string]queue.Attribute, want func(string) bool) messageAttributeMap {
	var out messageAttributeMap
	for k, a := range in {
		if !want(k) {
			continue
		}
		if out == nil {
			out = make(messageAttributeMap, len(in))
		}
		v := MessageAttributeValue{DataType: a.DataType}
		if isBinaryType(a.DataType) {
			v.BinaryValue = a.BinaryValue
		} else {
			s := a.StringValue
			v.StringValue = &s
		}
		out[k] = v
	}
	return out
}

// engineError maps the state machine's errors to SQS's.
func engineError(err error, handle string) *api.Error {
	switch {
	case errors.Is(err, queue.ErrMessageGone):
		return api.InvalidParameterValue("Value %s for parameter ReceiptHandle is invalid. Reason: Message does not exist or is not available for visibility timeout change.", handle)
	case errors.Is(err, queue.ErrReceiptHandleExpired):
		return api.InvalidParameterValue("Value %s for parameter ReceiptHandle is invalid. Reason: The receipt handle has expired.", handle)
	case errors.Is(err, queue.ErrInvalidReceiptHandle):
		return errReceiptHandleIsInvalid(handle)
	case errors.Is(err, queue.ErrMessageNotInflight):
		return errMessageNotInflight()
	case errors.Is(err, queue.ErrQueueDeleted):
		return errQueueDoesNotExist()
	case errors.Is(err, queue.ErrMissingGroupID):
		return api.MissingParameter("MessageGroupId")
	case errors.Is(err, queue.ErrMissingDeduplicationID):
		return api.InvalidParameterValue("The queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
	}
	return api.InternalFailure()
}

// sendResult answers a send of m. The digests are always m's: for a FIFO
// duplicate the engine returns the original message, and AWS answers with its
// MessageId and SequenceNumber but with the digests of this request, which
// the SDKs check against what they sent.
func sendResult(m *queue.Message, stored queue.Message) sendMessageOutput {
	return sendMessageOutput{
		MD5OfMessageBody:             m.MD5OfBody,
		MD5OfMessageAttributes:       m.MD5OfAttributes,
		MD5OfMessageSystemAttributes: m.MD5OfSystemAttributes,
		MessageID:                    stored.ID,
		SequenceNumber:               stored.SequenceNumber,
	}
}

func (s *Service) sendMessage(ctx context.Context, req *api.Request, in *SendMessageInput) (*sendMessageOutput, error) {
	q, err := s.queueFromURL(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	m, delay, perr := q.prepare(req, &outgoing{
		body: in.MessageBody, delay: in.DelaySeconds, attrs: in.MessageAttributes,
		systemAttrs: in.MessageSystemAttributes, dedupID: in.MessageDeduplicationID, groupID: in.MessageGroupID,
	})
	if perr != nil {
		return nil, perr
	}
	sl, kerr := s.sealerFor(ctx, req, q)
	if kerr != nil {
		return nil, kerr
	}
	sl.seal(q, &m)
	stored, _, serr := q.engine.Send(&m, delay)
	if serr != nil {
		return nil, engineError(serr, "")
	}
	if err := s.durable(req); err != nil {
		return nil, err
	}
	out := sendResult(&m, stored)
	return &out, nil
}

// systemAttributeNames are what ReceiveMessage's AttributeNames may ask for.
var systemAttributeNames = map[string]bool{
	"All": true, "SenderId": true, "SentTimestamp": true, "ApproximateReceiveCount": true,
	"ApproximateFirstReceiveTimestamp": true, "SequenceNumber": true, "MessageDeduplicationId": true,
	"MessageGroupId": true, "AWSTraceHeader": true, "DeadLetterQueueSourceArn": true,
}

func millis(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }

// systemAttributes renders the attributes a receive asked for.
func systemAttributes(m *queue.Message, want map[string]bool) attributeMap {
	if len(want) == 0 {
		return nil
	}
	all := want["All"]
	out := attributeMap{}
	add := func(name, value string) {
		if value != "" && (all || want[name]) {
			out[name] = value
		}
	}
	add("SenderId", m.SenderID)
	add("SentTimestamp", millis(m.SentAt))
	add("ApproximateReceiveCount", strconv.Itoa(m.ReceiveCount))
	if !m.FirstReceiveAt.IsZero() {
		add("ApproximateFirstReceiveTimestamp", millis(m.FirstReceiveAt))
	}
	add("SequenceNumber", m.SequenceNumber)
	add("MessageDeduplicationId", m.DeduplicationID)
	add("MessageGroupId", m.GroupID)
	add("DeadLetterQueueSourceArn", m.DeadLetterSourceARN)
	if t, ok := m.SystemAttributes["AWSTraceHeader"]; ok {
		add("AWSTraceHeader", t.StringValue)
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// attributeFilter matches MessageAttributeNames: "All", ".*", "prefix.*" or exact names.
func attributeFilter(names []string) func(string) bool {
	if len(names) == 0 {
		return nil
	}
	var prefixes []string
	exact := map[string]bool{}
	for _, n := range names {
		if n == "All" || n == ".*" {
			return func(string) bool { return true }
		}
		if p, ok := strings.CutSuffix(n, ".*"); ok {
			prefixes = append(prefixes, p+".")
			continue
		}
		exact[n] = true
	}
	return func(name string) bool {
		if exact[name] {
			return true
		}
		for _, p := range prefixes {
			if strings.HasPrefix(name, p) {
				return true
			}
		}
		return false
	}
}

func (s *Service) receiveMessage(ctx context.Context, req *api.Request, in *receiveMessageInput) (*receiveMessageOutput, error) {
	q, err := s.queueFromURL(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	ri := queue.ReceiveInput{Max: 1}
	if in.MaxNumberOfMessages != nil {
		if n := *in.MaxNumberOfMessages; n < 1 || n > 10 {
			return nil, api.InvalidParameterValue("Value %d for parameter MaxNumberOfMessages is invalid. Reason: Must be between 1 and 10, if provided.", n)
		}
		ri.Max = *in.MaxNumberOfMessages
	}
	if in.WaitTimeSeconds != nil {
		if n := *in.WaitTimeSeconds; n < 0 || n > 20 {
			return nil, api.InvalidParameterValue("Value %d for parameter WaitTimeSeconds is invalid. Reason: Must be >= 0 and <= 20, if provided.", n)
		}
		ri.Wait = time.Duration(*in.WaitTimeSeconds) * time.Second
	} else {
		v, _ := q.attribute("ReceiveMessageWaitTimeSeconds")
		n, _ := strconv.Atoi(v)
		ri.Wait = time.Duration(n) * time.Second
	}
	if in.VisibilityTimeout != nil {
		if n := *in.VisibilityTimeout; n < 0 || n > 43200 {
			return nil, api.InvalidParameterValue("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.", n)
		}
		d := time.Duration(*in.VisibilityTimeout) * time.Second
		ri.VisibilityTimeout = &d
	}
	if in.ReceiveRequestAttemptID != "" {
		if !validFIFOID(in.ReceiveRequestAttemptID) {
			return nil, api.InvalidParameterValue("Value %s for parameter ReceiveRequestAttemptId is invalid. Reason: ReceiveRequestAttemptId can only include alphanumeric and punctuation characters. 1 to 128 in length.", in.ReceiveRequestAttemptID)
		}
		ri.AttemptID = in.ReceiveRequestAttemptID
	}
	var want map[string]bool
	for _, list := range [][]string{in.AttributeNames, in.MessageSystemAttributeNames} {
		for _, n := range list {
			if !systemAttributeNames[n] {
				if _, isQueueAttr := settableAttributes[n]; isQueueAttr || readOnlyAttributes[n] {
					continue // legacy clients pass queue attribute names here; AWS ignores them
				}
				return nil, errInvalidAttributeName(n)
			}
			if want == nil {
				want = map[string]bool{}
			}
			want[n] = true
		}
	}
	filter := attributeFilter(in.MessageAttributeNames)

	got, rerr := q.engine.Receive(ctx, ri)
	if rerr != nil {
		if errors.Is(rerr, queue.ErrQueueDeleted) {
			return nil, errQueueDoesNotExist()
		}
		if ctx.Err() != nil {
			// The caller went away or ferry is shutting down: an empty
			// receive is the honest answer.
			return &receiveMessageOutput{}, nil
		}
		return nil, engineError(rerr, "")
	}
	if err := s.durable(req); err != nil {
		return nil, err
	}
	if err := s.openBodies(ctx, req, q, got); err != nil {
		// The receiver may not open them: they are visible again at once
		// for a consumer that may (their receive counts stand, as in AWS).
		for i := range got {
			_ = q.engine.ChangeVisibility(got[i].ReceiptHandle, 0)
		}
		return nil, err
	}
	out := &receiveMessageOutput{Messages: make([]message, 0, len(got))}
	for i := range got {
		m := &got[i].Message
		msg := message{
			MessageID:     m.ID,
			ReceiptHandle: got[i].ReceiptHandle,
			MD5OfBody:     m.MD5OfBody,
			Body:          m.Body,
			Attributes:    systemAttributes(m, want),
		}
		if filter != nil && len(m.Attributes) > 0 {
			msg.MessageAttributes = fromEngineAttributes(m.Attributes, filter)
			switch n := len(msg.MessageAttributes); {
			case n == len(m.Attributes):
				msg.MD5OfMessageAttributes = m.MD5OfAttributes
			case n > 0:
				msg.MD5OfMessageAttributes = md5OfAttributes(msg.MessageAttributes)
			}
		}
		out.Messages = append(out.Messages, msg)
	}
	return out, nil
}

func (s *Service) deleteMessage(_ context.Context, req *api.Request, in *deleteMessageInput) (*struct{}, error) {
	q, err := s.queueFromURL(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	if in.ReceiptHandle == "" {
		return nil, api.MissingParameter("ReceiptHandle")
	}
	if err := q.engine.Delete(in.ReceiptHandle); err != nil {
		return nil, engineError(err, in.ReceiptHandle)
	}
	return nil, s.durable(req)
}

func checkVisibilityTimeout(v *int) (time.Duration, *api.Error) {
	if v == nil {
		return 0, api.MissingParameter("VisibilityTimeout")
	}
	if *v < 0 || *v > 43200 {
		return 0, api.InvalidParameterValue("Value %d for parameter VisibilityTimeout is invalid. Reason: Must be between 0 and 43200, if provided.", *v)
	}
	return time.Duration(*v) * time.Second, nil
}

func (s *Service) changeMessageVisibility(_ context.Context, req *api.Request, in *changeMessageVisibilityInput) (*struct{}, error) {
	q, err := s.queueFromURL(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	if in.ReceiptHandle == "" {
		return nil, api.MissingParameter("ReceiptHandle")
	}
	d, verr := checkVisibilityTimeout(in.VisibilityTimeout)
	if verr != nil {
		return nil, verr
	}
	if err := q.engine.ChangeVisibility(in.ReceiptHandle, d); err != nil {
		return nil, engineError(err, in.ReceiptHandle)
	}
	return nil, s.durable(req)
}
