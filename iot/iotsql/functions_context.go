package iotsql

import (
	mrand "math/rand/v2"
	"strings"
	"time"

	"github.com/ferry-emulator/ferry/internal/uuid"
)

// Message context functions (DG/iot-sql-functions).
var contextFunctions = []function{
	{name: "topic", minArgs: 0, maxArgs: 1, since: level1, call: fnTopic},
	{name: "clientid", since: level1, call: fnClientID},
	{name: "principal", since: level1, call: fnPrincipal},
	{name: "accountid", since: level1, call: fnAccountID},
	{name: "timestamp", since: level1, call: fnTimestamp},
	{name: "newuuid", since: level1, call: fnNewUUID},
	{name: "traceid", since: level1, call: fnTraceID},
	{name: "sourceip", since: level1, call: fnSourceIP},
	{name: "sql_version", since: level1, call: fnSQLVersion},
	{name: "rand", since: level1, call: fnRand},
	{name: "get_mqtt_property", minArgs: 1, maxArgs: 1, since: level2, call: fnGetMQTTProperty},
	{name: "get_user_properties", minArgs: 1, maxArgs: 1, since: level2, call: fnGetUserProperties},
}

// basicIngestPrefix starts topics that go straight to one rule
// (DG/iot-basic-ingest); topic() and topic(n) do not see it.
const basicIngestPrefix = "$aws/rules/"

// fnTopic is topic() or topic(n), n counting levels from 1.
func fnTopic(e *env, _ *callNode, args []value) value {
	t := topicOf(e.m.Topic)
	if len(args) == 0 {
		return strV(t)
	}
	n, ok := convertToInt(args[0])
	if !ok || n < 1 {
		return undefined
	}
	for level := int64(1); ; level++ {
		i := strings.IndexByte(t, '/')
		if level == n {
			if i < 0 {
				return strV(t)
			}
			return strV(t[:i])
		}
		if i < 0 {
			return undefined
		}
		t = t[i+1:]
	}
}

// fnClientID is "n/a" for messages that did not come over MQTT.
func fnClientID(e *env, _ *callNode, _ []value) value {
	if e.m.ClientID == "" {
		return strV("n/a")
	}
	return strV(e.m.ClientID)
}

func fnPrincipal(e *env, _ *callNode, _ []value) value { return optionalString(e.m.Principal) }
func fnAccountID(e *env, _ *callNode, _ []value) value { return optionalString(e.m.Account) }
func fnTraceID(e *env, _ *callNode, _ []value) value   { return optionalString(e.m.TraceID) }
func fnSourceIP(e *env, _ *callNode, _ []value) value  { return optionalString(e.m.SourceIP) }

func optionalString(s string) value {
	if s == "" {
		return undefined
	}
	return strV(s)
}

// fnTimestamp is the message's time in milliseconds since the epoch.
func fnTimestamp(e *env, _ *callNode, _ []value) value {
	t := e.m.Time
	if t.IsZero() {
		t = time.Now()
	}
	return intV(t.UnixMilli())
}

func fnNewUUID(*env, *callNode, []value) value {
	return strV(uuid.New())
}

func fnSQLVersion(e *env, _ *callNode, _ []value) value { return strV(e.version) }

// fnRand is a double in [0, 1).
func fnRand(e *env, _ *callNode, _ []value) value {
	return floatV(mrand.Float64())
}

// fnGetMQTTProperty reads an MQTT 5 property by AWS's name for it.
func fnGetMQTTProperty(e *env, _ *callNode, args []value) value {
	name, ok := toString(args[0])
	if !ok {
		return undefined
	}
	v, ok := e.m.Properties[strings.ToLower(name)]
	if !ok {
		return undefined
	}
	return strV(v)
}

// fnGetUserProperties returns the values of every MQTT 5 user property
// named key, in order: user properties may repeat a key.
func fnGetUserProperties(e *env, _ *callNode, args []value) value {
	key, ok := toString(args[0])
	if !ok {
		return undefined
	}
	var vals []value
	for _, p := range e.m.UserProperties {
		if p[0] == key {
			vals = append(vals, strV(p[1]))
		}
	}
	if vals == nil {
		return undefined
	}
	return arrV(vals)
}
