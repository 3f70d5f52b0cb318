package iot

// RuleView is a rule as the dashboard and the metrics show it.
type RuleView struct {
	Account      string       `json:"account"`
	Region       string       `json:"region"`
	Name         string       `json:"name"`
	ARN          string       `json:"arn"`
	SQL          string       `json:"sql"`
	Topic        string       `json:"topic"`
	Disabled     bool         `json:"disabled"`
	Matched      int64        `json:"matched"`
	Succeeded    int64        `json:"succeeded"`
	Failed       int64        `json:"failed"`
	ErrorActions int64        `json:"errorActions"`
	Actions      []ActionView `json:"actions"`
}

// ActionView is one action of a rule and how it is doing.
type ActionView struct {
	Kind        string `json:"kind"`   // sqs, sns or republish
	Target      string `json:"target"` // queue URL, topic ARN or MQTT topic, as written (templates unexpanded)
	Role        string `json:"role"`
	ErrorAction bool   `json:"errorAction"`
	Succeeded   int64  `json:"succeeded"`
	Failed      int64  `json:"failed"`
	LastError   string `json:"lastError,omitempty"`
}

// RuleViews lists every rule with its counters, ordered by ARN.
func (s *Service) RuleViews() []RuleView {
	rules := s.Rules()
	out := make([]RuleView, 0, len(rules))
	for _, r := range rules {
		st := s.Stats(r.ARN)
		v := RuleView{Account: r.Account, Region: r.Region, Name: r.Name, ARN: r.ARN, SQL: deref(r.Payload.SQL),
			Topic: r.stmt.Topic(), Disabled: r.Disabled, Matched: st.Matched.Load(), Succeeded: st.Succeeded.Load(),
			Failed: st.Failed.Load(), ErrorActions: st.ErrorActions.Load(), Actions: []ActionView{}}
		add := func(a *ruleAction, isError bool) {
			as := st.action(a)
			av := ActionView{Kind: a.kind, Target: a.source, Role: a.roleARN, ErrorAction: isError,
				Succeeded: as.succeeded.Load(), Failed: as.failed.Load()}
			if e := as.lastError.Load(); e != nil {
				av.LastError = *e
			}
			v.Actions = append(v.Actions, av)
		}
		for _, a := range r.actions {
			add(a, false)
		}
		if r.errorAction != nil {
			add(r.errorAction, true)
		}
		out = append(out, v)
	}
	return out
}
