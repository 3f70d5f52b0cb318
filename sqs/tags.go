package sqs

import (
	"context"
	"maps"
	"strings"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// Queue tags. https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-queue-tags.html

const maxTagsPerQueue = 50

// validateTags checks new tags; existing is how many other tags the queue keeps.
func validateTags(tags map[string]string, existing int) *api.Error {
	if len(tags)+existing > maxTagsPerQueue {
		return api.InvalidParameterValue("Too many tags added for queue. A queue can have at most %d tags.", maxTagsPerQueue)
	}
	for k, v := range tags {
		if k == "" || len(k) > 128 {
			return api.InvalidParameterValue("Tag keys must be between 1 and 128 characters in length.")
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return api.InvalidParameterValue("Tag keys must not start with the reserved prefix aws:.")
		}
		if len(v) > 256 {
			return api.InvalidParameterValue("Tag values must be between 0 and 256 characters in length.")
		}
	}
	return nil
}

func (s *Service) tagQueue(_ context.Context, req *api.Request, in *tagQueueInput) (*struct{}, error) {
	if len(in.Tags) == 0 {
		return nil, api.MissingParameter("Tags")
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	q, err := s.queueFromURL(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	old := q.tags
	kept := 0
	for k := range old {
		if _, replaced := in.Tags[k]; !replaced {
			kept++
		}
	}
	if err := validateTags(in.Tags, kept); err != nil {
		q.mu.Unlock()
		return nil, err
	}
	next := maps.Clone(old)
	maps.Copy(next, in.Tags)
	q.setTags(next)
	q.mu.Unlock()
	if err := s.save(q); err != nil {
		q.mu.Lock()
		q.setTags(old)
		q.mu.Unlock()
		return nil, err
	}
	return nil, nil
}

func (s *Service) untagQueue(_ context.Context, req *api.Request, in *untagQueueInput) (*struct{}, error) {
	if len(in.TagKeys) == 0 {
		return nil, api.MissingParameter("TagKeys")
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	q, err := s.queueFromURL(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	old := q.tags
	next := maps.Clone(old)
	for _, k := range in.TagKeys {
		delete(next, k)
	}
	q.setTags(next)
	q.mu.Unlock()
	if err := s.save(q); err != nil {
		q.mu.Lock()
		q.setTags(old)
		q.mu.Unlock()
		return nil, err
	}
	return nil, nil
}

func (s *Service) listQueueTags(_ context.Context, req *api.Request, in *queueURLInput) (*listQueueTagsOutput, error) {
	q, err := s.queueFromURL(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.tags) == 0 {
		return &listQueueTagsOutput{}, nil
	}
	return &listQueueTagsOutput{Tags: maps.Clone(q.tags)}, nil
}
