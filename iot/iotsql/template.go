package iotsql

import (
	"strings"
)

// Template is a substitution template: action fields such as a republish
// topic, an SQS queueUrl or an SNS targetArn with ${expression} in them
// (DG/iot-substitution-templates). The expressions see the original
// payload, not the SELECT output, so SELECT aliases are not visible.
type Template struct {
	text  string
	parts []templatePart
	st    *Statement // supplies the version and, when bound, SET variables
	need  need
}

type templatePart struct {
	text string // literal text when x is nil
	x    expr
}

// ParseTemplate parses a template under a SQL version ("" means
// 2015-10-08). "$$" stands for a literal "$", which is how a republish
// names a reserved $aws topic (DG/republish-rule-action).
func ParseTemplate(tmpl, version string) (*Template, error) {
	if version == "" {
		version = Version20151008
	}
	if !ValidVersion(version) {
		return nil, &ParseError{Line: 1, Column: 1, Msg: "Unsupported SQL version '" + version + "'"}
	}
	return parseTemplate(tmpl, &Statement{version: version, v2: levelOf(version) >= level2})
}

// ParseTemplate parses a template of one of the statement's rule actions:
// it may use the statement's SET variables (DG/iot-sql-set).
func (s *Statement) ParseTemplate(tmpl string) (*Template, error) {
	return parseTemplate(tmpl, s)
}

func parseTemplate(tmpl string, st *Statement) (*Template, error) {
	t := &Template{text: tmpl, st: st}
	var lit strings.Builder
	for i := 0; i < len(tmpl); {
		if tmpl[i] != '$' || i+1 >= len(tmpl) {
			lit.WriteByte(tmpl[i])
			i++
			continue
		}
		switch tmpl[i+1] {
		case '$':
			lit.WriteByte('$')
			i += 2
			continue
		case '{':
		default:
			lit.WriteByte('$')
			i++
			continue
		}
		end, ok := templateEnd(tmpl, i+2)
		if !ok {
			return nil, newParseError(tmpl, i, "Unterminated substitution template")
		}
		x, err := parseTemplateExpr(tmpl, i+2, end, st)
		if err != nil {
			return nil, err
		}
		if lit.Len() > 0 {
			t.parts = append(t.parts, templatePart{text: lit.String()})
			lit.Reset()
		}
		t.parts = append(t.parts, templatePart{x: x})
		t.need.collect(x)
		i = end + 1
	}
	if lit.Len() > 0 {
		t.parts = append(t.parts, templatePart{text: lit.String()})
	}
	if t.need.vars {
		for _, v := range st.sets {
			t.need.collect(v.x)
		}
	}
	return t, nil
}

// templateEnd finds the '}' closing a template expression that starts at
// i, skipping braces inside literals and nested objects.
func templateEnd(s string, i int) (int, bool) {
	depth := 0
	for ; i < len(s); i++ {
		switch c := s[i]; c {
		case '\'', '"', '`':
			for i++; i < len(s) && s[i] != c; i++ {
				if s[i] == '\\' && c != '`' {
					i++
				}
			}
			if i >= len(s) {
				return 0, false
			}
		case '{':
			depth++
		case '}':
			if depth == 0 {
				return i, true
			}
			depth--
		}
	}
	return 0, false
}

func parseTemplateExpr(tmpl string, start, end int, st *Statement) (expr, error) {
	src := tmpl[start:end]
	var x expr
	p, err := newParser(src, st.version)
	if err == nil {
		p.vars = st.setSlots()
		err = p.run(func() {
			if p.peek().kind == tokEOF {
				p.fail(p.peek(), "Empty substitution template")
			}
			x = p.expr()
			if t := p.peek(); t.kind != tokEOF {
				p.fail(t, "Unexpected "+t.describe())
			}
		})
	}
	if pe, ok := err.(*ParseError); ok {
		return nil, newParseError(tmpl, start+pe.Pos, pe.Msg)
	}
	return x, err
}

func (s *Statement) setSlots() map[string]int {
	slots := make(map[string]int, len(s.sets))
	for i, v := range s.sets {
		slots[v.name] = i
	}
	return slots
}

// Expand evaluates the template against a message. An Undefined
// expression expands to nothing, a String to itself, anything else to its
// JSON text.
func (t *Template) Expand(m *Message) string {
	if len(t.parts) == 1 && t.parts[0].x == nil {
		return t.parts[0].text
	}
	e := t.st.newEnv(m, t.need)
	var b []byte
	for _, p := range t.parts {
		if p.x == nil {
			b = append(b, p.text...)
			continue
		}
		switch v := p.x.eval(e); v.k {
		case kindUndefined:
		case kindString:
			b = append(b, v.s...)
		default:
			b = appendOutput(b, v, t.st.v2)
		}
	}
	return string(b)
}

// String is the template as given.
func (t *Template) String() string { return t.text }
