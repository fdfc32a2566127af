package qbft_test

// Tests named after the rules of Algorithms 1-3 of "The Istanbul BFT
// Consensus Algorithm" (Moniz, 2020). n = 4 unless said: f = 1, quorum 3.
// With slot 42 the leaders of rounds 1, 2, 3, 4 are processes 2, 3, 0, 1.

import (
	"bytes"
	"testing"

	"github.com/stingerdvt/stinger/consensus/qbft"
)

// Algorithm 1, Start: the leader of round 1 broadcasts PRE-PREPARE of its
// input value and every process starts its timer with t(1).
func TestStart_LeaderBroadcastsPrePrepareAndStartsTimer(t *testing.T) {
	for p := uint16(0); p < 4; p++ {
		in, err := qbft.New(testConfig(4, p))
		if err != nil {
			t.Fatal(err)
		}
		if err := in.Propose(epoch, []byte("v")); err != nil {
			t.Fatal(err)
		}
		rd := in.Ready()
		if rd.State == nil || rd.State.Round != 1 {
			t.Fatalf("process %d: state %+v, want round 1 to persist", p, rd.State)
		}
		if p == leaderOf(4, 1) {
			m := onlyMessage(t, rd.Messages, qbft.MsgPrePrepare, 1)
			if !bytes.Equal(m.Value, []byte("v")) || len(m.Justification) != 0 {
				t.Fatalf("leader pre-prepare %+v", m)
			}
		} else if len(rd.Messages) != 0 {
			t.Fatalf("non-leader %d sent %d messages", p, len(rd.Messages))
		}
		if d, ok := in.Deadline(); !ok || !d.Equal(epoch.Add(baseTimeout)) {
			t.Fatalf("process %d: deadline %v %v, want %v", p, d, ok, epoch.Add(baseTimeout))
		}
	}
}

func TestStep_BeforeStart_Rejected(t *testing.T) {
	in, err := qbft.New(testConfig(4, 0))
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Step(prepare(1, 1, "v")); err != qbft.ErrNotStarted {
		t.Fatalf("got %v, want ErrNotStarted", err)
	}
}

// Algorithm 2: upon a justified PRE-PREPARE for r_i from leader(λ, r_i):
// set the timer to t(r_i) and broadcast PREPARE.
func TestUponJustifiedPrePrepare_BroadcastsPrepare(t *testing.T) {
	in := started(t, 4, 0, "mine")
	later := epoch.Add(baseTimeout / 2)
	in.Tick(later)
	mustStep(t, in, prePrepare(2, 1, "v"))
	m := onlyMessage(t, sent(in), qbft.MsgPrepare, 1)
	if m.ValueHash != qbft.HashValue([]byte("v")) || m.Source != 0 {
		t.Fatalf("prepare %+v", m.Message)
	}
	if d, _ := in.Deadline(); !d.Equal(later.Add(baseTimeout)) {
		t.Fatalf("timer not restarted: deadline %v, want %v", d, later.Add(baseTimeout))
	}
	// A duplicate PRE-PREPARE changes nothing.
	mustStep(t, in, prePrepare(2, 1, "v"))
	if got := sent(in); len(got) != 0 {
		t.Fatalf("duplicate pre-prepare produced %d messages", len(got))
	}
}

func TestUponPrePrepare_InvalidRejectedWithoutStateChange(t *testing.T) {
	tests := []struct {
		name string
		msg  qbft.Envelope
		want error
	}{
		{"not from the leader", prePrepare(1, 1, "v"), qbft.ErrNotLeader},
		{"invalid value", prePrepare(2, 1, "bad value"), qbft.ErrInvalidValue},
		{"value does not match hash", func() qbft.Envelope { e := prePrepare(2, 1, "v"); e.Value = []byte("w"); return e }(), qbft.ErrValueHash},
		{"other instance", func() qbft.Envelope { e := prePrepare(2, 1, "v"); e.Instance.Slot++; return e }(), qbft.ErrWrongInstance},
		{"round zero", prePrepare(2, 0, "v"), qbft.ErrBadRound},
		{"source out of range", prePrepare(4, 1, "v"), qbft.ErrBadSource},
		{"round 1 with justification", prePrepare(2, 1, "v", roundChange(0, 1, 0, "").Signed), qbft.ErrBadJustification},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := started(t, 4, 0, "mine")
			err := in.Step(tt.msg)
			if !errorIs(err, tt.want) {
				t.Fatalf("got %v, want %v", err, tt.want)
			}
			if rd := in.Ready(); !rd.Empty() {
				t.Fatalf("rejected message changed state: %+v", rd)
			}
		})
	}
}

func TestUponPrePrepare_EquivocatingLeaderSecondValueRejected(t *testing.T) {
	in := started(t, 4, 0, "mine")
	mustStep(t, in, prePrepare(2, 1, "v"))
	onlyMessage(t, sent(in), qbft.MsgPrepare, 1)
	if err := in.Step(prePrepare(2, 1, "w")); !errorIs(err, qbft.ErrEquivocation) {
		t.Fatalf("got %v, want ErrEquivocation", err)
	}
	if got := sent(in); len(got) != 0 {
		t.Fatalf("second pre-prepare produced %d messages", len(got))
	}
}

// Algorithm 2: upon a quorum of PREPAREs for r_i and a value: pr_i ← r_i,
// pv_i ← value, broadcast COMMIT.
func TestUponQuorumPrepares_SetsPreparedAndBroadcastsCommit(t *testing.T) {
	in := started(t, 4, 0, "mine")
	mustStep(t, in, prePrepare(2, 1, "v"))
	sent(in)
	mustStep(t, in, prepares(1, "v", 1, 2)...)
	if got := sent(in); len(got) != 0 {
		t.Fatalf("2 prepares (below quorum 3) produced %d messages", len(got))
	}
	mustStep(t, in, prepare(3, 1, "v"))
	rd := in.Ready()
	m := onlyMessage(t, rd.Messages, qbft.MsgCommit, 1)
	if m.ValueHash != qbft.HashValue([]byte("v")) {
		t.Fatalf("commit for %s", m.ValueHash)
	}
	st := rd.State
	if st == nil || st.PreparedRound != 1 || string(st.PreparedValue) != "v" || len(st.PreparedCert) != 3 {
		t.Fatalf("prepared state %+v", st)
	}
}

func TestUponQuorumPrepares_MixedValuesNoQuorum(t *testing.T) {
	in := started(t, 4, 0, "mine")
	mustStep(t, in, prePrepare(2, 1, "v"))
	sent(in)
	mustStep(t, in, prepare(1, 1, "v"), prepare(2, 1, "v"), prepare(3, 1, "w"))
	if got := sent(in); len(got) != 0 {
		t.Fatalf("prepares for two values produced %d messages", len(got))
	}
}

// Algorithm 2: upon a quorum Qcommit of COMMITs: stop the timer and decide
// with Qcommit as certificate.
func TestUponQuorumCommits_DecidesWithCertificate(t *testing.T) {
	in := started(t, 4, 0, "mine")
	mustStep(t, in, prePrepare(2, 1, "v"))
	mustStep(t, in, commits(1, "v", 1, 2)...)
	if in.Decision() != nil {
		t.Fatal("decided on 2 commits")
	}
	mustStep(t, in, commit(3, 1, "v"))
	rd := in.Ready()
	d := rd.Decision
	if d == nil || string(d.Value) != "v" || d.Round != 1 || len(d.Commits) != 3 {
		t.Fatalf("decision %+v", d)
	}
	if rd.State == nil || rd.State.Decision == nil {
		t.Fatal("decision not in the state to persist")
	}
	if _, running := in.Deadline(); running {
		t.Fatal("timer still running after decision")
	}
	mustStep(t, in, commit(0, 1, "v"))
	if in.Ready().Decision != nil {
		t.Fatal("decided twice")
	}
}

// Algorithm 3: upon expire(timer): r_i ← r_i + 1, timer t(r_i), broadcast
// ROUND-CHANGE(r_i, pr_i, pv_i) — carrying the PREPARE quorum when prepared.
func TestUponTimerExpiry_IncrementsRoundAndBroadcastsRoundChange(t *testing.T) {
	t.Run("not prepared", func(t *testing.T) {
		in := started(t, 4, 0, "mine")
		in.Tick(epoch.Add(baseTimeout - 1))
		if in.HasReady() {
			t.Fatal("timer fired early")
		}
		now := epoch.Add(baseTimeout)
		in.Tick(now)
		m := onlyMessage(t, sent(in), qbft.MsgRoundChange, 2)
		if m.PreparedRound != 0 || !m.ValueHash.IsZero() || len(m.Justification) != 0 {
			t.Fatalf("unprepared round change %+v", m)
		}
		if d, _ := in.Deadline(); !d.Equal(now.Add(baseTimeout + stepTimeout)) {
			t.Fatalf("deadline %v, want t(2) after %v", d, now)
		}
	})
	t.Run("prepared", func(t *testing.T) {
		in := started(t, 4, 0, "mine")
		mustStep(t, in, prePrepare(2, 1, "v"))
		mustStep(t, in, prepares(1, "v", 1, 2, 3)...)
		sent(in)
		in.Tick(epoch.Add(baseTimeout))
		m := onlyMessage(t, sent(in), qbft.MsgRoundChange, 2)
		if m.PreparedRound != 1 || string(m.Value) != "v" || len(m.Justification) != 3 {
			t.Fatalf("prepared round change %+v", m)
		}
	})
}

// Algorithm 3: upon f+1 ROUND-CHANGEs with rounds above r_i: move to the
// smallest of them, restart the timer, broadcast ROUND-CHANGE.
func TestUponFPlus1RoundChanges_SkipsToSmallestHigherRound(t *testing.T) {
	in := started(t, 4, 0, "mine")
	mustStep(t, in, roundChange(1, 5, 0, ""))
	if got := sent(in); len(got) != 0 || in.Round() != 1 {
		t.Fatalf("one round change (f=1) moved the round to %d", in.Round())
	}
	mustStep(t, in, roundChange(3, 3, 0, ""))
	onlyMessage(t, sent(in), qbft.MsgRoundChange, 3)
	if in.Round() != 3 {
		t.Fatalf("round %d, want 3", in.Round())
	}
}

func TestUponFPlus1RoundChanges_IgnoresRoundsNotAbove(t *testing.T) {
	in := started(t, 4, 0, "mine")
	in.Tick(epoch.Add(baseTimeout)) // round 2
	sent(in)
	mustStep(t, in, roundChange(1, 2, 0, ""), roundChange(3, 2, 0, ""))
	if in.Round() != 2 || len(sent(in)) != 0 {
		t.Fatalf("round changes for the current round moved to %d", in.Round())
	}
}

// Algorithm 3: upon a quorum of ROUND-CHANGEs for r_i at its leader, none
// prepared: broadcast PRE-PREPARE of the input value, justified by Qrc.
func TestUponQuorumRoundChanges_LeaderProposesInputValueWhenNonePrepared(t *testing.T) {
	leader := leaderOf(4, 2)
	in := started(t, 4, leader, "mine")
	in.Tick(epoch.Add(baseTimeout))
	sent(in)
	mustStep(t, in, roundChange(0, 2, 0, ""), roundChange(1, 2, 0, ""))
	if got := sent(in); len(got) != 0 {
		t.Fatal("proposed on 2 round changes")
	}
	mustStep(t, in, roundChange(2, 2, 0, ""))
	m := onlyMessage(t, sent(in), qbft.MsgPrePrepare, 2)
	if string(m.Value) != "mine" || len(m.Justification) != 3 {
		t.Fatalf("pre-prepare %+v", m)
	}
}

// ... and when some are prepared: propose HighestPrepared(Qrc)'s value with
// the PREPARE quorum that justifies it.
func TestUponQuorumRoundChanges_LeaderProposesHighestPrepared(t *testing.T) {
	leader := leaderOf(4, 3)
	in := started(t, 4, leader, "mine")
	certLow := signedOf(prepares(1, "low", 0, 1, 2)...)
	certHigh := signedOf(prepares(2, "high", 1, 2, 3)...)
	mustStep(t, in, roundChange(1, 3, 1, "low", certLow...), roundChange(2, 3, 0, "")) // f+1: move to 3
	onlyMessage(t, sent(in), qbft.MsgRoundChange, 3)
	mustStep(t, in, roundChange(3, 3, 2, "high", certHigh...))
	m := onlyMessage(t, sent(in), qbft.MsgPrePrepare, 3)
	if string(m.Value) != "high" {
		t.Fatalf("proposed %q, want the highest prepared %q", m.Value, "high")
	}
	// The leader's own pre-prepare must pass its own JustifyPrePrepare.
	mustStep(t, in, m)
	onlyMessage(t, sent(in), qbft.MsgPrepare, 3)
}

// A pre-prepare for a future round is kept and acted on when the process
// reaches that round.
func TestUponJustifiedPrePrepare_FutureRoundActedOnAfterRoundChange(t *testing.T) {
	in := started(t, 4, 0, "mine")
	rcs := signedOf(roundChange(1, 2, 0, ""), roundChange(2, 2, 0, ""), roundChange(3, 2, 0, ""))
	mustStep(t, in, prePrepare(leaderOf(4, 2), 2, "v2", rcs...))
	if got := sent(in); len(got) != 0 {
		t.Fatal("acted on a future-round pre-prepare")
	}
	in.Tick(epoch.Add(baseTimeout))
	msgs := sent(in)
	if len(msgs) != 2 || msgs[0].Type != qbft.MsgRoundChange || msgs[1].Type != qbft.MsgPrepare || msgs[1].Round != 2 {
		t.Fatalf("after timeout sent %+v, want ROUND-CHANGE then PREPARE in round 2", msgs)
	}
}

// A DECIDED message with a valid commit certificate decides at once (a
// lagging process); a decided process answers ROUND-CHANGEs with DECIDED.
func TestUponDecidedCertificate_LaggingProcessDecides(t *testing.T) {
	cert := signedOf(commits(4, "v", 0, 1, 3)...)
	lagging := started(t, 4, 2, "mine")
	mustStep(t, lagging, decided(1, 4, "v", cert...))
	d := lagging.Ready().Decision
	if d == nil || string(d.Value) != "v" || d.Round != 4 {
		t.Fatalf("decision %+v", d)
	}
	mustStep(t, lagging, roundChange(3, 2, 0, ""))
	m := onlyMessage(t, sent(lagging), qbft.MsgDecided, 4)
	if len(m.Justification) != 3 || string(m.Value) != "v" {
		t.Fatalf("decided answer %+v", m)
	}
	mustStep(t, lagging, roundChange(3, 2, 0, ""), roundChange(1, 1, 0, ""))
	if got := sent(lagging); len(got) != 0 {
		t.Fatalf("answered an already answered round: %d messages", len(got))
	}
}

func TestCommitQuorumInEarlierRound_Decides(t *testing.T) {
	in := started(t, 4, 0, "mine")
	mustStep(t, in, prePrepare(2, 1, "v"))
	mustStep(t, in, roundChange(1, 2, 0, ""), roundChange(3, 2, 0, "")) // now round 2
	mustStep(t, in, commits(1, "v", 1, 2, 3)...)
	if d := in.Decision(); d == nil || string(d.Value) != "v" || d.Round != 1 {
		t.Fatalf("decision %+v", d)
	}
}

type ignoredCase struct {
	name    string
	msg     qbft.Envelope
	ignored bool
}

func checkIgnored(t *testing.T, in *qbft.Instance, tests []ignoredCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := in.Ignored(&tt.msg.Message); got != tt.ignored {
				t.Fatalf("Ignored = %v, want %v", got, tt.ignored)
			}
			if tt.ignored {
				_ = in.Step(tt.msg) // may be an error (equivocation); never an effect
				if rd := in.Ready(); !rd.Empty() {
					t.Fatalf("an ignored message produced output %+v", rd)
				}
			}
		})
	}
}

func TestIgnored_OnlyMessagesWithoutEffect(t *testing.T) {
	in := started(t, 4, 0, "mine")
	mustStep(t, in, roundChange(1, 3, 0, ""), roundChange(2, 3, 0, "")) // round 3
	sent(in)
	checkIgnored(t, in, []ignoredCase{
		{"old prepare", prepare(1, 2, "v"), true},
		{"old pre-prepare", prePrepare(leaderOf(4, 1), 1, "v"), true},
		{"current prepare", prepare(1, 3, "v"), false},
		{"old commit (may still decide)", commit(1, 1, "v"), false},
		{"old round change (f+1 bookkeeping)", roundChange(3, 2, 0, ""), false},
	})
	// In round 3, prepare and commit; then more of the same are ignored.
	rcs := signedOf(roundChange(1, 3, 0, ""), roundChange(2, 3, 0, ""), roundChange(3, 3, 0, ""))
	mustStep(t, in, prePrepare(leaderOf(4, 3), 3, "v", rcs...))
	mustStep(t, in, prepares(3, "v", 1, 2, 3)...)
	mustStep(t, in, commit(1, 3, "v"))
	sent(in)
	checkIgnored(t, in, []ignoredCase{
		{"pre-prepare after preparing", prePrepare(leaderOf(4, 3), 3, "v", rcs...), true},
		{"prepare after committing", prepare(0, 3, "v"), true},
		{"commit before deciding", commit(0, 3, "v"), false},
		{"second commit from a source", commit(1, 3, "w"), true},
		{"second round change from a source", roundChange(1, 3, 0, ""), true},
	})
	mustStep(t, in, commits(3, "v", 2, 3)...)
	if in.Ready().Decision == nil {
		t.Fatal("not decided")
	}
	checkIgnored(t, in, []ignoredCase{
		{"commit after deciding", commit(0, 3, "v"), true},
		{"round change after deciding", roundChange(1, 4, 0, ""), false},
	})
}

// ROUND-CHANGEs too far ahead to be logged still count once the process
// reaches their round: the leader of a far round gets its quorum.
func TestUponQuorumRoundChanges_FarAheadRoundChangesCountAfterSkip(t *testing.T) {
	const far = qbft.DefaultMaxRoundsAhead + 10
	leader := leaderOf(4, far)
	in := started(t, 4, leader, "mine")
	others := []uint16{}
	for p := uint16(0); p < 4; p++ {
		if p != leader {
			others = append(others, p)
		}
	}
	mustStep(t, in, roundChange(others[0], far, 0, ""), roundChange(others[1], far, 0, ""))
	onlyMessage(t, sent(in), qbft.MsgRoundChange, far)
	mustStep(t, in, roundChange(others[2], far, 0, ""))
	m := onlyMessage(t, sent(in), qbft.MsgPrePrepare, far)
	if string(m.Value) != "mine" || len(m.Justification) != 3 {
		t.Fatalf("pre-prepare %+v", m)
	}
}
