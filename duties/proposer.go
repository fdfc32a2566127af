package duties

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/attestantio/go-eth2-client/api"
	apiv1electra "github.com/attestantio/go-eth2-client/api/v1/electra"
	apiv1fulu "github.com/attestantio/go-eth2-client/api/v1/fulu"
	"github.com/attestantio/go-eth2-client/spec"
	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/duties/beacon"
	"github.com/stingerdvt/stinger/eth2/signing"
)

// Errors of proposal validation.
var (
	ErrNoProposer        = errors.New("validator has no proposer duty")
	ErrWrongProposalSlot = errors.New("block is for another slot")
	ErrUnsupportedFork   = errors.New("proposal of a fork before Electra")
)

// sszUint64 is an SSZ uint64 (RANDAO reveals and selection proofs sign an epoch or slot).
type sszUint64 uint64

// HashTreeRoot is the uint64's little-endian bytes padded to 32.
func (v sszUint64) HashTreeRoot() ([32]byte, error) { return signing.Uint64Root(uint64(v)), nil }

// deterministic is implemented by handlers whose value every operator derives alike (no consensus needed).
type deterministic interface{ deterministic() }

// randao handles DutyRandao: the threshold RANDAO reveal (a signature of the epoch) that the proposal
// needs. Its value is the epoch, so no consensus is needed; the recovered reveal goes to the signed DB.
type randao struct {
	network *signing.Network
	db      *signedDB
}

func (r *randao) deterministic() {}

func (r *randao) Type() DutyType { return DutyRandao }

func (r *randao) epoch(slot phase0.Slot) phase0.Epoch {
	return phase0.Epoch(uint64(slot) / r.network.SlotsPerEpoch)
}

func (r *randao) Fetch(_ context.Context, _ beacon.Client, duty Duty, _ DefinitionSet) ([]byte, error) {
	return binary.BigEndian.AppendUint64(nil, uint64(r.epoch(duty.Slot))), nil
}

func (r *randao) Check(duty Duty, value []byte) error {
	if len(value) != 8 || binary.BigEndian.Uint64(value) != uint64(r.epoch(duty.Slot)) {
		return fmt.Errorf("%w: RANDAO value %x for slot %d", ErrMalformedValue, value, duty.Slot)
	}
	return nil
}

func (r *randao) Decided(Duty, []byte) {}

func (r *randao) Messages(duty Duty, defs DefinitionSet, value []byte) (UnsignedSet, error) {
	if err := r.Check(duty, value); err != nil {
		return nil, err
	}
	epoch := r.epoch(duty.Slot)
	out := make(UnsignedSet, len(defs))
	for k, def := range defs {
		if def.Proposer == nil {
			return nil, fmt.Errorf("%w: %s", ErrNoProposer, k)
		}
		out[k] = &Message{Object: sszUint64(epoch), Domain: signing.DomainRandao, Epoch: epoch}
	}
	return out, nil
}

func (r *randao) Protect(context.Context, SlashingStore, PubKey, *Message) error { return nil }

func (r *randao) Submit(_ context.Context, _ beacon.Client, duty Duty, _ DefinitionSet, _ []byte,
	sigs SignedSet,
) error {
	r.db.put(duty, sigs)
	return nil
}

// proposer handles DutyProposer: it waits for the threshold RANDAO reveal, fetches a block (full, or
// blinded when the beacon node returns one from a builder), agrees on it, signs it behind slashing
// protection and submits it.
type proposer struct {
	network  *signing.Network
	db       *signedDB
	graffiti [32]byte
}

func (p *proposer) Type() DutyType { return DutyProposer }

// proposalValue is the consensus value of a proposal: version, blinded flag, SSZ of the block (contents).
type proposalValue struct {
	version spec.DataVersion
	blinded bool
	full    *electra.BeaconBlock
	proofs  *apiv1electra.BlockContents // KZG proofs and blobs of a full block
	blind   *apiv1electra.BlindedBeaconBlock
}

func encodeProposal(v *api.VersionedProposal) ([]byte, error) {
	var body []byte
	var err error
	switch {
	case v.Version == spec.DataVersionElectra && !v.Blinded && v.Electra != nil:
		body, err = v.Electra.MarshalSSZ()
	case v.Version == spec.DataVersionElectra && v.Blinded && v.ElectraBlinded != nil:
		body, err = v.ElectraBlinded.MarshalSSZ()
	case v.Version == spec.DataVersionFulu && !v.Blinded && v.Fulu != nil:
		c := &apiv1electra.BlockContents{Block: v.Fulu.Block, KZGProofs: v.Fulu.KZGProofs, Blobs: v.Fulu.Blobs}
		body, err = c.MarshalSSZ()
	case v.Version == spec.DataVersionFulu && v.Blinded && v.FuluBlinded != nil:
		body, err = v.FuluBlinded.MarshalSSZ()
	default:
		return nil, fmt.Errorf("%w: version %s blinded %t", ErrUnsupportedFork, v.Version, v.Blinded)
	}
	if err != nil {
		return nil, fmt.Errorf("encode proposal: %w", err)
	}
	blinded := byte(0)
	if v.Blinded {
		blinded = 1
	}
	return append([]byte{byte(v.Version), blinded}, body...), nil
}

func decodeProposal(b []byte) (*proposalValue, error) {
	if len(b) < 2 || b[1] > 1 {
		return nil, fmt.Errorf("%w: proposal header", ErrMalformedValue)
	}
	v := &proposalValue{version: spec.DataVersion(b[0]), blinded: b[1] == 1}
	if v.version != spec.DataVersionElectra && v.version != spec.DataVersionFulu {
		return nil, fmt.Errorf("%w: version %d", ErrUnsupportedFork, b[0])
	}
	if v.blinded {
		v.blind = &apiv1electra.BlindedBeaconBlock{}
		if err := v.blind.UnmarshalSSZ(b[2:]); err != nil {
			return nil, fmt.Errorf("%w: blinded block: %v", ErrMalformedValue, err)
		}
		return v, nil
	}
	v.proofs = &apiv1electra.BlockContents{}
	if err := v.proofs.UnmarshalSSZ(b[2:]); err != nil || v.proofs.Block == nil {
		return nil, fmt.Errorf("%w: block contents: %v", ErrMalformedValue, err)
	}
	v.full = v.proofs.Block
	return v, nil
}

func (v *proposalValue) slot() phase0.Slot {
	if v.blinded {
		return v.blind.Slot
	}
	return v.full.Slot
}

func (v *proposalValue) proposerIndex() phase0.ValidatorIndex {
	if v.blinded {
		return v.blind.ProposerIndex
	}
	return v.full.ProposerIndex
}

func (v *proposalValue) object() interface{ HashTreeRoot() ([32]byte, error) } {
	if v.blinded {
		return v.blind
	}
	return v.full
}

func (p *proposer) Fetch(ctx context.Context, bn beacon.Client, duty Duty, defs DefinitionSet) ([]byte, error) {
	def, err := onlyProposer(defs)
	if err != nil {
		return nil, err
	}
	reveal, err := p.db.await(ctx, Duty{Slot: duty.Slot, Type: DutyRandao}, def.Key())
	if err != nil {
		return nil, err
	}
	resp, err := bn.Proposal(ctx, &api.ProposalOpts{Slot: duty.Slot, RandaoReveal: reveal, Graffiti: p.graffiti})
	if err != nil {
		return nil, fmt.Errorf("proposal: %w", err)
	}
	if resp.Data == nil {
		return nil, errors.New("proposal: empty answer")
	}
	b, err := encodeProposal(resp.Data)
	if err != nil {
		return nil, err
	}
	if err := p.Check(duty, b); err != nil {
		return nil, fmt.Errorf("beacon node proposal: %w", err)
	}
	return b, nil
}

func onlyProposer(defs DefinitionSet) (Definition, error) {
	if len(defs) != 1 {
		return Definition{}, fmt.Errorf("%d proposers for one slot", len(defs))
	}
	for _, d := range defs {
		if d.Proposer == nil {
			return Definition{}, fmt.Errorf("%w: %#x", ErrNoProposer, d.PubKey[:6])
		}
		return d, nil
	}
	return Definition{}, ErrNoProposer
}

func (p *proposer) Check(duty Duty, value []byte) error {
	v, err := decodeProposal(value)
	if err != nil {
		return err
	}
	if v.slot() != duty.Slot {
		return fmt.Errorf("%w: block slot %d, duty slot %d", ErrWrongProposalSlot, v.slot(), duty.Slot)
	}
	if want := dataVersion(p.network, phase0.Epoch(uint64(duty.Slot)/p.network.SlotsPerEpoch)); v.version != want {
		return fmt.Errorf("%w: block version %s at a %s slot", ErrMalformedValue, v.version, want)
	}
	return nil
}

func (p *proposer) Decided(Duty, []byte) {}

func (p *proposer) Messages(duty Duty, defs DefinitionSet, value []byte) (UnsignedSet, error) {
	def, err := onlyProposer(defs)
	if err != nil {
		return nil, err
	}
	v, err := decodeProposal(value)
	if err != nil {
		return nil, err
	}
	if v.proposerIndex() != def.Index {
		return nil, fmt.Errorf("block proposer %d is not our validator %d", v.proposerIndex(), def.Index)
	}
	epoch := phase0.Epoch(uint64(duty.Slot) / p.network.SlotsPerEpoch)
	return UnsignedSet{def.Key(): {Object: v.object(), Domain: signing.DomainBeaconProposer, Epoch: epoch}}, nil
}

func (p *proposer) Protect(ctx context.Context, store SlashingStore, pk PubKey, msg *Message) error {
	var slot phase0.Slot
	switch b := msg.Object.(type) {
	case *electra.BeaconBlock:
		slot = b.Slot
	case *apiv1electra.BlindedBeaconBlock:
		slot = b.Slot
	default:
		return fmt.Errorf("%w: not a block", ErrMalformedValue)
	}
	return store.CheckAndRecordBlock(ctx, pk, slot, msg.Root)
}

func (p *proposer) Submit(ctx context.Context, bn beacon.Client, _ Duty, defs DefinitionSet, value []byte,
	sigs SignedSet,
) error {
	def, err := onlyProposer(defs)
	if err != nil {
		return err
	}
	sig, ok := sigs[def.Key()]
	if !ok {
		return nil
	}
	v, err := decodeProposal(value)
	if err != nil {
		return err
	}
	if v.blinded {
		sb := &apiv1electra.SignedBlindedBeaconBlock{Message: v.blind, Signature: sig}
		prop := &api.VersionedSignedBlindedProposal{Version: v.version}
		if v.version == spec.DataVersionFulu {
			prop.Fulu = sb
		} else {
			prop.Electra = sb
		}
		return bn.SubmitBlindedProposal(ctx, &api.SubmitBlindedProposalOpts{Proposal: prop})
	}
	signed := &electra.SignedBeaconBlock{Message: v.full, Signature: sig}
	prop := &api.VersionedSignedProposal{Version: v.version}
	if v.version == spec.DataVersionFulu {
		prop.Fulu = &apiv1fulu.SignedBlockContents{SignedBlock: signed, KZGProofs: v.proofs.KZGProofs,
			Blobs: v.proofs.Blobs}
	} else {
		prop.Electra = &apiv1electra.SignedBlockContents{SignedBlock: signed, KZGProofs: v.proofs.KZGProofs,
			Blobs: v.proofs.Blobs}
	}
	return bn.SubmitProposal(ctx, &api.SubmitProposalOpts{Proposal: prop})
}
