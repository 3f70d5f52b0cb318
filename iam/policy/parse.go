package policy

import (
	"encoding/json"
	"io"
	"slices"
	"strings"
)

// statement is one compiled Statement element.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html
type statement struct {
	sid   string
	index int
	deny  bool

	notAction bool
	actions   []actionPattern

	hasResource bool // Resource or NotResource given (never in trust policies)
	notResource bool
	resources   []resourcePattern

	principal    *principalSet // nil when the statement names no principal
	notPrincipal bool

	conds []condition
}

// Parse reads and validates a policy document of the given kind. Its error,
// if any, is an *Error whose Reason is what AWS answers.
func Parse(doc string, kind Kind) (*Policy, error) {
	p, err := parse(doc, kind)
	if err != nil {
		return nil, err
	}
	return p, nil
}

// topField and statementField name the elements of the policy grammar.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html
func topField(name string) bool {
	return name == "Version" || name == "Id" || name == "Statement"
}

func statementField(name string) bool {
	switch name {
	case "Sid", "Effect", "Principal", "NotPrincipal", "Action", "NotAction", "Resource", "NotResource", "Condition":
		return true
	}
	return false
}

func parse(doc string, kind Kind) (*Policy, *Error) {
	dec := json.NewDecoder(strings.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, &Error{reasonSyntax}
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &Error{reasonSyntax}
	}
	top, ok := v.(map[string]any)
	if !ok {
		return nil, &Error{reasonSyntax}
	}
	for _, k := range sortedKeys(top) {
		if !topField(k) {
			return nil, &Error{"Unknown field " + k}
		}
	}
	p := &Policy{kind: kind, doc: doc}
	if raw, ok := top["Version"]; ok {
		s, ok := raw.(string)
		if !ok {
			return nil, &Error{reasonSyntax}
		}
		// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_version.html
		if s != Version2012 && s != Version2008 {
			return nil, &Error{reasonLegacy}
		}
		p.Version = s
	}
	if raw, ok := top["Id"]; ok {
		s, ok := raw.(string)
		if !ok {
			return nil, &Error{reasonSyntax}
		}
		p.ID = s
	}
	raw, ok := top["Statement"]
	if !ok {
		return nil, &Error{reasonMissingStatement}
	}
	var items []any
	switch s := raw.(type) {
	case map[string]any:
		items = []any{s}
	case []any:
		items = s
	default:
		return nil, &Error{reasonSyntax}
	}
	vars := p.Version == Version2012
	p.statements = make([]statement, 0, len(items))
	for i, item := range items {
		m, ok := item.(map[string]any)
		if !ok {
			return nil, &Error{reasonSyntax}
		}
		st, err := parseStatement(m, i, kind, vars, p)
		if err != nil {
			return nil, err
		}
		// IAM refuses repeated Sids; SQS, SNS and KMS leave that to themselves.
		if st.sid != "" && (kind == Identity || kind == Trust) {
			for j := range p.statements {
				if p.statements[j].sid == st.sid {
					return nil, &Error{reasonDuplicateSid}
				}
			}
		}
		p.statements = append(p.statements, st)
	}
	return p, nil
}

func parseStatement(m map[string]any, index int, kind Kind, vars bool, p *Policy) (statement, *Error) {
	st := statement{index: index}
	for _, k := range sortedKeys(m) {
		if !statementField(k) {
			return st, &Error{"Unknown field " + k}
		}
	}
	if raw, ok := m["Sid"]; ok {
		s, ok := raw.(string)
		if !ok {
			return st, &Error{reasonSyntax}
		}
		st.sid = s
	}

	// Effect: "Allow" or "Deny".
	// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_effect.html
	raw, ok := m["Effect"]
	if !ok {
		return st, &Error{reasonMissingEffect}
	}
	switch raw {
	case "Allow":
	case "Deny":
		st.deny = true
	default:
		// IAM's own words for "Effect": "allow".
		return st, &Error{reasonLegacy}
	}

	if err := st.parsePrincipal(m, kind, p); err != nil {
		return st, err
	}
	if err := st.parseActions(m, kind); err != nil {
		return st, err
	}
	if err := st.parseResources(m, kind, vars); err != nil {
		return st, err
	}
	if raw, ok := m["Condition"]; ok {
		conds, err := parseConditions(raw, vars)
		if err != nil {
			return st, err
		}
		st.conds = conds
	}
	return st, nil
}

// parsePrincipal enforces where Principal and NotPrincipal may appear: never
// in identity policies, always in resource and key policies; trust policies
// need Principal and may not use NotPrincipal.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_notprincipal.html
func (st *statement) parsePrincipal(m map[string]any, kind Kind, p *Policy) *Error {
	pr, hasP := m["Principal"]
	npr, hasNP := m["NotPrincipal"]
	switch {
	case kind == Identity && (hasP || hasNP):
		return &Error{reasonNoPrincipalAllowed}
	case kind == Identity:
		return nil
	case hasP && hasNP:
		return &Error{reasonSyntax}
	case kind == Trust && hasNP:
		return &Error{"Has prohibited field NotPrincipal"}
	case !hasP && !hasNP:
		return &Error{reasonMissingPrincipal}
	}
	if hasNP {
		st.notPrincipal = true
		pr = npr
	}
	ps, err := parsePrincipal(pr, p)
	if err != nil {
		return err
	}
	st.principal = ps
	return nil
}

// parseActions reads Action or NotAction: "service:action", case-insensitive,
// with wildcards.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_action.html
func (st *statement) parseActions(m map[string]any, kind Kind) *Error {
	raw, hasA := m["Action"]
	nraw, hasNA := m["NotAction"]
	switch {
	case hasA && hasNA:
		return &Error{reasonSyntax}
	case !hasA && !hasNA:
		return &Error{reasonNoActions}
	case hasNA:
		st.notAction = true
		raw = nraw
	}
	actions, ok := stringList(raw)
	if !ok {
		return &Error{reasonSyntax}
	}
	if len(actions) == 0 {
		return &Error{reasonNoActions}
	}
	for _, a := range actions {
		if a != "*" {
			switch strings.Count(a, ":") {
			case 0:
				return &Error{reasonVendor}
			case 1:
				if strings.HasPrefix(a, ":") {
					return &Error{reasonVendor}
				}
			default:
				return &Error{reasonOneColon}
			}
		}
		ap := compileAction(a)
		if kind == Trust && !st.notAction && !trustAction(&ap) {
			return &Error{reasonTrustActions}
		}
		st.actions = append(st.actions, ap)
	}
	return nil
}

// trustActions are the actions a role trust policy may allow.
// https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_terms-and-concepts.html#term_trust-policy
func trustAction(ap *actionPattern) bool {
	for _, a := range [...]string{
		"sts:AssumeRole", "sts:AssumeRoleWithSAML", "sts:AssumeRoleWithWebIdentity",
		"sts:TagSession", "sts:SetSourceIdentity", "sts:SetContext",
	} {
		if ap.match(a) {
			return true
		}
	}
	return false
}

// parseResources reads Resource or NotResource: required except in trust
// policies, which may not have one; each value an ARN or "*".
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html
func (st *statement) parseResources(m map[string]any, kind Kind, vars bool) *Error {
	raw, hasR := m["Resource"]
	nraw, hasNR := m["NotResource"]
	switch {
	case kind == Trust && hasR:
		return &Error{"Has prohibited field Resource"}
	case kind == Trust && hasNR:
		return &Error{"Has prohibited field NotResource"}
	case kind == Trust:
		return nil
	case hasR && hasNR:
		return &Error{reasonSyntax}
	case !hasR && !hasNR:
		return &Error{reasonNoResources}
	case hasNR:
		st.notResource = true
		raw = nraw
	}
	resources, ok := stringList(raw)
	if !ok {
		return &Error{reasonSyntax}
	}
	if len(resources) == 0 {
		return &Error{reasonNoResources}
	}
	st.hasResource = true
	for _, r := range resources {
		if r != "*" && !strings.HasPrefix(r, "arn:") {
			if !vars {
				return &Error{reasonLegacy}
			}
			return &Error{"Resource " + r + ` must be in ARN format or "*".`}
		}
		st.resources = append(st.resources, compileResource(r, vars))
	}
	return nil
}

// stringList reads a string or a list of strings.
func stringList(v any) ([]string, bool) {
	switch v := v.(type) {
	case string:
		return []string{v}, true
	case []any:
		out := make([]string, 0, len(v))
		for _, item := range v {
			s, ok := item.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

// sortedKeys gives a map's keys in order, so that the first error reported
// for a document is always the same one.
func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
