package duties

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"sort"

	"github.com/attestantio/go-eth2-client/api"
	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	"github.com/attestantio/go-eth2-client/spec"
	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/duties/beacon"
	"github.com/stingerdvt/stinger/eth2/signing"
)

// TargetAggregatorsPerCommittee is the consensus spec's TARGET_AGGREGATORS_PER_COMMITTEE.
const TargetAggregatorsPerCommittee = 16

// ErrAggregateMismatch: a proposed aggregate is not for the attestation data the cluster agreed on.
var ErrAggregateMismatch = errors.New("aggregate does not match the decided attestation data")

// IsAggregator is the consensus spec's is_aggregator: the selection proof (a signature of the slot) selects
// about TargetAggregatorsPerCommittee validators per committee.
func IsAggregator(committeeLength uint64, proof phase0.BLSSignature) bool {
	modulo := max(1, committeeLength/TargetAggregatorsPerCommittee)
	h := sha256.Sum256(proof[:])
	return binary.LittleEndian.Uint64(h[:8])%modulo == 0
}

// prepareAggregator handles DutyPrepareAggregator: the threshold selection proof of every attester of the
// slot. Its value is the slot (no consensus needed). The recovered proofs go to the signed DB, and the
// beacon node is told which validators aggregate (committee subscriptions).
type prepareAggregator struct {
	network *signing.Network
	db      *signedDB
}

func (p *prepareAggregator) deterministic() {}

func (p *prepareAggregator) Type() DutyType { return DutyPrepareAggregator }

func (p *prepareAggregator) Fetch(_ context.Context, _ beacon.Client, duty Duty, _ DefinitionSet) ([]byte, error) {
	return binary.BigEndian.AppendUint64(nil, uint64(duty.Slot)), nil
}

func (p *prepareAggregator) Check(duty Duty, value []byte) error {
	if len(value) != 8 || binary.BigEndian.Uint64(value) != uint64(duty.Slot) {
		return fmt.Errorf("%w: selection value %x for slot %d", ErrMalformedValue, value, duty.Slot)
	}
	return nil
}

func (p *prepareAggregator) Decided(Duty, []byte) {}

func (p *prepareAggregator) Messages(duty Duty, defs DefinitionSet, value []byte) (UnsignedSet, error) {
	if err := p.Check(duty, value); err != nil {
		return nil, err
	}
	epoch := phase0.Epoch(uint64(duty.Slot) / p.network.SlotsPerEpoch)
	out := make(UnsignedSet, len(defs))
	for k, def := range defs {
		if def.Attester == nil {
			return nil, fmt.Errorf("%w: %s", ErrNoAttesterDefined, k)
		}
		out[k] = &Message{Object: sszUint64(duty.Slot), Domain: signing.DomainSelectionProof, Epoch: epoch}
	}
	return out, nil
}

func (p *prepareAggregator) Protect(context.Context, SlashingStore, PubKey, *Message) error {
	return nil
}

func (p *prepareAggregator) Submit(ctx context.Context, bn beacon.Client, duty Duty, defs DefinitionSet, _ []byte,
	sigs SignedSet,
) error {
	p.db.put(duty, sigs)
	subs := make([]*apiv1.BeaconCommitteeSubscription, 0, len(sigs))
	for k, sig := range sigs {
		ad := defs[k].Attester
		if ad == nil {
			continue
		}
		subs = append(subs, &apiv1.BeaconCommitteeSubscription{ValidatorIndex: ad.ValidatorIndex, Slot: ad.Slot,
			CommitteeIndex: ad.CommitteeIndex, CommitteesAtSlot: ad.CommitteesAtSlot,
			IsAggregator: IsAggregator(ad.CommitteeLength, sig)})
	}
	if len(subs) == 0 {
		return nil
	}
	return bn.SubmitBeaconCommitteeSubscriptions(ctx, subs)
}

// aggregatorDuty handles DutyAggregator: at 2/3 of the slot each selected aggregator's committee aggregate
// of the attestation data the cluster decided is fetched, agreed, signed as an aggregate and proof and
// submitted.
type aggregatorDuty struct {
	network *signing.Network
	clock   Clock
	signed  *signedDB
	state   StateDB
}

func (a *aggregatorDuty) Type() DutyType { return DutyAggregator }

// selected returns the validators of defs whose selection proof selects them, with their proofs. If wait,
// it waits for proofs not recovered yet.
func (a *aggregatorDuty) selected(ctx context.Context, duty Duty, defs DefinitionSet, wait bool) (
	map[Key]phase0.BLSSignature, error,
) {
	out := make(map[Key]phase0.BLSSignature)
	prep := Duty{Slot: duty.Slot, Type: DutyPrepareAggregator}
	for k, def := range defs {
		if def.Attester == nil {
			continue
		}
		var proof phase0.BLSSignature
		if wait {
			var err error
			if proof, err = a.signed.await(ctx, prep, k); err != nil {
				return nil, err
			}
		} else {
			c, cancel := context.WithCancel(ctx)
			cancel()
			var err error
			if proof, err = a.signed.await(c, prep, k); err != nil {
				continue
			}
		}
		if IsAggregator(def.Attester.CommitteeLength, proof) {
			out[k] = proof
		}
	}
	return out, nil
}

// decidedDataRoot is the hash tree root of the attestation data decided for slot.
func (a *aggregatorDuty) decidedDataRoot(slot phase0.Slot) (phase0.Root, bool) {
	v, ok := a.state.Decided(Duty{Slot: slot, Type: DutyAttester})
	if !ok {
		return phase0.Root{}, false
	}
	d, err := decodeAttestationData(v)
	if err != nil {
		return phase0.Root{}, false
	}
	root, err := d.HashTreeRoot()
	return root, err == nil
}

// narrow keeps the validators selected as aggregators, waiting for their selection proofs.
func (a *aggregatorDuty) narrow(ctx context.Context, duty Duty, defs DefinitionSet) (DefinitionSet, error) {
	sel, err := a.selected(ctx, duty, defs, true)
	if err != nil {
		return nil, err
	}
	out := make(DefinitionSet, len(sel))
	for k := range sel {
		out[k] = defs[k]
	}
	return out, nil
}

func (a *aggregatorDuty) Fetch(ctx context.Context, bn beacon.Client, duty Duty, defs DefinitionSet) ([]byte, error) {
	sel, err := a.selected(ctx, duty, defs, false)
	if err != nil {
		return nil, err
	}
	root, ok := a.decidedDataRoot(duty.Slot)
	if !ok {
		return nil, errors.New("no attestation data decided for the slot")
	}
	aggs := map[phase0.CommitteeIndex]*electra.Attestation{}
	for k := range sel {
		ci := defs[k].Attester.CommitteeIndex
		if aggs[ci] != nil {
			continue
		}
		resp, err := a.fetchAggregate(ctx, bn, duty.Slot, root, ci)
		if err != nil {
			return nil, err
		}
		att, err := electraAttestation(resp.Data)
		if err != nil {
			return nil, err
		}
		aggs[ci] = att
	}
	return encodeAggregates(aggs)
}

// fetchAggregate asks for a committee's aggregate, retrying until the deadline while the beacon node has
// none yet (its pool may not hold the committee's attestations at 2/3 of the slot).
func (a *aggregatorDuty) fetchAggregate(ctx context.Context, bn beacon.Client, slot phase0.Slot, root phase0.Root,
	ci phase0.CommitteeIndex,
) (*api.Response[*spec.VersionedAttestation], error) {
	for {
		resp, err := bn.AggregateAttestation(ctx, &api.AggregateAttestationOpts{Slot: slot,
			AttestationDataRoot: root, CommitteeIndex: ci})
		if err == nil {
			return resp, nil
		}
		if sleepUntil(ctx, a.clock, a.clock.Now().Add(a.network.SlotDuration/24)) != nil {
			return nil, fmt.Errorf("aggregate attestation of committee %d: %w", ci, err)
		}
	}
}

func electraAttestation(v *spec.VersionedAttestation) (*electra.Attestation, error) {
	switch {
	case v == nil:
		return nil, errors.New("empty aggregate")
	case v.Version == spec.DataVersionElectra && v.Electra != nil:
		return v.Electra, nil
	case v.Version == spec.DataVersionFulu && v.Fulu != nil:
		return v.Fulu, nil
	}
	return nil, fmt.Errorf("%w: aggregate version %s", ErrUnsupportedFork, v.Version)
}

// encodeAggregates encodes aggregates by committee: count (4) then per committee index (8), length (4), SSZ.
func encodeAggregates(aggs map[phase0.CommitteeIndex]*electra.Attestation) ([]byte, error) {
	keys := make([]phase0.CommitteeIndex, 0, len(aggs))
	for k := range aggs {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i] < keys[j] })
	b := binary.BigEndian.AppendUint32(nil, uint32(len(keys)))
	for _, k := range keys {
		s, err := aggs[k].MarshalSSZ()
		if err != nil {
			return nil, fmt.Errorf("encode aggregate: %w", err)
		}
		b = binary.BigEndian.AppendUint64(b, uint64(k))
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	return b, nil
}

func decodeAggregates(b []byte) (map[phase0.CommitteeIndex]*electra.Attestation, error) {
	if len(b) < 4 {
		return nil, fmt.Errorf("%w: aggregates header", ErrMalformedValue)
	}
	n := binary.BigEndian.Uint32(b)
	b = b[4:]
	out := make(map[phase0.CommitteeIndex]*electra.Attestation, min(n, 64))
	var prev phase0.CommitteeIndex
	for i := range n {
		if len(b) < 12 {
			return nil, fmt.Errorf("%w: aggregate %d header", ErrMalformedValue, i)
		}
		ci := phase0.CommitteeIndex(binary.BigEndian.Uint64(b))
		l := binary.BigEndian.Uint32(b[8:])
		b = b[12:]
		if (i > 0 && ci <= prev) || uint64(len(b)) < uint64(l) {
			return nil, fmt.Errorf("%w: aggregate %d: unsorted or truncated", ErrMalformedValue, i)
		}
		prev = ci
		att := &electra.Attestation{}
		if err := att.UnmarshalSSZ(b[:l]); err != nil || att.Data == nil {
			return nil, fmt.Errorf("%w: aggregate %d: %v", ErrMalformedValue, i, err)
		}
		b = b[l:]
		out[ci] = att
	}
	if len(b) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes", ErrMalformedValue, len(b))
	}
	return out, nil
}

// Check refuses malformed aggregates, aggregates of another slot or committee, and (when we know it)
// aggregates of attestation data other than what the cluster decided for the slot.
func (a *aggregatorDuty) Check(duty Duty, value []byte) error {
	aggs, err := decodeAggregates(value)
	if err != nil {
		return err
	}
	root, known := a.decidedDataRoot(duty.Slot)
	for ci, att := range aggs {
		if att.Data.Slot != duty.Slot {
			return fmt.Errorf("%w: aggregate of committee %d for slot %d", ErrWrongSlot, ci, att.Data.Slot)
		}
		if att.CommitteeBits == nil || att.CommitteeBits.Len() <= uint64(ci) || !att.CommitteeBits.BitAt(uint64(ci)) ||
			att.CommitteeBits.Count() != 1 {
			return fmt.Errorf("%w: aggregate of committee %d has other committee bits", ErrMalformedValue, ci)
		}
		if known {
			r, err := att.Data.HashTreeRoot()
			if err != nil || r != root {
				return fmt.Errorf("%w: committee %d", ErrAggregateMismatch, ci)
			}
		}
	}
	return nil
}

func (a *aggregatorDuty) Decided(Duty, []byte) {}

func (a *aggregatorDuty) Messages(duty Duty, defs DefinitionSet, value []byte) (UnsignedSet, error) {
	aggs, err := decodeAggregates(value)
	if err != nil {
		return nil, err
	}
	sel, err := a.selected(context.Background(), duty, defs, false)
	if err != nil {
		return nil, err
	}
	epoch := phase0.Epoch(uint64(duty.Slot) / a.network.SlotsPerEpoch)
	out := make(UnsignedSet, len(sel))
	for k, proof := range sel {
		def := defs[k]
		att, ok := aggs[def.Attester.CommitteeIndex]
		if !ok {
			continue
		}
		msg := &electra.AggregateAndProof{AggregatorIndex: def.Index, Aggregate: att, SelectionProof: proof}
		out[k] = &Message{Object: msg, Domain: signing.DomainAggregateAndProof, Epoch: epoch}
	}
	return out, nil
}

func (a *aggregatorDuty) Protect(context.Context, SlashingStore, PubKey, *Message) error { return nil }

func (a *aggregatorDuty) Submit(ctx context.Context, bn beacon.Client, duty Duty, defs DefinitionSet, value []byte,
	sigs SignedSet,
) error {
	msgs, err := a.Messages(duty, defs, value)
	if err != nil {
		return err
	}
	version := dataVersion(a.network, phase0.Epoch(uint64(duty.Slot)/a.network.SlotsPerEpoch))
	out := make([]*spec.VersionedSignedAggregateAndProof, 0, len(sigs))
	for k, sig := range sigs {
		m, ok := msgs[k]
		if !ok {
			continue
		}
		signed := &electra.SignedAggregateAndProof{Message: m.Object.(*electra.AggregateAndProof), Signature: sig}
		v := &spec.VersionedSignedAggregateAndProof{Version: version}
		if version == spec.DataVersionFulu {
			v.Fulu = signed
		} else {
			v.Electra = signed
		}
		out = append(out, v)
	}
	if len(out) == 0 {
		return nil
	}
	return bn.SubmitAggregateAttestations(ctx, &api.SubmitAggregateAttestationsOpts{SignedAggregateAndProofs: out})
}
