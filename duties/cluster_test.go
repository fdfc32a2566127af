package duties_test

import (
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/duties"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

// TestClusterAttestsAgainstSimulator runs 4 pipelines against the beacon simulator at 1 s slots for three
// epochs, with every operator up and with one stopped for the whole run: the simulator scores the
// attestations and block proposals (threshold RANDAO reveal, then the block) correct, no invalid signature
// and nothing slashable.
func TestClusterAttestsAgainstSimulator(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three epochs of 1 s slots")
	}
	for _, tc := range []struct {
		name    string
		stopped map[int]bool
		epochs  int
	}{
		{"all_up", nil, 3},
		{"one_stopped", map[int]bool{3: true}, 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := clusterOpts{validators: 8, extra: 24, stopped: tc.stopped, genesisIn: 2 * time.Second}
			if raceEnabled {
				// The race detector slows the Go code several times: it checks for data races with 3 s
				// slots for two epochs and asserts safety only (see TestClusterSafeUnderRace).
				t.Skip("timing thresholds need the code at full speed; TestClusterSafeUnderRace covers -race")
			}
			c := startSimCluster(t, opts)
			c.waitSlot(t, phase0.Slot(tc.epochs*8+1))
			st := c.sim.Stats()
			att := st.ByType[beaconsim.DutyAttestation]
			t.Logf("attestations: %+v, finalized epoch %d", att, st.FinalizedEpoch)
			if att.Expected < uint64(6*tc.epochs) {
				t.Fatalf("only %d attestation duties expected in three epochs", att.Expected)
			}
			// Safety is asserted strictly (nothing incorrect, invalid or slashable). Liveness floors are
			// set for CI, which shares 2 cores between the simulator, 4 nodes and other packages: on an
			// idle machine every duty here scores correct (100%), under load average ~18 some miss 1 s
			// slots. The current slot's duties may still be pending.
			if att.Incorrect != 0 || 4*att.Correct < 3*(att.Expected-1) {
				t.Errorf("attestations %+v: want >= 75%% correct and none incorrect", att)
			}
			logStageLatency(t, c)
			for i, p := range c.pipes {
				outs, _ := p.Outcomes(0, 100, nil)
				for _, o := range outs {
					if o.Status != duties.StatusSucceeded {
						t.Logf("operator %d: %s slot %d %s at %s: %s", i, o.Duty, o.Slot, o.Status, o.Stage, o.Reason)
					}
				}
			}
			prop := st.ByType[beaconsim.DutyProposal]
			t.Logf("proposals: %+v", prop)
			if prop.Incorrect != 0 || 2*prop.Correct < prop.Expected-1 {
				t.Errorf("proposals %+v: want at least half correct and none incorrect", prop)
			}
			agg := st.ByType[beaconsim.DutyAggregation]
			t.Logf("aggregations: %+v", agg)
			// Aggregates are due by the end of the slot but start at 2/3 and need the attestations in the
			// beacon node's pool: on a loaded 2-core machine at 1 s slots some are late. Require most.
			if agg.Expected == 0 || agg.Incorrect != 0 || agg.Correct == 0 {
				t.Errorf("aggregations %+v: want some correct and none incorrect", agg)
			}
			sc := st.ByType[beaconsim.DutySyncCommittee]
			t.Logf("sync committee messages: %+v", sc)
			if sc.Incorrect != 0 || 2*sc.Correct < sc.Expected-min(sc.Expected, 4) {
				t.Errorf("sync committee messages %+v: want >= 50%% correct and none incorrect", sc)
			}
			scc := st.ByType[beaconsim.DutySyncContribution]
			t.Logf("sync contributions: %+v", scc)
			// A validator contributes in every subcommittee in which it sits (on this 32-validator minimal
			// chain many sit in several). Contributions start at 2/3 of a 1 s slot: on a loaded machine some
			// are late, as aggregates are.
			if scc.Incorrect != 0 || scc.Correct == 0 {
				t.Errorf("sync contributions %+v: want some correct and none incorrect", scc)
			}
			if st.Totals.InvalidSignatures != 0 || st.Totals.Slashable != 0 || len(st.Offences) != 0 {
				t.Errorf("invalid signatures %d, slashable %d, offences %v: want none (by type %+v)",
					st.Totals.InvalidSignatures, st.Totals.Slashable, st.Offences, st.ByType)
			}
		})
	}
}

// TestClusterSafeUnderRace runs the 4-node cluster under the race detector (only there) with 3 s slots for
// two epochs: the detector must find no data race, and the simulator no invalid signature and nothing
// slashable; most attestations must still be correct.
func TestClusterSafeUnderRace(t *testing.T) {
	if !raceEnabled || testing.Short() {
		t.Skip("only under -race; TestClusterAttestsAgainstSimulator covers timing")
	}
	c := startSimCluster(t, clusterOpts{validators: 8, extra: 24, genesisIn: 3 * time.Second, slot: 3 * time.Second})
	c.waitSlot(t, 2*8+1)
	st := c.sim.Stats()
	att := st.ByType[beaconsim.DutyAttestation]
	t.Logf("attestations %+v; totals %+v", att, st.Totals)
	if st.Totals.InvalidSignatures != 0 || st.Totals.Slashable != 0 || len(st.Offences) != 0 || st.Totals.Incorrect != 0 {
		t.Errorf("totals %+v, offences %v: want no invalid, incorrect or slashable message", st.Totals, st.Offences)
	}
	if 2*att.Correct < att.Expected {
		t.Errorf("attestations %+v: want at least half correct even under -race", att)
	}
}
