package qbft

import (
	"fmt"
	"slices"
)

// roundLog holds the valid messages received for one round, at most one per
// source and type (the first; a different second one is an equivocation).
type roundLog struct {
	prePrepare   *Envelope
	prepares     []*Signed
	commits      []*Signed
	roundChanges []*Envelope
}

func (in *Instance) roundLog(r uint32) *roundLog {
	rl := in.log[r]
	if rl == nil {
		rl = &roundLog{}
		in.log[r] = rl
	}
	return rl
}

// storeSigned stores s in slot src of *list (allocated on first use).
func storeSigned(list *[]*Signed, n int, s *Signed) error {
	if *list == nil {
		*list = make([]*Signed, n)
	}
	if old := (*list)[s.Source]; old != nil {
		if old.Message == s.Message {
			return nil
		}
		return fmt.Errorf("%w: %s round %d from %d for two values", ErrEquivocation, s.Type, s.Round, s.Source)
	}
	c := *s
	(*list)[s.Source] = &c
	return nil
}

// accept fully validates e against the current state and stores it.
func (in *Instance) accept(e *Envelope) error {
	r, ri := e.Round, in.st.Round
	ahead := r > ri+in.cfg.MaxRoundsAhead
	switch e.Type {
	case MsgDecided:
		if err := in.justifyDecided(e); err != nil {
			return err
		}
		in.decide(e.Round, e.Value, e.Justification)
	case MsgRoundChange:
		return in.acceptRoundChange(e, r >= ri && !ahead)
	case MsgPrePrepare:
		if r < ri {
			return nil
		}
		if ahead {
			return fmt.Errorf("%w: round %d, current %d", ErrFutureRound, r, ri)
		}
		if rl := in.log[r]; rl != nil && rl.prePrepare != nil {
			if rl.prePrepare.Message == e.Message {
				return nil
			}
			return fmt.Errorf("%w: leader proposed two values in round %d", ErrEquivocation, r)
		}
		if err := in.justifyPrePrepare(e); err != nil {
			return err
		}
		if err := in.cfg.CheckValue(e.Value); err != nil {
			return fmt.Errorf("%w: %w", ErrInvalidValue, err)
		}
		in.roundLog(r).prePrepare = e
		in.values[e.ValueHash] = e.Value
	case MsgPrepare:
		if r < ri {
			return nil
		}
		if ahead {
			return fmt.Errorf("%w: round %d, current %d", ErrFutureRound, r, ri)
		}
		return storeSigned(&in.roundLog(r).prepares, in.cfg.N, &e.Signed)
	case MsgCommit:
		if r+in.cfg.MaxRoundsAhead < ri {
			return nil
		}
		if ahead {
			return fmt.Errorf("%w: round %d, current %d", ErrFutureRound, r, ri)
		}
		return storeSigned(&in.roundLog(r).commits, in.cfg.N, &e.Signed)
	}
	return nil
}

// acceptRoundChange stores a justified ROUND-CHANGE: in the round log when
// inWindow, and as its source's highest ROUND-CHANGE for the f+1 rule.
func (in *Instance) acceptRoundChange(e *Envelope, inWindow bool) error {
	if rl := in.log[e.Round]; inWindow && rl != nil && rl.roundChanges != nil {
		if old := rl.roundChanges[e.Source]; old != nil {
			if old.Message == e.Message {
				return nil
			}
			return fmt.Errorf("%w: two round changes for round %d", ErrEquivocation, e.Round)
		}
	}
	if err := in.justifyRoundChange(e); err != nil {
		return err
	}
	if inWindow {
		rl := in.roundLog(e.Round)
		if rl.roundChanges == nil {
			rl.roundChanges = make([]*Envelope, in.cfg.N)
		}
		rl.roundChanges[e.Source] = e
	}
	if h := in.highestRC[e.Source]; h == nil || h.Round < e.Round {
		in.highestRC[e.Source] = e
	}
	if e.PreparedRound != 0 && inWindow {
		in.values[e.ValueHash] = e.Value
	}
	return nil
}

// moveRound sets the current round, restarts the timer and forgets what is
// no longer needed: everything below the new round except recent COMMITs and
// PRE-PREPAREs (whose values late COMMITs may decide).
func (in *Instance) moveRound(r uint32) {
	in.st.Round = r
	in.dirty = true
	in.resetTimer()
	for round, rl := range in.log {
		switch {
		case round+in.cfg.MaxRoundsAhead < r:
			delete(in.log, round)
		case round < r:
			// Keep the PRE-PREPARE: its value may still be decided by
			// late COMMITs of that round.
			rl.prepares, rl.roundChanges = nil, nil
		}
	}
	// ROUND-CHANGEs that were too far ahead to be logged when they arrived
	// are now in the window: log them (they were validated on arrival).
	for src, e := range in.highestRC {
		if e == nil || e.Round < r || e.Round > r+in.cfg.MaxRoundsAhead {
			continue
		}
		rl := in.roundLog(e.Round)
		if rl.roundChanges == nil {
			rl.roundChanges = make([]*Envelope, in.cfg.N)
		}
		if rl.roundChanges[src] == nil {
			rl.roundChanges[src] = e
			if e.PreparedRound != 0 {
				in.values[e.ValueHash] = e.Value
			}
		}
	}
	in.pruneValues()
}

// pruneValues forgets value bytes that no stored message refers to.
func (in *Instance) pruneValues() {
	used := make(map[Hash]bool, len(in.values))
	if in.st.PreparedRound != 0 {
		used[HashValue(in.st.PreparedValue)] = true
	}
	for _, rl := range in.log {
		if rl.prePrepare != nil {
			used[rl.prePrepare.ValueHash] = true
		}
		for _, list := range [][]*Signed{rl.prepares, rl.commits} {
			for _, m := range list {
				if m != nil {
					used[m.ValueHash] = true
				}
			}
		}
		for _, e := range rl.roundChanges {
			if e != nil {
				used[e.ValueHash] = true
			}
		}
	}
	for h := range in.values {
		if !used[h] {
			delete(in.values, h)
		}
	}
}

// sortedRounds returns the rounds present in the log in ascending order.
func (in *Instance) sortedRounds() []uint32 {
	rounds := make([]uint32, 0, len(in.log))
	for r := range in.log {
		rounds = append(rounds, r)
	}
	slices.Sort(rounds)
	return rounds
}

// quorumFor finds a value hash that at least a quorum of the messages in
// list (indexed by source) agree on, and returns a quorum of them in source
// order.
func (in *Instance) quorumFor(list []*Signed) (Hash, []Signed, bool) {
	for i, a := range list {
		if a == nil {
			continue
		}
		count := 0
		for _, b := range list[i:] {
			if b != nil && b.ValueHash == a.ValueHash {
				count++
			}
		}
		if count < in.q {
			continue
		}
		cert := make([]Signed, 0, in.q)
		for _, b := range list[i:] {
			if b != nil && b.ValueHash == a.ValueHash && len(cert) < in.q {
				cert = append(cert, *b)
			}
		}
		return a.ValueHash, cert, true
	}
	return Hash{}, nil, false
}
