package consensus

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	decidedRound *prometheus.HistogramVec
	decideTime   *prometheus.HistogramVec
	timeouts     *prometheus.CounterVec
	invalid      *prometheus.CounterVec
	buffered     prometheus.Counter
	dropped      *prometheus.CounterVec
	instances    prometheus.Gauge
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	m := &metrics{
		decidedRound: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "stinger_consensus_decided_round", Help: "Round in which QBFT instances decided, by duty type.",
			Buckets: []float64{1, 2, 3, 4, 5, 6, 8, 10, 15, 20},
		}, []string{"duty"}),
		decideTime: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "stinger_consensus_decide_seconds", Help: "Time from Propose to decision, by duty type.",
			Buckets: prometheus.ExponentialBuckets(0.0005, 2, 16),
		}, []string{"duty"}),
		timeouts: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stinger_consensus_timeouts_total", Help: "Round timer expiries, by duty type.",
		}, []string{"duty"}),
		invalid: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stinger_consensus_invalid_messages_total", Help: "Rejected consensus messages, by reason.",
		}, []string{"reason"}),
		buffered: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "stinger_consensus_buffered_messages_total", Help: "Messages buffered for instances not started yet.",
		}),
		dropped: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stinger_consensus_dropped_messages_total", Help: "Messages dropped, by reason.",
		}, []string{"reason"}),
		instances: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "stinger_consensus_instances", Help: "Consensus instances held in memory.",
		}),
	}
	if reg == nil {
		return m, nil
	}
	for _, c := range []prometheus.Collector{m.decidedRound, m.decideTime, m.timeouts, m.invalid, m.buffered, m.dropped, m.instances} {
		if err := reg.Register(c); err != nil {
			return nil, fmt.Errorf("register consensus metrics: %w", err)
		}
	}
	return m, nil
}
