package api

import (
	"log/slog"
	"time"

	"github.com/ferry-emulator/ferry/iam/policy"
)

// Protocol is the wire protocol a request arrived in; results and errors go
// back in the same one.
type Protocol uint8

const (
	ProtocolQuery Protocol = iota // form-encoded request, XML response
	ProtocolJSON10
	ProtocolJSON11
)

// Principal types, as aws:PrincipalType names them.
const (
	PrincipalRoot        = "Account"
	PrincipalUser        = "User"
	PrincipalAssumedRole = "AssumedRole"
	PrincipalService     = "Service" // an AWS service acting through a resource policy
	PrincipalAnonymous   = "Anonymous"
)

// Principal is the authenticated caller.
type Principal struct {
	ARN     string // arn:aws:iam::111111111111:root, …:user/alice, arn:aws:sts::…:assumed-role/R/S
	Account string
	Type    string // one of the Principal* constants
	UserID  string // aws:userid: the account id for a root, AIDA… for a user, AROA…:session for a session
	Name    string // aws:username for users; the session name for sessions

	// For assumed-role sessions: the role's IAM ARN, the session policies
	// that narrow it, and where the chain started.
	RoleARN         string
	SessionPolicies []policy.NamedPolicy
	SourceIdentity  string
	// Tags are aws:PrincipalTag values: a user's or role's tags plus session tags.
	Tags map[string]string
	// Service is the service principal's name (sns.amazonaws.com) when an
	// AWS service acts on its own behalf.
	Service string
}

// Request is the context of one API call, built by the emulator after
// authentication and handed to the service's handler.
type Request struct {
	ID          string
	Service     string // signing name: sqs, sns, ...
	Action      string
	Account     string // the caller's account: where its resources live
	Region      string // from the credential scope
	Principal   Principal
	AccessKeyID string
	Time        time.Time // when the request arrived
	Host        string    // Host header, for URLs the caller can reach back
	Scheme      string    // http or https
	Path        string    // request path (query clients may address a queue by its URL path)
	Protocol    Protocol
	SourceIP    string
	Log         *slog.Logger

	// InProcess marks a call one service makes of another (SNS delivering
	// into SQS): nobody waits on its answer to acknowledge anything.
	InProcess bool

	// SourceARN and SourceAccount are set when a service principal acts
	// for one of its resources (aws:SourceArn, aws:SourceAccount).
	SourceARN, SourceAccount string
	// ViaService is the endpoint of the service making an in-process call
	// on its principal's behalf (sqs.us-east-1.amazonaws.com when SQS asks
	// KMS for a data key for a user's message): kms:ViaService, and
	// aws:ViaAWSService true. Empty on a request from outside.
	ViaService string

	// Resolved is what target resolution found (a service's own resource,
	// such as a queue), left for the handler so it is not looked up twice.
	// Nil when authorization is off or the action resolves nothing.
	Resolved any
}
