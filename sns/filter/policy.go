package filter

import "strings"

// Policy is a parsed, validated filter policy. It is immutable and safe for
// concurrent use. A nil *Policy is no policy and matches every message.
type Policy struct {
	scope    Scope
	matchAll bool // "{}"
	branches [][]field
	paths    []string // each key path once; field.path indexes it
	// prefixes maps every path, and every part of one that ends before a
	// dot, to what the body scanner must collect there.
	prefixes map[string]pathInfo
	// hasNotExists says some key uses {"exists": false}, which needs to know
	// whether the message has any value at all.
	hasNotExists bool
}

// field is one key of a branch: its path and the matchers, any of which
// may match.
type field struct {
	path     int
	matchers []matcher
}

// pathInfo says what a body path means to the policy: a key whose values are
// collected (id >= 0), and/or the parent of deeper keys (inner).
type pathInfo struct {
	id    int
	inner bool
}

func newPolicy(scope Scope, branches []*branch) *Policy {
	p := &Policy{scope: scope, prefixes: map[string]pathInfo{}}
	ids := map[string]int{}
	for _, b := range branches {
		fields := make([]field, 0, len(b.leaves))
		for _, ref := range b.leaves {
			id, ok := ids[ref.path]
			if !ok {
				id = len(p.paths)
				ids[ref.path] = id
				p.paths = append(p.paths, ref.path)
			}
			fields = append(fields, field{path: id, matchers: ref.matchers})
			for _, m := range ref.matchers {
				if m.op == opExists && !m.exists {
					p.hasNotExists = true
				}
			}
		}
		p.branches = append(p.branches, fields)
	}
	for id, path := range p.paths {
		info := p.prefixes[path]
		info.id = id
		p.prefixes[path] = info
		for i := range len(path) {
			if path[i] != '.' {
				continue
			}
			info, ok := p.prefixes[path[:i]]
			if !ok {
				info.id = -1
			}
			info.inner = true
			p.prefixes[path[:i]] = info
		}
	}
	return p
}

// Scope returns the scope the policy was parsed for.
func (p *Policy) Scope() Scope {
	if p == nil {
		return MessageAttributes
	}
	return p.scope
}

// match reports whether any of the field's matchers accepts src.
func (f *field) match(src *source, nonEmpty bool) bool {
	for i := range f.matchers {
		m := &f.matchers[i]
		switch {
		case m.op == opExists:
			// "exists": false needs the message to carry something: an empty
			// set of attributes matches nothing
			// (https://docs.aws.amazon.com/sns/latest/dg/attribute-key-matching.html).
			if present := src.exists(); present == m.exists && (present || nonEmpty) {
				return true
			}
		case src.kind == sourceArray && m.isAnythingBut():
			// For a String.Array attribute, anything-but matches only if none
			// of the elements is excluded
			// (https://docs.aws.amazon.com/sns/latest/dg/string-value-matching.html#string-anything-but-matching).
			if src.all(m) {
				return true
			}
		default:
			if src.any(m) {
				return true
			}
		}
	}
	return false
}

type sourceKind uint8

const (
	sourceNone   sourceKind = iota // the key is absent
	sourceSingle                   // a String or Number attribute
	sourceArray                    // a String.Array attribute
	sourceList                     // the leaves of a body path
)

// source is the values a message has for one key.
type source struct {
	kind   sourceKind
	single value
	array  string // sourceArray: the attribute's JSON, known valid
	list   []value
}

func (s *source) exists() bool {
	switch s.kind {
	case sourceSingle:
		return s.single.present()
	case sourceArray:
		for r := (arrayReader{s: s.array}); ; {
			v, ok := r.next()
			if !ok {
				return false
			}
			if v.present() {
				return true
			}
		}
	case sourceList:
		for _, v := range s.list {
			if v.present() {
				return true
			}
		}
	}
	return false
}

func (s *source) any(m *matcher) bool {
	switch s.kind {
	case sourceSingle:
		return m.matchValue(s.single)
	case sourceArray:
		for r := (arrayReader{s: s.array}); ; {
			v, ok := r.next()
			if !ok {
				return false
			}
			if m.matchValue(v) {
				return true
			}
		}
	case sourceList:
		for _, v := range s.list {
			if m.matchValue(v) {
				return true
			}
		}
	}
	return false
}

// all reports whether the source has values and m accepts every one.
func (s *source) all(m *matcher) bool {
	seen := false
	for r := (arrayReader{s: s.array}); ; {
		v, ok := r.next()
		if !ok {
			return seen
		}
		if !m.matchValue(v) {
			return false
		}
		seen = true
	}
}

// Attribute is one SNS message attribute as published.
type Attribute struct {
	// Type is the DataType: "String", "String.Array", "Number" or "Binary",
	// optionally with a custom suffix ("String.url", "Number.int").
	Type string
	// Value is the StringValue, or the base64 of the BinaryValue.
	Value string
}

// attributeSource is what a filter policy sees of an attribute. SNS compares
// only String, String.Array and Number attributes and ignores Binary ones
// (https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html);
// an ignored attribute is as good as absent.
func attributeSource(a Attribute) source {
	if a.Type == "String.Array" {
		if !validArray(a.Value) {
			return source{kind: sourceArray} // no values
		}
		return source{kind: sourceArray, array: a.Value}
	}
	base, _, _ := strings.Cut(a.Type, ".")
	switch base {
	case "String":
		return source{kind: sourceSingle, single: stringValue(escapeAttributeString(a.Value))}
	case "Number":
		return source{kind: sourceSingle, single: numberValue(a.Value)}
	}
	return source{}
}

func comparedAttribute(a Attribute) bool {
	base, _, _ := strings.Cut(a.Type, ".")
	return base == "String" || base == "Number"
}

// MatchAttributes reports whether a message with these attributes passes the
// policy. A policy parsed for MessageBody never matches on attributes.
func (p *Policy) MatchAttributes(attrs map[string]Attribute) bool {
	if p == nil || p.matchAll {
		return true
	}
	if p.scope != MessageAttributes {
		return false
	}
	nonEmpty := false
	if p.hasNotExists {
		for _, a := range attrs {
			if comparedAttribute(a) {
				nonEmpty = true
				break
			}
		}
	}
	for _, b := range p.branches {
		all := true
		for i := range b {
			var src source
			if a, ok := attrs[p.paths[b[i].path]]; ok {
				src = attributeSource(a)
			}
			if !b[i].match(&src, nonEmpty) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}
