// Package sqs is ferry's Amazon SQS: every action of the 2012-11-05 API over
// AWS JSON 1.0 and the query protocol (the emulator renders both), on top of
// the queue state machine in sqs/queue.
//
// Deliberate differences from AWS, all in the direction of being exact where
// AWS is approximate:
//   - ApproximateNumberOf* counters are exact.
//   - A standard queue never delivers a message twice while it is in flight and
//     returns every visible message a receive asks for (AWS samples servers).
//
// Server-side encryption (sse.go) seals bodies with real AES-256-GCM under
// data keys from ferry's KMS or, for SSE-SQS, a key ferry holds in its
// store. A receive that KMS refuses makes the messages it took visible
// again at once (their receive counts stand).
//
// This package carries no compatibility promise; the emulator package does.
package sqs
