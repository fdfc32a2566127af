package slashing

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/prometheus/client_golang/prometheus"
	bolt "go.etcd.io/bbolt"
	"go.uber.org/zap"
)

// DefaultMaxBatch bounds how many requests share one transaction and fsync.
const DefaultMaxBatch = 4096

// DefaultMaxLinger is the longest the writer waits to fill a batch; it is
// small next to the fsync it saves.
const DefaultMaxLinger = time.Millisecond

// Option configures Open.
type Option func(*options)

type options struct {
	strategy    Strategy
	logger      *zap.Logger
	registerer  prometheus.Registerer
	maxBatch    int
	maxLinger   time.Duration
	openTimeout time.Duration
	noSync      bool // tests only (export_test.go): never in production
}

// WithStrategy sets the check strategy (default StrategyComplete).
func WithStrategy(s Strategy) Option { return func(o *options) { o.strategy = s } }

// WithLogger sets the logger (default: none).
func WithLogger(l *zap.Logger) Option { return func(o *options) { o.logger = l } }

// WithRegisterer registers the store's metrics (default: not registered).
func WithRegisterer(r prometheus.Registerer) Option { return func(o *options) { o.registerer = r } }

// WithMaxBatch bounds the number of requests per group commit (default
// DefaultMaxBatch).
func WithMaxBatch(n int) Option { return func(o *options) { o.maxBatch = n } }

// WithMaxLinger bounds how long the writer waits for the rest of a batch
// when fewer requests are waiting than in the previous batch (default
// DefaultMaxLinger; 0 disables waiting).
func WithMaxLinger(d time.Duration) Option { return func(o *options) { o.maxLinger = d } }

// WithOpenTimeout bounds the wait for the database file lock held by another
// process (default 5 s).
func WithOpenTimeout(d time.Duration) Option { return func(o *options) { o.openTimeout = d } }

// Store is the slashing-protection database for one chain. All methods are
// safe for concurrent use.
type Store struct {
	db        *bolt.DB
	gvr       phase0.Root
	chain     []byte
	strategy  Strategy
	log       *zap.Logger
	metrics   *metrics
	maxBatch  int
	maxLinger time.Duration

	mu     sync.RWMutex // guards closed and sends on reqs
	closed bool
	reqs   chan *request
	done   chan struct{}

	// batches and batched count group commits and the requests in them.
	batches, batched atomic.Uint64

	// failCommit, when set (tests only), makes a batch fail just before its
	// commit, to prove that a failed batch leaves no partial state.
	failCommit func() error
}

// Open opens (creating if needed) the database at path for the chain with
// genesis validators root gvr, and starts the store's writer goroutine.
func Open(path string, gvr phase0.Root, opts ...Option) (*Store, error) {
	o := options{strategy: StrategyComplete, logger: zap.NewNop(), maxBatch: DefaultMaxBatch, maxLinger: DefaultMaxLinger, openTimeout: 5 * time.Second}
	for _, opt := range opts {
		opt(&o)
	}
	switch {
	case !o.strategy.valid():
		return nil, fmt.Errorf("open slashing protection: strategy %d: want StrategyComplete or StrategyMinimal", int(o.strategy))
	case o.maxBatch < 1:
		return nil, fmt.Errorf("open slashing protection: max batch %d: want at least 1", o.maxBatch)
	case o.maxLinger < 0:
		return nil, fmt.Errorf("open slashing protection: max linger %v: want 0 or more", o.maxLinger)
	case o.logger == nil:
		return nil, errors.New("open slashing protection: nil logger")
	}
	m, err := newMetrics(o.registerer)
	if err != nil {
		return nil, fmt.Errorf("open slashing protection: %w", err)
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{
		Timeout:        o.openTimeout,
		NoFreelistSync: true,
		FreelistType:   bolt.FreelistMapType,
		NoSync:         o.noSync,
		PageSize:       1024,
	})
	if err != nil {
		return nil, fmt.Errorf("open slashing protection %s: %w", path, err)
	}
	s := &Store{
		db: db, gvr: gvr, chain: chainBucketName(gvr), strategy: o.strategy, log: o.logger,
		metrics: m, maxBatch: o.maxBatch, maxLinger: o.maxLinger, reqs: make(chan *request, o.maxBatch), done: make(chan struct{}),
	}
	if err := db.Update(s.initSchema); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open slashing protection %s: %w", path, err)
	}
	go s.run()
	return s, nil
}

func (s *Store) initSchema(tx *bolt.Tx) error {
	meta, err := tx.CreateBucketIfNotExists([]byte(metaBucket))
	if err != nil {
		return fmt.Errorf("create meta bucket: %w", err)
	}
	switch v := meta.Get([]byte(schemaKey)); {
	case v == nil:
		if err := meta.Put([]byte(schemaKey), []byte(schemaVersion)); err != nil {
			return fmt.Errorf("write schema version: %w", err)
		}
	case string(v) != schemaVersion:
		return fmt.Errorf("schema version %x: this build reads %x", v, schemaVersion)
	}
	chain, err := tx.CreateBucketIfNotExists(s.chain)
	if err != nil {
		return fmt.Errorf("create chain bucket: %w", err)
	}
	for _, name := range []string{summariesBucket, blocksBucket, attsBucket} {
		if _, err := chain.CreateBucketIfNotExists([]byte(name)); err != nil {
			return fmt.Errorf("create chain bucket: %w", err)
		}
	}
	return nil
}

// GenesisValidatorsRoot is the chain this store protects.
func (s *Store) GenesisValidatorsRoot() phase0.Root { return s.gvr }

// Strategy is the check strategy.
func (s *Store) Strategy() Strategy { return s.strategy }

// CheckAndRecordBlock returns nil if pubkey may sign a block at slot with
// signingRoot, after recording it durably; otherwise an error (a
// *SlashableError wrapping an offence sentinel when signing is unsafe). A
// zero signingRoot means unknown and can never be re-signed.
func (s *Store) CheckAndRecordBlock(ctx context.Context, pubkey phase0.BLSPubKey, slot phase0.Slot, signingRoot phase0.Root) error {
	err := s.submit(ctx, &request{kind: KindBlock, pubkey: pubkey, slot: uint64(slot), root: knownRoot(signingRoot)})
	if err != nil {
		return fmt.Errorf("check block: %w", err)
	}
	return nil
}

// CheckAndRecordAttestation returns nil if pubkey may sign an attestation
// with the given source and target epochs and signingRoot, after recording it
// durably; otherwise an error (a *SlashableError wrapping an offence sentinel
// when signing is unsafe). A zero signingRoot means unknown.
func (s *Store) CheckAndRecordAttestation(ctx context.Context, pubkey phase0.BLSPubKey, source, target phase0.Epoch,
	signingRoot phase0.Root,
) error {
	err := s.submit(ctx, &request{kind: KindAttestation, pubkey: pubkey, source: uint64(source), target: uint64(target),
		root: knownRoot(signingRoot)})
	if err != nil {
		return fmt.Errorf("check attestation: %w", err)
	}
	return nil
}

// submit hands req to the writer and waits for its durable answer. If ctx
// ends first the caller gets ctx's error (never "safe"); the request may
// still be recorded, which only makes later checks stricter.
func (s *Store) submit(ctx context.Context, req *request) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	req.ctx, req.resp = ctx, make(chan error, 1)
	s.mu.RLock()
	if s.closed {
		s.mu.RUnlock()
		return ErrClosed
	}
	select {
	case s.reqs <- req:
	case <-ctx.Done():
		s.mu.RUnlock()
		return ctx.Err()
	}
	s.mu.RUnlock()
	select {
	case err := <-req.resp:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Close stops accepting requests, answers every request already submitted,
// stops the writer and closes the database.
func (s *Store) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	s.closed = true
	close(s.reqs)
	s.mu.Unlock()
	<-s.done
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close slashing protection: %w", err)
	}
	return nil
}

// run is the writer goroutine: it takes every request waiting, applies them
// in one transaction with one fsync, answers them, and repeats. While one
// batch is being fsynced the next one queues up, so the batch size adapts to
// the load with no timer and no added latency.
func (s *Store) run() {
	defer close(s.done)
	batch := make([]*request, 0, s.maxBatch)
	demand := 1
	for {
		req, ok := <-s.reqs
		if !ok {
			return
		}
		batch = append(batch[:0], req)
		batch = s.gather(batch, demand)
		demand = len(batch)
		s.process(batch)
		clear(batch)
	}
}

// gather adds waiting requests to batch. If fewer than demand (the size of
// the previous batch) are waiting, it lingers up to maxLinger for the rest:
// callers answered by the previous commit are usually about to come back,
// and one commit for all of them beats two. A lone caller (demand 1) never
// waits.
func (s *Store) gather(batch []*request, demand int) []*request {
	var timer *time.Timer
	defer func() {
		if timer != nil {
			timer.Stop()
		}
	}()
	for len(batch) < s.maxBatch {
		select {
		case r, ok := <-s.reqs:
			if !ok {
				return batch
			}
			batch = append(batch, r)
			continue
		default:
		}
		if len(batch) >= demand || s.maxLinger <= 0 {
			return batch
		}
		if timer == nil {
			timer = time.NewTimer(s.maxLinger)
		}
		select {
		case r, ok := <-s.reqs:
			if !ok {
				return batch
			}
			batch = append(batch, r)
		case <-timer.C:
			return batch
		}
	}
	return batch
}
