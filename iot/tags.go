package iot

import (
	"context"
	"net/url"
	"sort"
	"strings"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// Tags on topic rules, the only IoT resource ferry has that takes them.
// https://docs.aws.amazon.com/iot/latest/developerguide/tagging-iot.html

const maxTags = 50

// parseTagging reads CreateTopicRule's x-amz-tagging header, a query
// string of keys and values.
func parseTagging(h *string) (map[string]string, *api.Error) {
	if h == nil || *h == "" {
		return nil, nil
	}
	vals, err := url.ParseQuery(*h)
	if err != nil {
		return nil, errInvalidRequest("The x-amz-tagging header is not a valid query string of tags.")
	}
	tags := make(map[string]string, len(vals))
	for k, v := range vals {
		tags[k] = v[0]
	}
	if e := validateTags(tags); e != nil {
		return nil, e
	}
	return tags, nil
}

func validateTags(tags map[string]string) *api.Error {
	if len(tags) > maxTags {
		return errInvalidRequestf("A resource can have at most %d tags.", maxTags)
	}
	for k, v := range tags {
		if k == "" || len(k) > 128 {
			return errInvalidRequest("1 validation error detected: Value '" + k + "' at 'tags.member.key' failed to satisfy constraint: Member must have length between 1 and 128")
		}
		if strings.HasPrefix(strings.ToLower(k), "aws:") {
			return errInvalidRequest("Tag keys starting with aws: are reserved for AWS use.")
		}
		if len(v) > 256 {
			return errInvalidRequest("1 validation error detected: Value at 'tags.member.value' failed to satisfy constraint: Member must have length less than or equal to 256")
		}
	}
	return nil
}

// ruleByARN finds a rule from its ARN, in the caller's account and region.
func (s *Service) ruleByARN(req *api.Request, arn string) (*Rule, *api.Error) {
	name, ok := strings.CutPrefix(arn, "arn:aws:iot:"+req.Region+":"+req.Account+":rule/")
	if !ok || name == "" {
		if strings.HasPrefix(arn, "arn:aws:iot:") {
			return nil, errNotFound("The resource " + arn + " does not exist.")
		}
		return nil, errInvalidRequest("Invalid resource ARN " + arn + ".")
	}
	r, found := s.rule(req.Account, req.Region, name)
	if !found {
		return nil, errNotFound("The resource " + arn + " does not exist.")
	}
	return r, nil
}

func (s *Service) targetTagResource(_ context.Context, req *api.Request, in *tagResourceInput) (api.Target, error) {
	r, e := s.ruleByARN(req, in.ResourceArn)
	if e != nil {
		return api.Target{}, e
	}
	t := api.Target{ARN: r.ARN, Tags: r.Tags, Conditions: map[string][]string{}}
	var keys []string
	for _, tg := range in.Tags {
		t.Conditions["aws:requesttag/"+strings.ToLower(tg.Key)] = []string{deref(tg.Value)}
		keys = append(keys, tg.Key)
	}
	t.Conditions["aws:tagkeys"] = keys
	return t, nil
}

func (s *Service) targetUntagResource(_ context.Context, req *api.Request, in *untagResourceInput) (api.Target, error) {
	r, e := s.ruleByARN(req, in.ResourceArn)
	if e != nil {
		return api.Target{}, e
	}
	return api.Target{ARN: r.ARN, Tags: r.Tags, Conditions: map[string][]string{"aws:tagkeys": in.TagKeys}}, nil
}

func (s *Service) targetListTags(_ context.Context, req *api.Request, in *listTagsForResourceInput) (api.Target, error) {
	r, e := s.ruleByARN(req, in.ResourceArn)
	if e != nil {
		return api.Target{}, e
	}
	return api.Target{ARN: r.ARN, Tags: r.Tags}, nil
}

func (s *Service) tagResource(_ context.Context, req *api.Request, in *tagResourceInput) (*struct{}, error) {
	return nil, s.retag(req, in.ResourceArn, func(tags map[string]string) *api.Error {
		for _, tg := range in.Tags {
			tags[tg.Key] = deref(tg.Value)
		}
		return validateTags(tags)
	})
}

func (s *Service) untagResource(_ context.Context, req *api.Request, in *untagResourceInput) (*struct{}, error) {
	return nil, s.retag(req, in.ResourceArn, func(tags map[string]string) *api.Error {
		for _, k := range in.TagKeys {
			delete(tags, k)
		}
		return nil
	})
}

// retag replaces a rule with a copy whose tags fn changed.
func (s *Service) retag(req *api.Request, arn string, fn func(map[string]string) *api.Error) error {
	old, e := s.ruleByARN(req, arn)
	if e != nil {
		return e
	}
	r := *old
	r.Tags = make(map[string]string, len(old.Tags))
	for k, v := range old.Tags {
		r.Tags[k] = v
	}
	if e := fn(r.Tags); e != nil {
		return e
	}
	return s.putRule(&r, false)
}

func (s *Service) listTagsForResource(_ context.Context, req *api.Request, in *listTagsForResourceInput) (*listTagsForResourceOutput, error) {
	r, e := s.ruleByARN(req, in.ResourceArn)
	if e != nil {
		return nil, e
	}
	out := &listTagsForResourceOutput{Tags: []Tag{}}
	for k, v := range r.Tags {
		out.Tags = append(out.Tags, Tag{Key: k, Value: &v})
	}
	sort.Slice(out.Tags, func(i, j int) bool { return out.Tags[i].Key < out.Tags[j].Key })
	return out, nil
}
