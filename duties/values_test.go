package duties

import (
	"errors"
	"testing"

	bitfield "github.com/OffchainLabs/go-bitfield"
	"github.com/attestantio/go-eth2-client/spec/altair"
	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/signing"
)

func testAggregate(slot phase0.Slot, committee uint64) *electra.Attestation {
	bits := bitfield.NewBitlist(4)
	bits.SetBitAt(1, true)
	cb := bitfield.NewBitvector64()
	cb.SetBitAt(committee, true)
	return &electra.Attestation{AggregationBits: bits, Data: attData(slot, 1, phase0.Epoch(uint64(slot)/8)),
		CommitteeBits: cb}
}

// TestAggregatorValueValidation checks the aggregate consensus value: canonical round trip, malformed
// encodings refused, and aggregates of other data than the decided attestation data refused.
func TestAggregatorValueValidation(t *testing.T) {
	db := newMemDB()
	a := &aggregatorDuty{network: &signing.Network{SlotsPerEpoch: 8, FuluForkEpoch: signing.FarFutureEpoch},
		signed: newSignedDB(), state: db}
	duty := Duty{Slot: 17, Type: DutyAggregator}
	good, err := encodeAggregates(map[phase0.CommitteeIndex]*electra.Attestation{0: testAggregate(17, 0),
		2: testAggregate(17, 2)})
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Check(duty, good); err != nil {
		t.Fatalf("good value refused before any decided data: %v", err)
	}
	decided, _ := attData(17, 1, 2).MarshalSSZ()
	db.PutDecided(Duty{Slot: 17, Type: DutyAttester}, decided)
	if err := a.Check(duty, good); err != nil {
		t.Fatalf("good value refused: %v", err)
	}
	other := testAggregate(17, 0)
	other.Data.BeaconBlockRoot = phase0.Root{9}
	mismatch, _ := encodeAggregates(map[phase0.CommitteeIndex]*electra.Attestation{0: other})
	wrongBit, _ := encodeAggregates(map[phase0.CommitteeIndex]*electra.Attestation{1: testAggregate(17, 0)})
	wrongSlot, _ := encodeAggregates(map[phase0.CommitteeIndex]*electra.Attestation{0: testAggregate(18, 0)})
	for _, tc := range []struct {
		name  string
		value []byte
		want  error
	}{
		{"empty", nil, ErrMalformedValue},
		{"truncated", good[:len(good)-3], ErrMalformedValue},
		{"trailing", append(append([]byte{}, good...), 1), ErrMalformedValue},
		{"other data than decided", mismatch, ErrAggregateMismatch},
		{"committee bit of another committee", wrongBit, ErrMalformedValue},
		{"other slot", wrongSlot, ErrWrongSlot},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := a.Check(duty, tc.value); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

func TestContributionValueValidation(t *testing.T) {
	db := newMemDB()
	s := &syncContribution{network: &signing.Network{SlotsPerEpoch: 8}, signed: newSignedDB(), state: db,
		syncSize: 32}
	duty := Duty{Slot: 5, Type: DutySyncContribution}
	root := phase0.Root{7}
	db.PutDecided(Duty{Slot: 5, Type: DutySyncMessage}, root[:])
	c := func(slot phase0.Slot, sub uint64, r phase0.Root) *altair.SyncCommitteeContribution {
		return &altair.SyncCommitteeContribution{Slot: slot, BeaconBlockRoot: r, SubcommitteeIndex: sub,
			AggregationBits: bitfield.NewBitvector128()}
	}
	good, err := encodeContributions(map[uint64]*altair.SyncCommitteeContribution{1: c(5, 1, root), 3: c(5, 3, root)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(duty, good); err != nil {
		t.Fatalf("good value refused: %v", err)
	}
	otherRoot, _ := encodeContributions(map[uint64]*altair.SyncCommitteeContribution{1: c(5, 1, phase0.Root{8})})
	otherSlot, _ := encodeContributions(map[uint64]*altair.SyncCommitteeContribution{1: c(6, 1, root)})
	badSub, _ := encodeContributions(map[uint64]*altair.SyncCommitteeContribution{9: c(5, 9, root)})
	for _, tc := range []struct {
		name  string
		value []byte
		want  error
	}{
		{"empty", nil, ErrMalformedValue},
		{"truncated", good[:len(good)-1], ErrMalformedValue},
		{"other block root", otherRoot, ErrContributionMismatch},
		{"other slot", otherSlot, ErrWrongSlot},
		{"subcommittee out of range", badSub, ErrMalformedValue},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := s.Check(duty, tc.value); !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
}

// TestIsAggregatorSelectsAboutTargetPerCommittee checks the selection rule statistically over seeded
// proofs: committees of 16 or fewer select everyone, larger ones about 16 members.
func TestIsAggregatorSelectsAboutTargetPerCommittee(t *testing.T) {
	r := seededReaderOf(3)
	for _, tc := range []struct {
		committee uint64
		lo, hi    int
	}{{1, 1000, 1000}, {16, 1000, 1000}, {128, 90, 170}, {512, 15, 50}} {
		n := 0
		for range 1000 {
			var proof phase0.BLSSignature
			_, _ = r.Read(proof[:])
			if IsAggregator(tc.committee, proof) {
				n++
			}
		}
		if n < tc.lo || n > tc.hi {
			t.Errorf("committee %d: %d of 1000 selected, want %d..%d", tc.committee, n, tc.lo, tc.hi)
		}
	}
}
