package consensus_test

import (
	"context"
	"fmt"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	bolt "go.etcd.io/bbolt"

	"github.com/stingerdvt/stinger/consensus"
	"github.com/stingerdvt/stinger/consensus/qbft"
)

// countingVerifier counts signature checks.
type countingVerifier struct {
	consensus.Verifier
	n atomic.Int64
}

func (v *countingVerifier) Verify(source int, data, sig []byte) error {
	v.n.Add(1)
	return v.Verifier.Verify(source, data, sig)
}

// countingSigner counts signatures made (shared by all runners of a cluster).
type countingSigner struct {
	consensus.Signer
	n *atomic.Int64
}

func (s countingSigner) Sign(data []byte) ([]byte, error) {
	s.n.Add(1)
	return s.Signer.Sign(data)
}

// benchCounters counts the signature work of a benchmark.
type benchCounters struct {
	verifies *countingVerifier
	signs    atomic.Int64
}

// benchCluster starts n runners with real signatures, zero network delay and
// round timers long enough never to fire; every runner's subscriber sends
// its decisions to the returned channel. bolted gives each a bbolt store on
// disk (an fsync per state change) instead of memory.
func benchCluster(b *testing.B, n, keyType int, bolted bool) (*cluster, chan consensus.Decided, *benchCounters) {
	counters := &benchCounters{}
	all := make(chan consensus.Decided, 1<<16)
	c := newClusterMerged(b, n, keyType, all, func(i int, cfg *consensus.Config) {
		cfg.Timeout = qbft.IncreasingTimeout(5*time.Second, time.Second)
		if bolted {
			db, err := bolt.Open(filepath.Join(b.TempDir(), fmt.Sprintf("p%d.db", i)), 0o600, nil)
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = db.Close() })
			store, err := consensus.NewBoltStore(db)
			if err != nil {
				b.Fatal(err)
			}
			cfg.Store = store
		}
		if counters.verifies == nil {
			counters.verifies = &countingVerifier{Verifier: cfg.Verifier}
		}
		cfg.Verifier = counters.verifies
		cfg.Signer = countingSigner{Signer: cfg.Signer, n: &counters.signs}
	})
	c.startAll()
	return c, all, counters
}

func proposeAll(b *testing.B, c *cluster, duty qbft.InstanceID) {
	for i := 0; i < c.n; i++ {
		if err := c.runners[i].Propose(context.Background(), duty, fmt.Appendf(nil, "value-%d-%d", duty.Slot, i)); err != nil {
			b.Fatal(err)
		}
	}
}

// latencyReport reports wall-clock percentiles of per-decision durations,
// process CPU time per decision (total and divided by nodes) and the
// signature work per decision.
func latencyReport(b *testing.B, durations []time.Duration, cpu time.Duration, nodes int, verifies, signs int64) {
	slices.Sort(durations)
	ms := func(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
	b.ReportMetric(ms(durations[len(durations)/2]), "p50-ms")
	b.ReportMetric(ms(durations[len(durations)*99/100]), "p99-ms")
	// CPU time of the whole test process (runners, harness, GC) per
	// decision: unlike wall-clock latency, barely affected by other load on
	// the machine.
	b.ReportMetric(ms(cpu)/float64(b.N), "cpu-ms/decision")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N)/float64(nodes), "cpu-µs/decision/node")
	b.ReportMetric(float64(verifies)/float64(b.N), "verifies/decision")
	b.ReportMetric(float64(signs)/float64(b.N), "signs/decision")
}

// BenchmarkDecide measures, for one instance at a time, the wall-clock time
// from the first Propose until every one of n processes has decided, all n
// runners in this process (n > GOMAXPROCS here, so they share the cores),
// ed25519 (or secp256k1) signatures signed and verified by the runners,
// in-memory transport with zero delay. The headline figure is p50-ms of
// n=4/ed25519.
func BenchmarkDecide(b *testing.B) {
	for _, bc := range []struct {
		n       int
		keyType int
		name    string
		bolt    bool
	}{
		{4, crypto.Ed25519, "ed25519", false}, {7, crypto.Ed25519, "ed25519", false}, {10, crypto.Ed25519, "ed25519", false},
		{13, crypto.Ed25519, "ed25519", false}, {4, crypto.Secp256k1, "secp256k1", false}, {4, crypto.Ed25519, "ed25519+bbolt", true},
	} {
		b.Run(fmt.Sprintf("n=%d/%s", bc.n, bc.name), func(b *testing.B) {
			c, all, counters := benchCluster(b, bc.n, bc.keyType, bc.bolt)
			durations := make([]time.Duration, 0, b.N)
			sent0, verified0, signed0 := c.net.Sent(), counters.verifies.n.Load(), counters.signs.Load()
			b.ResetTimer()
			cpu0 := processCPU()
			for i := 0; i < b.N; i++ {
				duty := qbft.InstanceID{Slot: uint64(i), Duty: 1}
				start := time.Now()
				proposeAll(b, c, duty)
				for got := 0; got < bc.n; {
					if d := <-all; d.Duty == duty {
						got++
					}
				}
				durations = append(durations, time.Since(start))
			}
			b.StopTimer()
			cpu := processCPU() - cpu0
			latencyReport(b, durations, cpu, bc.n, counters.verifies.n.Load()-verified0, counters.signs.Load()-signed0)
			b.ReportMetric(float64(c.net.Sent()-sent0)/float64(b.N), "msgs/decision")
		})
	}
}

// BenchmarkDecideRoundChange: n = 4 with process 0, the round-1 leader,
// crashed (never started): the other three time out after 10 ms, exchange
// ROUND-CHANGEs and decide in round 2 on the PRE-PREPARE of process 1,
// justified by a quorum of ROUND-CHANGEs that its receivers have mostly
// verified already. Wall-clock time is dominated by the round timer; the
// figures of interest are the signature checks and CPU per decision.
func BenchmarkDecideRoundChange(b *testing.B) {
	const n, crashed = 4, 0
	counters := &benchCounters{}
	all := make(chan consensus.Decided, 1<<16)
	c := newClusterMerged(b, n, crypto.Ed25519, all, func(_ int, cfg *consensus.Config) {
		cfg.Timeout = qbft.IncreasingTimeout(10*time.Millisecond, 10*time.Millisecond)
		cfg.Leader = func(_ qbft.InstanceID, round uint32) uint16 { return uint16((round - 1) % n) }
		if counters.verifies == nil {
			counters.verifies = &countingVerifier{Verifier: cfg.Verifier}
		}
		cfg.Verifier = counters.verifies
		cfg.Signer = countingSigner{Signer: cfg.Signer, n: &counters.signs}
	})
	c.net.SetConnected(crashed, false)
	for i := 0; i < n; i++ {
		if i != crashed {
			c.start(i)
		}
	}
	durations := make([]time.Duration, 0, b.N)
	verified0, signed0 := counters.verifies.n.Load(), counters.signs.Load()
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		duty := qbft.InstanceID{Slot: uint64(i), Duty: 1}
		start := time.Now()
		for p := 0; p < n; p++ {
			if p == crashed {
				continue
			}
			if err := c.runners[p].Propose(context.Background(), duty, fmt.Appendf(nil, "value-%d-%d", i, p)); err != nil {
				b.Fatal(err)
			}
		}
		for got := 0; got < n-1; {
			if d := <-all; d.Duty == duty {
				got++
			}
		}
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	latencyReport(b, durations, processCPU()-cpu0, n-1, counters.verifies.n.Load()-verified0, counters.signs.Load()-signed0)
}

// replayTransport feeds one runner pre-signed messages of its peers and
// counts what it broadcasts.
type replayTransport struct {
	in   chan consensus.Inbound
	sent atomic.Int64
}

func (t *replayTransport) Broadcast(context.Context, []byte) error {
	t.sent.Add(1)
	return nil
}

func (t *replayTransport) Messages() <-chan consensus.Inbound { return t.in }

// BenchmarkDecideOneRunner isolates one process of an n = 4 cluster: a
// single runner (not the leader) is the only busy goroutine; its three peers
// are replayed from messages signed before the timer starts (the leader's
// PRE-PREPARE, then two PREPAREs and two COMMITs), all delivered right after
// Propose as if the peers answered instantly. The figure is the runner's
// own time from Propose to decision: 5 signature checks, 2 signatures,
// persistence in memory, decoding and the state machine, with no other
// process competing for the cores. It is a per-node processing cost, not a
// consensus latency (see BenchmarkDecide for that).
func BenchmarkDecideOneRunner(b *testing.B) {
	const n, self, leader = 4, 0, 1
	privs, pubs := testKeys(b, n, crypto.Ed25519)
	signers := make([]*consensus.KeySigner, n)
	for i := range signers {
		var err error
		if signers[i], err = consensus.NewKeySigner(privs[i]); err != nil {
			b.Fatal(err)
		}
	}
	verifier, err := consensus.NewKeyVerifier(pubs)
	if err != nil {
		b.Fatal(err)
	}
	counters := &benchCounters{verifies: &countingVerifier{Verifier: verifier}}
	tr := &replayTransport{in: make(chan consensus.Inbound, 1024)}
	decided := make(chan consensus.Decided, 1024)
	r, err := consensus.New(consensus.Config{
		N: n, Self: self, Transport: tr, Signer: countingSigner{Signer: signers[self], n: &counters.signs},
		Verifier: counters.verifies, Store: consensus.NewMemStore(),
		CheckValue: func(qbft.InstanceID, []byte) error { return nil },
		Deadline:   func(qbft.InstanceID) time.Time { return time.Now().Add(time.Minute) },
		Leader:     func(qbft.InstanceID, uint32) uint16 { return leader },
		Timeout:    qbft.IncreasingTimeout(5*time.Second, time.Second),
	})
	if err != nil {
		b.Fatal(err)
	}
	r.Subscribe(func(d consensus.Decided) { decided <- d })
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = r.Run(ctx)
	}()
	b.Cleanup(func() { cancel(); <-done })

	// Peer messages of every iteration, signed before the timer starts.
	sign := func(src int, m qbft.Message, value []byte) consensus.Inbound {
		m.Source = uint16(src)
		e := qbft.Envelope{Signed: qbft.Signed{Message: m}, Value: value}
		sig, err := signers[src].Sign(e.SigningBytes())
		if err != nil {
			b.Fatal(err)
		}
		e.Signature = sig
		data, err := e.MarshalBinary()
		if err != nil {
			b.Fatal(err)
		}
		return consensus.Inbound{From: src, Data: data}
	}
	replay := make([][]consensus.Inbound, b.N)
	for i := range replay {
		duty := qbft.InstanceID{Slot: uint64(i), Duty: 1}
		value := fmt.Appendf(nil, "value-%d", i)
		m := qbft.Message{Instance: duty, Round: 1, ValueHash: qbft.HashValue(value)}
		pp, prep, commit := m, m, m
		pp.Type, prep.Type, commit.Type = qbft.MsgPrePrepare, qbft.MsgPrepare, qbft.MsgCommit
		replay[i] = []consensus.Inbound{sign(leader, pp, value),
			sign(2, prep, nil), sign(3, prep, nil), sign(2, commit, nil), sign(3, commit, nil)}
	}
	durations := make([]time.Duration, 0, b.N)
	verified0, signed0, sent0 := counters.verifies.n.Load(), counters.signs.Load(), tr.sent.Load()
	b.ResetTimer()
	cpu0 := processCPU()
	for i := 0; i < b.N; i++ {
		duty := qbft.InstanceID{Slot: uint64(i), Duty: 1}
		start := time.Now()
		if err := r.Propose(context.Background(), duty, []byte("own")); err != nil {
			b.Fatal(err)
		}
		for _, in := range replay[i] {
			tr.in <- in
		}
		if d := <-decided; d.Duty != duty {
			b.Fatalf("decided %s, want %s", d.Duty, duty)
		}
		durations = append(durations, time.Since(start))
	}
	b.StopTimer()
	latencyReport(b, durations, processCPU()-cpu0, 1, counters.verifies.n.Load()-verified0, counters.signs.Load()-signed0)
	b.ReportMetric(float64(tr.sent.Load()-sent0)/float64(b.N), "broadcasts/decision")
}

// BenchmarkThroughput32 keeps 32 instances in flight at n = 4 and reports
// decisions (all four processes decided) per second.
func BenchmarkThroughput32(b *testing.B) {
	const inFlight = 32
	c, all, _ := benchCluster(b, 4, crypto.Ed25519, false)
	slots := make(chan struct{}, inFlight)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		counts := map[qbft.InstanceID]int{}
		for done := 0; done < b.N; {
			d := <-all
			counts[d.Duty]++
			if counts[d.Duty] == c.n {
				delete(counts, d.Duty)
				done++
				<-slots
			}
		}
	}()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		slots <- struct{}{}
		proposeAll(b, c, qbft.InstanceID{Slot: uint64(i), Duty: 2})
	}
	wg.Wait()
	b.StopTimer()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "decisions/s")
}

// BenchmarkKeySignVerify calibrates the signature costs that dominate a
// decision (see verifies/decision in BenchmarkDecide): compare runs of both
// on the same machine at the same time.
func BenchmarkKeySignVerify(b *testing.B) {
	msg := qbft.Message{Type: qbft.MsgCommit, Round: 1}
	data := msg.SigningBytes()
	for _, kt := range []struct {
		name string
		typ  int
	}{{"ed25519", crypto.Ed25519}, {"secp256k1", crypto.Secp256k1}} {
		privs, pubs := testKeys(b, 1, kt.typ)
		signer, _ := consensus.NewKeySigner(privs[0])
		verifier, _ := consensus.NewKeyVerifier(pubs)
		sig, err := signer.Sign(data)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(kt.name+"/sign", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, err := signer.Sign(data); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(kt.name+"/verify", func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if err := verifier.Verify(0, data, sig); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
