package beaconsim

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/signing"
)

// simValidator is one validator of the simulated registry.
type simValidator struct {
	index   phase0.ValidatorIndex
	pubKey  phase0.BLSPubKey
	record  phase0.Validator
	tracked bool // from the lock-file list: scored
	own     bool // the simulator holds its key
}

func (v *simValidator) activeAt(epoch phase0.Epoch) bool {
	return v.record.ActivationEpoch <= epoch && epoch < v.record.ExitEpoch
}

// epochDuties is the attester and proposer shuffling of one epoch.
type epochDuties struct {
	epoch            phase0.Epoch
	committeesAtSlot uint64
	// committees[slot offset][committee index] lists validator indices in committee order.
	committees [][][]phase0.ValidatorIndex
	proposers  []phase0.ValidatorIndex
	attester   map[phase0.ValidatorIndex]attesterAssignment
}

type attesterAssignment struct {
	slot            phase0.Slot
	committeeIndex  phase0.CommitteeIndex
	position        uint64
	committeeLength uint64
}

func (c *chain) epochOf(slot phase0.Slot) phase0.Epoch {
	return phase0.Epoch(uint64(slot) / c.preset.SlotsPerEpoch)
}

func (c *chain) startSlot(epoch phase0.Epoch) phase0.Slot {
	return phase0.Slot(uint64(epoch) * c.preset.SlotsPerEpoch)
}

func (c *chain) activeIndices(epoch phase0.Epoch) []phase0.ValidatorIndex {
	out := make([]phase0.ValidatorIndex, 0, len(c.validators))
	for _, v := range c.validators {
		if v.activeAt(epoch) {
			out = append(out, v.index)
		}
	}
	return out
}

func (c *chain) totalActiveBalance(epoch phase0.Epoch) phase0.Gwei {
	var total phase0.Gwei
	for _, v := range c.validators {
		if v.activeAt(epoch) {
			total += v.record.EffectiveBalance
		}
	}
	return max(total, 1_000_000_000) // EFFECTIVE_BALANCE_INCREMENT floor, as get_total_balance
}

func (c *chain) balance(i phase0.ValidatorIndex) phase0.Gwei {
	return c.validators[i].record.EffectiveBalance
}

// seed is the spec's get_seed: hash(domain_type + uint_to_bytes(epoch) + mix), where mix is the RANDAO mix
// as of the end of epoch - MIN_SEED_LOOKAHEAD - 1 (the genesis mix before that exists).
func (c *chain) seed(epoch phase0.Epoch, domain phase0.DomainType) [32]byte {
	mix := c.genesisMix
	if uint64(epoch) >= c.preset.MinSeedLookahead+1 {
		mix = c.mixAtEndOfEpoch(epoch - phase0.Epoch(c.preset.MinSeedLookahead+1))
	}
	var buf [4 + 8 + 32]byte
	copy(buf[:4], domain[:])
	binary.LittleEndian.PutUint64(buf[4:12], uint64(epoch))
	copy(buf[12:], mix[:])
	return sha256.Sum256(buf[:])
}

// committeeCount is get_committee_count_per_slot.
func (c *chain) committeeCount(active int) uint64 {
	n := uint64(active) / c.preset.SlotsPerEpoch / c.preset.TargetCommitteeSize
	return max(1, min(c.preset.MaxCommitteesPerSlot, n))
}

// duties returns (computing and caching) the shuffling of epoch.
func (c *chain) duties(epoch phase0.Epoch) (*epochDuties, error) {
	if d, ok := c.dutyCache[epoch]; ok {
		return d, nil
	}
	active := c.activeIndices(epoch)
	if len(active) == 0 {
		return nil, errNoActiveValidators
	}
	spe := c.preset.SlotsPerEpoch
	d := &epochDuties{
		epoch:            epoch,
		committeesAtSlot: c.committeeCount(len(active)),
		committees:       make([][][]phase0.ValidatorIndex, spe),
		proposers:        make([]phase0.ValidatorIndex, spe),
		attester:         make(map[phase0.ValidatorIndex]attesterAssignment, len(active)),
	}
	shuffled := shuffleAll(active, c.seed(epoch, signing.DomainBeaconAttester), c.preset.ShuffleRoundCount)
	total := d.committeesAtSlot * spe
	for s := range spe {
		slot := c.startSlot(epoch) + phase0.Slot(s)
		d.committees[s] = make([][]phase0.ValidatorIndex, d.committeesAtSlot)
		for ci := range d.committeesAtSlot {
			committee := committeeSlice(shuffled, s*d.committeesAtSlot+ci, total)
			d.committees[s][ci] = committee
			for pos, vi := range committee {
				d.attester[vi] = attesterAssignment{
					slot: slot, committeeIndex: phase0.CommitteeIndex(ci),
					position: uint64(pos), committeeLength: uint64(len(committee)),
				}
			}
		}
	}
	proposerSeed := c.seed(epoch, signing.DomainBeaconProposer)
	for s := range spe {
		var buf [40]byte
		copy(buf[:32], proposerSeed[:])
		binary.LittleEndian.PutUint64(buf[32:], uint64(c.startSlot(epoch))+s)
		picks, err := sampleByBalance(active, c.balance, sha256.Sum256(buf[:]), c.preset.ShuffleRoundCount, 1)
		if err != nil {
			return nil, fmt.Errorf("compute proposer of slot %d: %w", uint64(c.startSlot(epoch))+s, err)
		}
		d.proposers[s] = picks[0]
	}
	c.dutyCache[epoch] = d
	return d, nil
}

// committee returns the beacon committee at (slot, index).
func (c *chain) committee(slot phase0.Slot, index phase0.CommitteeIndex) ([]phase0.ValidatorIndex, error) {
	d, err := c.duties(c.epochOf(slot))
	if err != nil {
		return nil, err
	}
	if uint64(index) >= d.committeesAtSlot {
		return nil, fmt.Errorf("committee index %d: slot %d has %d committees", index, slot, d.committeesAtSlot)
	}
	return d.committees[uint64(slot)%c.preset.SlotsPerEpoch][index], nil
}

// proposer returns the proposer index of slot.
func (c *chain) proposer(slot phase0.Slot) (phase0.ValidatorIndex, error) {
	d, err := c.duties(c.epochOf(slot))
	if err != nil {
		return 0, err
	}
	return d.proposers[uint64(slot)%c.preset.SlotsPerEpoch], nil
}

// syncPeriod returns the sync committee period of epoch.
func (c *chain) syncPeriod(epoch phase0.Epoch) uint64 {
	return uint64(epoch) / c.preset.EpochsPerSyncCommitteePeriod
}

// syncCommittee returns the sync committee (validator indices by position) of a period. Periods 0 and 1
// use the committee computed at genesis (for epoch 1); period p >= 2 is get_next_sync_committee run at the
// start of period p-1, i.e. seeded for epoch (p-1) * EPOCHS_PER_SYNC_COMMITTEE_PERIOD.
func (c *chain) syncCommittee(period uint64) ([]phase0.ValidatorIndex, error) {
	if sc, ok := c.syncCache[period]; ok {
		return sc, nil
	}
	epoch := phase0.Epoch(1)
	if period >= 2 {
		epoch = phase0.Epoch((period - 1) * c.preset.EpochsPerSyncCommitteePeriod)
	}
	active := c.activeIndices(epoch)
	sc, err := sampleByBalance(active, c.balance, c.seed(epoch, signing.DomainSyncCommittee), c.preset.ShuffleRoundCount,
		int(c.preset.SyncCommitteeSize))
	if err != nil {
		return nil, fmt.Errorf("compute sync committee of period %d: %w", period, err)
	}
	c.syncCache[period] = sc
	return sc, nil
}

// syncPositions returns the positions of validator in the sync committee of period.
func (c *chain) syncPositions(period uint64, validator phase0.ValidatorIndex) ([]uint64, error) {
	sc, err := c.syncCommittee(period)
	if err != nil {
		return nil, err
	}
	var out []uint64
	for pos, vi := range sc {
		if vi == validator {
			out = append(out, uint64(pos))
		}
	}
	return out, nil
}
