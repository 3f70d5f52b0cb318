package sns

import (
	"context"
	"crypto/cipher"
	"encoding/base64"
	"log/slog"
	"net/http"
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
	// Now is the clock for timestamps, confirmation tokens and FIFO
	// deduplication; default time.Now.
	Now func() time.Time
	// Invoker delivers into SQS as sns.amazonaws.com, through the same
	// authorization as any request (the emulator).
	Invoker api.Invoker
	// HTTPClient posts to HTTP/S subscribers; default a client with AWS's
	// 15-second delivery timeout.
	HTTPClient *http.Client
	// Host is the host (and port) of the URLs ferry puts in messages
	// outside any request (SubscribeURL, SigningCertURL); a request's own
	// host is used when there is one.
	Host func() string
}

// Service is SNS across every account and region.
//
// Lock order: mu, then a Topic's mu, then a Subscription's mu. Nothing is
// delivered under a lock: a publish snapshots the topic's subscriptions
// and hands them to the dispatcher.
type Service struct {
	store   persist.Store
	log     *slog.Logger
	now     func() time.Time
	invoker api.Invoker
	http    *http.Client
	host    func() string
	api     *api.Service
	signer  *signer
	deliver *dispatcher
	keys    dataKeys // publishers' data keys for encrypted topics

	pendingSeq atomic.Uint64 // orders pending records (durable stores)

	sealMu   sync.Mutex
	sealAEAD cipher.AEAD // seals encrypted topics' pending bodies

	mu      sync.RWMutex
	regions map[regionKey]*region
	subs    map[string]*Subscription // by ARN
	tokens  map[string]*Subscription // pending confirmations by token
}

type regionKey struct{ account, region string }

type region struct {
	topics map[string]*Topic // by name
}

// New makes the service and restores the topics and subscriptions recorded
// in the store.
func New(cfg Config) (*Service, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: httpTimeout}
	}
	if cfg.Host == nil {
		cfg.Host = func() string { return "localhost:4566" }
	}
	s := &Service{
		store: cfg.Store, log: cfg.Log, now: cfg.Now, invoker: cfg.Invoker, http: cfg.HTTPClient, host: cfg.Host,
		regions: map[regionKey]*region{}, subs: map[string]*Subscription{}, tokens: map[string]*Subscription{},
	}
	s.signer = newSigner(cfg.Store)
	s.api = &api.Service{
		SigningName:           "sns",
		XMLNamespace:          "http://sns.amazonaws.com/doc/2010-03-31/",
		QueryProtocol:         true,
		Actions:               s.actions(),
		Unsigned:              s.unsignedActions(),
		Denied:                errAuthorization,
		UpperCaseDeniedPrefix: true,
	}
	s.deliver = newDispatcher(s)
	if err := s.restore(); err != nil {
		s.deliver.close()
		return nil, err
	}

	return s, nil
}

// actions is SNS's action table: every operation and the IAM action it is
// authorized as.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html
func (s *Service) actions() map[string]*api.Action {
	return api.Table(
		api.Resolve(api.Op("CreateTopic", "sns:CreateTopic", s.createTopic), s.targetCreateTopic),
		api.Resolve(api.Op("DeleteTopic", "sns:DeleteTopic", s.deleteTopic), s.targetDeleteTopic),
		api.Op("ListTopics", "sns:ListTopics", s.listTopics),
		api.Resolve(api.Op("GetTopicAttributes", "sns:GetTopicAttributes", s.getTopicAttributes), byTopicARN[topicARNInput](s)),
		api.Resolve(api.Op("SetTopicAttributes", "sns:SetTopicAttributes", s.setTopicAttributes), byTopicARN[setTopicAttributesInput](s)),
		api.Resolve(api.Op("Subscribe", "sns:Subscribe", s.subscribe), s.targetSubscribe),
		api.Unauthorized(api.Op("ConfirmSubscription", "sns:ConfirmSubscription", s.confirmSubscription)),
		api.Resolve(api.Op("Unsubscribe", "sns:Unsubscribe", s.unsubscribe), bySubscriptionARN[subscriptionARNInput](s)),
		api.Op("ListSubscriptions", "sns:ListSubscriptions", s.listSubscriptions),
		api.Resolve(api.Op("ListSubscriptionsByTopic", "sns:ListSubscriptionsByTopic", s.listSubscriptionsByTopic), byTopicARN[listSubscriptionsByTopicInput](s)),
		api.Resolve(api.Op("GetSubscriptionAttributes", "sns:GetSubscriptionAttributes", s.getSubscriptionAttributes), bySubscriptionARN[subscriptionARNInput](s)),
		api.Resolve(api.Op("SetSubscriptionAttributes", "sns:SetSubscriptionAttributes", s.setSubscriptionAttributes), bySubscriptionARN[setSubscriptionAttributesInput](s)),
		api.Resolve(api.Op("Publish", "sns:Publish", s.publish), s.targetPublish),
		api.Resolve(api.Op("PublishBatch", "sns:Publish", s.publishBatch), byTopicARN[publishBatchInput](s)),
		api.Resolve(api.Op("AddPermission", "sns:AddPermission", s.addPermission), byTopicARN[addPermissionInput](s)),
		api.Resolve(api.Op("RemovePermission", "sns:RemovePermission", s.removePermission), byTopicARN[removePermissionInput](s)),
		api.Resolve(api.Op("TagResource", "sns:TagResource", s.tagResource), s.targetTagResource),
		api.Resolve(api.Op("UntagResource", "sns:UntagResource", s.untagResource), s.targetUntagResource),
		api.Resolve(api.Op("ListTagsForResource", "sns:ListTagsForResource", s.listTagsForResource), byResourceARN[resourceARNInput](s)),
	)
}

// unsignedActions are what AWS serves without a signature: the
// SubscribeURL and UnsubscribeURL handed to subscribers. Knowing the token
// (or the subscription's ARN) is the authority, as in AWS.
func (s *Service) unsignedActions() map[string]*api.Action {
	return api.Table(
		api.Unauthorized(api.Op("ConfirmSubscription", "sns:ConfirmSubscription", s.confirmSubscription)),
		api.Unauthorized(api.Op("Unsubscribe", "sns:Unsubscribe", s.unsubscribeByURL)),
	)
}

// API describes the service to the emulator.
func (s *Service) API() *api.Service { return s.api }

// Reset forgets every topic and subscription; the emulator resets the store.
func (s *Service) Reset() {
	s.deliver.cancelHTTP()
	s.keys.reset()
	s.sealMu.Lock()
	s.sealAEAD = nil // the store's key goes with the reset
	s.sealMu.Unlock()
	s.mu.Lock()
	s.regions = map[regionKey]*region{}
	s.subs = map[string]*Subscription{}
	s.tokens = map[string]*Subscription{}
	s.mu.Unlock()
}

// Close delivers what is queued for queues, abandons HTTP retries and
// waits for every delivery goroutine.
func (s *Service) Close() { s.deliver.close() }

// Flush waits until every publish accepted so far has been delivered to
// its queue subscribers (HTTP deliveries and their retries excepted).
func (s *Service) Flush(ctx context.Context) error { return s.deliver.flush(ctx) }

func (s *Service) regionOf(account, name string) *region {
	k := regionKey{account, name}
	r := s.regions[k]
	if r == nil {
		r = &region{topics: map[string]*Topic{}}
		s.regions[k] = r
	}
	return r
}

// topicByARN finds a topic, or nil.
func (s *Service) topicByARN(arn string) *Topic {
	a, ok := parseARN(arn)
	if !ok || a.resource == "" || strings.Contains(a.resource, ":") {
		return nil
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	r := s.regions[regionKey{a.account, a.region}]
	if r == nil {
		return nil
	}
	return r.topics[a.resource]
}

// topicsIn returns an account's topics in a region, sorted by ARN.
func (s *Service) topicsIn(account, regionName string) []*Topic {
	s.mu.RLock()
	r := s.regions[regionKey{account, regionName}]
	var ts []*Topic
	if r != nil {
		ts = make([]*Topic, 0, len(r.topics))
		for _, t := range r.topics {
			ts = append(ts, t)
		}
	}
	s.mu.RUnlock()
	sortByARN(ts)
	return ts
}

func sortByARN(ts []*Topic) {
	sort.Slice(ts, func(i, j int) bool { return ts[i].ARN < ts[j].ARN })
}

// hostFor is the host for URLs a request's effects hand out.
func (s *Service) hostFor(req *api.Request) string {
	if req != nil && req.Host != "" {
		return req.Host
	}
	return s.host()
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// paginate pages through items sorted by key, 100 a page as SNS does; the
// token is the last key returned, encoded.
const pageSize = 100

func paginate[T any](items []T, key func(T) string, token string) ([]T, string, *api.Error) {
	start := 0
	if token != "" {
		after, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil {
			return nil, "", errInvalidParameter("NextToken")
		}
		start = sort.Search(len(items), func(i int) bool { return key(items[i]) > string(after) })
	}
	end := min(start+pageSize, len(items))
	next := ""
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte(key(items[end-1])))
	}
	return items[start:end], next, nil
}
