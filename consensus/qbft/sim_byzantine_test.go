package qbft_test

import (
	"fmt"

	"github.com/stingerdvt/stinger/consensus/qbft"
)

// Byzantine strategies; each Byzantine process gets a random non-empty set.
const (
	stratEquivocate   = 1 << iota // different values to different processes
	stratInvalidValue             // proposes values that fail validation
	stratForge                    // justifications with forged signatures
	stratReplay                   // replays others' messages and justifications out of context
	stratFlood                    // floods future rounds and garbage bytes
	stratAll          = stratEquivocate | stratInvalidValue | stratForge | stratReplay | stratFlood
)

// maxAttacks bounds the injected messages per Byzantine process and run.
const maxAttacks = 300

// byzBehaviour drives a Byzantine process: it runs a correct instance (so
// it knows rounds and has real signed messages to abuse), mutates what that
// instance sends, and injects attack messages.
type byzBehaviour struct {
	s        *sim
	self     int
	strat    int
	attacks  int
	recent   []qbft.Envelope          // recently received envelopes
	rcs      map[uint32][]qbft.Signed // received ROUND-CHANGEs by round
	prepares map[uint32][]qbft.Signed // received PREPAREs by round
	alt      int
}

func newByzBehaviour(s *sim, self int) *byzBehaviour {
	return &byzBehaviour{
		s: s, self: self, strat: 1 + s.rng.IntN(stratAll),
		rcs: make(map[uint32][]qbft.Signed), prepares: make(map[uint32][]qbft.Signed),
	}
}

func (b *byzBehaviour) has(strat int) bool { return b.strat&strat != 0 }

// altValue returns a fresh valid value that counts as proposed.
func (b *byzBehaviour) altValue() []byte {
	b.alt++
	v := fmt.Appendf(nil, "valid:byz:%d:%d:%d", b.s.sc.seed, b.self, b.alt)
	b.s.proposed[qbft.HashValue(v)] = true
	return v
}

func (b *byzBehaviour) observe(e qbft.Envelope) {
	b.recent = append(b.recent, e)
	if len(b.recent) > 64 {
		b.recent = b.recent[1:]
	}
	switch e.Type {
	case qbft.MsgRoundChange:
		b.rcs[e.Round] = append(b.rcs[e.Round], e.Signed)
	case qbft.MsgPrepare:
		b.prepares[e.Round] = append(b.prepares[e.Round], e.Signed)
	}
}

func (b *byzBehaviour) sendTo(to int, e qbft.Envelope) {
	if to == b.self {
		return
	}
	data, err := e.MarshalBinary()
	if err != nil {
		return
	}
	b.s.send(to, data)
}

func (b *byzBehaviour) sign(e *qbft.Envelope) { e.Signature = b.s.sign(b.self, &e.Message) }

func (b *byzBehaviour) withValue(e qbft.Envelope, v []byte) qbft.Envelope {
	e.Value, e.ValueHash = v, qbft.HashValue(v)
	b.sign(&e)
	return e
}

// outgoing sends what the correct instance produced, possibly mutated.
func (b *byzBehaviour) outgoing(m qbft.Envelope) {
	rng := b.s.rng
	for to := range b.s.nodes {
		out := m
		switch {
		case b.has(stratInvalidValue) && m.Type == qbft.MsgPrePrepare:
			out = b.withValue(m, fmt.Appendf(nil, "bad:%d", to))
		case b.has(stratEquivocate) && m.Type == qbft.MsgPrePrepare && rng.IntN(2) == 0:
			out = b.withValue(m, b.altValue())
		case b.has(stratEquivocate) && (m.Type == qbft.MsgPrepare || m.Type == qbft.MsgCommit) && rng.IntN(2) == 0:
			out.ValueHash = qbft.HashValue(b.altValue())
			b.sign(&out)
		case b.has(stratForge) && m.Type == qbft.MsgRoundChange && rng.IntN(2) == 0:
			out = b.forgedPreparedRoundChange(m.Round)
		}
		b.sendTo(to, out)
	}
}

// forgedPreparedRoundChange claims a prepared value with PREPAREs whose
// signatures are forged (correct processes never signed them).
func (b *byzBehaviour) forgedPreparedRoundChange(round uint32) qbft.Envelope {
	v := b.altValue()
	e := qbft.Envelope{Signed: qbft.Signed{Message: qbft.Message{
		Type: qbft.MsgRoundChange, Instance: simConfig(b.s.sc, 0).Instance, Round: round, Source: uint16(b.self),
		PreparedRound: max(round-1, 1), ValueHash: qbft.HashValue(v),
	}}, Value: v}
	if e.PreparedRound >= round {
		e.PreparedRound = 0
		e.Value, e.ValueHash = nil, qbft.Hash{}
	}
	for src := 0; src < qbft.Quorum(b.s.sc.n) && e.PreparedRound != 0; src++ {
		p := qbft.Signed{Message: qbft.Message{Type: qbft.MsgPrepare, Instance: e.Instance, Round: e.PreparedRound, Source: uint16(src), ValueHash: e.ValueHash}}
		p.Signature = b.s.sign(b.self, &p.Message) // wrong key unless src == self
		e.Justification = append(e.Justification, p)
	}
	b.sign(&e)
	return e
}

// act injects at most one attack message set per call.
func (b *byzBehaviour) act() {
	rng := b.s.rng
	if b.attacks >= maxAttacks || rng.IntN(3) != 0 {
		return
	}
	b.attacks++
	inst := simConfig(b.s.sc, 0).Instance
	round := b.s.nodes[b.self].inst.Round()
	switch k := rng.IntN(5); {
	case k == 0 && b.has(stratFlood):
		r := round + 1 + uint32(rng.IntN(40))
		if rng.IntN(4) == 0 {
			r = qbft.DefaultMaxRound - uint32(rng.IntN(3))
		}
		typ := []qbft.MsgType{qbft.MsgRoundChange, qbft.MsgPrepare, qbft.MsgCommit}[rng.IntN(3)]
		e := qbft.Envelope{Signed: qbft.Signed{Message: qbft.Message{Type: typ, Instance: inst, Round: r, Source: uint16(b.self)}}}
		if typ != qbft.MsgRoundChange {
			e.ValueHash = qbft.HashValue(b.altValue())
		}
		b.sign(&e)
		b.broadcast(e)
		garbage := make([]byte, rng.IntN(100))
		for i := range garbage {
			garbage[i] = byte(rng.UintN(256))
		}
		b.s.broadcast(b.self, garbage)
	case k == 1 && b.has(stratReplay) && len(b.recent) > 0:
		b.s.broadcast(b.self, mustMarshal(b.recent[rng.IntN(len(b.recent))]))
	case k == 2 && b.has(stratReplay):
		// A pre-prepare for the next round justified by round changes of
		// this (or an earlier) round: replayed out of context.
		for r, set := range b.rcs {
			e := qbft.Envelope{Signed: qbft.Signed{Message: qbft.Message{Type: qbft.MsgPrePrepare, Instance: inst, Round: r + 1, Source: uint16(b.self)}}, Justification: set}
			b.broadcast(b.withValue(e, b.altValue()))
			break
		}
	case k == 3 && b.has(stratReplay):
		// A round change claiming a prepared value with prepares of another
		// round.
		for r, set := range b.prepares {
			e := qbft.Envelope{Signed: qbft.Signed{Message: qbft.Message{Type: qbft.MsgRoundChange, Instance: inst, Round: round + 1, Source: uint16(b.self), PreparedRound: min(r+1, round)}}, Justification: set}
			if len(set) > 0 && e.PreparedRound < e.Round {
				e.ValueHash = set[0].ValueHash
				b.sign(&e)
				b.broadcast(e)
			}
			break
		}
	case k == 4 && b.has(stratForge):
		// A pre-prepare for a round this process leads, justified by
		// round changes forged in correct processes' names.
		r := round + 1
		e := qbft.Envelope{Signed: qbft.Signed{Message: qbft.Message{Type: qbft.MsgPrePrepare, Instance: inst, Round: r, Source: uint16(b.self)}}}
		for src := 0; src < qbft.Quorum(b.s.sc.n); src++ {
			rc := qbft.Signed{Message: qbft.Message{Type: qbft.MsgRoundChange, Instance: inst, Round: r, Source: uint16(src)}}
			rc.Signature = b.s.sign(b.self, &rc.Message)
			e.Justification = append(e.Justification, rc)
		}
		b.broadcast(b.withValue(e, b.altValue()))
	}
}

func (b *byzBehaviour) broadcast(e qbft.Envelope) { b.s.broadcast(b.self, mustMarshal(e)) }

func mustMarshal(e qbft.Envelope) []byte {
	data, err := e.MarshalBinary()
	if err != nil {
		panic(err)
	}
	return data
}
