package beacon

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// NodeHealth is one beacon node's health as the node API reports it.
type NodeHealth struct {
	// Name is the node's address without credentials.
	Name string `json:"name"`
	// Healthy is true when the node's last call succeeded.
	Healthy bool `json:"healthy"`
	// Requests and Errors count calls since start.
	Requests uint64 `json:"requests"`
	Errors   uint64 `json:"errors"`
	// LastSuccess is when a call last succeeded, if ever.
	LastSuccess *time.Time `json:"last_success,omitempty"`
	// LastError describes the last failed call, if any.
	LastError string `json:"last_error,omitempty"`
}

// member is a pool node with its health record.
type member struct {
	Node
	mu          sync.Mutex
	requests    uint64
	errors      uint64
	healthy     bool
	lastSuccess time.Time
	lastError   string
}

func (m *member) record(now time.Time, call string, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.requests++
	if err != nil {
		m.errors++
		m.healthy = false
		m.lastError = fmt.Sprintf("%s: %v", call, err)
		return
	}
	m.healthy = true
	m.lastSuccess = now
}

func (m *member) snapshot() NodeHealth {
	m.mu.Lock()
	defer m.mu.Unlock()
	h := NodeHealth{Name: m.Name, Healthy: m.healthy, Requests: m.requests, Errors: m.errors, LastError: m.lastError}
	if !m.lastSuccess.IsZero() {
		t := m.lastSuccess
		h.LastSuccess = &t
	}
	return h
}

// Health returns every node's health, in configuration order.
func (p *Pool) Health() []NodeHealth {
	out := make([]NodeHealth, 0, len(p.nodes))
	for _, n := range p.nodes {
		out = append(out, n.snapshot())
	}
	return out
}

// Healthy reports whether at least one node answered its last call.
func (p *Pool) Healthy() bool {
	for _, n := range p.nodes {
		if n.snapshot().Healthy {
			return true
		}
	}
	return false
}

type metrics struct {
	up       *prometheus.GaugeVec
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{Name: "stinger_beacon_node_up",
			Help: "1 if the beacon node's last call succeeded, else 0."}, []string{"node"}),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "stinger_beacon_node_requests_total",
			Help: "Beacon API calls by node, call and result (ok or error)."}, []string{"node", "call", "result"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "stinger_beacon_node_request_seconds",
			Help:    "Beacon API call latency by node and call.",
			Buckets: []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2, 5}}, []string{"node", "call"}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.up, m.requests, m.latency} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register beacon metrics: %w", err)
		}
	}
	return m, nil
}

func (m *metrics) observe(node, call string, d time.Duration, err error) {
	result := "ok"
	up := 1.0
	if err != nil {
		result, up = "error", 0
	}
	m.requests.WithLabelValues(node, call, result).Inc()
	m.latency.WithLabelValues(node, call).Observe(d.Seconds())
	m.up.WithLabelValues(node).Set(up)
}

// HealthPath is where app mounts HealthHandler on the node API.
const HealthPath = "/v1/beacon_nodes"

// HealthResponse is the body of GET /v1/beacon_nodes.
type HealthResponse struct {
	// Healthy is true when at least one node answered its last call.
	Healthy bool         `json:"healthy"`
	Nodes   []NodeHealth `json:"nodes"`
}

// HealthHandler serves GET /v1/beacon_nodes: every node's health.
func (p *Pool) HealthHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			http.Error(w, `{"code":405,"message":"method not allowed: use GET"}`, http.StatusMethodNotAllowed)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(HealthResponse{Healthy: p.Healthy(), Nodes: p.Health()})
	})
}
