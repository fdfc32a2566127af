package qbft_test

import (
	"crypto/ed25519"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stingerdvt/stinger/consensus/qbft"
)

// benchNet runs n instances in one goroutine with zero delay; when sign is
// set every message is ed25519-signed once and every received message and
// justification verified, as the runner does.
type benchNet struct {
	n        int
	sign     bool
	privs    []ed25519.PrivateKey
	pubs     []ed25519.PublicKey
	queue    []benchMsg
	sent     int
	signs    int
	verifies int
}

type benchMsg struct {
	to int
	e  qbft.Envelope
}

func newBenchNet(b *testing.B, n int, sign bool) *benchNet {
	r := rand.New(rand.NewChaCha8([32]byte{1}))
	net := &benchNet{n: n, sign: sign}
	for i := 0; i < n; i++ {
		var seed [32]byte
		for j := range seed {
			seed[j] = byte(r.UintN(256))
		}
		priv := ed25519.NewKeyFromSeed(seed[:])
		net.privs = append(net.privs, priv)
		net.pubs = append(net.pubs, priv.Public().(ed25519.PublicKey))
	}
	return net
}

func (net *benchNet) verify(s *qbft.Signed) bool {
	if !net.sign {
		return true
	}
	net.verifies++
	return ed25519.Verify(net.pubs[s.Source], s.SigningBytes(), s.Signature)
}

func (net *benchNet) drain(b *testing.B, nodes []*qbft.Instance, i int) {
	for nodes[i].HasReady() {
		for _, m := range nodes[i].Ready().Messages {
			if net.sign {
				m.Signature = ed25519.Sign(net.privs[i], m.SigningBytes())
				net.signs++
			}
			for to := 0; to < net.n; to++ {
				if to != i {
					net.queue = append(net.queue, benchMsg{to, m})
					net.sent++
				}
			}
			if err := nodes[i].Step(m); err != nil {
				b.Fatal(err)
			}
		}
	}
}

// decide runs one instance to a decision at every process.
func (net *benchNet) decide(b *testing.B, slot uint64) {
	nodes := make([]*qbft.Instance, net.n)
	cfg := testConfig(net.n, 0)
	cfg.Instance = qbft.InstanceID{Slot: slot, Duty: 1}
	for i := range nodes {
		cfg.Self = uint16(i)
		in, err := qbft.New(cfg)
		if err != nil {
			b.Fatal(err)
		}
		if err := in.Propose(epoch, fmt.Appendf(nil, "value-%d", i)); err != nil {
			b.Fatal(err)
		}
		nodes[i] = in
		net.drain(b, nodes, i)
	}
	for len(net.queue) > 0 {
		m := net.queue[0]
		net.queue = net.queue[1:]
		in := nodes[m.to]
		if in.Ignored(&m.e.Message) || !net.verify(&m.e.Signed) {
			continue
		}
		for j := range m.e.Justification {
			if !net.verify(&m.e.Justification[j]) {
				b.Fatal("bad justification signature")
			}
		}
		if err := in.Step(m.e); err != nil {
			b.Fatal(err)
		}
		net.drain(b, nodes, m.to)
	}
	for i, in := range nodes {
		if in.Decision() == nil {
			b.Fatalf("process %d did not decide", i)
		}
	}
}

// BenchmarkStateMachineDecide: CPU time for all n processes to decide one
// instance in a single goroutine, without and with ed25519 signing and
// verification of every message; also messages per decision.
func BenchmarkStateMachineDecide(b *testing.B) {
	for _, sign := range []bool{false, true} {
		for _, n := range []int{4, 7, 10, 13} {
			b.Run(fmt.Sprintf("n=%d/signed=%v", n, sign), func(b *testing.B) {
				net := newBenchNet(b, n, sign)
				for i := 0; i < b.N; i++ {
					net.decide(b, uint64(i))
				}
				b.ReportMetric(float64(net.sent)/float64(b.N), "msgs/decision")
				if sign {
					b.ReportMetric(float64(net.verifies)/float64(b.N), "verifies/decision")
					b.ReportMetric(float64(net.signs)/float64(b.N), "signs/decision")
				}
			})
		}
	}
}
