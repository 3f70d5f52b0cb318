package sns

import (
	"time"

	"github.com/ferry-emulator/ferry/emulator/api"
	"github.com/ferry-emulator/ferry/internal/uuid"
)

// The JSON documents SNS delivers: a Notification for each message, and
// SubscriptionConfirmation and UnsubscribeConfirmation around a
// subscription's life. Fields come in AWS's order, laid out as AWS lays
// them out.
// https://docs.aws.amazon.com/sns/latest/dg/sns-message-and-json-formats.html

const timestampLayout = "2006-01-02T15:04:05.000Z"

type field struct{ name, value string }

func appendDocument(dst []byte, fields []field, attrs map[string]MessageAttributeValue) []byte {
	dst = append(dst, "{\n"...)
	for i, f := range fields {
		if i > 0 {
			dst = append(dst, ",\n"...)
		}
		dst = append(dst, "  "...)
		dst = api.AppendJSONStringText(dst, f.name)
		dst = append(dst, " : "...)
		dst = api.AppendJSONStringText(dst, f.value)
	}
	if len(attrs) > 0 {
		dst = append(dst, ",\n  \"MessageAttributes\" : {"...)
		for i, name := range sortedKeys(attrs) {
			if i > 0 {
				dst = append(dst, ',')
			}
			v := attrs[name]
			dst = append(dst, "\n    "...)
			dst = api.AppendJSONStringText(dst, name)
			dst = append(dst, ` : {"Type":`...)
			dst = api.AppendJSONStringText(dst, v.DataType)
			dst = append(dst, `,"Value":`...)
			dst = api.AppendJSONStringText(dst, attributeText(v))
			dst = append(dst, '}')
		}
		dst = append(dst, "\n  }"...)
	}
	return append(dst, "\n}"...)
}

// attributeText is an attribute's value as text: binary values in base64.
func attributeText(v MessageAttributeValue) string {
	if v.StringValue != nil {
		return *v.StringValue
	}
	return binaryString(v.BinaryValue)
}

func signatureVersion(t *Topic) string {
	if v := t.attribute("SignatureVersion"); v != "" {
		return v
	}
	return "1"
}

// The URLs carry ARNs as they are, colons and all, as AWS's do: an ARN has
// nothing a query string must escape.
func unsubscribeURL(scheme, host, subARN string) string {
	return scheme + "://" + host + "/?Action=Unsubscribe&SubscriptionArn=" + subARN
}

// notification is the envelope a subscriber gets for a message.
func (s *Service) notification(m *message, sub *Subscription) (string, error) {
	text := m.text(sub.Protocol)
	ts := m.timestamp.Format(timestampLayout)
	version := signatureVersion(m.topic)
	sig, err := m.signature(s.signer, version, "Notification", text, func() string {
		signed := []field{{"Message", text}, {"MessageId", m.id}}
		if m.subject != nil {
			signed = append(signed, field{"Subject", *m.subject})
		}
		signed = append(signed, field{"Timestamp", ts}, field{"TopicArn", m.topic.ARN}, field{"Type", "Notification"})
		return canonical(signed)
	})
	if err != nil {
		return "", err
	}
	fields := make([]field, 0, 12)
	fields = append(fields, field{"Type", "Notification"}, field{"MessageId", m.id})
	if m.seq != "" {
		fields = append(fields, field{"SequenceNumber", m.seq})
	}
	fields = append(fields, field{"TopicArn", m.topic.ARN})
	if m.subject != nil {
		fields = append(fields, field{"Subject", *m.subject})
	}
	fields = append(fields,
		field{"Message", text},
		field{"Timestamp", ts},
		field{"SignatureVersion", version},
		field{"Signature", sig},
		field{"SigningCertURL", s.signer.certURL(m.scheme, m.host)},
		field{"UnsubscribeURL", unsubscribeURL(m.scheme, m.host, sub.ARN)},
	)
	attrs := m.attrs
	if m.byProtocol != nil {
		attrs = nil // attributes go out only with a plain-string message
	}
	return string(appendDocument(make([]byte, 0, 512+len(text)), fields, attrs)), nil
}

// signature signs a message's text once, however many subscribers get it.
func (m *message) signature(g *signer, version, kind, text string, canonicalFn func() string) (string, error) {
	key := version + "\x00" + kind + "\x00" + text
	m.sigMu.Lock()
	defer m.sigMu.Unlock()
	if sig, ok := m.sigs[key]; ok {
		return sig, nil
	}
	sig, err := g.sign(version, canonicalFn())
	if err != nil {
		return "", err
	}
	if m.sigs == nil {
		m.sigs = map[string]string{}
	}
	m.sigs[key] = sig
	return sig, nil
}

func canonical(fields []field) string {
	pairs := make([][2]string, len(fields))
	for i, f := range fields {
		pairs[i] = [2]string{f.name, f.value}
	}
	return canonicalString(pairs)
}

// confirmationDoc is a SubscriptionConfirmation or UnsubscribeConfirmation.
func (s *Service) confirmationDoc(kind string, sub *Subscription, token, scheme, host string, now time.Time) (id, doc string, err error) {
	t := sub.Topic
	id = uuid.New()
	ts := now.UTC().Format(timestampLayout)
	var text string
	if kind == "SubscriptionConfirmation" {
		text = "You have chosen to subscribe to the topic " + t.ARN + ".\nTo confirm the subscription, visit the SubscribeURL included in this message."
	} else {
		text = "You have chosen to deactivate subscription " + sub.ARN + ".\nTo cancel this operation and restore the subscription, visit the SubscribeURL included in this message."
	}
	subscribeURL := scheme + "://" + host + "/?Action=ConfirmSubscription&TopicArn=" + t.ARN + "&Token=" + token
	version := signatureVersion(t)
	sig, err := s.signer.sign(version, canonical([]field{
		{"Message", text}, {"MessageId", id}, {"SubscribeURL", subscribeURL}, {"Timestamp", ts},
		{"Token", token}, {"TopicArn", t.ARN}, {"Type", kind},
	}))
	if err != nil {
		return "", "", err
	}
	b := appendDocument(nil, []field{
		{"Type", kind}, {"MessageId", id}, {"Token", token}, {"TopicArn", t.ARN}, {"Message", text},
		{"SubscribeURL", subscribeURL}, {"Timestamp", ts}, {"SignatureVersion", version}, {"Signature", sig},
		{"SigningCertURL", s.signer.certURL(scheme, host)},
	}, nil)
	return id, string(b), nil
}
