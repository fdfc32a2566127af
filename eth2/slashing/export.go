package slashing

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	bolt "go.etcd.io/bbolt"
)

// Export writes the store's history as an EIP-3076 v5 interchange to w.
// StrategyComplete writes every record, plus a record without signing root at
// each watermark raised by a minimal import; StrategyMinimal writes per
// validator one block at the highest slot and one attestation at the highest
// source and target (a store importing it refuses anything at or below them).
// Validators and records are sorted, so equal histories export equal bytes.
func (s *Store) Export(ctx context.Context, w io.Writer, strategy Strategy) error {
	ic, err := s.ExportInterchange(ctx, strategy)
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(ic); err != nil {
		return fmt.Errorf("export interchange: write: %w", err)
	}
	return nil
}

// ExportInterchange returns the store's history; see Export.
func (s *Store) ExportInterchange(ctx context.Context, strategy Strategy) (*Interchange, error) {
	if !strategy.valid() {
		return nil, fmt.Errorf("export interchange: strategy %d: want StrategyComplete or StrategyMinimal", int(strategy))
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("export interchange: %w", err)
	}
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.closed {
		return nil, fmt.Errorf("export interchange: %w", ErrClosed)
	}
	ic := &Interchange{
		Metadata: InterchangeMetadata{InterchangeFormatVersion: InterchangeFormatVersion, GenesisValidatorsRoot: s.gvr},
		Data:     []InterchangeData{},
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		chain := tx.Bucket(s.chain)
		sums, _, _, err := chainBuckets(chain)
		if err != nil {
			return err
		}
		return sums.ForEach(func(k, _ []byte) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			if len(k) != len(phase0.BLSPubKey{}) {
				return fmt.Errorf("validator key of %d bytes", len(k))
			}
			v, err := loadValidator(chain, phase0.BLSPubKey(k))
			if err != nil {
				return err
			}
			d, err := exportValidator(v, strategy)
			if err != nil {
				return fmt.Errorf("validator %#x: %w", k, err)
			}
			ic.Data = append(ic.Data, d)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("export interchange: %w", err)
	}
	return ic, nil
}

func exportValidator(v *validator, strategy Strategy) (InterchangeData, error) {
	d := InterchangeData{Pubkey: v.pubkey, SignedBlocks: []SignedBlock{}, SignedAttestations: []SignedAttestation{}}
	blocks, err := readBlocks(v)
	if err != nil {
		return d, err
	}
	atts, err := readAttestations(v)
	if err != nil {
		return d, err
	}
	s := v.sum
	if strategy == StrategyComplete {
		if s.wmBlockSet && !hasBlock(blocks, s.wmSlot) {
			blocks = append(blocks, SignedBlock{Slot: phase0.Slot(s.wmSlot)})
			sort.Slice(blocks, func(i, j int) bool { return blocks[i].Slot < blocks[j].Slot })
		}
		if s.wmAttSet && findAttestation(atts, s.wmSource, s.wmTarget) == nil {
			atts = append(atts, SignedAttestation{SourceEpoch: phase0.Epoch(s.wmSource), TargetEpoch: phase0.Epoch(s.wmTarget)})
			sort.Slice(atts, func(i, j int) bool {
				if atts[i].TargetEpoch != atts[j].TargetEpoch {
					return atts[i].TargetEpoch < atts[j].TargetEpoch
				}
				return atts[i].SourceEpoch < atts[j].SourceEpoch
			})
		}
		d.SignedBlocks, d.SignedAttestations = blocks, atts
		return d, nil
	}
	if s.hasBlocks || s.wmBlockSet {
		slot := max(s.maxSlot, s.wmSlot)
		b := SignedBlock{Slot: phase0.Slot(slot)}
		for _, r := range blocks {
			if uint64(r.Slot) == slot {
				b = r
			}
		}
		d.SignedBlocks = []SignedBlock{b}
	}
	if s.hasAtts || s.wmAttSet {
		src, tgt := max(s.maxSrc, s.wmSource), max(s.maxTgt, s.wmTarget)
		a := SignedAttestation{SourceEpoch: phase0.Epoch(src), TargetEpoch: phase0.Epoch(tgt)}
		if r := findAttestation(atts, src, tgt); r != nil {
			a = *r
		}
		d.SignedAttestations = []SignedAttestation{a}
	}
	return d, nil
}

func readBlocks(v *validator) ([]SignedBlock, error) {
	out := []SignedBlock{}
	c := v.blocks.Cursor()
	for k, val := c.Seek(v.slotKey(0)); k != nil; k, val = c.Next() {
		slot, ok, err := v.splitSlotKey(k)
		if err != nil || !ok {
			return out, err
		}
		r, err := decodeRecord(val)
		if err != nil {
			return out, err
		}
		out = append(out, SignedBlock{Slot: phase0.Slot(slot), SigningRoot: r})
	}
	return out, nil
}

func readAttestations(v *validator) ([]SignedAttestation, error) {
	out := []SignedAttestation{}
	c := v.atts.Cursor()
	for k, val := c.Seek(v.attKey(0, 0)); k != nil; k, val = c.Next() {
		tgt, src, ok, err := v.splitAttKey(k)
		if err != nil || !ok {
			return out, err
		}
		r, err := decodeRecord(val)
		if err != nil {
			return out, err
		}
		out = append(out, SignedAttestation{SourceEpoch: phase0.Epoch(src), TargetEpoch: phase0.Epoch(tgt), SigningRoot: r})
	}
	return out, nil
}

func hasBlock(bs []SignedBlock, slot uint64) bool {
	for _, b := range bs {
		if uint64(b.Slot) == slot {
			return true
		}
	}
	return false
}

func findAttestation(as []SignedAttestation, src, tgt uint64) *SignedAttestation {
	for i := range as {
		if uint64(as[i].SourceEpoch) == src && uint64(as[i].TargetEpoch) == tgt {
			return &as[i]
		}
	}
	return nil
}
