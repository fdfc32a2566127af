package beaconsim

import (
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"time"

	bitfield "github.com/OffchainLabs/go-bitfield"
	"github.com/attestantio/go-eth2-client/spec/altair"
	"github.com/attestantio/go-eth2-client/spec/bellatrix"
	"github.com/attestantio/go-eth2-client/spec/capella"
	"github.com/attestantio/go-eth2-client/spec/deneb"
	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/holiman/uint256"
)

const simGasLimit = 36_000_000

// emptyBody returns an Electra block body with every field present and empty.
func (c *chain) emptyBody() *electra.BeaconBlockBody {
	return &electra.BeaconBlockBody{
		ETH1Data: &phase0.ETH1Data{
			DepositRoot: phase0.Root{}, DepositCount: uint64(len(c.validators)), BlockHash: make([]byte, 32),
		},
		ProposerSlashings: []*phase0.ProposerSlashing{},
		AttesterSlashings: []*electra.AttesterSlashing{},
		Attestations:      []*electra.Attestation{},
		Deposits:          []*phase0.Deposit{},
		VoluntaryExits:    []*phase0.SignedVoluntaryExit{},
		SyncAggregate: &altair.SyncAggregate{
			SyncCommitteeBits: bitfield.NewBitvector512(), SyncCommitteeSignature: infinitySignature(),
		},
		ExecutionPayload: &deneb.ExecutionPayload{
			ExtraData: []byte{}, BaseFeePerGas: uint256.NewInt(0), Transactions: []bellatrix.Transaction{},
			Withdrawals: []*capella.Withdrawal{},
		},
		BLSToExecutionChanges: []*capella.SignedBLSToExecutionChange{},
		BlobKZGCommitments:    []deneb.KZGCommitment{},
		ExecutionRequests: &electra.ExecutionRequests{
			Deposits: []*electra.DepositRequest{}, Withdrawals: []*electra.WithdrawalRequest{},
			Consolidations: []*electra.ConsolidationRequest{},
		},
	}
}

// syntheticStateRoot stands in for the BeaconState root, which the simulator does not compute.
func syntheticStateRoot(parentState phase0.Root, slot phase0.Slot, bodyRoot phase0.Root) phase0.Root {
	var buf [32 + 8 + 32]byte
	copy(buf[:32], parentState[:])
	binary.LittleEndian.PutUint64(buf[32:40], uint64(slot))
	copy(buf[40:], bodyRoot[:])
	return sha256.Sum256(buf[:])
}

func (c *chain) buildGenesisBlock() error {
	body := c.emptyBody()
	body.ExecutionPayload.Timestamp = uint64(c.network.GenesisTime.Unix())
	body.ExecutionPayload.GasLimit = simGasLimit
	body.ExecutionPayload.BlockHash = sha256.Sum256([]byte("stinger beaconsim execution genesis"))
	bodyRoot, err := body.HashTreeRoot()
	if err != nil {
		return fmt.Errorf("genesis: hash body: %w", err)
	}
	blk := &electra.BeaconBlock{Slot: 0, ProposerIndex: 0, Body: body,
		StateRoot: syntheticStateRoot(phase0.Root{}, 0, bodyRoot)}
	root, err := blk.HashTreeRoot()
	if err != nil {
		return fmt.Errorf("genesis: hash block: %w", err)
	}
	g := &simBlock{root: root, slot: 0, stateRoot: blk.StateRoot, bodyRoot: bodyRoot, mix: c.genesisMix,
		execHash: body.ExecutionPayload.BlockHash, signature: infinitySignature()}
	g.signed = &electra.SignedBeaconBlock{Message: blk, Signature: g.signature}
	c.genesis, c.head = g, g
	c.blocks[root] = g
	c.canonical[0] = g
	genesisCheckpoint := phase0.Checkpoint{Epoch: 0, Root: root}
	c.previousJustified, c.currentJustified, c.finalized = genesisCheckpoint, genesisCheckpoint, genesisCheckpoint
	return nil
}

// slotTime is the start of slot.
func (c *chain) slotTime(slot phase0.Slot) time.Time {
	return c.network.GenesisTime.Add(time.Duration(slot) * c.network.SlotDuration)
}

// nextMix is the RANDAO mix after a block with this reveal on top of parent.
func nextMix(parent [32]byte, reveal phase0.BLSSignature) [32]byte {
	h := sha256.Sum256(reveal[:])
	for i := range h {
		h[i] ^= parent[i]
	}
	return h
}

// payloadFor builds the synthetic (empty) execution payload of a block at slot on top of parent.
func (c *chain) payloadFor(parent *simBlock, slot phase0.Slot, feeRecipient bellatrix.ExecutionAddress) *deneb.ExecutionPayload {
	p := c.emptyBody().ExecutionPayload
	p.ParentHash = parent.execHash
	p.FeeRecipient = feeRecipient
	p.PrevRandao = parent.mix
	p.BlockNumber = parent.execNumber + 1
	p.GasLimit = simGasLimit
	p.Timestamp = uint64(c.slotTime(slot).Unix())
	p.BaseFeePerGas = uint256.NewInt(7)
	var buf [32 + 8 + 8 + 32]byte
	copy(buf[:32], p.ParentHash[:])
	binary.LittleEndian.PutUint64(buf[32:40], p.BlockNumber)
	binary.LittleEndian.PutUint64(buf[40:48], p.Timestamp)
	copy(buf[48:], p.PrevRandao[:])
	p.BlockHash = sha256.Sum256(buf[:])
	p.StateRoot = sha256.Sum256(p.BlockHash[:])
	p.ReceiptsRoot = sha256.Sum256(p.StateRoot[:])
	return p
}

// attestingIndices resolves an Electra attestation (committee bits + concatenated aggregation bits) to
// validator indices, as the spec's get_attesting_indices.
func (c *chain) attestingIndices(att *electra.Attestation) ([]phase0.ValidatorIndex, error) {
	if att == nil || att.Data == nil {
		return nil, fmt.Errorf("attestation without data")
	}
	var out []phase0.ValidatorIndex
	offset := uint64(0)
	committees := att.CommitteeBits.BitIndices()
	if len(committees) == 0 {
		return nil, fmt.Errorf("attestation with no committee bit set")
	}
	for _, ci := range committees {
		committee, err := c.committee(att.Data.Slot, phase0.CommitteeIndex(ci))
		if err != nil {
			return nil, err
		}
		for pos, vi := range committee {
			if att.AggregationBits.BitAt(offset + uint64(pos)) {
				out = append(out, vi)
			}
		}
		offset += uint64(len(committee))
	}
	if att.AggregationBits.Len() != offset {
		return nil, fmt.Errorf("aggregation bits length %d: committees total %d", att.AggregationBits.Len(), offset)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("attestation with no participant")
	}
	return out, nil
}
