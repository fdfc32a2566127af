package beaconsim

import (
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"

	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// ComputeShuffledIndex is the consensus spec's compute_shuffled_index: the position that index moves to
// under the swap-or-not shuffle of indexCount items with the given seed and number of rounds.
func ComputeShuffledIndex(index, indexCount uint64, seed [32]byte, rounds uint64) (uint64, error) {
	if index >= indexCount {
		return 0, fmt.Errorf("shuffle index %d: want < index count %d", index, indexCount)
	}
	var buf [32 + 1 + 4]byte
	copy(buf[:32], seed[:])
	for round := range rounds {
		buf[32] = byte(round)
		pivotHash := sha256.Sum256(buf[:33])
		pivot := binary.LittleEndian.Uint64(pivotHash[:8]) % indexCount
		flip := (pivot + indexCount - index) % indexCount
		position := max(index, flip)
		binary.LittleEndian.PutUint32(buf[33:], uint32(position/256))
		source := sha256.Sum256(buf[:])
		bit := (source[(position%256)/8] >> (position % 8)) & 1
		if bit == 1 {
			index = flip
		}
	}
	return index, nil
}

// shuffler computes compute_shuffled_index for every index of one (count, seed) at once, hashing each
// round's pivot and source blocks only once. Its results equal ComputeShuffledIndex's (tested).
type shuffler struct {
	count   uint64
	pivots  []uint64
	sources [][][32]byte // per round, per position/256
}

func newShuffler(count uint64, seed [32]byte, rounds uint64) *shuffler {
	s := &shuffler{count: count, pivots: make([]uint64, rounds), sources: make([][][32]byte, rounds)}
	var buf [32 + 1 + 4]byte
	copy(buf[:32], seed[:])
	blocks := (count + 255) / 256
	for round := range rounds {
		buf[32] = byte(round)
		pivotHash := sha256.Sum256(buf[:33])
		s.pivots[round] = binary.LittleEndian.Uint64(pivotHash[:8]) % count
		s.sources[round] = make([][32]byte, blocks)
		for b := range blocks {
			binary.LittleEndian.PutUint32(buf[33:], uint32(b))
			s.sources[round][b] = sha256.Sum256(buf[:])
		}
	}
	return s
}

func (s *shuffler) shuffledIndex(index uint64) uint64 {
	for round, pivot := range s.pivots {
		flip := (pivot + s.count - index) % s.count
		position := max(index, flip)
		source := s.sources[round][position/256]
		if (source[(position%256)/8]>>(position%8))&1 == 1 {
			index = flip
		}
	}
	return index
}

// shuffleAll returns the shuffled list: out[i] = indices[compute_shuffled_index(i)].
func shuffleAll(indices []phase0.ValidatorIndex, seed [32]byte, rounds uint64) []phase0.ValidatorIndex {
	if len(indices) == 0 {
		return nil
	}
	s := newShuffler(uint64(len(indices)), seed, rounds)
	out := make([]phase0.ValidatorIndex, len(indices))
	for i := range out {
		out[i] = indices[s.shuffledIndex(uint64(i))]
	}
	return out
}

// committeeSlice is compute_committee over an already shuffled list: the index-th of count equal slices.
func committeeSlice(shuffled []phase0.ValidatorIndex, index, count uint64) []phase0.ValidatorIndex {
	n := uint64(len(shuffled))
	start := n * index / count
	end := n * (index + 1) / count
	return shuffled[start:end]
}

// errNoActiveValidators is returned when sampling from an empty validator set.
var errNoActiveValidators = errors.New("no active validators")

// sampleByBalance is Electra's balance-weighted sampling loop shared by compute_proposer_index and
// get_next_sync_committee_indices: candidates are taken in shuffled order and accepted with probability
// effective_balance / MAX_EFFECTIVE_BALANCE_ELECTRA using 16-bit random values. It returns want picks
// (repeats allowed, as in the spec).
func sampleByBalance(indices []phase0.ValidatorIndex, balance func(phase0.ValidatorIndex) phase0.Gwei,
	seed [32]byte, rounds uint64, want int,
) ([]phase0.ValidatorIndex, error) {
	total := uint64(len(indices))
	if total == 0 {
		return nil, errNoActiveValidators
	}
	const maxRandomValue = 1<<16 - 1
	s := newShuffler(total, seed, rounds)
	picks := make([]phase0.ValidatorIndex, 0, want)
	var buf [40]byte
	copy(buf[:32], seed[:])
	var randomBytes [32]byte
	for i := uint64(0); len(picks) < want; i++ {
		if i%16 == 0 {
			binary.LittleEndian.PutUint64(buf[32:], i/16)
			randomBytes = sha256.Sum256(buf[:])
		}
		candidate := indices[s.shuffledIndex(i%total)]
		offset := i % 16 * 2
		randomValue := uint64(binary.LittleEndian.Uint16(randomBytes[offset : offset+2]))
		if uint64(balance(candidate))*maxRandomValue >= uint64(MaxEffectiveBalanceElectra)*randomValue {
			picks = append(picks, candidate)
		}
		if i > 1<<32 {
			return nil, errors.New("balance sampling did not converge: all effective balances zero")
		}
	}
	return picks, nil
}
