// Package emulator is ferry's server and its embeddable API: one HTTP
// listener serving every AWS API, routed by the SigV4 credential scope, the
// X-Amz-Target header and the Action parameter, with each request
// authenticated before its service sees it.
//
// A Go test starts ferry in-process on a free port with Run and points an
// SDK client at URL:
//
//	srv, err := emulator.Run(emulator.Config{Listen: "127.0.0.1:0"})
//	...
//	defer srv.Close()
//
// The service packages (sqs, ...) carry no compatibility promise; this
// package's exported API does.
package emulator
