package filter

import "sync"

// Matching a body reads it once, without building it: the scanner follows
// only the paths the policy names, collects the leaf values found there, and
// skips everything else while still checking it is valid JSON.
//
// Paths are dotted: {"a": {"b": 1}} and {"a.b": 1} both have 1 at "a.b", as
// SNS treats them (Event Ruler flattens events that way). Arrays are
// transparent: every element's leaves belong to the array's path, so a key
// matches when any element does.
// (https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policies.html).

type bodyScan struct {
	data   []byte
	p      *Policy
	path   []byte
	values [][]value // by path id
	leaves bool      // the body has at least one leaf anywhere
}

var bodyScans = sync.Pool{New: func() any { return new(bodyScan) }}

// MatchBody reports whether a message body passes the policy. The body must
// be a JSON object; anything else matches only the empty policy "{}" (and no
// policy). A policy parsed for MessageAttributes never matches on a body.
func (p *Policy) MatchBody(body []byte) bool {
	if p == nil || p.matchAll {
		return true
	}
	if p.scope != MessageBody {
		return false
	}
	sc := bodyScans.Get().(*bodyScan)
	defer func() {
		for i := range sc.values {
			clear(sc.values[i])
			sc.values[i] = sc.values[i][:0]
		}
		sc.data, sc.p, sc.path, sc.leaves = nil, nil, sc.path[:0], false
		bodyScans.Put(sc)
	}()
	sc.data, sc.p = body, p
	if cap(sc.values) < len(p.paths) {
		sc.values = make([][]value, len(p.paths))
	}
	sc.values = sc.values[:len(p.paths)]

	i := skipSpace(body, 0)
	if i == len(body) || body[i] != '{' {
		return false
	}
	end, ok := sc.object(i, 1)
	if !ok || skipSpace(body, end) != len(body) {
		return false
	}

	for _, b := range p.branches {
		all := true
		for i := range b {
			src := source{kind: sourceList, list: sc.values[b[i].path]}
			if !b[i].match(&src, sc.leaves) {
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

// object reads the object at data[i] == '{', whose path is sc.path.
func (sc *bodyScan) object(i, depth int) (int, bool) {
	if depth > maxDepth {
		return i, false
	}
	base := len(sc.path)
	if i = skipSpace(sc.data, i+1); i < len(sc.data) && sc.data[i] == '}' {
		return i + 1, true
	}
	for {
		i = skipSpace(sc.data, i)
		if i == len(sc.data) || sc.data[i] != '"' {
			return i, false
		}
		end, _, ok := scanString(sc.data, i)
		if !ok {
			return end, false
		}
		if depth > 1 {
			sc.path = append(sc.path, '.')
		}
		sc.path = appendUnquoted(sc.path, sc.data[i:end])
		info, wanted := sc.p.prefixes[string(sc.path)]
		if i = skipSpace(sc.data, end); i == len(sc.data) || sc.data[i] != ':' {
			return i, false
		}
		if i, ok = sc.value(i+1, depth, info, wanted); !ok {
			return i, false
		}
		sc.path = sc.path[:base]
		if i = skipSpace(sc.data, i); i == len(sc.data) {
			return i, false
		}
		switch sc.data[i] {
		case ',':
			i++
		case '}':
			return i + 1, true
		default:
			return i, false
		}
	}
}

// value reads the value at or after data[i], whose path is sc.path.
func (sc *bodyScan) value(i, depth int, info pathInfo, wanted bool) (int, bool) {
	i = skipSpace(sc.data, i)
	if i == len(sc.data) {
		return i, false
	}
	switch c := sc.data[i]; {
	case c == '{' && wanted && info.inner:
		return sc.object(i, depth+1)
	case c == '[' && wanted:
		if depth+1 > maxDepth {
			return i, false
		}
		if i = skipSpace(sc.data, i+1); i < len(sc.data) && sc.data[i] == ']' {
			return i + 1, true
		}
		for {
			var ok bool
			if i, ok = sc.value(i, depth+1, info, wanted); !ok {
				return i, false
			}
			if i = skipSpace(sc.data, i); i == len(sc.data) {
				return i, false
			}
			switch sc.data[i] {
			case ',':
				i++
			case ']':
				return i + 1, true
			default:
				return i, false
			}
		}
	case c == '{' || c == '[' || !wanted || info.id < 0:
		end, leaves, ok := skipValue(sc.data, i, depth)
		sc.leaves = sc.leaves || leaves
		return end, ok
	}

	// A leaf the policy wants.
	sc.leaves = true
	var v value
	end := i
	switch c := sc.data[i]; {
	case c == '"':
		var escaped, ok bool
		if end, escaped, ok = scanString(sc.data, i); !ok {
			return end, false
		}
		v = stringValue(unquote(sc.data[i:end], escaped))
	case c == 't' || c == 'f' || c == 'n':
		lit, kind := "null", kindNull
		switch c {
		case 't':
			lit, kind = "true", kindTrue
		case 'f':
			lit, kind = "false", kindFalse
		}
		if !hasLiteral(sc.data, i, lit) {
			return i, false
		}
		end, v.kind = i+len(lit), kind
	default:
		var why string
		if end, why = scanNumber(sc.data, i); why != "" {
			return end, false
		}
		v = numberValue(string(sc.data[i:end]))
	}
	sc.values[info.id] = append(sc.values[info.id], v)
	return end, true
}
