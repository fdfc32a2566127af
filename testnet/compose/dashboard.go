package compose

import (
	"encoding/json"
)

// panel is one Grafana time-series panel of the dashboard.
type panel struct {
	title, unit string
	exprs       []target
}

type target struct{ expr, legend string }

// dashboardPanels are the dashboard's panels over stinger's metrics (see duties, p2p, consensus, api).
var dashboardPanels = []panel{
	{"Duty outcomes per second", "ops", []target{{`sum by (duty, status) (rate(stinger_duty_outcomes_total[1m]))`, "{{duty}} {{status}}"}}},
	{"Failed duties by stage", "ops", []target{{`sum by (stage) (rate(stinger_duty_outcomes_total{status!="succeeded"}[1m]))`, "{{stage}}"}}},
	{"Duty latency (slot start to broadcast), p50 / p95", "s", []target{
		{`histogram_quantile(0.5, sum by (le, duty) (rate(stinger_duty_latency_seconds_bucket[5m])))`, "p50 {{duty}}"},
		{`histogram_quantile(0.95, sum by (le, duty) (rate(stinger_duty_latency_seconds_bucket[5m])))`, "p95 {{duty}}"}}},
	{"Connected cluster peers", "short", []target{{`sum by (instance) (stinger_p2p_peer_connected)`, "{{instance}}"}}},
	{"Peer round trip", "s", []target{{`stinger_p2p_peer_rtt_seconds`, "{{instance}} → {{peer}}"}}},
	{"Beacon node up", "short", []target{{`stinger_beacon_node_up`, "{{instance}} {{node}}"}}},
	{"Beacon node request latency p95", "s", []target{{`histogram_quantile(0.95, sum by (le, instance) (rate(stinger_beacon_node_request_seconds_bucket[5m])))`, "{{instance}}"}}},
	{"Consensus: time to decide p95", "s", []target{{`histogram_quantile(0.95, sum by (le, instance) (rate(stinger_consensus_decide_seconds_bucket[5m])))`, "{{instance}}"}}},
	{"Consensus timeouts and invalid messages", "ops", []target{
		{`sum by (instance) (rate(stinger_consensus_timeouts_total[1m]))`, "timeouts {{instance}}"},
		{`sum by (instance) (rate(stinger_consensus_invalid_messages_total[1m]))`, "invalid {{instance}}"}}},
	{"Invalid partial signatures", "ops", []target{{`sum by (instance) (rate(stinger_parsig_invalid_total[1m]))`, "{{instance}}"}}},
	{"API requests", "ops", []target{{`sum by (instance) (rate(stinger_api_requests_total[1m]))`, "{{instance}}"}}},
	{"Build", "short", []target{{`stinger_build_info`, "{{instance}} {{version}} {{commit}}"}}},
}

// Dashboard returns the Grafana dashboard JSON for stinger's metrics (Prometheus datasource uid
// "prometheus"), two panels a row.
func Dashboard() string {
	panels := make([]map[string]any, 0, len(dashboardPanels))
	for i, p := range dashboardPanels {
		targets := make([]map[string]any, 0, len(p.exprs))
		for j, t := range p.exprs {
			targets = append(targets, map[string]any{
				"refId": string(rune('A' + j)), "expr": t.expr, "legendFormat": t.legend,
				"datasource": map[string]string{"type": "prometheus", "uid": "prometheus"},
			})
		}
		panels = append(panels, map[string]any{
			"id": i + 1, "type": "timeseries", "title": p.title,
			"datasource":  map[string]string{"type": "prometheus", "uid": "prometheus"},
			"gridPos":     map[string]int{"x": (i % 2) * 12, "y": (i / 2) * 8, "w": 12, "h": 8},
			"fieldConfig": map[string]any{"defaults": map[string]any{"unit": p.unit}, "overrides": []any{}},
			"options":     map[string]any{"legend": map[string]any{"displayMode": "list", "placement": "bottom"}},
			"targets":     targets,
		})
	}
	d := map[string]any{
		"uid": "stinger-devnet", "title": "stinger", "schemaVersion": 39, "version": 1, "editable": true,
		"refresh": "5s", "time": map[string]string{"from": "now-30m", "to": "now"},
		"tags": []string{"stinger", "dvt"}, "panels": panels,
	}
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		panic(err) // unreachable: only maps, strings and numbers
	}
	return string(b) + "\n"
}
