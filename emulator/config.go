package emulator

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iot"
)

// StartupConfig is what --config sets up before ferry serves: accounts with
// their IAM users (with fixed access keys, so a compose file can hand them
// to services), roles, KMS keys with fixed ids and their aliases, SQS queues,
// SNS topics with their subscriptions, and IoT topic rules.
// It is read from YAML or JSON and
// applied idempotently: what exists already is brought in line, nothing is
// duplicated.
type StartupConfig struct {
	Accounts map[string]AccountConfig `yaml:"accounts"`
}

// AccountConfig is one account's resources.
type AccountConfig struct {
	Users  []UserConfig  `yaml:"users"`
	Roles  []RoleConfig  `yaml:"roles"`
	Queues []QueueConfig `yaml:"queues"`
	Topics []TopicConfig `yaml:"topics"`
	Keys   []KeyConfig   `yaml:"keys"`
	Rules  []RuleConfig  `yaml:"rules"`
}

// RuleConfig is an IoT topic rule. Actions and the error action are
// written as in the API's TopicRulePayload ({sqs: {queueUrl, roleArn,
// useBase64}}, {sns: …}, {republish: …}). Rules are created last: their
// roles, queues and topics come first.
type RuleConfig struct {
	Name        string            `yaml:"name"`
	Region      string            `yaml:"region"` // default us-east-1
	SQL         string            `yaml:"sql"`
	SQLVersion  string            `yaml:"sqlVersion"` // default 2016-03-23
	Description string            `yaml:"description"`
	Disabled    bool              `yaml:"disabled"`
	Actions     []any             `yaml:"actions"`
	ErrorAction any               `yaml:"errorAction"`
	Tags        map[string]string `yaml:"tags"`
}

// KeyConfig is a KMS key with a fixed id (a lower-case UUID), so that
// services can be handed it, and its aliases. Keys are created before
// queues and topics, which may name them.
type KeyConfig struct {
	ID          string            `yaml:"id"`
	Region      string            `yaml:"region"` // default us-east-1
	Description string            `yaml:"description"`
	Policy      any               `yaml:"policy"` // object or JSON text; default: AWS's default key policy
	Aliases     []string          `yaml:"aliases"`
	Tags        map[string]string `yaml:"tags"`
}

// UserConfig is an IAM user. Policies are inline policies by name, each a
// policy document written as an object or as a JSON string.
type UserConfig struct {
	Name            string            `yaml:"name"`
	AccessKeys      []AccessKeyConfig `yaml:"accessKeys"`
	Policies        map[string]any    `yaml:"policies"`
	ManagedPolicies []string          `yaml:"managedPolicies"`
}

// AccessKeyConfig is a fixed access key.
type AccessKeyConfig struct {
	ID     string `yaml:"id"`
	Secret string `yaml:"secret"`
}

// RoleConfig is an IAM role.
type RoleConfig struct {
	Name               string         `yaml:"name"`
	TrustPolicy        any            `yaml:"trustPolicy"`
	Policies           map[string]any `yaml:"policies"`
	ManagedPolicies    []string       `yaml:"managedPolicies"`
	MaxSessionDuration int            `yaml:"maxSessionDuration"`
}

// QueueConfig is an SQS queue. Attribute values may be written as YAML
// scalars or, for the policy attributes, as objects.
type QueueConfig struct {
	Name       string            `yaml:"name"`
	Region     string            `yaml:"region"` // default us-east-1
	Attributes map[string]any    `yaml:"attributes"`
	Tags       map[string]string `yaml:"tags"`
}

// TopicConfig is an SNS topic (a FIFO topic's name ends in .fifo and has
// the attribute FifoTopic: true) and its subscriptions.
type TopicConfig struct {
	Name          string               `yaml:"name"`
	Region        string               `yaml:"region"` // default us-east-1
	Attributes    map[string]any       `yaml:"attributes"`
	Tags          map[string]string    `yaml:"tags"`
	Subscriptions []SubscriptionConfig `yaml:"subscriptions"`
}

// SubscriptionConfig subscribes an endpoint to its topic. A queue is
// subscribed by its owner's root, so it needs no confirmation (the
// configuration speaks for every account in it); an HTTP/S endpoint gets
// its SubscriptionConfirmation, as from any Subscribe.
type SubscriptionConfig struct {
	Protocol   string         `yaml:"protocol"` // sqs, http or https
	Endpoint   string         `yaml:"endpoint"` // a queue ARN or a URL
	Attributes map[string]any `yaml:"attributes"`
}

// ConfigError is a start-up configuration that could not be applied; it
// names the resource by its path in the configuration.
type ConfigError struct{ Err error }

func (e *ConfigError) Error() string { return e.Err.Error() }
func (e *ConfigError) Unwrap() error { return e.Err }

// LoadConfig reads a start-up configuration file; unknown fields are
// errors, so a misspelt key does not pass silently.
func LoadConfig(path string) (*StartupConfig, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dec := yaml.NewDecoder(f)
	dec.KnownFields(true)
	var c StartupConfig
	if err := dec.Decode(&c); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return &c, nil
}

// applyStartup creates what the configuration describes, through the same
// action handlers and validation as an API request made by each account's
// root. Errors name the resource by its path in the file.
func (s *Server) applyStartup(c *StartupConfig) error {
	accounts := make([]string, 0, len(c.Accounts))
	for id := range c.Accounts {
		accounts = append(accounts, id)
	}
	sort.Strings(accounts)
	for _, id := range accounts {
		at := "accounts." + id
		if !isAccountID(id) {
			return fmt.Errorf("%s: an account id is 12 digits", at)
		}
		a := c.Accounts[id]
		for i, u := range a.Users {
			if err := s.applyUser(id, u); err != nil {
				return fmt.Errorf("%s.users[%d] (%s): %w", at, i, u.Name, err)
			}
		}
		for i, r := range a.Roles {
			if err := s.applyRole(id, r); err != nil {
				return fmt.Errorf("%s.roles[%d] (%s): %w", at, i, r.Name, err)
			}
		}
		for i, k := range a.Keys {
			if err := s.applyKey(id, k); err != nil {
				return fmt.Errorf("%s.keys[%d] (%s): %w", at, i, k.ID, err)
			}
		}
		for i, q := range a.Queues {
			if err := s.applyQueue(id, q); err != nil {
				return fmt.Errorf("%s.queues[%d] (%s): %w", at, i, q.Name, err)
			}
		}
		for i, t := range a.Topics {
			if err := s.applyTopic(id, t); err != nil {
				return fmt.Errorf("%s.topics[%d] (%s): %w", at, i, t.Name, err)
			}
		}
	}
	// Rules last, across accounts: a rule's action may name another
	// account's queue or topic.
	for _, id := range accounts {
		for i, r := range c.Accounts[id].Rules {
			if err := s.applyRule(id, r); err != nil {
				return fmt.Errorf("accounts.%s.rules[%d] (%s): %w", id, i, r.Name, err)
			}
		}
	}
	return nil
}

func (s *Server) applyRule(account string, r RuleConfig) error {
	region := r.Region
	if region == "" {
		region = "us-east-1"
	}
	version := r.SQLVersion
	if version == "" {
		version = "2016-03-23"
	}
	// The actions go through the API's own JSON shapes, so a
	// configuration is checked exactly as a CreateTopicRule body is.
	raw, err := json.Marshal(map[string]any{"sql": r.SQL, "awsIotSqlVersion": version, "description": r.Description,
		"ruleDisabled": r.Disabled, "actions": orEmpty(r.Actions), "errorAction": r.ErrorAction})
	if err != nil {
		return err
	}
	var p iot.TopicRulePayload
	if err := json.Unmarshal(raw, &p); err != nil {
		return fmt.Errorf("actions: %w", err)
	}
	return s.iot.EnsureRule(context.Background(), account, region, r.Name, p, r.Tags)
}

func orEmpty(a []any) []any {
	if a == nil {
		return []any{}
	}
	return a
}

func (s *Server) applyKey(account string, k KeyConfig) error {
	region := k.Region
	if region == "" {
		region = "us-east-1"
	}
	doc := ""
	if k.Policy != nil {
		var err error
		if doc, err = policyText(k.Policy); err != nil {
			return fmt.Errorf("policy: %w", err)
		}
	}
	if err := s.kms.EnsureKey(account, region, k.ID, k.Description, doc, k.Tags); err != nil {
		return err
	}
	for _, name := range k.Aliases {
		if err := s.kms.EnsureAlias(account, region, name, k.ID); err != nil {
			return err
		}
	}
	return nil
}

func (s *Server) applyTopic(account string, t TopicConfig) error {
	region := t.Region
	if region == "" {
		region = "us-east-1"
	}
	attrs, err := attributeTexts(t.Attributes)
	if err != nil {
		return err
	}
	v := url.Values{"Name": {t.Name}}
	i := 1
	for _, name := range sortedNames(t.Attributes) {
		v.Set(fmt.Sprintf("Attributes.entry.%d.key", i), name)
		v.Set(fmt.Sprintf("Attributes.entry.%d.value", i), attrs[name])
		i++
	}
	err = s.invokeQuery("sns", "CreateTopic", account, region, v)
	arn := "arn:aws:sns:" + region + ":" + account + ":" + t.Name
	if err != nil {
		if !isCode(err, "InvalidParameter") || !strings.Contains(err.Error(), "already exists") {
			return err
		}
		// The topic exists with other settings (from an earlier start):
		// bring them in line.
		for _, name := range sortedNames(t.Attributes) {
			if name == "FifoTopic" {
				continue
			}
			if err := s.invokeQuery("sns", "SetTopicAttributes", account, region, url.Values{"TopicArn": {arn},
				"AttributeName": {name}, "AttributeValue": {attrs[name]}}); err != nil {
				return fmt.Errorf("attributes.%s: %w", name, err)
			}
		}
	}
	if len(t.Tags) > 0 {
		tv := url.Values{"ResourceArn": {arn}}
		i := 1
		for k, val := range t.Tags {
			tv.Set(fmt.Sprintf("Tags.member.%d.Key", i), k)
			tv.Set(fmt.Sprintf("Tags.member.%d.Value", i), val)
			i++
		}
		if err := s.invokeQuery("sns", "TagResource", account, region, tv); err != nil {
			return fmt.Errorf("tags: %w", err)
		}
	}
	for i, sub := range t.Subscriptions {
		if err := s.applySubscription(account, region, arn, sub); err != nil {
			return fmt.Errorf("subscriptions[%d] (%s): %w", i, sub.Endpoint, err)
		}
	}
	return nil
}

func (s *Server) applySubscription(account, region, topic string, sub SubscriptionConfig) error {
	attrs, err := attributeTexts(sub.Attributes)
	if err != nil {
		return err
	}
	// A queue is subscribed by its owner, who needs no confirmation.
	subscriber := account
	if parts := strings.SplitN(sub.Endpoint, ":", 6); sub.Protocol == "sqs" && len(parts) == 6 && isAccountID(parts[4]) {
		subscriber = parts[4]
	}
	if existing := s.sns.FindSubscription(topic, sub.Protocol, sub.Endpoint); existing != "" {
		for _, name := range sortedNames(sub.Attributes) {
			if err := s.invokeQuery("sns", "SetSubscriptionAttributes", subscriber, region, url.Values{"SubscriptionArn": {existing},
				"AttributeName": {name}, "AttributeValue": {attrs[name]}}); err != nil {
				return fmt.Errorf("attributes.%s: %w", name, err)
			}
		}
		return nil
	}
	v := url.Values{"TopicArn": {topic}, "Protocol": {sub.Protocol}, "Endpoint": {sub.Endpoint}}
	i := 1
	for _, name := range sortedNames(sub.Attributes) {
		v.Set(fmt.Sprintf("Attributes.entry.%d.key", i), name)
		v.Set(fmt.Sprintf("Attributes.entry.%d.value", i), attrs[name])
		i++
	}
	return s.invokeQuery("sns", "Subscribe", subscriber, region, v)
}

// attributeTexts renders a configuration's attribute values.
func attributeTexts(in map[string]any) (map[string]string, error) {
	out := make(map[string]string, len(in))
	for name, v := range in {
		text, err := attributeText(v)
		if err != nil {
			return nil, fmt.Errorf("attributes.%s: %w", name, err)
		}
		out[name] = text
	}
	return out, nil
}

func (s *Server) applyUser(account string, u UserConfig) error {
	if err := s.invokeQuery("iam", "CreateUser", account, "us-east-1", url.Values{"UserName": {u.Name}}); err != nil && !isCode(err, "EntityAlreadyExists") {
		return err
	}
	for _, name := range sortedNames(u.Policies) {
		doc, err := policyText(u.Policies[name])
		if err != nil {
			return fmt.Errorf("policies.%s: %w", name, err)
		}
		if err := s.invokeQuery("iam", "PutUserPolicy", account, "us-east-1", url.Values{"UserName": {u.Name}, "PolicyName": {name}, "PolicyDocument": {doc}}); err != nil {
			return fmt.Errorf("policies.%s: %w", name, err)
		}
	}
	for _, arn := range u.ManagedPolicies {
		if err := s.invokeQuery("iam", "AttachUserPolicy", account, "us-east-1", url.Values{"UserName": {u.Name}, "PolicyArn": {arn}}); err != nil {
			return fmt.Errorf("managedPolicies %s: %w", arn, err)
		}
	}
	for i, k := range u.AccessKeys {
		if err := s.iam.ImportAccessKey(s.rootRequest("iam", "CreateAccessKey", account, "us-east-1"), u.Name, k.ID, k.Secret); err != nil {
			return fmt.Errorf("accessKeys[%d]: %w", i, err)
		}
	}
	return nil
}

func (s *Server) applyRole(account string, r RoleConfig) error {
	trust, err := policyText(r.TrustPolicy)
	if err != nil {
		return fmt.Errorf("trustPolicy: %w", err)
	}
	create := url.Values{"RoleName": {r.Name}, "AssumeRolePolicyDocument": {trust}}
	if r.MaxSessionDuration != 0 {
		create.Set("MaxSessionDuration", strconv.Itoa(r.MaxSessionDuration))
	}
	if err := s.invokeQuery("iam", "CreateRole", account, "us-east-1", create); err != nil {
		if !isCode(err, "EntityAlreadyExists") {
			return err
		}
		if err := s.invokeQuery("iam", "UpdateAssumeRolePolicy", account, "us-east-1", url.Values{"RoleName": {r.Name}, "PolicyDocument": {trust}}); err != nil {
			return fmt.Errorf("trustPolicy: %w", err)
		}
	}
	for _, name := range sortedNames(r.Policies) {
		doc, err := policyText(r.Policies[name])
		if err != nil {
			return fmt.Errorf("policies.%s: %w", name, err)
		}
		if err := s.invokeQuery("iam", "PutRolePolicy", account, "us-east-1", url.Values{"RoleName": {r.Name}, "PolicyName": {name}, "PolicyDocument": {doc}}); err != nil {
			return fmt.Errorf("policies.%s: %w", name, err)
		}
	}
	for _, arn := range r.ManagedPolicies {
		if err := s.invokeQuery("iam", "AttachRolePolicy", account, "us-east-1", url.Values{"RoleName": {r.Name}, "PolicyArn": {arn}}); err != nil {
			return fmt.Errorf("managedPolicies %s: %w", arn, err)
		}
	}
	return nil
}

func (s *Server) applyQueue(account string, q QueueConfig) error {
	region := q.Region
	if region == "" {
		region = "us-east-1"
	}
	attrs := make(map[string]string, len(q.Attributes))
	for name, v := range q.Attributes {
		text, err := attributeText(v)
		if err != nil {
			return fmt.Errorf("attributes.%s: %w", name, err)
		}
		attrs[name] = text
	}
	in := map[string]any{"QueueName": q.Name, "Attributes": attrs, "tags": q.Tags}
	err := s.invokeJSON("sqs", "CreateQueue", account, region, in)
	if err == nil || !isCode(err, "QueueNameExists") {
		return err
	}
	// The queue exists with other attributes (from an earlier start):
	// bring them in line.
	url := "http://localhost/" + account + "/" + q.Name
	return s.invokeJSON("sqs", "SetQueueAttributes", account, region, map[string]any{"QueueUrl": url, "Attributes": attrs})
}

// rootRequest is the context of a call made by an account's root.
func (s *Server) rootRequest(service, action, account, region string) *api.Request {
	id, _ := rootIdentity(account, s.cfg.RootSecret)
	return &api.Request{
		ID: newRequestID(), Service: service, Action: action, Account: account, Region: region,
		Principal: id.Principal, Time: s.cfg.Clock(), Host: "localhost:4566", Scheme: "http", Log: s.log,
	}
}

// invokeJSON calls an action with an input written as its JSON protocol
// body; invokeQuery with its query parameters.
func (s *Server) invokeJSON(service, action, account, region string, in map[string]any) error {
	body, err := json.Marshal(in)
	if err != nil {
		return err
	}
	return s.invoke(service, action, account, region, func(dst any) error { return decodeJSON(body, dst) })
}

func (s *Server) invokeQuery(service, action, account, region string, values url.Values) error {
	return s.invoke(service, action, account, region, func(dst any) error { return decodeQuery(values, dst) })
}

func (s *Server) invoke(service, action, account, region string, decode func(any) error) error {
	a := s.services[service].API().Actions[action]
	in := a.NewInput()
	if err := decode(in); err != nil {
		return err
	}
	_, err := a.Call(context.Background(), s.rootRequest(service, action, account, region), in)
	return err
}

func isCode(err error, code string) bool {
	var e *api.Error
	return errors.As(err, &e) && (e.Code == code || e.WireCode() == code)
}

// policyText accepts a policy document as an object or as JSON text.
func policyText(v any) (string, error) {
	switch d := v.(type) {
	case nil:
		return "", errors.New("a policy document is required")
	case string:
		return d, nil
	}
	b, err := json.Marshal(v)
	return string(b), err
}

// attributeText renders an attribute value: scalars as written, objects
// (policies) as JSON.
func attributeText(v any) (string, error) {
	switch x := v.(type) {
	case string:
		return x, nil
	case bool, int, int64, float64:
		return fmt.Sprint(x), nil
	case map[string]any, []any:
		b, err := json.Marshal(x)
		return string(b), err
	}
	return "", fmt.Errorf("unsupported value %v", v)
}

func sortedNames(m map[string]any) []string {
	names := make([]string, 0, len(m))
	for n := range m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
