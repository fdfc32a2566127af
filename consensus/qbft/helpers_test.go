package qbft_test

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/consensus/qbft"
)

var (
	testInstance = qbft.InstanceID{Slot: 42, Duty: 1}
	epoch        = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
)

const (
	baseTimeout = time.Second
	stepTimeout = time.Second
)

// roundRobin is the test leader election: (slot + round - 1) mod n.
func roundRobin(n int) func(qbft.InstanceID, uint32) uint16 {
	return func(id qbft.InstanceID, r uint32) uint16 { return uint16((id.Slot + uint64(r) - 1) % uint64(n)) }
}

var errBadValue = errors.New("value starts with bad")

func checkValue(v []byte) error {
	if bytes.HasPrefix(v, []byte("bad")) {
		return errBadValue
	}
	return nil
}

func testConfig(n int, self uint16) qbft.Config {
	return qbft.Config{
		Instance:   testInstance,
		N:          n,
		Self:       self,
		Leader:     roundRobin(n),
		CheckValue: checkValue,
		Timeout:    qbft.IncreasingTimeout(baseTimeout, stepTimeout),
	}
}

// leaderOf returns the leader of round r with the test election.
func leaderOf(n int, r uint32) uint16 { return roundRobin(n)(testInstance, r) }

// started returns a started instance for process self of n, with its
// initial Ready drained.
func started(t *testing.T, n int, self uint16, input string) *qbft.Instance {
	t.Helper()
	in, err := qbft.New(testConfig(n, self))
	if err != nil {
		t.Fatal(err)
	}
	if err := in.Propose(epoch, []byte(input)); err != nil {
		t.Fatal(err)
	}
	in.Ready()
	return in
}

func env(typ qbft.MsgType, src uint16, round uint32, value []byte) qbft.Envelope {
	return qbft.Envelope{Signed: qbft.Signed{Message: qbft.Message{
		Type: typ, Instance: testInstance, Round: round, Source: src, ValueHash: qbft.HashValue(value),
	}}}
}

func prePrepare(src uint16, round uint32, value string, just ...qbft.Signed) qbft.Envelope {
	e := env(qbft.MsgPrePrepare, src, round, []byte(value))
	e.Value = []byte(value)
	e.Justification = just
	return e
}

func prepare(src uint16, round uint32, value string) qbft.Envelope {
	return env(qbft.MsgPrepare, src, round, []byte(value))
}

func commit(src uint16, round uint32, value string) qbft.Envelope {
	return env(qbft.MsgCommit, src, round, []byte(value))
}

// roundChange builds a ROUND-CHANGE; pr = 0 means not prepared.
func roundChange(src uint16, round, pr uint32, pv string, cert ...qbft.Signed) qbft.Envelope {
	e := qbft.Envelope{Signed: qbft.Signed{Message: qbft.Message{
		Type: qbft.MsgRoundChange, Instance: testInstance, Round: round, Source: src, PreparedRound: pr,
	}}}
	if pr != 0 {
		e.ValueHash = qbft.HashValue([]byte(pv))
		e.Value = []byte(pv)
		e.Justification = cert
	}
	return e
}

func decided(src uint16, round uint32, value string, commits ...qbft.Signed) qbft.Envelope {
	e := env(qbft.MsgDecided, src, round, []byte(value))
	e.Value = []byte(value)
	e.Justification = commits
	return e
}

// signedOf returns the signed parts of envelopes (a justification).
func signedOf(es ...qbft.Envelope) []qbft.Signed {
	out := make([]qbft.Signed, len(es))
	for i := range es {
		out[i] = es[i].Signed
	}
	return out
}

// prepares returns PREPAREs for round and value from the given sources.
func prepares(round uint32, value string, srcs ...uint16) []qbft.Envelope {
	var out []qbft.Envelope
	for _, s := range srcs {
		out = append(out, prepare(s, round, value))
	}
	return out
}

func commits(round uint32, value string, srcs ...uint16) []qbft.Envelope {
	var out []qbft.Envelope
	for _, s := range srcs {
		out = append(out, commit(s, round, value))
	}
	return out
}

func mustStep(t *testing.T, in *qbft.Instance, es ...qbft.Envelope) {
	t.Helper()
	for _, e := range es {
		if err := in.Step(e); err != nil {
			t.Fatalf("step %s round %d from %d: %v", e.Type, e.Round, e.Source, err)
		}
	}
}

// sent returns the messages in the next Ready.
func sent(in *qbft.Instance) []qbft.Envelope { return in.Ready().Messages }

func onlyMessage(t *testing.T, msgs []qbft.Envelope, typ qbft.MsgType, round uint32) qbft.Envelope {
	t.Helper()
	if len(msgs) != 1 {
		t.Fatalf("sent %d messages, want one %s: %+v", len(msgs), typ, msgs)
	}
	m := msgs[0]
	if m.Type != typ || m.Round != round {
		t.Fatalf("sent %s round %d, want %s round %d", m.Type, m.Round, typ, round)
	}
	return m
}
