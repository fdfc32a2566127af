package qbft_test

// A deterministic discrete-event simulation of a QBFT cluster: virtual
// time, a network that delays, reorders, duplicates and drops messages before
// the global stabilisation time (GST), crashed and Byzantine processes, and
// message authentication modelled with per-process MAC keys (a Byzantine
// process cannot sign for a correct one). Everything derives from one seed.

import (
	"container/heap"
	"crypto/sha256"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/stingerdvt/stinger/consensus/qbft"
)

// scenario is everything one simulated instance depends on.
type scenario struct {
	seed      uint64
	n         int
	crashed   int // processes that crash at a random time before GST
	byzantine int // processes with a Byzantine behaviour
	gst       time.Duration
	preDelay  time.Duration // max delay before GST
	postDelay time.Duration // max delay after GST
	loss, dup float64       // probabilities before GST
}

// overloaded reports whether the faulty processes exceed f, in which case
// only safety is checked.
func (s scenario) overloaded() bool { return s.crashed+s.byzantine > qbft.Faults(s.n) }

// scenarioFor derives a scenario from a seed alone, so a seed reproduces.
func scenarioFor(seed uint64) scenario {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	ns := []int{4, 7, 10, 13}
	s := scenario{seed: seed, n: ns[r.IntN(len(ns))]}
	f := qbft.Faults(s.n)
	faulty := r.IntN(f + 1)
	s.byzantine = r.IntN(faulty + 1)
	s.crashed = faulty - s.byzantine
	if r.IntN(8) == 0 {
		// Beyond the fault model: up to f crashed and up to f Byzantine
		// processes together. Safety must hold; termination is not owed.
		s.byzantine, s.crashed = r.IntN(f+1), r.IntN(f+1)
	}
	s.gst = time.Duration(r.IntN(3000)) * time.Millisecond
	s.preDelay = time.Duration(1+r.IntN(400)) * time.Millisecond
	s.postDelay = time.Duration(1+r.IntN(20)) * time.Millisecond
	s.loss = r.Float64() * 0.3
	s.dup = r.Float64() * 0.2
	return s
}

func (s scenario) String() string {
	return fmt.Sprintf("seed=%d n=%d crashed=%d byzantine=%d gst=%v delay=%v/%v loss=%.2f dup=%.2f",
		s.seed, s.n, s.crashed, s.byzantine, s.gst, s.preDelay, s.postDelay, s.loss, s.dup)
}

type eventKind uint8

const (
	evDeliver eventKind = iota
	evTimer
	evStart
	evCrash
)

type event struct {
	at   time.Duration
	seq  uint64
	kind eventKind
	to   int
	data []byte
}

type eventQueue []*event

func (q eventQueue) Len() int { return len(q) }
func (q eventQueue) Less(i, j int) bool {
	if q[i].at != q[j].at {
		return q[i].at < q[j].at
	}
	return q[i].seq < q[j].seq
}
func (q eventQueue) Swap(i, j int)  { q[i], q[j] = q[j], q[i] }
func (q *eventQueue) Push(x any)    { *q = append(*q, x.(*event)) }
func (q *eventQueue) Pop() (x any)  { old := *q; x = old[len(old)-1]; *q = old[:len(old)-1]; return x }
func (q *eventQueue) push(e *event) { heap.Push(q, e) }

type role uint8

const (
	honest role = iota
	crashing
	byzantine
)

type simNode struct {
	role      role
	inst      *qbft.Instance
	started   bool
	crashed   bool
	pending   [][]byte
	timerAt   time.Duration
	timerSet  bool
	behaviour *byzBehaviour
}

// simResult is what one run produced.
type simResult struct {
	decisions  map[int]*qbft.Decision // by honest (or crashing) process
	terminated bool                   // every live honest process decided
	maxRound   uint32
	messages   int            // messages sent by honest processes
	rejected   map[string]int // rejected deliveries by reason
	violation  string         // non-empty on a safety or liveness violation
}

type sim struct {
	sc       scenario
	rng      *rand.Rand
	now      time.Duration
	seq      uint64
	queue    eventQueue
	nodes    []*simNode
	keys     [][32]byte
	proposed map[qbft.Hash]bool
	res      simResult
}

var simEpoch = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)

// simDeadline is the virtual time after GST by which every live honest
// process must have decided.
const simDeadline = 120 * time.Second

// overloadedDeadline bounds runs beyond the fault model (which may never
// decide).
const overloadedDeadline = 20 * time.Second

func simCheckValue(v []byte) error {
	if len(v) < 6 || string(v[:6]) != "valid:" {
		return errBadValue
	}
	return nil
}

func simConfig(sc scenario, self int) qbft.Config {
	return qbft.Config{
		Instance: qbft.InstanceID{Slot: sc.seed, Duty: 1},
		N:        sc.n,
		Self:     uint16(self),
		Leader: func(id qbft.InstanceID, r uint32) uint16 {
			return uint16((id.Slot + uint64(r)) % uint64(sc.n))
		},
		CheckValue: simCheckValue,
		Timeout:    qbft.IncreasingTimeout(200*time.Millisecond, 100*time.Millisecond),
	}
}

func newSim(sc scenario) *sim {
	s := &sim{
		sc:       sc,
		rng:      rand.New(rand.NewPCG(sc.seed, 0x51)),
		proposed: make(map[qbft.Hash]bool),
		res:      simResult{decisions: make(map[int]*qbft.Decision), rejected: make(map[string]int)},
	}
	roles := make([]role, sc.n)
	for i := 0; i < sc.crashed; i++ {
		roles[i] = crashing
	}
	for i := sc.crashed; i < sc.crashed+sc.byzantine; i++ {
		roles[i] = byzantine
	}
	s.rng.Shuffle(len(roles), func(i, j int) { roles[i], roles[j] = roles[j], roles[i] })
	for i := 0; i < sc.n; i++ {
		var key [32]byte
		for j := range key {
			key[j] = byte(s.rng.UintN(256))
		}
		s.keys = append(s.keys, key)
		inst, err := qbft.New(simConfig(sc, i))
		if err != nil {
			panic(err)
		}
		nd := &simNode{role: roles[i], inst: inst}
		if roles[i] == byzantine {
			nd.behaviour = newByzBehaviour(s, i)
		}
		s.nodes = append(s.nodes, nd)
		s.schedule(time.Duration(s.rng.IntN(50))*time.Millisecond, evStart, i, nil)
		if roles[i] == crashing {
			s.schedule(time.Duration(s.rng.Int64N(int64(sc.gst)+1)), evCrash, i, nil)
		}
	}
	return s
}

func (s *sim) schedule(at time.Duration, kind eventKind, to int, data []byte) {
	s.seq++
	s.queue.push(&event{at: at, seq: s.seq, kind: kind, to: to, data: data})
}

func (s *sim) sign(src int, m *qbft.Message) []byte {
	h := sha256.New()
	h.Write(s.keys[src][:])
	h.Write(m.SigningBytes())
	return h.Sum(nil)
}

func (s *sim) verify(sm *qbft.Signed) bool {
	if int(sm.Source) >= s.sc.n {
		return false
	}
	return string(s.sign(int(sm.Source), &sm.Message)) == string(sm.Signature)
}

// send puts an encoded message on the wire towards process to.
func (s *sim) send(to int, data []byte) {
	if s.now < s.sc.gst {
		if s.rng.Float64() < s.sc.loss {
			return
		}
		copies := 1
		if s.rng.Float64() < s.sc.dup {
			copies = 2
		}
		for range copies {
			s.schedule(s.now+time.Duration(s.rng.Int64N(int64(s.sc.preDelay)+1)), evDeliver, to, data)
		}
		return
	}
	s.schedule(s.now+time.Duration(s.rng.Int64N(int64(s.sc.postDelay)+1)), evDeliver, to, data)
}

func (s *sim) broadcast(from int, data []byte) {
	for to := range s.nodes {
		if to != from {
			s.send(to, data)
		}
	}
}

func (s *sim) at() time.Time { return simEpoch.Add(s.now) }

// run executes the scenario and checks agreement, validity and termination.
func (s *sim) run() simResult {
	limit := s.sc.gst + simDeadline
	if s.sc.overloaded() {
		limit = s.sc.gst + overloadedDeadline
	}
	for s.queue.Len() > 0 && !s.allDecided() {
		ev := heap.Pop(&s.queue).(*event)
		if ev.at > limit {
			break
		}
		s.now = ev.at
		s.handle(ev)
		if s.res.violation != "" {
			return s.res
		}
	}
	s.res.terminated = s.allDecided()
	if !s.res.terminated && !s.sc.overloaded() {
		s.res.violation = fmt.Sprintf("termination: not every live honest process decided by GST+%v", simDeadline)
	}
	return s.res
}

func (s *sim) allDecided() bool {
	for i, nd := range s.nodes {
		if nd.role == honest && s.res.decisions[i] == nil {
			return false
		}
	}
	return true
}

func (s *sim) handle(ev *event) {
	nd := s.nodes[ev.to]
	if nd.crashed {
		return
	}
	switch ev.kind {
	case evCrash:
		nd.crashed = true
	case evStart:
		nd.started = true
		value := fmt.Appendf(nil, "valid:%d:%d", s.sc.seed, ev.to)
		s.proposed[qbft.HashValue(value)] = true
		if err := nd.inst.Propose(s.at(), value); err != nil {
			panic(err)
		}
		s.drain(ev.to)
		for _, data := range nd.pending {
			s.deliver(ev.to, data)
		}
		nd.pending = nil
	case evTimer:
		nd.timerSet = false
		nd.inst.Tick(s.at())
		s.drain(ev.to)
	case evDeliver:
		if !nd.started {
			nd.pending = append(nd.pending, ev.data)
			return
		}
		s.deliver(ev.to, ev.data)
	}
}

// deliver decodes, authenticates and steps one message, as the runner does.
func (s *sim) deliver(to int, data []byte) {
	nd := s.nodes[to]
	e, err := qbft.UnmarshalEnvelope(data)
	if err != nil {
		s.res.rejected["encoding"]++
		return
	}
	// As the runner does: skip the signature checks of messages that
	// cannot matter (exercises Ignored under every scenario).
	if nd.inst.Ignored(&e.Message) {
		s.res.rejected["ignored"]++
		return
	}
	if !s.verify(&e.Signed) || slices.ContainsFunc(e.Justification, func(j qbft.Signed) bool { return !s.verify(&j) }) {
		s.res.rejected["signature"]++
		return
	}
	if nd.behaviour != nil {
		nd.behaviour.observe(e)
	}
	nd.inst.Tick(s.at())
	if err := nd.inst.Step(e); err != nil {
		s.res.rejected[qbft.Reason(err)]++
	}
	s.drain(to)
}

// drain handles an instance's Ready: persist (nothing to do in memory), sign
// and broadcast, step own messages, record the decision, re-arm the timer.
func (s *sim) drain(i int) {
	nd := s.nodes[i]
	for nd.inst.HasReady() {
		rd := nd.inst.Ready()
		for _, m := range rd.Messages {
			m.Signature = s.sign(i, &m.Message)
			if nd.behaviour != nil {
				nd.behaviour.outgoing(m)
			} else {
				data, err := m.MarshalBinary()
				if err != nil {
					panic(err)
				}
				s.res.messages += s.sc.n - 1
				s.broadcast(i, data)
			}
			// A Byzantine process's inner instance may have seen its own
			// injected attacks replayed back; only correct ones must
			// accept their own messages.
			if err := nd.inst.Step(m); err != nil && nd.role != byzantine {
				s.res.violation = fmt.Sprintf("process %d rejected its own %s: %v", i, m.Type, err)
			}
		}
		if rd.Decision != nil && nd.role != byzantine {
			s.checkDecision(i, rd.Decision)
		}
	}
	if r := nd.inst.Round(); r > s.res.maxRound && nd.role != byzantine {
		s.res.maxRound = r
	}
	if d, ok := nd.inst.Deadline(); ok {
		at := d.Sub(simEpoch)
		if !nd.timerSet || at != nd.timerAt {
			nd.timerSet, nd.timerAt = true, at
			s.schedule(at, evTimer, i, nil)
		}
	}
	if nd.behaviour != nil {
		nd.behaviour.act()
	}
}

// checkDecision checks agreement, validity and the commit certificate.
func (s *sim) checkDecision(i int, d *qbft.Decision) {
	if prev := s.res.decisions[i]; prev != nil {
		s.res.violation = fmt.Sprintf("process %d decided twice", i)
		return
	}
	s.res.decisions[i] = d
	for j, o := range s.res.decisions {
		if string(o.Value) != string(d.Value) {
			s.res.violation = fmt.Sprintf("agreement: process %d decided %q, process %d decided %q", i, d.Value, j, o.Value)
			return
		}
	}
	h := qbft.HashValue(d.Value)
	if simCheckValue(d.Value) != nil || !s.proposed[h] {
		s.res.violation = fmt.Sprintf("validity: process %d decided %q, invalid or never proposed", i, d.Value)
		return
	}
	seen := map[uint16]bool{}
	for _, c := range d.Commits {
		if c.Type != qbft.MsgCommit || c.Round != d.Round || c.ValueHash != h || seen[c.Source] || !s.verify(&c) {
			s.res.violation = fmt.Sprintf("process %d: invalid commit certificate", i)
			return
		}
		seen[c.Source] = true
	}
	if len(seen) < qbft.Quorum(s.sc.n) {
		s.res.violation = fmt.Sprintf("process %d: commit certificate below quorum", i)
	}
}
