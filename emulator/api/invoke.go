package api

import "context"

// Invoker runs one service's action on behalf of another, in process and
// through the same authorization as an outside request (DESIGN §9): SNS
// delivering into SQS, IoT rules acting on SQS and SNS. Neither the call
// nor its input is kept once Invoke returns, so callers may reuse them.
type Invoker interface {
	Invoke(ctx context.Context, c *Call) (any, error)
}

// Call is one in-process action call.
type Call struct {
	Service string // signing name of the service called: sqs
	Action  string // SendMessage
	Region  string
	// Principal acts: a service principal (sns.amazonaws.com) or the role
	// session a rule acts as.
	Principal Principal
	Input     any // pointer to the action's input, as its decoder would fill it
	// SourceARN and SourceAccount are aws:SourceArn and aws:SourceAccount:
	// the resource a service acts for (the topic delivering) and its owner.
	SourceARN, SourceAccount string
	// ViaService, when set, makes the call one the calling service makes
	// for Principal through its endpoint (sqs.us-east-1.amazonaws.com), as
	// SQS and SNS call KMS with their caller's credentials; see
	// Request.ViaService.
	ViaService string
	// Resource names what the call acts on (the queue's ARN) for the audit
	// trail, should it fail before its target is resolved.
	Resource string
	// RequestID ties the call's audit record to what caused it; a fresh id
	// when empty.
	RequestID string
}
