package beaconsim

import (
	"fmt"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/signing"
)

// ownBatch is the simulator's own validators' attestations and sync committee messages of one slot:
// collected under the simulator's lock, signed without it, then put into the pools under it again.
type ownBatch struct {
	slot phase0.Slot
	atts []ownAttestation
	sync []ownSyncMessage
}

// ownSig is one signature an own validator makes over a signing root.
type ownSig struct {
	validator   phase0.ValidatorIndex
	signingRoot phase0.Root
	sig         *bls.Signature
}

type ownAttestation struct {
	ownSig
	data      *phase0.AttestationData
	dataRoot  phase0.Root
	committee phase0.CommitteeIndex
	position  uint64
}

type ownSyncMessage struct {
	ownSig
	root phase0.Root // the head block root signed
}

// ownWork collects what the simulator's own validators sign for slot: their attestations (honest, for
// the head at slot) and their sync committee messages (the head root of slot). Called with s.mu held.
func (s *Simulator) ownWork(slot phase0.Slot) (*ownBatch, error) {
	c := s.chain
	b := &ownBatch{slot: slot}
	d, err := c.duties(c.epochOf(slot))
	if err != nil {
		return nil, err
	}
	data := c.attestationData(slot)
	dataRoot, err := data.HashTreeRoot()
	if err != nil {
		return nil, fmt.Errorf("hash attestation data: %w", err)
	}
	attRoot, err := c.network.SigningRoot(data, signing.DomainBeaconAttester, data.Target.Epoch)
	if err != nil {
		return nil, fmt.Errorf("attestation signing root: %w", err)
	}
	for ci, committee := range d.committees[uint64(slot)%c.preset.SlotsPerEpoch] {
		for pos, vi := range committee {
			if c.validators[vi].own {
				b.atts = append(b.atts, ownAttestation{ownSig: ownSig{validator: vi, signingRoot: attRoot}, data: data,
					dataRoot: dataRoot, committee: phase0.CommitteeIndex(ci), position: uint64(pos)})
			}
		}
	}
	sc, err := c.syncCommittee(c.syncPeriod(c.epochOf(slot + 1)))
	if err != nil {
		return nil, err
	}
	root := c.blockAtOrBefore(slot).root
	syncRoot, err := c.network.SigningRoot(sszRoot(root), signing.DomainSyncCommittee, c.epochOf(slot))
	if err != nil {
		return nil, fmt.Errorf("sync committee signing root: %w", err)
	}
	done := make(map[phase0.ValidatorIndex]bool)
	for _, vi := range sc {
		if c.validators[vi].own && !done[vi] {
			done[vi] = true
			b.sync = append(b.sync, ownSyncMessage{ownSig: ownSig{validator: vi, signingRoot: syncRoot}, root: root})
		}
	}
	return b, nil
}

// sign signs every message of b with the keyring (which never changes: no lock needed).
func (b *ownBatch) sign(k *keyring) error {
	sigs := make([]*ownSig, 0, len(b.atts)+len(b.sync))
	for i := range b.atts {
		sigs = append(sigs, &b.atts[i].ownSig)
	}
	for i := range b.sync {
		sigs = append(sigs, &b.sync[i].ownSig)
	}
	for _, o := range sigs {
		sig, err := k.sign(o.validator, o.signingRoot)
		if err != nil {
			return err
		}
		o.sig = sig
	}
	return nil
}

// applyOwn puts b's signed messages into the pools. Called with s.mu held.
func (s *Simulator) applyOwn(b *ownBatch) {
	for _, a := range b.atts {
		s.pools.addAttestation(a.dataRoot, a.data, a.committee, a.position, a.sig)
	}
	for _, m := range b.sync {
		s.pools.addSync(b.slot, m.root, m.validator, m.sig)
	}
}

// ownDutiesLocked performs the own validators' duties of every slot before end not done yet (at the
// start of end at the latest, when OwnDuties did not run at 1/3 of the slot). Called with s.mu held.
func (s *Simulator) ownDutiesLocked(end phase0.Slot) error {
	for ; s.ownNext < end; s.ownNext++ {
		b, err := s.ownWork(s.ownNext)
		if err != nil {
			return err
		}
		if err := b.sign(s.keys); err != nil {
			return err
		}
		s.applyOwn(b)
	}
	return nil
}

// OwnDuties makes the simulator's own validators attest and send their sync committee messages for slot,
// as honest validators do at 1/3 of the slot (Drive calls it then); a slot not started yet, or done
// already, is left alone. It signs without holding the simulator's lock, so the beacon API keeps
// answering meanwhile.
func (s *Simulator) OwnDuties(slot phase0.Slot) error {
	s.mu.Lock()
	if slot < s.ownNext || slot > s.chain.processedSlot {
		s.mu.Unlock()
		return nil
	}
	if err := s.ownDutiesLocked(slot); err != nil { // earlier slots first (none when driven on time)
		s.mu.Unlock()
		return err
	}
	b, err := s.ownWork(slot)
	if err == nil {
		s.ownNext = slot + 1
	}
	s.mu.Unlock()
	if err != nil {
		return err
	}
	if err := b.sign(s.keys); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.applyOwn(b)
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
