package app

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"sync/atomic"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	bolt "go.etcd.io/bbolt"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/api"
	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/consensus"
	"github.com/stingerdvt/stinger/dkg"
	"github.com/stingerdvt/stinger/duties"
	"github.com/stingerdvt/stinger/duties/beacon"
	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/signing"
	"github.com/stingerdvt/stinger/eth2/slashing"
	"github.com/stingerdvt/stinger/p2p"
)

// Data-directory files of the cluster components.
const (
	slashingDBName = "slashing-protection.db"
	dutiesDBName   = "duties.db"
)

// clusterState is what the cluster components share once a lock is loaded.
type clusterState struct {
	lock     *cluster.Lock
	lockHash []byte
	index    int
	shares   []*bls.SecretKey
	peers    []peer.ID
	node     *p2p.Node
}

// addCluster loads and verifies the cluster lock and this operator's key
// shares. Without a lock the node runs its API only and reports the cluster
// as initializing (206), so that a new operator can start the node before
// the DKG.
func (a *App) addCluster() error {
	path := a.cfg.ClusterLockPath()
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		a.logger.Warn("No cluster lock: running without validators until one exists (create it with `stinger dkg`)",
			zap.String("path", path))
		a.health.Register("cluster", func() api.ComponentStatus {
			return api.ComponentStatus{State: api.StateInitializing, Message: "no cluster lock at " + path}
		})
		return nil
	}
	lock, err := cluster.LoadLock(path)
	if err != nil {
		return err
	}
	if err := lock.Verify(); err != nil {
		return fmt.Errorf("cluster lock %s is invalid: %w", path, err)
	}
	h, err := lock.Hash()
	if err != nil {
		return err
	}
	idx, err := lock.Definition.OperatorIndex(a.identity.Key.GetPublic())
	if err != nil {
		return fmt.Errorf("cluster lock %s: %w", path, err)
	}
	shares, err := dkg.LoadShares(a.cfg.DataDir, lock, idx)
	if err != nil {
		return err
	}
	peers, err := lock.Definition.PeerIDs()
	if err != nil {
		return err
	}
	a.cluster = &clusterState{lock: lock, lockHash: h, index: idx, shares: shares, peers: peers}
	a.health.Register("cluster", func() api.ComponentStatus { return api.ComponentStatus{State: api.StateHealthy} })
	a.logger.Info("Cluster lock loaded", zap.String("cluster", lock.Definition.Name), zap.String("lock_hash", lock.LockHash),
		zap.Int("operator_index", idx), zap.Int("operators", len(peers)), zap.Int("threshold", lock.Definition.Threshold),
		zap.Int("validators", len(lock.Validators)))
	return nil
}

// addP2P builds the libp2p node for the cluster's operators and mounts
// GET /v1/peers.
func (a *App) addP2P() error {
	if a.cluster == nil {
		return nil
	}
	cs := a.cluster
	cfg := p2p.DefaultConfig()
	cfg.Key = a.identity.Key
	cfg.LockHash = cs.lockHash
	cfg.Logger = a.logger.Named("p2p")
	cfg.Registerer = a.registry
	var err error
	if cfg.ListenAddrs, err = p2p.ParseMultiaddrs(a.cfg.P2P.Listen); err != nil {
		return fmt.Errorf("p2p.listen: %w", err)
	}
	if cfg.ExternalAddrs, err = p2p.ParseMultiaddrs(a.cfg.P2P.External); err != nil {
		return fmt.Errorf("p2p.external: %w", err)
	}
	if cfg.Relays, err = p2p.ParseMultiaddrs(a.cfg.P2P.Relays); err != nil {
		return fmt.Errorf("p2p.relays: %w", err)
	}
	for i, op := range cs.lock.Definition.Operators {
		addrs, err := p2p.ParseMultiaddrs(op.Addresses)
		if err != nil {
			return fmt.Errorf("cluster lock operators[%d].addresses: %w", i, err)
		}
		cfg.Peers = append(cfg.Peers, p2p.Peer{ID: cs.peers[i], Name: op.Name, Addrs: addrs})
	}
	node, err := p2p.New(cfg)
	if err != nil {
		return err
	}
	cs.node = node
	a.api.Handle(p2p.PeersPath, node.PeersHandler())
	need := cs.lock.Definition.Threshold - 1 // peers needed besides us to reach the threshold
	a.health.Register("p2p", func() api.ComponentStatus {
		connected := 0
		for _, p := range node.Peers() {
			if p.Connected {
				connected++
			}
		}
		msg := fmt.Sprintf("%d of %d peers connected", connected, len(cs.peers)-1)
		switch {
		case connected == len(cs.peers)-1:
			return api.ComponentStatus{State: api.StateHealthy, Message: msg}
		case connected >= need:
			return api.ComponentStatus{State: api.StateDegraded, Message: msg}
		default:
			return api.ComponentStatus{State: api.StateUnhealthy, Message: msg + fmt.Sprintf(", %d needed to sign", need)}
		}
	})
	var cancel context.CancelFunc
	done := make(chan struct{})
	a.lifecycle.Append(Hook{
		Name: "p2p",
		Start: func(context.Context) error {
			var ctx context.Context
			ctx, cancel = context.WithCancel(context.Background())
			go func() { defer close(done); _ = node.Run(ctx) }()
			a.logger.Info("P2P node started", zap.Stringer("peer_id", node.ID()), zap.Any("addresses", node.Addrs()))
			return nil
		},
		Stop: func(ctx context.Context) error {
			if cancel != nil {
				cancel()
				select {
				case <-done:
				case <-ctx.Done():
				}
			}
			return node.Close()
		},
	})
	return nil
}

// addDuties runs the duty pipeline. It starts in the background: it waits
// for a beacon node to tell the chain's genesis (which keys the slashing
// protection database), then builds the pipeline and runs it until stop.
func (a *App) addDuties() error {
	if a.cluster == nil {
		return nil
	}
	cs := a.cluster
	pool, err := beacon.New(context.Background(), beacon.Config{
		Addresses: a.cfg.BeaconNodeURLs, Logger: a.logger.Named("beacon"), Registerer: a.registry,
	})
	if err != nil {
		return err
	}
	pubs := make([]crypto.PubKey, len(cs.peers))
	for i, p := range cs.peers {
		if pubs[i], err = p.ExtractPublicKey(); err != nil {
			return fmt.Errorf("operator %d public key: %w", i, err)
		}
	}
	verifier, err := consensus.NewKeyVerifier(pubs)
	if err != nil {
		return err
	}
	signer, err := consensus.NewKeySigner(a.identity.Key)
	if err != nil {
		return err
	}
	qbftTransport, err := consensus.NewP2PTransport(cs.node, cs.peers, 4096)
	if err != nil {
		return err
	}
	parsig, err := duties.NewP2PTransport(cs.node, cs.peers)
	if err != nil {
		return err
	}
	db, err := bolt.Open(filepath.Join(a.cfg.DataDir, dutiesDBName), 0o600, &bolt.Options{Timeout: 5 * time.Second})
	if err != nil {
		return fmt.Errorf("open duty database: %w", err)
	}
	outcomes, err := duties.NewBoltOutcomes(db)
	if err != nil {
		db.Close()
		return err
	}
	// QBFT state is persisted before any message is sent, so that a restart
	// mid-instance never contradicts what this node already said.
	qbftStore, err := consensus.NewBoltStore(db)
	if err != nil {
		db.Close()
		return err
	}

	pipeline := &a.pipeline
	bg := newBackground("duties", "waiting for a beacon node")
	var store *slashing.Store
	a.api.Handle(duties.ValidatorsPath, late(pipeline, (*duties.Pipeline).ValidatorsHandler))
	a.api.Handle(duties.DutiesPath, late(pipeline, (*duties.Pipeline).DutiesHandler))
	a.api.Handle(beacon.HealthPath, pool.HealthHandler())
	a.health.Register("beacon", func() api.ComponentStatus {
		if pool.Healthy() {
			return api.ComponentStatus{State: api.StateHealthy}
		}
		return api.ComponentStatus{State: api.StateUnhealthy, Message: "no beacon node answers"}
	})
	a.health.Register("duties", bg.health)
	run := func(ctx context.Context) error {
		network, err := waitNetwork(ctx, pool, a.logger)
		if err != nil {
			return err
		}
		// Never sign for a chain the cluster was not made for.
		if want := cs.lock.Definition.ForkVersionBytes(); network.GenesisForkVersion != want {
			return fmt.Errorf("the beacon node's chain has genesis fork version %#x, the cluster lock is for %s (%#x): refusing to sign",
				network.GenesisForkVersion[:], cs.lock.Definition.Network, want[:])
		}
		bg.setState("opening slashing protection")
		store, err = slashing.Open(filepath.Join(a.cfg.DataDir, slashingDBName), network.GenesisValidatorsRoot,
			slashing.WithLogger(a.logger.Named("slashing")), slashing.WithRegisterer(a.registry))
		if err != nil {
			return err
		}
		p, err := duties.New(ctx, duties.Config{
			Lock: cs.lock, OperatorIndex: cs.index, Shares: cs.shares, Beacon: pool, Network: network,
			Slashing: store, ParSig: parsig, Outcomes: outcomes,
			Consensus: duties.ConsensusConfig{Transport: qbftTransport, Signer: signer, Verifier: verifier, Store: qbftStore},
			Logger:    a.logger.Named("duties"), Registerer: a.registry,
		})
		if err != nil {
			return err
		}
		pipeline.Store(p)
		bg.running()
		a.logger.Info("Duty pipeline running", zap.String("network", network.Name), zap.Int("validators", len(cs.lock.Validators)))
		return p.Run(ctx)
	}
	a.lifecycle.Append(bg.hook(a.logger, run, func() error {
		qbftTransport.Close()
		var errs []error
		if store != nil {
			errs = append(errs, store.Close())
		}
		errs = append(errs, db.Close())
		return errors.Join(errs...)
	}))
	return nil
}

// waitNetwork asks the beacon nodes for the chain's signing network until
// one answers or ctx ends.
func waitNetwork(ctx context.Context, pool *beacon.Pool, log *zap.Logger) (*signing.Network, error) {
	backoff := time.Second
	for {
		n, err := duties.NetworkFromBeacon(ctx, pool)
		if err == nil {
			return n, nil
		}
		log.Warn("Beacon node not ready, retrying", zap.Error(err), zap.Duration("retry_in", backoff))
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// late serves a handler of a component that is built after the API starts;
// until then it answers 503.
func late[T any](p *atomic.Pointer[T], handler func(*T) http.Handler) http.Handler {
	var (
		once sync.Once
		h    http.Handler
	)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c := p.Load()
		if c == nil {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusServiceUnavailable)
			_, _ = w.Write([]byte(`{"code":503,"message":"the component serving this route is still starting"}` + "\n"))
			return
		}
		once.Do(func() { h = handler(c) })
		h.ServeHTTP(w, r)
	})
}
