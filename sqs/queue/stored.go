package queue

import (
	"encoding/hex"
	"time"

	"github.com/ferry-emulator/ferry/internal/uuid"
)

// stored is a Message as a queue keeps it. A queue may hold millions of
// messages, and a growing queue's memory is what a send costs beyond its
// request: so the fields every message has sit inline, the id and the body's
// digest in their 16-byte binary form (rebuilt as text when the message is
// read), the times as Unix nanoseconds, and the fields most messages lack
// behind one pointer. That is about a third of the memory of a Message plus
// its strings, and two objects fewer for the collector to trace.
type stored struct {
	id             [16]byte // when packed&packedID
	md5OfBody      [16]byte // when packed&packedMD5
	body           string
	senderID       string
	sentAt         int64 // Unix nanoseconds; 0 for the zero time
	firstReceiveAt int64
	receiveCount   int32
	packed         uint8
	rare           *rareFields // nil when all of its fields are empty
}

const (
	packedID  = 1 << iota // id holds a canonical lowercase UUID
	packedMD5             // md5OfBody holds 32 lowercase hex digits
)

// rareFields are the parts of a message that standard queues seldom use,
// and the id and digest when they are not in the usual form.
type rareFields struct {
	id, md5OfBody         string
	attributes            map[string]Attribute
	md5OfAttributes       string
	systemAttributes      map[string]Attribute
	md5OfSystemAttributes string
	groupID               string
	deduplicationID       string
	sequenceNumber        string
	deadLetterSourceARN   string

	// group is the FIFO message group the queue files the entry in; every
	// FIFO message has rare fields (its group id), so the pointer costs
	// standard messages nothing here.
	group *group
}

func (r *rareFields) empty() bool {
	return r.id == "" && r.md5OfBody == "" && r.attributes == nil && r.md5OfAttributes == "" &&
		r.systemAttributes == nil && r.md5OfSystemAttributes == "" && r.groupID == "" &&
		r.deduplicationID == "" && r.sequenceNumber == "" && r.deadLetterSourceARN == "" && r.group == nil
}

func store(m *Message) stored {
	s := stored{
		body:           m.Body,
		senderID:       m.SenderID,
		sentAt:         unixNano(m.SentAt),
		firstReceiveAt: unixNano(m.FirstReceiveAt),
		receiveCount:   int32(m.ReceiveCount),
	}
	r := rareFields{
		attributes:            m.Attributes,
		md5OfAttributes:       m.MD5OfAttributes,
		systemAttributes:      m.SystemAttributes,
		md5OfSystemAttributes: m.MD5OfSystemAttributes,
		groupID:               m.GroupID,
		deduplicationID:       m.DeduplicationID,
		sequenceNumber:        m.SequenceNumber,
		deadLetterSourceARN:   m.DeadLetterSourceARN,
	}
	if uuid.Parse(&s.id, m.ID) {
		s.packed |= packedID
	} else {
		r.id = m.ID
	}
	if parseMD5(&s.md5OfBody, m.MD5OfBody) {
		s.packed |= packedMD5
	} else {
		r.md5OfBody = m.MD5OfBody
	}
	if !r.empty() {
		kept := r // declared here, so that only messages with rare fields allocate
		s.rare = &kept
	}
	return s
}

// message rebuilds the Message s was made from.
func (s *stored) message() Message {
	m := Message{
		Body:           s.body,
		SenderID:       s.senderID,
		SentAt:         fromUnixNano(s.sentAt),
		FirstReceiveAt: fromUnixNano(s.firstReceiveAt),
		ReceiveCount:   int(s.receiveCount),
	}
	if r := s.rare; r != nil {
		m.ID, m.MD5OfBody = r.id, r.md5OfBody
		m.Attributes, m.MD5OfAttributes = r.attributes, r.md5OfAttributes
		m.SystemAttributes, m.MD5OfSystemAttributes = r.systemAttributes, r.md5OfSystemAttributes
		m.GroupID, m.DeduplicationID, m.SequenceNumber = r.groupID, r.deduplicationID, r.sequenceNumber
		m.DeadLetterSourceARN = r.deadLetterSourceARN
	}
	if s.packed&packedID != 0 {
		m.ID = uuid.Format(&s.id)
	}
	if s.packed&packedMD5 != 0 {
		m.MD5OfBody = hex.EncodeToString(s.md5OfBody[:])
	}
	return m
}

func unixNano(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.UnixNano()
}

func fromUnixNano(n int64) time.Time {
	if n == 0 {
		return time.Time{}
	}
	return time.Unix(0, n)
}

// parseMD5 reads a digest written as 32 lowercase hex digits, the form
// hex.EncodeToString gives back.
func parseMD5(dst *[16]byte, s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; ('0' > c || c > '9') && ('a' > c || c > 'f') {
			return false
		}
	}
	var digits [32]byte
	copy(digits[:], s)
	_, err := hex.Decode(dst[:], digits[:])
	return err == nil
}
