package duties_test

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/duties"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

// BenchmarkClusterAttestationLatency runs 4 in-process pipelines (in-memory QBFT and parsig networks,
// one beacon simulator at 1 s slots, minimal preset) for two epochs and reports the attestation latency
// (slot start → broadcast) percentiles over every node's succeeded attestations, and how many were
// missed. b.N is ignored: each size runs once.
//
//	go test -run '^$' -bench ClusterAttestationLatency -benchtime 1x ./duties/
var benchSizes = []int{100, 1000}

func BenchmarkClusterAttestationLatency(b *testing.B) {
	for _, vals := range benchSizes {
		b.Run(fmt.Sprintf("validators=%d", vals), func(b *testing.B) {
			c := startSimCluster(b, clusterOpts{validators: vals, extra: 8,
				genesisIn: 3*time.Second + time.Duration(vals)*15*time.Millisecond})
			const epochs = 2
			// Skip epoch 0 (warm-up: index resolution, first duties).
			c.waitSlot(b, (epochs+1)*8+1)
			b.StopTimer()
			var lat []float64
			status := map[string]int{}
			reasons := map[string]int{}
			for _, p := range c.pipes {
				outs, err := p.Outcomes(8, (epochs+1)*8-1, nil)
				if err != nil {
					b.Fatal(err)
				}
				for _, o := range outs {
					status[o.Status]++
					if o.Status != duties.StatusSucceeded {
						reasons[string(o.Stage)+": "+o.Reason[:min(len(o.Reason), 90)]]++
					}
					if o.Status == duties.StatusSucceeded {
						lat = append(lat, float64(o.LatencyMillis))
					}
				}
			}
			st := c.sim.Stats()
			att := st.ByType[beaconsim.DutyAttestation]
			logStageLatency(b, c)
			for r, n := range reasons {
				b.Logf("%d× %s", n, r)
			}
			if len(lat) == 0 {
				b.Fatalf("no attestation succeeded: %v, sim %+v", status, att)
			}
			sort.Float64s(lat)
			pct := func(p float64) float64 { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
			b.ReportMetric(pct(0.50), "p50_ms")
			b.ReportMetric(pct(0.99), "p99_ms")
			b.ReportMetric(float64(status[duties.StatusFailed]+status[duties.StatusLate]), "not_ok")
			b.ReportMetric(float64(att.Correct), "sim_correct")
			b.ReportMetric(float64(att.Missed+att.Late), "sim_missed_or_late")
			b.Logf("outcomes per node-duty %v; simulator attestations %+v, invalid signatures %d, slashable %d",
				status, att, st.Totals.InvalidSignatures, st.Totals.Slashable)
		})
	}
}

// logStageLatency logs node 0's mean time from slot start to the end of each stage.
func logStageLatency(b testing.TB, c *simCluster) {
	mfs, err := c.regs[0].Gather()
	if err != nil {
		b.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "stinger_duty_stage_seconds" && mf.GetName() != "stinger_beacon_node_request_seconds" {
			continue
		}
		for _, m := range mf.GetMetric() {
			h := m.GetHistogram()
			if h.GetSampleCount() == 0 {
				continue
			}
			var labels string
			for _, l := range m.GetLabel() {
				labels += l.GetName() + "=" + l.GetValue() + " "
			}
			b.Logf("%s %s mean %.0f ms over %d", mf.GetName(), labels,
				1000*h.GetSampleSum()/float64(h.GetSampleCount()), h.GetSampleCount())
		}
	}
}
