package consensus_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/stingerdvt/stinger/consensus"
	"github.com/stingerdvt/stinger/consensus/qbft"
)

var errInvalidValue = errors.New("value rejected")

// seededReader is a deterministic io.Reader for key generation.
type seededReader struct{ r *rand.ChaCha8 }

func (s seededReader) Read(p []byte) (int, error) { return s.r.Read(p) }

func testKeys(t testing.TB, n int, keyType int) ([]crypto.PrivKey, []crypto.PubKey) {
	t.Helper()
	var seed [32]byte
	rd := seededReader{rand.NewChaCha8(seed)}
	var privs []crypto.PrivKey
	var pubs []crypto.PubKey
	for i := 0; i < n; i++ {
		priv, pub, err := crypto.GenerateKeyPairWithReader(keyType, 256, rd)
		if err != nil {
			t.Fatal(err)
		}
		privs, pubs = append(privs, priv), append(pubs, pub)
	}
	return privs, pubs
}

// cluster is n runners on an in-memory network.
type cluster struct {
	n       int
	net     *consensus.InmemNetwork
	runners []*consensus.Runner
	stores  []consensus.Store
	regs    []*prometheus.Registry
	privs   []crypto.PrivKey
	pubs    []crypto.PubKey
	decided []chan consensus.Decided
	cancels []context.CancelFunc
	wg      sync.WaitGroup
}

type clusterOpt func(i int, cfg *consensus.Config)

func testTimeout(r uint32) time.Duration {
	return 50*time.Millisecond + time.Duration(r-1)*50*time.Millisecond
}

func newCluster(t testing.TB, n int, keyType int, opts ...clusterOpt) *cluster {
	t.Helper()
	return newClusterMerged(t, n, keyType, nil, opts...)
}

// newClusterMerged is newCluster, except that when merged is non-nil every
// runner's subscriber sends its decisions there (no per-process channels, so
// no goroutine is needed to fan them in).
func newClusterMerged(t testing.TB, n int, keyType int, merged chan consensus.Decided, opts ...clusterOpt) *cluster {
	t.Helper()
	c := &cluster{n: n, net: consensus.NewInmemNetwork(n)}
	c.privs, c.pubs = testKeys(t, n, keyType)
	verifier, err := consensus.NewKeyVerifier(c.pubs)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < n; i++ {
		signer, err := consensus.NewKeySigner(c.privs[i])
		if err != nil {
			t.Fatal(err)
		}
		reg := prometheus.NewRegistry()
		cfg := consensus.Config{
			N: n, Self: i, Transport: c.net.Transport(i), Signer: signer, Verifier: verifier,
			Store: consensus.NewMemStore(),
			CheckValue: func(_ qbft.InstanceID, v []byte) error {
				if len(v) > 0 && v[0] == '!' {
					return errInvalidValue
				}
				return nil
			},
			Deadline:   func(qbft.InstanceID) time.Time { return time.Now().Add(time.Minute) },
			Timeout:    testTimeout,
			Registerer: reg,
		}
		for _, o := range opts {
			o(i, &cfg)
		}
		r, err := consensus.New(cfg)
		if err != nil {
			t.Fatal(err)
		}
		ch := merged
		if ch == nil {
			ch = make(chan consensus.Decided, 1024)
			c.decided = append(c.decided, ch)
		}
		r.Subscribe(func(d consensus.Decided) { ch <- d })
		c.runners, c.stores, c.regs = append(c.runners, r), append(c.stores, cfg.Store), append(c.regs, reg)
		c.cancels = append(c.cancels, func() {})
	}
	t.Cleanup(c.stopAll)
	return c
}

func (c *cluster) start(i int) {
	ctx, cancel := context.WithCancel(context.Background())
	c.cancels[i] = cancel
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		_ = c.runners[i].Run(ctx)
	}()
}

func (c *cluster) startAll() {
	for i := range c.runners {
		c.start(i)
	}
}

func (c *cluster) stopAll() {
	for _, cancel := range c.cancels {
		cancel()
	}
	c.wg.Wait()
}

func (c *cluster) propose(t testing.TB, i int, duty qbft.InstanceID, value string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := c.runners[i].Propose(ctx, duty, []byte(value)); err != nil {
		t.Fatalf("propose on %d: %v", i, err)
	}
}

func (c *cluster) await(t testing.TB, i int, duty qbft.InstanceID, within time.Duration) consensus.Decided {
	t.Helper()
	timeout := time.After(within)
	for {
		select {
		case d := <-c.decided[i]:
			if d.Duty == duty {
				return d
			}
		case <-timeout:
			t.Fatalf("process %d did not decide %s within %v", i, duty, within)
		}
	}
}
