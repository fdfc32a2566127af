package duties_test

import (
	"fmt"
	"sort"
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/duties"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

// benchCases are the cluster sizes measured: validators, preset (slots per epoch) and epochs measured.
var benchCases = []struct {
	validators int
	preset     string
	slots      uint64 // per epoch
	epochs     uint64
}{
	{100, "minimal", 8, 2},
	{1000, "minimal", 8, 2},
	{1000, "mainnet", 32, 1},
}

// BenchmarkClusterAttestationLatency runs 4 in-process pipelines (in-memory QBFT and parsig networks,
// one beacon simulator at 1 s slots, attestations only: on this 2-core machine the simulator judging every
// other duty of 1,000 validators competes for the same CPU) and reports the attestation latency (slot start → broadcast)
// percentiles over every node's succeeded attestations after a warm-up epoch, how many duties were not
// performed, and the simulator's score. The minimal preset packs a validator's attestation into 8 slots
// (1,000 validators: 125 per slot, each node signing, verifying and recovering them within a 1 s slot);
// the mainnet preset spreads them over 32 slots as on a real chain. b.N is ignored: each case runs once.
//
//	go test -run '^$' -bench ClusterAttestationLatency -benchtime 1x ./duties/
func BenchmarkClusterAttestationLatency(b *testing.B) {
	for _, bc := range benchCases {
		b.Run(fmt.Sprintf("validators=%d/preset=%s", bc.validators, bc.preset), func(b *testing.B) {
			c := startSimCluster(b, clusterOpts{validators: bc.validators, extra: 8, preset: bc.preset,
				duties:    []duties.DutyType{duties.DutyAttester},
				genesisIn: 3*time.Second + time.Duration(bc.validators)*15*time.Millisecond})
			from, to := bc.slots, (bc.epochs+1)*bc.slots-1
			c.waitSlot(b, phase0.Slot(to+2))
			b.StopTimer()
			var lat []float64
			status := map[string]int{}
			reasons := map[string]int{}
			for _, p := range c.pipes {
				outs, err := p.Outcomes(from, to, nil)
				if err != nil {
					b.Fatal(err)
				}
				for _, o := range outs {
					if o.Duty != duties.DutyAttester.String() {
						continue
					}
					status[o.Status]++
					if o.Status == duties.StatusSucceeded {
						lat = append(lat, float64(o.LatencyMillis))
					} else {
						reasons[string(o.Stage)+": "+o.Reason[:min(len(o.Reason), 90)]]++
					}
				}
			}
			st := c.sim.Stats()
			att := st.ByType[beaconsim.DutyAttestation]
			logStageLatency(b, c)
			for r, n := range reasons {
				b.Logf("%d× %s", n, r)
			}
			b.Logf("attestation outcomes (node × validator) %v; simulator attestations %+v, invalid signatures %d, "+
				"slashable %d", status, att, st.Totals.InvalidSignatures, st.Totals.Slashable)
			total := status[duties.StatusSucceeded] + status[duties.StatusFailed] + status[duties.StatusLate]
			if total == 0 {
				b.Fatal("no attestation duty in the measured epochs")
			}
			b.ReportMetric(100*float64(status[duties.StatusSucceeded])/float64(total), "ontime_%")
			if len(lat) == 0 {
				b.Log("no attestation succeeded: the machine cannot keep up at this size")
				return
			}
			sort.Float64s(lat)
			pct := func(p float64) float64 { return lat[min(len(lat)-1, int(p*float64(len(lat))))] }
			b.ReportMetric(pct(0.50), "p50_ms")
			b.ReportMetric(pct(0.99), "p99_ms")
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

// BenchmarkClusterAllDutiesLatency runs 4 pipelines with every duty type (8 validators, minimal preset,
// 1 s slots, two epochs after a warm-up epoch). On the minimal preset most of a small cluster's validators
// sit in the 32-seat sync committee every slot, so the work per slot grows fast: at 32 validators this
// 2-core machine, shared with the simulator, no longer keeps up with 1 s slots) and reports per duty type the latency (slot start →
// broadcast) p50/p99 and the share of duties performed on time.
//
//	go test -run '^$' -bench ClusterAllDutiesLatency -benchtime 1x ./duties/
func BenchmarkClusterAllDutiesLatency(b *testing.B) {
	c := startSimCluster(b, clusterOpts{validators: 8, extra: 24, genesisIn: 3 * time.Second})
	const from, to = 8, 3*8 - 1
	c.waitSlot(b, to+2)
	b.StopTimer()
	lat := map[string][]float64{}
	total := map[string]int{}
	for _, p := range c.pipes {
		outs, err := p.Outcomes(from, to, nil)
		if err != nil {
			b.Fatal(err)
		}
		for _, o := range outs {
			total[o.Duty]++
			if o.Status == duties.StatusSucceeded {
				lat[o.Duty] = append(lat[o.Duty], float64(o.LatencyMillis))
			}
		}
	}
	for typ, n := range total {
		l := lat[typ]
		b.ReportMetric(100*float64(len(l))/float64(n), typ+"_ontime_%")
		if len(l) == 0 {
			continue
		}
		sort.Float64s(l)
		b.ReportMetric(l[len(l)/2], typ+"_p50_ms")
		b.ReportMetric(l[min(len(l)-1, len(l)*99/100)], typ+"_p99_ms")
	}
	st := c.sim.Stats()
	for typ, ctr := range st.ByType {
		b.Logf("simulator %s: %+v", typ, ctr)
	}
}
