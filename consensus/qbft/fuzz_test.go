package qbft_test

import (
	"bytes"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/consensus/qbft"
)

// FuzzUnmarshalEnvelope: decoding arbitrary bytes never panics, anything it
// accepts re-encodes to the same bytes (the encoding is canonical), and
// stepping it into an instance never panics.
func FuzzUnmarshalEnvelope(f *testing.F) {
	sample := sampleEnvelope()
	good, _ := sample.MarshalBinary()
	f.Add(good)
	f.Add([]byte{})
	f.Add(mustMarshal(prepare(1, 1, "v")))
	f.Add(mustMarshal(roundChange(1, 2, 1, "v", signedOf(prepares(1, "v", 0, 1, 2)...)...)))
	f.Fuzz(func(t *testing.T, b []byte) {
		e, err := qbft.UnmarshalEnvelope(b)
		if err != nil {
			return
		}
		again, err := e.MarshalBinary()
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("accepted encoding is not canonical: %v", err)
		}
		in, err := qbft.New(testConfig(4, 0))
		if err != nil {
			t.Fatal(err)
		}
		if err := in.Propose(epoch, []byte("mine")); err != nil {
			t.Fatal(err)
		}
		_ = in.Step(e)
		in.Ready()
	})
}

// fuzzCluster is n = 4 with processes 0-2 correct and process 3 Byzantine,
// its messages chosen by the fuzzer. A message counts as correctly signed
// if it claims the Byzantine source or was really sent by a correct process.
type fuzzCluster struct {
	nodes   []*qbft.Instance
	queue   []fuzzMsg
	signed  map[qbft.Message]bool
	now     time.Time
	decided map[int]string
}

type fuzzMsg struct {
	to int
	e  qbft.Envelope
}

const fuzzByzantine = 3

func newFuzzCluster(t *testing.T) *fuzzCluster {
	c := &fuzzCluster{signed: map[qbft.Message]bool{}, now: epoch, decided: map[int]string{}}
	for p := 0; p < fuzzByzantine; p++ {
		in, err := qbft.New(testConfig(4, uint16(p)))
		if err != nil {
			t.Fatal(err)
		}
		if err := in.Propose(epoch, []byte{'v', byte('0' + p)}); err != nil {
			t.Fatal(err)
		}
		c.nodes = append(c.nodes, in)
	}
	for p := range c.nodes {
		c.drain(t, p)
	}
	return c
}

func (c *fuzzCluster) authentic(s *qbft.Signed) bool {
	return s.Source == fuzzByzantine || c.signed[s.Message]
}

func (c *fuzzCluster) deliver(t *testing.T, to int, e qbft.Envelope) {
	if c.nodes[to].Ignored(&e.Message) {
		return
	}
	if !c.authentic(&e.Signed) {
		return
	}
	for i := range e.Justification {
		if !c.authentic(&e.Justification[i]) {
			return
		}
	}
	c.nodes[to].Tick(c.now)
	_ = c.nodes[to].Step(e)
	c.drain(t, to)
}

func (c *fuzzCluster) drain(t *testing.T, p int) {
	for c.nodes[p].HasReady() {
		rd := c.nodes[p].Ready()
		for _, m := range rd.Messages {
			c.signed[m.Message] = true
			for to := range c.nodes {
				if to != p {
					c.queue = append(c.queue, fuzzMsg{to: to, e: m})
				}
			}
			if err := c.nodes[p].Step(m); err != nil {
				t.Fatalf("process %d rejected its own %s: %v", p, m.Type, err)
			}
		}
		if d := rd.Decision; d != nil {
			c.decided[p] = string(d.Value)
			for q, v := range c.decided {
				if v != string(d.Value) {
					t.Fatalf("agreement violated: %d decided %q, %d decided %q", p, d.Value, q, v)
				}
			}
		}
	}
}

// pick returns a correctly signed message from the queue, chosen by b.
func (c *fuzzCluster) pick(b byte) (qbft.Signed, bool) {
	if len(c.queue) == 0 {
		return qbft.Signed{}, false
	}
	return c.queue[int(b)%len(c.queue)].e.Signed, true
}

// FuzzStep feeds correct processes a fuzzer-chosen interleaving of their
// own messages, time, and Byzantine messages (raw bytes or built from fuzzed
// fields with justifications drawn from real signed messages). It must never
// panic and correct processes must never decide different values.
func FuzzStep(f *testing.F) {
	f.Add([]byte{0, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7})
	f.Add([]byte{2, 200, 3, 1, 2, 7, 0, 3, 4, 2, 0, 1, 3, 3, 0, 0, 0})
	f.Add([]byte{3, 0, 1, 2, 3, 9, 1, 2, 3, 4, 5, 6, 2, 255, 0, 9, 0, 3})
	f.Fuzz(func(t *testing.T, script []byte) {
		c := newFuzzCluster(t)
		next := func() byte {
			if len(script) == 0 {
				return 0
			}
			b := script[0]
			script = script[1:]
			return b
		}
		for steps := 0; len(script) > 0 && steps < 500; steps++ {
			switch next() % 4 {
			case 0: // deliver a queued correct message (possibly again)
				if len(c.queue) > 0 {
					i := int(next()) % len(c.queue)
					m := c.queue[i]
					if next()%2 == 0 {
						c.queue = append(c.queue[:i], c.queue[i+1:]...)
					}
					c.deliver(t, m.to, m.e)
				}
			case 1: // raw Byzantine bytes
				n := int(next())
				raw := script[:min(n, len(script))]
				script = script[len(raw):]
				if e, err := qbft.UnmarshalEnvelope(raw); err == nil {
					c.deliver(t, int(next())%fuzzByzantine, e)
				}
			case 2: // time passes
				c.now = c.now.Add(time.Duration(next()) * 50 * time.Millisecond)
				for p := range c.nodes {
					c.nodes[p].Tick(c.now)
					c.drain(t, p)
				}
			case 3: // a structured Byzantine message
				c.deliver(t, int(next())%fuzzByzantine, c.byzantineMessage(next))
			}
		}
	})
}

func (c *fuzzCluster) byzantineMessage(next func() byte) qbft.Envelope {
	values := []string{"v0", "v1", "v2", "bad", "x"}
	value := []byte(values[int(next())%len(values)])
	m := qbft.Message{
		Type:      qbft.MsgType(next()%6 + 0),
		Instance:  testInstance,
		Round:     uint32(next() % 6),
		Source:    fuzzByzantine,
		ValueHash: qbft.HashValue(value),
	}
	e := qbft.Envelope{Value: value}
	if next()%3 == 0 {
		m.PreparedRound = uint32(next() % 5)
	}
	if next()%4 == 0 {
		e.Value = nil
	}
	if m.Type == qbft.MsgRoundChange && m.PreparedRound == 0 {
		m.ValueHash, e.Value = qbft.Hash{}, nil
	}
	for k := int(next() % 8); k > 0; k-- {
		if s, ok := c.pick(next()); ok {
			e.Justification = append(e.Justification, s)
		}
	}
	if next()%5 == 0 { // its own round change for the round, as a justification
		e.Justification = append(e.Justification, qbft.Signed{Message: qbft.Message{Type: qbft.MsgRoundChange, Instance: testInstance, Round: m.Round, Source: fuzzByzantine}})
	}
	e.Message = m
	return e
}

// The fuzz harness is not vacuous: delivering only correct messages decides.
func TestFuzzCluster_DecidesWithCorrectMessagesOnly(t *testing.T) {
	c := newFuzzCluster(t)
	for len(c.queue) > 0 {
		m := c.queue[0]
		c.queue = c.queue[1:]
		c.deliver(t, m.to, m.e)
	}
	if len(c.decided) != fuzzByzantine {
		t.Fatalf("%d of %d correct processes decided", len(c.decided), fuzzByzantine)
	}
}
