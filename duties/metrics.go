package duties

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

// pipelineMetrics are the duty pipeline's Prometheus metrics.
type pipelineMetrics struct {
	outcomes       *prometheus.CounterVec
	stageLatency   *prometheus.HistogramVec
	latency        *prometheus.HistogramVec
	invalidParSigs *prometheus.CounterVec
	aggFailures    prometheus.Counter
}

var latencyBuckets = []float64{.05, .1, .2, .3, .4, .5, .6, .75, 1, 1.5, 2, 4, 8, 12}

func newPipelineMetrics(reg prometheus.Registerer) (*pipelineMetrics, error) {
	m := &pipelineMetrics{
		outcomes: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "stinger_duty_outcomes_total",
			Help: "Validator duties by type, status (succeeded, failed, late) and failing stage."},
			[]string{"duty", "status", "stage"}),
		stageLatency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "stinger_duty_stage_seconds",
			Help:    "Time from slot start until a pipeline stage finished, by duty type and stage.",
			Buckets: latencyBuckets}, []string{"duty", "stage"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "stinger_duty_latency_seconds",
			Help: "Time from slot start until the duty was broadcast, by duty type.", Buckets: latencyBuckets},
			[]string{"duty"}),
		invalidParSigs: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "stinger_parsig_invalid_total",
			Help: "Partial signatures from other operators that were dropped, by operator index and reason."},
			[]string{"operator", "reason"}),
		aggFailures: prometheus.NewCounter(prometheus.CounterOpts{Name: "stinger_aggregation_failures_total",
			Help: "Recovered group signatures that failed to recover or verify."}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.outcomes, m.stageLatency, m.latency, m.invalidParSigs,
		m.aggFailures} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register duty metrics: %w", err)
		}
	}
	return m, nil
}
