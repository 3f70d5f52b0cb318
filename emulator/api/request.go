package api

import (
	"log/slog"
	"time"
)

// Protocol is the wire protocol a request arrived in; results and errors go
// back in the same one.
type Protocol uint8

const (
	ProtocolQuery Protocol = iota // form-encoded request, XML response
	ProtocolJSON10
	ProtocolJSON11
)

// Principal is the authenticated caller.
type Principal struct {
	ARN     string // arn:aws:iam::111111111111:root
	Account string
	Type    string // Root, User, AssumedRole
	UserID  string // aws:userid
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
}
