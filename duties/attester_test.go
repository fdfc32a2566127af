package duties

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/libp2p/go-libp2p/core/crypto"

	"github.com/stingerdvt/stinger/consensus"
	"github.com/stingerdvt/stinger/consensus/qbft"
	"github.com/stingerdvt/stinger/eth2/signing"
)

func attData(slot phase0.Slot, source, target phase0.Epoch) *phase0.AttestationData {
	return &phase0.AttestationData{Slot: slot, BeaconBlockRoot: phase0.Root{1},
		Source: &phase0.Checkpoint{Epoch: source, Root: phase0.Root{2}},
		Target: &phase0.Checkpoint{Epoch: target, Root: phase0.Root{3}}}
}

func TestCheckAttestationDataRefusesMalformedAndSlashable(t *testing.T) {
	const slot, epoch = 20, 2 // 8 slots per epoch
	for _, tc := range []struct {
		name                 string
		data                 *phase0.AttestationData
		maxSource, maxTarget phase0.Epoch
		want                 error
	}{
		{"good", attData(slot, 1, 2), 1, 2, nil},
		{"genesis epoch source equals target", attData(3, 0, 0), 0, 0, nil},
		{"other slot", attData(slot+1, 1, 2), 0, 0, ErrWrongSlot},
		{"target not the slot's epoch", attData(slot, 1, 3), 0, 0, ErrWrongTarget},
		{"source equals target", attData(slot, 2, 2), 0, 0, ErrSourceNotBefore},
		{"source after target", attData(slot, 3, 2), 0, 0, ErrSourceNotBefore},
		{"source behind a decided source would surround", attData(slot, 0, 2), 1, 2, ErrSourceWentBack},
		{"target behind a decided target", attData(slot, 1, 2), 1, 3, ErrTargetWentBack},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := phase0.Slot(slot)
			if tc.name == "genesis epoch source equals target" {
				s = 3
			}
			err := CheckAttestationData(s, phase0.Epoch(uint64(s)/8), tc.data, tc.maxSource, tc.maxTarget)
			if !errors.Is(err, tc.want) {
				t.Fatalf("got %v, want %v", err, tc.want)
			}
		})
	}
	nonZero := attData(slot, 1, epoch)
	nonZero.Index = 3
	if err := CheckAttestationData(slot, epoch, nonZero, 0, 0); !errors.Is(err, ErrNonZeroIndex) {
		t.Fatalf("index 3: got %v, want ErrNonZeroIndex", err)
	}
}

func TestAttesterCheckRefusesMalformedValue(t *testing.T) {
	a := newAttester(&signing.Network{SlotsPerEpoch: 8, FuluForkEpoch: signing.FarFutureEpoch})
	good, err := attData(16, 1, 2).MarshalSSZ()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		value []byte
	}{
		{"empty", nil},
		{"truncated", good[:127]},
		{"trailing byte", append(append([]byte{}, good...), 0)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if err := a.Check(Duty{Slot: 16, Type: DutyAttester}, tc.value); !errors.Is(err, ErrMalformedValue) {
				t.Fatalf("got %v, want ErrMalformedValue", err)
			}
		})
	}
	if err := a.Check(Duty{Slot: 16, Type: DutyAttester}, good); err != nil {
		t.Fatalf("good value refused: %v", err)
	}
}

// TestByzantineLeaderSlashableAttestationRefused runs four consensus runners whose value validation is the
// attester handler's. After the cluster decided data with source 2 and target 3, the round-1 leader of the
// next duty proposes data that surrounds it (source 1, target 4); the honest operators refuse it, change
// round and decide the honest value instead.
func TestByzantineLeaderSlashableAttestationRefused(t *testing.T) {
	const n, byz = 4, 1
	net := consensus.NewInmemNetwork(n)
	privs := make([]crypto.PrivKey, n)
	pubs := make([]crypto.PubKey, n)
	r := &lockedReader{r: seededReaderOf(5)}
	for i := range n {
		k, p, err := crypto.GenerateEd25519Key(r)
		if err != nil {
			t.Fatal(err)
		}
		privs[i], pubs[i] = k, p
	}
	verifier, err := consensus.NewKeyVerifier(pubs)
	if err != nil {
		t.Fatal(err)
	}
	network := &signing.Network{SlotsPerEpoch: 8, FuluForkEpoch: signing.FarFutureEpoch}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	runners := make([]*consensus.Runner, n)
	decided := make([]chan consensus.Decided, n)
	attesters := make([]*attester, n)
	for i := range n {
		signer, err := consensus.NewKeySigner(privs[i])
		if err != nil {
			t.Fatal(err)
		}
		attesters[i] = newAttester(network)
		hs := handlers{DutyAttester: attesters[i]}
		check := hs.checkValue
		if i == byz {
			check = func(qbft.InstanceID, []byte) error { return nil } // the Byzantine operator accepts anything
		}
		runners[i], err = consensus.New(consensus.Config{N: n, Self: i, Transport: net.Transport(i), Signer: signer,
			Verifier: verifier, Store: consensus.NewMemStore(), CheckValue: check,
			Deadline: func(qbft.InstanceID) time.Time { return time.Now().Add(time.Hour) },
			Timeout:  func(r uint32) time.Duration { return time.Duration(r) * 100 * time.Millisecond }})
		if err != nil {
			t.Fatal(err)
		}
		decided[i] = make(chan consensus.Decided, 4)
		ch, a := decided[i], attesters[i]
		runners[i].Subscribe(func(d consensus.Decided) {
			a.Decided(dutyOf(d.Duty), d.Value)
			ch <- d
		})
		go func() { _ = runners[i].Run(ctx) }()
	}
	propose := func(slot phase0.Slot, values func(i int) []byte) []consensus.Decided {
		t.Helper()
		for i := range n {
			if err := runners[i].Propose(ctx, instanceID(Duty{Slot: slot, Type: DutyAttester}), values(i)); err != nil {
				t.Fatal(err)
			}
		}
		out := make([]consensus.Decided, n)
		for i := range n {
			select {
			case out[i] = <-decided[i]:
			case <-ctx.Done():
				t.Fatalf("operator %d decided nothing for slot %d", i, slot)
			}
		}
		return out
	}
	enc := func(d *phase0.AttestationData) []byte {
		b, err := d.MarshalSSZ()
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	first := enc(attData(24, 2, 3))
	propose(24, func(int) []byte { return first })
	// Round-robin leader of round 1 is (slot + duty + round) mod n: pick the slot the Byzantine one leads.
	slot := phase0.Slot(32)
	for (uint64(slot)+uint64(DutyAttester)+1)%n != byz {
		slot++
	}
	honest := enc(attData(slot, 2, 4))
	slashable := enc(attData(slot, 1, 4))
	if err := attesters[0].Check(Duty{Slot: slot, Type: DutyAttester}, slashable); !errors.Is(err, ErrSourceWentBack) {
		t.Fatalf("the surrounding value is not refused by value validation: %v", err)
	}
	got := propose(slot, func(i int) []byte {
		if i == byz {
			return slashable
		}
		return honest
	})
	for i, d := range got {
		if string(d.Value) != string(honest) {
			t.Errorf("operator %d decided %x, want the honest value", i, d.Value)
		}
		if d.Round < 2 {
			t.Errorf("operator %d decided in round %d: the Byzantine leader's round 1 was not refused", i, d.Round)
		}
	}
}
