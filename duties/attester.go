package duties

import (
	"context"
	"errors"
	"fmt"
	"sync"

	bitfield "github.com/OffchainLabs/go-bitfield"
	"github.com/attestantio/go-eth2-client/api"
	"github.com/attestantio/go-eth2-client/spec"
	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/duties/beacon"
	"github.com/stingerdvt/stinger/eth2/signing"
)

// Errors of attestation data validation (value validation in consensus). Each refusal wraps one.
var (
	ErrMalformedValue    = errors.New("malformed consensus value")
	ErrWrongSlot         = errors.New("attestation data is for another slot")
	ErrWrongTarget       = errors.New("attestation target epoch is not the slot's epoch")
	ErrSourceNotBefore   = errors.New("attestation source epoch is not before its target epoch")
	ErrSourceWentBack    = errors.New("attestation source epoch is before one already decided (surround risk)")
	ErrTargetWentBack    = errors.New("attestation target epoch is before one already decided")
	ErrNonZeroIndex      = errors.New("attestation data index must be 0 since Electra")
	ErrNoAttesterDefined = errors.New("validator has no attester duty")
)

// attester handles DutyAttester: Electra SingleAttestations over one AttestationData per slot, shared by
// all of the slot's validators (since Electra the committee index is outside the data).
type attester struct {
	network *signing.Network

	mu sync.Mutex
	// highest source and target epochs decided so far: the cluster never votes "backwards".
	maxSource, maxTarget phase0.Epoch
}

func newAttester(network *signing.Network) *attester { return &attester{network: network} }

func (a *attester) Type() DutyType { return DutyAttester }

func (a *attester) epoch(slot phase0.Slot) phase0.Epoch {
	return phase0.Epoch(uint64(slot) / a.network.SlotsPerEpoch)
}

func (a *attester) Fetch(ctx context.Context, bn beacon.Client, duty Duty, _ DefinitionSet) ([]byte, error) {
	resp, err := bn.AttestationData(ctx, &api.AttestationDataOpts{Slot: duty.Slot})
	if err != nil {
		return nil, fmt.Errorf("attestation data: %w", err)
	}
	if resp.Data == nil {
		return nil, errors.New("attestation data: empty answer")
	}
	b, err := resp.Data.MarshalSSZ()
	if err != nil {
		return nil, fmt.Errorf("encode attestation data: %w", err)
	}
	// Our own beacon node's data must pass the checks the other operators apply.
	if err := a.Check(duty, b); err != nil {
		return nil, fmt.Errorf("beacon node attestation data: %w", err)
	}
	return b, nil
}

// decodeAttestationData decodes SSZ attestation data strictly.
func decodeAttestationData(value []byte) (*phase0.AttestationData, error) {
	var d phase0.AttestationData
	if err := d.UnmarshalSSZ(value); err != nil {
		return nil, fmt.Errorf("%w: attestation data: %v", ErrMalformedValue, err)
	}
	if d.Source == nil || d.Target == nil {
		return nil, fmt.Errorf("%w: attestation data without checkpoints", ErrMalformedValue)
	}
	return &d, nil
}

// Check refuses malformed attestation data and data that could make any of our validators slashable
// (CheckAttestationData), against the highest checkpoints decided so far.
func (a *attester) Check(duty Duty, value []byte) error {
	d, err := decodeAttestationData(value)
	if err != nil {
		return err
	}
	a.mu.Lock()
	maxSource, maxTarget := a.maxSource, a.maxTarget
	a.mu.Unlock()
	return CheckAttestationData(duty.Slot, a.epoch(duty.Slot), d, maxSource, maxTarget)
}

// CheckAttestationData is the pure value validation of attestation data proposed for slot (in epoch):
// right slot and target epoch, index 0, source before target (except at genesis), and checkpoints never
// behind the highest ones the cluster decided before (maxSource, maxTarget), so that no vote of ours can
// surround or be surrounded by another.
func CheckAttestationData(slot phase0.Slot, epoch phase0.Epoch, d *phase0.AttestationData, maxSource,
	maxTarget phase0.Epoch,
) error {
	switch {
	case d.Slot != slot:
		return fmt.Errorf("%w: data slot %d, duty slot %d", ErrWrongSlot, d.Slot, slot)
	case d.Index != 0:
		return fmt.Errorf("%w: index %d", ErrNonZeroIndex, d.Index)
	case d.Target.Epoch != epoch:
		return fmt.Errorf("%w: target %d, slot epoch %d", ErrWrongTarget, d.Target.Epoch, epoch)
	case d.Source.Epoch >= d.Target.Epoch && d.Target.Epoch != 0:
		return fmt.Errorf("%w: source %d, target %d", ErrSourceNotBefore, d.Source.Epoch, d.Target.Epoch)
	case d.Source.Epoch < maxSource:
		return fmt.Errorf("%w: source %d, decided %d", ErrSourceWentBack, d.Source.Epoch, maxSource)
	case d.Target.Epoch < maxTarget:
		return fmt.Errorf("%w: target %d, decided %d", ErrTargetWentBack, d.Target.Epoch, maxTarget)
	}
	return nil
}

func (a *attester) Decided(_ Duty, value []byte) {
	d, err := decodeAttestationData(value)
	if err != nil {
		return // cannot happen: every decided value passed Check
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	a.maxSource = max(a.maxSource, d.Source.Epoch)
	a.maxTarget = max(a.maxTarget, d.Target.Epoch)
}

func (a *attester) Messages(_ Duty, defs DefinitionSet, value []byte) (UnsignedSet, error) {
	d, err := decodeAttestationData(value)
	if err != nil {
		return nil, err
	}
	out := make(UnsignedSet, len(defs))
	for k, def := range defs {
		if def.Attester == nil {
			return nil, fmt.Errorf("%w: %s", ErrNoAttesterDefined, k)
		}
		out[k] = &Message{Object: d, Domain: signing.DomainBeaconAttester, Epoch: d.Target.Epoch}
	}
	return out, nil
}

func (a *attester) Protect(ctx context.Context, store SlashingStore, pk PubKey, msg *Message) error {
	d, ok := msg.Object.(*phase0.AttestationData)
	if !ok {
		return fmt.Errorf("%w: not attestation data", ErrMalformedValue)
	}
	return store.CheckAndRecordAttestation(ctx, pk, d.Source.Epoch, d.Target.Epoch, msg.Root)
}

// dataVersion returns the fork of epoch for versioned Beacon API types (Electra or later).
func dataVersion(n *signing.Network, epoch phase0.Epoch) spec.DataVersion {
	if epoch >= n.FuluForkEpoch {
		return spec.DataVersionFulu
	}
	return spec.DataVersionElectra
}

func (a *attester) Submit(ctx context.Context, bn beacon.Client, duty Duty, defs DefinitionSet, value []byte,
	sigs SignedSet,
) error {
	d, err := decodeAttestationData(value)
	if err != nil {
		return err
	}
	version := dataVersion(a.network, d.Target.Epoch)
	atts := make([]*spec.VersionedAttestation, 0, len(sigs))
	for k, sig := range sigs {
		def, ok := defs[k]
		if !ok || def.Attester == nil {
			return fmt.Errorf("%w: %s", ErrNoAttesterDefined, k)
		}
		ad := def.Attester
		bits := bitfield.NewBitlist(ad.CommitteeLength)
		bits.SetBitAt(ad.ValidatorCommitteeIndex, true)
		cb := bitfield.NewBitvector64()
		cb.SetBitAt(uint64(ad.CommitteeIndex), true)
		att := &electra.Attestation{AggregationBits: bits, Data: d, CommitteeBits: cb, Signature: sig}
		index := ad.ValidatorIndex
		va := &spec.VersionedAttestation{Version: version, ValidatorIndex: &index}
		if version == spec.DataVersionFulu {
			va.Fulu = att
		} else {
			va.Electra = att
		}
		atts = append(atts, va)
	}
	if len(atts) == 0 {
		return nil
	}
	return bn.SubmitAttestations(ctx, &api.SubmitAttestationsOpts{Attestations: atts})
}
