package duties

import (
	"context"
	"errors"
	"fmt"

	"github.com/attestantio/go-eth2-client/api"
	"github.com/attestantio/go-eth2-client/spec/altair"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/duties/beacon"
	"github.com/stingerdvt/stinger/eth2/signing"
)

// ErrNoSyncDuty: a validator without a sync committee duty reached a sync committee stage.
var ErrNoSyncDuty = errors.New("validator has no sync committee duty")

// sszRoot is a 32-byte root as an SSZ object (its hash tree root is itself).
type sszRoot phase0.Root

// HashTreeRoot returns the root.
func (r sszRoot) HashTreeRoot() ([32]byte, error) { return r, nil }

// syncMessage handles DutySyncMessage: at 1/3 of the slot the cluster agrees on the head block root and
// every sync committee member signs it.
type syncMessage struct {
	network *signing.Network
}

func (s *syncMessage) Type() DutyType { return DutySyncMessage }

func (s *syncMessage) Fetch(ctx context.Context, bn beacon.Client, _ Duty, _ DefinitionSet) ([]byte, error) {
	resp, err := bn.BeaconBlockRoot(ctx, &api.BeaconBlockRootOpts{Block: "head"})
	if err != nil {
		return nil, fmt.Errorf("head block root: %w", err)
	}
	if resp.Data == nil || *resp.Data == (phase0.Root{}) {
		return nil, errors.New("head block root: empty answer")
	}
	return append([]byte(nil), resp.Data[:]...), nil
}

func (s *syncMessage) Check(_ Duty, value []byte) error {
	if len(value) != 32 || phase0.Root(value) == (phase0.Root{}) {
		return fmt.Errorf("%w: block root of %d bytes", ErrMalformedValue, len(value))
	}
	return nil
}

func (s *syncMessage) Decided(Duty, []byte) {}

func (s *syncMessage) Messages(duty Duty, defs DefinitionSet, value []byte) (UnsignedSet, error) {
	if err := s.Check(duty, value); err != nil {
		return nil, err
	}
	epoch := phase0.Epoch(uint64(duty.Slot) / s.network.SlotsPerEpoch)
	out := make(UnsignedSet, len(defs))
	for k, def := range defs {
		if def.Sync == nil {
			return nil, fmt.Errorf("%w: %s", ErrNoSyncDuty, k)
		}
		out[k] = &Message{Object: sszRoot(phase0.Root(value)), Domain: signing.DomainSyncCommittee, Epoch: epoch}
	}
	return out, nil
}

func (s *syncMessage) Protect(context.Context, SlashingStore, PubKey, *Message) error { return nil }

func (s *syncMessage) Submit(ctx context.Context, bn beacon.Client, duty Duty, defs DefinitionSet, value []byte,
	sigs SignedSet,
) error {
	msgs := make([]*altair.SyncCommitteeMessage, 0, len(sigs))
	for k, sig := range sigs {
		def, ok := defs[k]
		if !ok {
			continue
		}
		msgs = append(msgs, &altair.SyncCommitteeMessage{Slot: duty.Slot, BeaconBlockRoot: phase0.Root(value),
			ValidatorIndex: def.Index, Signature: sig})
	}
	if len(msgs) == 0 {
		return nil
	}
	return bn.SubmitSyncCommitteeMessages(ctx, msgs)
}
