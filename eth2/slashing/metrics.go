package slashing

import (
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// metrics are the store's Prometheus collectors; nil-safe when unregistered.
type metrics struct {
	checks    *prometheus.CounterVec
	batchSize prometheus.Histogram
	commit    prometheus.Histogram
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{
			Namespace: "stinger", Subsystem: "slashing_protection", Name: "checks_total",
			Help: "Check-and-record requests by message kind and outcome (safe, repeat, error, or the offence).",
		}, []string{"kind", "outcome"}),
		batchSize: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "stinger", Subsystem: "slashing_protection", Name: "batch_size",
			Help:    "Requests per group commit.",
			Buckets: prometheus.ExponentialBuckets(1, 2, 13),
		}),
		commit: prometheus.NewHistogram(prometheus.HistogramOpts{
			Namespace: "stinger", Subsystem: "slashing_protection", Name: "batch_seconds",
			Help:    "Time to check, record and fsync one batch.",
			Buckets: prometheus.ExponentialBuckets(0.0001, 2, 16),
		}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.checks, m.batchSize, m.commit} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register metrics: %w", err)
		}
	}
	return m, nil
}

func (m *metrics) observeBatch(reqs []*request, outcomes []string, d time.Duration) {
	for i, r := range reqs {
		m.checks.WithLabelValues(string(r.kind), outcomes[i]).Inc()
	}
	m.batchSize.Observe(float64(len(reqs)))
	m.commit.Observe(d.Seconds())
}
