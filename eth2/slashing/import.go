package slashing

import (
	"context"
	"fmt"
	"io"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	bolt "go.etcd.io/bbolt"
	"go.uber.org/zap"
)

// MaxInterchangeSize bounds the interchange documents Import reads.
const MaxInterchangeSize = 256 << 20

// ImportSummary says what an import did.
type ImportSummary struct {
	// Validators is the number of distinct public keys in the file.
	Validators int
	// Blocks and Attestations count the records written (complete) or the
	// records folded into watermarks (minimal).
	Blocks, Attestations int
	// Duplicates counts records already present with the same signing root.
	Duplicates int
}

// Import reads an EIP-3076 v5 interchange from r and applies it atomically:
// either all of it is applied, or nothing and an error says why. The
// metadata must be version "5" and name this store's genesis validators root.
//
// With StrategyComplete every record is stored; if any record is slashable
// with respect to the database or the file itself (ErrSlashableImport
// wrapping a *SlashableError), nothing is imported. Records whose signing
// root is missing never count as identical, so repeating them is slashable.
// With StrategyMinimal only each validator's highest slot, source and target
// are kept, as watermarks that every later check enforces.
func (s *Store) Import(ctx context.Context, r io.Reader, strategy Strategy) (ImportSummary, error) {
	if !strategy.valid() {
		return ImportSummary{}, fmt.Errorf("import interchange: strategy %d: want StrategyComplete or StrategyMinimal", int(strategy))
	}
	raw, err := io.ReadAll(io.LimitReader(r, MaxInterchangeSize+1))
	if err != nil {
		return ImportSummary{}, fmt.Errorf("import interchange: read: %w", err)
	}
	if len(raw) > MaxInterchangeSize {
		return ImportSummary{}, fmt.Errorf("import interchange: %w: larger than %d bytes", ErrInvalidInterchange, MaxInterchangeSize)
	}
	ic, err := ParseInterchange(raw)
	if err != nil {
		return ImportSummary{}, fmt.Errorf("import interchange: %w", err)
	}
	sum, err := s.ImportInterchange(ctx, ic, strategy)
	if err != nil {
		return ImportSummary{}, err
	}
	return sum, nil
}

// ImportInterchange applies an already parsed interchange; see Import. The
// import runs on the store's writer as one transaction, between two group
// commits. If ctx ends before it starts, nothing is applied; if ctx ends
// while it runs, the caller gets ctx's error and the import may still have
// been applied in full (never in part).
func (s *Store) ImportInterchange(ctx context.Context, ic *Interchange, strategy Strategy) (ImportSummary, error) {
	if ic.Metadata.InterchangeFormatVersion != InterchangeFormatVersion {
		return ImportSummary{}, fmt.Errorf("import interchange: %w: metadata.interchange_format_version is %q, want %q",
			ErrUnsupportedVersion, ic.Metadata.InterchangeFormatVersion, InterchangeFormatVersion)
	}
	if ic.Metadata.GenesisValidatorsRoot != s.gvr {
		return ImportSummary{}, fmt.Errorf("import interchange: %w: metadata.genesis_validators_root is %#x, this store protects %#x",
			ErrGenesisValidatorsRootMismatch, ic.Metadata.GenesisValidatorsRoot[:], s.gvr[:])
	}
	var sum ImportSummary
	err := s.runTxn(ctx, func(tx *bolt.Tx) error {
		sum = ImportSummary{}
		chain := tx.Bucket(s.chain)
		if strategy == StrategyMinimal {
			return importMinimal(chain, ic, &sum)
		}
		return importComplete(chain, ic, &sum)
	})
	if err != nil {
		return ImportSummary{}, fmt.Errorf("import interchange: %w", err)
	}
	s.log.Info("imported slashing protection interchange", zap.Stringer("strategy", strategy),
		zap.Int("validators", sum.Validators), zap.Int("blocks", sum.Blocks),
		zap.Int("attestations", sum.Attestations), zap.Int("duplicates", sum.Duplicates))
	return sum, nil
}

func importComplete(chain *bolt.Bucket, ic *Interchange, sum *ImportSummary) error {
	seen := map[phase0.BLSPubKey]bool{}
	for i := range ic.Data {
		d := &ic.Data[i]
		seen[d.Pubkey] = true
		v, err := loadValidator(chain, d.Pubkey)
		if err != nil {
			return err
		}
		for _, b := range d.SignedBlocks {
			if err := importBlock(v, b, sum); err != nil {
				return err
			}
		}
		for _, a := range d.SignedAttestations {
			if err := importAttestation(v, a, sum); err != nil {
				return err
			}
		}
	}
	sum.Validators = len(seen)
	return nil
}

func importBlock(v *validator, b SignedBlock, sum *ImportSummary) error {
	slot := uint64(b.Slot)
	if raw := v.blocks.Get(v.slotKey(slot)); raw != nil {
		old, err := decodeRecord(raw)
		if err != nil {
			return fmt.Errorf("block slot %d: %w", slot, err)
		}
		if sameRoot(old, b.SigningRoot) {
			sum.Duplicates++
			return nil
		}
		return fmt.Errorf("%w: %w", ErrSlashableImport, &SlashableError{Offence: ErrDoubleBlock, Pubkey: v.pubkey,
			Kind: KindBlock, Block: b, ConflictBlock: &SignedBlock{Slot: b.Slot, SigningRoot: old}})
	}
	sum.Blocks++
	return v.putBlock(slot, b.SigningRoot)
}

func importAttestation(v *validator, a SignedAttestation, sum *ImportSummary) error {
	src, tgt := uint64(a.SourceEpoch), uint64(a.TargetEpoch)
	slashable := func(offence error, conflict *SignedAttestation) error {
		return fmt.Errorf("%w: %w", ErrSlashableImport, &SlashableError{Offence: offence, Pubkey: v.pubkey,
			Kind: KindAttestation, Attestation: a, ConflictAttestation: conflict})
	}
	if src > tgt {
		return slashable(ErrSourceAfterTarget, nil)
	}
	h, err := historyConflict(v, src, tgt, a.SigningRoot, true)
	switch {
	case err != nil:
		return err
	case h.repeat:
		sum.Duplicates++
		return nil
	case h.conflict != nil:
		return slashable(h.offence, h.conflict)
	}
	sum.Attestations++
	return v.putAttestation(src, tgt, a.SigningRoot)
}

// importMinimal folds the file into per-validator watermarks: the highest
// slot, source and target, which only ever rise.
func importMinimal(chain *bolt.Bucket, ic *Interchange, sum *ImportSummary) error {
	type maxima struct {
		hasBlock, hasAtt bool
		slot, src, tgt   uint64
	}
	var order []phase0.BLSPubKey
	per := map[phase0.BLSPubKey]*maxima{}
	for i := range ic.Data {
		d := &ic.Data[i]
		m := per[d.Pubkey]
		if m == nil {
			m = &maxima{}
			per[d.Pubkey] = m
			order = append(order, d.Pubkey)
		}
		for _, b := range d.SignedBlocks {
			m.slot, m.hasBlock = max(m.slot, uint64(b.Slot)), true
			sum.Blocks++
		}
		for _, a := range d.SignedAttestations {
			m.src, m.tgt, m.hasAtt = max(m.src, uint64(a.SourceEpoch)), max(m.tgt, uint64(a.TargetEpoch)), true
			sum.Attestations++
		}
	}
	for _, pk := range order {
		m := per[pk]
		v, err := loadValidator(chain, pk)
		if err != nil {
			return err
		}
		if m.hasBlock {
			v.sum.wmSlot = max(v.sum.wmSlot, m.slot)
			v.sum.wmBlockSet = true
		}
		if m.hasAtt {
			v.sum.wmSource, v.sum.wmTarget = max(v.sum.wmSource, m.src), max(v.sum.wmTarget, m.tgt)
			v.sum.wmAttSet = true
		}
		if err := v.saveSummary(); err != nil {
			return err
		}
	}
	sum.Validators = len(order)
	return nil
}
