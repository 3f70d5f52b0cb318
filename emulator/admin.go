package emulator

import (
	"encoding/json"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

// serveAdmin answers /_ferry/...: local-use endpoints that need no signature.
func (s *Server) serveAdmin(w http.ResponseWriter, r *http.Request) {
	switch r.URL.Path {
	case "/_ferry", "/_ferry/":
		s.serveDashboard(w, r)
	case "/_ferry/state":
		s.serveState(w, r)
	case "/_ferry/health":
		names := make([]string, 0, len(s.services))
		for name := range s.services {
			names = append(names, name)
		}
		sort.Strings(names)
		services := make(map[string]string, len(names))
		for _, n := range names {
			services[n] = "running"
		}
		writeAdminJSON(w, http.StatusOK, map[string]any{"status": "ready", "services": services})
	case "/_ferry/metrics":
		s.metrics.handler().ServeHTTP(w, r)
	case "/_ferry/audit":
		s.serveAudit(w, r)
	case "/_ferry/snapshot":
		s.serveSnapshot(w, r)
	case "/_ferry/messages":
		s.serveMessages(w, r)
	case "/_ferry/mqtt-tls.pem":
		s.serveMQTTCertificate(w)
	case "/_ferry/reset":
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			writeAdminJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use POST"})
			return
		}
		s.Reset()
		writeAdminJSON(w, http.StatusOK, map[string]string{"status": "reset"})
	default:
		if file, ok := strings.CutPrefix(r.URL.Path, "/_ferry/sns/"); ok {
			s.serveCertificate(w, file)
			return
		}
		writeAdminJSON(w, http.StatusNotFound, map[string]string{"error": "no such admin endpoint"})
	}
}

func writeAdminJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// serveCertificate serves the certificate SNS signs messages with, at the
// SigningCertURL every message carries (DESIGN §8).
func (s *Server) serveCertificate(w http.ResponseWriter, file string) {
	name, pem, err := s.sns.Certificate()
	if err != nil {
		s.log.Error("loading the SNS signing certificate", "err", err)
		writeAdminJSON(w, http.StatusInternalServerError, map[string]string{"error": "the signing certificate is not available"})
		return
	}
	if file != name {
		writeAdminJSON(w, http.StatusNotFound, map[string]string{"error": "no such certificate"})
		return
	}
	w.Header().Set("Content-Type", "application/x-x509-ca-cert")
	w.Write(pem)
}

// serveMQTTCertificate serves the certificate of the MQTT-over-TLS
// listener, so a client can trust a self-signed one (mosquitto's --cafile).
func (s *Server) serveMQTTCertificate(w http.ResponseWriter) {
	if s.mqttCertPEM == nil {
		writeAdminJSON(w, http.StatusNotFound, map[string]string{"error": "MQTT over TLS is off (--mqtt-tls-listen)"})
		return
	}
	w.Header().Set("Content-Type", "application/x-pem-file")
	w.Write(s.mqttCertPEM)
}

// serveSnapshot streams a consistent copy of the durable store: the whole
// state as one file, which `ferry restore` installs (DESIGN §7).
func (s *Server) serveSnapshot(w http.ResponseWriter, r *http.Request) {
	snap, ok := s.store.(interface {
		Snapshot(io.Writer) (int64, error)
	})
	if !ok {
		writeAdminJSON(w, http.StatusConflict, map[string]string{"error": "snapshots are of durable state: run ferry with --data-dir"})
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Disposition", `attachment; filename="ferry.db"`)
	if _, err := snap.Snapshot(w); err != nil {
		s.log.Error("writing a snapshot", "err", err)
	}
}

// serveMessages shows a queue's messages without receiving them:
// /_ferry/messages?queue=<ARN>&limit=N (default 10, at most 100).
func (s *Server) serveMessages(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit := 10
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 100 {
			writeAdminJSON(w, http.StatusBadRequest, map[string]string{"error": "limit must be between 1 and 100"})
			return
		}
		limit = n
	}
	msgs, ok := s.sqs.Peek(q.Get("queue"), limit)
	if !ok {
		writeAdminJSON(w, http.StatusNotFound, map[string]string{"error": "no queue with that ARN (queue=arn:aws:sqs:…)"})
		return
	}
	writeAdminJSON(w, http.StatusOK, map[string]any{"messages": msgs})
}
