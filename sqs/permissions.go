package sqs

import (
	"context"
	"encoding/json"
	"regexp"
	"strconv"

	"github.com/ferry-emulator/ferry/emulator/api"
)

// AddPermission and RemovePermission edit the queue's Policy attribute,
// rendering statements exactly as AWS does:
//
//	{"Version":"2012-10-17","Id":"<queue arn>/SQSDefaultPolicy","Statement":[
//	  {"Sid":"<label>","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::<account>:root"},
//	   "Action":"SQS:SendMessage","Resource":"<queue arn>"}]}
//
// with Principal.AWS and Action becoming lists when there is more than one.
// https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_AddPermission.html

type policyDocument struct {
	Version   string            `json:"Version"`
	ID        string            `json:"Id,omitempty"`
	Statement []json.RawMessage `json:"Statement"`
}

type permissionStatement struct {
	Sid       string `json:"Sid"`
	Effect    string `json:"Effect"`
	Principal struct {
		AWS any `json:"AWS"`
	} `json:"Principal"`
	Action   any    `json:"Action"`
	Resource string `json:"Resource"`
}

var labelPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,80}$`)

// permissionActions are the ActionName values AddPermission takes; each
// single action also covers its batch form.
var permissionActions = map[string]bool{
	"*": true, "SendMessage": true, "ReceiveMessage": true, "DeleteMessage": true,
	"ChangeMessageVisibility": true, "GetQueueAttributes": true, "GetQueueUrl": true,
	"ListDeadLetterSourceQueues": true, "PurgeQueue": true, "ListQueueTags": true,
}

func oneOrList(items []string) any {
	if len(items) == 1 {
		return items[0]
	}
	return items
}

// parsePolicy reads the queue's current policy, or starts an empty one.
func parsePolicy(q *Queue) (policyDocument, *api.Error) {
	doc := policyDocument{Version: "2012-10-17", ID: q.ARN + "/SQSDefaultPolicy"}
	if cur, ok := q.attribute("Policy"); ok && cur != "" {
		var raw struct {
			Version   string          `json:"Version"`
			ID        string          `json:"Id"`
			Statement json.RawMessage `json:"Statement"`
		}
		if err := json.Unmarshal([]byte(cur), &raw); err != nil {
			return doc, api.InvalidParameterValue("The queue's existing policy is not valid JSON.")
		}
		doc.Version, doc.ID = raw.Version, raw.ID
		if len(raw.Statement) > 0 && raw.Statement[0] == '{' {
			doc.Statement = []json.RawMessage{raw.Statement}
		} else if len(raw.Statement) > 0 {
			if err := json.Unmarshal(raw.Statement, &doc.Statement); err != nil {
				return doc, api.InvalidParameterValue("The queue's existing policy has an invalid Statement.")
			}
		}
	}
	return doc, nil
}

func statementSid(raw json.RawMessage) string {
	var s struct {
		Sid string `json:"Sid"`
	}
	json.Unmarshal(raw, &s)
	return s.Sid
}

func (s *Service) addPermission(_ context.Context, req *api.Request, in *addPermissionInput) (*struct{}, error) {
	switch {
	case in.Label == "":
		return nil, api.MissingParameter("Label")
	case len(in.AWSAccountIDs) == 0:
		return nil, api.MissingParameter("AWSAccountId.1")
	case len(in.Actions) == 0:
		return nil, api.MissingParameter("ActionName.1")
	}
	if !labelPattern.MatchString(in.Label) {
		return nil, api.InvalidParameterValue("Value %s for parameter Label is invalid. Reason: Can only include alphanumeric characters, hyphens, or underscores. 1 to 80 in length.", in.Label)
	}
	principals := make([]string, 0, len(in.AWSAccountIDs))
	for _, a := range in.AWSAccountIDs {
		if !isAccountID(a) {
			return nil, api.InvalidParameterValue("Value [%s] for parameter PrincipalId is invalid. Reason: Unable to verify.", a)
		}
		principals = append(principals, "arn:aws:iam::"+a+":root")
	}
	// "An Amazon SQS policy can have a maximum of seven actions per statement."
	if len(in.Actions) > 7 {
		return nil, errOverLimit(strconv.Itoa(len(in.Actions)) + " Actions were found, maximum allowed is 7.")
	}
	actions := make([]string, 0, len(in.Actions))
	for _, a := range in.Actions {
		if !permissionActions[a] {
			return nil, api.InvalidParameterValue("Value SQS:%s for parameter ActionName is invalid. Reason: Please refer to the appropriate WSDL for a list of valid actions.", a)
		}
		actions = append(actions, "SQS:"+a)
	}

	s.meta.Lock()
	defer s.meta.Unlock()
	q, err := s.queueFromURL(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	doc, perr := parsePolicy(q)
	if perr != nil {
		return nil, perr
	}
	for _, st := range doc.Statement {
		if statementSid(st) == in.Label {
			return nil, api.InvalidParameterValue("Value %s for parameter Label is invalid. Reason: Already exists.", in.Label)
		}
	}
	st := permissionStatement{Sid: in.Label, Effect: "Allow", Action: oneOrList(actions), Resource: q.ARN}
	st.Principal.AWS = oneOrList(principals)
	b, _ := json.Marshal(st)
	doc.Statement = append(doc.Statement, b)
	return nil, s.setPolicy(q, doc)
}

func (s *Service) removePermission(_ context.Context, req *api.Request, in *removePermissionInput) (*struct{}, error) {
	if in.Label == "" {
		return nil, api.MissingParameter("Label")
	}
	s.meta.Lock()
	defer s.meta.Unlock()
	q, err := s.queueFromURL(req, in.QueueURL)
	if err != nil {
		return nil, err
	}
	doc, perr := parsePolicy(q)
	if perr != nil {
		return nil, perr
	}
	kept := doc.Statement[:0:0]
	for _, st := range doc.Statement {
		if statementSid(st) != in.Label {
			kept = append(kept, st)
		}
	}
	if len(kept) == len(doc.Statement) {
		return nil, api.InvalidParameterValue("Value %s for parameter Label is invalid. Reason: can't find label on existing policy.", in.Label)
	}
	doc.Statement = kept
	return nil, s.setPolicy(q, doc)
}

// setPolicy stores the edited policy; a policy left with no statements is
// removed, as AWS removes it. Must be called with s.meta held.
func (s *Service) setPolicy(q *Queue, doc policyDocument) error {
	q.mu.Lock()
	old := q.attrs
	next := make(map[string]string, len(old))
	for k, v := range old {
		next[k] = v
	}
	if len(doc.Statement) == 0 {
		delete(next, "Policy")
	} else {
		b, _ := json.Marshal(doc)
		next["Policy"] = string(b)
	}
	q.setAttributes(next)
	q.modified = s.now()
	q.mu.Unlock()
	if err := s.save(q); err != nil {
		q.mu.Lock()
		q.setAttributes(old)
		q.mu.Unlock()
		return err
	}
	return nil
}
