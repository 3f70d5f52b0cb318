package policy

import (
	"strings"
	"unicode/utf8"
)

// Patterns are compiled once, at Parse, into tokens: literal text, the two
// wildcards, and policy variables. A variable's value is always literal: a '*'
// in a user name matches only '*'.
//
// Wildcards, case and segments differ by element:
//   - Action: '*' and '?' anywhere, case-insensitive.
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
//   - Resource: case-sensitive; '*' and '?' match within one colon-separated
//     segment of the ARN, except that a '*' ending a segment may expand past
//     the colons, and the resource part (after the fifth colon) is one segment
//     that may itself hold colons.
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
//   - StringLike: '*' and '?' over the whole value.
//   - ArnLike/ArnEquals: each of the six colon-delimited components separately.
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html#Conditions_ARN

type tokKind uint8

const (
	tLit  tokKind = iota // literal text
	tStar                // '*': any run of characters
	tOne                 // '?': any one character
	tVar                 // ${key} or ${key, 'default'}
)

type token struct {
	kind   tokKind
	text   string // the literal; the lower-cased context key of a variable
	def    string // a variable's default
	hasDef bool
}

// tokenize splits a pattern into tokens. wild makes '*' and '?' wildcards;
// vars makes ${…} a policy variable (2012-10-17 documents only).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html
func tokenize(s string, wild, vars bool) []token {
	var toks []token
	var lit []byte
	flush := func() {
		if len(lit) > 0 {
			toks = append(toks, token{kind: tLit, text: string(lit)})
			lit = lit[:0]
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case wild && c == '*':
			flush()
			if len(toks) == 0 || toks[len(toks)-1].kind != tStar {
				toks = append(toks, token{kind: tStar})
			}
			i++
		case wild && c == '?':
			flush()
			toks = append(toks, token{kind: tOne})
			i++
		case vars && c == '$' && i+1 < len(s) && s[i+1] == '{':
			t, n, ok := parseVariable(s[i:])
			if !ok {
				lit = append(lit, c)
				i++
				continue
			}
			if t.kind == tLit {
				lit = append(lit, t.text...)
			} else {
				flush()
				toks = append(toks, t)
			}
			i += n
		default:
			lit = append(lit, c)
			i++
		}
	}
	flush()
	return toks
}

// parseVariable reads the variable that s starts with ("${"). The special
// variables ${*}, ${?} and ${$} stand for the literal character; a default
// follows the key after a comma, in single quotes: ${aws:userid, 'anonymous'}.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-specialchars
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-default-values
func parseVariable(s string) (t token, n int, ok bool) {
	if len(s) >= 4 && s[3] == '}' && (s[2] == '*' || s[2] == '?' || s[2] == '$') {
		return token{kind: tLit, text: s[2:3]}, 4, true
	}
	i := 2
	for i < len(s) && s[i] != '}' && s[i] != ',' {
		i++
	}
	if i == len(s) {
		return token{}, 0, false
	}
	key := strings.TrimSpace(s[2:i])
	if key == "" || strings.ContainsAny(key, " \t'${") {
		return token{}, 0, false
	}
	t = token{kind: tVar, text: strings.ToLower(key)}
	if s[i] == '}' {
		return t, i + 1, true
	}
	i++ // ','
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i == len(s) || s[i] != '\'' {
		return token{}, 0, false
	}
	end := strings.IndexByte(s[i+1:], '\'')
	if end < 0 {
		return token{}, 0, false
	}
	t.def, t.hasDef = s[i+1:i+1+end], true
	i += end + 2
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i == len(s) || s[i] != '}' {
		return token{}, 0, false
	}
	return t, i + 1, true
}

// variable resolves a variable token against the request context. Only a
// key with exactly one value can be a variable; otherwise the default, if
// any, applies. Unresolved, the value containing it matches nothing.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_condition-single-vs-multi-valued-context-keys.html
func variable(t *token, ctx lookup) (string, bool) {
	if vs := ctx.get(t.text); len(vs) == 1 {
		return vs[0], true
	}
	return t.def, t.hasDef
}

// resolvable reports whether every variable in toks has a value.
func resolvable(toks []token, ctx lookup) bool {
	for i := range toks {
		if toks[i].kind == tVar {
			if _, ok := variable(&toks[i], ctx); !ok {
				return false
			}
		}
	}
	return true
}

func hasVars(toks []token) bool {
	for i := range toks {
		if toks[i].kind == tVar {
			return true
		}
	}
	return false
}

func hasWildcards(toks []token) bool {
	for i := range toks {
		if toks[i].kind == tStar || toks[i].kind == tOne {
			return true
		}
	}
	return false
}

// resolve renders tokens without wildcards as the string they stand for.
func resolve(toks []token, ctx lookup) string {
	var b strings.Builder
	for i := range toks {
		switch toks[i].kind {
		case tVar:
			v, _ := variable(&toks[i], ctx)
			b.WriteString(v)
		case tStar:
			b.WriteByte('*')
		case tOne:
			b.WriteByte('?')
		default:
			b.WriteString(toks[i].text)
		}
	}
	return b.String()
}

// glob matches s against toks, '*' and '?' matching any character. Variables
// must have been found resolvable. With fold, literals (lower-cased at
// compile time) compare ASCII-case-insensitively.
func glob(toks []token, s string, fold bool, ctx lookup) bool {
	ti, si := 0, 0
	starTi, starSi := -1, 0
	for {
		if ti < len(toks) {
			t := &toks[ti]
			switch t.kind {
			case tStar:
				starTi, starSi = ti, si
				ti++
				continue
			case tOne:
				if si < len(s) {
					si += runeLen(s[si:])
					ti++
					continue
				}
			default:
				lit := t.text
				if t.kind == tVar {
					lit, _ = variable(t, ctx)
				}
				if hasPrefix(s[si:], lit, fold) {
					si += len(lit)
					ti++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		// Mismatch: let the last '*' take one more character.
		if starTi < 0 || starSi >= len(s) {
			return false
		}
		starSi += runeLen(s[starSi:])
		si, ti = starSi, starTi+1
	}
}

// equalTokens reports whether s is exactly the text toks stand for (no
// wildcards), without building that text.
func equalTokens(toks []token, s string, ctx lookup) bool {
	for i := range toks {
		lit := toks[i].text
		if toks[i].kind == tVar {
			lit, _ = variable(&toks[i], ctx)
		}
		if !strings.HasPrefix(s, lit) {
			return false
		}
		s = s[len(lit):]
	}
	return s == ""
}

func runeLen(s string) int {
	if s[0] < utf8.RuneSelf {
		return 1
	}
	_, n := utf8.DecodeRuneInString(s)
	return n
}

func hasPrefix(s, prefix string, fold bool) bool {
	if len(s) < len(prefix) {
		return false
	}
	if !fold {
		return s[:len(prefix)] == prefix
	}
	return asciiEqualFold(s[:len(prefix)], prefix)
}

// asciiEqualFold compares ASCII case-insensitively; action names are ASCII.
func asciiEqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x != y {
			if 'A' <= x && x <= 'Z' {
				x += 'a' - 'A'
			}
			if 'A' <= y && y <= 'Z' {
				y += 'a' - 'A'
			}
			if x != y {
				return false
			}
		}
	}
	return true
}

func asciiLower(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return strings.ToLower(s)
		}
	}
	return s
}

// actionPattern is one value of Action or NotAction.
type actionPattern struct {
	all   bool   // "*"
	plain string // lower-cased literal when there is no wildcard
	toks  []token
}

func compileAction(s string) actionPattern {
	if s == "*" {
		return actionPattern{all: true}
	}
	toks := tokenize(asciiLower(s), true, false)
	if !hasWildcards(toks) {
		return actionPattern{plain: asciiLower(s)}
	}
	return actionPattern{toks: toks}
}

func (a *actionPattern) match(action string) bool {
	switch {
	case a.all:
		return true
	case a.toks == nil:
		return asciiEqualFold(action, a.plain)
	}
	return glob(a.toks, action, true, lookup{})
}

// resourcePattern is one value of Resource or NotResource.
type resourcePattern struct {
	all    bool // "*"
	plain  bool // no wildcard and no variable: lit must equal the resource
	lit    string
	prefix string // the literal text before the first wildcard or variable
	skip   int    // whole segments in prefix: matching starts after them
	skipAt int    // where the first segment not skipped starts
	vars   bool
	toks   []token   // all tokens, for resolvability
	comps  [][]token // the five colon-separated segments, then the resource part
}

// arnSegments is how many colon-separated segments an ARN has; the last, the
// resource part, may hold further colons.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference-arns.html
const arnSegments = 6

func compileResource(s string, vars bool) resourcePattern {
	if s == "*" {
		return resourcePattern{all: true}
	}
	toks := tokenize(s, true, vars)
	rp := resourcePattern{toks: toks, vars: hasVars(toks)}
	if !rp.vars && !hasWildcards(toks) {
		rp.plain = true
		for _, t := range toks {
			rp.lit += t.text
		}
		return rp
	}
	if toks[0].kind == tLit {
		rp.prefix = toks[0].text
		for rp.skip < arnSegments-1 {
			i := strings.IndexByte(rp.prefix[rp.skipAt:], ':')
			if i < 0 {
				break
			}
			rp.skip++
			rp.skipAt += i + 1
		}
	}
	rp.comps = splitSegments(toks)
	return rp
}

// splitSegments cuts tokens at the first five literal colons.
func splitSegments(toks []token) [][]token {
	comps := [][]token{nil}
	for _, t := range toks {
		if t.kind != tLit {
			comps[len(comps)-1] = append(comps[len(comps)-1], t)
			continue
		}
		text := t.text
		for len(comps) < arnSegments {
			i := strings.IndexByte(text, ':')
			if i < 0 {
				break
			}
			if i > 0 {
				comps[len(comps)-1] = append(comps[len(comps)-1], token{kind: tLit, text: text[:i]})
			}
			comps = append(comps, nil)
			text = text[i+1:]
		}
		if text != "" {
			comps[len(comps)-1] = append(comps[len(comps)-1], token{kind: tLit, text: text})
		}
	}
	return comps
}

func (r *resourcePattern) match(resource string, ctx lookup) bool {
	switch {
	case r.all:
		return true
	case r.plain:
		return resource == r.lit
	case !strings.HasPrefix(resource, r.prefix):
		return false
	case r.vars && !resolvable(r.toks, ctx):
		return false // https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html#policy-vars-no-value
	}
	// The segments the literal prefix spans have matched already.
	var m segmentMemo
	return r.matchFrom(r.skip, resource[r.skipAt:], r.skip, ctx, &m)
}

// segmentMemo remembers (segment, colon ordinal) starts known to fail, so
// that several segment-ending '*'s cannot make matching exponential: each
// start is tried once. Resources with more than 64 colons spill to the heap.
type segmentMemo struct {
	small [arnSegments]uint64
	big   [arnSegments][]uint64
}

func (m *segmentMemo) failed(i, ord int) bool {
	if ord < 64 {
		return m.small[i]&(1<<ord) != 0
	}
	w := ord / 64
	return w < len(m.big[i]) && m.big[i][w]&(1<<(ord%64)) != 0
}

func (m *segmentMemo) fail(i, ord int) {
	if ord < 64 {
		m.small[i] |= 1 << ord
		return
	}
	w := ord / 64
	for len(m.big[i]) <= w {
		m.big[i] = append(m.big[i], 0)
	}
	m.big[i][w] |= 1 << (ord % 64)
}

// matchFrom matches s, which starts after the ord-th colon of the resource,
// against the pattern's segments from i on.
func (r *resourcePattern) matchFrom(i int, s string, ord int, ctx lookup, m *segmentMemo) bool {
	if m.failed(i, ord) {
		return false
	}
	ok := r.matchSegment(i, s, ord, ctx, m)
	if !ok {
		m.fail(i, ord)
	}
	return ok
}

func (r *resourcePattern) matchSegment(i int, s string, ord int, ctx lookup, m *segmentMemo) bool {
	comp := r.comps[i]
	if i == arnSegments-1 {
		return glob(comp, s, false, ctx)
	}
	piece, rest, more := strings.Cut(s, ":")
	trailingStar := len(comp) > 0 && comp[len(comp)-1].kind == tStar
	switch {
	case len(comp) == 1 && comp[0].kind == tLit:
		if piece != comp[0].text {
			return false
		}
	case len(comp) == 1 && trailingStar:
	case !glob(comp, piece, false, ctx):
		return false
	}
	last := i+1 == len(r.comps)
	if !trailingStar {
		if last {
			return !more
		}
		return more && r.matchFrom(i+1, rest, ord+1, ctx, m)
	}
	// A '*' ending the segment may also take the following colons.
	if last {
		return true
	}
	for more {
		ord++
		if r.matchFrom(i+1, rest, ord, ctx, m) {
			return true
		}
		_, rest, more = strings.Cut(rest, ":")
	}
	return false
}

// arnPattern is an ArnEquals/ArnLike value: six components matched one by one.
type arnPattern struct {
	valid bool // the value has six components
	comps [arnSegments][]token
	toks  []token
}

func compileARN(s string, vars bool) arnPattern {
	toks := tokenize(s, true, vars)
	comps := splitSegments(toks)
	ap := arnPattern{toks: toks, valid: len(comps) == arnSegments}
	copy(ap.comps[:], comps)
	return ap
}

func (a *arnPattern) match(v string, ctx lookup) bool {
	if !a.valid || !resolvable(a.toks, ctx) {
		return false
	}
	for i := 0; i < arnSegments-1; i++ {
		piece, rest, ok := strings.Cut(v, ":")
		if !ok || !glob(a.comps[i], piece, false, ctx) {
			return false
		}
		v = rest
	}
	return glob(a.comps[arnSegments-1], v, false, ctx)
}
