package watcher

import (
	"fmt"

	"github.com/prometheus/client_golang/prometheus"
)

type metrics struct {
	head, cursor, assignments                     prometheus.Gauge
	events, reorgs, rpcErrors, badLogs, penalties prometheus.Counter
}

func newMetrics(reg prometheus.Registerer) (*metrics, error) {
	g := func(name, help string) prometheus.Gauge {
		return prometheus.NewGauge(prometheus.GaugeOpts{Namespace: "stinger", Subsystem: "marketplace", Name: name, Help: help})
	}
	c := func(name, help string) prometheus.Counter {
		return prometheus.NewCounter(prometheus.CounterOpts{Namespace: "stinger", Subsystem: "marketplace", Name: name, Help: help})
	}
	m := &metrics{
		head:        g("chain_head_block", "Latest block number reported by the execution RPC."),
		cursor:      g("watcher_cursor_block", "Last confirmed block whose marketplace logs are applied."),
		assignments: g("assignments", "Networks this operator must serve now."),
		events:      c("watcher_logs_total", "Marketplace logs fetched and journaled."),
		reorgs:      c("watcher_reorgs_total", "Chain reorganisations that rewound the watcher."),
		rpcErrors:   c("watcher_step_errors_total", "Watcher steps that failed (RPC errors, retried)."),
		badLogs:     c("watcher_malformed_logs_total", "Marketplace logs that failed to decode."),
		penalties:   c("penalty_requests_total", "Penalty (collateral) requests against this operator."),
	}
	if reg == nil {
		return m, nil
	}
	for _, col := range []prometheus.Collector{m.head, m.cursor, m.assignments, m.events, m.reorgs, m.rpcErrors, m.badLogs, m.penalties} {
		if err := reg.Register(col); err != nil {
			return nil, fmt.Errorf("register marketplace watcher metrics: %w", err)
		}
	}
	return m, nil
}
