package api

import (
	"net/http"
)

// nodeInfo is the body of GET /eigen/node.
type nodeInfo struct {
	NodeName    string `json:"node_name"`
	SpecVersion string `json:"spec_version"`
	NodeVersion string `json:"node_version"`
}

// service is one entry of GET /eigen/node/services.
type service struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	Description string `json:"description"`
	Status      string `json:"status"`
	State       State  `json:"state"`
	Message     string `json:"message,omitempty"`
}

type statusBody struct {
	Status  State  `json:"status"`
	Message string `json:"message,omitempty"`
}

func (s *Server) mountBuiltins() {
	s.Handle("GET /eigen/node", http.HandlerFunc(s.serveNode))
	s.Handle("GET /eigen/node/health", http.HandlerFunc(s.serveHealth))
	s.Handle("GET /eigen/node/services", http.HandlerFunc(s.serveServices))
	s.Handle("GET /eigen/node/services/{id}/health", http.HandlerFunc(s.serveServiceHealth))
	s.Handle("GET /livez", http.HandlerFunc(serveLive))
	s.Handle("GET /readyz", http.HandlerFunc(s.serveReady))
	if s.opts.MetricsAddress == "" || s.opts.MetricsAddress == s.opts.Address {
		s.mux.Handle("GET /metrics", s.metricsHandler())
	}
	s.Handle("/", http.HandlerFunc(notFound))
}

func (s *Server) serveNode(w http.ResponseWriter, _ *http.Request) {
	WriteJSON(w, http.StatusOK, nodeInfo{NodeName: s.opts.NodeName, SpecVersion: SpecVersion, NodeVersion: s.opts.NodeVersion})
}

// serveHealth answers with the overall state's code and, for operators, a body
// listing the components (EigenLayer clients only read the code).
func (s *Server) serveHealth(w http.ResponseWriter, _ *http.Request) {
	overall, reports := s.opts.Health.Report()
	components := make(map[string]ComponentStatus, len(reports))
	for _, r := range reports {
		components[r.Name] = r.ComponentStatus
	}
	WriteJSON(w, overall.HTTPStatus(), struct {
		Status     State                      `json:"status"`
		Components map[string]ComponentStatus `json:"components"`
	}{overall, components})
}

func (s *Server) serveServices(w http.ResponseWriter, _ *http.Request) {
	_, reports := s.opts.Health.Report()
	services := make([]service, 0, len(reports))
	for _, r := range reports {
		services = append(services, service{
			ID: r.Name, Name: r.Name, Description: "stinger " + r.Name + " component",
			Status: r.State.eigenStatus(), State: r.State, Message: r.Message,
		})
	}
	WriteJSON(w, http.StatusOK, struct {
		Services []service `json:"services"`
	}{services})
}

func (s *Server) serveServiceHealth(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	st, ok := s.opts.Health.Component(id)
	if !ok {
		WriteError(w, http.StatusNotFound, "no such service: "+id)
		return
	}
	WriteJSON(w, st.State.HTTPStatus(), statusBody{Status: st.State, Message: st.Message})
}

func serveLive(w http.ResponseWriter, _ *http.Request) {
	WriteJSON(w, http.StatusOK, statusBody{Status: "alive"})
}

func (s *Server) serveReady(w http.ResponseWriter, _ *http.Request) {
	overall, _ := s.opts.Health.Report()
	code := http.StatusOK
	if overall != StateHealthy {
		code = http.StatusServiceUnavailable
	}
	WriteJSON(w, code, statusBody{Status: overall})
}
