package api

import (
	"net/http"
	"sort"
	"sync"
)

// State is a component's readiness.
type State string

// Component states, from best to worst.
const (
	// StateHealthy means the component does its job.
	StateHealthy State = "healthy"
	// StateInitializing means the component is starting and not ready yet.
	StateInitializing State = "initializing"
	// StateDegraded means the component works partially (e.g. one of several beacon nodes is down).
	StateDegraded State = "degraded"
	// StateUnhealthy means the component cannot do its job, so neither can the node.
	StateUnhealthy State = "unhealthy"
)

// ComponentStatus is what a component reports to the Health registry.
type ComponentStatus struct {
	// State is the component's readiness.
	State State `json:"status"`
	// Message optionally explains a state other than healthy.
	Message string `json:"message,omitempty"`
}

// HTTPStatus maps a state to the EigenLayer node API code: 200 healthy, 206
// initializing or degraded, 503 unhealthy (and for an unknown state).
func (s State) HTTPStatus() int {
	switch s {
	case StateHealthy:
		return http.StatusOK
	case StateInitializing, StateDegraded:
		return http.StatusPartialContent
	default:
		return http.StatusServiceUnavailable
	}
}

// eigenStatus maps a state to the EigenLayer service status word.
func (s State) eigenStatus() string {
	switch s {
	case StateHealthy:
		return "Up"
	case StateInitializing:
		return "Initializing"
	case StateDegraded:
		return "Degraded"
	default:
		return "Down"
	}
}

// Health is a registry of component readiness checks. It is safe for
// concurrent use; checks are called on every health request and must be fast
// and non-blocking.
type Health struct {
	mu      sync.Mutex
	checks  map[string]func() ComponentStatus
	sources []func() []ComponentReport
}

// NewHealth returns an empty registry; with no components the node is healthy.
func NewHealth() *Health {
	return &Health{checks: map[string]func() ComponentStatus{}}
}

// Register adds (or replaces) the readiness check of the named component.
// The name is the service ID in /eigen/node/services/{id}/health.
func (h *Health) Register(name string, check func() ComponentStatus) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.checks[name] = check
}

// RegisterSource adds a dynamic set of components, e.g. the marketplace
// tasks that come and go with the Networks the operator serves. The source
// is called on every health request and must be fast and non-blocking.
func (h *Health) RegisterSource(source func() []ComponentReport) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.sources = append(h.sources, source)
}

// ComponentReport is one component's status in a health report.
type ComponentReport struct {
	// Name is the component (service) ID.
	Name string
	ComponentStatus
}

// Report calls every check and returns the components sorted by name and
// the overall state: unhealthy if any component is unhealthy, else
// initializing or degraded if any is, else healthy.
func (h *Health) Report() (State, []ComponentReport) {
	h.mu.Lock()
	names := make([]string, 0, len(h.checks))
	checks := make(map[string]func() ComponentStatus, len(h.checks))
	for name, check := range h.checks {
		names = append(names, name)
		checks[name] = check
	}
	sources := append([]func() []ComponentReport(nil), h.sources...)
	h.mu.Unlock()

	reports := make([]ComponentReport, 0, len(names))
	for _, name := range names {
		reports = append(reports, ComponentReport{Name: name, ComponentStatus: checks[name]()})
	}
	for _, source := range sources {
		reports = append(reports, source()...)
	}
	sort.SliceStable(reports, func(i, j int) bool { return reports[i].Name < reports[j].Name })
	overall := StateHealthy
	for i := range reports {
		if reports[i].State.HTTPStatus() == http.StatusServiceUnavailable {
			reports[i].State = normalizeUnknown(reports[i].State)
		}
		overall = worse(overall, reports[i].State)
	}
	return overall, reports
}

// Component returns the named component's status and whether it is registered.
func (h *Health) Component(name string) (ComponentStatus, bool) {
	h.mu.Lock()
	check, ok := h.checks[name]
	sources := append([]func() []ComponentReport(nil), h.sources...)
	h.mu.Unlock()
	if ok {
		st := check()
		st.State = normalizeUnknown(st.State)
		return st, true
	}
	for _, source := range sources {
		for _, r := range source() {
			if r.Name == name {
				r.State = normalizeUnknown(r.State)
				return r.ComponentStatus, true
			}
		}
	}
	return ComponentStatus{}, false
}

// normalizeUnknown treats any state outside the defined set as unhealthy.
func normalizeUnknown(s State) State {
	switch s {
	case StateHealthy, StateInitializing, StateDegraded, StateUnhealthy:
		return s
	default:
		return StateUnhealthy
	}
}

func rank(s State) int {
	switch s {
	case StateHealthy:
		return 0
	case StateDegraded:
		return 1
	case StateInitializing:
		return 2
	default:
		return 3
	}
}

func worse(a, b State) State {
	if rank(b) > rank(a) {
		return b
	}
	return a
}
