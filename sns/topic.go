package sns

import (
	"context"
	"maps"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam/policy"
	"github.com/ferry-emulator/ferry/sns/deliverypolicy"
)

// Topic is one SNS topic.
type Topic struct {
	ARN, Name, Account, Region string
	FIFO                       bool
	Created                    time.Time

	mu       sync.Mutex
	attrs    map[string]string // as set; replaced, never modified in place
	policy   *policy.Policy    // the Policy attribute, or the default policy
	delivery *deliverypolicy.Topic
	tags     map[string]string // replaced, never modified in place
	deleted  int               // SubscriptionsDeleted
	fifoMu   sync.Mutex        // orders a FIFO topic's publishes and deliveries
	dedup    *dedupWindow      // FIFO topics; guarded by fifoMu

	// subs is what a publish fans out to: replaced whole (copy on write)
	// whenever a subscription comes or goes, so publishing reads it without
	// a lock.
	subs  atomic.Pointer[[]*Subscription]
	stats TopicStats
}

// TopicStats count what became of a topic's messages, the numbers AWS
// reports in CloudWatch (NumberOfMessagesPublished, …Delivered, …Failed,
// …FilteredOut).
type TopicStats struct {
	Published, Delivered, Failed, FilteredOut atomic.Int64
}

func newTopic(account, region, name string, created time.Time) *Topic {
	t := &Topic{ARN: topicARN(region, account, name), Name: name, Account: account, Region: region,
		FIFO: strings.HasSuffix(name, ".fifo"), Created: created, attrs: map[string]string{}, tags: map[string]string{}}
	t.subs.Store(&[]*Subscription{})
	t.policy = mustParse(defaultTopicPolicy(t.ARN, account))
	if t.FIFO {
		t.dedup = newDedupWindow()
	}
	return t
}

// subscriptions is the current fan-out list.
func (t *Topic) subscriptions() []*Subscription { return *t.subs.Load() }

// attribute reads one settable attribute.
func (t *Topic) attribute(name string) string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.attrs[name]
}

// defaultTopicPolicy is the policy AWS gives a new topic: principals of the
// owner account may use it, nobody else.
// https://docs.aws.amazon.com/sns/latest/dg/sns-access-policy-use-cases.html
func defaultTopicPolicy(arn, owner string) string {
	return `{"Version":"2008-10-17","Id":"__default_policy_ID","Statement":[{"Sid":"__default_statement_ID","Effect":"Allow",` +
		`"Principal":{"AWS":"*"},"Action":["SNS:GetTopicAttributes","SNS:SetTopicAttributes","SNS:AddPermission",` +
		`"SNS:RemovePermission","SNS:DeleteTopic","SNS:Subscribe","SNS:ListSubscriptionsByTopic","SNS:Publish"],` +
		`"Resource":"` + arn + `","Condition":{"StringEquals":{"AWS:SourceOwner":"` + owner + `"}}}]}`
}

func mustParse(doc string) *policy.Policy {
	p, err := policy.Parse(doc, policy.Resource)
	if err != nil {
		panic("sns: built-in policy does not parse: " + err.Error())
	}
	return p
}

func (s *Service) createTopic(_ context.Context, req *api.Request, in *createTopicInput) (*topicARNOutput, error) {
	if in.Name == "" {
		return nil, api.MissingParameter("Name")
	}
	if in.DataProtectionPolicy != "" {
		return nil, errInvalidParameter("DataProtectionPolicy Reason: ferry does not emulate message data protection")
	}
	fifo := false
	if v, ok := in.Attributes["FifoTopic"]; ok {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return nil, errInvalidParameter("Attributes Reason: FifoTopic must be true or false")
		}
		fifo = b
	}
	if !validTopicName(in.Name, fifo) {
		if fifo || strings.HasSuffix(in.Name, ".fifo") {
			return nil, errInvalidParameter("Topic Name: Fifo Topic names must end with .fifo and must be made up of only uppercase and lowercase ASCII letters, numbers, underscores, and hyphens, and must be between 1 and 256 characters long.")
		}
		return nil, errInvalidParameter("Topic Name")
	}
	attrs := maps.Clone(in.Attributes)
	delete(attrs, "FifoTopic")
	tags, terr := tagMap(in.Tags)
	if terr != nil {
		return nil, terr
	}

	s.mu.Lock()
	r := s.regionOf(req.Account, req.Region)
	if t := r.topics[in.Name]; t != nil {
		s.mu.Unlock()
		// CreateTopic is idempotent, but not over different settings.
		t.mu.Lock()
		defer t.mu.Unlock()
		for k, v := range attrs {
			if t.attrs[k] != v {
				return nil, errInvalidParameter("Attributes Reason: Topic already exists with different attributes")
			}
		}
		for k, v := range tags {
			if cur, ok := t.tags[k]; !ok || cur != v {
				return nil, errInvalidParameter("Tags Reason: Topic already exists with different tags")
			}
		}
		return &topicARNOutput{TopicArn: t.ARN}, nil
	}
	t := newTopic(req.Account, req.Region, in.Name, s.now())
	for _, k := range sortedKeys(attrs) {
		if err := t.setAttribute(k, attrs[k]); err != nil {
			s.mu.Unlock()
			return nil, err
		}
	}
	if len(tags) > maxTags {
		s.mu.Unlock()
		return nil, errTagLimitExceeded()
	}
	t.tags = tags
	r.topics[in.Name] = t
	s.mu.Unlock()
	if err := s.saveTopic(t); err != nil {
		s.mu.Lock()
		delete(r.topics, in.Name)
		s.mu.Unlock()
		return nil, err
	}
	return &topicARNOutput{TopicArn: t.ARN}, nil
}

func (s *Service) deleteTopic(_ context.Context, req *api.Request, in *topicARNInput) (*struct{}, error) {
	t, err := s.resolvedTopic(req, in.TopicArn)
	if err != nil {
		// Deleting a topic that does not exist succeeds, as in AWS.
		if err.Code == "NotFound" {
			return nil, nil
		}
		return nil, err
	}
	s.mu.Lock()
	r := s.regions[regionKey{t.Account, t.Region}]
	if r == nil || r.topics[t.Name] != t {
		s.mu.Unlock()
		return nil, nil
	}
	delete(r.topics, t.Name)
	subs := t.subscriptions()
	for _, sub := range subs {
		delete(s.subs, sub.ARN)
		if tok := sub.token(); tok != "" {
			delete(s.tokens, tok)
		}
	}
	s.mu.Unlock()
	t.subs.Store(&[]*Subscription{})
	return nil, s.dropTopic(t, subs)
}

func (s *Service) listTopics(_ context.Context, req *api.Request, in *listInput) (*listTopicsOutput, error) {
	topics := s.topicsIn(req.Account, req.Region)
	page, next, err := paginate(topics, func(t *Topic) string { return t.ARN }, in.NextToken)
	if err != nil {
		return nil, err
	}
	out := &listTopicsOutput{Topics: members[topicMember]{}, NextToken: next}
	for _, t := range page {
		out.Topics = append(out.Topics, topicMember{TopicArn: t.ARN})
	}
	return out, nil
}

func (s *Service) getTopicAttributes(_ context.Context, req *api.Request, in *topicARNInput) (*attributesOutput, error) {
	t, err := s.resolvedTopic(req, in.TopicArn)
	if err != nil {
		return nil, err
	}
	confirmed, pending := 0, 0
	for _, sub := range t.subscriptions() {
		if sub.config().pending {
			pending++
		} else {
			confirmed++
		}
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	out := attributeMap{}
	maps.Copy(out, t.attrs)
	out["TopicArn"] = t.ARN
	out["Owner"] = t.Account
	if out["Policy"] == "" {
		out["Policy"] = defaultTopicPolicy(t.ARN, t.Account)
	}
	if out["DisplayName"] == "" {
		out["DisplayName"] = ""
	}
	out["SubscriptionsConfirmed"] = strconv.Itoa(confirmed)
	out["SubscriptionsPending"] = strconv.Itoa(pending)
	out["SubscriptionsDeleted"] = strconv.Itoa(t.deleted)
	out["EffectiveDeliveryPolicy"] = deliverypolicy.TopicEffectiveJSON(t.delivery)
	if t.FIFO {
		out["FifoTopic"] = "true"
		if out["ContentBasedDeduplication"] == "" {
			out["ContentBasedDeduplication"] = "false"
		}
	}
	return &attributesOutput{Attributes: out}, nil
}

func (s *Service) setTopicAttributes(_ context.Context, req *api.Request, in *setTopicAttributesInput) (*struct{}, error) {
	if in.AttributeName == "" {
		return nil, api.MissingParameter("AttributeName")
	}
	t, err := s.resolvedTopic(req, in.TopicArn)
	if err != nil {
		return nil, err
	}
	if in.AttributeName == "FifoTopic" {
		return nil, errInvalidParameter("AttributeName Reason: FifoTopic can be set only when the topic is created")
	}
	value := ""
	if in.AttributeValue != nil {
		value = *in.AttributeValue
	}
	t.mu.Lock()
	old := t.snapshotAttrs()
	aerr := t.setAttribute(in.AttributeName, value)
	t.mu.Unlock()
	if aerr != nil {
		return nil, aerr
	}
	if err := s.saveTopic(t); err != nil {
		t.mu.Lock()
		t.restoreAttrs(old)
		t.mu.Unlock()
		return nil, err
	}
	return nil, nil
}

// topicAttrState is what setAttribute changes, kept to undo a change the
// store refused.
type topicAttrState struct {
	attrs    map[string]string
	policy   *policy.Policy
	delivery *deliverypolicy.Topic
}

func (t *Topic) snapshotAttrs() topicAttrState {
	return topicAttrState{t.attrs, t.policy, t.delivery}
}

func (t *Topic) restoreAttrs(st topicAttrState) {
	t.attrs, t.policy, t.delivery = st.attrs, st.policy, st.delivery
}

// setAttribute validates and sets one attribute; t.mu is held (or t is not
// yet shared).
// https://docs.aws.amazon.com/sns/latest/api/API_SetTopicAttributes.html
func (t *Topic) setAttribute(name, value string) *api.Error {
	next := maps.Clone(t.attrs)
	switch name {
	case "DisplayName":
		if len(value) > 100 {
			return errInvalidParameter("DisplayName Reason: must be at most 100 characters")
		}
	case "Policy":
		if value == "" {
			t.policy = mustParse(defaultTopicPolicy(t.ARN, t.Account))
			break
		}
		p, err := policy.Parse(value, policy.Resource)
		if err != nil {
			return errInvalidParameter("Policy Error: " + err.Error())
		}
		t.policy = p
	case "DeliveryPolicy":
		if value == "" {
			t.delivery = nil
			break
		}
		d, err := deliverypolicy.ParseTopic(value)
		if err != nil {
			return errInvalidParameter(err.Error())
		}
		t.delivery = d
	case "KmsMasterKeyId":
	case "SignatureVersion":
		if value != "1" && value != "2" {
			return errInvalidParameter("Attributes Reason: SignatureVersion must be 1 or 2")
		}
	case "TracingConfig":
		if value != "PassThrough" && value != "Active" {
			return errInvalidParameter("Attributes Reason: TracingConfig must be PassThrough or Active")
		}
	case "ContentBasedDeduplication":
		if !t.FIFO {
			return errInvalidParameter("Attributes Reason: Content-based deduplication can only be set for FIFO topics")
		}
		if value != "true" && value != "false" {
			return errInvalidParameter("Attributes Reason: ContentBasedDeduplication must be true or false")
		}
	case "FifoThroughputScope":
		if !t.FIFO {
			return errInvalidParameter("Attributes Reason: FifoThroughputScope can only be set for FIFO topics")
		}
		if value != "Topic" && value != "MessageGroup" {
			return errInvalidParameter("Attributes Reason: FifoThroughputScope must be Topic or MessageGroup")
		}
	case "MaximumMessageSize":
		n, err := strconv.Atoi(value)
		if err != nil || n < 1024 || n > maxMessageSizeLimit {
			return errInvalidParameter("Attributes Reason: MaximumMessageSize must be an integer between 1024 and 1048576")
		}
	default:
		return errInvalidParameter("AttributeName")
	}
	if value == "" {
		delete(next, name)
	} else {
		next[name] = value
	}
	t.attrs = next
	return nil
}

// maxMessageSize is the topic's MaximumMessageSize: 256 KiB unless raised.
// https://docs.aws.amazon.com/sns/latest/dg/large-message-payloads.html
func (t *Topic) maxMessageSize() int {
	if v := t.attribute("MaximumMessageSize"); v != "" {
		n, _ := strconv.Atoi(v)
		return n
	}
	return defaultMaxMessageSize
}

const (
	defaultMaxMessageSize = 262144
	maxMessageSizeLimit   = 1048576
)

// resolvedTopic is the request's topic: the one authorization resolved, if
// it still exists, else looked up by ARN.
func (s *Service) resolvedTopic(req *api.Request, arn string) (*Topic, *api.Error) {
	if t, ok := req.Resolved.(*Topic); ok {
		if s.topicByARN(t.ARN) == t {
			return t, nil
		}
		return nil, errTopicNotFound()
	}
	return s.findTopic(arn)
}

// findTopic resolves a TopicArn parameter.
func (s *Service) findTopic(arn string) (*Topic, *api.Error) {
	if arn == "" {
		return nil, api.MissingParameter("TopicArn")
	}
	a, ok := parseARN(arn)
	if !ok || a.service != "sns" || strings.Contains(a.resource, ":") {
		return nil, errInvalidParameter("TopicArn")
	}
	t := s.topicByARN(arn)
	if t == nil {
		return nil, errTopicNotFound()
	}
	return t, nil
}
