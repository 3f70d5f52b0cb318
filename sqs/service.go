package sqs

import (
	"encoding/base64"
	"log/slog"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/persist"
)

// Config wires the service to the rest of ferry.
type Config struct {
	Store persist.Store
	Log   *slog.Logger
	// Now is the clock for queue metadata (timestamps, purge and re-create
	// windows) and data key reuse; default time.Now.
	Now func() time.Time
	// Invoker calls KMS for the data keys of encrypted queues (SSE-KMS),
	// as the request's principal; without one, SSE-KMS queues answer
	// InternalFailure.
	Invoker api.Invoker
}

// Service is SQS across every account and region.
//
// Lock order: meta, then mu, then a Queue's mu, then the queue engine's own
// lock. meta serializes changes to queue metadata together with their
// durable write, so the store sees them in the order they happened; mu
// guards the maps and is held only briefly.
type Service struct {
	store persist.Store
	log   *slog.Logger
	now   func() time.Time
	api   *api.Service
	sse   *encryption

	meta    sync.Mutex
	mu      sync.RWMutex
	regions map[regionKey]*region
	// byRef mirrors every region's queues (queueRef → *Queue), written with
	// them under mu. Every request looks its queue up: a sync.Map read takes
	// no lock, so requests on different cores do not contend for mu.
	byRef sync.Map
	moves *moveTasks

	// lastWrite is the latest journaled message change (durable stores only).
	lastWrite atomic.Pointer[persist.Pending]
}

type regionKey struct{ account, region string }

type region struct {
	queues  map[string]*Queue    // by name
	deleted map[string]time.Time // names deleted in the last minute
}

// New makes the service and restores queues recorded in the store.
func New(cfg Config) (*Service, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Service{store: cfg.Store, log: cfg.Log, now: cfg.Now, regions: map[regionKey]*region{}}
	s.moves = newMoveTasks(s)
	store := cfg.Store
	if store == nil {
		store = persist.NewMemory()
	}
	s.sse = newEncryption(cfg.Invoker, store, cfg.Now)
	s.api = &api.Service{
		Denied:                api.AccessDenied,
		LowerCaseDeniedAction: true,
		SigningName:           "sqs",
		TargetPrefix:          "AmazonSQS",
		JSONVersion:           "1.0",
		JSONNamespace:         "com.amazonaws.sqs",
		XMLNamespace:          "http://queue.amazonaws.com/doc/2012-11-05/",
		QueryProtocol:         true,
		QueryCompatible:       true,
		Actions:               s.actions(),
	}
	if err := s.restore(); err != nil {
		return nil, err
	}
	return s, nil
}

// actions is SQS's action table: every operation, the IAM action it is
// authorized as (batch actions count as their single forms, as in AWS).
func (s *Service) actions() map[string]*api.Action {
	// Cross-account access never applies to the actions marked sameAccount
	// (sqs-limitations-of-custom-policies.html#sqs-cross-account-access).
	const sameAccount, anyAccount = true, false
	return api.Table(
		api.Resolve(api.Op("CreateQueue", "sqs:CreateQueue", s.createQueue), s.targetCreateQueue),
		api.Resolve(api.Op("GetQueueUrl", "sqs:GetQueueUrl", s.getQueueURL), s.targetGetQueueURL),
		api.Op("ListQueues", "sqs:ListQueues", s.listQueues),
		api.Resolve(api.Op("DeleteQueue", "sqs:DeleteQueue", s.deleteQueue), byQueueURL[queueURLInput](s, sameAccount)),
		api.Resolve(api.Op("GetQueueAttributes", "sqs:GetQueueAttributes", s.getQueueAttributes), byQueueURL[getQueueAttributesInput](s, anyAccount)),
		api.Resolve(api.Op("SetQueueAttributes", "sqs:SetQueueAttributes", s.setQueueAttributes), byQueueURL[setQueueAttributesInput](s, sameAccount)),
		api.Resolve(api.Op("PurgeQueue", "sqs:PurgeQueue", s.purgeQueue), byQueueURL[queueURLInput](s, anyAccount)),
		api.Resolve(api.Op("SendMessage", "sqs:SendMessage", s.sendMessage), byQueueURL[SendMessageInput](s, anyAccount)),
		api.Resolve(api.Op("SendMessageBatch", "sqs:SendMessage", s.sendMessageBatch), byQueueURL[sendMessageBatchInput](s, anyAccount)),
		api.Resolve(api.Op("ReceiveMessage", "sqs:ReceiveMessage", s.receiveMessage), byQueueURL[receiveMessageInput](s, anyAccount)),
		api.Resolve(api.Op("DeleteMessage", "sqs:DeleteMessage", s.deleteMessage), byQueueURL[deleteMessageInput](s, anyAccount)),
		api.Resolve(api.Op("DeleteMessageBatch", "sqs:DeleteMessage", s.deleteMessageBatch), byQueueURL[deleteMessageBatchInput](s, anyAccount)),
		api.Resolve(api.Op("ChangeMessageVisibility", "sqs:ChangeMessageVisibility", s.changeMessageVisibility), byQueueURL[changeMessageVisibilityInput](s, anyAccount)),
		api.Resolve(api.Op("ChangeMessageVisibilityBatch", "sqs:ChangeMessageVisibility", s.changeMessageVisibilityBatch), byQueueURL[changeMessageVisibilityBatchInput](s, anyAccount)),
		api.Resolve(api.Op("TagQueue", "sqs:TagQueue", s.tagQueue), s.targetTagQueue),
		api.Resolve(api.Op("UntagQueue", "sqs:UntagQueue", s.untagQueue), s.targetUntagQueue),
		api.Resolve(api.Op("ListQueueTags", "sqs:ListQueueTags", s.listQueueTags), byQueueURL[queueURLInput](s, sameAccount)),
		api.Resolve(api.Op("AddPermission", "sqs:AddPermission", s.addPermission), byQueueURL[addPermissionInput](s, sameAccount)),
		api.Resolve(api.Op("RemovePermission", "sqs:RemovePermission", s.removePermission), byQueueURL[removePermissionInput](s, sameAccount)),
		api.Resolve(api.Op("ListDeadLetterSourceQueues", "sqs:ListDeadLetterSourceQueues", s.listDeadLetterSourceQueues), byQueueURL[listDeadLetterSourceQueuesInput](s, anyAccount)),
		api.Resolve(api.Op("StartMessageMoveTask", "sqs:StartMessageMoveTask", s.startMessageMoveTask), s.targetStartMove),
		api.Resolve(api.Op("ListMessageMoveTasks", "sqs:ListMessageMoveTasks", s.listMessageMoveTasks), s.targetListMoves),
		api.Resolve(api.Op("CancelMessageMoveTask", "sqs:CancelMessageMoveTask", s.cancelMessageMoveTask), s.targetCancelMove),
	)
}

// API describes the service to the emulator.
func (s *Service) API() *api.Service { return s.api }

// Reset forgets every queue and move task; the emulator resets the store.
func (s *Service) Reset() {
	s.moves.stopAll()
	s.sse.reset()
	s.meta.Lock()
	defer s.meta.Unlock()
	s.mu.Lock()
	old := s.regions
	s.regions = map[regionKey]*region{}
	s.byRef.Clear()
	s.mu.Unlock()
	for _, r := range old {
		for _, q := range r.queues {
			q.engine.Close()
		}
	}
}

// Close ends move tasks and wakes every waiting receive.
func (s *Service) Close() {
	s.moves.stopAll()
	s.mu.RLock()
	defer s.mu.RUnlock()
	for _, r := range s.regions {
		for _, q := range r.queues {
			q.engine.Close()
		}
	}
}

// lookup finds a queue by reference, or nil.
func (s *Service) lookup(ref queueRef) *Queue {
	q, _ := s.byRef.Load(ref)
	qq, _ := q.(*Queue)
	return qq
}

// putQueue files q in its region. Must be called with s.mu held for writing.
func (s *Service) putQueue(r *region, q *Queue) {
	r.queues[q.Name] = q
	s.byRef.Store(queueRef{q.Account, q.Region, q.Name}, q)
}

// dropQueue forgets q in its region. Must be called with s.mu held for writing.
func (s *Service) dropQueue(r *region, q *Queue) {
	delete(r.queues, q.Name)
	s.byRef.Delete(queueRef{q.Account, q.Region, q.Name})
}

// queuesIn returns the queues of one account and region, sorted by name.
func (s *Service) queuesIn(account, regionName string) []*Queue {
	s.mu.RLock()
	r := s.regions[regionKey{account, regionName}]
	var qs []*Queue
	if r != nil {
		qs = make([]*Queue, 0, len(r.queues))
		for _, q := range r.queues {
			qs = append(qs, q)
		}
	}
	s.mu.RUnlock()
	sort.Slice(qs, func(i, j int) bool { return qs[i].Name < qs[j].Name })
	return qs
}

// queueFromURL resolves a QueueUrl parameter. Query-protocol clients may
// leave it out and address the queue by the request path instead.
func (s *Service) queueFromURL(req *api.Request, raw string) (*Queue, *api.Error) {
	if q, ok := req.Resolved.(*Queue); ok {
		// Authorization already resolved this request's queue; it only
		// needs to be still there (a queue is closed when it is deleted).
		if !q.engine.Deleted() {
			return q, nil
		}
		return nil, errQueueDoesNotExist()
	}
	if raw == "" {
		if req.Protocol == api.ProtocolQuery && strings.Count(strings.Trim(req.Path, "/"), "/") == 1 {
			raw = "http://localhost" + req.Path
		} else {
			return nil, api.MissingParameter("QueueUrl")
		}
	}
	ref, err := parseQueueURL(raw, req)
	if err != nil {
		return nil, err
	}
	q := s.lookup(ref)
	if q == nil {
		return nil, errQueueDoesNotExist()
	}
	return q, nil
}

// queueFromARN resolves an ARN parameter (move tasks).
func (s *Service) queueFromARN(arn string) *Queue {
	ref, ok := parseQueueARN(arn)
	if !ok {
		return nil
	}
	return s.lookup(ref)
}

// paginate pages through sorted names. The token is the last name returned,
// encoded; a token that does not decode is AWS's InvalidParameterValue.
func paginate(items []string, token string, maxResults *int) ([]string, string, *api.Error) {
	limit := 1000
	if maxResults != nil {
		if *maxResults < 1 || *maxResults > 1000 {
			return nil, "", api.InvalidParameterValue("Value %d for parameter MaxResults is invalid. Reason: MaxResults must be an integer between 1 and 1000.", *maxResults)
		}
		limit = *maxResults
	}
	start := 0
	if token != "" {
		after, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return nil, "", api.InvalidParameterValue("Invalid NextToken value.")
		}
		start = sort.SearchStrings(items, string(after))
		if start < len(items) && items[start] == string(after) {
			start++
		}
	}
	end := min(start+limit, len(items))
	page := items[start:end]
	next := ""
	// AWS returns a NextToken only to callers that asked for pages.
	if maxResults != nil && end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte(items[end-1]))
	}
	return page, next, nil
}

// QueueDepth is one queue's message counts and policy, for metrics and
// the dashboard.
type QueueDepth struct {
	Account, Region, Name, ARN string
	Visible, InFlight, Delayed int
	Policy                     string
}

// Depths reports every queue's message counts.
func (s *Service) Depths() []QueueDepth {
	s.mu.RLock()
	var qs []*Queue
	for _, r := range s.regions {
		for _, q := range r.queues {
			qs = append(qs, q)
		}
	}
	s.mu.RUnlock()
	out := make([]QueueDepth, 0, len(qs))
	for _, q := range qs {
		c := q.engine.Counts()
		policy, _ := q.attribute("Policy")
		out = append(out, QueueDepth{Account: q.Account, Region: q.Region, Name: q.Name, ARN: q.ARN,
			Visible: c.Visible, InFlight: c.InFlight, Delayed: c.Delayed, Policy: policy})
	}
	return out
}
