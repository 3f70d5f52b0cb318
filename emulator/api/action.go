package api

import "context"

// Action is one operation of a service: a line of its action table.
type Action struct {
	Name      string // e.g. SendMessage
	IAMAction string // e.g. sqs:SendMessage; what authorization is asked about
	newInput  func() any
	call      func(ctx context.Context, req *Request, in any) (any, error)

	target       func(ctx context.Context, req *Request, in any) (Target, error)
	unauthorized bool

	// Method and Path route a REST-JSON operation; see Route.
	Method, Path string
}

// Op builds a typed Action. A handler returns (nil, nil) for an operation
// with an empty result.
func Op[In, Out any](name, iamAction string, h func(context.Context, *Request, *In) (*Out, error)) *Action {
	return &Action{
		Name:      name,
		IAMAction: iamAction,
		newInput:  func() any { return new(In) },
		call: func(ctx context.Context, req *Request, in any) (any, error) {
			out, err := h(ctx, req, in.(*In))
			if err != nil || out == nil {
				return nil, err
			}
			return out, nil
		},
	}
}

// NewInput returns a pointer to a zero input struct for the codecs to fill.
func (a *Action) NewInput() any { return a.newInput() }

// Call runs the handler on a decoded input.
func (a *Action) Call(ctx context.Context, req *Request, in any) (any, error) {
	return a.call(ctx, req, in)
}

// Service describes how a service is reached on the wire and what it offers.
type Service struct {
	SigningName     string // credential-scope service: sqs
	TargetPrefix    string // X-Amz-Target prefix for JSON protocols: AmazonSQS
	JSONVersion     string // "1.0" or "1.1"; empty when the service speaks no JSON protocol
	JSONNamespace   string // Smithy namespace for __type: com.amazonaws.sqs
	XMLNamespace    string // query protocol response namespace
	QueryProtocol   bool   // accepts form-encoded Action requests
	QueryCompatible bool   // JSON errors carry x-amzn-query-error (awsQueryCompatible)
	// REST marks a REST-JSON service: actions are found by method and path
	// (see Route) and results and errors are plain JSON.
	REST bool
	// BadRequest builds the error for a REST request whose labels,
	// parameters or body do not decode; default SerializationError.
	BadRequest func(message string) *Error
	Actions    map[string]*Action
	// Denied builds the service's access-denied error from AWS's message
	// ("User: … is not authorized to perform: …"); default AccessDenied.
	Denied func(message string) *Error
	// Unsigned are actions AWS serves without a signature (SNS's
	// SubscribeURL and UnsubscribeURL), by Action parameter.
	Unsigned map[string]*Action
	// UpperCaseDeniedPrefix: the service writes the action's prefix in
	// upper case in that message, as SNS does (SNS:Publish).
	UpperCaseDeniedPrefix bool
	// LowerCaseDeniedAction: the service writes the action in lower case in
	// that message, as SQS does (sqs:sendmessage).
	LowerCaseDeniedAction bool
}

// Table indexes actions by name.
func Table(actions ...*Action) map[string]*Action {
	m := make(map[string]*Action, len(actions))
	for _, a := range actions {
		m[a.Name] = a
	}
	return m
}
