package sts

import (
	"context"
	"crypto/rand"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam"
	"github.com/ferry-emulator/ferry/iam/policy"
	"github.com/ferry-emulator/ferry/persist"
)

// RoleSource finds roles by ARN: the IAM service.
type RoleSource interface {
	Role(arn string) (iam.Role, bool)
}

// ManagedPolicySource finds managed policies by ARN, for AssumeRole's
// PolicyArns: the IAM service.
type ManagedPolicySource interface {
	ManagedPolicy(arn string) (policy.NamedPolicy, bool)
}

// Config wires the service to the rest of ferry.
type Config struct {
	Store persist.Store
	Log   *slog.Logger
	// Now is the clock that sessions are issued and expire by; default time.Now.
	Now      func() time.Time
	Roles    RoleSource
	Policies ManagedPolicySource
}

// Service is STS for every account: it issues temporary credentials and
// remembers them until well after they expire, so that a caller with an
// expired session is told ExpiredToken rather than that its key is unknown.
type Service struct {
	store    persist.Store
	log      *slog.Logger
	now      func() time.Time
	roles    RoleSource
	policies ManagedPolicySource
	api      *api.Service
	msgKey   []byte // signs the authorization messages ferry encodes

	mu        sync.RWMutex
	sessions  map[string]*session // by access key id
	lastSweep time.Time
}

// New makes the service and restores the unexpired sessions recorded in
// the store.
func New(cfg Config) (*Service, error) {
	if cfg.Log == nil {
		cfg.Log = slog.New(slog.DiscardHandler)
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	s := &Service{
		store: cfg.Store, log: cfg.Log, now: cfg.Now, roles: cfg.Roles, policies: cfg.Policies,
		sessions: map[string]*session{},
	}
	s.api = &api.Service{
		SigningName:   "sts",
		XMLNamespace:  "https://sts.amazonaws.com/doc/2011-06-15/",
		QueryProtocol: true,
		Actions:       s.actions(),
		Denied:        errAccessDenied,
	}
	if err := s.restore(); err != nil {
		return nil, err
	}
	if err := s.loadMessageKey(); err != nil {
		return nil, err
	}
	return s, nil
}

// actions is STS's action table. GetCallerIdentity and GetSessionToken need
// no permission and cannot be denied
// (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetSessionToken.html:
// "You cannot use policies to control authentication operations").
func (s *Service) actions() map[string]*api.Action {
	return api.Table(
		api.Resolve(api.Op("AssumeRole", "sts:AssumeRole", s.assumeRole), s.assumeRoleTarget),
		api.Unauthorized(api.Op("GetCallerIdentity", "sts:GetCallerIdentity", s.getCallerIdentity)),
		api.Unauthorized(api.Op("GetSessionToken", "sts:GetSessionToken", s.getSessionToken)),
		api.Resolve(api.Op("GetAccessKeyInfo", "sts:GetAccessKeyInfo", s.getAccessKeyInfo), anyResource[getAccessKeyInfoInput]),
		api.Resolve(api.Op("DecodeAuthorizationMessage", "sts:DecodeAuthorizationMessage", s.decodeAuthorizationMessage), anyResource[decodeAuthorizationMessageInput]),
	)
}

// anyResource is the target of actions that act on no resource.
func anyResource[In any](_ context.Context, req *api.Request, _ *In) (api.Target, error) {
	return api.Target{ARN: "*", Account: req.Account}, nil
}

// API describes the service to the emulator.
func (s *Service) API() *api.Service { return s.api }

// Reset forgets every session; the emulator resets the store.
func (s *Service) Reset() {
	s.mu.Lock()
	s.sessions = map[string]*session{}
	s.mu.Unlock()
}

// Close has nothing to stop: STS runs no goroutines.
func (s *Service) Close() {}

// randomBytes fills a fresh slice from the system's random source.
func randomBytes(n int) []byte {
	b := make([]byte, n)
	rand.Read(b)
	return b
}

// accountOfRoleARN is the account an arn:aws:iam::ACCOUNT:role/… names.
func accountOfRoleARN(arn string) (string, bool) {
	rest, ok := strings.CutPrefix(arn, "arn:aws:iam::")
	if !ok {
		return "", false
	}
	account, rest, ok := strings.Cut(rest, ":")
	if !ok || !strings.HasPrefix(rest, "role/") {
		return "", false
	}
	return account, true
}
