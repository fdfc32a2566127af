package duties

import (
	"context"
	"errors"
	"slices"
	"sync"
	"testing"
	"time"

	bitfield "github.com/OffchainLabs/go-bitfield"
	"github.com/attestantio/go-eth2-client/api"
	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	"github.com/attestantio/go-eth2-client/spec/altair"
	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/duties/beacon"
	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/signing"
)

// syncBeacon serves one validator's sync committee duty and every subcommittee's contribution, and
// records which contributions were asked for and what was submitted.
type syncBeacon struct {
	beacon.Client
	duty *apiv1.SyncCommitteeDuty

	mu        sync.Mutex
	asked     []uint64
	submitted []*altair.SignedContributionAndProof
}

func (b *syncBeacon) SyncCommitteeDuties(context.Context, *api.SyncCommitteeDutiesOpts) (
	*api.Response[[]*apiv1.SyncCommitteeDuty], error,
) {
	return &api.Response[[]*apiv1.SyncCommitteeDuty]{Data: []*apiv1.SyncCommitteeDuty{b.duty},
		Metadata: map[string]any{}}, nil
}

func (b *syncBeacon) SyncCommitteeContribution(_ context.Context, o *api.SyncCommitteeContributionOpts) (
	*api.Response[*altair.SyncCommitteeContribution], error,
) {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.asked = append(b.asked, o.SubcommitteeIndex)
	bits := bitfield.NewBitvector128()
	bits.SetBitAt(o.SubcommitteeIndex, true) // distinct per subcommittee
	return &api.Response[*altair.SyncCommitteeContribution]{Data: &altair.SyncCommitteeContribution{Slot: o.Slot,
		BeaconBlockRoot: o.BeaconBlockRoot, SubcommitteeIndex: o.SubcommitteeIndex, AggregationBits: bits}}, nil
}

func (b *syncBeacon) SubmitSyncCommitteeContributions(_ context.Context, cs []*altair.SignedContributionAndProof) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.submitted = append(b.submitted, cs...)
	return nil
}

// thresholdSigner signs a duty as a 3-of-4 cluster would: each operator's shareSigner, the partials
// through the wire codec, the aggregator's recovery.
type thresholdSigner struct {
	t       *testing.T
	tv      *testValidators
	network *signing.Network
	hs      handlers
}

func (ts *thresholdSigner) sign(duty Duty, defs DefinitionSet, value []byte) SignedSet {
	t := ts.t
	t.Helper()
	agg := newAggregator(3, ts.tv.group, seededReaderOf(5), zap.NewNop(), prometheus.NewCounter(prometheus.CounterOpts{Name: "f"}))
	var out SignedSet
	agg.Subscribe(func(_ context.Context, _ Duty, s SignedSet) {
		if out == nil {
			out = SignedSet{}
		}
		for k, sig := range s {
			out[k] = sig
		}
	})
	for op := range 4 {
		shares := map[PubKey]*bls.SecretKey{}
		for _, pk := range ts.tv.pubkeys {
			shares[pk] = ts.tv.secrets[pk][uint64(op+1)]
		}
		sg := &shareSigner{handlers: ts.hs, network: ts.network, shares: shares, workers: 4}
		set, msgs, err := sg.Sign(context.Background(), duty, defs, value)
		if err != nil {
			t.Fatalf("operator %d signs %s: %v", op, duty, err)
		}
		b, err := EncodeParSigs(duty, set)
		if err != nil {
			t.Fatal(err)
		}
		gotDuty, got, err := DecodeParSigs(b)
		if err != nil || gotDuty != duty {
			t.Fatalf("partials of %s over the wire: %v", duty, err)
		}
		agg.Expect(duty, msgs)
		agg.Add(context.Background(), duty, op, got)
	}
	return out
}

// verifies reports whether sig is the validator's signature of obj under domain type dt.
func verifies(t *testing.T, network *signing.Network, pk *bls.PublicKey, obj signing.HashRooter,
	dt phase0.DomainType, epoch phase0.Epoch, sig phase0.BLSSignature,
) bool {
	t.Helper()
	root, err := network.SigningRoot(obj, dt, epoch)
	if err != nil {
		t.Fatal(err)
	}
	s, err := bls.SignatureFromBytes(append([]byte(nil), sig[:]...))
	return err == nil && s.Verify(pk, root[:])
}

// TestSyncContributionPerSubcommittee follows a validator with sync committee positions in 1, 2 and 4
// subcommittees (mainnet-sized committee of 512, so a selection proof selects about one in eight) through
// the sync contribution duties of a whole epoch, threshold-signed 3 of 4: the scheduler gives one key per
// subcommittee; a selection proof is recovered for each, signed over that subcommittee's selection data;
// only the subcommittees whose proof selects the validator are fetched, and exactly one contribution and
// proof is submitted for each, with that subcommittee's contribution and selection proof.
func TestSyncContributionPerSubcommittee(t *testing.T) {
	const syncSize = 512 // subcommittees of 128 positions
	tv := newTestValidators(t, 1)
	pk := tv.pubkeys[0]
	network := &signing.Network{Name: "test", SlotsPerEpoch: 8, SlotDuration: 12 * time.Second,
		GenesisValidatorsRoot: phase0.Root{1}, FuluForkEpoch: signing.FarFutureEpoch}
	timer := SlotTimer{SlotDuration: network.SlotDuration, SlotsPerEpoch: 8}
	const index = phase0.ValidatorIndex(9)
	var selected, notSelected int // over the four-subcommittee case
	for _, tc := range []struct {
		name      string
		positions []phase0.CommitteeIndex
		subs      []uint64
	}{
		{"one subcommittee", []phase0.CommitteeIndex{5}, []uint64{0}},
		{"two positions in one subcommittee", []phase0.CommitteeIndex{130, 140}, []uint64{1}},
		{"two subcommittees", []phase0.CommitteeIndex{300, 3}, []uint64{0, 2}},
		{"four subcommittees, one position outside the committee", []phase0.CommitteeIndex{1, 129, 257, 385,
			600}, []uint64{0, 1, 2, 3}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bn := &syncBeacon{duty: &apiv1.SyncCommitteeDuty{PubKey: pk, ValidatorIndex: index,
				ValidatorSyncCommitteeIndices: tc.positions}}
			state, signedDB := newMemDB(), newSignedDB()
			prep := &prepareSyncContribution{network: network, db: signedDB, syncSize: syncSize}
			contrib := &syncContribution{network: network, clock: newFakeClock(time.Time{}), signed: signedDB,
				state: state, syncSize: syncSize}
			ts := &thresholdSigner{t: t, tv: tv, network: network,
				hs: handlers{DutyPrepareSyncContribution: prep, DutySyncContribution: contrib}}
			s := newScheduler(bn, timer, newFakeClock(time.Time{}), []PubKey{pk}, nil,
				syncCommittee{size: syncSize, periodEpochs: 256}, nil, zap.NewNop())
			s.indices[index] = pk
			const epoch = 3
			bySlot, _, err := s.query(context.Background(), kindSync, epoch, []phase0.ValidatorIndex{index})
			if err != nil {
				t.Fatal(err)
			}
			for slot := phase0.Slot(epoch * 8); slot < (epoch+1)*8; slot++ {
				if msg := bySlot[slot][DutySyncMessage]; len(msg) != 1 || msg[Key{PubKey: pk}].Sync == nil {
					t.Fatalf("slot %d: sync message definitions %v, want the validator once", slot, msg)
				}
				ctx := context.Background()
				prepDuty := Duty{Slot: slot, Type: DutyPrepareSyncContribution}
				prepDefs := bySlot[slot][DutyPrepareSyncContribution]
				var keys []Key
				for _, sub := range tc.subs {
					keys = append(keys, Key{PubKey: pk, Subcommittee: sub})
				}
				if !sameKeys(prepDefs, keys) {
					t.Fatalf("slot %d: selection proof keys %v, want %v", slot, mapKeys(prepDefs), keys)
				}
				value, err := prep.Fetch(ctx, bn, prepDuty, prepDefs)
				if err != nil {
					t.Fatal(err)
				}
				proofs := ts.sign(prepDuty, prepDefs, value)
				var aggregators []Key
				for _, k := range keys {
					proof, ok := proofs[k]
					sel := &altair.SyncAggregatorSelectionData{Slot: slot, SubcommitteeIndex: k.Subcommittee}
					if !ok || !verifies(t, network, tv.group[pk], sel, signing.DomainSyncCommitteeSelectionProof,
						epoch, proof) {
						t.Fatalf("slot %d: no valid selection proof for subcommittee %d", slot, k.Subcommittee)
					}
					if IsSyncCommitteeAggregator(syncSize, proof) {
						aggregators = append(aggregators, k)
					}
				}
				if len(proofs) != len(keys) {
					t.Fatalf("slot %d: %d selection proofs, want %d", slot, len(proofs), len(keys))
				}
				if len(tc.subs) == 4 {
					selected += len(aggregators)
					notSelected += 4 - len(aggregators)
				}
				if err := prep.Submit(ctx, bn, prepDuty, prepDefs, value, proofs); err != nil {
					t.Fatal(err)
				}

				duty := Duty{Slot: slot, Type: DutySyncContribution}
				defs, err := contrib.narrow(ctx, duty, bySlot[slot][DutySyncContribution])
				if err != nil {
					t.Fatal(err)
				}
				if !sameKeys(defs, aggregators) {
					t.Fatalf("slot %d: aggregating keys %v, want those selected %v", slot, mapKeys(defs), aggregators)
				}
				if len(defs) == 0 {
					continue // the fetcher stops here: nothing to do
				}
				root := phase0.Root{byte(slot), 0xbb}
				state.PutDecided(Duty{Slot: slot, Type: DutySyncMessage}, root[:])
				bn.asked, bn.submitted = nil, nil
				value, err = contrib.Fetch(ctx, bn, duty, defs)
				if err != nil {
					t.Fatal(err)
				}
				if err := contrib.Check(duty, value); err != nil {
					t.Fatalf("own value refused: %v", err)
				}
				var wantSubs []uint64
				for _, k := range aggregators {
					wantSubs = append(wantSubs, k.Subcommittee)
				}
				if !slices.Equal(bn.asked, wantSubs) {
					t.Fatalf("slot %d: asked for the contributions of %v, want %v", slot, bn.asked, wantSubs)
				}
				sigs := ts.sign(duty, defs, value)
				if err := contrib.Submit(ctx, bn, duty, defs, value, sigs); err != nil {
					t.Fatal(err)
				}
				if len(bn.submitted) != len(aggregators) {
					t.Fatalf("slot %d: %d contributions submitted, want %d", slot, len(bn.submitted), len(aggregators))
				}
				for _, sc := range bn.submitted {
					m := sc.Message
					k := Key{PubKey: pk, Subcommittee: m.Contribution.SubcommitteeIndex}
					switch {
					case !slices.Contains(aggregators, k):
						t.Fatalf("slot %d: contribution of subcommittee %d, not selected", slot, k.Subcommittee)
					case m.AggregatorIndex != index || m.SelectionProof != proofs[k] || m.Contribution.Slot != slot ||
						m.Contribution.BeaconBlockRoot != root || !m.Contribution.AggregationBits.BitAt(k.Subcommittee):
						t.Fatalf("slot %d: contribution and proof %+v: wrong aggregator, proof or contribution", slot, m)
					case !verifies(t, network, tv.group[pk], m, signing.DomainContributionAndProof, epoch, sc.Signature):
						t.Fatalf("slot %d: contribution of subcommittee %d: signature does not verify", slot,
							k.Subcommittee)
					}
				}
			}
		})
	}
	// The seeded keys must exercise both outcomes of the selection in the four-subcommittee case.
	if selected == 0 || notSelected == 0 {
		t.Fatalf("four subcommittees over an epoch: %d selected and %d not: want both", selected, notSelected)
	}
}

// TestSyncSelectionRefusesKeyOutsideValidatorsSubcommittees: a selection proof is only signed for a
// subcommittee in which the validator holds a position.
func TestSyncSelectionRefusesKeyOutsideValidatorsSubcommittees(t *testing.T) {
	network := &signing.Network{SlotsPerEpoch: 8}
	prep := &prepareSyncContribution{network: network, db: newSignedDB(), syncSize: 32}
	pk := PubKey{3}
	sync := &apiv1.SyncCommitteeDuty{ValidatorSyncCommitteeIndices: []phase0.CommitteeIndex{2, 17}} // subcommittees 0, 2
	duty := Duty{Slot: 9, Type: DutyPrepareSyncContribution}
	value, _ := prep.Fetch(context.Background(), nil, duty, nil)
	for _, tc := range []struct {
		name string
		def  Definition
		want error
	}{
		{"subcommittee 0", Definition{PubKey: pk, Subcommittee: 0, Sync: sync}, nil},
		{"subcommittee 2", Definition{PubKey: pk, Subcommittee: 2, Sync: sync}, nil},
		{"subcommittee 1 (no position)", Definition{PubKey: pk, Subcommittee: 1, Sync: sync}, ErrNoSyncDuty},
		{"no sync duty", Definition{PubKey: pk}, ErrNoSyncDuty},
	} {
		t.Run(tc.name, func(t *testing.T) {
			msgs, err := prep.Messages(duty, DefinitionSet{tc.def.Key(): tc.def}, value)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
			if err != nil {
				return
			}
			sel, ok := msgs[tc.def.Key()].Object.(*altair.SyncAggregatorSelectionData)
			if !ok || sel.Slot != 9 || sel.SubcommitteeIndex != tc.def.Subcommittee {
				t.Fatalf("message %+v: want the selection data of slot 9, subcommittee %d", msgs[tc.def.Key()],
					tc.def.Subcommittee)
			}
		})
	}
}

func mapKeys(defs DefinitionSet) []Key {
	out := make([]Key, 0, len(defs))
	for k := range defs {
		out = append(out, k)
	}
	slices.SortFunc(out, func(a, b Key) int {
		if a.less(b) {
			return -1
		}
		if b.less(a) {
			return 1
		}
		return 0
	})
	return out
}

func sameKeys(defs DefinitionSet, want []Key) bool {
	if len(defs) != len(want) {
		return false
	}
	for _, k := range want {
		if d, ok := defs[k]; !ok || d.Key() != k {
			return false
		}
	}
	return true
}

// partialSyncBeacon has the contributions of some subcommittees only.
type partialSyncBeacon struct {
	syncBeacon
	have []uint64
}

func (b *partialSyncBeacon) SyncCommitteeContribution(ctx context.Context, o *api.SyncCommitteeContributionOpts) (
	*api.Response[*altair.SyncCommitteeContribution], error,
) {
	if !slices.Contains(b.have, o.SubcommitteeIndex) {
		return nil, errors.New("404: no sync committee message known")
	}
	return b.syncBeacon.SyncCommitteeContribution(ctx, o)
}

// TestSyncContributionFetchGoesAheadWithTheSubcommitteesFound: a subcommittee whose contribution the beacon
// node never has does not hold back the others past the cutoff (a sixth of a slot before the deadline);
// with none at all the fetch fails at the deadline. The fetch starts at 2/3 of the slot on a fake clock,
// which the test moves on by 1/24 of a slot (the retry interval) whenever the fetch waits.
func TestSyncContributionFetchGoesAheadWithTheSubcommitteesFound(t *testing.T) {
	network := &signing.Network{SlotsPerEpoch: 8, SlotDuration: 12 * time.Second}
	state := newMemDB()
	root := phase0.Root{5}
	state.PutDecided(Duty{Slot: 3, Type: DutySyncMessage}, root[:])
	pk := PubKey{1}
	defs := DefinitionSet{}
	for _, sub := range []uint64{0, 1, 3} {
		defs[Key{PubKey: pk, Subcommittee: sub}] = Definition{PubKey: pk, Subcommittee: sub}
	}
	duty := Duty{Slot: 3, Type: DutySyncContribution}
	for _, tc := range []struct {
		name string
		have []uint64
		want []uint64 // nil: an error
		// past is whether the fetch must last past the cutoff.
		past bool
	}{
		{"all found", []uint64{0, 1, 2, 3}, []uint64{0, 1, 3}, false},
		{"subcommittee 1 never found", []uint64{0, 3}, []uint64{0, 3}, true},
		{"none found", nil, nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			deadline := time.Now().Add(time.Hour) // the fake clock's end of the slot
			clock := newFakeClock(deadline.Add(-network.SlotDuration / 3))
			cutoff := deadline.Add(-network.SlotDuration / 6)
			s := &syncContribution{network: network, clock: clock, signed: newSignedDB(), state: state, syncSize: 32}
			ctx, cancel := context.WithDeadline(context.Background(), deadline)
			defer cancel()
			type result struct {
				value []byte
				err   error
			}
			done := make(chan result, 1)
			go func() {
				v, err := s.Fetch(ctx, &partialSyncBeacon{have: tc.have}, duty, defs)
				done <- result{v, err}
			}()
			var r result
		wait:
			for {
				select {
				case r = <-done:
					break wait
				case <-time.After(time.Millisecond):
				}
				if now := clock.Now(); now.Before(deadline) {
					clock.Set(now.Add(network.SlotDuration / 24))
				} else {
					cancel() // the duty's deadline
				}
			}
			if at := clock.Now(); at.Before(cutoff) == tc.past {
				t.Fatalf("fetch returned at %v before the deadline, cutoff at %v", deadline.Sub(at),
					network.SlotDuration/6)
			}
			if tc.want == nil {
				if r.err == nil {
					t.Fatal("fetched a value without any contribution")
				}
				return
			}
			if r.err != nil {
				t.Fatal(r.err)
			}
			cs, err := decodeContributions(r.value)
			if err != nil {
				t.Fatal(err)
			}
			var got []uint64
			for sub, c := range cs {
				if c.BeaconBlockRoot != root || c.Slot != 3 {
					t.Fatalf("contribution %+v: not of the decided root and slot", c)
				}
				got = append(got, sub)
			}
			slices.Sort(got)
			if !slices.Equal(got, tc.want) {
				t.Fatalf("contributions of subcommittees %v, want %v", got, tc.want)
			}
		})
	}
}

// epochSyncBeacon serves sync committee duties by epoch and counts the queries.
type epochSyncBeacon struct {
	beacon.Client
	byEpoch map[phase0.Epoch][]*apiv1.SyncCommitteeDuty
	asked   []phase0.Epoch
}

func (b *epochSyncBeacon) SyncCommitteeDuties(_ context.Context, o *api.SyncCommitteeDutiesOpts) (
	*api.Response[[]*apiv1.SyncCommitteeDuty], error,
) {
	b.asked = append(b.asked, o.Epoch)
	return &api.Response[[]*apiv1.SyncCommitteeDuty]{Data: b.byEpoch[o.Epoch], Metadata: map[string]any{}}, nil
}

// TestSchedulerSyncDutiesFollowTheNextSlotsPeriod: the last slot of a sync committee period signs for the
// next slot's block, so its sync duties (and subcommittees) are the next period's; every other slot keeps
// its own epoch's, and no other epoch asks for the next one's duties.
func TestSchedulerSyncDutiesFollowTheNextSlotsPeriod(t *testing.T) {
	a, b := PubKey{0xa}, PubKey{0xb}
	// Minimal preset: 8 slots per epoch, periods of 8 epochs (epoch 8 starts period 1), subcommittees of 8.
	// a sits in subcommittee 0 in period 0 and in 1 and 3 in period 1; b only in period 1 (subcommittee 2).
	p0 := []*apiv1.SyncCommitteeDuty{{PubKey: a, ValidatorIndex: 1, ValidatorSyncCommitteeIndices: []phase0.CommitteeIndex{3}}}
	p1 := []*apiv1.SyncCommitteeDuty{
		{PubKey: a, ValidatorIndex: 1, ValidatorSyncCommitteeIndices: []phase0.CommitteeIndex{9, 30}},
		{PubKey: b, ValidatorIndex: 2, ValidatorSyncCommitteeIndices: []phase0.CommitteeIndex{20}},
	}
	bn := &epochSyncBeacon{byEpoch: map[phase0.Epoch][]*apiv1.SyncCommitteeDuty{6: p0, 7: p0, 8: p1}}
	timer := SlotTimer{SlotDuration: time.Second, SlotsPerEpoch: 8}
	s := newScheduler(bn, timer, newFakeClock(time.Time{}), []PubKey{a, b}, nil,
		syncCommittee{size: 32, periodEpochs: 8}, nil, zap.NewNop())
	s.indices[1], s.indices[2] = a, b
	key := func(pk PubKey, sub uint64) Key { return Key{PubKey: pk, Subcommittee: sub} }
	for _, tc := range []struct {
		epoch   phase0.Epoch
		slot    phase0.Slot
		asked   []phase0.Epoch
		message []Key
		bySub   []Key
	}{
		{6, 55, []phase0.Epoch{6}, []Key{key(a, 0)}, []Key{key(a, 0)}},
		{7, 56, []phase0.Epoch{7, 8}, []Key{key(a, 0)}, []Key{key(a, 0)}},
		{7, 62, []phase0.Epoch{7, 8}, []Key{key(a, 0)}, []Key{key(a, 0)}},
		{7, 63, []phase0.Epoch{7, 8}, []Key{key(a, 0), key(b, 0)}, []Key{key(a, 1), key(b, 2), key(a, 3)}},
	} {
		bn.asked = nil
		defs, _, err := s.query(context.Background(), kindSync, tc.epoch, []phase0.ValidatorIndex{1, 2})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(bn.asked, tc.asked) {
			t.Errorf("epoch %d: asked for the sync duties of epochs %v, want %v", tc.epoch, bn.asked, tc.asked)
		}
		if got := defs[tc.slot][DutySyncMessage]; !sameKeys(got, tc.message) {
			t.Errorf("slot %d: sync message keys %v, want %v", tc.slot, mapKeys(got), tc.message)
		}
		for _, typ := range []DutyType{DutyPrepareSyncContribution, DutySyncContribution} {
			if got := defs[tc.slot][typ]; !sameKeys(got, tc.bySub) {
				t.Errorf("slot %d: %s keys %v, want %v", tc.slot, typ, mapKeys(got), tc.bySub)
			}
		}
	}
}
