package slashing

import (
	"errors"
	"fmt"

	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// Offences: every refusal to sign wraps exactly one of these.
var (
	// ErrDoubleBlock: a different block (or one with an unknown root) is
	// already recorded at this slot.
	ErrDoubleBlock = errors.New("double block proposal")
	// ErrDoubleVote: a different attestation (or one with an unknown root) is
	// already recorded for this target epoch.
	ErrDoubleVote = errors.New("double vote")
	// ErrSurroundVote: the new attestation surrounds a recorded one
	// (new.source < old.source and old.target < new.target).
	ErrSurroundVote = errors.New("surround vote: new attestation surrounds a recorded one")
	// ErrSurroundedVote: a recorded attestation surrounds the new one
	// (old.source < new.source and new.target < old.target).
	ErrSurroundedVote = errors.New("surrounded vote: a recorded attestation surrounds the new one")
	// ErrBelowWatermark: the message is at or below a low watermark (the
	// oldest record under the complete strategy, the newest under the minimal
	// strategy, or a watermark raised by a minimal import).
	ErrBelowWatermark = errors.New("at or below the slashing protection watermark")
	// ErrSourceAfterTarget: an attestation's source epoch is after its target.
	ErrSourceAfterTarget = errors.New("attestation source epoch is after its target epoch")
)

// Store and interchange errors.
var (
	// ErrClosed is returned by every call made after Close.
	ErrClosed = errors.New("slashing protection store is closed")
	// ErrGenesisValidatorsRootMismatch: the database or interchange belongs to
	// another chain.
	ErrGenesisValidatorsRootMismatch = errors.New("genesis validators root mismatch")
	// ErrUnsupportedVersion: the interchange is not format version "5".
	ErrUnsupportedVersion = errors.New("unsupported interchange format version")
	// ErrInvalidInterchange: the interchange is not well-formed JSON of the
	// EIP-3076 shape (the wrapped error names the field).
	ErrInvalidInterchange = errors.New("invalid interchange")
	// ErrSlashableImport: a complete import holds data that is slashable with
	// respect to itself or the database; nothing was imported. The wrapped
	// *SlashableError names the record.
	ErrSlashableImport = errors.New("interchange contains slashable data")
)

// Kind says which message a SlashableError is about.
type Kind string

// Message kinds.
const (
	KindBlock       Kind = "block"
	KindAttestation Kind = "attestation"
)

// SlashableError is the refusal to sign one message. errors.Is(err, ErrX)
// matches its Offence.
type SlashableError struct {
	// Offence is one of the offence sentinels.
	Offence error
	// Pubkey is the validator.
	Pubkey phase0.BLSPubKey
	// Kind says whether Block or Attestation describes the request.
	Kind Kind
	// Block is the refused block (Kind == KindBlock).
	Block SignedBlock
	// Attestation is the refused attestation (Kind == KindAttestation).
	Attestation SignedAttestation
	// ConflictBlock is the recorded block the request conflicts with, if any.
	ConflictBlock *SignedBlock
	// ConflictAttestation is the recorded attestation the request conflicts
	// with, if any.
	ConflictAttestation *SignedAttestation
	// Watermark describes the watermark that was hit (ErrBelowWatermark).
	Watermark string
}

// Error describes the offence, the request and the conflicting record.
func (e *SlashableError) Error() string {
	var req string
	if e.Kind == KindBlock {
		req = fmt.Sprintf("block slot %d root %s", e.Block.Slot, rootString(e.Block.SigningRoot))
	} else {
		req = fmt.Sprintf("attestation source %d target %d root %s", e.Attestation.SourceEpoch,
			e.Attestation.TargetEpoch, rootString(e.Attestation.SigningRoot))
	}
	msg := fmt.Sprintf("%v: validator %#x: %s", e.Offence, e.Pubkey[:], req)
	switch {
	case e.ConflictBlock != nil:
		msg += fmt.Sprintf(" conflicts with recorded block slot %d root %s",
			e.ConflictBlock.Slot, rootString(e.ConflictBlock.SigningRoot))
	case e.ConflictAttestation != nil:
		msg += fmt.Sprintf(" conflicts with recorded attestation source %d target %d root %s",
			e.ConflictAttestation.SourceEpoch, e.ConflictAttestation.TargetEpoch,
			rootString(e.ConflictAttestation.SigningRoot))
	}
	if e.Watermark != "" {
		msg += " (" + e.Watermark + ")"
	}
	return msg
}

// Unwrap returns the offence sentinel.
func (e *SlashableError) Unwrap() error { return e.Offence }

func rootString(r *phase0.Root) string {
	if r == nil {
		return "unknown"
	}
	return fmt.Sprintf("%#x", r[:])
}
