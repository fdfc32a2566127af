package beaconsim

import (
	"fmt"

	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// producedBlock is an unsigned block the simulator built, kept until it is published or expires.
type producedBlock struct {
	slot     phase0.Slot
	root     phase0.Root
	block    *electra.BeaconBlock
	resolved []includedAttestation
	syncBits int
}

// attestationData is what an honest node answers for (slot, committee): the head at slot, the justified
// source of the head state and the epoch's target checkpoint. Electra requires index 0.
func (c *chain) attestationData(slot phase0.Slot) *phase0.AttestationData {
	epoch := c.epochOf(slot)
	source := c.currentJustified
	if epoch < c.epochOf(c.processedSlot) {
		source = c.previousJustified
	}
	return &phase0.AttestationData{
		Slot:            slot,
		Index:           0,
		BeaconBlockRoot: c.blockAtOrBefore(slot).root,
		Source:          &phase0.Checkpoint{Epoch: source.Epoch, Root: source.Root},
		Target:          &phase0.Checkpoint{Epoch: epoch, Root: c.checkpointRoot(epoch)},
	}
}

// buildBlock builds an unsigned Electra block for slot on the head with the given RANDAO reveal: pool
// attestations, the sync aggregate, pending exits and a synthetic payload. The caller holds s.mu.
func (s *Simulator) buildBlock(slot phase0.Slot, randao phase0.BLSSignature, graffiti [32]byte) (*producedBlock, error) {
	c := s.chain
	parent := c.head
	if slot <= parent.slot {
		return nil, fmt.Errorf("build block for slot %d: head is already at slot %d", slot, parent.slot)
	}
	proposer, err := c.proposer(slot)
	if err != nil {
		return nil, err
	}
	body := c.emptyBody()
	body.RANDAOReveal = randao
	body.Graffiti = graffiti
	atts, resolved, err := c.blockAttestations(s.pools, slot)
	if err != nil {
		return nil, fmt.Errorf("build block for slot %d: %w", slot, err)
	}
	body.Attestations = atts
	agg, syncBits, err := c.syncAggregate(s.pools, slot, parent.root)
	if err != nil {
		return nil, fmt.Errorf("build block for slot %d: %w", slot, err)
	}
	body.SyncAggregate = agg
	for _, exit := range s.exits {
		if len(body.VoluntaryExits) < 16 {
			body.VoluntaryExits = append(body.VoluntaryExits, exit)
		}
	}
	body.ExecutionPayload = c.payloadFor(parent, slot, s.feeRecipients[proposer])
	bodyRoot, err := body.HashTreeRoot()
	if err != nil {
		return nil, fmt.Errorf("build block for slot %d: hash body: %w", slot, err)
	}
	blk := &electra.BeaconBlock{Slot: slot, ProposerIndex: proposer, ParentRoot: parent.root, Body: body,
		StateRoot: syntheticStateRoot(parent.stateRoot, slot, bodyRoot)}
	root, err := blk.HashTreeRoot()
	if err != nil {
		return nil, fmt.Errorf("build block for slot %d: hash block: %w", slot, err)
	}
	p := &producedBlock{slot: slot, root: root, block: blk, resolved: resolved, syncBits: syncBits}
	s.produced[root] = p
	return p, nil
}

// importProduced makes a produced block (now signed) the head and applies its effects. The caller holds s.mu.
func (s *Simulator) importProduced(p *producedBlock, sig phase0.BLSSignature) error {
	c := s.chain
	bodyRoot, err := p.block.Body.HashTreeRoot()
	if err != nil {
		return fmt.Errorf("hash body: %w", err)
	}
	b := &simBlock{
		root: p.root, slot: p.slot, proposer: p.block.ProposerIndex, parentRoot: p.block.ParentRoot,
		stateRoot: p.block.StateRoot, bodyRoot: bodyRoot, signature: sig,
		mix:        nextMix(c.head.mix, p.block.Body.RANDAOReveal),
		execNumber: p.block.Body.ExecutionPayload.BlockNumber, execHash: p.block.Body.ExecutionPayload.BlockHash,
		attestations: p.resolved, syncBits: p.syncBits,
		signed: &electra.SignedBeaconBlock{Message: p.block, Signature: sig},
	}
	if err := c.importBlock(b); err != nil {
		return err
	}
	for _, att := range p.resolved {
		root, err := att.data.HashTreeRoot()
		if err != nil {
			return fmt.Errorf("hash attestation data: %w", err)
		}
		if e := s.pools.atts[root]; e != nil {
			for _, vi := range att.indices {
				e.included[vi] = true
			}
		}
	}
	for _, exit := range p.block.Body.VoluntaryExits {
		s.applyExit(exit)
	}
	delete(s.produced, p.root)
	s.events.publish(topicBlock, blockEvent(b))
	s.events.publish(topicHead, headEvent(c, b))
	return nil
}

// applyExit initiates a validator exit (initiate_validator_exit without the churn limit).
func (s *Simulator) applyExit(exit *phase0.SignedVoluntaryExit) {
	c := s.chain
	vi := exit.Message.ValidatorIndex
	delete(s.exits, vi)
	v := c.validators[vi]
	if v.record.ExitEpoch != FarFutureEpoch {
		return
	}
	exitEpoch := c.epochOf(c.head.slot) + 1 + phase0.Epoch(c.preset.MaxSeedLookahead)
	v.record.ExitEpoch = exitEpoch
	v.record.WithdrawableEpoch = exitEpoch + 256
}
