package sns

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/internal/uuid"
	"github.com/ferry-emulator/ferry/sns/deliverypolicy"
	"github.com/ferry-emulator/ferry/sns/filter"
)

// Subscription is one endpoint subscribed to a topic.
type Subscription struct {
	ARN, Owner, Protocol, Endpoint string
	Principal                      string // who subscribed (SubscriptionPrincipal)
	Topic                          *Topic
	Created                        time.Time
	queue                          queueRef // the endpoint of an sqs subscription

	mu                     sync.Mutex
	attrs                  map[string]string // as set
	tok                    string            // confirmation token
	tokenIssued            time.Time
	authOnUnsubscribe      bool
	confirmedAuthenticated bool
	nextSend               time.Time // throttling of HTTP/S deliveries

	// cfg is what delivery reads, replaced whole on every change.
	cfg atomic.Pointer[subConfig]

	// What became of deliveries to this endpoint, for the dashboard.
	delivered, failed atomic.Int64
	lastError         atomic.Pointer[string]
}

// outcome records one delivery's result.
func (sub *Subscription) outcome(err error) {
	if err == nil {
		sub.delivered.Add(1)
		sub.lastError.Store(nil) // the latest delivery went through: nothing is failing now
		return
	}
	sub.failed.Add(1)
	msg := err.Error()
	sub.lastError.Store(&msg)
}

// subConfig is a subscription's delivery settings at one moment.
type subConfig struct {
	pending  bool
	raw      bool
	filter   *filter.Policy
	dlq      queueRef // RedrivePolicy's deadLetterTargetArn
	delivery *deliverypolicy.Subscription
}

func (sub *Subscription) config() *subConfig { return sub.cfg.Load() }

func (sub *Subscription) token() string {
	sub.mu.Lock()
	defer sub.mu.Unlock()
	return sub.tok
}

// Protocols SNS delivers to here. AWS's other protocols (email, sms,
// lambda, firehose, application) reach outside what ferry can emulate.
var protocols = map[string]bool{"sqs": true, "http": true, "https": true}

// confirmationTTL is how long a confirmation token stays valid.
// https://docs.aws.amazon.com/sns/latest/dg/SendMessageToHttp.confirm.html
const confirmationTTL = 3 * 24 * time.Hour

func newToken() string {
	b := make([]byte, 64)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// validateEndpoint checks a Subscribe's protocol and endpoint.
// https://docs.aws.amazon.com/sns/latest/api/API_Subscribe.html
func validateEndpoint(t *Topic, protocol, endpoint string) *api.Error {
	if protocol == "" {
		return api.MissingParameter("Protocol")
	}
	if !protocols[protocol] {
		return errInvalidParameter("Amazon SNS does not support this protocol string: " + protocol)
	}
	if endpoint == "" {
		return errInvalidParameter("Endpoint")
	}
	switch protocol {
	case "sqs":
		a, ok := parseARN(endpoint)
		if !ok || a.service != "sqs" || strings.Contains(a.resource, ":") {
			return errInvalidParameter("SQS endpoint ARN")
		}
		if strings.HasSuffix(a.resource, ".fifo") && !t.FIFO {
			return errInvalidParameter("Invalid parameter: Endpoint Reason: FIFO SQS Queues can not be subscribed to standard SNS topics")
		}
	case "http", "https":
		if t.FIFO {
			return errInvalidParameter("Invalid protocol type: " + protocol + ". FIFO topics deliver only to Amazon SQS queues")
		}
		if !strings.HasPrefix(endpoint, protocol+"://") || len(endpoint) <= len(protocol)+3 {
			return errInvalidParameter("Endpoint must match the specified protocol")
		}
	}
	return nil
}

func (s *Service) subscribe(ctx context.Context, req *api.Request, in *subscribeInput) (*subscriptionARNOutput, error) {
	t, err := s.resolvedTopic(req, in.TopicArn)
	if err != nil {
		return nil, err
	}
	if err := validateEndpoint(t, in.Protocol, in.Endpoint); err != nil {
		return nil, err
	}
	for _, sub := range t.subscriptions() {
		if sub.Protocol == in.Protocol && sub.Endpoint == in.Endpoint {
			// Subscribe is idempotent, but not over different attributes.
			sub.mu.Lock()
			for k, v := range in.Attributes {
				if sub.attrs[k] != v {
					sub.mu.Unlock()
					return nil, errInvalidParameter("Attributes Reason: Subscription already exists with different attributes")
				}
			}
			sub.mu.Unlock()
			if sub.config().pending {
				if sub.Protocol == "sqs" && sub.queue.arn != "" && queueOwner(sub) == req.Account {
					// The queue's owner subscribing its own queue needs no
					// confirmation, whoever subscribed it first.
					if err := s.confirmAsOwner(sub); err != nil {
						return nil, err
					}
				} else {
					// Subscribing again asks for confirmation again, as
					// AWS's console "Request confirmation" does.
					s.deliver.confirmation(ctx, sub, s.hostFor(req), req.ID)
				}
			}
			return &subscriptionARNOutput{SubscriptionArn: shownARN(sub, in.ReturnSubscriptionArn)}, nil
		}
	}
	sub := &Subscription{
		ARN: t.ARN + ":" + uuid.New(), Owner: req.Account, Protocol: in.Protocol, Endpoint: in.Endpoint,
		Principal: req.Principal.ARN, Topic: t, Created: s.now(), attrs: map[string]string{},
	}
	if in.Protocol == "sqs" {
		sub.queue = queueRefOf(in.Endpoint)
	}
	// The owner of a queue subscribing it needs no confirmation; anyone
	// else's subscription, and every HTTP/S one, waits for it.
	// https://docs.aws.amazon.com/sns/latest/dg/sns-send-message-to-sqs-cross-account.html
	pending := true
	if in.Protocol == "sqs" {
		a, _ := parseARN(in.Endpoint)
		pending = a.account != req.Account
	}
	if pending {
		sub.tok, sub.tokenIssued = newToken(), s.now()
	} else {
		sub.confirmedAuthenticated = true
	}
	cfg := &subConfig{pending: pending}
	sub.cfg.Store(cfg)
	for _, k := range attributeOrder(in.Attributes) {
		if err := sub.setAttribute(k, in.Attributes[k]); err != nil {
			return nil, err
		}
	}

	s.mu.Lock()
	if s.topicByARNLocked(t.ARN) != t {
		s.mu.Unlock()
		return nil, errTopicNotFound()
	}
	s.subs[sub.ARN] = sub
	if pending {
		s.tokens[sub.tok] = sub
	}
	t.addSubscription(sub)
	s.mu.Unlock()
	if err := s.saveSubscription(sub); err != nil {
		s.removeSubscription(sub)
		return nil, err
	}
	if pending {
		s.deliver.confirmation(ctx, sub, s.hostFor(req), req.ID)
	}
	return &subscriptionARNOutput{SubscriptionArn: shownARN(sub, in.ReturnSubscriptionArn)}, nil
}

// shownARN is what Subscribe answers: a pending subscription's ARN only
// when the caller asked for it.
func shownARN(sub *Subscription, always bool) string {
	if sub.config().pending && !always {
		return "pending confirmation"
	}
	return sub.ARN
}

func (t *Topic) addSubscription(sub *Subscription) {
	t.mu.Lock()
	defer t.mu.Unlock()
	old := t.subscriptions()
	next := make([]*Subscription, len(old), len(old)+1)
	copy(next, old)
	next = append(next, sub)
	t.subs.Store(&next)
}

func (t *Topic) dropSubscription(sub *Subscription) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	old := t.subscriptions()
	next := make([]*Subscription, 0, len(old))
	for _, x := range old {
		if x != sub {
			next = append(next, x)
		}
	}
	if len(next) == len(old) {
		return false
	}
	t.deleted++
	t.subs.Store(&next)
	return true
}

func (s *Service) topicByARNLocked(arn string) *Topic {
	a, _ := parseARN(arn)
	r := s.regions[regionKey{a.account, a.region}]
	if r == nil {
		return nil
	}
	return r.topics[a.resource]
}

// removeSubscription forgets a subscription; false if it was already gone.
func (s *Service) removeSubscription(sub *Subscription) bool {
	s.mu.Lock()
	if s.subs[sub.ARN] != sub {
		s.mu.Unlock()
		return false
	}
	delete(s.subs, sub.ARN)
	if tok := sub.token(); tok != "" && s.tokens[tok] == sub {
		delete(s.tokens, tok)
	}
	s.mu.Unlock()
	sub.Topic.dropSubscription(sub)
	return true
}

func (s *Service) confirmSubscription(_ context.Context, req *api.Request, in *confirmSubscriptionInput) (*subscriptionARNOutput, error) {
	if in.TopicArn == "" {
		return nil, api.MissingParameter("TopicArn")
	}
	if in.Token == "" {
		return nil, api.MissingParameter("Token")
	}
	if _, err := s.findTopic(in.TopicArn); err != nil {
		return nil, err
	}
	s.mu.RLock()
	sub := s.tokens[in.Token]
	s.mu.RUnlock()
	if sub == nil || sub.Topic.ARN != in.TopicArn {
		return nil, errInvalidParameter("Token")
	}
	signed := req.Principal.Type != api.PrincipalAnonymous
	sub.mu.Lock()
	cfg := *sub.config()
	if cfg.pending && s.now().Sub(sub.tokenIssued) > confirmationTTL {
		sub.mu.Unlock()
		return nil, errInvalidParameter("Token Reason: the confirmation token has expired")
	}
	if !cfg.pending {
		sub.mu.Unlock()
		return &subscriptionARNOutput{SubscriptionArn: sub.ARN}, nil
	}
	cfg.pending = false
	sub.confirmedAuthenticated = signed
	// Only a signed confirmation can ask that unsubscribing be signed too.
	sub.authOnUnsubscribe = signed && strings.EqualFold(in.AuthenticateOnUnsubscribe, "true")
	sub.cfg.Store(&cfg)
	sub.mu.Unlock()
	if !s.reinstate(sub) {
		return nil, errTopicNotFound()
	}
	if err := s.saveSubscription(sub); err != nil {
		cfg.pending = true
		sub.cfg.Store(&cfg)
		return nil, err
	}
	return &subscriptionARNOutput{SubscriptionArn: sub.ARN}, nil
}

// reinstate puts back a subscription ended by someone else whose endpoint
// opened the UnsubscribeConfirmation's SubscribeURL; false if its topic is
// gone.
func (s *Service) reinstate(sub *Subscription) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.subs[sub.ARN] == sub {
		return true
	}
	if s.topicByARNLocked(sub.Topic.ARN) != sub.Topic {
		return false
	}
	s.subs[sub.ARN] = sub
	sub.Topic.addSubscription(sub)
	return true
}

func (s *Service) unsubscribe(ctx context.Context, req *api.Request, in *subscriptionARNInput) (*struct{}, error) {
	sub, err := s.resolvedSubscription(req, in.SubscriptionArn)
	if err != nil {
		return nil, err
	}
	return nil, s.cancel(ctx, req, sub)
}

// unsubscribeByURL is the UnsubscribeURL in every message: unsigned, unless
// the subscriber confirmed with AuthenticateOnUnsubscribe, or the endpoint
// is a queue: "Amazon SQS queue subscriptions require authentication for
// deletion" (API_Unsubscribe).
func (s *Service) unsubscribeByURL(ctx context.Context, req *api.Request, in *subscriptionARNInput) (*struct{}, error) {
	sub, err := s.findSubscription(in.SubscriptionArn)
	if err != nil {
		return nil, err
	}
	sub.mu.Lock()
	auth := sub.authOnUnsubscribe || sub.Protocol == "sqs"
	sub.mu.Unlock()
	if auth {
		return nil, errAuthorization("This subscription requires authentication to unsubscribe: only its owner or the topic's owner may, with a signed request.")
	}
	return nil, s.cancel(ctx, req, sub)
}

// cancel removes a subscription. When someone other than its owner ends
// it, the endpoint is told with an UnsubscribeConfirmation it can undo.
// https://docs.aws.amazon.com/sns/latest/api/API_Unsubscribe.html
func (s *Service) cancel(ctx context.Context, req *api.Request, sub *Subscription) error {
	if !s.removeSubscription(sub) {
		return nil
	}
	if err := s.dropSubscriptionRecord(sub); err != nil {
		return err
	}
	if req.Account != sub.Owner && !sub.config().pending {
		s.deliver.unsubscribed(ctx, sub, s.hostFor(req), req.ID)
	}
	return nil
}

func (s *Service) listSubscriptions(_ context.Context, req *api.Request, in *listInput) (*listSubscriptionsOutput, error) {
	var subs []*Subscription
	s.mu.RLock()
	for _, sub := range s.subs {
		t := sub.Topic
		if t.Region == req.Region && (sub.Owner == req.Account || t.Account == req.Account) {
			subs = append(subs, sub)
		}
	}
	s.mu.RUnlock()
	return listOf(subs, in.NextToken)
}

func (s *Service) listSubscriptionsByTopic(_ context.Context, req *api.Request, in *listSubscriptionsByTopicInput) (*listSubscriptionsOutput, error) {
	t, err := s.resolvedTopic(req, in.TopicArn)
	if err != nil {
		return nil, err
	}
	return listOf(append([]*Subscription(nil), t.subscriptions()...), in.NextToken)
}

func listOf(subs []*Subscription, token string) (*listSubscriptionsOutput, error) {
	sortSubscriptions(subs)
	page, next, err := paginate(subs, func(sub *Subscription) string { return sub.ARN }, token)
	if err != nil {
		return nil, err
	}
	out := &listSubscriptionsOutput{Subscriptions: members[subscriptionMember]{}, NextToken: next}
	for _, sub := range page {
		arn := sub.ARN
		if sub.config().pending {
			arn = "PendingConfirmation"
		}
		out.Subscriptions = append(out.Subscriptions, subscriptionMember{
			SubscriptionArn: arn, Owner: sub.Owner, Protocol: sub.Protocol, Endpoint: sub.Endpoint, TopicArn: sub.Topic.ARN,
		})
	}
	return out, nil
}

func (s *Service) getSubscriptionAttributes(_ context.Context, req *api.Request, in *subscriptionARNInput) (*attributesOutput, error) {
	sub, err := s.resolvedSubscription(req, in.SubscriptionArn)
	if err != nil {
		return nil, err
	}
	cfg := sub.config()
	sub.mu.Lock()
	defer sub.mu.Unlock()
	out := attributeMap{}
	maps.Copy(out, sub.attrs)
	out["SubscriptionArn"] = sub.ARN
	out["TopicArn"] = sub.Topic.ARN
	out["Owner"] = sub.Owner
	out["Protocol"] = sub.Protocol
	out["Endpoint"] = sub.Endpoint
	out["SubscriptionPrincipal"] = sub.Principal
	out["PendingConfirmation"] = strconv.FormatBool(cfg.pending)
	out["ConfirmationWasAuthenticated"] = strconv.FormatBool(sub.confirmedAuthenticated)
	out["RawMessageDelivery"] = strconv.FormatBool(cfg.raw)
	if cfg.filter != nil && out["FilterPolicyScope"] == "" {
		out["FilterPolicyScope"] = "MessageAttributes"
	}
	if sub.Protocol == "http" || sub.Protocol == "https" {
		sub.Topic.mu.Lock()
		topicPolicy := sub.Topic.delivery
		sub.Topic.mu.Unlock()
		out["EffectiveDeliveryPolicy"] = deliverypolicy.Resolve(topicPolicy, cfg.delivery).SubscriptionJSON()
	}
	return &attributesOutput{Attributes: out}, nil
}

func (s *Service) setSubscriptionAttributes(_ context.Context, req *api.Request, in *setSubscriptionAttributesInput) (*struct{}, error) {
	if in.AttributeName == "" {
		return nil, api.MissingParameter("AttributeName")
	}
	sub, err := s.resolvedSubscription(req, in.SubscriptionArn)
	if err != nil {
		return nil, err
	}
	value := ""
	if in.AttributeValue != nil {
		value = *in.AttributeValue
	}
	sub.mu.Lock()
	oldAttrs, oldCfg := sub.attrs, sub.config()
	aerr := sub.setAttribute(in.AttributeName, value)
	sub.mu.Unlock()
	if aerr != nil {
		return nil, aerr
	}
	if err := s.saveSubscription(sub); err != nil {
		sub.mu.Lock()
		sub.attrs = oldAttrs
		sub.cfg.Store(oldCfg)
		sub.mu.Unlock()
		return nil, err
	}
	return nil, nil
}

// setAttribute validates and applies one attribute; sub.mu is held (or sub
// is not yet shared).
// https://docs.aws.amazon.com/sns/latest/api/API_SetSubscriptionAttributes.html
func (sub *Subscription) setAttribute(name, value string) *api.Error {
	cfg := *sub.config()
	next := maps.Clone(sub.attrs)
	set := func() {
		if value == "" {
			delete(next, name)
		} else {
			next[name] = value
		}
	}
	switch name {
	case "RawMessageDelivery":
		b, err := strconv.ParseBool(value)
		if err != nil {
			return errInvalidParameter("Attributes Reason: RawMessageDelivery: Invalid value [" + value + "]. Must be true or false.")
		}
		cfg.raw = b
		value = strconv.FormatBool(b)
		set()
	case "FilterPolicy":
		set()
		p, err := compileFilter(next["FilterPolicy"], next["FilterPolicyScope"])
		if err != nil {
			return err
		}
		cfg.filter = p
	case "FilterPolicyScope":
		if value != "" && value != "MessageAttributes" && value != "MessageBody" {
			return errInvalidParameter("Attributes Reason: FilterPolicyScope: Invalid value [" + value + "]. Please use either MessageBody or MessageAttributes")
		}
		set()
		p, err := compileFilter(next["FilterPolicy"], next["FilterPolicyScope"])
		if err != nil {
			return err
		}
		cfg.filter = p
	case "RedrivePolicy":
		dlq, err := parseRedrivePolicy(value, sub)
		if err != nil {
			return err
		}
		cfg.dlq = queueRef{}
		if dlq != "" {
			cfg.dlq = queueRefOf(dlq)
		}
		set()
	case "DeliveryPolicy":
		if sub.Protocol != "http" && sub.Protocol != "https" {
			return errInvalidParameter("DeliveryPolicy: Delivery policy is supported only for HTTP/S subscriptions")
		}
		if value == "" {
			cfg.delivery = nil
		} else {
			d, err := deliverypolicy.ParseSubscription(value)
			if err != nil {
				return errInvalidParameter(err.Error())
			}
			cfg.delivery = d
		}
		set()
	default:
		return errInvalidParameter("AttributeName")
	}
	sub.attrs = next
	sub.cfg.Store(&cfg)
	return nil
}

func compileFilter(doc, scopeName string) (*filter.Policy, *api.Error) {
	if doc == "" {
		return nil, nil
	}
	scope, err := filter.ParseScope(scopeName)
	if err != nil {
		return nil, errInvalidParameter("Attributes Reason: FilterPolicyScope: Invalid value [" + scopeName + "]. Please use either MessageBody or MessageAttributes")
	}
	p, err := filter.Parse(doc, scope)
	if err != nil {
		return nil, errInvalidParameter(err.Error())
	}
	return p, nil
}

// parseRedrivePolicy reads {"deadLetterTargetArn": "arn:aws:sqs:…"}: a queue
// in the subscription's account and region.
// https://docs.aws.amazon.com/sns/latest/dg/sns-configure-dead-letter-queue.html
func parseRedrivePolicy(doc string, sub *Subscription) (string, *api.Error) {
	if doc == "" {
		return "", nil
	}
	var rp map[string]any
	if err := json.Unmarshal([]byte(doc), &rp); err != nil {
		return "", errInvalidParameter("RedrivePolicy: failed to parse JSON. " + err.Error())
	}
	target, _ := rp["deadLetterTargetArn"].(string)
	if target == "" {
		return "", errInvalidParameter("RedrivePolicy: deadLetterTargetArn is missing")
	}
	for k := range rp {
		if k != "deadLetterTargetArn" {
			return "", errInvalidParameter("RedrivePolicy: Unrecognized field " + strconv.Quote(k))
		}
	}
	a, ok := parseARN(target)
	if !ok || a.service != "sqs" || strings.Contains(a.resource, ":") {
		return "", errInvalidParameter("RedrivePolicy: deadLetterTargetArn is an invalid arn")
	}
	if a.region != sub.Topic.Region {
		return "", errInvalidParameter("RedrivePolicy: must be in the same region as the subscription")
	}
	if strings.HasSuffix(a.resource, ".fifo") != sub.Topic.FIFO {
		return "", errInvalidParameter("RedrivePolicy: a FIFO topic's dead-letter queue must be a FIFO queue, and a standard topic's a standard queue")
	}
	return target, nil
}

// resolvedSubscription is the request's subscription, as authorization
// resolved it.
func (s *Service) resolvedSubscription(req *api.Request, arn string) (*Subscription, *api.Error) {
	if sub, ok := req.Resolved.(*Subscription); ok {
		s.mu.RLock()
		cur := s.subs[sub.ARN]
		s.mu.RUnlock()
		if cur == sub {
			return sub, nil
		}
		return nil, errSubscriptionNotFound()
	}
	return s.findSubscription(arn)
}

func (s *Service) findSubscription(arn string) (*Subscription, *api.Error) {
	if arn == "" {
		return nil, api.MissingParameter("SubscriptionArn")
	}
	a, ok := parseARN(arn)
	if !ok || a.service != "sns" || !strings.Contains(a.resource, ":") {
		return nil, errInvalidParameter("SubscriptionArn")
	}
	s.mu.RLock()
	sub := s.subs[arn]
	s.mu.RUnlock()
	if sub == nil {
		return nil, errSubscriptionNotFound()
	}
	return sub, nil
}

func sortSubscriptions(subs []*Subscription) {
	slices.SortFunc(subs, func(a, b *Subscription) int { return strings.Compare(a.ARN, b.ARN) })
}

// attributeOrder is the order to apply several attributes in: the filter
// policy's scope before the policy, which is read in it.
func attributeOrder(attrs map[string]string) []string {
	keys := sortedKeys(attrs)
	slices.SortStableFunc(keys, func(a, b string) int {
		switch {
		case a == "FilterPolicyScope":
			return -1
		case b == "FilterPolicyScope":
			return 1
		}
		return 0
	})
	return keys
}

// queueOwner is the account of an sqs subscription's queue.
func queueOwner(sub *Subscription) string {
	a, _ := parseARN(sub.Endpoint)
	return a.account
}

// confirmAsOwner confirms a pending queue subscription for the queue's
// owner, who needs no token.
func (s *Service) confirmAsOwner(sub *Subscription) error {
	sub.mu.Lock()
	cfg := *sub.config()
	cfg.pending = false
	sub.confirmedAuthenticated = true
	sub.cfg.Store(&cfg)
	sub.mu.Unlock()
	return s.saveSubscription(sub)
}
