package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/api"
)

// BenchmarkHealthEndpoint measures GET /eigen/node/health with 8 registered
// components, through the full middleware chain (limits, timeout, counting).
func BenchmarkHealthEndpoint(b *testing.B) {
	reg := prometheus.NewRegistry()
	health := api.NewHealth()
	for _, name := range []string{"api", "p2p", "consensus", "duties", "beacon", "execution", "marketplace", "store"} {
		health.Register(name, func() api.ComponentStatus { return api.ComponentStatus{State: api.StateHealthy} })
	}
	s, err := api.New(api.Options{Address: "127.0.0.1:0", Logger: zap.NewNop(), Health: health, Gatherer: reg, Registerer: reg})
	if err != nil {
		b.Fatal(err)
	}
	h := s.Handler()
	req := httptest.NewRequest(http.MethodGet, "/eigen/node/health", nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("code %d", rec.Code)
		}
	}
}
