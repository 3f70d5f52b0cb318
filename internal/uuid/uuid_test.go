package uuid

import (
	"regexp"
	"testing"
)

func TestNew(t *testing.T) {
	v4 := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	seen := map[string]bool{}
	for range 100 {
		id := New()
		if !v4.MatchString(id) {
			t.Fatalf("New() = %q, not a version 4 UUID", id)
		}
		if seen[id] {
			t.Fatalf("New() repeated %q", id)
		}
		seen[id] = true
	}
}

func TestParseFormat(t *testing.T) {
	for _, tc := range []struct {
		in string
		ok bool
	}{
		{"0f8fad5b-d9cb-469f-a165-70867728950e", true},
		{"00000000-0000-0000-0000-000000000000", true},
		{"0F8FAD5B-D9CB-469F-A165-70867728950E", false}, // Format would not give it back
		{"0f8fad5b-d9cb-469f-a165-70867728950", false},
		{"0f8fad5bd-9cb-469f-a165-70867728950e", false},
		{"0f8fad5b-d9cb-469f-a165-70867728950g", false},
		{"", false},
		{"m1", false},
	} {
		var b [16]byte
		if got := Parse(&b, tc.in); got != tc.ok {
			t.Errorf("Parse(%q) = %v, want %v", tc.in, got, tc.ok)
			continue
		}
		if tc.ok && Format(&b) != tc.in {
			t.Errorf("Format(Parse(%q)) = %q", tc.in, Format(&b))
		}
	}
}
