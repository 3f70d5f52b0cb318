package broker

import (
	"errors"
	"strings"
	"testing"
)

func TestMatchTopic(t *testing.T) {
	for _, tc := range []struct {
		filter, topic string
		want          bool
	}{
		{"a", "a", true},
		{"a", "b", false},
		{"a/b", "a/b", true},
		{"a/b", "a", false},
		{"a", "a/b", false},
		{"a/#", "a", false}, // AWS: the parent is not matched
		{"a/#", "a/", true},
		{"a/#", "a/b", true},
		{"a/#", "a/b/c", true},
		{"a/#", "b/c", false},
		{"#", "a", true},
		{"#", "a/b", true},
		{"#", "$aws/things/x", false},
		{"+", "a", true},
		{"+", "a/b", false},
		{"+/b", "a/b", true},
		{"+/b", "$aws/b", false},
		{"a/+", "a/", true},
		{"a/+", "a", false},
		{"a/+/c", "a/b/c", true},
		{"a/+/c", "a/b/d", false},
		{"a/+/#", "a/b", false},
		{"a/+/#", "a/b/c", true},
		{"$aws/#", "$aws/things/x", true},
		{"$aws/#", "$aws", false},
		{"A", "a", false},
	} {
		if got := matchTopic(tc.filter, tc.topic); got != tc.want {
			t.Errorf("matchTopic(%q, %q) = %v, want %v", tc.filter, tc.topic, got, tc.want)
		}
	}
}

func TestCheckTopicName(t *testing.T) {
	for _, tc := range []struct {
		topic  string
		retain bool
		ok     bool
	}{
		{"a/b", false, true},
		{"a/b", true, true},
		{"", false, false},
		{"a/+", false, false},
		{"a/#", false, false},
		{strings.Repeat("x", 256), false, true},
		{strings.Repeat("x", 257), false, false},
		{"1/2/3/4/5/6/7/8", false, true},
		{"1/2/3/4/5/6/7/8/9", false, false},
		{"$aws/things/t/shadow/update", false, true},
		{"$aws/things/t/shadow/update", true, false},
		{"$aws/rules/r/1/2/3/4/5/6/7/8", false, true},
		{"$aws/rules/r/1/2/3/4/5/6/7/8/9", false, false},
		{"$aws/rules/r/" + strings.Repeat("x", 256), false, true},
		{"$aws/rules/r/x", true, false},
	} {
		err := checkTopicName(tc.topic, tc.retain)
		if (err == nil) != tc.ok || err != nil && !errors.Is(err, ErrInvalidTopic) {
			t.Errorf("checkTopicName(%.20q, %v) = %v, want ok=%v", tc.topic, tc.retain, err, tc.ok)
		}
	}
}

func TestBasicIngestTopics(t *testing.T) {
	for _, tc := range []struct {
		topic, rest string
		ok          bool
	}{
		{"$aws/rules/r/a/b", "a/b", true},
		{"$aws/rules/r", "", true},
		{"$aws/rules/", "", false},
		{"$aws/rules//x", "", false},
		{"$aws/things/r/a", "", false},
		{"aws/rules/r/a", "", false},
	} {
		rest, ok := basicIngest(tc.topic)
		if rest != tc.rest || ok != tc.ok {
			t.Errorf("basicIngest(%q) = %q, %v; want %q, %v", tc.topic, rest, ok, tc.rest, tc.ok)
		}
	}
}

func TestStripShare(t *testing.T) {
	for filter, want := range map[string]string{
		"$share/g/a/#": "a/#",
		"$share/g":     "$share/g",
		"a/b":          "a/b",
	} {
		if got := stripShare(filter); got != want {
			t.Errorf("stripShare(%q) = %q, want %q", filter, got, want)
		}
	}
}
