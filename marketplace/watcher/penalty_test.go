package watcher_test

import (
	"math/big"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/stingerdvt/stinger/marketplace/watcher"
)

// TestPenaltyAgainstOperatorRaisesAlertOnce: a collateral request naming this operator calls the
// alert hook and counts in the metric once; a restart lists it again without re-alerting; requests
// against other operators do not alert.
func TestPenaltyAgainstOperatorRaisesAlertOnce(t *testing.T) {
	s := newSimEnv(t)
	cfg := s.config(t.TempDir(), 0)
	n1 := s.register("data:,one")
	s.Install(s.dam, n1, 100, s.Operator, s.Operator2)
	s.Fund(s.Delegator, s.dam, 1000)
	s.MustSend(s.Delegator, s.dam, s.DAMABI.PackDeposit(big.NewInt(1000)))
	s.MustSend(s.NetworkAdmin, s.dam, s.DAMABI.PackRequestCollateral(n1, s.Operator.Addr, big.NewInt(10), "missed duties"))
	s.MustSend(s.NetworkAdmin, s.dam, s.DAMABI.PackRequestCollateral(n1, s.Operator2.Addr, big.NewInt(20), "not ours"))

	reg := prometheus.NewRegistry()
	w := newWatcher(t, cfg, s.Client, reg)
	var alerts []watcher.Penalty
	w.OnPenalty(func(p watcher.Penalty) { alerts = append(alerts, p) })
	catchUp(t, w)
	if len(alerts) != 1 || alerts[0].Operator != s.Operator.Addr || alerts[0].Amount.Int64() != 10 ||
		alerts[0].Reason != "missed duties" || alerts[0].NetworkID != n1.Uint64() || alerts[0].DAM != s.dam {
		t.Fatalf("alerts = %+v", alerts)
	}
	if got := metricValue(t, reg, "stinger_marketplace_penalty_requests_total"); got != 1 {
		t.Fatalf("penalty_requests_total = %v, want 1", got)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}

	w2 := newWatcher(t, cfg, s.Client, nil)
	defer w2.Close()
	w2.OnPenalty(func(p watcher.Penalty) { t.Errorf("re-alerted after restart: %+v", p) })
	catchUp(t, w2)
	if ps := w2.Penalties(); len(ps) != 1 || ps[0].Amount.Int64() != 10 {
		t.Fatalf("penalties after restart = %+v", ps)
	}
}
