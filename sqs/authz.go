package sqs

import (
	"context"
	"encoding/base64"
	"encoding/json"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam/policy"
)

// What each SQS action acts on, for authorization: the queue's ARN, owner,
// policy and tags, and the action's own condition keys.
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonsqs.html

func (q *Queue) target() api.Target {
	// tags and policy are replaced, never modified in place, so handing
	// them out without copying is safe.
	v := q.view.Load()
	return api.Target{ARN: q.ARN, Account: q.Account, Policy: v.policy, PolicyName: "queue policy", Tags: v.tags}
}

// byQueueURL resolves actions that name a queue by QueueUrl.
func byQueueURL[In any, P interface {
	*In
	queueURL() string
}](s *Service, sameAccountOnly bool) func(context.Context, *api.Request, *In) (api.Target, error) {
	return func(_ context.Context, req *api.Request, in *In) (api.Target, error) {
		q, err := s.queueFromURL(req, P(in).queueURL())
		if err != nil {
			return api.Target{}, err
		}
		req.Resolved = q
		t := q.target()
		t.SameAccountOnly = sameAccountOnly
		return t, nil
	}
}

func (s *Service) targetCreateQueue(_ context.Context, req *api.Request, in *createQueueInput) (api.Target, error) {
	return api.Target{
		ARN: queueARN(req.Region, req.Account, in.QueueName), SameAccountOnly: true,
		Conditions: api.TagConditions(in.Tags, nil),
	}, nil
}

func (s *Service) targetGetQueueURL(_ context.Context, req *api.Request, in *getQueueURLInput) (api.Target, error) {
	account := req.Account
	if in.QueueOwnerAWSAccountID != "" {
		account = in.QueueOwnerAWSAccountID
	}
	q := s.lookup(queueRef{account, req.Region, in.QueueName})
	if q == nil {
		return api.Target{}, errQueueDoesNotExist()
	}
	return q.target(), nil
}

func (s *Service) targetTagQueue(ctx context.Context, req *api.Request, in *tagQueueInput) (api.Target, error) {
	t, err := byQueueURL[tagQueueInput](s, true)(ctx, req, in)
	t.Conditions = api.TagConditions(in.Tags, nil)
	return t, err
}

func (s *Service) targetUntagQueue(ctx context.Context, req *api.Request, in *untagQueueInput) (api.Target, error) {
	t, err := byQueueURL[untagQueueInput](s, true)(ctx, req, in)
	t.Conditions = api.TagConditions(nil, append([]string(nil), in.TagKeys...))
	return t, err
}

// byARN resolves the move-task actions, which name their queue by ARN.
func (s *Service) byARN(arn string) (api.Target, error) {
	q := s.queueFromARN(arn)
	if q == nil {
		return api.Target{}, errResourceNotFound("The resource that you specified for the SourceArn parameter doesn't exist.")
	}
	t := q.target()
	t.SameAccountOnly = true
	return t, nil
}

func (s *Service) targetStartMove(_ context.Context, _ *api.Request, in *startMessageMoveTaskInput) (api.Target, error) {
	if in.SourceARN == "" {
		return api.Target{}, api.MissingParameter("SourceArn")
	}
	return s.byARN(in.SourceARN)
}

func (s *Service) targetListMoves(_ context.Context, _ *api.Request, in *listMessageMoveTasksInput) (api.Target, error) {
	if in.SourceARN == "" {
		return api.Target{}, api.MissingParameter("SourceArn")
	}
	return s.byARN(in.SourceARN)
}

// targetCancelMove finds the source queue inside the task handle, which
// carries it as AWS's handles do.
func (s *Service) targetCancelMove(_ context.Context, _ *api.Request, in *cancelMessageMoveTaskInput) (api.Target, error) {
	b, err := base64.StdEncoding.DecodeString(in.TaskHandle)
	var h struct {
		SourceARN string `json:"sourceArn"`
	}
	if in.TaskHandle == "" {
		return api.Target{}, api.MissingParameter("TaskHandle")
	}
	if err != nil || json.Unmarshal(b, &h) != nil || h.SourceARN == "" {
		return api.Target{}, errResourceNotFound("Task does not exist.")
	}
	t, terr := s.byARN(h.SourceARN)
	if terr != nil {
		return api.Target{}, errResourceNotFound("Task does not exist.")
	}
	return t, nil
}

// parseQueuePolicy validates a Policy attribute as a resource policy.
func parseQueuePolicy(doc string) (*policy.Policy, *api.Error) {
	if doc == "" {
		return nil, nil
	}
	p, err := policy.Parse(doc, policy.Resource)
	if err != nil {
		return nil, errInvalidAttributeValue("Invalid value for the parameter Policy. Reason: " + err.Error())
	}
	return p, nil
}
