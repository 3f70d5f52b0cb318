package broker

import (
	"errors"
	"fmt"
	"strings"
)

// AWS IoT's limits on topic names and filters (AWS IoT Core quotas: "Topic
// size" and "Maximum number of slashes in topic and topic filter").
const (
	maxTopicBytes   = 256
	maxTopicSlashes = 7

	// basicIngestPrefix starts the topics that reach the rules engine
	// without the message broker (DG/iot-basic-ingest).
	basicIngestPrefix = "$aws/rules/"
	sharePrefix       = "$share/"
)

var (
	// ErrInvalidTopic is a topic AWS IoT refuses: empty, with a wildcard,
	// longer than 256 bytes or deeper than 8 levels, or a reserved ($…)
	// topic published with retain.
	ErrInvalidTopic = errors.New("invalid topic")
	// ErrPayloadTooLarge is a payload over Config.MaxPayload.
	ErrPayloadTooLarge = errors.New("payload too large")
	// ErrInvalidQoS is a QoS other than 0 or 1; AWS IoT has no QoS 2.
	ErrInvalidQoS = errors.New("invalid QoS")
)

// basicIngest reports whether topic is a Basic Ingest topic,
// $aws/rules/<rule>[/<rest>], and returns <rest>.
func basicIngest(topic string) (rest string, ok bool) {
	after, ok := strings.CutPrefix(topic, basicIngestPrefix)
	if !ok {
		return "", false
	}
	rule, rest, _ := strings.Cut(after, "/")
	if rule == "" {
		return "", false
	}
	return rest, true
}

// reserved reports whether a topic is one of the $-topics AWS reserves
// for itself (DG/reserved-topics).
func reserved(topic string) bool { return strings.HasPrefix(topic, "$") }

// checkTopicName validates a topic a message is published to. The first
// three levels of a Basic Ingest topic do not count towards the limits
// (DG/iot-basic-ingest).
func checkTopicName(topic string, retain bool) error {
	if topic == "" {
		return fmt.Errorf("%w: empty topic", ErrInvalidTopic)
	}
	if strings.ContainsAny(topic, "+#") { // [MQTT-3.3.2-2]
		return fmt.Errorf("%w: wildcard in topic name", ErrInvalidTopic)
	}
	if retain && reserved(topic) { // DG/mqtt "Using MQTT retained messages"
		return fmt.Errorf("%w: a reserved topic cannot be retained", ErrInvalidTopic)
	}
	if strings.HasPrefix(topic, "$SYS") {
		// Reserved here by the embedded server, which drops what is
		// published to it without a word, not even a PUBACK.
		return fmt.Errorf("%w: $SYS is reserved", ErrInvalidTopic)
	}
	counted := topic
	if rest, ok := basicIngest(topic); ok {
		counted = rest
	}
	return checkLimits(counted)
}

// checkTopicFilter validates a subscription's filter; the syntax of its
// wildcards is left to the MQTT server.
func checkTopicFilter(filter string) error {
	if filter == "" {
		return fmt.Errorf("%w: empty topic filter", ErrInvalidTopic)
	}
	return checkLimits(stripShare(filter))
}

func checkLimits(s string) error {
	if len(s) > maxTopicBytes {
		return fmt.Errorf("%w: longer than %d bytes", ErrInvalidTopic, maxTopicBytes)
	}
	if strings.Count(s, "/") > maxTopicSlashes {
		return fmt.Errorf("%w: more than %d levels", ErrInvalidTopic, maxTopicSlashes+1)
	}
	return nil
}

// stripShare returns the filter of a shared subscription,
// $share/<group>/<filter>, or the filter itself.
func stripShare(filter string) string {
	after, ok := strings.CutPrefix(filter, sharePrefix)
	if !ok {
		return filter
	}
	_, f, ok := strings.Cut(after, "/")
	if !ok {
		return filter
	}
	return f
}

// matchTopic reports whether filter matches topic as AWS IoT matches
// them: like MQTT, except that "a/#" does not match "a" (DG/mqtt, "AWS IoT
// differences from MQTT specifications"). A leading wildcard never matches
// a $-topic [MQTT-4.7.2-1].
func matchTopic(filter, topic string) bool {
	if reserved(topic) && (strings.HasPrefix(filter, "+") || strings.HasPrefix(filter, "#")) {
		return false
	}
	for {
		fl, frest, fmore := strings.Cut(filter, "/")
		if fl == "#" {
			return true // the topic still has a level here, "#" takes it and the rest
		}
		tl, trest, tmore := strings.Cut(topic, "/")
		if fl != "+" && fl != tl {
			return false
		}
		if !fmore || !tmore {
			return fmore == tmore
		}
		filter, topic = frest, trest
	}
}

// wildcard reports whether a filter has a wildcard level.
func wildcard(filter string) bool { return strings.ContainsAny(filter, "+#") }
