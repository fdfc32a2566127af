package beaconsim

import (
	"cmp"
	"fmt"
	"slices"

	bitfield "github.com/OffchainLabs/go-bitfield"
	"github.com/attestantio/go-eth2-client/spec/altair"
	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/bls"
)

// attPoolEntry holds the verified single attestations for one AttestationData.
type attPoolEntry struct {
	data *phase0.AttestationData
	// sigs[committee index][position in committee] is a verified signature.
	sigs map[phase0.CommitteeIndex]map[uint64]*bls.Signature
	// included marks validators whose vote a canonical block already carries.
	included map[phase0.ValidatorIndex]bool
}

type syncKey struct {
	slot phase0.Slot
	root phase0.Root
}

// pools holds verified messages waiting for aggregation or inclusion.
type pools struct {
	atts map[phase0.Root]*attPoolEntry                        // by AttestationData root
	sync map[syncKey]map[phase0.ValidatorIndex]*bls.Signature // sync committee messages
}

func newPools() *pools {
	return &pools{
		atts: make(map[phase0.Root]*attPoolEntry),
		sync: make(map[syncKey]map[phase0.ValidatorIndex]*bls.Signature),
	}
}

func (p *pools) addAttestation(dataRoot phase0.Root, data *phase0.AttestationData, committee phase0.CommitteeIndex,
	position uint64, sig *bls.Signature,
) {
	e := p.atts[dataRoot]
	if e == nil {
		e = &attPoolEntry{data: data, sigs: make(map[phase0.CommitteeIndex]map[uint64]*bls.Signature),
			included: make(map[phase0.ValidatorIndex]bool)}
		p.atts[dataRoot] = e
	}
	if e.sigs[committee] == nil {
		e.sigs[committee] = make(map[uint64]*bls.Signature)
	}
	e.sigs[committee][position] = sig
}

func (p *pools) addSync(slot phase0.Slot, root phase0.Root, validator phase0.ValidatorIndex, sig *bls.Signature) {
	k := syncKey{slot, root}
	if p.sync[k] == nil {
		p.sync[k] = make(map[phase0.ValidatorIndex]*bls.Signature)
	}
	p.sync[k][validator] = sig
}

// prune drops pool content for slots before oldest.
func (p *pools) prune(oldest phase0.Slot) {
	for root, e := range p.atts {
		if e.data.Slot < oldest {
			delete(p.atts, root)
		}
	}
	for k := range p.sync {
		if k.slot < oldest {
			delete(p.sync, k)
		}
	}
}

// aggregateFor builds the aggregate of one committee's attestations for dataRoot (nil if none).
func (c *chain) aggregateFor(p *pools, dataRoot phase0.Root, committeeIndex phase0.CommitteeIndex) (*electra.Attestation, error) {
	e := p.atts[dataRoot]
	if e == nil || len(e.sigs[committeeIndex]) == 0 {
		return nil, nil
	}
	committee, err := c.committee(e.data.Slot, committeeIndex)
	if err != nil {
		return nil, err
	}
	bits := bitfield.NewBitlist(uint64(len(committee)))
	var sigs []*bls.Signature
	for pos, sig := range e.sigs[committeeIndex] {
		bits.SetBitAt(pos, true)
		sigs = append(sigs, sig)
	}
	agg, err := aggregate(sigs)
	if err != nil {
		return nil, err
	}
	cb := bitfield.NewBitvector64()
	cb.SetBitAt(uint64(committeeIndex), true)
	data := *e.data
	return &electra.Attestation{AggregationBits: bits, Data: &data, Signature: agg, CommitteeBits: cb}, nil
}

// blockAttestations picks up to MAX_ATTESTATIONS_ELECTRA on-chain aggregates (all committees of one
// AttestationData in one attestation) for a block at slot, preferring those adding the most new votes.
func (c *chain) blockAttestations(p *pools, slot phase0.Slot) ([]*electra.Attestation, []includedAttestation, error) {
	type candidate struct {
		root  phase0.Root
		fresh int
	}
	epoch := c.epochOf(slot)
	var cands []candidate
	for root, e := range p.atts {
		target := e.data.Target.Epoch
		if e.data.Slot >= slot || (target != epoch && target+1 != epoch) {
			continue
		}
		// process_attestation: the source must be the justified checkpoint of the target's epoch.
		wantSource := c.currentJustified
		if target+1 == epoch {
			wantSource = c.previousJustified
		}
		if *e.data.Source != wantSource {
			continue
		}
		fresh := 0
		for ci, bypos := range e.sigs {
			committee, err := c.committee(e.data.Slot, ci)
			if err != nil {
				continue
			}
			for pos := range bypos {
				if !e.included[committee[pos]] {
					fresh++
				}
			}
		}
		if fresh > 0 {
			cands = append(cands, candidate{root, fresh})
		}
	}
	slices.SortFunc(cands, func(a, b candidate) int {
		if d := cmp.Compare(b.fresh, a.fresh); d != 0 {
			return d
		}
		return slices.Compare(a.root[:], b.root[:])
	})
	var atts []*electra.Attestation
	var resolved []includedAttestation
	for _, cand := range cands[:min(len(cands), maxAttestationsElectra)] {
		att, indices, err := c.onChainAggregate(p.atts[cand.root])
		if err != nil {
			return nil, nil, err
		}
		atts = append(atts, att)
		resolved = append(resolved, includedAttestation{data: *att.Data, indices: indices})
	}
	return atts, resolved, nil
}

// onChainAggregate is the spec's compute_on_chain_aggregate over one pool entry.
func (c *chain) onChainAggregate(e *attPoolEntry) (*electra.Attestation, []phase0.ValidatorIndex, error) {
	committees := make([]phase0.CommitteeIndex, 0, len(e.sigs))
	for ci := range e.sigs {
		committees = append(committees, ci)
	}
	slices.Sort(committees)
	var total uint64
	members := make([][]phase0.ValidatorIndex, len(committees))
	for i, ci := range committees {
		committee, err := c.committee(e.data.Slot, ci)
		if err != nil {
			return nil, nil, err
		}
		members[i] = committee
		total += uint64(len(committee))
	}
	bits := bitfield.NewBitlist(total)
	cb := bitfield.NewBitvector64()
	var sigs []*bls.Signature
	var indices []phase0.ValidatorIndex
	offset := uint64(0)
	for i, ci := range committees {
		cb.SetBitAt(uint64(ci), true)
		for pos, vi := range members[i] {
			if sig, ok := e.sigs[ci][uint64(pos)]; ok {
				bits.SetBitAt(offset+uint64(pos), true)
				sigs = append(sigs, sig)
				indices = append(indices, vi)
			}
		}
		offset += uint64(len(members[i]))
	}
	agg, err := aggregate(sigs)
	if err != nil {
		return nil, nil, err
	}
	data := *e.data
	return &electra.Attestation{AggregationBits: bits, Data: &data, Signature: agg, CommitteeBits: cb}, indices, nil
}

// syncAggregate builds the sync aggregate a block at slot carries: the messages for slot-1 signing the
// parent root, by the sync committee of the block's epoch.
func (c *chain) syncAggregate(p *pools, slot phase0.Slot, parentRoot phase0.Root) (*altair.SyncAggregate, int, error) {
	out := &altair.SyncAggregate{SyncCommitteeBits: bitfield.NewBitvector512(), SyncCommitteeSignature: infinitySignature()}
	if slot == 0 {
		return out, 0, nil
	}
	msgs := p.sync[syncKey{slot - 1, parentRoot}]
	if len(msgs) == 0 {
		return out, 0, nil
	}
	sc, err := c.syncCommittee(c.syncPeriod(c.epochOf(slot)))
	if err != nil {
		return nil, 0, err
	}
	var sigs []*bls.Signature
	for pos, vi := range sc {
		if sig, ok := msgs[vi]; ok {
			out.SyncCommitteeBits.SetBitAt(uint64(pos), true)
			sigs = append(sigs, sig)
		}
	}
	agg, err := aggregate(sigs)
	if err != nil {
		return nil, 0, fmt.Errorf("sync aggregate: %w", err)
	}
	out.SyncCommitteeSignature = agg
	return out, len(sigs), nil
}

// contribution builds the sync committee contribution of one subcommittee (nil if no message).
func (c *chain) contribution(p *pools, slot phase0.Slot, sub uint64, root phase0.Root) (*altair.SyncCommitteeContribution, error) {
	msgs := p.sync[syncKey{slot, root}]
	sc, err := c.syncCommittee(c.syncPeriod(c.epochOf(slot + 1)))
	if err != nil {
		return nil, err
	}
	size := c.preset.syncSubcommitteeSize()
	out := &altair.SyncCommitteeContribution{Slot: slot, BeaconBlockRoot: root, SubcommitteeIndex: sub,
		AggregationBits: bitfield.NewBitvector128()}
	var sigs []*bls.Signature
	for i := range size {
		if sig, ok := msgs[sc[sub*size+i]]; ok {
			out.AggregationBits.SetBitAt(i, true)
			sigs = append(sigs, sig)
		}
	}
	if len(sigs) == 0 {
		return nil, nil
	}
	agg, err := aggregate(sigs)
	if err != nil {
		return nil, err
	}
	out.Signature = agg
	return out, nil
}
