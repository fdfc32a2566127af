package beaconsim

import (
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"
)

func newOwnSim(t *testing.T, extra int, preset string) (*Simulator, *fakeClock) {
	t.Helper()
	clock := &fakeClock{now: testGenesis}
	cfg := DefaultConfig()
	cfg.ExtraValidators = extra
	cfg.Preset = preset
	cfg.Seed = 7
	cfg.GenesisTime = testGenesis
	cfg.Clock = clock
	sim, err := New(cfg, nil)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return sim, clock
}

func TestOwnValidatorsJustifyAndFinalizeInFourEpochs(t *testing.T) {
	sim, clock := newOwnSim(t, 64, "minimal")
	spe := phase0.Slot(sim.chain.preset.SlotsPerEpoch)
	end := 4 * spe
	clock.Set(testGenesis.Add(time.Duration(end) * time.Second))
	if err := sim.AdvanceTo(end); err != nil {
		t.Fatalf("AdvanceTo: %v", err)
	}
	st := sim.Stats()
	if st.HeadSlot != uint64(end) {
		t.Errorf("head slot %d, want %d (every slot proposed by the simulator's own validators)", st.HeadSlot, end)
	}
	if st.JustifiedEpoch != 3 {
		t.Errorf("justified epoch %d, want 3", st.JustifiedEpoch)
	}
	if st.FinalizedEpoch != 2 {
		t.Errorf("finalized epoch %d, want 2", st.FinalizedEpoch)
	}
}

func TestChainDoesNotJustifyWithoutTwoThirds(t *testing.T) {
	// Half the validators are "lock-file" validators nobody runs: participation stays at 50%.
	clock := &fakeClock{now: testGenesis}
	own, err := generateOwnKeys(32, seededReader(99))
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	for _, sk := range own {
		var pk phase0.BLSPubKey
		copy(pk[:], sk.PublicKey().Bytes())
		cfg.Validators = append(cfg.Validators, pk)
	}
	cfg.ExtraValidators = 32
	cfg.GenesisTime, cfg.Clock, cfg.Seed = testGenesis, clock, 3
	sim, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	end := phase0.Slot(5 * sim.chain.preset.SlotsPerEpoch)
	clock.Set(testGenesis.Add(time.Duration(end) * time.Second))
	if err := sim.AdvanceTo(end); err != nil {
		t.Fatal(err)
	}
	st := sim.Stats()
	if st.JustifiedEpoch != 0 || st.FinalizedEpoch != 0 {
		t.Errorf("justified %d finalized %d with 50%% participation, want 0 and 0", st.JustifiedEpoch, st.FinalizedEpoch)
	}
	if st.Totals.Missed == 0 {
		t.Errorf("idle scored validators have no missed duties: %+v", st.Totals)
	}
	if st.Totals.Correct != 0 {
		t.Errorf("idle scored validators have correct duties: %+v", st.Totals)
	}
}

func TestChainCrossesTheFuluForkAndFinalizes(t *testing.T) {
	clock := &fakeClock{now: testGenesis}
	cfg := DefaultConfig()
	cfg.ExtraValidators, cfg.Seed, cfg.GenesisTime, cfg.Clock = 32, 5, testGenesis, clock
	cfg.FuluForkEpoch = 2
	sim, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if v := sim.chain.dataVersion(15); v.String() != "electra" {
		t.Fatalf("slot 15 is %s, want electra", v)
	}
	end := phase0.Slot(5 * sim.chain.preset.SlotsPerEpoch)
	clock.Set(testGenesis.Add(time.Duration(end) * time.Second))
	if err := sim.AdvanceTo(end); err != nil {
		t.Fatal(err)
	}
	if v := sim.chain.dataVersion(sim.chain.head.slot); v.String() != "fulu" {
		t.Errorf("head block is %s, want fulu", v)
	}
	f := sim.stateFork(sim.chain.epochOf(sim.chain.head.slot))
	if f.CurrentVersion != simFuluForkVersion || f.PreviousVersion != simElectraForkVersion || f.Epoch != 2 {
		t.Errorf("state fork %+v, want electra -> fulu at epoch 2", f)
	}
	if st := sim.Stats(); st.FinalizedEpoch < 3 {
		t.Errorf("finalized epoch %d across the fork, want >= 3", st.FinalizedEpoch)
	}
}

// TestOwnDutiesAtOneThirdOfTheSlot: OwnDuties signs the own validators' attestations and sync committee
// messages of a started slot once (a repeat, and the next slot's start, add nothing); a slot not started
// yet is left alone; driven this way the chain still justifies and finalizes.
func TestOwnDutiesAtOneThirdOfTheSlot(t *testing.T) {
	sim, clock := newOwnSim(t, 64, "minimal")
	poolSizes := func(slot phase0.Slot) (atts, syncs int) {
		sim.mu.Lock()
		defer sim.mu.Unlock()
		for _, e := range sim.pools.atts {
			if e.data.Slot == slot {
				for _, c := range e.sigs {
					atts += len(c)
				}
			}
		}
		for k, m := range sim.pools.sync {
			if k.slot == slot {
				syncs += len(m)
			}
		}
		return atts, syncs
	}
	spe := phase0.Slot(sim.chain.preset.SlotsPerEpoch)
	end := 4 * spe
	for slot := phase0.Slot(1); slot <= end; slot++ {
		clock.Set(testGenesis.Add(time.Duration(slot) * time.Second))
		if err := sim.AdvanceTo(slot); err != nil {
			t.Fatal(err)
		}
		if err := sim.OwnDuties(slot + 1); err != nil { // not started: nothing
			t.Fatal(err)
		}
		if a, s := poolSizes(slot + 1); a+s != 0 {
			t.Fatalf("slot %d: OwnDuties before the slot started signed %d attestations, %d sync messages", slot+1, a, s)
		}
		if a, s := poolSizes(slot); a+s != 0 {
			t.Fatalf("slot %d: %d attestations, %d sync messages before OwnDuties", slot, a, s)
		}
		clock.Set(clock.Now().Add(time.Second / 3))
		for range 2 {
			if err := sim.OwnDuties(slot); err != nil {
				t.Fatal(err)
			}
		}
		a, s := poolSizes(slot)
		sim.mu.Lock()
		wantAtts := 0
		for _, c := range mustDuties(t, sim, slot).committees[uint64(slot)%uint64(spe)] {
			wantAtts += len(c)
		}
		next := sim.ownNext
		sim.mu.Unlock()
		if a != wantAtts || s == 0 {
			t.Fatalf("slot %d: %d own attestations (want %d, every validator is the simulator's) and %d sync messages", slot, a, wantAtts, s)
		}
		if next != slot+1 {
			t.Fatalf("slot %d: own duties done up to %d, want %d", slot, next, slot+1)
		}
	}
	st := sim.Stats()
	if st.JustifiedEpoch != 3 || st.FinalizedEpoch != 2 {
		t.Errorf("justified %d, finalized %d; want 3 and 2", st.JustifiedEpoch, st.FinalizedEpoch)
	}
}

func mustDuties(t *testing.T, sim *Simulator, slot phase0.Slot) *epochDuties {
	t.Helper()
	d, err := sim.chain.duties(sim.chain.epochOf(slot))
	if err != nil {
		t.Fatal(err)
	}
	return d
}
