package sns

import (
	"context"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// What each SNS action acts on, for authorization: the topic's ARN, owner,
// policy and tags, and the action's condition keys.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsns.html

func (t *Topic) target(req *api.Request) api.Target {
	t.mu.Lock()
	defer t.mu.Unlock()
	return api.Target{
		ARN: t.ARN, Account: t.Account, Policy: t.policy, PolicyName: "topic policy", Tags: t.tags,
		// AWS:SourceOwner, which the default topic policy tests, is the
		// calling account on a direct call.
		Conditions: map[string][]string{"aws:sourceowner": {req.Account}},
	}
}

type topicARNer interface{ topicARN() string }

func (in *topicARNInput) topicARN() string                 { return in.TopicArn }
func (in *setTopicAttributesInput) topicARN() string       { return in.TopicArn }
func (in *listSubscriptionsByTopicInput) topicARN() string { return in.TopicArn }
func (in *publishBatchInput) topicARN() string             { return in.TopicArn }
func (in *addPermissionInput) topicARN() string            { return in.TopicArn }
func (in *removePermissionInput) topicARN() string         { return in.TopicArn }

// byTopicARN resolves the actions that name a topic by TopicArn.
func byTopicARN[In any, P interface {
	*In
	topicARNer
}](s *Service) func(context.Context, *api.Request, *In) (api.Target, error) {
	return func(_ context.Context, req *api.Request, in *In) (api.Target, error) {
		t, err := s.findTopic(P(in).topicARN())
		if err != nil {
			return api.Target{}, err
		}
		req.Resolved = t
		return t.target(req), nil
	}
}

// targetDeleteTopic lets a missing topic through to the handler, which
// answers success: AWS's DeleteTopic is idempotent.
func (s *Service) targetDeleteTopic(_ context.Context, req *api.Request, in *topicARNInput) (api.Target, error) {
	t, err := s.findTopic(in.TopicArn)
	if err != nil {
		if err.Code != "NotFound" {
			return api.Target{}, err
		}
		a, _ := parseARN(in.TopicArn)
		return api.Target{ARN: in.TopicArn, Account: a.account}, nil
	}
	req.Resolved = t
	return t.target(req), nil
}

func (s *Service) targetCreateTopic(_ context.Context, req *api.Request, in *createTopicInput) (api.Target, error) {
	tags, _ := tagMap(in.Tags)
	return api.Target{ARN: topicARN(req.Region, req.Account, in.Name), Conditions: api.TagConditions(tags, nil)}, nil
}

// targetSubscribe adds sns:Protocol and sns:Endpoint, which policies use to
// say who may subscribe what.
func (s *Service) targetSubscribe(_ context.Context, req *api.Request, in *subscribeInput) (api.Target, error) {
	t, err := s.findTopic(in.TopicArn)
	if err != nil {
		return api.Target{}, err
	}
	req.Resolved = t
	tg := t.target(req)
	tg.Conditions["sns:protocol"] = []string{in.Protocol}
	tg.Conditions["sns:endpoint"] = []string{in.Endpoint}
	return tg, nil
}

// targetPublish reads TopicArn or TargetArn; publishing to a phone number
// or a mobile endpoint is outside what ferry emulates.
func (s *Service) targetPublish(_ context.Context, req *api.Request, in *PublishInput) (api.Target, error) {
	arn := in.TopicArn
	if arn == "" {
		arn = in.TargetArn
	}
	if arn == "" {
		if in.PhoneNumber != "" {
			return api.Target{}, errInvalidParameter("PhoneNumber Reason: ferry does not send SMS messages")
		}
		return api.Target{}, errInvalidParameter("TopicArn or TargetArn Reason: no value for required parameter")
	}
	t, err := s.findTopic(arn)
	if err != nil {
		return api.Target{}, err
	}
	req.Resolved = t
	return t.target(req), nil
}

type subscriptionARNer interface{ subscriptionARN() string }

func (in *subscriptionARNInput) subscriptionARN() string           { return in.SubscriptionArn }
func (in *setSubscriptionAttributesInput) subscriptionARN() string { return in.SubscriptionArn }

// bySubscriptionARN resolves the actions on one subscription. Its owner and
// the topic's owner may manage it through their own identity policies;
// anyone else needs the topic's policy too.
func bySubscriptionARN[In any, P interface {
	*In
	subscriptionARNer
}](s *Service) func(context.Context, *api.Request, *In) (api.Target, error) {
	return func(_ context.Context, req *api.Request, in *In) (api.Target, error) {
		sub, err := s.findSubscription(P(in).subscriptionARN())
		if err != nil {
			return api.Target{}, err
		}
		req.Resolved = sub
		if req.Account == sub.Owner || req.Account == sub.Topic.Account {
			return api.Target{ARN: sub.ARN, Account: req.Account}, nil
		}
		tg := sub.Topic.target(req)
		tg.ARN = sub.ARN
		return tg, nil
	}
}

type resourceARNer interface{ resourceARN() string }

func (in *resourceARNInput) resourceARN() string   { return in.ResourceArn }
func (in *tagResourceInput) resourceARN() string   { return in.ResourceArn }
func (in *untagResourceInput) resourceARN() string { return in.ResourceArn }

// byResourceARN resolves the tagging actions, which name a topic by ResourceArn.
func byResourceARN[In any, P interface {
	*In
	resourceARNer
}](s *Service) func(context.Context, *api.Request, *In) (api.Target, error) {
	return func(_ context.Context, req *api.Request, in *In) (api.Target, error) {
		t, err := s.taggedTopic(P(in).resourceARN())
		if err != nil {
			return api.Target{}, err
		}
		req.Resolved = t
		return t.target(req), nil
	}
}

func (s *Service) targetTagResource(ctx context.Context, req *api.Request, in *tagResourceInput) (api.Target, error) {
	tg, err := byResourceARN[tagResourceInput](s)(ctx, req, in)
	if err != nil {
		return tg, err
	}
	tags, _ := tagMap(in.Tags)
	for k, v := range api.TagConditions(tags, nil) {
		tg.Conditions[k] = v
	}
	return tg, nil
}

func (s *Service) targetUntagResource(ctx context.Context, req *api.Request, in *untagResourceInput) (api.Target, error) {
	tg, err := byResourceARN[untagResourceInput](s)(ctx, req, in)
	if err != nil {
		return tg, err
	}
	for k, v := range api.TagConditions(nil, append([]string(nil), in.TagKeys...)) {
		tg.Conditions[k] = v
	}
	return tg, nil
}
