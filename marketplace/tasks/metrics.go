package tasks

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	up       *prometheus.GaugeVec
	healthy  *prometheus.GaugeVec
	restarts *prometheus.CounterVec
	checks   *prometheus.CounterVec
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	labels := []string{"network_id", "dam", "kind"}
	m := &metrics{
		up: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "stinger", Subsystem: "marketplace",
			Name: "task_up", Help: "1 when the Network task is running (process, validator) or answering (probe)."}, labels),
		healthy: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: "stinger", Subsystem: "marketplace",
			Name: "task_healthy", Help: "1 when the last health check of the Network task passed."}, labels),
		restarts: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "stinger", Subsystem: "marketplace",
			Name: "task_restarts_total", Help: "Restarts of Network task processes."}, labels),
		checks: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: "stinger", Subsystem: "marketplace",
			Name: "task_health_checks_total", Help: "Health checks of Network tasks by result."}, append(labels, "result")),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.up, m.healthy, m.restarts, m.checks} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register marketplace task metrics: %w", err)
		}
	}
	return m, nil
}
