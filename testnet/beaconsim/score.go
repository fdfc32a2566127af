package beaconsim

import (
	"cmp"
	"fmt"
	"io"
	"slices"
	"text/tabwriter"

	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// DutyType names a scored duty kind (the keys of Stats.ByType).
type DutyType string

// Scored duty types.
const (
	DutyAttestation      DutyType = "attestation"
	DutyAggregation      DutyType = "aggregation"
	DutyProposal         DutyType = "proposal"
	DutySyncCommittee    DutyType = "sync_committee"
	DutySyncContribution DutyType = "sync_contribution"
	// DutyVoluntaryExit and DutyRegistration only ever count invalid signatures (they are not scheduled).
	DutyVoluntaryExit DutyType = "voluntary_exit"
	DutyRegistration  DutyType = "registration"
)

// scoredTypes lists every duty type in display order.
var scoredTypes = []DutyType{DutyAttestation, DutyAggregation, DutyProposal, DutySyncCommittee,
	DutySyncContribution, DutyVoluntaryExit, DutyRegistration}

// Counters are the score of one validator or duty type. Expected counts duties whose slot has started;
// pending = expected - correct - late - missed are duties still inside their window.
type Counters struct {
	Expected          uint64 `json:"expected"`
	Correct           uint64 `json:"correct"`
	Missed            uint64 `json:"missed"`
	Late              uint64 `json:"late"`
	InvalidSignatures uint64 `json:"invalid_signatures"`
	Slashable         uint64 `json:"slashable"`
	// Incorrect counts duties performed in time with a valid signature but a wrong vote (an attestation
	// whose source or target is not the chain's); they are neither correct nor late.
	Incorrect uint64 `json:"incorrect"`
}

func (c *Counters) add(o Counters) {
	c.Expected += o.Expected
	c.Correct += o.Correct
	c.Missed += o.Missed
	c.Late += o.Late
	c.InvalidSignatures += o.InvalidSignatures
	c.Slashable += o.Slashable
	c.Incorrect += o.Incorrect
}

// ValidatorStats is one scored validator's counters, in total and per duty type.
type ValidatorStats struct {
	Index uint64 `json:"index"`
	Counters
	ByType map[DutyType]Counters `json:"by_type"`
}

// Stats is the body of GET /stinger/sim/v1/stats. Only validators from the configured (lock-file) list
// are counted, never the simulator's own.
type Stats struct {
	CurrentSlot    uint64                    `json:"current_slot"`
	HeadSlot       uint64                    `json:"head_slot"`
	JustifiedEpoch uint64                    `json:"justified_epoch"`
	FinalizedEpoch uint64                    `json:"finalized_epoch"`
	Totals         Counters                  `json:"totals"`
	ByType         map[DutyType]Counters     `json:"by_type"`
	Validators     map[string]ValidatorStats `json:"validators"`
	// SignatureChecks counts every signature verification performed (all validators).
	SignatureChecks uint64 `json:"signature_checks"`
	// Offences lists the slashable offences of scored validators.
	Offences []Offence `json:"offences"`
}

type dutyKey struct {
	typ       DutyType
	validator phase0.ValidatorIndex
	slot      phase0.Slot
	sub       uint64 // committee or subcommittee index where a validator can have several duties per slot
}

type openDuty struct {
	deadline phase0.Slot // last slot in which performing it still counts (as late)
	done     bool
}

// scorer keeps the counters of tracked validators. Not safe for concurrent use.
type scorer struct {
	tracked  map[phase0.ValidatorIndex]bool
	counters map[phase0.ValidatorIndex]map[DutyType]*Counters
	open     map[dutyKey]*openDuty
	offences []Offence
}

func newScorer(tracked []phase0.ValidatorIndex) *scorer {
	s := &scorer{tracked: make(map[phase0.ValidatorIndex]bool), open: make(map[dutyKey]*openDuty),
		counters: make(map[phase0.ValidatorIndex]map[DutyType]*Counters)}
	for _, vi := range tracked {
		s.tracked[vi] = true
		s.counters[vi] = make(map[DutyType]*Counters)
		for _, t := range scoredTypes {
			s.counters[vi][t] = &Counters{}
		}
	}
	return s
}

// expect registers a duty of a tracked validator (ignored for others or if already registered).
func (s *scorer) expect(k dutyKey, deadline phase0.Slot) {
	if !s.tracked[k.validator] {
		return
	}
	if _, ok := s.open[k]; ok {
		return
	}
	s.open[k] = &openDuty{deadline: deadline}
	s.counters[k.validator][k.typ].Expected++
}

// perform records a valid submission for k received during slot received: correct if within the duty's
// slot, late after it. A duty performed twice counts once. Unscheduled duties (an aggregation without a
// subscription) are registered on the fly.
func (s *scorer) perform(k dutyKey, received, deadline phase0.Slot) {
	s.performVote(k, received, deadline, true)
}

// performVote is perform for a vote that may be wrong (rightVote false): then it counts as incorrect.
func (s *scorer) performVote(k dutyKey, received, deadline phase0.Slot, rightVote bool) {
	if !s.tracked[k.validator] {
		return
	}
	s.expect(k, deadline)
	d := s.open[k]
	if d.done {
		return
	}
	d.done = true
	switch {
	case !rightVote:
		s.counters[k.validator][k.typ].Incorrect++
	case received <= k.slot:
		s.counters[k.validator][k.typ].Correct++
	default:
		s.counters[k.validator][k.typ].Late++
	}
}

func (s *scorer) invalid(validator phase0.ValidatorIndex, t DutyType) {
	if s.tracked[validator] {
		s.counters[validator][t].InvalidSignatures++
	}
}

// slashable counts one slashable message (which may conflict with several earlier ones) and keeps every
// offence it commits.
func (s *scorer) slashable(t DutyType, offences ...Offence) {
	if len(offences) == 0 || !s.tracked[offences[0].Validator] {
		return
	}
	s.counters[offences[0].Validator][t].Slashable++
	s.offences = append(s.offences, offences...)
}

// closeBefore marks duties whose deadline is before slot and that were never performed as missed.
func (s *scorer) closeBefore(slot phase0.Slot) {
	for k, d := range s.open {
		if d.deadline >= slot {
			continue
		}
		if !d.done {
			s.counters[k.validator][k.typ].Missed++
		}
		delete(s.open, k)
	}
}

// stats fills the counters part of Stats.
func (s *scorer) stats(pubKey func(phase0.ValidatorIndex) phase0.BLSPubKey) Stats {
	st := Stats{ByType: make(map[DutyType]Counters), Validators: make(map[string]ValidatorStats),
		Offences: append([]Offence{}, s.offences...)}
	for vi, byType := range s.counters {
		vs := ValidatorStats{Index: uint64(vi), ByType: make(map[DutyType]Counters)}
		for t, c := range byType {
			vs.ByType[t] = *c
			vs.add(*c)
			tc := st.ByType[t]
			tc.add(*c)
			st.ByType[t] = tc
		}
		st.Totals.add(vs.Counters)
		pk := pubKey(vi)
		st.Validators[fmt.Sprintf("%#x", pk[:])] = vs
	}
	for _, t := range scoredTypes {
		if _, ok := st.ByType[t]; !ok {
			st.ByType[t] = Counters{}
		}
	}
	return st
}

// FormatScore prints stats as a table: the chain summary, then one row per duty type, the totals and one
// row per validator (sorted by index).
func FormatScore(w io.Writer, st Stats) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', tabwriter.AlignRight)
	fmt.Fprintf(tw, "head slot\t%d\tjustified epoch\t%d\tfinalized epoch\t%d\tsignature checks\t%d\t\n",
		st.HeadSlot, st.JustifiedEpoch, st.FinalizedEpoch, st.SignatureChecks)
	fmt.Fprintln(tw, "\t\t\t\t\t\t\t\t\t")
	fmt.Fprintln(tw, "duty\texpected\tcorrect\tlate\tmissed\tincorrect\tinvalid sigs\tslashable\t")
	row := func(name string, c Counters) {
		fmt.Fprintf(tw, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", name, c.Expected, c.Correct, c.Late, c.Missed,
			c.Incorrect, c.InvalidSignatures, c.Slashable)
	}
	for _, t := range scoredTypes {
		row(string(t), st.ByType[t])
	}
	row("total", st.Totals)
	fmt.Fprintln(tw, "\t\t\t\t\t\t\t")
	fmt.Fprintln(tw, "validator\texpected\tcorrect\tlate\tmissed\tincorrect\tinvalid sigs\tslashable\t")
	keys := make([]string, 0, len(st.Validators))
	for k := range st.Validators {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		return cmp.Compare(st.Validators[a].Index, st.Validators[b].Index)
	})
	for _, k := range keys {
		v := st.Validators[k]
		short := k
		if len(short) > 14 {
			short = short[:14] + "…"
		}
		row(fmt.Sprintf("%d %s", v.Index, short), v.Counters)
	}
	for _, o := range st.Offences {
		fmt.Fprintf(tw, "offence\t%s\tvalidator %d\t%s\t\n", o.Kind, o.Validator, o.Detail)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write score table: %w", err)
	}
	return nil
}
