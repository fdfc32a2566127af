package qbft

import (
	"errors"
	"fmt"
	"time"
)

// Defaults for Config fields left zero.
const (
	// DefaultMaxRound bounds the round; an instance stops changing round there.
	DefaultMaxRound = 1 << 12
	// DefaultMaxRoundsAhead is how far beyond the current round messages are
	// kept (ROUND-CHANGEs beyond it still count for the f+1 rule).
	DefaultMaxRoundsAhead = 16
)

// Config parameterises one Instance.
type Config struct {
	// Instance is the consensus instance (duty) to decide.
	Instance InstanceID
	// N is the number of processes; f = Faults(N), quorum = Quorum(N).
	N int
	// Self is this process's index in [0, N).
	Self uint16
	// Leader returns the leader's index for a round (the paper's
	// leader(λ, r)); it must be deterministic and the same everywhere.
	Leader func(instance InstanceID, round uint32) uint16
	// CheckValue validates a proposed value (the paper's β predicate); a
	// PRE-PREPARE whose value fails it is rejected.
	CheckValue func(value []byte) error
	// Timeout is the round timer t(r); it should grow with r.
	Timeout func(round uint32) time.Duration
	// MaxRound bounds rounds (DefaultMaxRound if zero).
	MaxRound uint32
	// MaxRoundsAhead bounds how far ahead messages are stored
	// (DefaultMaxRoundsAhead if zero).
	MaxRoundsAhead uint32
}

// Validate reports the first problem with the configuration.
func (c *Config) Validate() error {
	switch {
	case c.N < 1 || c.N > MaxCommittee:
		return fmt.Errorf("qbft config: N is %d, want 1..%d", c.N, MaxCommittee)
	case int(c.Self) >= c.N:
		return fmt.Errorf("qbft config: Self is %d, want < N=%d", c.Self, c.N)
	case c.Leader == nil:
		return errors.New("qbft config: Leader function is nil")
	case c.CheckValue == nil:
		return errors.New("qbft config: CheckValue function is nil")
	case c.Timeout == nil:
		return errors.New("qbft config: Timeout function is nil")
	}
	return nil
}

// Instance is one QBFT consensus instance: a deterministic state machine.
// It is not safe for concurrent use.
type Instance struct {
	cfg  Config
	f, q int

	st      State
	started bool
	dirty   bool
	out     Ready

	now      time.Time
	timerOn  bool
	deadline time.Time

	log       map[uint32]*roundLog
	highestRC []*Envelope
	values    map[Hash][]byte
	replied   uint32 // highest ROUND-CHANGE round answered with DECIDED
}

// New returns an instance that has not started; call Propose (or use Restore).
func New(cfg Config) (*Instance, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.MaxRound == 0 {
		cfg.MaxRound = DefaultMaxRound
	}
	if cfg.MaxRoundsAhead == 0 {
		cfg.MaxRoundsAhead = DefaultMaxRoundsAhead
	}
	return &Instance{
		cfg:       cfg,
		f:         Faults(cfg.N),
		q:         Quorum(cfg.N),
		st:        State{Instance: cfg.Instance},
		log:       make(map[uint32]*roundLog),
		highestRC: make([]*Envelope, cfg.N),
		values:    make(map[Hash][]byte),
	}, nil
}

// Restore returns a started instance that resumes from a persisted state at
// time now: same round, prepared round and value, sent-message markers and
// decision. Its round timer restarts at now.
func Restore(cfg Config, st *State, now time.Time) (*Instance, error) {
	in, err := New(cfg)
	if err != nil {
		return nil, err
	}
	if st.Instance != cfg.Instance {
		return nil, fmt.Errorf("restore qbft state: state is for %s, config for %s", st.Instance, cfg.Instance)
	}
	if st.Round == 0 || st.Round > in.cfg.MaxRound {
		return nil, fmt.Errorf("restore qbft state: round %d out of range", st.Round)
	}
	in.st = *st.clone()
	in.started = true
	in.now = now
	if st.PreparedRound != 0 {
		in.values[HashValue(st.PreparedValue)] = st.PreparedValue
	}
	if st.Decision == nil {
		in.resetTimer()
	}
	return in, nil
}

// Propose starts the instance at time now with the local input value (the
// paper's Start, Algorithm 1): round 1, and the round-1 leader broadcasts a
// PRE-PREPARE of its value.
func (in *Instance) Propose(now time.Time, value []byte) error {
	if in.started {
		return ErrAlreadyStarted
	}
	if len(value) > MaxValueSize {
		return fmt.Errorf("propose: value of %d bytes exceeds %d", len(value), MaxValueSize)
	}
	in.started = true
	in.now = now
	in.st.Round = 1
	in.st.InputValue = append([]byte(nil), value...)
	in.dirty = true
	if in.leader(1) == int(in.cfg.Self) {
		in.broadcastPrePrepare(1, in.st.InputValue, nil)
	}
	in.resetTimer()
	in.run()
	return nil
}

// Tick advances the instance's notion of time. If the round timer expired,
// the instance moves to the next round and broadcasts a ROUND-CHANGE
// (Algorithm 3, upon expire(timer)). Call it before Step too, so timers set
// by Step start at the right time.
func (in *Instance) Tick(now time.Time) {
	if now.After(in.now) {
		in.now = now
	}
	if !in.started || in.st.Decision != nil || !in.timerOn || in.now.Before(in.deadline) {
		return
	}
	in.uponTimeout()
	in.run()
}

// Step delivers one received envelope whose signatures (its own and those of
// its justification) the caller has verified. It returns an error wrapping
// one of the Err* sentinels if the message is invalid; the state is then
// unchanged. Duplicates and stale messages return nil and change nothing.
func (in *Instance) Step(e Envelope) error {
	if !in.started {
		return ErrNotStarted
	}
	if err := in.validateBasic(&e); err != nil {
		return fmt.Errorf("step %s: %w", e.Type, err)
	}
	if in.st.Decision != nil {
		in.answerDecided(&e)
		return nil
	}
	if err := in.accept(&e); err != nil {
		return fmt.Errorf("step %s round %d from %d: %w", e.Type, e.Round, e.Source, err)
	}
	in.run()
	return nil
}

// HasReady reports whether Ready would return anything.
func (in *Instance) HasReady() bool { return in.dirty || !in.out.Empty() }

// Ready returns the output accumulated since the last call and clears it.
// Persist Ready.State before sending Ready.Messages.
func (in *Instance) Ready() Ready {
	rd := in.out
	in.out = Ready{}
	if in.dirty {
		rd.State = in.st.clone()
		in.dirty = false
	}
	return rd
}

// Round returns the current round (0 before Propose).
func (in *Instance) Round() uint32 { return in.st.Round }

// Decision returns the decision, or nil if the instance has not decided.
func (in *Instance) Decision() *Decision { return in.st.Decision }

// Deadline returns when the round timer expires, if it is running.
func (in *Instance) Deadline() (time.Time, bool) {
	return in.deadline, in.timerOn && in.st.Decision == nil
}

// Config returns the instance's configuration with defaults filled in.
func (in *Instance) Config() Config { return in.cfg }

func (in *Instance) leader(round uint32) int {
	l := int(in.cfg.Leader(in.cfg.Instance, round))
	if l >= in.cfg.N {
		return -1
	}
	return l
}

func (in *Instance) resetTimer() {
	in.timerOn = true
	in.deadline = in.now.Add(in.cfg.Timeout(in.st.Round))
}

func (in *Instance) send(m Message, value []byte, just []Signed) {
	m.Instance = in.cfg.Instance
	m.Source = in.cfg.Self
	in.out.Messages = append(in.out.Messages, Envelope{Signed: Signed{Message: m}, Value: value, Justification: just})
}

func (in *Instance) broadcastPrePrepare(round uint32, value []byte, just []Signed) {
	in.st.ProposedRound = round
	in.dirty = true
	in.send(Message{Type: MsgPrePrepare, Round: round, ValueHash: HashValue(value)}, value, just)
}

func (in *Instance) broadcastRoundChange() {
	r := in.st.Round
	if in.st.RoundChangeSentRound >= r {
		return
	}
	in.st.RoundChangeSentRound = r
	in.dirty = true
	m := Message{Type: MsgRoundChange, Round: r, PreparedRound: in.st.PreparedRound}
	if in.st.PreparedRound == 0 {
		in.send(m, nil, nil)
		return
	}
	m.ValueHash = HashValue(in.st.PreparedValue)
	in.send(m, in.st.PreparedValue, in.st.PreparedCert)
}

// Ignored reports whether Step would ignore m or could not change any output
// because of it: a stale round, a PRE-PREPARE for a round in which we
// already prepared, a PREPARE for a round in which we already committed, a
// second message of a type and round from the same source (a duplicate or
// an equivocation), or anything but a new ROUND-CHANGE after the decision.
// A caller may drop such a message without verifying its signatures, which
// bounds the work a flooding peer can cause. (Equivocations it drops go
// unreported.)
func (in *Instance) Ignored(m *Message) bool {
	if !in.started || m.Instance != in.cfg.Instance || int(m.Source) >= in.cfg.N {
		return false
	}
	if in.st.Decision != nil {
		return m.Type != MsgRoundChange || m.Round <= in.replied
	}
	rl := in.log[m.Round]
	switch m.Type {
	case MsgPrePrepare:
		return m.Round < in.st.Round || m.Round <= in.st.PrepareSentRound || (rl != nil && rl.prePrepare != nil)
	case MsgPrepare:
		return m.Round < in.st.Round || m.Round <= in.st.CommitSentRound || (rl != nil && rl.prepares != nil && rl.prepares[m.Source] != nil)
	case MsgCommit:
		return m.Round+in.cfg.MaxRoundsAhead < in.st.Round || (rl != nil && rl.commits != nil && rl.commits[m.Source] != nil)
	case MsgRoundChange:
		if rl != nil && rl.roundChanges != nil && rl.roundChanges[m.Source] != nil {
			return true
		}
		h := in.highestRC[m.Source]
		return m.Round < in.st.Round && h != nil && h.Round >= m.Round
	default:
		return false
	}
}
