package iotsql

import (
	"errors"
	"strings"
	"unicode/utf8"
)

// AWS IoT topic rules (DG/topics, DG/mqtt "AWS IoT differences"), which
// differ from the MQTT specification: a trailing # does not match its
// parent level, and topic size limits are AWS's.

const (
	maxTopicBytes  = 256
	maxTopicSlashs = 7 // eight levels
)

var (
	errTopicEmpty     = errors.New("topic is empty")
	errTopicUTF8      = errors.New("topic is not valid UTF-8")
	errTopicNUL       = errors.New("topic contains U+0000")
	errTopicWildcard  = errors.New("topic contains a wildcard (+ or #)")
	errTopicTooLong   = errors.New("topic is longer than 256 bytes")
	errTopicTooDeep   = errors.New("topic has more than 8 levels (7 slashes)")
	errFilterPlus     = errors.New("+ must occupy a whole level")
	errFilterHash     = errors.New("# must occupy a whole level")
	errFilterHashLast = errors.New("# must be the last level")
)

// ValidTopic checks a topic a message is published to: not empty, no
// wildcards, at most 256 bytes of UTF-8 and 8 levels. Basic Ingest's
// $aws/rules/<rule>/ prefix does not count (DG/iot-basic-ingest).
func ValidTopic(topic string) error {
	if err := checkTopicText(topic); err != nil {
		return err
	}
	if strings.ContainsAny(topic, "+#") {
		return errTopicWildcard
	}
	return nil
}

// ValidTopicFilter checks a subscription or rule filter: as ValidTopic,
// but + may fill a level and # may fill the last one.
func ValidTopicFilter(filter string) error {
	if err := checkTopicText(filter); err != nil {
		return err
	}
	for rest := filter; ; {
		level, more := cutLevel(rest)
		if strings.Contains(level, "+") && level != "+" {
			return errFilterPlus
		}
		if strings.Contains(level, "#") {
			if level != "#" {
				return errFilterHash
			}
			if more != "" || strings.HasSuffix(rest, "/") {
				return errFilterHashLast
			}
		}
		if len(level) == len(rest) {
			return nil
		}
		rest = more
	}
}

func checkTopicText(topic string) error {
	switch {
	case topic == "":
		return errTopicEmpty
	case !utf8.ValidString(topic):
		return errTopicUTF8
	case strings.IndexByte(topic, 0) >= 0:
		return errTopicNUL
	}
	counted := topic
	if rest, ok := strings.CutPrefix(topic, basicIngestPrefix); ok {
		if i := strings.IndexByte(rest, '/'); i >= 0 {
			counted = rest[i+1:]
		}
	}
	if len(counted) > maxTopicBytes {
		return errTopicTooLong
	}
	if strings.Count(counted, "/") > maxTopicSlashs {
		return errTopicTooDeep
	}
	return nil
}

// cutLevel splits off the first level of a topic.
func cutLevel(s string) (level, rest string) {
	if i := strings.IndexByte(s, '/'); i >= 0 {
		return s[:i], s[i+1:]
	}
	return s, ""
}

// MatchTopic reports whether filter matches topic: + is exactly one level;
// # is its own level and everything below, but not the parent ("a/#" does
// not match "a"); a wildcard in the first level does not match a topic
// starting with '$'.
func MatchTopic(filter, topic string) bool {
	if filter == "" || topic == "" {
		return false
	}
	if topic[0] == '$' && (filter[0] == '+' || filter[0] == '#') {
		return false
	}
	f, t := filter, topic
	for {
		fl, frest := cutLevel(f)
		if fl == "#" {
			return true
		}
		tl, trest := cutLevel(t)
		if fl != "+" && fl != tl {
			return false
		}
		fDone, tDone := len(fl) == len(f), len(tl) == len(t)
		switch {
		case fDone || tDone:
			return fDone && tDone
		}
		f, t = frest, trest
	}
}
