package sns

// TopicState is one topic as metrics and the dashboard show it: its
// counters, policy and subscriptions.
type TopicState struct {
	Account, Region, Name, ARN string
	FIFO                       bool
	Policy                     string
	// What became of its messages: published, delivered to a subscriber,
	// failed (every failed HTTP/S attempt counts, as in AWS), and filtered
	// out by a subscription's filter policy.
	Published, Delivered, Failed, FilteredOut int64
	Subscriptions                             []SubscriptionState
}

// SubscriptionState is one subscription of a topic.
type SubscriptionState struct {
	ARN, Owner, Protocol, Endpoint string
	Pending, Raw                   bool
	FilterPolicy                   string
	// Delivered and Failed count deliveries to the endpoint; LastError is
	// why the latest failure failed.
	Delivered, Failed int64
	LastError         string
}

// Topics reports every topic, sorted by ARN.
func (s *Service) Topics() []TopicState {
	s.mu.RLock()
	var topics []*Topic
	for _, r := range s.regions {
		for _, t := range r.topics {
			topics = append(topics, t)
		}
	}
	s.mu.RUnlock()
	sortByARN(topics)
	out := make([]TopicState, 0, len(topics))
	for _, t := range topics {
		st := TopicState{Account: t.Account, Region: t.Region, Name: t.Name, ARN: t.ARN, FIFO: t.FIFO,
			Published: t.stats.Published.Load(), Delivered: t.stats.Delivered.Load(),
			Failed: t.stats.Failed.Load(), FilteredOut: t.stats.FilteredOut.Load()}
		st.Policy = t.attribute("Policy")
		if st.Policy == "" {
			st.Policy = defaultTopicPolicy(t.ARN, t.Account)
		}
		for _, sub := range t.subscriptions() {
			cfg := sub.config()
			sub.mu.Lock()
			fp := sub.attrs["FilterPolicy"]
			sub.mu.Unlock()
			ss := SubscriptionState{ARN: sub.ARN, Owner: sub.Owner, Protocol: sub.Protocol, Endpoint: sub.Endpoint,
				Pending: cfg.pending, Raw: cfg.raw, FilterPolicy: fp, Delivered: sub.delivered.Load(), Failed: sub.failed.Load()}
			if e := sub.lastError.Load(); e != nil {
				ss.LastError = *e
			}
			st.Subscriptions = append(st.Subscriptions, ss)
		}
		out = append(out, st)
	}
	return out
}

// FindSubscription returns the ARN of a topic's subscription of an
// endpoint, or "" if there is none.
func (s *Service) FindSubscription(topicARN, protocol, endpoint string) string {
	t := s.topicByARN(topicARN)
	if t == nil {
		return ""
	}
	for _, sub := range t.subscriptions() {
		if sub.Protocol == protocol && sub.Endpoint == endpoint {
			return sub.ARN
		}
	}
	return ""
}
