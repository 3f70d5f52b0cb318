package iot

import (
	"context"
	"errors"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iot/iotsql"
)

// Rule is a topic rule, compiled: its statement parsed and its actions'
// templates ready. A Rule never changes once built; enabling, disabling
// or replacing a rule puts a new one in its place.
type Rule struct {
	Name, ARN, Account, Region string
	Payload                    TopicRulePayload // as given, with the SQL version filled in
	CreatedAt                  time.Time
	Disabled                   bool
	Tags                       map[string]string

	stmt        *iotsql.Statement
	actions     []*ruleAction
	errorAction *ruleAction
}

// ruleAction is one action of a rule, ready to run.
type ruleAction struct {
	kind      string // sqs, sns, republish
	roleARN   string
	target    *iotsql.Template // queueUrl, targetArn or topic
	source    string           // that field as written
	useBase64 bool
	format    string // RAW or JSON (sns)
	qos       int    // republish
	headers   *headerTemplates
}

// headerTemplates are a republish's MQTT 5 headers; each is a template.
type headerTemplates struct {
	payloadFormat, contentType, responseTopic, correlationData, messageExpiry *iotsql.Template
	userProperties                                                            [][2]*iotsql.Template
}

// https://docs.aws.amazon.com/iot/latest/apireference/API_CreateTopicRule.html
var ruleNameRE = regexp.MustCompile(`^[a-zA-Z0-9_]+$`)

const maxActions = 10

func validateRuleName(name string) *api.Error {
	if len(name) < 1 || len(name) > 128 || !ruleNameRE.MatchString(name) {
		return errInvalidRequestf("1 validation error detected: Value '%s' at 'ruleName' failed to satisfy constraint: Member must satisfy regular expression pattern: ^[a-zA-Z0-9_]+$", name)
	}
	return nil
}

func ruleARN(account, region, name string) string {
	return "arn:aws:iot:" + region + ":" + account + ":rule/" + name
}

// compile validates a rule payload as CreateTopicRule does and builds the
// rule. The roles are checked separately (checkRoles), since that asks
// STS.
func compile(account, region, name string, p TopicRulePayload) (*Rule, *api.Error) {
	if e := validateRuleName(name); e != nil {
		return nil, e
	}
	if p.SQL == nil || strings.TrimSpace(*p.SQL) == "" {
		return nil, errInvalidRequest("1 validation error detected: Value null at 'topicRulePayload.sql' failed to satisfy constraint: Member must not be null")
	}
	if p.Actions == nil {
		return nil, errInvalidRequest("1 validation error detected: Value null at 'topicRulePayload.actions' failed to satisfy constraint: Member must not be null")
	}
	if len(p.Actions) > maxActions {
		return nil, errInvalidRequestf("1 validation error detected: Value at 'topicRulePayload.actions' failed to satisfy constraint: Member must have length less than or equal to %d", maxActions)
	}
	version := iotsql.Version20151008
	if p.AwsIotSqlVersion != nil {
		version = *p.AwsIotSqlVersion
	}
	if !iotsql.ValidVersion(version) {
		return nil, errInvalidRequestf("Invalid SQL version: %s. Valid versions are 2015-10-08, 2016-03-23 and beta.", version)
	}
	p.AwsIotSqlVersion = &version
	stmt, err := iotsql.Parse(*p.SQL, version)
	if err != nil {
		var ue *iotsql.UnsupportedError
		if errors.As(err, &ue) {
			return nil, errInvalidRequestf("The function %s is not supported by ferry's rules engine.", ue.Function)
		}
		return nil, errSQLParse(err.Error())
	}
	if stmt.Topic() == "" {
		return nil, errSQLParse("Expected a FROM clause naming a topic filter in single quotes.")
	}
	if err := iotsql.ValidTopicFilter(stmt.Topic()); err != nil {
		return nil, errSQLParse("Invalid topic filter '" + stmt.Topic() + "' in the FROM clause: " + err.Error())
	}
	r := &Rule{
		Name: name, ARN: ruleARN(account, region, name), Account: account, Region: region,
		Payload: p, stmt: stmt, Disabled: p.RuleDisabled != nil && *p.RuleDisabled,
	}
	for i, a := range p.Actions {
		ra, e := compileAction(a, version, "topicRulePayload.actions."+strconv.Itoa(i+1))
		if e != nil {
			return nil, e
		}
		r.actions = append(r.actions, ra)
	}
	if p.ErrorAction != nil {
		ra, e := compileAction(p.ErrorAction, version, "topicRulePayload.errorAction")
		if e != nil {
			return nil, e
		}
		r.errorAction = ra
	}
	return r, nil
}

func compileAction(a *Action, version, member string) (*ruleAction, *api.Error) {
	if a == nil {
		return nil, errInvalidRequest("An action of " + member + " is empty.")
	}
	set := len(a.Other)
	for _, ok := range []bool{a.SQS != nil, a.SNS != nil, a.Republish != nil} {
		if ok {
			set++
		}
	}
	if set != 1 {
		return nil, errInvalidRequest("Each action must specify exactly one action type; " + member + " specifies " + strconv.Itoa(set) + ".")
	}
	for kind := range a.Other {
		return nil, errInvalidRequest("The action type " + kind + " is not supported by ferry; the supported actions are sqs, sns and republish.")
	}
	tmpl := func(field, s string) (*iotsql.Template, *api.Error) {
		t, err := iotsql.ParseTemplate(s, version)
		if err != nil {
			return nil, errInvalidRequest("Invalid substitution template in " + member + "." + field + ": " + err.Error())
		}
		return t, nil
	}
	var ra ruleAction
	var e *api.Error
	// target sets the action's target, a required substitution template.
	target := func(field, s string) *api.Error {
		if s == "" {
			return errInvalidRequest("1 validation error detected: Value null at '" + member + "." + field + "' failed to satisfy constraint: Member must not be null")
		}
		ra.source = s
		ra.target, e = tmpl(field, s)
		return e
	}
	switch {
	case a.SQS != nil:
		ra.kind, ra.roleARN = "sqs", a.SQS.RoleArn
		if e := target("sqs.queueUrl", a.SQS.QueueURL); e != nil {
			return nil, e
		}
		ra.useBase64 = a.SQS.UseBase64 != nil && *a.SQS.UseBase64
	case a.SNS != nil:
		ra.kind, ra.roleARN = "sns", a.SNS.RoleArn
		if e := target("sns.targetArn", a.SNS.TargetArn); e != nil {
			return nil, e
		}
		ra.format = a.SNS.MessageFormat
		if ra.format == "" {
			ra.format = "RAW"
		}
		if ra.format != "RAW" && ra.format != "JSON" {
			return nil, errInvalidRequestf("1 validation error detected: Value '%s' at '%s.sns.messageFormat' failed to satisfy constraint: Member must satisfy enum value set: [RAW, JSON]", a.SNS.MessageFormat, member)
		}
	case a.Republish != nil:
		ra.kind, ra.roleARN = "republish", a.Republish.RoleArn
		if e := target("republish.topic", a.Republish.Topic); e != nil {
			return nil, e
		}
		if q := a.Republish.QoS; q != nil {
			if *q != 0 && *q != 1 {
				return nil, errInvalidRequestf("1 validation error detected: Value '%d' at '%s.republish.qos' failed to satisfy constraint: Member must have value less than or equal to 1", *q, member)
			}
			ra.qos = *q
		}
		if h := a.Republish.Headers; h != nil {
			if ra.headers, e = compileHeaders(h, tmpl); e != nil {
				return nil, e
			}
		}
	}
	if ra.roleARN == "" {
		return nil, errInvalidRequest("1 validation error detected: Value null at '" + member + "." + ra.kind + ".roleArn' failed to satisfy constraint: Member must not be null")
	}
	if !strings.HasPrefix(ra.roleARN, "arn:aws:iam::") || !strings.Contains(ra.roleARN, ":role/") {
		return nil, errInvalidRequest("Invalid role ARN " + ra.roleARN + " in " + member + ".")
	}
	return &ra, nil
}

func compileHeaders(h *MQTTHeaders, tmpl func(field, s string) (*iotsql.Template, *api.Error)) (*headerTemplates, *api.Error) {
	var ht headerTemplates
	one := func(field string, s *string, dst **iotsql.Template) *api.Error {
		if s == nil {
			return nil
		}
		if len(*s) > 1024 {
			return errInvalidRequest("The republish header " + field + " is longer than 1024 characters.")
		}
		t, e := tmpl("republish.headers."+field, *s)
		*dst = t
		return e
	}
	for _, f := range []struct {
		name string
		s    *string
		dst  **iotsql.Template
	}{
		{"payloadFormatIndicator", h.PayloadFormatIndicator, &ht.payloadFormat},
		{"contentType", h.ContentType, &ht.contentType},
		{"responseTopic", h.ResponseTopic, &ht.responseTopic},
		{"correlationData", h.CorrelationData, &ht.correlationData},
		{"messageExpiry", h.MessageExpiry, &ht.messageExpiry},
	} {
		if e := one(f.name, f.s, f.dst); e != nil {
			return nil, e
		}
	}
	if len(h.UserProperties) > 100 {
		return nil, errInvalidRequest("A republish action carries at most 100 user properties.")
	}
	for _, up := range h.UserProperties {
		var pair [2]*iotsql.Template
		if e := one("userProperties.key", &up.Key, &pair[0]); e != nil {
			return nil, e
		}
		if e := one("userProperties.value", &up.Value, &pair[1]); e != nil {
			return nil, e
		}
		ht.userProperties = append(ht.userProperties, pair)
	}
	return &ht, nil
}

// roles lists the distinct roles a rule's actions run as.
func (r *Rule) roles() []string {
	var out []string
	add := func(a *ruleAction) {
		if a != nil && !slices.Contains(out, a.roleARN) {
			out = append(out, a.roleARN)
		}
	}
	for _, a := range r.actions {
		add(a)
	}
	add(r.errorAction)
	return out
}

// checkRoles assumes each of the rule's roles, as AWS probes them when a
// rule is created or replaced (disabled or not).
func (s *Service) checkRoles(ctx context.Context, r *Rule) *api.Error {
	for _, role := range r.roles() {
		if _, err := s.roles.principal(ctx, s, role, r, true); err != nil {
			if ae, ok := errors.AsType[*api.Error](err); ok && ae.Status >= 500 {
				return ae // ferry's own fault (a full disk), not the role's
			}
			return errInvalidRequest("AWS IoT (iot.amazonaws.com) is unable to assume role (sts:AssumeRole) on resource: " + role +
				".  If the role was just created or updated, please try again in a few seconds.")
		}
	}
	return nil
}

func (s *Service) createTopicRule(ctx context.Context, req *api.Request, in *createTopicRuleInput) (*struct{}, error) {
	r, e := compile(req.Account, req.Region, in.RuleName, in.Payload)
	if e != nil {
		return nil, e
	}
	tags, e := parseTagging(in.Tags)
	if e != nil {
		return nil, e
	}
	r.Tags = tags
	r.CreatedAt = req.Time.Truncate(time.Millisecond)
	if _, ok := s.rule(req.Account, req.Region, in.RuleName); ok {
		return nil, errAlreadyExists("Rule cannot be created because a rule with the name " + in.RuleName + " already exists")
	}
	if e := s.checkRoles(ctx, r); e != nil {
		return nil, e
	}
	if err := s.putRule(r, true); err != nil {
		return nil, err
	}
	return nil, nil
}

func (s *Service) replaceTopicRule(ctx context.Context, req *api.Request, in *createTopicRuleInput) (*struct{}, error) {
	old, ok := s.rule(req.Account, req.Region, in.RuleName)
	if !ok {
		return nil, errRuleNotFound(in.RuleName)
	}
	r, e := compile(req.Account, req.Region, in.RuleName, in.Payload)
	if e != nil {
		return nil, e
	}
	if e := s.checkRoles(ctx, r); e != nil {
		return nil, e
	}
	r.CreatedAt, r.Tags = old.CreatedAt, old.Tags
	if err := s.putRule(r, false); err != nil {
		return nil, err
	}
	return nil, nil
}

func (s *Service) getTopicRule(_ context.Context, req *api.Request, in *ruleNameInput) (*getTopicRuleOutput, error) {
	r, ok := s.rule(req.Account, req.Region, in.RuleName)
	if !ok {
		return nil, errRuleNotFound(in.RuleName)
	}
	p := r.Payload
	out := &getTopicRuleOutput{RuleArn: r.ARN, Rule: TopicRule{
		RuleName: r.Name, SQL: deref(p.SQL), Description: deref(p.Description), CreatedAt: epochTime(r.CreatedAt),
		Actions: p.Actions, RuleDisabled: r.Disabled, AwsIotSqlVersion: deref(p.AwsIotSqlVersion), ErrorAction: p.ErrorAction,
	}}
	if out.Rule.Actions == nil {
		out.Rule.Actions = []*Action{}
	}
	return out, nil
}

func (s *Service) listTopicRules(_ context.Context, req *api.Request, in *listTopicRulesInput) (*listTopicRulesOutput, error) {
	limit, err := pageSize(in.MaxResults, 1000, 10000)
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	var rules []*Rule
	for _, r := range s.rules[regionKey{req.Account, req.Region}] {
		if in.Topic != nil && r.stmt.Topic() != *in.Topic {
			continue
		}
		if in.RuleDisabled != nil && r.Disabled != *in.RuleDisabled {
			continue
		}
		rules = append(rules, r)
	}
	s.mu.Unlock()
	sort.Slice(rules, func(i, j int) bool { return rules[i].Name < rules[j].Name })
	start := 0
	if in.NextToken != nil && *in.NextToken != "" {
		after, err := url.QueryUnescape(*in.NextToken)
		if err != nil {
			return nil, errInvalidRequest("Invalid nextToken.")
		}
		start = sort.Search(len(rules), func(i int) bool { return rules[i].Name > after })
	}
	out := &listTopicRulesOutput{Rules: []topicRuleListItem{}}
	for i := start; i < len(rules); i++ {
		if len(out.Rules) == limit {
			out.NextToken = url.QueryEscape(rules[i-1].Name)
			break
		}
		r := rules[i]
		out.Rules = append(out.Rules, topicRuleListItem{
			RuleArn: r.ARN, RuleName: r.Name, TopicPattern: r.stmt.Topic(), CreatedAt: epochTime(r.CreatedAt), RuleDisabled: r.Disabled,
		})
	}
	return out, nil
}

func (s *Service) enableTopicRule(_ context.Context, req *api.Request, in *ruleNameInput) (*struct{}, error) {
	return nil, s.setDisabled(req, in.RuleName, false)
}

func (s *Service) disableTopicRule(_ context.Context, req *api.Request, in *ruleNameInput) (*struct{}, error) {
	return nil, s.setDisabled(req, in.RuleName, true)
}

func (s *Service) setDisabled(req *api.Request, name string, disabled bool) error {
	old, ok := s.rule(req.Account, req.Region, name)
	if !ok {
		return errRuleNotFound(name)
	}
	r := *old
	r.Disabled = disabled
	r.Payload.RuleDisabled = &disabled
	return s.putRule(&r, false)
}

func (s *Service) deleteTopicRule(_ context.Context, req *api.Request, in *ruleNameInput) (*struct{}, error) {
	if _, ok := s.rule(req.Account, req.Region, in.RuleName); !ok {
		return nil, errRuleNotFound(in.RuleName)
	}
	if err := s.removeRule(req.Account, req.Region, in.RuleName); err != nil {
		return nil, err
	}
	return nil, nil
}

// rule looks a rule up by name.
func (s *Service) rule(account, region, name string) (*Rule, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.rules[regionKey{account, region}][name]
	return r, ok
}

// Rules lists every rule, for the dashboard and metrics.
func (s *Service) Rules() []*Rule {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*Rule
	for _, m := range s.rules {
		for _, r := range m {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ARN < out[j].ARN })
	return out
}

// putRule stores a rule durably, then makes it live. With create set, a
// rule of that name appearing meanwhile is an error.
func (s *Service) putRule(r *Rule, create bool) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	k := regionKey{r.Account, r.Region}
	_, exists := s.rules[k][r.Name]
	if create && exists {
		return errAlreadyExists("Rule cannot be created because a rule with the name " + r.Name + " already exists")
	}
	if !create && !exists {
		return errRuleNotFound(r.Name) // deleted meanwhile
	}
	if err := s.saveRule(r); err != nil {
		return err
	}
	if s.rules[k] == nil {
		s.rules[k] = map[string]*Rule{}
	}
	s.rules[k][r.Name] = r
	s.reindex()
	return nil
}

func (s *Service) removeRule(account, region, name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.deleteStoredRule(account, region, name); err != nil {
		return err
	}
	delete(s.rules[regionKey{account, region}], name)
	s.stats.Delete(ruleARN(account, region, name))
	s.reindex()
	return nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// EnsureRule creates a rule, or replaces the rule of that name, as a
// start-up configuration asks: validated, its roles probed and stored like
// a rule made through the API.
func (s *Service) EnsureRule(ctx context.Context, account, region, name string, p TopicRulePayload, tags map[string]string) error {
	r, e := compile(account, region, name, p)
	if e != nil {
		return e
	}
	if e := validateTags(tags); e != nil {
		return e
	}
	if e := s.checkRoles(ctx, r); e != nil {
		return e
	}
	r.Tags = tags
	old, exists := s.rule(account, region, name)
	if exists {
		r.CreatedAt = old.CreatedAt
	} else {
		r.CreatedAt = s.now().Truncate(time.Millisecond)
	}
	return s.putRule(r, !exists)
}
