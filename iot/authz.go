package iot

import (
	"context"
	"strings"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// What each operation acts on, for the emulator's authorization. IoT has
// no resource policies for rules and topics: identity policies decide.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_awsiot.html

func topicARN(account, region, topic string) string {
	return "arn:aws:iot:" + region + ":" + account + ":topic/" + topic
}

func (s *Service) targetRule(_ context.Context, req *api.Request, in *ruleNameInput) (api.Target, error) {
	t := api.Target{ARN: ruleARN(req.Account, req.Region, in.RuleName)}
	if r, ok := s.rule(req.Account, req.Region, in.RuleName); ok {
		t.Tags = r.Tags
	}
	return t, nil
}

// targetCreateRule is the rule, then iam:PassRole on each role its
// actions name: whoever creates a rule hands those roles to IoT.
func (s *Service) targetCreateRule(_ context.Context, req *api.Request, in *createTopicRuleInput) (api.Target, error) {
	t := api.Target{ARN: ruleARN(req.Account, req.Region, in.RuleName)}
	if tags, e := parseTagging(in.Tags); e == nil && len(tags) > 0 {
		t.Conditions = map[string][]string{}
		var keys []string
		for k, v := range tags {
			t.Conditions["aws:requesttag/"+strings.ToLower(k)] = []string{v}
			keys = append(keys, k)
		}
		t.Conditions["aws:tagkeys"] = keys
	}
	passRoles(&t, &in.Payload)
	return t, nil
}

func (s *Service) targetReplaceRule(ctx context.Context, req *api.Request, in *createTopicRuleInput) (api.Target, error) {
	t, _ := s.targetRule(ctx, req, &ruleNameInput{RuleName: in.RuleName})
	passRoles(&t, &in.Payload)
	return t, nil
}

// passRoles chains an iam:PassRole target for each distinct role.
func passRoles(t *api.Target, p *TopicRulePayload) {
	var roles []string
	add := func(a *Action) {
		if a == nil {
			return
		}
		var role string
		switch {
		case a.SQS != nil:
			role = a.SQS.RoleArn
		case a.SNS != nil:
			role = a.SNS.RoleArn
		case a.Republish != nil:
			role = a.Republish.RoleArn
		}
		if role == "" {
			return
		}
		for _, r := range roles {
			if r == role {
				return
			}
		}
		roles = append(roles, role)
	}
	for _, a := range p.Actions {
		add(a)
	}
	add(p.ErrorAction)
	last := t
	for _, role := range roles {
		pt := &api.Target{ARN: role, Action: "iam:PassRole", Account: roleAccount(role),
			Conditions: map[string][]string{"iam:passedtoservice": {"iot.amazonaws.com"}}}
		last.Then = pt
		last = pt
	}
}

func roleAccount(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[4]
}

func (s *Service) targetPublish(_ context.Context, req *api.Request, in *publishInput) (api.Target, error) {
	t := api.Target{ARN: topicARN(req.Account, req.Region, in.Topic)}
	if in.Retain != nil && *in.Retain {
		t.AlsoRequires = []string{"iot:RetainPublish"}
	}
	return t, nil
}

func (s *Service) targetTopic(_ context.Context, req *api.Request, in *topicInput) (api.Target, error) {
	return api.Target{ARN: topicARN(req.Account, req.Region, in.Topic)}, nil
}
