package emulator

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// Invoke runs an action for another service in process: SNS delivering into
// SQS as sns.amazonaws.com. The call takes the path an outside request
// takes after authentication (target resolution, authorization, handler),
// so a queue policy that does not allow the topic stops a delivery exactly
// as it stops a client. A delivery that fails for any other reason (the
// queue is gone, the message is invalid) is recorded in the audit trail
// too, because AWS drops it without telling the publisher.
func (s *Server) Invoke(ctx context.Context, c *api.Call) (any, error) {
	impl := s.services[c.Service]
	if impl == nil {
		return nil, fmt.Errorf("invoke: no service %q", c.Service)
	}
	svc := impl.API()
	action := svc.Actions[c.Action]
	if action == nil {
		return nil, fmt.Errorf("invoke: %s has no action %q", c.Service, c.Action)
	}
	req := requests.Get().(*api.Request)
	defer func() {
		*req = api.Request{}
		requests.Put(req)
	}()
	*req = api.Request{
		ID:            c.RequestID,
		Service:       svc.SigningName,
		Action:        c.Action,
		Account:       c.Principal.Account,
		Region:        c.Region,
		Principal:     c.Principal,
		Time:          s.cfg.Clock(),
		Host:          s.advertisedHost(),
		Scheme:        "https", // services reach each other over TLS in AWS: aws:SecureTransport is true
		Protocol:      api.ProtocolJSON10,
		Log:           s.log,
		SourceARN:     c.SourceARN,
		SourceAccount: c.SourceAccount,
		ViaService:    c.ViaService,
		InProcess:     true,
	}
	if req.ID == "" {
		req.ID = newRequestID()
	}
	if req.Account == "" {
		req.Account = c.SourceAccount // whom the audit trail files a service's call under
	}
	if e := s.authorize(ctx, svc, action, req, c.Input); e != nil {
		if !isDenial(e) {
			s.recordFailure(req, action.IAMAction, c, e)
		}
		return nil, e
	}
	out, err := action.Call(ctx, req, c.Input)
	if err != nil {
		var ae *api.Error
		if !errors.As(err, &ae) {
			s.log.Error("invoked action failed", "requestId", req.ID, "action", c.Action, "err", err)
			ae = api.InternalFailure()
		}
		s.recordFailure(req, action.IAMAction, c, ae)
		return nil, ae
	}
	return out, nil
}

// requests recycles request contexts, of HTTP requests and in-process calls
// alike: a fan-out makes one per delivery, and none outlives its call
// (handlers copy what they keep).
var requests = sync.Pool{New: func() any { return new(api.Request) }}

// advertisedHost is the host for URLs made outside any request.
func (s *Server) advertisedHost() string {
	if s.advertised != "" {
		return s.advertised
	}
	if s.listener != nil {
		return s.listener.Addr().String()
	}
	return "localhost:4566"
}

// isDenial reports whether an error is an authorization decision's, which
// the audit trail has already recorded.
func isDenial(e *api.Error) bool {
	// By code: KMS answers its denials with 400, the others with 403.
	switch e.Code {
	case "AccessDenied", "AuthorizationError", "AccessDeniedException", "ForbiddenException":
		return true
	}
	return false
}

// recordFailure files a failed in-process call in the audit trail with the
// decision "Error": authorization did not stop it, something else did.
func (s *Server) recordFailure(req *api.Request, action string, c *api.Call, e *api.Error) {
	resource := c.Resource
	if resource == "" {
		resource = c.SourceARN
	}
	s.audit.record(auditRecord{AuditEvent: AuditEvent{
		Time: req.Time, RequestID: req.ID, Account: req.Account, Principal: req.Principal.ARN,
		Action: action, Resource: resource, Decision: "Error",
		Reason:   "the call failed: " + e.WireCode() + ": " + e.Message,
		Enforced: s.cfg.IAMMode == "enforce",
	}})
}
