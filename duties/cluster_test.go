package duties_test

import (
	"testing"
	"time"

	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

// TestClusterAttestsAgainstSimulator runs 4 pipelines against the beacon simulator at 1 s slots for three
// epochs, with every operator up and with one stopped for the whole run: the simulator scores every
// attestation duty of the slots that were entirely inside the run correct, no invalid signature and nothing
// slashable.
func TestClusterAttestsAgainstSimulator(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three epochs of 1 s slots")
	}
	for _, tc := range []struct {
		name    string
		stopped map[int]bool
	}{
		{"all_up", nil},
		{"one_stopped", map[int]bool{3: true}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := startSimCluster(t, clusterOpts{validators: 8, extra: 24, stopped: tc.stopped,
				genesisIn: 2 * time.Second})
			c.waitSlot(t, 3*8+1)
			st := c.sim.Stats()
			att := st.ByType[beaconsim.DutyAttestation]
			t.Logf("attestations: %+v, finalized epoch %d", att, st.FinalizedEpoch)
			if att.Expected < 20 {
				t.Fatalf("only %d attestation duties expected in three epochs", att.Expected)
			}
			// Every duty whose slot is over must be correct (the current slot's may still be pending).
			if att.Missed != 0 || att.Late != 0 || att.Correct+1 < att.Expected {
				t.Errorf("attestations %+v: want all correct", att)
			}
			if st.Totals.InvalidSignatures != 0 || st.Totals.Slashable != 0 || len(st.Offences) != 0 {
				t.Errorf("invalid signatures %d, slashable %d, offences %v: want none",
					st.Totals.InvalidSignatures, st.Totals.Slashable, st.Offences)
			}
		})
	}
}
