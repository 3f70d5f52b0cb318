package iot

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"sort"
	"strconv"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/iot/broker"
	"github.com/ferry-emulator/ferry/iot/iotsql"
)

// The iot-data plane: Publish over HTTP and the retained messages.
// https://docs.aws.amazon.com/iot/latest/apireference/API_Operations_AWS_IoT_Data_Plane.html

// maxPayload is AWS IoT's message size limit.
const maxPayload = 128 << 10

// properties are MQTT 5 properties a rule's republish sets; a publish
// from a rule carries them already expanded, instead of in headers.
type properties struct {
	payloadFormat, correlationData, messageExpiry *string
	contentType, responseTopic                    string
	userProperties                                [][2]string
}

func (s *Service) publish(ctx context.Context, req *api.Request, in *publishInput) (*struct{}, error) {
	if err := iotsql.ValidTopic(in.Topic); err != nil {
		return nil, errInvalidRequest("Invalid topic name: " + err.Error())
	}
	qos := 0
	if in.QoS != nil {
		qos = *in.QoS
	}
	if qos != 0 && qos != 1 {
		return nil, errInvalidRequestf("1 validation error detected: Value '%d' at 'qos' failed to satisfy constraint: Member must have value less than or equal to 1", qos)
	}
	if len(in.Payload) > maxPayload {
		return nil, &api.Error{Code: "RequestEntityTooLargeException", Status: http.StatusRequestEntityTooLarge,
			Message: "The payload exceeds the maximum size allowed: " + strconv.Itoa(maxPayload) + " bytes."}
	}
	m := &broker.Message{
		Account: req.Account, Region: req.Region, Topic: in.Topic, Payload: in.Payload, QoS: byte(qos),
		Retain: in.Retain != nil && *in.Retain, Principal: req.Principal, SourceIP: req.SourceIP, Time: req.Time,
		Depth: depthOf(ctx),
	}
	p := in.inProcess
	if p == nil {
		var e *api.Error
		if p, e = headerProperties(in); e != nil {
			return nil, e
		}
	}
	if e := applyProperties(m, p); e != nil {
		return nil, e
	}
	if err := s.broker.Publish(m); err != nil {
		return nil, errInvalidRequest(err.Error())
	}
	return nil, nil
}

// headerProperties reads the MQTT 5 properties of an HTTP publish.
func headerProperties(in *publishInput) (*properties, *api.Error) {
	p := &properties{payloadFormat: in.PayloadFormatIndicator, correlationData: in.CorrelationData}
	if in.ContentType != nil {
		p.contentType = *in.ContentType
	}
	if in.ResponseTopic != nil {
		p.responseTopic = *in.ResponseTopic
	}
	if in.MessageExpiry != nil {
		v := strconv.FormatInt(*in.MessageExpiry, 10)
		p.messageExpiry = &v
	}
	if in.UserProperties != nil {
		raw, err := base64.StdEncoding.DecodeString(*in.UserProperties)
		if err != nil {
			return nil, errInvalidRequest("The x-amz-mqtt5-user-properties header is not valid base64.")
		}
		var list []map[string]string
		if err := json.Unmarshal(raw, &list); err != nil {
			return nil, errInvalidRequest("The x-amz-mqtt5-user-properties header must be a JSON array of objects of strings.")
		}
		for _, kv := range list {
			keys := make([]string, 0, len(kv))
			for k := range kv {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				p.userProperties = append(p.userProperties, [2]string{k, kv[k]})
			}
		}
	}
	return p, nil
}

// applyProperties validates the MQTT 5 properties and sets them on m.
func applyProperties(m *broker.Message, p *properties) *api.Error {
	if p == nil {
		return nil
	}
	if p.payloadFormat != nil {
		var v byte
		switch *p.payloadFormat {
		case "UNSPECIFIED_BYTES", "0":
		case "UTF8_DATA", "1":
			v = 1
		default:
			return errInvalidRequest("Invalid payload format indicator " + *p.payloadFormat + ": want UNSPECIFIED_BYTES or UTF8_DATA.")
		}
		m.PayloadFormatIndicator = &v
	}
	if p.correlationData != nil {
		b, err := base64.StdEncoding.DecodeString(*p.correlationData)
		if err != nil {
			return errInvalidRequest("The correlation data must be base64-encoded.")
		}
		m.CorrelationData = b
	}
	if p.messageExpiry != nil {
		n, err := strconv.ParseUint(*p.messageExpiry, 10, 32)
		if err != nil {
			return errInvalidRequest("Invalid message expiry " + *p.messageExpiry + ": want a number of seconds.")
		}
		m.MessageExpiry = uint32(n)
	}
	if p.responseTopic != "" {
		if err := iotsql.ValidTopic(p.responseTopic); err != nil {
			return errInvalidRequest("Invalid response topic: " + err.Error())
		}
	}
	m.ContentType, m.ResponseTopic, m.UserProperties = p.contentType, p.responseTopic, p.userProperties
	return nil
}

func (s *Service) getRetainedMessage(_ context.Context, req *api.Request, in *topicInput) (*getRetainedMessageOutput, error) {
	rm, ok := s.broker.Retained(req.Account, req.Region, in.Topic)
	if !ok {
		return nil, errNotFound("No retained message exists for topic " + in.Topic + ".")
	}
	out := &getRetainedMessageOutput{Topic: rm.Topic, Payload: rm.Payload, QoS: int(rm.QoS), LastModifiedTime: rm.LastModified.UnixMilli()}
	if len(rm.UserProperties) > 0 {
		list := make([]map[string]string, len(rm.UserProperties))
		for i, kv := range rm.UserProperties {
			list[i] = map[string]string{kv[0]: kv[1]}
		}
		out.UserProperties, _ = json.Marshal(list)
	}
	if out.Payload == nil {
		out.Payload = []byte{}
	}
	return out, nil
}

func (s *Service) listRetainedMessages(_ context.Context, req *api.Request, in *listRetainedMessagesInput) (*listRetainedMessagesOutput, error) {
	limit, err := pageSize(in.MaxResults, 200, 200)
	if err != nil {
		return nil, err
	}
	all := s.broker.ListRetained(req.Account, req.Region)
	start := 0
	if in.NextToken != nil && *in.NextToken != "" {
		after, err := base64.RawURLEncoding.DecodeString(*in.NextToken)
		if err != nil {
			return nil, errInvalidRequest("Invalid nextToken.")
		}
		start = sort.Search(len(all), func(i int) bool { return all[i].Topic > string(after) })
	}
	out := &listRetainedMessagesOutput{RetainedTopics: []retainedMessageSummary{}}
	for i := start; i < len(all); i++ {
		if len(out.RetainedTopics) == limit {
			out.NextToken = base64.RawURLEncoding.EncodeToString([]byte(all[i-1].Topic))
			break
		}
		rm := all[i]
		out.RetainedTopics = append(out.RetainedTopics, retainedMessageSummary{
			Topic: rm.Topic, PayloadSize: len(rm.Payload), QoS: int(rm.QoS), LastModifiedTime: rm.LastModified.UnixMilli(),
		})
	}
	return out, nil
}
