package filter

import (
	"maps"
	"slices"
)

// Limits from https://docs.aws.amazon.com/sns/latest/dg/subscription-filter-policy-constraints.html.
const (
	maxPolicyBytes   = 256 * 1024
	maxKeys          = 5
	maxCombinations  = 150
	saturatedCounter = 1 << 30
)

// reservedNames are the field names that stop "$or" from being an OR:
// Event Ruler's operators and the names it keeps for future ones.
var reservedNames = map[string]bool{
	"exactly": true, "equals-ignore-case": true, "prefix": true, "suffix": true,
	"anything-but": true, "exists": true, "wildcard": true, "numeric": true, "cidr": true,
	"=": true, "<": true, "<=": true, ">": true, ">=": true, "regex": true,
	"not-wildcard": true, "not-equals-ignore-case": true, "date-after": true,
	"date-on-or-after": true, "date-before": true, "date-on-or-before": true,
	"in-date-range": true, "ip-address-in-range": true, "ip-address-not-in-range": true,
}

// Parse validates doc as a filter policy for scope and compiles it.
//
// The empty string is no policy: Parse returns a nil *Policy and no error,
// as setting FilterPolicy to "" removes the policy in AWS, and a nil *Policy
// matches every message. "{}" is accepted and compiles to a policy that
// matches every message, whatever its body.
//
// A refused policy returns an *Error whose Error() is the message AWS
// returns with code InvalidParameter, without the leading
// "Invalid parameter: ": most start "FilterPolicy: ", the nested-policy one
// starts "Filter policy scope". See Error for the one policy AWS answers with
// InternalError.
//
// Checks run in the order SNS appears to run them: size and JSON syntax, the
// number of top-level keys, the shape of the document (objects and non-empty
// arrays, no nesting under MessageAttributes), the number of combinations,
// then each value and match expression in document order.
func Parse(doc string, scope Scope) (*Policy, error) {
	if doc == "" {
		return nil, nil
	}
	p, err := parse(doc, scope)
	if err != nil {
		return nil, err
	}
	return p, nil
}

func parse(doc string, scope Scope) (*Policy, *Error) {
	if len(doc) > maxPolicyBytes {
		return nil, errTooLong()
	}
	root, err := parsePolicyJSON(doc)
	if err != nil {
		return nil, err
	}
	if root.kind != jsonObject {
		return nil, errNotObject()
	}
	if len(root.members) == 0 {
		return &Policy{scope: scope, matchAll: true}, nil
	}
	if countKeys(root) > maxKeys {
		return nil, errTooManyKeys()
	}
	if err := checkShape(root, scope, 1, false); err != nil {
		return nil, err
	}
	if combinations(root, 1) > maxCombinations {
		return nil, errTooComplex()
	}
	tree, err := compileObject(root, "", 1)
	if err != nil {
		return nil, err
	}
	return newPolicy(scope, expand(tree, nil)), nil
}

// countKeys counts the distinct names at the top of the policy; "$or" is one
// of them.
func countKeys(root jsonValue) int {
	names := make([]string, 0, len(root.members))
	for _, m := range root.members {
		if !slices.Contains(names, m.name) {
			names = append(names, m.name)
		}
	}
	return len(names)
}

// isOr reports whether a "$or" member's value makes it an OR: an array of at
// least two objects, none of them using a reserved field name. Otherwise
// "$or" is an ordinary key
// (https://docs.aws.amazon.com/sns/latest/dg/and-or-logic.html#or-operator).
func isOr(v jsonValue) bool {
	if v.kind != jsonArray || len(v.elems) < 2 {
		return false
	}
	for _, alt := range v.elems {
		if alt.kind != jsonObject {
			return false
		}
		for _, m := range alt.members {
			if reservedNames[m.name] {
				return false
			}
		}
	}
	return true
}

// checkShape checks that every key holds an object or a non-empty array,
// that no object is empty, and that MessageAttributes policies are flat.
// depth counts objects, not "$or" alternatives: the top level is 1.
func checkShape(obj jsonValue, scope Scope, depth int, inOr bool) *Error {
	if len(obj.members) == 0 {
		return errEmptyObject()
	}
	for _, m := range obj.members {
		if m.name == "$or" && isOr(m.value) {
			for _, alt := range m.value.elems {
				if err := checkShape(alt, scope, depth, true); err != nil {
					return err
				}
			}
			continue
		}
		if inOr && reservedNames[m.name] {
			return errReservedInOr(m.name)
		}
		switch m.value.kind {
		case jsonObject:
			if err := checkShape(m.value, scope, depth+1, inOr); err != nil {
				return err
			}
		case jsonArray:
			if len(m.value.elems) == 0 {
				return errEmptyArray()
			}
		default:
			return errNotObjectOrArray(m.name)
		}
	}
	if scope == MessageAttributes && depth > 1 {
		return errNestedInAttributes()
	}
	return nil
}

// combinations is the policy's complexity as AWS counts it: the product,
// over the keys, of the number of values each array holds times how deeply
// its key is nested, with the alternatives of a "$or" adding up. A
// three-level key with four values counts 12.
func combinations(obj jsonValue, depth int) int {
	total := 1
	for _, m := range obj.members {
		var n int
		switch {
		case m.name == "$or" && isOr(m.value):
			for _, alt := range m.value.elems {
				n = min(n+combinations(alt, depth), saturatedCounter)
			}
		case m.value.kind == jsonObject:
			n = combinations(m.value, depth+1)
		default:
			n = len(m.value.elems) * depth
		}
		total = min(total*n, saturatedCounter)
	}
	return total
}

// node is a checked policy object with its match expressions compiled.
type node struct {
	members []nodeMember
}

type nodeMember struct {
	path     string    // leaf: the key's dotted path
	matchers []matcher // leaf
	child    *node     // nested object
	alts     []*node   // "$or"
}

func compileObject(obj jsonValue, prefix string, depth int) (*node, *Error) {
	n := &node{}
	for _, m := range obj.members {
		if m.name == "$or" && isOr(m.value) {
			var alts []*node
			for _, alt := range m.value.elems {
				c, err := compileObject(alt, prefix, depth)
				if err != nil {
					return nil, err
				}
				alts = append(alts, c)
			}
			n.members = append(n.members, nodeMember{alts: alts})
			continue
		}
		path := m.name
		if depth > 1 {
			path = prefix + "." + m.name
		}
		if m.value.kind == jsonObject {
			c, err := compileObject(m.value, path, depth+1)
			if err != nil {
				return nil, err
			}
			n.members = append(n.members, nodeMember{child: c})
			continue
		}
		leaf := nodeMember{path: path}
		for _, el := range m.value.elems {
			mt, err := compileMatcher(el)
			if err != nil {
				return nil, err
			}
			leaf.matchers = append(leaf.matchers, mt)
		}
		n.members = append(n.members, leaf)
	}
	return n, nil
}

// branch is one way a message can match: a key path and its matchers for
// each key, every one of which must match.
type branch struct {
	leaves []leafRef
	at     map[string]int // index of each path in leaves
}

type leafRef struct {
	path     string
	matchers []matcher
}

func (b *branch) set(path string, matchers []matcher) {
	if i, ok := b.at[path]; ok {
		b.leaves[i].matchers = matchers
		return
	}
	if b.at == nil {
		b.at = map[string]int{}
	}
	b.at[path] = len(b.leaves)
	b.leaves = append(b.leaves, leafRef{path: path, matchers: matchers})
}

func (b *branch) clone() *branch {
	return &branch{leaves: slices.Clone(b.leaves), at: maps.Clone(b.at)}
}

// expand rewrites the policy as alternatives, the way Event Ruler does:
// reading members in document order, a key is set in every alternative so
// far, and a "$or" multiplies the alternatives by its own. A key set twice
// in one alternative keeps its last value, as Ruler's per-rule map does.
// The number of alternatives is at most the number of combinations, so at
// most 150.
func expand(n *node, branches []*branch) []*branch {
	for _, m := range n.members {
		switch {
		case m.alts != nil:
			var out []*branch
			for _, alt := range m.alts {
				fork := make([]*branch, 0, max(len(branches), 1))
				for _, b := range branches {
					fork = append(fork, b.clone())
				}
				out = append(out, expand(alt, fork)...)
			}
			branches = out
		case m.child != nil:
			branches = expand(m.child, branches)
		default:
			if len(branches) == 0 {
				branches = append(branches, &branch{})
			}
			for _, b := range branches {
				b.set(m.path, m.matchers)
			}
		}
	}
	return branches
}
