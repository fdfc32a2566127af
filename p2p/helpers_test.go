package p2p_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
	"github.com/prometheus/client_golang/prometheus"
	dto "github.com/prometheus/client_model/go"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/p2p"
)

var testLockHash = []byte("0123456789abcdef0123456789abcdef")

// testKey derives a deterministic secp256k1 key from seed (crypto.GenerateSecp256k1Key ignores
// its reader, so the raw scalar is drawn from a seeded ChaCha8 instead).
func testKey(t testing.TB, seed byte) crypto.PrivKey {
	t.Helper()
	var s [32]byte
	s[0] = seed
	raw := make([]byte, 32)
	_, _ = rand.NewChaCha8(s).Read(raw)
	key, err := crypto.UnmarshalSecp256k1PrivateKey(raw)
	if err != nil {
		t.Fatalf("generate key: %v", err)
	}
	return key
}

func mustID(t testing.TB, key crypto.PrivKey) peer.ID {
	t.Helper()
	id, err := peer.IDFromPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

func loopback(t testing.TB, addrs ...string) []ma.Multiaddr {
	t.Helper()
	out, err := p2p.ParseMultiaddrs(addrs)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// testConfig is a node config with test timings: reconnect backoff 50 ms..500 ms, ping every 200 ms.
func testConfig(key crypto.PrivKey, peers []p2p.Peer, seed uint64) p2p.Config {
	cfg := p2p.DefaultConfig()
	cfg.Key = key
	cfg.Peers = peers
	cfg.LockHash = testLockHash
	cfg.ReconnectMin = 50 * time.Millisecond
	cfg.ReconnectMax = 500 * time.Millisecond
	cfg.DialTimeout = 2 * time.Second
	cfg.PingInterval = 200 * time.Millisecond
	cfg.PingTimeout = time.Second
	cfg.RelayRefresh = time.Second
	cfg.Logger = zap.NewNop()
	cfg.Rand = rand.New(rand.NewPCG(seed, seed+1))
	return cfg
}

// testCluster is n in-process nodes on 127.0.0.1.
type testCluster struct {
	// configure, if set, adjusts node i's config before it is created.
	configure func(i int, cfg *p2p.Config)
	keys      []crypto.PrivKey
	peers     []p2p.Peer
	nodes     []*p2p.Node
	regs      []*prometheus.Registry
	stops     []context.CancelFunc
	done      []chan struct{}
}

// newCluster creates n nodes listening on loopback TCP and tells each the others' addresses.
// Nodes are not running until run is called.
func newCluster(t testing.TB, n int) *testCluster {
	t.Helper()
	return newClusterWith(t, n, nil)
}

// newClusterWith is newCluster with configure applied to every node's config.
func newClusterWith(t testing.TB, n int, configure func(i int, cfg *p2p.Config)) *testCluster {
	t.Helper()
	c := &testCluster{configure: configure}
	for i := range n {
		c.keys = append(c.keys, testKey(t, byte(i+1)))
		c.peers = append(c.peers, p2p.Peer{ID: mustID(t, c.keys[i]), Name: fmt.Sprintf("op%d", i)})
	}
	for i := range n {
		c.nodes = append(c.nodes, nil)
		c.regs = append(c.regs, nil)
		c.stops = append(c.stops, nil)
		c.done = append(c.done, nil)
		c.start(t, i, loopback(t, "/ip4/127.0.0.1/tcp/0"))
	}
	for i, nd := range c.nodes {
		for j, other := range c.nodes {
			if i != j {
				if err := nd.AddAddrs(other.ID(), other.Host().Network().ListenAddresses()); err != nil {
					t.Fatal(err)
				}
			}
		}
	}
	t.Cleanup(func() {
		for i := range c.nodes {
			c.stop(i)
		}
	})
	return c
}

// start (re)creates node i listening on listen; it does not run it.
func (c *testCluster) start(t testing.TB, i int, listen []ma.Multiaddr) {
	t.Helper()
	reg := prometheus.NewRegistry()
	cfg := testConfig(c.keys[i], c.peers, uint64(i))
	cfg.ListenAddrs = listen
	cfg.Registerer = reg
	if c.configure != nil {
		c.configure(i, &cfg)
	}
	nd, err := p2p.New(cfg)
	if err != nil {
		t.Fatalf("new node %d: %v", i, err)
	}
	c.nodes[i], c.regs[i] = nd, reg
}

// run starts node i's Run loop.
func (c *testCluster) run(i int) {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	c.stops[i], c.done[i] = cancel, done
	nd := c.nodes[i]
	go func() {
		defer close(done)
		_ = nd.Run(ctx)
	}()
}

func (c *testCluster) runAll() {
	for i := range c.nodes {
		c.run(i)
	}
}

// stop stops node i's loop and closes its host.
func (c *testCluster) stop(i int) {
	if c.stops[i] != nil {
		c.stops[i]()
		<-c.done[i]
		c.stops[i] = nil
	}
	if c.nodes[i] != nil {
		_ = c.nodes[i].Close()
	}
}

// waitMesh waits until every node reports every other as connected.
func (c *testCluster) waitMesh(t testing.TB, timeout time.Duration) {
	t.Helper()
	eventually(t, timeout, func() error {
		for i, nd := range c.nodes {
			for _, st := range nd.Peers() {
				if !st.Connected {
					return fmt.Errorf("node %d not connected to %s", i, st.Name)
				}
			}
		}
		return nil
	})
}

// eventually polls cond every 20 ms until it returns nil or timeout passes.
func eventually(t testing.TB, timeout time.Duration, cond func() error) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		err := cond()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("condition not met within %s: %v", timeout, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// metricValue sums the samples of a metric family whose labels include want.
func metricValue(t testing.TB, reg *prometheus.Registry, name string, want map[string]string) float64 {
	t.Helper()
	mfs, err := reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	var sum float64
	for _, mf := range mfs {
		if mf.GetName() != name {
			continue
		}
		for _, m := range mf.GetMetric() {
			if labelsMatch(m, want) {
				sum += m.GetCounter().GetValue() + m.GetGauge().GetValue()
			}
		}
	}
	return sum
}

func labelsMatch(m *dto.Metric, want map[string]string) bool {
	got := make(map[string]string)
	for _, l := range m.GetLabel() {
		got[l.GetName()] = l.GetValue()
	}
	for k, v := range want {
		if got[k] != v {
			return false
		}
	}
	return true
}

// recorder collects messages delivered to a handler.
type recorder struct {
	mu   sync.Mutex
	msgs []p2p.Message
	ch   chan p2p.Message
}

func newRecorder() *recorder { return &recorder{ch: make(chan p2p.Message, 1024)} }

func (r *recorder) handle(_ context.Context, msg p2p.Message) {
	r.mu.Lock()
	r.msgs = append(r.msgs, msg)
	r.mu.Unlock()
	r.ch <- msg
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.msgs)
}

var testProto = p2p.Protocol{Name: "test", Version: "1.0.0", MaxSize: 4096, Timeout: 5 * time.Second}

// waitMeshOf waits until each of the given nodes is connected to the others among them.
func (c *testCluster) waitMeshOf(t testing.TB, timeout time.Duration, idx ...int) {
	t.Helper()
	eventually(t, timeout, func() error {
		for _, i := range idx {
			for _, j := range idx {
				if i != j && c.nodes[i].Host().Network().Connectedness(c.nodes[j].ID()) != network.Connected {
					return fmt.Errorf("node %d not connected to node %d", i, j)
				}
			}
		}
		return nil
	})
}
