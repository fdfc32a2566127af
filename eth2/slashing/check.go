package slashing

import (
	"fmt"

	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// Strategy selects how checks (Store) or imports (Import) treat history; see
// the package documentation.
type Strategy int

// Strategies.
const (
	// StrategyComplete keeps and checks against every record.
	StrategyComplete Strategy = iota
	// StrategyMinimal checks against (and imports only) the highest slot,
	// source and target.
	StrategyMinimal
)

// String names the strategy.
func (s Strategy) String() string {
	switch s {
	case StrategyComplete:
		return "complete"
	case StrategyMinimal:
		return "minimal"
	default:
		return fmt.Sprintf("Strategy(%d)", int(s))
	}
}

func (s Strategy) valid() bool { return s == StrategyComplete || s == StrategyMinimal }

// verdict of a check: refuse (err != nil), a repeat of a recorded message
// (safe, nothing to write) or new (safe once written).
type verdict struct {
	err    error
	repeat bool
}

// checkBlock decides whether v may sign a block at slot with root (nil =
// unknown). It reads, never writes.
func checkBlock(v *validator, strategy Strategy, slot uint64, root *phase0.Root) (verdict, error) {
	refuse := func(offence error, conflict *SignedBlock, wm string) verdict {
		return verdict{err: &SlashableError{Offence: offence, Pubkey: v.pubkey, Kind: KindBlock,
			Block: SignedBlock{Slot: phase0.Slot(slot), SigningRoot: root}, ConflictBlock: conflict, Watermark: wm}}
	}
	s := v.sum
	if s.wmBlockSet && slot <= s.wmSlot {
		return refuse(ErrBelowWatermark, nil, fmt.Sprintf("imported watermark: slot must be above %d", s.wmSlot)), nil
	}
	if strategy == StrategyMinimal && s.hasBlocks && slot <= s.maxSlot {
		return refuse(ErrBelowWatermark, nil, fmt.Sprintf("minimal strategy: slot must be above %d", s.maxSlot)), nil
	}
	if raw := v.blocks.Get(v.slotKey(slot)); raw != nil {
		old, err := decodeRecord(raw)
		if err != nil {
			return verdict{}, fmt.Errorf("block slot %d: %w", slot, err)
		}
		if sameRoot(old, root) {
			return verdict{repeat: true}, nil
		}
		return refuse(ErrDoubleBlock, &SignedBlock{Slot: phase0.Slot(slot), SigningRoot: old}, ""), nil
	}
	if strategy == StrategyComplete && s.hasBlocks && slot <= s.minSlot {
		return refuse(ErrBelowWatermark, nil, fmt.Sprintf("complete strategy: slot must be above the lowest recorded slot %d", s.minSlot)), nil
	}
	return verdict{}, nil
}

// checkAttestation decides whether v may sign an attestation (src, tgt) with
// root (nil = unknown). It reads, never writes.
func checkAttestation(v *validator, strategy Strategy, src, tgt uint64, root *phase0.Root) (verdict, error) {
	refuse := func(offence error, conflict *SignedAttestation, wm string) verdict {
		return verdict{err: &SlashableError{Offence: offence, Pubkey: v.pubkey, Kind: KindAttestation,
			Attestation:         SignedAttestation{SourceEpoch: phase0.Epoch(src), TargetEpoch: phase0.Epoch(tgt), SigningRoot: root},
			ConflictAttestation: conflict, Watermark: wm}}
	}
	if src > tgt {
		return refuse(ErrSourceAfterTarget, nil, ""), nil
	}
	s := v.sum
	if s.wmAttSet && (src < s.wmSource || tgt <= s.wmTarget) {
		return refuse(ErrBelowWatermark, nil, fmt.Sprintf("imported watermark: source must be at least %d and target above %d",
			s.wmSource, s.wmTarget)), nil
	}
	if strategy == StrategyMinimal && s.hasAtts && (src < s.maxSrc || tgt <= s.maxTgt) {
		return refuse(ErrBelowWatermark, nil, fmt.Sprintf("minimal strategy: source must be at least %d and target above %d",
			s.maxSrc, s.maxTgt)), nil
	}
	h, err := historyConflict(v, src, tgt, root, strategy == StrategyComplete)
	if err != nil || h.repeat {
		return verdict{repeat: h.repeat}, err
	}
	if h.conflict != nil {
		return refuse(h.offence, h.conflict, ""), nil
	}
	if strategy == StrategyComplete && s.hasAtts && (src < s.minSource || tgt <= s.minTarget) {
		return refuse(ErrBelowWatermark, nil, fmt.Sprintf(
			"complete strategy: source must be at least the lowest recorded source %d and target above the lowest recorded target %d",
			s.minSource, s.minTarget)), nil
	}
	return verdict{}, nil
}

// history is what historyConflict found.
type history struct {
	conflict *SignedAttestation
	offence  error
	repeat   bool
}

// historyConflict finds a recorded attestation that (src, tgt, root) would be
// slashable with: a double vote first, then surround votes. With allowRepeat
// an identical record (same source, target and known root) is reported as a
// repeat instead. The scans touch only records whose target lies between src
// and tgt or above tgt, which is empty or tiny for attestations at the head.
func historyConflict(v *validator, src, tgt uint64, root *phase0.Root, allowRepeat bool) (history, error) {
	s := v.sum
	if !s.hasAtts {
		return history{}, nil
	}
	c := v.atts.Cursor()
	record := func(k, val []byte) (*SignedAttestation, error) {
		t, so, _, _ := v.splitAttKey(k)
		r, err := decodeRecord(val)
		if err != nil {
			return nil, fmt.Errorf("attestation target %d: %w", t, err)
		}
		return &SignedAttestation{SourceEpoch: phase0.Epoch(so), TargetEpoch: phase0.Epoch(t), SigningRoot: r}, nil
	}
	// Same target: a repeat or a double vote.
	// A validator holds at most one record per target (a second one would be
	// a double vote, which is never recorded), so the first key at tgt decides.
	if tgt >= s.minTarget && tgt <= s.maxTgt {
		if k, val := c.Seek(v.attKey(tgt, 0)); k != nil {
			t, so, ok, err := v.splitAttKey(k)
			if err != nil {
				return history{}, err
			}
			if ok && t == tgt {
				a, err := record(k, val)
				if err != nil {
					return history{}, err
				}
				if allowRepeat && so == src && sameRoot(a.SigningRoot, root) {
					return history{repeat: true}, nil
				}
				return history{conflict: a, offence: ErrDoubleVote}, nil
			}
		}
	}
	// A recorded attestation surrounds the new one: old.target > tgt and
	// old.source < src.
	if s.maxTgt > tgt && s.minSource < src {
		for k, val := c.Seek(v.attKey(tgt+1, 0)); k != nil; k, val = c.Next() {
			_, so, ok, err := v.splitAttKey(k)
			if err != nil {
				return history{}, err
			}
			if !ok {
				break // next validator's keys
			}
			if so < src {
				a, err := record(k, val)
				return history{conflict: a, offence: ErrSurroundedVote}, err
			}
		}
	}
	// The new attestation surrounds a recorded one: src < old.source <=
	// old.target < tgt (records never have source > target).
	if s.maxSrc > src && tgt > src+1 {
		for k, val := c.Seek(v.attKey(src+1, 0)); k != nil; k, val = c.Next() {
			t, so, ok, err := v.splitAttKey(k)
			if err != nil || !ok || t >= tgt {
				return history{}, err
			}
			if so > src {
				a, err := record(k, val)
				return history{conflict: a, offence: ErrSurroundVote}, err
			}
		}
	}
	return history{}, nil
}
