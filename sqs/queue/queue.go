package queue

import (
	"crypto/rand"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// Errors returned by Queue methods. The sqs package maps them to AWS error codes.
var (
	// ErrMissingGroupID: a FIFO queue needs MessageGroupId on every message.
	ErrMissingGroupID = errors.New("queue: the request must contain the parameter MessageGroupId")
	// ErrMissingDeduplicationID: a FIFO queue without ContentBasedDeduplication
	// needs MessageDeduplicationId on every message.
	ErrMissingDeduplicationID = errors.New("queue: the queue should either have ContentBasedDeduplication enabled or MessageDeduplicationId provided explicitly")
	// ErrInvalidReceiptHandle: the handle is malformed, was issued by another
	// queue, or (ChangeVisibility) its message no longer exists or was received
	// again since.
	ErrInvalidReceiptHandle = errors.New("queue: the receipt handle is invalid")
	// ErrReceiptHandleExpired is an ErrInvalidReceiptHandle: on a FIFO queue, the
	// handle's visibility timeout ended (or the message was received again).
	ErrReceiptHandleExpired = fmt.Errorf("%w: the receipt handle has expired", ErrInvalidReceiptHandle)
	// ErrMessageGone is an ErrInvalidReceiptHandle: ChangeVisibility with a
	// handle this queue issued for a message that no longer exists.
	ErrMessageGone = fmt.Errorf("%w: the message no longer exists", ErrInvalidReceiptHandle)
	// ErrMessageNotInflight: ChangeVisibility on a message that is not in flight.
	ErrMessageNotInflight = errors.New("queue: the message is not in flight")
	// ErrQueueDeleted: the queue was closed.
	ErrQueueDeleted = errors.New("queue: the queue has been deleted")
)

// dedupWindow is how long a FIFO deduplication id suppresses duplicates, and
// attemptWindow how long a ReceiveRequestAttemptId can be retried: both
// 5 minutes (API_SendMessage, MessageDeduplicationId; API_ReceiveMessage,
// ReceiveRequestAttemptId).
const (
	dedupWindow   = 5 * time.Minute
	attemptWindow = 5 * time.Minute
)

// Settings are the queue attributes that drive behaviour. The caller validates
// ranges and applies defaults.
type Settings struct {
	// FIFO is fixed when the queue is created; SetSettings keeps the old value.
	FIFO              bool
	VisibilityTimeout time.Duration // default for Receive
	Delay             time.Duration // DelaySeconds
	// RetentionPeriod is MessageRetentionPeriod, counted from the enqueue time;
	// zero or less keeps messages forever.
	RetentionPeriod           time.Duration
	ContentBasedDeduplication bool
	DedupPerMessageGroup      bool // DeduplicationScope=messageGroup
	// Redrive: when MaxReceiveCount > 0 and DeadLetter != nil, a message already
	// received MaxReceiveCount times is moved to DeadLetter at the next receive
	// that would return it, instead of being delivered.
	MaxReceiveCount int
	DeadLetter      *Queue
}

// Attribute is one message attribute value.
type Attribute struct {
	DataType    string
	StringValue string
	BinaryValue []byte
}

// Message is a message as stored. A Queue takes the attribute maps it is
// given as they are and hands the same maps out in every snapshot: callers
// must treat them as read-only.
type Message struct {
	ID                    string // assigned by Send if empty (random UUID v4)
	Body                  string
	MD5OfBody             string // filled by the caller
	Attributes            map[string]Attribute
	MD5OfAttributes       string               // filled by the caller ("" if none)
	SystemAttributes      map[string]Attribute // AWSTraceHeader
	MD5OfSystemAttributes string
	SenderID              string
	SentAt                time.Time // assigned by Send
	GroupID               string    // FIFO; also allowed on standard queues
	DeduplicationID       string    // FIFO; the SHA-256 of the body with content-based deduplication
	SequenceNumber        string    // FIFO, assigned by Send: 20 decimal digits, increasing per queue
	ReceiveCount          int
	FirstReceiveAt        time.Time
	DeadLetterSourceARN   string // set when moved to a dead-letter queue
}

// Counts are ApproximateNumberOfMessages, …NotVisible and …Delayed (exact here).
type Counts struct{ Visible, InFlight, Delayed int }

// Queue is one SQS queue. Its methods are safe for concurrent use.
type Queue struct {
	arn  string
	fifo bool
	// tag identifies this queue's receipt handles; random, so that handles of a
	// deleted queue are not accepted by a new queue of the same name.
	tag [handleTagLen]byte
	// deleted mirrors closed for other queues, which must not take q.mu while
	// holding their own lock (a source checks whether its DLQ still exists).
	deleted atomic.Bool

	mu       sync.Mutex
	settings Settings
	closed   bool
	journal  Journal // nil: the messages live in memory only

	entries   entryIndex
	lastKey   uint64 // keys are never reused
	lastNonce uint64 // one per delivery; part of the receipt handle
	lastSeq   uint64 // FIFO sequence numbers
	counts    Counts

	ready       entryList         // standard: visible messages, in the order they became visible
	groups      map[string]*group // FIFO: message groups with at least one message
	readyGroups groupList         // FIFO: groups a receive may take from
	timed       timedHeap         // delayed and in-flight messages, by due
	age         ageHeap           // every message, by enqueuedAt (retention)
	dedup       map[string]*dedupRecord
	dedupOrder  fifoOf[*dedupRecord]
	attempts    map[string]*attemptRecord
	attemptList fifoOf[*attemptRecord]

	// Long polling: receivers that found nothing wait on notify, which is closed
	// (and replaced on demand) when something becomes receivable. The timer
	// is armed for the earliest due of the timed heap while waiters > 0.
	notify  chan struct{}
	waiters int
	timer   *time.Timer
	timerAt time.Time // when the timer fires; zero when not armed
}

// firstSequence makes sequence numbers 20 digits long, as AWS's are.
const firstSequence = 10_000_000_000_000_000_000

// New returns an empty queue.
func New(arn string, s Settings) *Queue {
	q := &Queue{
		arn:      arn,
		fifo:     s.FIFO,
		settings: s,
		lastSeq:  firstSequence,
	}
	rand.Read(q.tag[:])
	if q.fifo {
		q.groups = make(map[string]*group)
		q.dedup = make(map[string]*dedupRecord)
		q.attempts = make(map[string]*attemptRecord)
	}
	return q
}

// ARN returns the queue's ARN as given to New.
func (q *Queue) ARN() string { return q.arn }

// Settings returns the current settings.
func (q *Queue) Settings() Settings {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.settings
}

// SetSettings replaces the settings for later operations. Messages already in
// flight keep their visibility timeout and messages of a standard queue keep
// their delay; a FIFO queue's delay is retroactive for messages still delayed
// (Amazon SQS Developer Guide, "Amazon SQS delay queues"). A shorter retention
// period drops expired messages at once. Receivers waiting for a message are
// woken if one became visible.
func (q *Queue) SetSettings(s Settings) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	s.FIFO = q.fifo
	old := q.settings
	q.settings = s
	now := time.Now()
	if q.fifo && s.Delay != old.Delay {
		q.retimeDelayed(s.Delay)
	}
	q.advance(now)
	q.armTimer(now)
}

// Counts returns the number of visible, in-flight and delayed messages.
func (q *Queue) Counts() Counts {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return Counts{}
	}
	q.advance(time.Now())
	return q.counts
}

// Purge removes every message, visible, in flight or delayed, and returns how
// many there were. Receipt handles of purged messages behave like those of
// deleted messages. FIFO deduplication records are kept.
func (q *Queue) Purge() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return 0
	}
	q.advance(time.Now())
	n := q.entries.len()
	q.dropMessages()
	if q.journal != nil {
		q.journal.Clear(q.counters())
	}
	return n
}

// Deleted reports whether Close was called, without taking the queue's lock.
func (q *Queue) Deleted() bool { return q.deleted.Load() }

// Close marks the queue deleted: waiting receivers return ErrQueueDeleted, the
// timer stops, messages are dropped, and later calls return ErrQueueDeleted
// (or nothing, where a method has no error result).
func (q *Queue) Close() {
	q.mu.Lock()
	defer q.mu.Unlock()
	if q.closed {
		return
	}
	q.closed = true
	q.deleted.Store(true)
	if q.timer != nil {
		q.timer.Stop()
	}
	q.dropMessages()
	q.dedup, q.dedupOrder = nil, fifoOf[*dedupRecord]{}
	q.signal()
}

// dropMessages forgets every message. Nothing outside these structures points
// to an entry, so dropping them is enough. Caller holds q.mu.
func (q *Queue) dropMessages() {
	q.entries = entryIndex{}
	q.counts = Counts{}
	q.ready = entryList{}
	q.timed = nil
	q.age = nil
	if q.fifo {
		q.groups = make(map[string]*group)
		q.readyGroups = groupList{}
		q.attempts = make(map[string]*attemptRecord)
		q.attemptList = fifoOf[*attemptRecord]{}
	}
}
