package iotsql

import (
	"strings"
	"testing"
)

const v1, v2 = Version20151008, Version20160323

// valueOf evaluates one expression against a payload and returns its JSON
// text, or "undefined" when the item is omitted from the output.
func valueOf(t *testing.T, version, x, payload string) string {
	t.Helper()
	st, err := Parse("SELECT "+x+" AS v FROM 'a/b'", version)
	if err != nil {
		t.Fatalf("Parse(%q): %v", x, err)
	}
	out, ok, err := st.Evaluate(&Message{Topic: "a/b", Payload: []byte(payload)})
	if err != nil || !ok {
		t.Fatalf("Evaluate(%q) = %s, %v, %v", x, out, ok, err)
	}
	s := string(out)
	if s == "{}" {
		return "undefined"
	}
	if !strings.HasPrefix(s, `{"v":`) || !strings.HasSuffix(s, "}") {
		t.Fatalf("Evaluate(%q) = %s", x, s)
	}
	return s[len(`{"v":`) : len(s)-1]
}

type exprCase struct {
	version string
	x       string
	payload string
	want    string
}

func runExprCases(t *testing.T, cases []exprCase) {
	t.Helper()
	for _, c := range cases {
		version := c.version
		if version == "" {
			version = v2
		}
		payload := c.payload
		if payload == "" {
			payload = "{}"
		}
		if got := valueOf(t, version, c.x, payload); got != c.want {
			t.Errorf("[%s] %s on %s = %s, want %s", version, c.x, payload, got, c.want)
		}
	}
}
