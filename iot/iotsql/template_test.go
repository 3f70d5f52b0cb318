package iotsql

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestTemplateExpand(t *testing.T) {
	m := &Message{
		Topic:    "sensors/dev-1/temp",
		Payload:  []byte(`{"device_id":"dev-1","n":5,"obj":{"a":[1,2]},"nothing":null}`),
		ClientID: "c1",
		Time:     time.UnixMilli(1481825251155),
	}
	cases := []struct {
		version, tmpl, want string
	}{
		// iot-substitution-templates: ${expr} inside text; text outside is literal.
		{v1, "device/${device_id}", "device/dev-1"},
		{v1, "${topic(2)}/${n + 1}", "dev-1/6"},
		{v1, "plain text", "plain text"},
		{v1, "", ""},
		// Strings unquoted, other values as JSON text, Undefined as nothing.
		{v1, "[${obj}]", `[{"a":[1,2]}]`},
		{v1, "[${nothing}]", `[null]`},
		{v1, "[${missing}]", "[]"},
		{v1, "${n > 1}", "true"},
		// rule-error-handling example.
		{v1, "${replace(topic(), '/', '-') + '-' + timestamp() + '-' + clientid()}", "sensors-dev-1-temp-1481825251155-c1"},
		// Braces and quotes inside the expression.
		{v2, "x${get({'k': '}'}, 'k')}y", "x}y"},
		{v2, `${"a}b"}`, "a}b"},
		// republish-rule-action: $$ writes a reserved topic's $.
		{v1, "$$aws/things/${device_id}/shadow/update", "$aws/things/dev-1/shadow/update"},
		{v1, "cost: $5 and $", "cost: $5 and $"},
		// iot-sql-functions, parse_time as a template.
		{v2, `${parse_time("yyyy", timestamp(), "UTC")}`, "2016"},
	}
	for _, c := range cases {
		tm, err := ParseTemplate(c.tmpl, c.version)
		if err != nil {
			t.Errorf("ParseTemplate(%q): %v", c.tmpl, err)
			continue
		}
		if got := tm.Expand(m); got != c.want {
			t.Errorf("Expand(%q) = %q, want %q", c.tmpl, got, c.want)
		}
		if tm.String() != c.tmpl {
			t.Errorf("String() = %q", tm.String())
		}
	}
}

// Templates see the original payload, so a binary one only offers
// functions (iot-sql-select, binary payloads rule 1).
func TestTemplateBinaryPayload(t *testing.T) {
	tm, err := ParseTemplate("${device_id}-${clientid()}", "")
	if err != nil {
		t.Fatal(err)
	}
	if got := tm.Expand(&Message{Payload: []byte{0xff, 0x00}, ClientID: "c"}); got != "-c" {
		t.Errorf("Expand = %q", got)
	}
}

// iot-sql-set: templates may use the statement's variables.
func TestStatementTemplate(t *testing.T) {
	st, err := Parse("SET @dest = upper(region) SELECT * FROM 'in/+'", v2)
	if err != nil {
		t.Fatal(err)
	}
	tm, err := st.ParseTemplate("out/${@dest}/${topic(2)}")
	if err != nil {
		t.Fatal(err)
	}
	if got := tm.Expand(&Message{Topic: "in/x", Payload: []byte(`{"region":"eu"}`)}); got != "out/EU/x" {
		t.Errorf("Expand = %q", got)
	}
	if _, err := ParseTemplate("${@dest}", v2); err == nil {
		t.Error("an unbound template accepted a variable")
	}
}

func TestTemplateErrors(t *testing.T) {
	cases := []struct {
		version, tmpl string
		col           int
		msg           string
	}{
		{v1, "a/${b", 3, "Unterminated substitution template"},
		{v1, "a/${}", 5, "Empty substitution template"},
		{v1, "a/${b c}", 7, "Unexpected 'c'"},
		{v1, "a/${nosuch()}", 5, "Unknown function"},
		{v1, "a/${'x}", 3, "Unterminated"},
		{v1, "a/${encode(*, 'base64')}", 5, "not supported by SQL version"},
	}
	for _, c := range cases {
		_, err := ParseTemplate(c.tmpl, c.version)
		var pe *ParseError
		if !errors.As(err, &pe) || pe.Column != c.col || !strings.Contains(pe.Msg, c.msg) {
			t.Errorf("ParseTemplate(%q) = %v, want %q at column %d", c.tmpl, err, c.msg, c.col)
		}
	}
	if _, err := ParseTemplate("x", "2020-01-01"); err == nil {
		t.Error("an invalid version was accepted")
	}
	var ue *UnsupportedError
	if _, err := ParseTemplate("${get_secret('a', 'SecretString', 'k', 'arn')}", v1); !errors.As(err, &ue) {
		t.Errorf("external function in a template: %v", err)
	}
}
