package beaconsim

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// FaultRule makes requests whose path starts with PathPrefix misbehave.
type FaultRule struct {
	// PathPrefix selects requests ("" matches every Beacon API request).
	PathPrefix string `json:"path_prefix"`
	// Status, if non-zero, is returned (with the standard error body) instead of the real answer.
	Status int `json:"status,omitempty"`
	// Timeout makes the request hang until the client gives up.
	Timeout bool `json:"timeout,omitempty"`
	// Latency delays the answer.
	Latency Duration `json:"latency,omitempty"`
	// Count limits how many requests the rule affects (0: until the faults are replaced).
	Count int `json:"count,omitempty"`
}

// Faults is the fault configuration, read and replaced with GET and POST /stinger/sim/v1/faults.
type Faults struct {
	// Rules apply in order; the first matching rule with remaining count applies.
	Rules []FaultRule `json:"rules"`
	// Syncing makes /eth/v1/node/syncing report a syncing node (and health 206).
	Syncing bool `json:"syncing"`
	// Silent makes every Beacon API request hang (the simulated network itself carries on).
	Silent bool `json:"silent"`
	// Latency delays every Beacon API answer.
	Latency Duration `json:"latency,omitempty"`
}

// Duration is a time.Duration written in JSON as a Go duration string ("250ms").
type Duration time.Duration

// MarshalJSON writes the duration as a string.
func (d Duration) MarshalJSON() ([]byte, error) { return json.Marshal(time.Duration(d).String()) }

// UnmarshalJSON reads a Go duration string.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("duration: want a string like \"250ms\": %w", err)
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		return fmt.Errorf("duration %q: %w", s, err)
	}
	*d = Duration(v)
	return nil
}

// Validate checks the fault configuration.
func (f Faults) Validate() error {
	for i, r := range f.Rules {
		if r.Status != 0 && (r.Status < 400 || r.Status > 599) {
			return fmt.Errorf("rules[%d].status %d: want 400-599", i, r.Status)
		}
		if r.Count < 0 || r.Latency < 0 {
			return fmt.Errorf("rules[%d]: count and latency must not be negative", i)
		}
	}
	if f.Latency < 0 {
		return fmt.Errorf("latency %s: must not be negative", time.Duration(f.Latency))
	}
	return nil
}

type faultSet struct {
	mu     sync.Mutex
	faults Faults
}

func newFaultSet() *faultSet { return &faultSet{} }

func (f *faultSet) set(v Faults) {
	f.mu.Lock()
	f.faults = v
	f.mu.Unlock()
}

func (f *faultSet) get() Faults {
	f.mu.Lock()
	defer f.mu.Unlock()
	out := f.faults
	out.Rules = append([]FaultRule{}, f.faults.Rules...)
	return out
}

func (f *faultSet) syncing() bool { return f.get().Syncing }

// match returns the rule applying to path (consuming one count) and the global latency.
func (f *faultSet) match(path string) (FaultRule, bool, time.Duration, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	latency := time.Duration(f.faults.Latency)
	for i := range f.faults.Rules {
		r := &f.faults.Rules[i]
		if !strings.HasPrefix(path, r.PathPrefix) {
			continue
		}
		if r.Count > 0 {
			r.Count--
			if r.Count == 0 {
				defer func(i int) { f.faults.Rules = append(f.faults.Rules[:i], f.faults.Rules[i+1:]...) }(i)
			}
		}
		return *r, true, latency, f.faults.Silent
	}
	return FaultRule{}, false, latency, f.faults.Silent
}

// middleware applies the configured faults to Beacon API requests (never to /stinger/sim/ admin routes).
func (f *faultSet) middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/stinger/sim/") {
			next.ServeHTTP(w, r)
			return
		}
		rule, ok, latency, silent := f.match(r.URL.Path)
		if silent || (ok && rule.Timeout) {
			<-r.Context().Done()
			return
		}
		if ok {
			latency += time.Duration(rule.Latency)
		}
		if latency > 0 {
			select {
			case <-time.After(latency):
			case <-r.Context().Done():
				return
			}
		}
		if ok && rule.Status != 0 {
			writeError(w, rule.Status, "injected fault")
			return
		}
		next.ServeHTTP(w, r)
	})
}
