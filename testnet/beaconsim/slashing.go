package beaconsim

import (
	"fmt"

	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// OffenceKind names a slashable offence.
type OffenceKind string

// Offence kinds the detector reports.
const (
	// OffenceDoubleProposal is two different blocks signed for one slot (proposer slashing).
	OffenceDoubleProposal OffenceKind = "double_proposal"
	// OffenceDoubleVote is two different attestation data signed for one target epoch.
	OffenceDoubleVote OffenceKind = "double_vote"
	// OffenceSurroundVote is an attestation whose source and target surround another's (or are surrounded).
	OffenceSurroundVote OffenceKind = "surround_vote"
)

// Offence is one slashable offence found by the detector.
type Offence struct {
	Kind      OffenceKind           `json:"kind"`
	Validator phase0.ValidatorIndex `json:"validator_index"`
	// Detail says which two messages conflict.
	Detail string `json:"detail"`
}

type vote struct {
	source, target phase0.Epoch
	root           phase0.Root
}

// SlashingDetector remembers every validly signed block header and attestation vote and reports the
// slashable offences among them. It is a pure data structure, not safe for concurrent use.
type SlashingDetector struct {
	proposals map[phase0.ValidatorIndex]map[phase0.Slot]phase0.Root
	votes     map[phase0.ValidatorIndex][]vote
}

// NewSlashingDetector returns an empty detector.
func NewSlashingDetector() *SlashingDetector {
	return &SlashingDetector{
		proposals: make(map[phase0.ValidatorIndex]map[phase0.Slot]phase0.Root),
		votes:     make(map[phase0.ValidatorIndex][]vote),
	}
}

// CheckProposal records that validator signed the block with root at slot and returns the offence if it
// signed a different block for the same slot before. Re-submitting the same block is not an offence.
func (d *SlashingDetector) CheckProposal(validator phase0.ValidatorIndex, slot phase0.Slot, root phase0.Root) *Offence {
	bySlot := d.proposals[validator]
	if bySlot == nil {
		bySlot = make(map[phase0.Slot]phase0.Root)
		d.proposals[validator] = bySlot
	}
	prev, seen := bySlot[slot]
	if !seen {
		bySlot[slot] = root
		return nil
	}
	if prev == root {
		return nil
	}
	return &Offence{Kind: OffenceDoubleProposal, Validator: validator,
		Detail: fmt.Sprintf("slot %d: blocks %#x and %#x", slot, prev[:], root[:])}
}

// CheckAttestation records validator's vote for data (whose hash tree root is dataRoot) and returns the
// offences it commits against every vote recorded before (double vote: same target epoch, different data;
// surround vote: strictly surrounding or surrounded source and target). Identical re-submissions are not
// offences and are recorded once.
func (d *SlashingDetector) CheckAttestation(validator phase0.ValidatorIndex, data *phase0.AttestationData,
	dataRoot phase0.Root,
) []Offence {
	v := vote{source: data.Source.Epoch, target: data.Target.Epoch, root: dataRoot}
	var out []Offence
	duplicate := false
	for _, p := range d.votes[validator] {
		switch {
		case p.root == v.root:
			duplicate = true
		case p.target == v.target:
			out = append(out, Offence{Kind: OffenceDoubleVote, Validator: validator,
				Detail: fmt.Sprintf("target epoch %d: data %#x and %#x", v.target, p.root[:], v.root[:])})
		case v.source < p.source && p.target < v.target:
			out = append(out, Offence{Kind: OffenceSurroundVote, Validator: validator,
				Detail: fmt.Sprintf("vote %d->%d surrounds %d->%d", v.source, v.target, p.source, p.target)})
		case p.source < v.source && v.target < p.target:
			out = append(out, Offence{Kind: OffenceSurroundVote, Validator: validator,
				Detail: fmt.Sprintf("vote %d->%d is surrounded by %d->%d", v.source, v.target, p.source, p.target)})
		}
	}
	if !duplicate {
		d.votes[validator] = append(d.votes[validator], v)
	}
	return out
}
