package sns

import (
	"context"
	"maps"
	"strings"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// Topic tags. https://docs.aws.amazon.com/sns/latest/dg/sns-tags.html

const maxTags = 50

// tagMap checks tags and makes them a map.
func tagMap(tags []tag) (map[string]string, *api.Error) {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		if t.Key == "" || len(t.Key) > 128 {
			return nil, errInvalidParameter("Tags Reason: Tag keys must be between 1 and 128 characters in length")
		}
		if strings.HasPrefix(strings.ToLower(t.Key), "aws:") {
			return nil, errInvalidParameter("Tags Reason: Tag keys must not start with the reserved prefix aws:")
		}
		if len(t.Value) > 256 {
			return nil, errInvalidParameter("Tags Reason: Tag values must be between 0 and 256 characters in length")
		}
		m[t.Key] = t.Value
	}
	return m, nil
}

// taggedTopic resolves a ResourceArn; only topics carry tags here.
func (s *Service) taggedTopic(arn string) (*Topic, *api.Error) {
	if arn == "" {
		return nil, api.MissingParameter("ResourceArn")
	}
	a, ok := parseARN(arn)
	if !ok || a.service != "sns" || strings.Contains(a.resource, ":") {
		return nil, errInvalidParameter("ResourceArn")
	}
	t := s.topicByARN(arn)
	if t == nil {
		return nil, errResourceNotFound()
	}
	return t, nil
}

func (s *Service) tagResource(_ context.Context, req *api.Request, in *tagResourceInput) (*struct{}, error) {
	if len(in.Tags) == 0 {
		return nil, api.MissingParameter("Tags")
	}
	t, err := s.resolvedTagged(req, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	tags, terr := tagMap(in.Tags)
	if terr != nil {
		return nil, terr
	}
	t.mu.Lock()
	old := t.tags
	next := maps.Clone(old)
	maps.Copy(next, tags)
	if len(next) > maxTags {
		t.mu.Unlock()
		return nil, errTagLimitExceeded()
	}
	t.tags = next
	t.mu.Unlock()
	if err := s.saveTopic(t); err != nil {
		t.mu.Lock()
		t.tags = old
		t.mu.Unlock()
		return nil, err
	}
	return &struct{}{}, nil // TagResource has an (empty) result element
}

func (s *Service) untagResource(_ context.Context, req *api.Request, in *untagResourceInput) (*struct{}, error) {
	if len(in.TagKeys) == 0 {
		return nil, api.MissingParameter("TagKeys")
	}
	t, err := s.resolvedTagged(req, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	old := t.tags
	next := maps.Clone(old)
	for _, k := range in.TagKeys {
		delete(next, k)
	}
	t.tags = next
	t.mu.Unlock()
	if err := s.saveTopic(t); err != nil {
		t.mu.Lock()
		t.tags = old
		t.mu.Unlock()
		return nil, err
	}
	return &struct{}{}, nil
}

func (s *Service) listTagsForResource(_ context.Context, req *api.Request, in *resourceARNInput) (*listTagsOutput, error) {
	t, err := s.resolvedTagged(req, in.ResourceArn)
	if err != nil {
		return nil, err
	}
	t.mu.Lock()
	tags := t.tags
	t.mu.Unlock()
	out := &listTagsOutput{Tags: members[tag]{}}
	for _, k := range sortedKeys(tags) {
		out.Tags = append(out.Tags, tag{Key: k, Value: tags[k]})
	}
	return out, nil
}

func (s *Service) resolvedTagged(req *api.Request, arn string) (*Topic, *api.Error) {
	if t, ok := req.Resolved.(*Topic); ok {
		if s.topicByARN(t.ARN) == t {
			return t, nil
		}
		return nil, errResourceNotFound()
	}
	return s.taggedTopic(arn)
}
