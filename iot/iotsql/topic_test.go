package iotsql

import (
	"strings"
	"testing"
)

// topics, mqtt ("AWS IoT differences"), iot-sql-from, iot-basic-ingest.
func TestMatchTopic(t *testing.T) {
	cases := []struct {
		filter, topic string
		want          bool
	}{
		{"a/b", "a/b", true},
		{"a/b", "a/c", false},
		{"a/b", "a/b/c", false},
		{"a/b/c", "a/b", false},
		{"a/+", "a/b", true},
		{"a/+", "a/b/c", false},
		{"a/+", "a", false},
		{"a/+", "a/", true},
		{"+/+", "a/b", true},
		{"+", "a", true},
		{"+", "a/b", false},
		{"a/+/c", "a/b/c", true},
		{"a/#", "a/b", true},
		{"a/#", "a/b/c/d", true},
		{"a/#", "a/", true},
		// mqtt, AWS IoT differences: "a/#" does not match its parent "a".
		{"a/#", "a", false},
		{"#", "a", true},
		{"#", "a/b/c", true},
		{"a/b/#", "a/b", false},
		{"+/b/#", "x/b/c", true},
		// topics: wildcards at the first level do not match $ topics.
		{"#", "$aws/things/x", false},
		{"+/things/x", "$aws/things/x", false},
		{"+", "$SYS", false},
		{"$aws/things/+/shadow/update/accepted", "$aws/things/t1/shadow/update/accepted", true},
		{"$aws/#", "$aws/events/presence/connected/c1", true},
		{"A/b", "a/b", false},
		{"", "a", false},
		{"a", "", false},
		{"a//b", "a//b", true},
		{"a/+/b", "a//b", true},
	}
	for _, c := range cases {
		if got := MatchTopic(c.filter, c.topic); got != c.want {
			t.Errorf("MatchTopic(%q, %q) = %v, want %v", c.filter, c.topic, got, c.want)
		}
	}
}

func TestValidTopic(t *testing.T) {
	long := strings.Repeat("x", 256)
	cases := []struct {
		topic string
		ok    bool
	}{
		{"a", true},
		{"a/b/c", true},
		{"$aws/things/t/shadow/update", true},
		{"a/b/c/d/e/f/g/h", true},    // eight levels
		{"a/b/c/d/e/f/g/h/i", false}, // nine
		{long, true},
		{long + "x", false},
		// iot-basic-ingest: the $aws/rules/<rule>/ prefix does not count.
		{"$aws/rules/myRule/a/b/c/d/e/f/g/h", true},
		{"$aws/rules/myRule/" + long, true},
		{"", false},
		{"a/+", false},
		{"a/#", false},
		{"a\x00b", false},
		{"\xff", false},
	}
	for _, c := range cases {
		if err := ValidTopic(c.topic); (err == nil) != c.ok {
			t.Errorf("ValidTopic(%q) = %v, want ok %v", c.topic, err, c.ok)
		}
	}
}

func TestValidTopicFilter(t *testing.T) {
	cases := []struct {
		filter string
		ok     bool
	}{
		{"a/b", true},
		{"+", true},
		{"#", true},
		{"a/+/c", true},
		{"a/#", true},
		{"+/+/#", true},
		{"a/b+", false},
		{"a/+b/c", false},
		{"a#", false},
		{"a/#/c", false},
		{"#/", false},
		{"a/##", false},
		{"", false},
		{"a/b/c/d/e/f/g/#", true},
		{"a/b/c/d/e/f/g/h/#", false},
	}
	for _, c := range cases {
		if err := ValidTopicFilter(c.filter); (err == nil) != c.ok {
			t.Errorf("ValidTopicFilter(%q) = %v, want ok %v", c.filter, err, c.ok)
		}
	}
}
