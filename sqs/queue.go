package sqs

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam/policy"
	"github.com/ferry-emulator/ferry/persist"
	"github.com/ferry-emulator/ferry/sqs/queue"
)

// Queue is one SQS queue: its identity and attributes here, its messages in
// the state machine.
type Queue struct {
	Name, Account, Region, ARN string
	FIFO                       bool
	Created                    time.Time
	engine                     *queue.Queue

	mu        sync.Mutex // guards the fields below
	attrs     map[string]string
	policy    *policy.Policy // the Policy attribute, parsed
	tags      map[string]string
	modified  time.Time
	lastPurge time.Time

	// sse is the encryption the attributes ask for, worked out when they
	// change: every send reads it.
	sse atomic.Pointer[sseSettings]
	// view is what every request reads, replaced whole (under mu) when the
	// attributes or tags change, so that requests read it without taking
	// mu, which requests on other cores would contend for.
	view atomic.Pointer[queueView]
}

type queueView struct {
	policy         *policy.Policy
	tags           map[string]string
	maxMessageSize int
}

// setAttributes replaces the attributes, keeping the parsed policy in step.
// The caller holds q.mu; the Policy attribute was validated on the way in.
func (q *Queue) setAttributes(attrs map[string]string) {
	q.attrs = attrs
	q.policy, _ = parseQueuePolicy(attrs["Policy"])
	st := sseSettingsOf(attrs)
	q.sse.Store(&st)
	q.refreshView()
}

// setTags replaces the tags. The caller holds q.mu.
func (q *Queue) setTags(tags map[string]string) {
	q.tags = tags
	q.refreshView()
}

func (q *Queue) refreshView() {
	v := &queueView{policy: q.policy, tags: q.tags, maxMessageSize: maxMessageSize}
	if n, err := strconv.Atoi(q.attrs["MaximumMessageSize"]); err == nil {
		v.maxMessageSize = n
	}
	q.view.Store(v)
}

func (q *Queue) attribute(name string) (string, bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	v, ok := q.attrs[name]
	return v, ok
}

func (q *Queue) maxMessageSize() int { return q.view.Load().maxMessageSize }

const queuesBucket = "sqs.queues"

// queueRecord is a queue's durable form.
type queueRecord struct {
	Attributes map[string]string `json:"attributes"`
	Tags       map[string]string `json:"tags,omitempty"`
	Created    time.Time         `json:"created"`
	Modified   time.Time         `json:"modified"`
	// HandleTag names the queue in its receipt handles, kept so that
	// handles given out before a restart still work after it.
	HandleTag []byte `json:"handleTag,omitempty"`
}

// save writes the queue's metadata through the store. Must be called with
// s.meta held, so records land in the order the changes happened.
func (s *Service) save(q *Queue) error {
	if s.store == nil {
		return nil
	}
	q.mu.Lock()
	rec := queueRecord{Attributes: maps.Clone(q.attrs), Tags: maps.Clone(q.tags), Created: q.Created, Modified: q.modified,
		HandleTag: q.engine.Tag()}
	q.mu.Unlock()
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	return s.store.Update(persist.Write{Bucket: queuesBucket, Key: persist.Key(q.Account, q.Region, q.Name), Value: b})
}

// restore recreates the queues recorded in the store.
func (s *Service) restore() error {
	if s.store == nil {
		return nil
	}
	var queues []*Queue
	err := s.store.Scan(queuesBucket, nil, func(key, value []byte) error {
		parts := persist.SplitKey(key)
		if len(parts) != 3 {
			return nil
		}
		var rec queueRecord
		if err := json.Unmarshal(value, &rec); err != nil {
			return err
		}
		q := newQueue(parts[0], parts[1], parts[2], rec.Attributes, rec.Tags, rec.Created)
		q.modified = rec.Modified
		if len(rec.HandleTag) > 0 {
			q.engine.SetTag(rec.HandleTag)
		}
		queues = append(queues, q)
		return nil
	})
	if err != nil {
		return err
	}
	for _, q := range queues {
		if err := s.attachJournal(q, true); err != nil {
			return fmt.Errorf("restoring the messages of %s: %w", q.ARN, err)
		}
	}
	s.mu.Lock()
	for _, q := range queues {
		s.putQueue(s.regionOf(q.Account, q.Region), q)
	}
	s.mu.Unlock()
	seen := map[regionKey]bool{}
	for _, q := range queues {
		k := regionKey{q.Account, q.Region}
		if !seen[k] {
			seen[k] = true
			s.relink(q.Account, q.Region)
		}
	}
	return nil
}

func newQueue(account, regionName, name string, attrs, tags map[string]string, created time.Time) *Queue {
	arn := queueARN(regionName, account, name)
	q := &Queue{
		Name: name, Account: account, Region: regionName, ARN: arn,
		FIFO: attrs["FifoQueue"] == "true", Created: created,
		tags: tags, modified: created,
	}
	q.setAttributes(attrs)
	if q.tags == nil {
		q.setTags(map[string]string{})
	}
	q.engine = queue.New(arn, engineSettings(attrs, nil, 0))
	return q
}

// regionOf returns the region's state, creating it. Must be called with s.mu held for writing.
func (s *Service) regionOf(account, regionName string) *region {
	k := regionKey{account, regionName}
	r := s.regions[k]
	if r == nil {
		r = &region{queues: map[string]*Queue{}, deleted: map[string]time.Time{}}
		s.regions[k] = r
	}
	return r
}

// relink recomputes every queue's engine settings in one region, resolving
// dead-letter targets: run after any queue there is created, deleted or
// changes its RedrivePolicy. Must be called with s.meta held (or before serving).
func (s *Service) relink(account, regionName string) {
	for _, q := range s.queuesIn(account, regionName) {
		q.mu.Lock()
		attrs := q.attrs
		q.mu.Unlock()
		var dlq *queue.Queue
		maxReceive := 0
		if rp, ok := attrs["RedrivePolicy"]; ok {
			if p, err := parseRedrivePolicy(rp); err == nil {
				if ref, ok := parseQueueARN(p.DeadLetterTargetARN); ok {
					if d := s.lookup(ref); d != nil && d != q {
						dlq, maxReceive = d.engine, p.MaxReceiveCount
					}
				}
			}
		}
		q.engine.SetSettings(engineSettings(attrs, dlq, maxReceive))
	}
}

var queueNamePattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

func validQueueName(name string, fifo bool) bool {
	if fifo {
		base, ok := strings.CutSuffix(name, ".fifo")
		return ok && len(name) <= 80 && (base == "" || queueNamePattern.MatchString(base)) && base != ""
	}
	return queueNamePattern.MatchString(name)
}

func (s *Service) createQueue(_ context.Context, req *api.Request, in *createQueueInput) (*queueURLOutput, error) {
	if in.QueueName == "" {
		return nil, api.MissingParameter("QueueName")
	}
	fifo := strings.EqualFold(in.Attributes["FifoQueue"], "true")
	if !validQueueName(in.QueueName, fifo) {
		if fifo {
			return nil, api.InvalidParameterValue("The name of a FIFO queue can only include alphanumeric characters, hyphens, or underscores, must end with .fifo suffix and be 1 to 80 in length.")
		}
		if strings.HasSuffix(in.QueueName, ".fifo") {
			return nil, api.InvalidParameterValue("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length. A queue name ending in .fifo must have the FifoQueue attribute set to true.")
		}
		return nil, api.InvalidParameterValue("Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length")
	}
	if err := validateTags(in.Tags, 0); err != nil {
		return nil, err
	}
	attrs, aerr := applyAttributes(defaultAttributes(fifo), in.Attributes, fifo, true)
	if aerr != nil {
		return nil, aerr
	}
	if !fifo {
		delete(attrs, "FifoQueue") // FifoQueue=false is accepted and not stored, as in AWS
	}

	s.meta.Lock()
	defer s.meta.Unlock()
	now := s.now()
	if existing := s.lookup(queueRef{req.Account, req.Region, in.QueueName}); existing != nil {
		// Re-creating returns the existing queue when every attribute the
		// request names has the queue's value; attributes it leaves out are
		// not compared (not even against their defaults), so a plain
		// CreateQueue(name) finds a queue configured elsewhere.
		existing.mu.Lock()
		defer existing.mu.Unlock()
		for name := range in.Attributes {
			if v := attrs[name]; existing.attrs[name] != v {
				return nil, errQueueNameExists("A queue already exists with the same name and a different value for attribute " + name)
			}
		}
		return &queueURLOutput{QueueURL: queueURL(req, req.Account, in.QueueName)}, nil
	}
	s.mu.Lock()
	r := s.regionOf(req.Account, req.Region)
	if t, ok := r.deleted[in.QueueName]; ok && now.Sub(t) < time.Minute {
		s.mu.Unlock()
		return nil, errQueueDeletedRecently(in.QueueName)
	}
	s.mu.Unlock()

	tags := maps.Clone(in.Tags)
	q := newQueue(req.Account, req.Region, in.QueueName, attrs, tags, now)
	if err := s.checkRedrive(q, attrs); err != nil {
		q.engine.Close()
		return nil, err
	}
	if err := s.checkRedriveAllow(attrs); err != nil {
		q.engine.Close()
		return nil, err
	}
	s.attachJournal(q, false) // a new queue has nothing to restore: no error
	s.mu.Lock()
	s.putQueue(r, q)
	delete(r.deleted, q.Name)
	s.mu.Unlock()
	if err := s.save(q); err != nil {
		s.mu.Lock()
		s.dropQueue(r, q)
		s.mu.Unlock()
		q.engine.Close()
		return nil, err
	}
	s.relink(req.Account, req.Region)
	return &queueURLOutput{QueueURL: queueURL(req, req.Account, q.Name)}, nil
}

func (s *Service) checkRedriveAllow(attrs map[string]string) *api.Error {
	if v, ok := attrs["RedriveAllowPolicy"]; ok {
		if _, err := parseRedriveAllowPolicy(v); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) getQueueURL(_ context.Context, req *api.Request, in *getQueueURLInput) (*queueURLOutput, error) {
	if in.QueueName == "" {
		return nil, api.MissingParameter("QueueName")
	}
	account := req.Account
	if in.QueueOwnerAWSAccountID != "" {
		account = in.QueueOwnerAWSAccountID
	}
	if s.lookup(queueRef{account, req.Region, in.QueueName}) == nil {
		return nil, errQueueDoesNotExist()
	}
	return &queueURLOutput{QueueURL: queueURL(req, account, in.QueueName)}, nil
}

func (s *Service) listQueues(_ context.Context, req *api.Request, in *listQueuesInput) (*listQueuesOutput, error) {
	var names []string
	for _, q := range s.queuesIn(req.Account, req.Region) {
		if strings.HasPrefix(q.Name, in.QueueNamePrefix) {
			names = append(names, q.Name)
		}
	}
	page, next, err := paginate(names, in.NextToken, in.MaxResults)
	if err != nil {
		return nil, err
	}
	out := &listQueuesOutput{NextToken: next}
	for _, name := range page {
		out.QueueURLs = append(out.QueueURLs, queueURL(req, req.Account, name))
	}
	return out, nil
}

func (s *Service) deleteQueue(_ context.Context, req *api.Request, in *queueURLInput) (*struct{}, error) {
	s.meta.Lock()
	defer s.meta.Unlock()
	q, err := s.queueFromURL(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	// Closed first, so that no change of its messages is journaled after
	// the deletion of their records.
	s.moves.stopFor(q.ARN)
	q.engine.Close()
	if err := s.dropMessages(q); err != nil {
		return nil, err
	}
	s.mu.Lock()
	r := s.regionOf(q.Account, q.Region)
	s.dropQueue(r, q)
	r.deleted[q.Name] = s.now()
	s.mu.Unlock()
	s.relink(q.Account, q.Region)
	return nil, nil
}

// computedAttributes are the read-only attributes, computed on demand.
func (q *Queue) computedAttributes() map[string]string {
	c := q.engine.Counts()
	q.mu.Lock()
	modified := q.modified
	q.mu.Unlock()
	return map[string]string{
		"ApproximateNumberOfMessages":           strconv.Itoa(c.Visible),
		"ApproximateNumberOfMessagesNotVisible": strconv.Itoa(c.InFlight),
		"ApproximateNumberOfMessagesDelayed":    strconv.Itoa(c.Delayed),
		"CreatedTimestamp":                      strconv.FormatInt(q.Created.Unix(), 10),
		"LastModifiedTimestamp":                 strconv.FormatInt(modified.Unix(), 10),
		"QueueArn":                              q.ARN,
	}
}

func (s *Service) getQueueAttributes(_ context.Context, req *api.Request, in *getQueueAttributesInput) (*attributesOutput, error) {
	q, err := s.queueFromURL(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	all := false
	for _, name := range in.AttributeNames {
		if name == "All" {
			all = true
			continue
		}
		if _, ok := settableAttributes[name]; !ok && !readOnlyAttributes[name] {
			return nil, errInvalidAttributeName(name)
		}
	}
	if len(in.AttributeNames) == 0 {
		return &attributesOutput{}, nil
	}
	everything := q.computedAttributes()
	q.mu.Lock()
	for k, v := range q.attrs {
		everything[k] = v
	}
	q.mu.Unlock()
	if all {
		return &attributesOutput{Attributes: everything}, nil
	}
	out := attributeMap{}
	for _, name := range in.AttributeNames {
		if v, ok := everything[name]; ok {
			out[name] = v
		}
	}
	return &attributesOutput{Attributes: out}, nil
}

func (s *Service) setQueueAttributes(_ context.Context, req *api.Request, in *setQueueAttributesInput) (*struct{}, error) {
	if len(in.Attributes) == 0 {
		return nil, api.MissingParameter("Attribute.1.Name")
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	q, err := s.queueFromURL(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	cur := q.attrs
	q.mu.Unlock()
	next, aerr := applyAttributes(cur, in.Attributes, q.FIFO, false)
	if aerr != nil {
		return nil, aerr
	}
	if err := s.checkRedrive(q, next); err != nil {
		return nil, err
	}
	if err := s.checkRedriveAllow(next); err != nil {
		return nil, err
	}
	q.mu.Lock()
	q.setAttributes(next)
	q.modified = s.now()
	q.mu.Unlock()
	if err := s.save(q); err != nil {
		q.mu.Lock()
		q.setAttributes(cur)
		q.mu.Unlock()
		return nil, err
	}
	s.relink(q.Account, q.Region)
	return nil, nil
}

func (s *Service) purgeQueue(_ context.Context, req *api.Request, in *queueURLInput) (*struct{}, error) {
	q, err := s.queueFromURL(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	now := s.now()
	q.mu.Lock()
	if !q.lastPurge.IsZero() && now.Sub(q.lastPurge) < time.Minute {
		q.mu.Unlock()
		return nil, errPurgeQueueInProgress(q.Name)
	}
	q.lastPurge = now
	q.mu.Unlock()
	q.engine.Purge()
	return nil, s.durable(req)
}
