// Package queue is the state machine of one Amazon SQS queue: sending with
// delays and FIFO deduplication, receiving with visibility timeouts and long
// polling, FIFO message-group ordering and locking, receipt handles, retention,
// redrive to a dead-letter queue, and the primitives a message move task needs.
//
// It knows nothing of the wire: the sqs package parses and validates requests,
// computes the MD5 digests and renders responses. A Queue validates only what
// its own behaviour depends on (a FIFO message needs a group id and a
// deduplication id); ranges (delay ≤ 15 minutes, visibility timeout ≤ 12 hours,
// MaxNumberOfMessages ≤ 10) are the caller's business.
//
// # Data structures
//
// One mutex per queue guards everything. Every message is an entry in a map by
// an internal key and in a min-heap by enqueue time (retention). A delayed or
// in-flight message is in a second min-heap by the time it becomes visible
// again. A visible message of a standard queue is in a linked list in the order
// it became visible; a FIFO message stays in its message group's list, in send
// order, from send to deletion, and a list of ready groups (no message in
// flight, first message visible) is what a receive walks. Deadlines are
// processed lazily by each operation; a long poll blocks on a channel that is
// closed when something becomes receivable, and a single per-queue timer,
// armed only while someone waits, fires at the earliest visibility deadline.
// No operation scans the queue, except SetSettings changing a FIFO queue's
// delay, which re-times its delayed messages.
//
// # Lock order
//
// A goroutine never holds two queues' locks. A receive that moves messages to
// a dead-letter queue detaches them under the source queue's lock, releases it,
// and then inserts them into the dead-letter queue; if that queue has been
// deleted meanwhile the messages go back to the source queue.
//
// # Deliberate differences from AWS
//
//   - Everything AWS calls approximate is exact: the counts, the order of a
//     standard queue (the order in which messages became visible: a message
//     whose visibility timeout ends goes behind the ones already waiting), and
//     a receive returns every visible message it may, up to Max.
//   - PurgeQueue takes effect at once, not within 60 seconds; it keeps the
//     deduplication records of a FIFO queue.
//   - A message group id on a standard queue (fair queues) is stored and
//     returned but does not change delivery.
//   - Changing the delay of a FIFO queue re-times the messages still delayed
//     (AWS: the FIFO queue delay is retroactive); messages already visible stay
//     visible.
//   - A standard queue deletes the message when given its latest receipt
//     handle even after the visibility timeout ended; a FIFO queue rejects such
//     a handle as expired, as AWS does.
//   - A ReceiveRequestAttemptId whose messages were deleted, changed or
//     received again is not an error: the receive simply runs anew.
//
// This package carries no compatibility promise; the emulator package does.
package queue
