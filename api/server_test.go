package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/api"
)

// startServer starts a server on a free loopback port and stops it at cleanup.
func startServer(t *testing.T, mutate func(*api.Options), setup func(*api.Server)) (*api.Server, string) {
	t.Helper()
	reg := prometheus.NewRegistry()
	opts := api.Options{
		Address:     "127.0.0.1:0",
		Token:       "secret-token",
		NodeName:    "node-a",
		NodeVersion: "v1.2.3",
		Health:      api.NewHealth(),
		Gatherer:    reg,
		Registerer:  reg,
		Logger:      zap.NewNop(),
	}
	if mutate != nil {
		mutate(&opts)
	}
	s, err := api.New(opts)
	if err != nil {
		t.Fatal(err)
	}
	if setup != nil {
		setup(s)
	}
	if err := s.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		if err := s.Stop(ctx); err != nil {
			t.Error(err)
		}
	})
	return s, "http://" + s.Addr().String()
}

func do(t *testing.T, method, url, token string, body io.Reader) (int, []byte) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, b
}

func TestHealthCodeFollowsWorstComponent(t *testing.T) {
	tests := []struct {
		name      string
		states    map[string]api.State
		wantCode  int
		wantReady int
	}{
		{"no components", nil, 200, 200},
		{"all healthy", map[string]api.State{"a": api.StateHealthy, "b": api.StateHealthy}, 200, 200},
		{"one initializing", map[string]api.State{"a": api.StateHealthy, "b": api.StateInitializing}, 206, 503},
		{"one degraded", map[string]api.State{"a": api.StateDegraded, "b": api.StateHealthy}, 206, 503},
		{"one unhealthy", map[string]api.State{"a": api.StateUnhealthy, "b": api.StateInitializing}, 503, 503},
		{"unknown state counts as unhealthy", map[string]api.State{"a": "weird"}, 503, 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, base := startServer(t, func(o *api.Options) {
				for name, st := range tt.states {
					o.Health.Register(name, func() api.ComponentStatus { return api.ComponentStatus{State: st, Message: "m"} })
				}
			}, nil)
			if code, body := do(t, "GET", base+"/eigen/node/health", "", nil); code != tt.wantCode {
				t.Errorf("/eigen/node/health = %d (%s), want %d", code, body, tt.wantCode)
			}
			if code, _ := do(t, "GET", base+"/readyz", "", nil); code != tt.wantReady {
				t.Errorf("/readyz = %d, want %d", code, tt.wantReady)
			}
			if code, _ := do(t, "GET", base+"/livez", "", nil); code != 200 {
				t.Errorf("/livez = %d, want 200", code)
			}
		})
	}
}

func TestServiceEndpointsReportEachComponent(t *testing.T) {
	_, base := startServer(t, func(o *api.Options) {
		o.Health.Register("p2p", func() api.ComponentStatus {
			return api.ComponentStatus{State: api.StateDegraded, Message: "1 of 3 peers"}
		})
		o.Health.Register("api", func() api.ComponentStatus { return api.ComponentStatus{State: api.StateHealthy} })
	}, nil)
	code, body := do(t, "GET", base+"/eigen/node/services", "", nil)
	if code != 200 {
		t.Fatalf("services = %d", code)
	}
	var got struct {
		Services []struct{ ID, Status, Message string }
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if len(got.Services) != 2 || got.Services[0].ID != "api" || got.Services[0].Status != "Up" ||
		got.Services[1].ID != "p2p" || got.Services[1].Status != "Degraded" || got.Services[1].Message != "1 of 3 peers" {
		t.Errorf("services body = %s", body)
	}
	tests := []struct {
		id   string
		want int
	}{{"api", 200}, {"p2p", 206}, {"nope", 404}}
	for _, tt := range tests {
		if code, body := do(t, "GET", base+"/eigen/node/services/"+tt.id+"/health", "", nil); code != tt.want {
			t.Errorf("service %s health = %d (%s), want %d", tt.id, code, body, tt.want)
		}
	}
}

func TestNodeInfoHasEigenLayerShape(t *testing.T) {
	_, base := startServer(t, nil, nil)
	code, body := do(t, "GET", base+"/eigen/node", "", nil)
	var got map[string]string
	if err := json.Unmarshal(body, &got); err != nil || code != 200 {
		t.Fatalf("GET /eigen/node = %d %s (%v)", code, body, err)
	}
	want := map[string]string{"node_name": "node-a", "spec_version": api.SpecVersion, "node_version": "v1.2.3"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func TestMetricsServesRegistryInPrometheusText(t *testing.T) {
	var gauge prometheus.Gauge
	_, base := startServer(t, func(o *api.Options) {
		reg := prometheus.NewRegistry()
		gauge = prometheus.NewGauge(prometheus.GaugeOpts{Name: "stinger_test_gauge", Help: "test"})
		reg.MustRegister(gauge)
		o.Gatherer, o.Registerer = reg, reg
	}, nil)
	gauge.Set(42)
	do(t, "GET", base+"/livez", "", nil)
	code, body := do(t, "GET", base+"/metrics", "", nil)
	if code != 200 || !strings.Contains(string(body), "stinger_test_gauge 42") {
		t.Errorf("/metrics = %d, body lacks gauge:\n%s", code, body)
	}
	if !strings.Contains(string(body), `stinger_api_requests_total{code="200",route="GET /livez"} 1`) {
		t.Errorf("/metrics lacks request counter:\n%s", body)
	}
}

func TestMetricsOnSeparateAddress(t *testing.T) {
	s, base := startServer(t, func(o *api.Options) { o.MetricsAddress = "localhost:0" }, nil)
	if code, _ := do(t, "GET", base+"/metrics", "", nil); code != 404 {
		t.Errorf("/metrics on API address = %d, want 404", code)
	}
	if code, _ := do(t, "GET", "http://"+s.MetricsAddr().String()+"/metrics", "", nil); code != 200 {
		t.Errorf("/metrics on metrics address = %d, want 200", code)
	}
}

func TestMutatingRoutesRequireBearerToken(t *testing.T) {
	echo := http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) { api.WriteJSON(w, 200, map[string]bool{"done": true}) })
	tests := []struct {
		name     string
		token    string
		server   string
		wantCode int
	}{
		{"no token", "", "secret-token", 401},
		{"wrong token", "guess", "secret-token", 401},
		{"right token", "secret-token", "secret-token", 200},
		{"no token configured", "anything", "", 503},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, base := startServer(t, func(o *api.Options) { o.Token = tt.server }, func(s *api.Server) {
				s.HandleMutating("POST /things", echo)
				s.Handle("GET /things", echo)
			})
			code, body := do(t, "POST", base+"/things", tt.token, nil)
			if code != tt.wantCode {
				t.Errorf("POST = %d (%s), want %d", code, body, tt.wantCode)
			}
			var msg map[string]any
			if err := json.Unmarshal(body, &msg); err != nil {
				t.Errorf("response is not JSON: %s", body)
			}
			if code, _ := do(t, "GET", base+"/things", "", nil); code != 200 {
				t.Errorf("read-only GET = %d, want 200", code)
			}
		})
	}
}

func TestRequestLimitsAndFailuresAnswerJSON(t *testing.T) {
	_, base := startServer(t, func(o *api.Options) {
		o.MaxBodyBytes = 16
		o.RequestTimeout = 100 * time.Millisecond
	}, func(s *api.Server) {
		s.Handle("POST /echo", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if _, err := io.ReadAll(r.Body); err != nil {
				var mbe *http.MaxBytesError
				if errors.As(err, &mbe) {
					api.WriteError(w, http.StatusRequestEntityTooLarge, "body too large")
					return
				}
			}
			api.WriteJSON(w, 200, "ok")
		}))
		s.Handle("GET /slow", http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}))
		s.Handle("GET /panic", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") }))
	})
	tests := []struct {
		name, method, path string
		body               string
		wantCode           int
		wantMsg            string
	}{
		{"small body", "POST", "/echo", "0123456789", 200, ""},
		{"body over limit", "POST", "/echo", strings.Repeat("x", 100), 413, "body too large"},
		{"handler over time limit", "GET", "/slow", "", 503, "request timed out"},
		{"handler panic", "GET", "/panic", "", 500, "internal error"},
		{"unknown path", "GET", "/nope", "", 404, "no such endpoint: GET /nope"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, body := do(t, tt.method, base+tt.path, "", bytes.NewBufferString(tt.body))
			if code != tt.wantCode {
				t.Fatalf("code = %d (%s), want %d", code, body, tt.wantCode)
			}
			if tt.wantMsg == "" {
				return
			}
			var msg struct{ Message string }
			if err := json.Unmarshal(body, &msg); err != nil || msg.Message != tt.wantMsg {
				t.Errorf("body = %s, want message %q", body, tt.wantMsg)
			}
		})
	}
}

func TestNewRejectsIncompleteOptions(t *testing.T) {
	full := api.Options{Address: ":0", Logger: zap.NewNop(), Health: api.NewHealth(), Gatherer: prometheus.NewRegistry()}
	tests := []struct {
		name   string
		mutate func(*api.Options)
		want   string
	}{
		{"no address", func(o *api.Options) { o.Address = "" }, "no address"},
		{"no logger", func(o *api.Options) { o.Logger = nil }, "no logger"},
		{"no health", func(o *api.Options) { o.Health = nil }, "no health"},
		{"no gatherer", func(o *api.Options) { o.Gatherer = nil }, "no metrics gatherer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := full
			tt.mutate(&o)
			if _, err := api.New(o); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestStartFailsWhenAddressInUse(t *testing.T) {
	first, _ := startServer(t, nil, nil)
	s, err := api.New(api.Options{Address: first.Addr().String(), Logger: zap.NewNop(), Health: api.NewHealth(), Gatherer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start(); err == nil || !strings.Contains(err.Error(), "address already in use") {
		t.Errorf("Start on a used address: error = %v", err)
	}
}

func TestDynamicServiceSourceJoinsServicesAndHealth(t *testing.T) {
	var tasks []api.ComponentReport
	_, base := startServer(t, func(o *api.Options) {
		o.Health.Register("api", func() api.ComponentStatus { return api.ComponentStatus{State: api.StateHealthy} })
		o.Health.RegisterSource(func() []api.ComponentReport { return tasks })
	}, nil)
	if code, _ := do(t, "GET", base+"/eigen/node/health", "", nil); code != 200 {
		t.Fatalf("health with no tasks = %d", code)
	}
	tasks = []api.ComponentReport{{Name: "marketplace-network-7", ComponentStatus: api.ComponentStatus{State: api.StateDegraded, Message: "probe failed"}}}
	if code, _ := do(t, "GET", base+"/eigen/node/health", "", nil); code != 206 {
		t.Fatalf("health with a degraded task = %d, want 206", code)
	}
	code, body := do(t, "GET", base+"/eigen/node/services", "", nil)
	if code != 200 || !strings.Contains(string(body), `"id":"marketplace-network-7"`) || !strings.Contains(string(body), "probe failed") {
		t.Fatalf("services = %d %s", code, body)
	}
	if code, _ := do(t, "GET", base+"/eigen/node/services/marketplace-network-7/health", "", nil); code != 206 {
		t.Fatalf("task health = %d, want 206", code)
	}
}
