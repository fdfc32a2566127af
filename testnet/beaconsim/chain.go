package beaconsim

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/attestantio/go-eth2-client/spec"
	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/signing"
)

// simBlock is a block of the simulated chain with the effects the simulator tracks.
type simBlock struct {
	root         phase0.Root
	slot         phase0.Slot
	proposer     phase0.ValidatorIndex
	parentRoot   phase0.Root
	stateRoot    phase0.Root
	bodyRoot     phase0.Root
	signature    phase0.BLSSignature
	mix          [32]byte // RANDAO mix after this block
	execNumber   uint64
	execHash     phase0.Hash32
	attestations []includedAttestation
	syncBits     int // sync aggregate participants
	parent       *simBlock
	// signed is the full signed block (nil for genesis, which is served unsigned).
	signed *electra.SignedBeaconBlock
}

// includedAttestation is one attestation included in a block, resolved to validator indices.
type includedAttestation struct {
	data    phase0.AttestationData
	indices []phase0.ValidatorIndex
}

// chain is the simulated chain state. It is not safe for concurrent use: Simulator serialises access.
type chain struct {
	preset     Preset
	network    *signing.Network
	validators []*simValidator
	byPubKey   map[phase0.BLSPubKey]phase0.ValidatorIndex
	genesisMix [32]byte

	blocks    map[phase0.Root]*simBlock
	canonical map[phase0.Slot]*simBlock
	genesis   *simBlock
	head      *simBlock

	previousJustified phase0.Checkpoint
	currentJustified  phase0.Checkpoint
	finalized         phase0.Checkpoint
	justificationBits [4]bool

	// processedSlot is the latest slot whose start has been processed (epoch transitions included).
	processedSlot phase0.Slot

	dutyCache map[phase0.Epoch]*epochDuties
	syncCache map[uint64][]phase0.ValidatorIndex
}

// genesisParams are the inputs of newChain.
type genesisParams struct {
	preset      Preset
	genesisTime time.Time
	slot        time.Duration
	pubKeys     []phase0.BLSPubKey // tracked (lock-file) validators first, then the simulator's own
	tracked     int
	seed        uint64
	fuluEpoch   phase0.Epoch
}

// GenesisForkVersion is the simulated network's genesis fork version: cluster
// definitions for a devnet on the simulator must name it (their deposit
// domain uses it, and nodes refuse a beacon node of another chain).
var GenesisForkVersion = phase0.Version{0x10, 0x00, 0x00, 0x5a}

// Fork versions of the simulated network (distinct from every public network's).
var (
	simGenesisForkVersion   = GenesisForkVersion
	simAltairForkVersion    = phase0.Version{0x20, 0x00, 0x00, 0x5a}
	simBellatrixForkVersion = phase0.Version{0x30, 0x00, 0x00, 0x5a}
	simCapellaForkVersion   = phase0.Version{0x40, 0x00, 0x00, 0x5a}
	simDenebForkVersion     = phase0.Version{0x50, 0x00, 0x00, 0x5a}
	simElectraForkVersion   = phase0.Version{0x60, 0x00, 0x00, 0x5a}
	simFuluForkVersion      = phase0.Version{0x70, 0x00, 0x00, 0x5a}
)

func newChain(p genesisParams) (*chain, error) {
	if len(p.pubKeys) == 0 {
		return nil, fmt.Errorf("genesis: %w", errNoActiveValidators)
	}
	c := &chain{
		preset:    p.preset,
		byPubKey:  make(map[phase0.BLSPubKey]phase0.ValidatorIndex, len(p.pubKeys)),
		blocks:    make(map[phase0.Root]*simBlock),
		canonical: make(map[phase0.Slot]*simBlock),
		dutyCache: make(map[phase0.Epoch]*epochDuties),
		syncCache: make(map[uint64][]phase0.ValidatorIndex),
	}
	leaves := make([][32]byte, 0, len(p.pubKeys))
	for i, pk := range p.pubKeys {
		if _, dup := c.byPubKey[pk]; dup {
			return nil, fmt.Errorf("genesis: validator public key %#x listed twice", pk[:])
		}
		creds := sha256.Sum256(pk[:])
		creds[0] = 0x01 // execution-address withdrawal credentials: 32 ETH effective balance
		v := &simValidator{
			index: phase0.ValidatorIndex(i), pubKey: pk, tracked: i < p.tracked, own: i >= p.tracked,
			record: phase0.Validator{
				PublicKey: pk, WithdrawalCredentials: creds[:], EffectiveBalance: MinActivationBalance,
				ActivationEligibilityEpoch: 0, ActivationEpoch: 0, ExitEpoch: FarFutureEpoch, WithdrawableEpoch: FarFutureEpoch,
			},
		}
		root, err := v.record.HashTreeRoot()
		if err != nil {
			return nil, fmt.Errorf("genesis: hash validator %d: %w", i, err)
		}
		leaves = append(leaves, root)
		c.validators = append(c.validators, v)
		c.byPubKey[pk] = v.index
	}
	var seedBuf [8]byte
	binary.LittleEndian.PutUint64(seedBuf[:], p.seed)
	c.genesisMix = sha256.Sum256(append([]byte("stinger beaconsim genesis mix"), seedBuf[:]...))
	network, err := signing.NewDevnet(signing.Network{
		Name:               "stinger-beaconsim",
		GenesisForkVersion: simGenesisForkVersion,
		AltairForkVersion:  simAltairForkVersion, BellatrixForkVersion: simBellatrixForkVersion,
		CapellaForkVersion: simCapellaForkVersion, DenebForkVersion: simDenebForkVersion,
		ElectraForkVersion: simElectraForkVersion, FuluForkVersion: simFuluForkVersion, FuluForkEpoch: p.fuluEpoch,
		GenesisValidatorsRoot: merkleizeList(leaves, 1<<40),
		GenesisTime:           p.genesisTime,
		SlotsPerEpoch:         p.preset.SlotsPerEpoch,
		SlotDuration:          p.slot,
		DepositChainID:        1337,
		DepositContract:       simDepositContract,
	})
	if err != nil {
		return nil, fmt.Errorf("genesis: network: %w", err)
	}
	c.network = network
	if err := c.buildGenesisBlock(); err != nil {
		return nil, err
	}
	return c, nil
}

// dataVersion returns the fork of the blocks at slot.
func (c *chain) dataVersion(slot phase0.Slot) spec.DataVersion {
	return c.network.ForkAt(c.epochOf(slot)).Name
}

// blockAtOrBefore returns the canonical block at slot, or the latest canonical block before it.
func (c *chain) blockAtOrBefore(slot phase0.Slot) *simBlock {
	if slot >= c.head.slot {
		return c.head
	}
	for s := slot; ; s-- {
		if b, ok := c.canonical[s]; ok {
			return b
		}
		if s == 0 {
			return c.genesis
		}
	}
}

// checkpointRoot is get_block_root(state, epoch) on the canonical chain.
func (c *chain) checkpointRoot(epoch phase0.Epoch) phase0.Root {
	return c.blockAtOrBefore(c.startSlot(epoch)).root
}

// mixAtEndOfEpoch is the RANDAO mix as of the last canonical block of epoch (or earlier).
func (c *chain) mixAtEndOfEpoch(epoch phase0.Epoch) [32]byte {
	return c.blockAtOrBefore(c.startSlot(epoch+1) - 1).mix
}

// importBlock makes b the new head; b's parent must be the head.
func (c *chain) importBlock(b *simBlock) error {
	if b.parentRoot != c.head.root {
		return fmt.Errorf("import block at slot %d: parent %#x is not the head %#x", b.slot, b.parentRoot[:], c.head.root[:])
	}
	if b.slot <= c.head.slot {
		return fmt.Errorf("import block at slot %d: not after head slot %d", b.slot, c.head.slot)
	}
	b.parent = c.head
	c.blocks[b.root] = b
	c.canonical[b.slot] = b
	c.head = b
	return nil
}

// reorgHead orphans the head block (the chain's new head is its parent) and returns the orphaned block.
func (c *chain) reorgHead() (*simBlock, error) {
	if c.head == c.genesis {
		return nil, fmt.Errorf("reorg head: head is genesis")
	}
	old := c.head
	if c.epochOf(old.slot) < c.epochOf(c.processedSlot) {
		return nil, fmt.Errorf("reorg head: head slot %d is before epoch %d, whose transition is processed",
			old.slot, c.epochOf(c.processedSlot))
	}
	delete(c.canonical, old.slot)
	c.head = old.parent
	clear(c.dutyCache)
	clear(c.syncCache)
	return old, nil
}

// processJustification is the spec's process_justification_and_finalization at the end of epoch current,
// with participation taken from the attestations included in canonical blocks of epochs current-1 and
// current. It returns whether the finalized checkpoint changed.
func (c *chain) processJustification(current phase0.Epoch) bool {
	if current <= 1 {
		return false
	}
	previous := current - 1
	prevRoot, curRoot := c.checkpointRoot(previous), c.checkpointRoot(current)
	prevSet := make(map[phase0.ValidatorIndex]bool)
	curSet := make(map[phase0.ValidatorIndex]bool)
	for b := c.blockAtOrBefore(c.startSlot(current+1) - 1); b != nil && b.slot >= c.startSlot(previous); b = b.parent {
		for _, att := range b.attestations {
			switch {
			case att.data.Target.Epoch == previous && att.data.Target.Root == prevRoot:
				for _, vi := range att.indices {
					prevSet[vi] = true
				}
			case att.data.Target.Epoch == current && att.data.Target.Root == curRoot:
				for _, vi := range att.indices {
					curSet[vi] = true
				}
			}
		}
	}
	total := c.totalActiveBalance(current)
	sum := func(set map[phase0.ValidatorIndex]bool) phase0.Gwei {
		var s phase0.Gwei
		for vi := range set {
			if c.validators[vi].activeAt(current) {
				s += c.validators[vi].record.EffectiveBalance
			}
		}
		return s
	}
	return c.weighJustificationAndFinalization(current, total, sum(prevSet), sum(curSet), prevRoot, curRoot)
}

// weighJustificationAndFinalization is the spec's weigh_justification_and_finalization.
func (c *chain) weighJustificationAndFinalization(current phase0.Epoch, total, prevTarget, curTarget phase0.Gwei,
	prevRoot, curRoot phase0.Root,
) bool {
	previous := current - 1
	oldPrevious, oldCurrent := c.previousJustified, c.currentJustified
	c.previousJustified = c.currentJustified
	copy(c.justificationBits[1:], c.justificationBits[:3])
	c.justificationBits[0] = false
	if prevTarget*3 >= total*2 {
		c.currentJustified = phase0.Checkpoint{Epoch: previous, Root: prevRoot}
		c.justificationBits[1] = true
	}
	if curTarget*3 >= total*2 {
		c.currentJustified = phase0.Checkpoint{Epoch: current, Root: curRoot}
		c.justificationBits[0] = true
	}
	bits := c.justificationBits
	before := c.finalized
	switch {
	case bits[1] && bits[2] && bits[3] && oldPrevious.Epoch+3 == current:
		c.finalized = oldPrevious
	case bits[1] && bits[2] && oldPrevious.Epoch+2 == current:
		c.finalized = oldPrevious
	}
	switch {
	case bits[0] && bits[1] && bits[2] && oldCurrent.Epoch+2 == current:
		c.finalized = oldCurrent
	case bits[0] && bits[1] && oldCurrent.Epoch+1 == current:
		c.finalized = oldCurrent
	}
	return c.finalized != before
}

// rightVote reports whether data votes for the chain's target checkpoint with the justified source that
// process_attestation requires for its target epoch.
func (c *chain) rightVote(data *phase0.AttestationData) bool {
	target := data.Target.Epoch
	if data.Target.Root != c.checkpointRoot(target) {
		return false
	}
	current := c.epochOf(c.processedSlot)
	switch {
	case target == current:
		return *data.Source == c.currentJustified
	case target+1 == current:
		return *data.Source == c.previousJustified
	default:
		return false
	}
}
