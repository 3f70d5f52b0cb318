package iam

import (
	"context"
	"fmt"
	"slices"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// Tags of users, roles and managed policies: at most 50 per entity, keys
// compared without case. https://docs.aws.amazon.com/IAM/latest/UserGuide/id_tags.html

// withTags returns tags with add merged in (a key given again, in any case,
// takes the new key and value); quota names the entity kind for AWS's message.
func withTags(tags, add []tag, quota string) ([]tag, *api.Error) {
	out := slices.Clone(tags)
	for _, t := range add {
		if i := slices.IndexFunc(out, func(o tag) bool { return lower(o.Key) == lower(t.Key) }); i >= 0 {
			out[i] = t
		} else {
			out = append(out, t)
		}
	}
	if len(out) > maxTags {
		return nil, errLimitExceeded("Cannot exceed quota for %s: %d", quota, maxTags)
	}
	return out, nil
}

func withoutTags(tags []tag, keys []string) []tag {
	return slices.DeleteFunc(slices.Clone(tags), func(t tag) bool {
		return slices.ContainsFunc(keys, func(k string) bool { return lower(k) == lower(t.Key) })
	})
}

func (t *entityType[E]) validateTagging(name string, tags []tag) *api.Error {
	v := t.validation(name)
	if len(tags) == 0 {
		v.Missing("tags")
	}
	v.tags(tags)
	if err := v.Err(); err != nil {
		return err
	}
	return duplicateTags(tags)
}

func (t *entityType[E]) validateUntagging(name string, keys []string) *api.Error {
	v := t.validation(name)
	v.tagKeys(keys)
	return v.Err()
}

// listTags pages through tags, in the order they were added.
func listTags(tags []tag, marker string, maxItems *int32) (*listTagsOutput, *api.Error) {
	keys := make([]string, len(tags))
	for i := range tags {
		keys[i] = fmt.Sprintf("%04d", i) // the position, as a sortable key
	}
	pg, err := paginate(keys, marker, maxItems)
	if err != nil {
		return nil, err
	}
	return &listTagsOutput{Tags: members[tag](tags[pg.start:pg.end]), IsTruncated: pg.truncated, Marker: pg.marker}, nil
}

// tag, untag and listTags serve users and roles: IAM does not tag groups.

func (t *entityType[E]) tag(s *Service, req *api.Request, name string, add []tag) error {
	if err := t.validateTagging(name, add); err != nil {
		return err
	}
	return t.change(s, req, name, func(e E) (err *api.Error) {
		tags := e.parts().tags
		*tags, err = withTags(*tags, add, "TagsPer"+t.title)
		return err
	})
}

func (t *entityType[E]) untag(s *Service, req *api.Request, name string, keys []string) error {
	if err := t.validateUntagging(name, keys); err != nil {
		return err
	}
	return t.change(s, req, name, func(e E) *api.Error {
		tags := e.parts().tags
		*tags = withoutTags(*tags, keys)
		return nil
	})
}

func (t *entityType[E]) listTags(s *Service, req *api.Request, name, marker string, maxItems *int32) (*listTagsOutput, error) {
	if err := t.validation(name).Err(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	e, err := t.lookup(s, req.Account, name)
	if err != nil {
		return nil, err
	}
	out, err := listTags(*e.parts().tags, marker, maxItems)
	if err != nil {
		return nil, err
	}
	return out, nil
}

type tagUserInput struct {
	UserName string
	Tags     []tag `query:"Tags.member"`
}

func (in *tagUserInput) validate() *api.Error {
	return users.validateTagging(in.UserName, in.Tags)
}

func (in *tagUserInput) target() ref { return ref{kind: kindUser, name: in.UserName, tags: in.Tags} }

func (s *Service) tagUser(_ context.Context, req *api.Request, in *tagUserInput) (*struct{}, error) {
	return nil, users.tag(s, req, in.UserName, in.Tags)
}

type untagUserInput struct {
	UserName string
	TagKeys  []string `query:"TagKeys.member"`
}

func (in *untagUserInput) validate() *api.Error {
	return users.validateUntagging(in.UserName, in.TagKeys)
}

func (in *untagUserInput) target() ref {
	return ref{kind: kindUser, name: in.UserName, tagKeys: in.TagKeys}
}

func (s *Service) untagUser(_ context.Context, req *api.Request, in *untagUserInput) (*struct{}, error) {
	return nil, users.untag(s, req, in.UserName, in.TagKeys)
}

type listUserTagsInput struct {
	UserName string
	Marker   string
	MaxItems *int32
}

func (in *listUserTagsInput) target() ref { return users.ref(in.UserName) }

func (in *listUserTagsInput) validate() *api.Error {
	return users.validation(in.UserName).Err()
}

func (s *Service) listUserTags(_ context.Context, req *api.Request, in *listUserTagsInput) (*listTagsOutput, error) {
	return users.listTags(s, req, in.UserName, in.Marker, in.MaxItems)
}

type tagRoleInput struct {
	RoleName string
	Tags     []tag `query:"Tags.member"`
}

func (in *tagRoleInput) validate() *api.Error {
	return roles.validateTagging(in.RoleName, in.Tags)
}

func (in *tagRoleInput) target() ref { return ref{kind: kindRole, name: in.RoleName, tags: in.Tags} }

func (s *Service) tagRole(_ context.Context, req *api.Request, in *tagRoleInput) (*struct{}, error) {
	return nil, roles.tag(s, req, in.RoleName, in.Tags)
}

type untagRoleInput struct {
	RoleName string
	TagKeys  []string `query:"TagKeys.member"`
}

func (in *untagRoleInput) validate() *api.Error {
	return roles.validateUntagging(in.RoleName, in.TagKeys)
}

func (in *untagRoleInput) target() ref {
	return ref{kind: kindRole, name: in.RoleName, tagKeys: in.TagKeys}
}

func (s *Service) untagRole(_ context.Context, req *api.Request, in *untagRoleInput) (*struct{}, error) {
	return nil, roles.untag(s, req, in.RoleName, in.TagKeys)
}

type listRoleTagsInput struct {
	RoleName string
	Marker   string
	MaxItems *int32
}

func (in *listRoleTagsInput) target() ref { return roles.ref(in.RoleName) }

func (in *listRoleTagsInput) validate() *api.Error {
	return roles.validation(in.RoleName).Err()
}

func (s *Service) listRoleTags(_ context.Context, req *api.Request, in *listRoleTagsInput) (*listTagsOutput, error) {
	return roles.listTags(s, req, in.RoleName, in.Marker, in.MaxItems)
}

type tagPolicyInput struct {
	PolicyArn string
	Tags      []tag `query:"Tags.member"`
}

func (in *tagPolicyInput) target() ref {
	return ref{kind: kindPolicy, policyARN: in.PolicyArn, tags: in.Tags, changes: true}
}

func (in *tagPolicyInput) validate() *api.Error {
	var v validation
	v.arn(in.PolicyArn, "policyArn")
	if len(in.Tags) == 0 {
		v.Missing("tags")
	}
	v.tags(in.Tags)
	return v.Err()
}

func (s *Service) tagPolicy(_ context.Context, req *api.Request, in *tagPolicyInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	if err := duplicateTags(in.Tags); err != nil {
		return nil, err
	}
	return nil, s.changePolicy(req, "iam:TagPolicy", in.PolicyArn, func(p *managedPolicy) (err *api.Error) {
		p.Tags, err = withTags(p.Tags, in.Tags, "TagsPerPolicy")
		return err
	})
}

type untagPolicyInput struct {
	PolicyArn string
	TagKeys   []string `query:"TagKeys.member"`
}

func (in *untagPolicyInput) target() ref {
	return ref{kind: kindPolicy, policyARN: in.PolicyArn, tagKeys: in.TagKeys, changes: true}
}

func (in *untagPolicyInput) validate() *api.Error {
	var v validation
	v.arn(in.PolicyArn, "policyArn")
	v.tagKeys(in.TagKeys)
	return v.Err()
}

func (s *Service) untagPolicy(_ context.Context, req *api.Request, in *untagPolicyInput) (*struct{}, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	return nil, s.changePolicy(req, "iam:UntagPolicy", in.PolicyArn, func(p *managedPolicy) *api.Error {
		p.Tags = withoutTags(p.Tags, in.TagKeys)
		return nil
	})
}

type listPolicyTagsInput struct {
	PolicyArn string
	Marker    string
	MaxItems  *int32
}

func (in *listPolicyTagsInput) target() ref { return ref{kind: kindPolicy, policyARN: in.PolicyArn} }

func (in *listPolicyTagsInput) validate() *api.Error {
	var v validation
	v.arn(in.PolicyArn, "policyArn")
	return v.Err()
}

func (s *Service) listPolicyTags(_ context.Context, req *api.Request, in *listPolicyTagsInput) (*listTagsOutput, error) {
	if err := in.validate(); err != nil {
		return nil, err
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	p, err := s.lookupPolicy(req, in.PolicyArn)
	if err != nil {
		return nil, err
	}
	out, err := listTags(p.Tags, in.Marker, in.MaxItems)
	if err != nil {
		return nil, err
	}
	return out, nil
}
