package dkg

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Transport carries the ceremony's rounds between the operators. Rounds are
// all-to-all: every operator sends one payload per round and needs every other
// operator's payload for that round before it goes on.
//
// Implementations must deliver payloads authenticated: the payload returned
// for operator i was sent by operator i (the p2p transport checks the
// sender's signature) and unchanged.
type Transport interface {
	// Exchange sends payload as this operator's message for round and returns
	// every operator's payload for it, indexed by operator (this operator's
	// own included). If ctx ends first it returns a *MissingError naming the
	// operators whose payloads did not arrive.
	Exchange(ctx context.Context, round Round, payload []byte) (map[int][]byte, error)
}

// Round identifies a ceremony round.
type Round uint32

// The ceremony's rounds, in order.
const (
	RoundDeal Round = iota + 1
	RoundVerify
	RoundJustify
	RoundDeposit
	RoundLock
)

func (r Round) String() string {
	switch r {
	case RoundDeal:
		return "deal"
	case RoundVerify:
		return "verify"
	case RoundJustify:
		return "justify"
	case RoundDeposit:
		return "deposit"
	case RoundLock:
		return "lock"
	default:
		return fmt.Sprintf("round(%d)", uint32(r))
	}
}

// MissingError reports operators that sent nothing for a round before the
// deadline.
type MissingError struct {
	Round     Round
	Operators []int
	// Names are the operators' display names, filled in by the ceremony.
	Names []string
	Err   error
}

func (e *MissingError) Error() string {
	who := e.Names
	if len(who) == 0 {
		for _, o := range e.Operators {
			who = append(who, fmt.Sprintf("operator %d", o))
		}
	}
	return fmt.Sprintf("dkg round %s: no message from %s: %v", e.Round, strings.Join(who, ", "), e.Err)
}

func (e *MissingError) Unwrap() error { return e.Err }

// MemNetwork connects in-process operators for tests and the trusted
// single-process tools. Each operator gets its own MemTransport.
type MemNetwork struct {
	n    int
	mu   sync.Mutex
	cond *sync.Cond
	msgs map[Round]map[int][]byte
	// Drop, when set, reports whether the payload from operator `from` for
	// round must be lost (a crashed or absent operator).
	Drop func(from int, round Round) bool
}

// NewMemNetwork returns a network for n operators.
func NewMemNetwork(n int) *MemNetwork {
	m := &MemNetwork{n: n, msgs: make(map[Round]map[int][]byte)}
	m.cond = sync.NewCond(&m.mu)
	return m
}

// Transport returns operator idx's transport.
func (m *MemNetwork) Transport(idx int) Transport {
	return &memTransport{net: m, idx: idx}
}

type memTransport struct {
	net *MemNetwork
	idx int
}

func (t *memTransport) Exchange(ctx context.Context, round Round, payload []byte) (map[int][]byte, error) {
	m := t.net
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.msgs[round] == nil {
		m.msgs[round] = make(map[int][]byte)
	}
	if m.Drop == nil || !m.Drop(t.idx, round) {
		m.msgs[round][t.idx] = append([]byte(nil), payload...)
		m.cond.Broadcast()
	}
	stop := context.AfterFunc(ctx, func() {
		m.mu.Lock()
		m.cond.Broadcast()
		m.mu.Unlock()
	})
	defer stop()
	for {
		got := m.msgs[round]
		if len(got) == m.n {
			out := make(map[int][]byte, m.n)
			for k, v := range got {
				out[k] = append([]byte(nil), v...)
			}
			if _, ok := out[t.idx]; !ok {
				out[t.idx] = append([]byte(nil), payload...)
			}
			return out, nil
		}
		if err := ctx.Err(); err != nil {
			missing := missingFrom(got, m.n, t.idx)
			if len(missing) == 0 {
				// Only our own dropped payload is absent; we still have it.
				out := make(map[int][]byte, m.n)
				for k, v := range got {
					out[k] = append([]byte(nil), v...)
				}
				out[t.idx] = append([]byte(nil), payload...)
				return out, nil
			}
			return nil, &MissingError{Round: round, Operators: missing, Err: err}
		}
		m.cond.Wait()
	}
}

func missingFrom(got map[int][]byte, n, self int) []int {
	var missing []int
	for i := range n {
		if _, ok := got[i]; !ok && i != self {
			missing = append(missing, i)
		}
	}
	sort.Ints(missing)
	return missing
}

// errMalformed marks a payload that cannot be decoded; the ceremony names its sender.
var errMalformed = errors.New("malformed message")
