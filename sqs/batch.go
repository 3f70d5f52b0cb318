package sqs

import (
	"context"
	"regexp"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// The batch actions: up to ten entries, each succeeding or failing on its
// own, after checks that fail the whole request.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-batch-api-actions.html

var batchIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// checkBatchIDs applies the whole-request checks every batch action shares.
func checkBatchIDs(n int, id func(i int) string) *api.Error {
	if n == 0 {
		return errEmptyBatchRequest()
	}
	if n > 10 {
		return errTooManyEntriesInBatchRequest(n)
	}
	seen := make(map[string]bool, n)
	for i := 0; i < n; i++ {
		v := id(i)
		if !batchIDPattern.MatchString(v) {
			return errInvalidBatchEntryID()
		}
		if seen[v] {
			return errBatchEntryIdsNotDistinct(v)
		}
		seen[v] = true
	}
	return nil
}

func entryError(id string, e *api.Error) batchResultError {
	return batchResultError{ID: id, SenderFault: !e.Receiver, Code: e.WireCode(), Message: e.Message}
}

func (s *Service) sendMessageBatch(ctx context.Context, req *api.Request, in *sendMessageBatchInput) (*sendMessageBatchOutput, error) {
	q, err := s.queueFromURL(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	if err := checkBatchIDs(len(in.Entries), func(i int) string { return in.Entries[i].ID }); err != nil {
		return nil, err
	}
	out := &sendMessageBatchOutput{Successful: []sendMessageBatchResultEntry{}, Failed: []batchResultError{}}
	type prepared struct {
		idx int
		o   outgoing
	}
	entries := make([]prepared, len(in.Entries))
	total := 0
	for i := range in.Entries {
		e := &in.Entries[i]
		entries[i] = prepared{idx: i, o: outgoing{
			body: e.MessageBody, delay: e.DelaySeconds, attrs: e.MessageAttributes,
			systemAttrs: e.MessageSystemAttributes, dedupID: e.MessageDeduplicationID, groupID: e.MessageGroupID,
		}}
		if e.MessageBody != nil {
			total += len(*e.MessageBody)
		}
		for name, v := range e.MessageAttributes {
			total += len(name) + len(v.DataType) + len(v.BinaryValue)
			if v.StringValue != nil {
				total += len(*v.StringValue)
			}
		}
	}
	// The total is capped by the API's 1 MiB, not by the queue's
	// MaximumMessageSize: that one applies to each entry on its own
	// (API_SendMessageBatch).
	if total > maxMessageSize {
		return nil, errBatchRequestTooLong(total, maxMessageSize)
	}
	// One data key serves the whole request.
	sl, kerr := s.sealerFor(ctx, req, q)
	if kerr != nil {
		return nil, kerr
	}
	// Entries are sent in order, so a FIFO batch keeps its order within each group.
	for i := range entries {
		e := &in.Entries[i]
		m, delay, perr := q.prepare(req, &entries[i].o)
		if perr != nil {
			out.Failed = append(out.Failed, entryError(e.ID, perr))
			continue
		}
		sl.seal(q, &m)
		stored, _, serr := q.engine.Send(&m, delay)
		if serr != nil {
			out.Failed = append(out.Failed, entryError(e.ID, engineError(serr, "")))
			continue
		}
		out.Successful = append(out.Successful, sendMessageBatchResultEntry{ID: e.ID, sendMessageOutput: sendResult(&m, stored)})
	}
	if err := s.durable(req); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) deleteMessageBatch(_ context.Context, req *api.Request, in *deleteMessageBatchInput) (*deleteMessageBatchOutput, error) {
	q, err := s.queueFromURL(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	if err := checkBatchIDs(len(in.Entries), func(i int) string { return in.Entries[i].ID }); err != nil {
		return nil, err
	}
	out := &deleteMessageBatchOutput{Successful: []batchSuccess{}, Failed: []batchResultError{}}
	for _, e := range in.Entries {
		if e.ReceiptHandle == "" {
			out.Failed = append(out.Failed, entryError(e.ID, api.MissingParameter("ReceiptHandle")))
			continue
		}
		if err := q.engine.Delete(e.ReceiptHandle); err != nil {
			out.Failed = append(out.Failed, entryError(e.ID, engineError(err, e.ReceiptHandle)))
			continue
		}
		out.Successful = append(out.Successful, batchSuccess{ID: e.ID})
	}
	if err := s.durable(req); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *Service) changeMessageVisibilityBatch(_ context.Context, req *api.Request, in *changeMessageVisibilityBatchInput) (*changeMessageVisibilityBatchOutput, error) {
	q, err := s.queueFromURL(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	if err := checkBatchIDs(len(in.Entries), func(i int) string { return in.Entries[i].ID }); err != nil {
		return nil, err
	}
	out := &changeMessageVisibilityBatchOutput{Successful: []batchSuccess{}, Failed: []batchResultError{}}
	for _, e := range in.Entries {
		if e.ReceiptHandle == "" {
			out.Failed = append(out.Failed, entryError(e.ID, api.MissingParameter("ReceiptHandle")))
			continue
		}
		d, verr := checkVisibilityTimeout(e.VisibilityTimeout)
		if verr != nil {
			out.Failed = append(out.Failed, entryError(e.ID, verr))
			continue
		}
		if err := q.engine.ChangeVisibility(e.ReceiptHandle, d); err != nil {
			out.Failed = append(out.Failed, entryError(e.ID, engineError(err, e.ReceiptHandle)))
			continue
		}
		out.Successful = append(out.Successful, batchSuccess{ID: e.ID})
	}
	if err := s.durable(req); err != nil {
		return nil, err
	}
	return out, nil
}
