// Package api holds what the transport and the services share: the AWS error
// type, the per-request context, and the action tables through which every
// service exposes its operations.
//
// Services never see an http.ResponseWriter: a handler takes a decoded input
// struct and returns an output struct or an *Error, and the emulator's codec
// for the request's protocol renders either one on the wire.
package api
