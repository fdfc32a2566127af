package qbft

import "slices"

// run evaluates the paper's upon-rules against the stored messages until
// none fires. Every rule fires at most once per round (guarded by the
// sent-message markers in State), so run terminates.
func (in *Instance) run() {
	for in.st.Decision == nil {
		if in.uponQuorumCommits() {
			return
		}
		progressed := in.uponFPlus1RoundChanges()
		progressed = in.uponQuorumRoundChanges() || progressed
		progressed = in.uponJustifiedPrePrepare() || progressed
		progressed = in.uponQuorumPrepares() || progressed
		if !progressed {
			return
		}
	}
}

// uponJustifiedPrePrepare (Algorithm 2): upon a valid PRE-PREPARE for r_i
// from leader(λ, r_i) such that JustifyPrePrepare holds (checked when it
// was accepted): set the timer to t(r_i) and broadcast PREPARE.
func (in *Instance) uponJustifiedPrePrepare() bool {
	r := in.st.Round
	rl := in.log[r]
	if rl == nil || rl.prePrepare == nil || in.st.PrepareSentRound >= r {
		return false
	}
	in.st.PrepareSentRound = r
	in.dirty = true
	in.resetTimer()
	in.send(Message{Type: MsgPrepare, Round: r, ValueHash: rl.prePrepare.ValueHash}, nil, nil)
	return true
}

// uponQuorumPrepares (Algorithm 2): upon a quorum of PREPAREs for r_i and a
// value: pr_i ← r_i, pv_i ← value, broadcast COMMIT. The quorum is kept as
// the justification of later ROUND-CHANGEs. The value's bytes must be known
// (from the PRE-PREPARE or a ROUND-CHANGE) so that they can be re-proposed.
func (in *Instance) uponQuorumPrepares() bool {
	r := in.st.Round
	rl := in.log[r]
	if rl == nil || in.st.CommitSentRound >= r {
		return false
	}
	hash, cert, ok := in.quorumFor(rl.prepares)
	if !ok {
		return false
	}
	value, known := in.values[hash]
	if !known {
		return false
	}
	in.st.PreparedRound = r
	in.st.PreparedValue = value
	in.st.PreparedCert = cert
	in.st.CommitSentRound = r
	in.dirty = true
	in.send(Message{Type: MsgCommit, Round: r, ValueHash: hash}, nil, nil)
	return true
}

// uponQuorumCommits (Algorithm 2): upon a quorum Qcommit of COMMITs for a
// round and value: stop the timer and decide, with Qcommit as certificate.
// A quorum in any round decides (Lemma: it locks the value).
func (in *Instance) uponQuorumCommits() bool {
	for _, r := range in.sortedRounds() {
		hash, cert, ok := in.quorumFor(in.log[r].commits)
		if !ok {
			continue
		}
		if value, known := in.values[hash]; known {
			in.decide(r, value, cert)
			return true
		}
	}
	return false
}

// uponTimeout (Algorithm 3): upon expire(timer): r_i ← r_i + 1, restart the
// timer with t(r_i) and broadcast ROUND-CHANGE(r_i, pr_i, pv_i).
func (in *Instance) uponTimeout() {
	if in.st.Round >= in.cfg.MaxRound {
		in.timerOn = false
		return
	}
	in.moveRound(in.st.Round + 1)
	in.broadcastRoundChange()
}

// uponFPlus1RoundChanges (Algorithm 3): upon a set Frc of f+1 valid
// ROUND-CHANGEs with rounds above r_i: move to the smallest round in Frc,
// restart the timer and broadcast ROUND-CHANGE. Frc takes each source's
// highest ROUND-CHANGE and the f+1 highest of those, so at least one
// correct process has reached the round moved to.
func (in *Instance) uponFPlus1RoundChanges() bool {
	rounds := make([]uint32, 0, len(in.highestRC))
	for _, e := range in.highestRC {
		if e != nil && e.Round > in.st.Round {
			rounds = append(rounds, e.Round)
		}
	}
	if len(rounds) < in.f+1 {
		return false
	}
	slices.Sort(rounds)
	slices.Reverse(rounds)
	in.moveRound(rounds[in.f])
	in.broadcastRoundChange()
	return true
}

// uponQuorumRoundChanges (Algorithm 3): upon a quorum Qrc of valid
// ROUND-CHANGEs for r_i, if this process leads r_i and JustifyRoundChange
// holds (each prepared ROUND-CHANGE carried its PREPARE quorum when it was
// accepted): broadcast PRE-PREPARE of HighestPrepared(Qrc)'s value, or of
// the input value if none is prepared, justified by Qrc and the PREPARE
// quorum of the highest prepared.
func (in *Instance) uponQuorumRoundChanges() bool {
	r := in.st.Round
	rl := in.log[r]
	if r == 1 || rl == nil || in.st.ProposedRound >= r || in.leader(r) != int(in.cfg.Self) {
		return false
	}
	var highest *Envelope
	count := 0
	for _, e := range rl.roundChanges {
		if e == nil {
			continue
		}
		count++
		if highest == nil || e.PreparedRound > highest.PreparedRound {
			highest = e
		}
	}
	if count < in.q {
		return false
	}
	just := make([]Signed, 0, 2*in.q)
	just = append(just, highest.Signed)
	for _, e := range rl.roundChanges {
		if e != nil && e != highest && len(just) < in.q {
			just = append(just, e.Signed)
		}
	}
	value := in.st.InputValue
	if highest.PreparedRound != 0 {
		value = highest.Value
		just = append(just, highest.Justification...)
	}
	in.broadcastPrePrepare(r, value, just)
	return true
}

// decide records the decision with its commit certificate and stops the
// round timer.
func (in *Instance) decide(round uint32, value []byte, commits []Signed) {
	in.st.Decision = &Decision{
		Instance: in.cfg.Instance,
		Round:    round,
		Value:    value,
		Commits:  append([]Signed(nil), commits...),
	}
	in.timerOn = false
	in.dirty = true
	in.out.Decision = in.st.Decision
	in.log = make(map[uint32]*roundLog)
	clear(in.highestRC)
	clear(in.values)
}

// answerDecided: a decided process answers a ROUND-CHANGE for a round it has
// not answered yet with a DECIDED message carrying its commit certificate,
// so that a lagging process decides at once.
func (in *Instance) answerDecided(e *Envelope) {
	if e.Type != MsgRoundChange || e.Round <= in.replied {
		return
	}
	in.replied = e.Round
	d := in.st.Decision
	in.send(Message{Type: MsgDecided, Round: d.Round, ValueHash: HashValue(d.Value)}, d.Value, d.Commits)
}
