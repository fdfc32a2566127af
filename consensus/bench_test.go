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

// benchCluster starts n runners with real signatures, zero network delay and
// round timers long enough never to fire, and a merged decision channel;
// bolted gives each a bbolt store on disk (an fsync per state change)
// instead of memory.
func benchCluster(b *testing.B, n, keyType int, bolted bool) (*cluster, chan consensus.Decided, *countingVerifier) {
	var counter *countingVerifier
	c := newCluster(b, n, keyType, func(i int, cfg *consensus.Config) {
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
		if counter == nil {
			counter = &countingVerifier{Verifier: cfg.Verifier}
		}
		cfg.Verifier = counter
	})
	all := make(chan consensus.Decided, 1<<16)
	for i := range c.decided {
		go func(ch chan consensus.Decided) {
			for d := range ch {
				all <- d
			}
		}(c.decided[i])
	}
	c.startAll()
	return c, all, counter
}

func proposeAll(b *testing.B, c *cluster, duty qbft.InstanceID) {
	for i := 0; i < c.n; i++ {
		if err := c.runners[i].Propose(context.Background(), duty, fmt.Appendf(nil, "value-%d-%d", duty.Slot, i)); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDecide measures the time until every one of n processes has
// decided one instance (ed25519 signatures signed and verified by the
// runners, in-memory transport with zero delay), and messages per decision.
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
			c, all, verifies := benchCluster(b, bc.n, bc.keyType, bc.bolt)
			durations := make([]time.Duration, 0, b.N)
			sent0, verified0 := c.net.Sent(), verifies.n.Load()
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
			// CPU time of all n processes per decision: unlike wall-clock
			// latency, barely affected by other load on the machine.
			b.ReportMetric(float64((processCPU()-cpu0).Microseconds())/float64(b.N), "cpu-µs/decision")
			slices.Sort(durations)
			b.ReportMetric(float64(durations[len(durations)/2].Microseconds()), "p50-µs")
			b.ReportMetric(float64(durations[len(durations)*99/100].Microseconds()), "p99-µs")
			b.ReportMetric(float64(c.net.Sent()-sent0)/float64(b.N), "msgs/decision")
			b.ReportMetric(float64(verifies.n.Load()-verified0)/float64(b.N), "verifies/decision")
		})
	}
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
