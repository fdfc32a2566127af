package duties

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/signing"
)

// gatheringStore answers no slashing check until want of them are in flight at once (as a group commit
// would gather them), or refuses them all after a timeout.
type gatheringStore struct {
	want int

	mu      sync.Mutex
	pending int
	all     chan struct{}
}

var errNotGathered = errors.New("slashing checks were not in flight together")

func (s *gatheringStore) CheckAndRecordAttestation(context.Context, phase0.BLSPubKey, phase0.Epoch, phase0.Epoch,
	phase0.Root,
) error {
	s.mu.Lock()
	s.pending++
	if s.pending == s.want {
		close(s.all)
	}
	s.mu.Unlock()
	select {
	case <-s.all:
		return nil
	case <-time.After(5 * time.Second):
		return errNotGathered
	}
}

func (s *gatheringStore) CheckAndRecordBlock(context.Context, phase0.BLSPubKey, phase0.Slot, phase0.Root) error {
	return nil
}

// A slot's attestations reach slashing protection all at once, far more than the signing workers, so
// that the store can commit them in one fsync; each partial equals the plain signature of its root.
func TestSignerSubmitsSlashingChecksTogetherAndSignsEachRoot(t *testing.T) {
	const validators = 40
	tv := newTestValidators(t, validators)
	network := &signing.Network{Name: "test", SlotsPerEpoch: 8, SlotDuration: 12 * time.Second,
		GenesisValidatorsRoot: phase0.Root{1}, FuluForkEpoch: signing.FarFutureEpoch}
	data := &phase0.AttestationData{Slot: 17, BeaconBlockRoot: phase0.Root{7},
		Source: &phase0.Checkpoint{Epoch: 1}, Target: &phase0.Checkpoint{Epoch: 2}}
	value, err := data.MarshalSSZ()
	if err != nil {
		t.Fatal(err)
	}
	defs := DefinitionSet{}
	shares := map[PubKey]*bls.SecretKey{}
	for i, pk := range tv.pubkeys {
		defs[Key{PubKey: pk}] = Definition{PubKey: pk, Index: phase0.ValidatorIndex(i),
			Attester: &apiv1.AttesterDuty{Slot: 17, ValidatorIndex: phase0.ValidatorIndex(i)}}
		shares[pk] = tv.secrets[pk][1]
	}
	store := &gatheringStore{want: validators, all: make(chan struct{})}
	sg := &shareSigner{handlers: handlers{DutyAttester: newAttester(network)}, network: network, shares: shares,
		store: store, workers: 2}
	set, msgs, err := sg.Sign(context.Background(), Duty{Slot: 17, Type: DutyAttester}, defs, value)
	if err != nil {
		t.Fatalf("sign with %d signing workers: %v", sg.workers, err)
	}
	if len(set) != validators || len(msgs) != validators {
		t.Fatalf("%d partials, %d messages; want %d", len(set), len(msgs), validators)
	}
	for k, ps := range set {
		want := shares[k.PubKey].Sign(ps.Root[:]).Bytes()
		if string(ps.Signature[:]) != string(want) {
			t.Fatalf("partial of %s differs from Sign over its root", k)
		}
		if ps.Root != msgs[k].Root {
			t.Fatalf("partial of %s over %x, message root %x", k, ps.Root, msgs[k].Root)
		}
	}
}
