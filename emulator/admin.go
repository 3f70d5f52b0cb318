package emulator

import (
	"encoding/json"
	"net/http"
	"sort"
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
	case "/_ferry/reset":
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", "POST")
			writeAdminJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use POST"})
			return
		}
		s.Reset()
		writeAdminJSON(w, http.StatusOK, map[string]string{"status": "reset"})
	default:
		writeAdminJSON(w, http.StatusNotFound, map[string]string{"error": "no such admin endpoint"})
	}
}

func writeAdminJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}
