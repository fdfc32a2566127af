package beaconsim

import (
	"fmt"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/signing"
)

// ownAttest makes the simulator's own validators of slot's committees attest (honestly) into the pool.
func (s *Simulator) ownAttest(slot phase0.Slot) error {
	c := s.chain
	d, err := c.duties(c.epochOf(slot))
	if err != nil {
		return err
	}
	data := c.attestationData(slot)
	dataRoot, err := data.HashTreeRoot()
	if err != nil {
		return fmt.Errorf("hash attestation data: %w", err)
	}
	signingRoot, err := c.network.SigningRoot(data, signing.DomainBeaconAttester, data.Target.Epoch)
	if err != nil {
		return fmt.Errorf("attestation signing root: %w", err)
	}
	for ci, committee := range d.committees[uint64(slot)%c.preset.SlotsPerEpoch] {
		for pos, vi := range committee {
			if !c.validators[vi].own {
				continue
			}
			sig, err := s.keys.sign(vi, signingRoot)
			if err != nil {
				return err
			}
			s.pools.addAttestation(dataRoot, data, phase0.CommitteeIndex(ci), uint64(pos), sig)
		}
	}
	return nil
}

// ownSyncMessages makes the simulator's own sync committee members sign the head root of slot.
func (s *Simulator) ownSyncMessages(slot phase0.Slot) error {
	c := s.chain
	sc, err := c.syncCommittee(c.syncPeriod(c.epochOf(slot + 1)))
	if err != nil {
		return err
	}
	root := c.blockAtOrBefore(slot).root
	signingRoot, err := c.network.SigningRoot(sszRoot(root), signing.DomainSyncCommittee, c.epochOf(slot))
	if err != nil {
		return fmt.Errorf("sync committee signing root: %w", err)
	}
	done := make(map[phase0.ValidatorIndex]bool)
	for _, vi := range sc {
		if !c.validators[vi].own || done[vi] {
			continue
		}
		done[vi] = true
		sig, err := s.keys.sign(vi, signingRoot)
		if err != nil {
			return err
		}
		s.pools.addSync(slot, root, vi, sig)
	}
	return nil
}

// ownPropose proposes the block of slot if its proposer is one of the simulator's own validators.
func (s *Simulator) ownPropose(slot phase0.Slot) error {
	c := s.chain
	proposer, err := c.proposer(slot)
	if err != nil {
		return err
	}
	if !c.validators[proposer].own {
		return nil
	}
	randaoRoot, err := c.network.SigningRoot(sszUint64(c.epochOf(slot)), signing.DomainRandao, c.epochOf(slot))
	if err != nil {
		return fmt.Errorf("randao signing root: %w", err)
	}
	reveal, err := s.keys.sign(proposer, randaoRoot)
	if err != nil {
		return err
	}
	p, err := s.buildBlock(slot, toPhase0Sig(reveal), [32]byte{})
	if err != nil {
		return err
	}
	blockRoot, err := c.network.SigningRoot(p.block, signing.DomainBeaconProposer, c.epochOf(slot))
	if err != nil {
		return fmt.Errorf("block signing root: %w", err)
	}
	sig, err := s.keys.sign(proposer, blockRoot)
	if err != nil {
		return err
	}
	return s.importProduced(p, toPhase0Sig(sig))
}
