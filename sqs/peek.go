package sqs

import (
	"time"

	"github.com/ferry-emulator/ferry/sqs/queue"
)

// PeekedMessage is a message as the dashboard shows it, looked at without
// being received.
type PeekedMessage struct {
	ID           string    `json:"messageId"`
	Body         string    `json:"body"`
	State        string    `json:"state"` // visible, in flight, delayed
	ReceiveCount int       `json:"receiveCount"`
	SentAt       time.Time `json:"sent"`
	// Sealed says why Body is empty: "SSE-KMS" bodies open only for a
	// receiver KMS allows, never for a look from outside.
	Sealed string `json:"sealed,omitempty"`
}

var stateNames = map[queue.State]string{queue.Visible: "visible", queue.InFlight: "in flight", queue.Delayed: "delayed"}

// Peek returns up to limit messages of the queue with the ARN, in the
// order they were sent, changing nothing: no receive, no visibility
// change. Bodies sealed with SSE-SQS are shown opened, as AWS's console
// shows them; SSE-KMS bodies are not opened.
func (s *Service) Peek(arn string, limit int) ([]PeekedMessage, bool) {
	q := s.queueFromARN(arn)
	if q == nil {
		return nil, false
	}
	peeked := q.engine.Peek(limit)
	out := make([]PeekedMessage, 0, len(peeked))
	for _, p := range peeked {
		m := PeekedMessage{ID: p.ID, Body: p.Body, State: stateNames[p.State], ReceiveCount: p.ReceiveCount, SentAt: p.SentAt}
		if isSealed(p.Body) {
			m.Body = ""
			env, err := parseEnvelope(p.Body)
			switch {
			case err != nil:
				m.Sealed = "unreadable"
			case env.kind == sealKMS:
				m.Sealed = "SSE-KMS"
			default:
				m.Sealed = "SSE-SQS"
				if aead, err := s.sse.managedKey(); err == nil {
					if plain, err := aead.Open(nil, env.sealed[:nonceSize], env.sealed[nonceSize:], env.header); err == nil {
						m.Body, m.Sealed = string(plain), ""
					}
				}
			}
		}
		out = append(out, m)
	}
	return out, true
}
