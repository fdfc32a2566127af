package slashing_test

import (
	"context"
	"testing"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/stingerdvt/stinger/eth2/slashing"
)

// TestMetricsCountOutcomesOnTheInjectedRegistry shows the store registers
// its collectors on the registry it is given and counts each outcome.
func TestMetricsCountOutcomesOnTheInjectedRegistry(t *testing.T) {
	reg := prometheus.NewRegistry()
	s := openStore(t, "", slashing.WithRegisterer(reg))
	ctx := context.Background()
	_ = blk(5, 1).run(ctx, s)
	_ = blk(5, 1).run(ctx, s)
	_ = blk(5, 2).run(ctx, s)
	families, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]float64{}
	seen := map[string]bool{}
	for _, f := range families {
		seen[f.GetName()] = true
		if f.GetName() != "stinger_slashing_protection_checks_total" {
			continue
		}
		for _, m := range f.GetMetric() {
			labels := ""
			for _, l := range m.GetLabel() {
				labels += l.GetName() + "=" + l.GetValue() + " "
			}
			got[labels] = m.GetCounter().GetValue()
		}
	}
	want := map[string]float64{
		"kind=block outcome=safe ": 1, "kind=block outcome=repeat ": 1, "kind=block outcome=double_block ": 1,
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("checks_total{%s} = %v, want %v (all: %v)", k, got[k], v, got)
		}
	}
	for _, name := range []string{"stinger_slashing_protection_batch_size", "stinger_slashing_protection_batch_seconds"} {
		if !seen[name] {
			t.Errorf("%s not registered", name)
		}
	}
}
