package sns

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iam/policy"
)

// AddPermission and RemovePermission edit the topic policy one labelled
// statement at a time.
// https://docs.aws.amazon.com/sns/latest/api/API_AddPermission.html

// permissionActions are the action names AddPermission accepts.
var permissionActions = []string{
	"AddPermission", "ConfirmSubscription", "CreateTopic", "DeleteTopic", "GetTopicAttributes",
	"ListSubscriptionsByTopic", "ListTopics", "Publish", "RemovePermission", "SetTopicAttributes",
	"Subscribe", "Unsubscribe", "ListSubscriptions", "GetSubscriptionAttributes", "SetSubscriptionAttributes",
}

// policyDoc is a topic policy as AddPermission edits it: statements are
// kept as raw JSON so that whatever the owner wrote survives untouched.
type policyDoc struct {
	Version   string            `json:"Version,omitempty"`
	ID        string            `json:"Id,omitempty"`
	Statement []json.RawMessage `json:"Statement"`
}

func (s *Service) addPermission(_ context.Context, req *api.Request, in *addPermissionInput) (*struct{}, error) {
	switch {
	case in.Label == "":
		return nil, api.MissingParameter("Label")
	case len(in.AWSAccountID) == 0:
		return nil, api.MissingParameter("AWSAccountId")
	case len(in.ActionName) == 0:
		return nil, api.MissingParameter("ActionName")
	}
	for _, a := range in.ActionName {
		if a != "*" && !slices.Contains(permissionActions, a) {
			return nil, errInvalidParameter("Policy statement action out of service scope!")
		}
	}
	principals := make([]string, 0, len(in.AWSAccountID))
	for _, id := range in.AWSAccountID {
		if isAccountID(id) {
			id = "arn:aws:iam::" + id + ":root"
		}
		principals = append(principals, id)
	}
	actions := make([]string, 0, len(in.ActionName))
	for _, a := range in.ActionName {
		actions = append(actions, "SNS:"+a)
	}
	t, err := s.resolvedTopic(req, in.TopicArn)
	if err != nil {
		return nil, err
	}
	stmt := map[string]any{"Sid": in.Label, "Effect": "Allow", "Principal": map[string]any{"AWS": oneOrMany(principals)},
		"Action": oneOrMany(actions), "Resource": t.ARN}
	return nil, s.editPolicy(t, func(doc *policyDoc) *api.Error {
		for _, raw := range doc.Statement {
			if sidOf(raw) == in.Label {
				return errInvalidParameter("Policy statement Sid " + in.Label + " already exists")
			}
		}
		b, _ := json.Marshal(stmt)
		doc.Statement = append(doc.Statement, b)
		return nil
	})
}

func (s *Service) removePermission(_ context.Context, req *api.Request, in *removePermissionInput) (*struct{}, error) {
	if in.Label == "" {
		return nil, api.MissingParameter("Label")
	}
	t, err := s.resolvedTopic(req, in.TopicArn)
	if err != nil {
		return nil, err
	}
	return nil, s.editPolicy(t, func(doc *policyDoc) *api.Error {
		kept := doc.Statement[:0]
		found := false
		for _, raw := range doc.Statement {
			if sidOf(raw) == in.Label {
				found = true
				continue
			}
			kept = append(kept, raw)
		}
		if !found {
			return errInvalidParameter("Policy statement Sid " + in.Label + " does not exist")
		}
		doc.Statement = kept
		return nil
	})
}

// editPolicy applies an edit to the topic's policy (the default policy if
// none was set) and stores it.
func (s *Service) editPolicy(t *Topic, edit func(*policyDoc) *api.Error) error {
	t.mu.Lock()
	cur := t.attrs["Policy"]
	if cur == "" {
		cur = defaultTopicPolicy(t.ARN, t.Account)
	}
	var doc policyDoc
	if err := json.Unmarshal([]byte(cur), &doc); err != nil {
		t.mu.Unlock()
		return errInvalidParameter("Policy Error: the topic's policy does not parse")
	}
	if err := edit(&doc); err != nil {
		t.mu.Unlock()
		return err
	}
	b, _ := json.Marshal(doc)
	if _, err := policy.Parse(string(b), policy.Resource); err != nil {
		t.mu.Unlock()
		return errInvalidParameter("Policy Error: " + err.Error())
	}
	old := t.snapshotAttrs()
	aerr := t.setAttribute("Policy", string(b))
	t.mu.Unlock()
	if aerr != nil {
		return aerr
	}
	if err := s.saveTopic(t); err != nil {
		t.mu.Lock()
		t.restoreAttrs(old)
		t.mu.Unlock()
		return err
	}
	return nil
}

func sidOf(raw json.RawMessage) string {
	var st struct {
		Sid string `json:"Sid"`
	}
	json.Unmarshal(raw, &st)
	return st.Sid
}

func oneOrMany(v []string) any {
	if len(v) == 1 {
		return v[0]
	}
	return v
}
