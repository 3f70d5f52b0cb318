package api

import (
	"encoding/json"
	"testing"
)

func TestAppendJSONEscape(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want string
		n    int
		ok   bool
	}{
		{`\"x`, `"`, 2, true},
		{`\\`, `\`, 2, true},
		{`\/`, `/`, 2, true},
		{`\b`, "\b", 2, true},
		{`\f`, "\f", 2, true},
		{`\n`, "\n", 2, true},
		{`\r`, "\r", 2, true},
		{`\t`, "\t", 2, true},
		{`\u00e9`, "é", 6, true},
		{`\u00E9`, "é", 6, true},
		{`\ud83d\ude00!`, "😀", 12, true},    // a surrogate pair is one character
		{`\ud83dx`, "\uFFFD", 6, true},      // a lone high surrogate
		{`\ude00`, "\uFFFD", 6, true},       // a lone low surrogate
		{`\ud83d\u0041`, "\uFFFD", 6, true}, // not a pair: the A is the next escape's
		{`\u12`, "", 0, false},
		{`\u12g4`, "", 0, false},
		{`\x`, "", 0, false},
		{`\'`, "", 0, false},
		{`\`, "", 0, false},
		{`n`, "", 0, false},
	} {
		got, n, ok := AppendJSONEscape([]byte("<"), tc.in)
		if ok != tc.ok || n != tc.n || (ok && string(got) != "<"+tc.want) {
			t.Errorf("AppendJSONEscape(%q) = %q, %d, %v; want %q, %d, %v", tc.in, got, n, ok, "<"+tc.want, tc.n, tc.ok)
		}
		if gotB, nB, okB := AppendJSONEscape(nil, []byte(tc.in)); okB != ok || nB != n || string(gotB) != string(got[1:]) && ok {
			t.Errorf("AppendJSONEscape([]byte %q) differs from the string form", tc.in)
		}
		if tc.ok {
			// encoding/json decodes the same escape to the same text.
			var s string
			if err := json.Unmarshal([]byte(`"`+tc.in[:tc.n]+`"`), &s); err != nil || s != tc.want {
				t.Errorf("encoding/json decodes %q as %q (%v), want %q", tc.in[:tc.n], s, err, tc.want)
			}
		}
	}
}
