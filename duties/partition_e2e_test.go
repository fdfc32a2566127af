//go:build e2e

package duties_test

import (
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

// TestClusterTwoDownSignsNothingThenResumes disconnects two of four operators for an epoch: with no
// quorum, nothing reaches the chain and nothing slashable appears; after they reconnect, attestations
// resume within two slots.
func TestClusterTwoDownSignsNothingThenResumes(t *testing.T) {
	c := startSimCluster(t, clusterOpts{validators: 8, extra: 24, genesisIn: 2 * time.Second})
	c.waitSlot(t, 8)
	before := c.sim.Stats().ByType[beaconsim.DutyAttestation]
	for _, i := range []int{2, 3} {
		c.qbftNet.SetConnected(i, false)
		c.psNet.SetConnected(i, false)
	}
	c.waitSlot(t, 16)
	during := c.sim.Stats().ByType[beaconsim.DutyAttestation]
	if performed := (during.Correct + during.Late) - (before.Correct + before.Late); performed > 1 {
		// One attestation of slot 8 may have been in flight when the operators went down.
		t.Errorf("%d attestations reached the chain without a quorum", performed)
	}
	for _, i := range []int{2, 3} {
		c.qbftNet.SetConnected(i, true)
		c.psNet.SetConnected(i, true)
	}
	c.waitSlot(t, 18)
	resumed := c.sim.Stats().ByType[beaconsim.DutyAttestation]
	c.waitSlot(t, phase0.Slot(26))
	after := c.sim.Stats()
	att := after.ByType[beaconsim.DutyAttestation]
	t.Logf("before %+v, during %+v, resumed %+v, after %+v", before, during, resumed, att)
	if att.Correct-resumed.Correct < 6 {
		t.Errorf("only %d attestations correct in the epoch after reconnecting", att.Correct-resumed.Correct)
	}
	if after.Totals.InvalidSignatures != 0 || after.Totals.Slashable != 0 || len(after.Offences) != 0 {
		t.Errorf("totals %+v, offences %v: want no invalid or slashable message", after.Totals, after.Offences)
	}
}

// TestClusterRestartMidEpochNeverSlashable restarts two operators in the middle of an epoch (new
// pipeline, same slashing protection database, consensus state lost): the simulator's slashing detector
// stays at zero and duties go on.
func TestClusterRestartMidEpochNeverSlashable(t *testing.T) {
	c := startSimCluster(t, clusterOpts{validators: 8, extra: 24, genesisIn: 2 * time.Second})
	c.waitSlot(t, 12) // the middle of epoch 1
	time.Sleep(400 * time.Millisecond)
	c.restart(t, 0)
	c.waitSlot(t, 13)
	time.Sleep(500 * time.Millisecond)
	c.restart(t, 1)
	c.waitSlot(t, 3*8+1)
	st := c.sim.Stats()
	att := st.ByType[beaconsim.DutyAttestation]
	t.Logf("attestations %+v, totals %+v", att, st.Totals)
	if st.Totals.Slashable != 0 || len(st.Offences) != 0 || st.Totals.InvalidSignatures != 0 {
		t.Errorf("totals %+v, offences %v: want nothing slashable or invalid", st.Totals, st.Offences)
	}
	if 10*att.Correct < 8*(att.Expected-1) {
		t.Errorf("attestations %+v: want >= 80%% correct across the restarts", att)
	}
}
