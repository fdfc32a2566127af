package beaconsim

import (
	"encoding/binary"
	"fmt"
	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/attestantio/go-eth2-client/spec/bellatrix"
	"github.com/attestantio/go-eth2-client/spec/phase0"
	"go.uber.org/zap"
)

// Simulator is a simulated beacon chain with a strict judge and a score keeper. Its HTTP API is Handler.
// All methods are safe for concurrent use.
type Simulator struct {
	log    *zap.Logger
	clock  Clock
	keys   *keyring
	events *eventBus
	faults *faultSet
	// checks counts signature verifications (atomic: they run outside mu).
	checks atomic.Uint64

	mu    sync.Mutex
	chain *chain
	// ownNext is the first slot whose own validators' attestations and sync messages are not done.
	ownNext       phase0.Slot
	pools         *pools
	detector      *SlashingDetector
	score         *scorer
	feeRecipients map[phase0.ValidatorIndex]bellatrix.ExecutionAddress
	produced      map[phase0.Root]*producedBlock // unsigned blocks handed out, by block root
	aggregators   map[dutyKey]bool               // subscriptions with is_aggregator
	exits         map[phase0.ValidatorIndex]*phase0.SignedVoluntaryExit
	registrations map[phase0.ValidatorIndex]*apiv1.SignedValidatorRegistration
	builder       bool
}

// New builds a simulator at genesis. The clock and logger are injected; nothing runs until AdvanceTo or Run.
func New(cfg Config, logger *zap.Logger) (*Simulator, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if logger == nil {
		logger = zap.NewNop()
	}
	preset, _ := PresetByName(cfg.Preset)
	clock := cfg.Clock
	if clock == nil {
		clock = systemClock{}
	}
	genesisTime := cfg.GenesisTime
	if genesisTime.IsZero() {
		genesisTime = clock.Now().Add(cfg.GenesisDelay).Truncate(cfg.SlotDuration)
	}
	var seedBytes [32]byte
	binary.LittleEndian.PutUint64(seedBytes[:], cfg.Seed)
	own, err := generateOwnKeys(cfg.ExtraValidators, rand.NewChaCha8(seedBytes))
	if err != nil {
		return nil, err
	}
	keys, all, err := newKeyring(cfg.Validators, own)
	if err != nil {
		return nil, fmt.Errorf("config: Validators: %w", err)
	}
	c, err := newChain(genesisParams{preset: preset, genesisTime: genesisTime, slot: cfg.SlotDuration,
		pubKeys: all, tracked: len(cfg.Validators), seed: cfg.Seed, fuluEpoch: cfg.FuluForkEpoch})
	if err != nil {
		return nil, err
	}
	tracked := make([]phase0.ValidatorIndex, len(cfg.Validators))
	for i := range tracked {
		tracked[i] = phase0.ValidatorIndex(i)
	}
	s := &Simulator{
		log: logger, clock: clock, keys: keys, events: newEventBus(), faults: newFaultSet(),
		chain: c, pools: newPools(), detector: NewSlashingDetector(), score: newScorer(tracked),
		feeRecipients: make(map[phase0.ValidatorIndex]bellatrix.ExecutionAddress),
		produced:      make(map[phase0.Root]*producedBlock),
		aggregators:   make(map[dutyKey]bool),
		exits:         make(map[phase0.ValidatorIndex]*phase0.SignedVoluntaryExit),
		registrations: make(map[phase0.ValidatorIndex]*apiv1.SignedValidatorRegistration),
		builder:       cfg.Builder,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.registerDuties(0); err != nil {
		return nil, err
	}
	return s, nil
}

// GenesisTime returns the start of slot 0.
func (s *Simulator) GenesisTime() time.Time { return s.chain.network.GenesisTime }

// CurrentSlot is the slot the clock is in (0 before genesis).
func (s *Simulator) CurrentSlot() phase0.Slot {
	now := s.clock.Now()
	g := s.chain.network.GenesisTime
	if now.Before(g) {
		return 0
	}
	return phase0.Slot(now.Sub(g) / s.chain.network.SlotDuration)
}

// maxClockDisparity is MAXIMUM_GOSSIP_CLOCK_DISPARITY: messages for a slot are accepted this early.
const maxClockDisparity = 500 * time.Millisecond

// latestAcceptableSlot is the latest slot a message may be for now, allowing for clock disparity.
func (s *Simulator) latestAcceptableSlot() phase0.Slot {
	now := s.clock.Now().Add(maxClockDisparity)
	g := s.chain.network.GenesisTime
	if now.Before(g) {
		return 0
	}
	return phase0.Slot(now.Sub(g) / s.chain.network.SlotDuration)
}

// AdvanceTo processes the start of every slot up to slot: the simulator's own validators attest and send
// sync committee messages for the previous slot (unless OwnDuties did at its 1/3), epoch transitions run (justification, finalization), duties
// of scored validators are registered and closed, and the simulator's own proposers propose.
func (s *Simulator) AdvanceTo(slot phase0.Slot) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.chain.processedSlot < slot {
		next := s.chain.processedSlot + 1
		if err := s.processSlot(next); err != nil {
			return fmt.Errorf("process slot %d: %w", next, err)
		}
		s.chain.processedSlot = next
	}
	return nil
}

func (s *Simulator) processSlot(slot phase0.Slot) error {
	c := s.chain
	if err := s.ownDutiesLocked(slot); err != nil { // the previous slot's, when OwnDuties did not run
		return err
	}
	s.score.closeBefore(slot)
	if uint64(slot)%c.preset.SlotsPerEpoch == 0 {
		epoch := c.epochOf(slot) - 1
		if c.processJustification(epoch) {
			s.events.publish(topicFinalizedCheckpoint, finalizedEvent(c))
		}
		for e := range c.dutyCache { // older shufflings are never needed again (attestation window: 1 epoch)
			if e+2 < epoch {
				delete(c.dutyCache, e)
			}
		}
		s.log.Debug("epoch processed", zap.Uint64("epoch", uint64(epoch)),
			zap.Uint64("justified_epoch", uint64(c.currentJustified.Epoch)),
			zap.Uint64("finalized_epoch", uint64(c.finalized.Epoch)))
	}
	if err := s.registerDuties(slot); err != nil {
		return err
	}
	if err := s.ownPropose(slot); err != nil {
		return err
	}
	if spe := phase0.Slot(c.preset.SlotsPerEpoch); slot > 2*spe {
		s.pools.prune(slot - 2*spe)
		for root, p := range s.produced {
			if p.slot+spe < slot {
				delete(s.produced, root)
			}
		}
	}
	return nil
}

// registerDuties registers the scored validators' duties starting at slot.
func (s *Simulator) registerDuties(slot phase0.Slot) error {
	c := s.chain
	spe := phase0.Slot(c.preset.SlotsPerEpoch)
	d, err := c.duties(c.epochOf(slot))
	if err != nil {
		return err
	}
	for _, committee := range d.committees[uint64(slot)%uint64(spe)] {
		for _, vi := range committee {
			s.score.expect(dutyKey{typ: DutyAttestation, validator: vi, slot: slot}, slot+spe)
		}
	}
	if slot > 0 {
		s.score.expect(dutyKey{typ: DutyProposal, validator: d.proposers[uint64(slot)%uint64(spe)], slot: slot}, slot+1)
	}
	sc, err := c.syncCommittee(c.syncPeriod(c.epochOf(slot + 1)))
	if err != nil {
		return err
	}
	size := c.preset.syncSubcommitteeSize()
	for pos, vi := range sc {
		s.score.expect(dutyKey{typ: DutySyncCommittee, validator: vi, slot: slot}, slot+1)
		if c.preset.syncAggregatorModulo() == 1 {
			s.score.expect(dutyKey{typ: DutySyncContribution, validator: vi, slot: slot, sub: uint64(pos) / size}, slot+1)
		}
	}
	return nil
}
