package duties_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/api"
	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"go.uber.org/zap/zaptest"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/consensus"
	"github.com/stingerdvt/stinger/dkg"
	"github.com/stingerdvt/stinger/duties"
	"github.com/stingerdvt/stinger/duties/beacon"
	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/slashing"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

func seeded(seed uint64) *rand.ChaCha8 {
	var s [32]byte
	for i := range 8 {
		s[i] = byte(seed >> (8 * i))
	}
	return rand.NewChaCha8(s)
}

// dealCluster returns n operator keys, a lock of validators and every operator's shares (trusted dealer,
// seeded).
func dealCluster(t testing.TB, n, validators int, seed uint64) ([]crypto.PrivKey, *cluster.Lock, [][]*bls.SecretKey) {
	t.Helper()
	r := seeded(seed)
	keys := make([]crypto.PrivKey, n)
	ops := make([]cluster.Operator, n)
	for i := range n {
		k, _, err := crypto.GenerateSecp256k1Key(r)
		if err != nil {
			t.Fatal(err)
		}
		pid, err := peer.IDFromPrivateKey(k)
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = k
		ops[i] = cluster.Operator{PeerID: pid.String(), Addresses: []string{}, Name: fmt.Sprintf("op%d", i)}
	}
	def, err := cluster.NewDefinition(cluster.NewDefinitionParams{
		Name: "duties test", Operators: ops, NumValidators: validators, Network: "hoodi", ForkVersion: "0x10000910",
		WithdrawalAddresses: []string{"0x000000000000000000000000000000000000dEaD"},
		FeeRecipients:       []string{"0x1111111111111111111111111111111111111111"},
		Now:                 time.Date(2026, 11, 22, 0, 0, 0, 0, time.UTC),
	})
	if err != nil {
		t.Fatal(err)
	}
	lock, shares, err := dkg.Deal(dkg.DealerParams{Definition: def, Keys: keys, Rand: r})
	if err != nil {
		t.Fatal(err)
	}
	return keys, lock, shares
}

// simCluster is n pipelines against one beacon simulator, over in-memory consensus and parsig networks.
type simCluster struct {
	sim      *beaconsim.Simulator
	url      string
	slot     time.Duration
	duties   []duties.DutyType
	lock     *cluster.Lock
	pipes    []*duties.Pipeline
	regs     []*prometheus.Registry
	qbftNet  *consensus.InmemNetwork
	psNet    *duties.InmemParSigNetwork
	cancel   context.CancelFunc
	ctx      context.Context
	verifier consensus.Verifier
	wg       sync.WaitGroup
	ops      []*operator
}

// operator is one running pipeline and what is needed to restart it.
type operator struct {
	key      crypto.PrivKey
	shares   []*bls.SecretKey
	slashing string // slashing protection database path (kept across restarts)
	log      *zap.Logger
	cancel   context.CancelFunc
	done     chan struct{}
	store    *slashing.Store
}

type clusterOpts struct {
	validators int
	extra      int
	stopped    map[int]bool // operators that never start
	genesisIn  time.Duration
	slot       time.Duration // 0 means 1 s
	preset     string        // "" means minimal (8 slots per epoch)
	duties     []duties.DutyType
	log        bool
}

// startSimCluster starts the simulator (1 s slots, minimal preset, Electra) and 4 pipelines.
func startSimCluster(t testing.TB, o clusterOpts) *simCluster {
	t.Helper()
	const n = 4
	keys, lock, shares := dealCluster(t, n, o.validators, 7)
	pubkeys := make([]phase0.BLSPubKey, len(lock.Validators))
	for i, v := range lock.Validators {
		b, err := decodeHexT(v.PublicKey)
		if err != nil {
			t.Fatal(err)
		}
		copy(pubkeys[i][:], b)
	}
	log := zap.NewNop()
	if o.log {
		log = zaptest.NewLogger(t)
	}
	cfg := beaconsim.DefaultConfig()
	cfg.Validators = pubkeys
	cfg.ExtraValidators = o.extra
	cfg.Seed = 3
	cfg.SlotDuration = time.Second
	if o.slot > 0 {
		cfg.SlotDuration = o.slot
	}
	if o.preset != "" {
		cfg.Preset = o.preset
	}
	cfg.GenesisTime = time.Now().Add(o.genesisIn).Truncate(time.Second)
	sim, err := beaconsim.New(cfg, log.Named("sim"))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	c := &simCluster{sim: sim, url: "http://" + ln.Addr().String(), slot: cfg.SlotDuration, duties: o.duties, lock: lock, cancel: cancel,
		qbftNet: consensus.NewInmemNetwork(n), psNet: duties.NewInmemParSigNetwork(n)}
	t.Cleanup(c.stop)
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		if err := sim.Serve(ctx, ln); err != nil && ctx.Err() == nil {
			t.Errorf("simulator: %v", err)
		} else if err != nil {
			// Shutdown can time out on event streams the clients are still closing.
			t.Logf("simulator shutdown: %v", err)
		}
	}()
	pubs := make([]crypto.PubKey, n)
	for i, k := range keys {
		pubs[i] = k.GetPublic()
	}
	verifier, err := consensus.NewKeyVerifier(pubs)
	if err != nil {
		t.Fatal(err)
	}
	c.verifier = verifier
	c.ctx = ctx
	for i := range n {
		c.ops = append(c.ops, &operator{key: keys[i], shares: shares[i],
			slashing: filepath.Join(t.TempDir(), "slashing.db"), log: log.Named(fmt.Sprintf("op%d", i))})
		if o.stopped[i] {
			c.qbftNet.SetConnected(i, false)
			c.psNet.SetConnected(i, false)
			continue
		}
		c.startOperator(t, i)
	}
	return c
}

// restart stops operator i's pipeline, closes its slashing protection store and starts a new pipeline
// with the same store file (a process restart; consensus state is in memory and lost).
func (c *simCluster) restart(t testing.TB, i int) {
	t.Helper()
	op := c.ops[i]
	op.cancel()
	<-op.done
	if err := op.store.Close(); err != nil {
		t.Fatal(err)
	}
	c.psNet.Reset(i)
	c.startOperator(t, i)
}

func (c *simCluster) startOperator(t testing.TB, i int) {
	t.Helper()
	op := c.ops[i]
	ctx, cancel := context.WithCancel(c.ctx)
	op.cancel, op.done = cancel, make(chan struct{})
	key, shares, log, verifier := op.key, op.shares, op.log, c.verifier
	reg := prometheus.NewRegistry()
	pool, err := beacon.New(ctx, beacon.Config{Addresses: []string{c.url}, Timeout: 3 * time.Second,
		Registerer: reg, Logger: log.Named("beacon")})
	if err != nil {
		t.Fatal(err)
	}
	g, err := pool.Genesis(ctx, &api.GenesisOpts{})
	if err != nil {
		t.Fatal(err)
	}
	store, err := slashing.Open(op.slashing, g.Data.GenesisValidatorsRoot)
	if err != nil {
		t.Fatal(err)
	}
	op.store = store
	t.Cleanup(func() { _ = store.Close() })
	signer, err := consensus.NewKeySigner(key)
	if err != nil {
		t.Fatal(err)
	}
	p, err := duties.New(ctx, duties.Config{Lock: c.lock, OperatorIndex: i, Shares: shares, Beacon: pool,
		Slashing: store, Consensus: duties.ConsensusConfig{Transport: c.qbftNet.Transport(i), Signer: signer,
			Verifier: verifier}, ParSig: c.psNet.Transport(i), Rand: seeded(uint64(100 + i)), Logger: log,
		BuilderRegistrations: true, Duties: c.duties,
		Registerer: reg})
	if err != nil {
		t.Fatal(err)
	}
	c.pipes = append(c.pipes, p)
	c.regs = append(c.regs, reg)
	c.wg.Add(1)
	go func() {
		defer c.wg.Done()
		defer close(op.done)
		if err := p.Run(ctx); err != nil {
			t.Errorf("pipeline %d: %v", i, err)
		}
	}()
}

func (c *simCluster) stop() {
	c.cancel()
	c.wg.Wait()
}

// waitSlot waits until the simulator's clock reaches slot.
func (c *simCluster) waitSlot(t testing.TB, slot phase0.Slot) {
	t.Helper()
	time.Sleep(time.Until(c.sim.GenesisTime().Add(time.Duration(slot) * c.slot)))
}

func decodeHexT(s string) ([]byte, error) {
	var out []byte
	_, err := fmt.Sscanf(s, "0x%x", &out)
	return out, err
}
