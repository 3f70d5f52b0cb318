package iot

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iot/broker"
	"github.com/ferry-emulator/ferry/persist"
)

// Config wires the service to the rest of ferry.
type Config struct {
	Store persist.Store
	Log   *slog.Logger
	Now   func() time.Time // default time.Now
	// Invoker runs the rules' actions (SQS SendMessage, SNS Publish,
	// iot-data Publish) as their role, through the emulator's
	// authorization.
	Invoker api.Invoker
	// AssumeRole assumes roleARN as iot.amazonaws.com for the rule
	// ruleARN (aws:SourceArn) and returns the session's principal; an
	// error means the role cannot be assumed (it does not exist, or its
	// trust policy does not trust IoT).
	AssumeRole func(ctx context.Context, roleARN, ruleARN, account, region string) (api.Principal, error)
	// MQTT configures the broker's listeners and its authentication and
	// authorization; the service sets its OnMessage and Retained.
	MQTT broker.Config
	// Host is the host ferry advertises in addresses (DescribeEndpoint);
	// default the MQTT listener's own address.
	Host func() string
	// Workers run rule actions; default 8 per CPU.
	Workers int
}

// Service is AWS IoT across every account and region.
type Service struct {
	store   persist.Store
	log     *slog.Logger
	now     func() time.Time
	invoker api.Invoker
	assume  func(ctx context.Context, roleARN, ruleARN, account, region string) (api.Principal, error)
	host    func() string
	broker  *broker.Broker
	control *api.Service
	data    *api.Service
	engine  *engine
	roles   roleCache

	mu    sync.Mutex
	rules map[regionKey]map[string]*Rule
	index atomic.Pointer[ruleIndex] // what the engine reads, rebuilt on each change
	stats sync.Map                  // rule ARN -> *RuleStats
}

type regionKey struct{ account, region string }

// New makes the service, restores rules and retained messages from the
// store and builds the broker (which listens only once Start is called).
func New(cfg Config) (*Service, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Service{
		store: cfg.Store, log: cfg.Log, now: cfg.Now, invoker: cfg.Invoker, assume: cfg.AssumeRole,
		host: cfg.Host, rules: map[regionKey]map[string]*Rule{},
	}
	s.roles.entries = map[string]roleEntry{}
	s.index.Store(&ruleIndex{})
	s.control = &api.Service{
		SigningName: "iot",
		REST:        true,
		Actions:     s.controlActions(),
		Denied:      errAccessDenied,
		BadRequest:  errInvalidRequest,
	}
	s.data = &api.Service{
		SigningName: "iotdata",
		REST:        true,
		Actions:     s.dataActions(),
		Denied:      errForbidden,
		BadRequest:  errInvalidRequest,
	}
	if err := s.restoreRules(); err != nil {
		return nil, err
	}
	mqtt := cfg.MQTT
	mqtt.OnMessage = s.onMessage
	if cfg.Store != nil {
		mqtt.Retained = retainedStore{cfg.Store}
	}
	if mqtt.Log == nil {
		mqtt.Log = cfg.Log
	}
	b, err := broker.New(mqtt)
	if err != nil {
		return nil, err
	}
	s.broker = b
	s.engine = newEngine(s, cfg.Workers)
	return s, nil
}

// controlActions is the control plane's action table: the topic-rule
// operations, tags and DescribeEndpoint, with the IAM action each is
// authorized as.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsiot.html
func (s *Service) controlActions() map[string]*api.Action {
	return api.Table(
		api.Route(api.Resolve(api.Op("CreateTopicRule", "iot:CreateTopicRule", s.createTopicRule), s.targetCreateRule), http.MethodPost, "/rules/{ruleName}"),
		api.Route(api.Resolve(api.Op("ReplaceTopicRule", "iot:ReplaceTopicRule", s.replaceTopicRule), s.targetReplaceRule), http.MethodPatch, "/rules/{ruleName}"),
		api.Route(api.Resolve(api.Op("GetTopicRule", "iot:GetTopicRule", s.getTopicRule), s.targetRule), http.MethodGet, "/rules/{ruleName}"),
		api.Route(api.Op("ListTopicRules", "iot:ListTopicRules", s.listTopicRules), http.MethodGet, "/rules"),
		api.Route(api.Resolve(api.Op("EnableTopicRule", "iot:EnableTopicRule", s.enableTopicRule), s.targetRule), http.MethodPost, "/rules/{ruleName}/enable"),
		api.Route(api.Resolve(api.Op("DisableTopicRule", "iot:DisableTopicRule", s.disableTopicRule), s.targetRule), http.MethodPost, "/rules/{ruleName}/disable"),
		api.Route(api.Resolve(api.Op("DeleteTopicRule", "iot:DeleteTopicRule", s.deleteTopicRule), s.targetRule), http.MethodDelete, "/rules/{ruleName}"),
		api.Route(api.Op("DescribeEndpoint", "iot:DescribeEndpoint", s.describeEndpoint), http.MethodGet, "/endpoint"),
		api.Route(api.Resolve(api.Op("TagResource", "iot:TagResource", s.tagResource), s.targetTagResource), http.MethodPost, "/tags"),
		api.Route(api.Resolve(api.Op("UntagResource", "iot:UntagResource", s.untagResource), s.targetUntagResource), http.MethodPost, "/untag"),
		api.Route(api.Resolve(api.Op("ListTagsForResource", "iot:ListTagsForResource", s.listTagsForResource), s.targetListTags), http.MethodGet, "/tags"),
	)
}

// dataActions is the iot-data plane's action table.
func (s *Service) dataActions() map[string]*api.Action {
	return api.Table(
		api.Route(api.Resolve(api.Op("Publish", "iot:Publish", s.publish), s.targetPublish), http.MethodPost, "/topics/{topic}"),
		api.Route(api.Resolve(api.Op("GetRetainedMessage", "iot:GetRetainedMessage", s.getRetainedMessage), s.targetTopic), http.MethodGet, "/retainedMessage/{topic}"),
		api.Route(api.Op("ListRetainedMessages", "iot:ListRetainedMessages", s.listRetainedMessages), http.MethodGet, "/retainedMessage"),
	)
}

// API is the control plane (signed as iot, or execute-api).
func (s *Service) API() *api.Service { return s.control }

// Data is the iot-data plane, a service of its own on the wire.
func (s *Service) Data() DataPlane { return DataPlane{s} }

// DataPlane is the iot-data plane as the emulator routes to it.
type DataPlane struct{ s *Service }

// API is the iot-data plane's description.
func (d DataPlane) API() *api.Service { return d.s.data }

// Reset and Close belong to the Service; the data plane has no state of
// its own.
func (DataPlane) Reset() {}

// Close is a no-op for the same reason.
func (DataPlane) Close() {}

// Start opens the broker's listeners.
func (s *Service) Start() error { return s.broker.Start() }

// MQTTAddr is the MQTT TCP listener's address, nil before Start or when
// there is none.
func (s *Service) MQTTAddr() net.Addr { return s.broker.Addr() }

// WebSocketAddr is the MQTT-over-WebSocket listener's address, if any.
func (s *Service) WebSocketAddr() net.Addr { return s.broker.WebSocketAddr() }

// TLSAddr is the MQTT-over-TLS listener's address, if any.
func (s *Service) TLSAddr() net.Addr { return s.broker.TLSAddr() }

// Close stops the broker and then the rules engine, so that no message
// arrives for a worker that is gone.
func (s *Service) Close() {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.broker.Close(ctx); err != nil && !errors.Is(err, context.DeadlineExceeded) {
		s.log.Warn("closing the MQTT broker", "err", err)
	}
	s.engine.close()
}

// Reset forgets every rule and retained message and disconnects every
// MQTT client.
func (s *Service) Reset() {
	s.mu.Lock()
	s.rules = map[regionKey]map[string]*Rule{}
	s.index.Store(&ruleIndex{})
	s.mu.Unlock()
	s.stats.Clear()
	s.roles.reset()
	s.broker.Reset()
}

// Flush waits until every message that reached the rules engine so far
// has been through its rules and actions.
func (s *Service) Flush(ctx context.Context) error { return s.engine.flush(ctx) }
