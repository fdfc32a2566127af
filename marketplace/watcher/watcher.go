package watcher

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// Chain is the JSON-RPC surface the watcher needs; *ethclient.Client, the simulated backend's client
// and MultiClient satisfy it.
type Chain interface {
	BlockNumber(ctx context.Context) (uint64, error)
	HeaderByNumber(ctx context.Context, number *big.Int) (*types.Header, error)
	FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error)
}

// HeadSubscriber is implemented by chains that push new heads (WebSocket); the watcher then wakes on
// each head instead of waiting for the poll interval.
type HeadSubscriber interface {
	SubscribeNewHead(ctx context.Context, ch chan<- *types.Header) (ethereum.Subscription, error)
}

// Config configures a Watcher.
type Config struct {
	Registry      common.Address // NetworkRegistry address
	Factory       common.Address // DAMFactory address
	Operator      common.Address // this operator's address
	StartBlock    uint64         // deployment block of the registry (backfill starts here)
	Confirmations uint64         // blocks on top of a block before it is acted on
	ChunkSize     uint64         // max blocks per eth_getLogs (default 2000)
	PollInterval  time.Duration  // head polling period (default 4s)
	StorePath     string         // bbolt file for the journal and cursor
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	switch {
	case c.Registry == (common.Address{}):
		return errors.New("watcher config: registry address is zero")
	case c.Factory == (common.Address{}):
		return errors.New("watcher config: factory address is zero")
	case c.Operator == (common.Address{}):
		return errors.New("watcher config: operator address is zero")
	case c.StorePath == "":
		return errors.New("watcher config: store path is empty")
	}
	return nil
}

// Watcher follows the marketplace contracts and keeps the operator's assignments current.
type Watcher struct {
	cfg     Config
	chain   Chain
	store   *Store
	log     *zap.Logger
	metrics *metrics
	topics  []common.Hash

	mu          sync.RWMutex
	state       *State
	cursor      Cursor
	hasCursor   bool
	assignments []Assignment
	penalties   []Penalty
	changed     chan struct{}

	onPenalty func(Penalty)
}

// New opens the store, re-derives the state from the journal and returns a Watcher. Call Run.
func New(cfg Config, chain Chain, log *zap.Logger, reg prometheus.Registerer) (*Watcher, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.ChunkSize == 0 {
		cfg.ChunkSize = 2000
	}
	if cfg.PollInterval == 0 {
		cfg.PollInterval = 4 * time.Second
	}
	scope := append(append(cfg.Registry.Bytes(), cfg.Factory.Bytes()...), u64(cfg.StartBlock)...)
	store, err := OpenStore(cfg.StorePath, scope)
	if err != nil {
		return nil, err
	}
	m, err := newMetrics(reg)
	if err != nil {
		_ = store.Close()
		return nil, err
	}
	w := &Watcher{cfg: cfg, chain: chain, store: store, log: log, metrics: m, topics: Topics(), changed: make(chan struct{})}
	if err := w.rebuild(); err != nil {
		_ = store.Close()
		return nil, err
	}
	return w, nil
}

// OnPenalty registers a callback for penalty requests against this operator seen in new blocks
// (not on replay of the journal). Call before Run.
func (w *Watcher) OnPenalty(fn func(Penalty)) { w.onPenalty = fn }

// Close closes the store. Run must have returned.
func (w *Watcher) Close() error { return w.store.Close() }

// Assignments returns the current assignments of the operator.
func (w *Watcher) Assignments() []Assignment {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return slices.Clone(w.assignments)
}

// Penalties returns the penalty requests against the operator in the confirmed chain.
func (w *Watcher) Penalties() []Penalty {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return slices.Clone(w.penalties)
}

// Cursor returns the last fully applied block (ok=false before the first chunk).
func (w *Watcher) Cursor() (Cursor, bool) {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.cursor, w.hasCursor
}

// Changed returns a channel closed at the next change of the assignments.
func (w *Watcher) Changed() <-chan struct{} {
	w.mu.RLock()
	defer w.mu.RUnlock()
	return w.changed
}

// rebuild re-derives the state from the journal (startup and after a reorg).
func (w *Watcher) rebuild() error {
	st := NewState(w.cfg.Registry, w.cfg.Factory)
	var penalties []Penalty
	err := w.store.ForEachLog(func(l *types.Log) error {
		p, err := st.Apply(l)
		if err != nil && !errors.Is(err, ErrIgnored) { // skipped when first seen too: same outcome
			w.log.Debug("malformed marketplace log skipped on replay", zap.Uint64("block", l.BlockNumber), zap.Error(err))
		}
		if p != nil && p.Operator == w.cfg.Operator {
			penalties = append(penalties, *p)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("rebuild state from journal: %w", err)
	}
	c, ok, err := w.store.Cursor()
	if err != nil {
		return fmt.Errorf("read cursor: %w", err)
	}
	w.mu.Lock()
	w.state, w.cursor, w.hasCursor, w.penalties = st, c, ok, penalties
	w.mu.Unlock()
	w.publish()
	return nil
}

// publish recomputes the assignments and signals a change.
func (w *Watcher) publish() {
	w.mu.Lock()
	defer w.mu.Unlock()
	next := w.state.Assignments(w.cfg.Operator)
	w.metrics.assignments.Set(float64(len(next)))
	if w.hasCursor {
		w.metrics.cursor.Set(float64(w.cursor.Number))
	}
	if assignmentsEqual(w.assignments, next) {
		return
	}
	w.assignments = next
	close(w.changed)
	w.changed = make(chan struct{})
}

func assignmentsEqual(a, b []Assignment) bool {
	return slices.EqualFunc(a, b, func(x, y Assignment) bool {
		return x.NetworkID == y.NetworkID && x.DAM == y.DAM && x.Terms.TaskSpecHash == y.Terms.TaskSpecHash &&
			x.Terms.TaskSpecURI == y.Terms.TaskSpecURI && x.InstalledAt == y.InstalledAt && slices.Equal(x.Operators, y.Operators)
	})
}

// ForEachLog calls fn for every journaled marketplace log in chain order (diagnostics and tests).
func (w *Watcher) ForEachLog(fn func(*types.Log) error) error { return w.store.ForEachLog(fn) }
