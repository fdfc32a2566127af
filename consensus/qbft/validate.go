package qbft

import "fmt"

// validateBasic checks everything about e that does not depend on the
// instance's mutable state, except the justification and the value check.
func (in *Instance) validateBasic(e *Envelope) error {
	m := &e.Message
	switch {
	case m.Instance != in.cfg.Instance:
		return fmt.Errorf("%w: %s, want %s", ErrWrongInstance, m.Instance, in.cfg.Instance)
	case int(m.Source) >= in.cfg.N:
		return fmt.Errorf("%w: %d with n=%d", ErrBadSource, m.Source, in.cfg.N)
	case m.Round == 0 || m.Round > in.cfg.MaxRound:
		return fmt.Errorf("%w: %d not in [1, %d]", ErrBadRound, m.Round, in.cfg.MaxRound)
	case len(e.Justification) > 2*in.cfg.N:
		return fmt.Errorf("%w: %d justification messages for n=%d", ErrMalformed, len(e.Justification), in.cfg.N)
	}
	carriesValue := false
	switch m.Type {
	case MsgPrePrepare, MsgDecided:
		if m.PreparedRound != 0 {
			return fmt.Errorf("%w: %s with prepared round %d", ErrMalformed, m.Type, m.PreparedRound)
		}
		carriesValue = true
	case MsgPrepare, MsgCommit:
		if m.PreparedRound != 0 || len(e.Value) != 0 || len(e.Justification) != 0 || m.ValueHash.IsZero() {
			return fmt.Errorf("%w: %s must carry only a value hash", ErrMalformed, m.Type)
		}
	case MsgRoundChange:
		if m.PreparedRound >= m.Round {
			return fmt.Errorf("%w: prepared round %d not below round %d", ErrMalformed, m.PreparedRound, m.Round)
		}
		if m.PreparedRound == 0 {
			if !m.ValueHash.IsZero() || len(e.Value) != 0 || len(e.Justification) != 0 {
				return fmt.Errorf("%w: unprepared ROUND-CHANGE with a value or justification", ErrMalformed)
			}
		} else {
			carriesValue = true
		}
	default:
		return fmt.Errorf("%w: unknown type %d", ErrMalformed, m.Type)
	}
	if carriesValue && HashValue(e.Value) != m.ValueHash {
		return fmt.Errorf("%w: %s round %d", ErrValueHash, m.Type, m.Round)
	}
	if m.Type == MsgPrePrepare {
		if l := in.leader(m.Round); l != int(m.Source) {
			return fmt.Errorf("%w: source %d, leader of round %d is %d", ErrNotLeader, m.Source, m.Round, l)
		}
	}
	return nil
}

// checkQuorum checks that set holds at least a quorum of messages of type
// typ, round and hash for this instance, from distinct valid sources.
func (in *Instance) checkQuorum(set []Signed, typ MsgType, round uint32, hash Hash) error {
	var seen [MaxCommittee]bool
	for i := range set {
		m := &set[i].Message
		switch {
		case m.Type != typ || m.Round != round || m.ValueHash != hash || m.PreparedRound != 0:
			return fmt.Errorf("%w: message %d is %s round %d value %s, want %s round %d value %s",
				ErrBadJustification, i, m.Type, m.Round, m.ValueHash, typ, round, hash)
		case m.Instance != in.cfg.Instance:
			return fmt.Errorf("%w: message %d for instance %s", ErrBadJustification, i, m.Instance)
		case int(m.Source) >= in.cfg.N:
			return fmt.Errorf("%w: message %d from source %d", ErrBadJustification, i, m.Source)
		case seen[m.Source]:
			return fmt.Errorf("%w: source %d appears twice", ErrBadJustification, m.Source)
		}
		seen[m.Source] = true
	}
	if len(set) < in.q {
		return fmt.Errorf("%w: %d %s messages, quorum is %d", ErrBadJustification, len(set), typ, in.q)
	}
	return nil
}

// justifyRoundChange checks a ROUND-CHANGE's own justification: none if it
// is not prepared, else a quorum of PREPAREs for its prepared round and value.
func (in *Instance) justifyRoundChange(e *Envelope) error {
	if e.PreparedRound == 0 {
		return nil
	}
	if err := in.checkQuorum(e.Justification, MsgPrepare, e.PreparedRound, e.ValueHash); err != nil {
		return fmt.Errorf("round change prepared in round %d: %w", e.PreparedRound, err)
	}
	return nil
}

// justifyDecided checks a DECIDED message's commit certificate.
func (in *Instance) justifyDecided(e *Envelope) error {
	if err := in.checkQuorum(e.Justification, MsgCommit, e.Round, e.ValueHash); err != nil {
		return fmt.Errorf("commit certificate: %w", err)
	}
	return nil
}

// justifyPrePrepare is the paper's JustifyPrePrepare (Algorithm 4): round 1
// needs nothing; a higher round needs a quorum Qrc of ROUND-CHANGEs for the
// round, and either none of them is prepared, or the proposed value is
// HighestPrepared(Qrc) and a quorum of PREPAREs for that round and value is
// included. Nothing else may be included.
func (in *Instance) justifyPrePrepare(e *Envelope) error {
	if e.Round == 1 {
		if len(e.Justification) != 0 {
			return fmt.Errorf("%w: round 1 pre-prepare carries %d messages", ErrBadJustification, len(e.Justification))
		}
		return nil
	}
	var rcs, prepares []Signed
	for i := range e.Justification {
		switch e.Justification[i].Type {
		case MsgRoundChange:
			rcs = append(rcs, e.Justification[i])
		case MsgPrepare:
			prepares = append(prepares, e.Justification[i])
		default:
			return fmt.Errorf("%w: pre-prepare justification holds a %s", ErrBadJustification, e.Justification[i].Type)
		}
	}
	var seen [MaxCommittee]bool
	var highest uint32
	valueIsHighest := false
	for i := range rcs {
		m := &rcs[i].Message
		switch {
		case m.Instance != in.cfg.Instance || m.Round != e.Round:
			return fmt.Errorf("%w: round change %d is for %s round %d", ErrBadJustification, i, m.Instance, m.Round)
		case int(m.Source) >= in.cfg.N || seen[m.Source]:
			return fmt.Errorf("%w: round change %d has duplicate or invalid source %d", ErrBadJustification, i, m.Source)
		case m.PreparedRound >= m.Round || (m.PreparedRound == 0) != m.ValueHash.IsZero():
			return fmt.Errorf("%w: round change %d is malformed", ErrBadJustification, i)
		}
		seen[m.Source] = true
		if m.PreparedRound > highest {
			highest, valueIsHighest = m.PreparedRound, false
		}
		if m.PreparedRound == highest && m.ValueHash == e.ValueHash {
			valueIsHighest = true
		}
	}
	if len(rcs) < in.q {
		return fmt.Errorf("%w: %d round changes for round %d, quorum is %d", ErrBadJustification, len(rcs), e.Round, in.q)
	}
	if highest == 0 {
		if len(prepares) != 0 {
			return fmt.Errorf("%w: prepares without a prepared round change", ErrBadJustification)
		}
		return nil
	}
	if !valueIsHighest {
		return fmt.Errorf("%w: value %s is not the highest prepared (round %d)", ErrBadJustification, e.ValueHash, highest)
	}
	if err := in.checkQuorum(prepares, MsgPrepare, highest, e.ValueHash); err != nil {
		return fmt.Errorf("highest prepared round %d: %w", highest, err)
	}
	return nil
}
