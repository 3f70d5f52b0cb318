package iotsql

import (
	"strings"
	"time"
)

// Message is what a rule sees of one publish.
type Message struct {
	Topic     string
	Payload   []byte
	ClientID  string    // "" for HTTP publishes: clientid() then returns "n/a"
	Principal string    // what principal() returns
	Account   string    // accountid()
	Time      time.Time // timestamp(); the zero time means now
	TraceID   string    // traceid(); "" makes it Undefined
	SourceIP  string    // sourceip()
	// UserProperties are the MQTT 5 user properties, in order, for
	// get_user_properties(key).
	UserProperties [][2]string
	// Properties are the other MQTT 5 properties by the names
	// get_mqtt_property(name) takes: content_type, format_indicator,
	// response_topic and correlation_data (base64).
	Properties map[string]string
}

// Statement is a parsed rule query. It is immutable and safe for
// concurrent use.
type Statement struct {
	sql     string
	version string
	v2      bool
	topic   string
	sets    []setVar
	q       query
	need    need
	// starOnly: the output is the payload itself (SELECT * or SELECT
	// VALUE *), for JSON and binary payloads alike.
	starOnly bool
}

// Parse parses a rule's SQL under a SQL version; "" means 2015-10-08, the
// version AWS assumes when a rule names none. An unknown function, a
// function or syntax the version lacks, and wrong arity are ParseErrors;
// a function AWS has but this engine does not run is an UnsupportedError.
func Parse(sql, version string) (*Statement, error) {
	if version == "" {
		version = Version20151008
	}
	if !ValidVersion(version) {
		return nil, &ParseError{Line: 1, Column: 1, Msg: "Unsupported SQL version '" + version + "'"}
	}
	p, err := newParser(sql, version)
	if err != nil {
		return nil, err
	}
	st := &Statement{sql: sql, version: version, v2: p.level >= level2}
	if err := p.run(func() { p.statement(st) }); err != nil {
		return nil, err
	}
	st.compile()
	return st, nil
}

// compile works out what evaluation needs of the payload.
func (s *Statement) compile() {
	q := &s.q
	switch {
	case q.value:
		_, s.starOnly = q.items[0].x.(*starNode)
	case len(q.items) == 1 && q.items[0].star:
		s.starOnly = true
	}
	for _, v := range s.sets {
		s.need.collect(v.x)
	}
	s.need.collect(q.where)
	if !s.starOnly {
		for _, it := range q.items {
			if it.star {
				s.need.all = true
				continue
			}
			s.need.collect(it.x)
		}
	}
}

// Topic is the FROM topic filter, "" when the statement has none (a rule
// only reached through Basic Ingest).
func (s *Statement) Topic() string { return s.topic }

// Version is the SQL version the statement was parsed under.
func (s *Statement) Version() string { return s.version }

// String is the statement's SQL as given.
func (s *Statement) String() string { return s.sql }

// Match reports whether the FROM filter matches topic under AWS's rules
// (see MatchTopic). A statement without FROM matches nothing.
func (s *Statement) Match(topic string) bool {
	return s.topic != "" && MatchTopic(s.topic, topic)
}

// Evaluate runs WHERE, then SELECT. ok is false when WHERE is false or
// Undefined: the rule does not fire. out is the SELECT result as JSON text,
// or the payload itself when the statement selects only * (then out
// aliases m.Payload); a SELECT VALUE that is Undefined gives empty out.
func (s *Statement) Evaluate(m *Message) (out []byte, ok bool, err error) {
	if s.starOnly && s.q.where == nil {
		return m.Payload, true, nil
	}
	e := s.newEnv(m, s.need)
	if s.q.where != nil && !s.q.where.eval(e).isTrue() {
		return nil, false, nil
	}
	if s.starOnly {
		return m.Payload, true, nil
	}
	out, err = s.project(e, len(m.Payload))
	if err != nil {
		return nil, false, err
	}
	return out, true, nil
}

// newEnv decodes what n needs of the payload and runs the SET clause.
func (s *Statement) newEnv(m *Message, n need) *env {
	e := &env{m: m, version: s.version}
	if n.decodes() && len(m.Payload) > 0 {
		var ok bool
		if n.all {
			e.payload, ok = decodeJSON(string(m.Payload))
		} else {
			e.payload, ok = decodeFields(string(m.Payload), n.names)
		}
		if !ok {
			e.payload = undefined
		}
	}
	e.doc = e.payload
	if len(s.sets) > 0 && n.vars {
		e.vars = make([]value, len(s.sets))
		for i, v := range s.sets {
			e.vars[i] = v.x.eval(e)
		}
	}
	return e
}

// project serializes the SELECT list.
func (s *Statement) project(e *env, sizeHint int) ([]byte, error) {
	q := &s.q
	if q.value {
		v := q.items[0].x.eval(e)
		if v.k == kindArray && !s.v2 {
			return nil, ErrTopLevelArray
		}
		return appendOutput(make([]byte, 0, 64), v, s.v2), nil
	}
	if q.flat {
		buf := make([]byte, 0, 16+len(q.items)*24)
		buf = append(buf, '{')
		first := true
		for _, it := range q.items {
			v := it.x.eval(e)
			if !v.defined() {
				continue
			}
			if !first {
				buf = append(buf, ',')
			}
			first = false
			buf = appendJSONString(buf, it.alias[0])
			buf = append(buf, ':')
			buf = appendOutput(buf, v, s.v2)
		}
		return append(buf, '}'), nil
	}
	for _, it := range q.items {
		if it.star && e.payload.k != kindObject {
			return nil, ErrBinaryPayload
		}
	}
	return appendOutput(make([]byte, 0, sizeHint+32), q.object(e), s.v2), nil
}

// topicOf is the topic rules see: Basic Ingest's $aws/rules/<rule>/ prefix
// is not part of it (DG/iot-basic-ingest).
func topicOf(topic string) string {
	if rest, ok := strings.CutPrefix(topic, basicIngestPrefix); ok {
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			return rest[i+1:]
		}
	}
	return topic
}
