package tasks

import (
	"encoding/json"
	"fmt"
	"net/http"
)

// Handler serves the detailed task states as JSON (GET /v1/marketplace/tasks).
func (r *Runner) Handler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"tasks": r.Snapshot()})
	})
}

// Service is one entry of the EigenLayer node API /eigen/node/services list.
type Service struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Status      string `json:"status"` // Up, Down or Initializing
}

// Services maps the task states to node-API services: Up when running (or probing) and the last
// health check (if any) passed, Initializing while the spec is fetched, Down otherwise.
func (r *Runner) Services() []Service {
	snap := r.Snapshot()
	out := make([]Service, 0, len(snap))
	for _, s := range snap {
		status := "Down"
		switch {
		case s.State == StateFetching:
			status = "Initializing"
		case (s.State == StateRunning || s.State == StateProbing) && (s.Healthy == nil || *s.Healthy):
			status = "Up"
		}
		desc := fmt.Sprintf("%s task of marketplace Network %d, state %s", s.Kind, s.NetworkID, s.State)
		if s.LastHealthErr != "" {
			desc += ": " + s.LastHealthErr
		} else if s.LastError != "" && status != "Up" {
			desc += ": " + s.LastError
		}
		out = append(out, Service{ID: fmt.Sprintf("marketplace-network-%d", s.NetworkID),
			Name: fmt.Sprintf("Network %d", s.NetworkID), Description: desc, Status: status})
	}
	return out
}

// ServicesHandler serves GET /eigen/node/services as {"services":[...]}.
func (r *Runner) ServicesHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if req.Method != http.MethodGet {
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"services": r.Services()})
	})
}
