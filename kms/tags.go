package kms

import (
	"context"
	"maps"
	"sort"
	"strings"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// Key tags: TagResource, UntagResource, ListResourceTags, and the tags
// CreateKey takes. Keys of 1–128 characters, values of up to 256, at most
// 50 tags a key; "aws:" begins only AWS's own tag keys.
// https://docs.aws.amazon.com/kms/latest/developerguide/tagging-keys.html

const maxTags = 50

// tagMap checks tags and makes them a map.
func tagMap(tags []tag) (map[string]string, *api.Error) {
	var c check
	for _, t := range tags {
		c.length("tags.member.tagKey", t.TagKey, 1, 128)
		c.length("tags.member.tagValue", t.TagValue, 0, 256)
	}
	if e := c.err(); e != nil {
		return nil, e
	}
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		if strings.HasPrefix(strings.ToLower(t.TagKey), "aws:") {
			return nil, errTag("Tag keys beginning with aws: are reserved for AWS's use.")
		}
		m[t.TagKey] = t.TagValue
	}
	if len(m) > maxTags {
		return nil, errTag("A key can have at most 50 tags.")
	}
	return m, nil
}

func (in *tagResourceInput) keyID() string { return in.KeyId }

func (in *tagResourceInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	if in.Tags == nil {
		c.v.Missing("tags")
	}
	if e := c.err(); e != nil {
		return e
	}
	_, err := tagMap(in.Tags)
	return err
}

func (in *tagResourceInput) conditions(m map[string][]string) {
	tags, _ := tagMap(in.Tags)
	maps.Copy(m, api.TagConditions(tags, nil))
}

func (s *Service) tagResource(_ context.Context, req *api.Request, in *tagResourceInput) (*struct{}, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	tags, _ := tagMap(in.Tags)
	return nil, s.change(k, func() *api.Error {
		if e := firstError(managedRefusal(req, k, "kms:TagResource"), k.notPendingDeletion()); e != nil {
			return e
		}
		next := maps.Clone(k.tags)
		maps.Copy(next, tags)
		if len(next) > maxTags {
			return errLimitExceeded("A key can have at most 50 tags.")
		}
		k.tags = next
		return nil
	})
}

func (in *untagResourceInput) keyID() string { return in.KeyId }

func (in *untagResourceInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	if in.TagKeys == nil {
		c.v.Missing("tagKeys")
	}
	for _, k := range in.TagKeys {
		c.length("tagKeys.member", k, 1, 128)
	}
	return c.err()
}

func (in *untagResourceInput) conditions(m map[string][]string) {
	maps.Copy(m, api.TagConditions(nil, append([]string(nil), in.TagKeys...)))
}

func (s *Service) untagResource(_ context.Context, req *api.Request, in *untagResourceInput) (*struct{}, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	return nil, s.change(k, func() *api.Error {
		if e := firstError(managedRefusal(req, k, "kms:UntagResource"), k.notPendingDeletion()); e != nil {
			return e
		}
		next := maps.Clone(k.tags)
		for _, key := range in.TagKeys {
			delete(next, key)
		}
		k.tags = next
		return nil
	})
}

func (in *listResourceTagsInput) keyID() string { return in.KeyId }

func (in *listResourceTagsInput) validate() *api.Error {
	var c check
	c.keyID("keyId", in.KeyId)
	c.intRange("limit", in.Limit, 1, 50)
	c.length("marker", in.Marker, 0, 1024)
	return c.err()
}

func (s *Service) listResourceTags(_ context.Context, req *api.Request, in *listResourceTagsInput) (*listResourceTagsOutput, error) {
	k, err := resolvedKey(s, req, in)
	if err != nil {
		return nil, err
	}
	s.mu.RLock()
	tags := k.tags
	s.mu.RUnlock()
	list := make([]tag, 0, len(tags))
	for key, v := range tags {
		list = append(list, tag{TagKey: key, TagValue: v})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].TagKey < list[j].TagKey })
	page, next, perr := paginate(list, func(t tag) string { return t.TagKey }, in.Marker, in.Limit, 50)
	if perr != nil {
		return nil, perr
	}
	if page == nil {
		page = []tag{}
	}
	return &listResourceTagsOutput{Tags: page, NextMarker: next, Truncated: next != ""}, nil
}
