package watcher

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"go.uber.org/zap"
)

// errReorg reports that the chain no longer contains a block the watcher applied.
var errReorg = errors.New("reorg detected")

// Run follows the chain until ctx ends. RPC errors are retried with backoff (and fail over inside
// MultiClient); only ctx ending stops it. With a WebSocket endpoint new heads wake it at once; the
// poll interval is the fallback (and the subscription is re-made after it drops).
func (w *Watcher) Run(ctx context.Context) error {
	var (
		heads       headSub
		lastAttempt time.Time
	)
	defer heads.close()
	backoff := time.Duration(0)
	for {
		if heads.sub == nil && time.Since(lastAttempt) > 30*time.Second {
			lastAttempt = time.Now()
			heads = w.subscribeHeads(ctx)
		}
		caughtUp, err := w.Step(ctx)
		switch {
		case ctx.Err() != nil:
			return nil // shutdown
		case errors.Is(err, errReorg):
			backoff = 0
			continue
		case err != nil:
			w.metrics.rpcErrors.Inc()
			backoff = min(max(2*backoff, 250*time.Millisecond), 30*time.Second)
			w.log.Warn("marketplace watcher step failed", zap.Error(err), zap.Duration("retry_in", backoff))
		case !caughtUp:
			backoff = 0
			continue
		default:
			backoff = 0
		}
		delay := w.cfg.PollInterval
		if backoff > 0 {
			delay = backoff
		}
		select {
		case <-ctx.Done():
			return nil
		case <-heads.ch:
		case err := <-heads.errc():
			w.log.Debug("new-head subscription dropped, polling", zap.Error(err))
			heads.close()
		case <-time.After(delay):
		}
	}
}

// headSub is an optional new-head subscription (zero value: none).
type headSub struct {
	ch  chan *types.Header
	sub ethereum.Subscription
}

func (h *headSub) errc() <-chan error {
	if h.sub == nil {
		return nil
	}
	return h.sub.Err()
}

func (h *headSub) close() {
	if h.sub != nil {
		h.sub.Unsubscribe()
	}
	*h = headSub{}
}

func (w *Watcher) subscribeHeads(ctx context.Context) headSub {
	hs, ok := w.chain.(HeadSubscriber)
	if !ok {
		return headSub{}
	}
	ch := make(chan *types.Header, 16)
	sub, err := hs.SubscribeNewHead(ctx, ch)
	if err != nil {
		w.log.Debug("new-head subscription unavailable, polling", zap.Error(err))
		return headSub{}
	}
	return headSub{ch: ch, sub: sub}
}

// Step processes at most one chunk of confirmed blocks. It returns caughtUp=true when the cursor
// has reached the confirmed head. Exported so tests and tools can drive the watcher synchronously.
func (w *Watcher) Step(ctx context.Context) (caughtUp bool, err error) {
	head, err := w.chain.BlockNumber(ctx)
	if err != nil {
		return false, fmt.Errorf("get head: %w", err)
	}
	w.metrics.head.Set(float64(head))
	if head < w.cfg.Confirmations {
		return true, nil
	}
	safe := head - w.cfg.Confirmations
	cur, ok := w.Cursor()
	if ok && cur.Number > head { // the chain got shorter than what we applied: a reorg
		return false, w.rewind(ctx, cur, head, common.Hash{})
	}
	if ok {
		if err := w.checkContinuity(ctx, cur); err != nil {
			return false, err
		}
	}
	from := w.cfg.StartBlock
	if ok {
		from = cur.Number + 1
	}
	if from > safe {
		return true, nil
	}
	to := min(safe, from+w.cfg.ChunkSize-1)
	if err := w.processRange(ctx, from, to, cur, ok); err != nil {
		return false, err
	}
	return to == safe, nil
}

// checkContinuity verifies that the cursor block is still canonical, rewinding on a reorg.
func (w *Watcher) checkContinuity(ctx context.Context, cur Cursor) error {
	h, err := w.chain.HeaderByNumber(ctx, new(big.Int).SetUint64(cur.Number))
	if err != nil {
		return fmt.Errorf("get header %d: %w", cur.Number, err)
	}
	if h.Hash() == cur.Hash {
		return nil
	}
	return w.rewind(ctx, cur, cur.Number, h.Hash())
}

func (w *Watcher) processRange(ctx context.Context, from, to uint64, cur Cursor, hasCur bool) error {
	logs, err := w.chain.FilterLogs(ctx, ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(from), ToBlock: new(big.Int).SetUint64(to), Topics: [][]common.Hash{w.topics},
	})
	if err != nil {
		if w.cfg.ChunkSize > 1 && to > from {
			w.cfg.ChunkSize = max(1, (to-from+1)/2) // the node may cap the result size: ask for less
		}
		return fmt.Errorf("get logs %d-%d: %w", from, to, err)
	}
	hdr, err := w.chain.HeaderByNumber(ctx, new(big.Int).SetUint64(to))
	if err != nil {
		return fmt.Errorf("get header %d: %w", to, err)
	}
	if hasCur { // the chain must not have moved under us while we read the range
		if err := w.checkContinuity(ctx, cur); err != nil {
			return err
		}
	}
	checkpoints, err := checkLogs(logs, from, to)
	if err != nil {
		return err
	}
	next := Cursor{Number: to, Hash: hdr.Hash()}
	if err := w.store.Commit(logs, checkpoints, next); err != nil {
		return fmt.Errorf("commit blocks %d-%d: %w", from, to, err)
	}
	w.apply(logs, next)
	return nil
}

// checkLogs rejects removed or out-of-range logs and returns one checkpoint per block with logs.
func checkLogs(logs []types.Log, from, to uint64) ([]Cursor, error) {
	var cps []Cursor
	for i := range logs {
		l := &logs[i]
		if l.Removed {
			return nil, fmt.Errorf("%w: log %d/%d removed", errReorg, l.BlockNumber, l.Index)
		}
		if l.BlockNumber < from || l.BlockNumber > to {
			return nil, fmt.Errorf("node returned log of block %d outside %d-%d", l.BlockNumber, from, to)
		}
		if n := len(cps); n > 0 && cps[n-1].Number == l.BlockNumber {
			if cps[n-1].Hash != l.BlockHash {
				return nil, fmt.Errorf("%w: block %d has logs of two hashes", errReorg, l.BlockNumber)
			}
			continue
		}
		cps = append(cps, Cursor{Number: l.BlockNumber, Hash: l.BlockHash})
	}
	return cps, nil
}

func (w *Watcher) apply(logs []types.Log, next Cursor) {
	var fresh []Penalty
	w.mu.Lock()
	for i := range logs {
		p, err := w.state.Apply(&logs[i])
		switch {
		case errors.Is(err, ErrIgnored):
		case err != nil:
			w.metrics.badLogs.Inc()
			w.log.Warn("malformed marketplace log ignored", zap.Uint64("block", logs[i].BlockNumber),
				zap.Uint("index", logs[i].Index), zap.Error(err))
		case p != nil && p.Operator == w.cfg.Operator:
			w.penalties = append(w.penalties, *p)
			fresh = append(fresh, *p)
		}
	}
	w.metrics.events.Add(float64(len(logs)))
	w.cursor, w.hasCursor = next, true
	w.mu.Unlock()
	w.publish()
	for _, p := range fresh {
		w.metrics.penalties.Inc()
		w.log.Error("penalty requested against this operator", zap.Uint64("network_id", p.NetworkID),
			zap.Stringer("dam", p.DAM), zap.String("amount", p.Amount.String()), zap.String("reason", p.Reason),
			zap.Stringer("vault", p.Vault), zap.Uint64("block", p.Block), zap.Stringer("tx", p.TxHash))
		if w.onPenalty != nil {
			w.onPenalty(p)
		}
	}
}

// rewind finds the newest checkpoint (at or below head) still on the canonical chain, truncates the
// journal to it and re-derives the state.
func (w *Watcher) rewind(ctx context.Context, cur Cursor, head uint64, canonical common.Hash) error {
	cps, err := w.store.Checkpoints()
	if err != nil {
		return fmt.Errorf("read checkpoints: %w", err)
	}
	var ancestor Cursor
	found := false
	for _, cp := range cps {
		if (cp.Number >= cur.Number && cp.Hash == cur.Hash) || cp.Number > head {
			continue // the cursor itself is gone, or the chain no longer reaches this block
		}
		h, err := w.chain.HeaderByNumber(ctx, new(big.Int).SetUint64(cp.Number))
		if err != nil {
			return fmt.Errorf("get header %d during reorg: %w", cp.Number, err)
		}
		if h.Hash() == cp.Hash {
			ancestor, found = cp, true
			break
		}
	}
	if err := w.store.Rewind(ancestor, found); err != nil {
		return fmt.Errorf("rewind journal: %w", err)
	}
	w.metrics.reorgs.Inc()
	w.log.Warn("chain reorganisation: re-deriving marketplace state", zap.Uint64("block", cur.Number),
		zap.Stringer("had", cur.Hash), zap.Stringer("canonical", canonical),
		zap.Uint64("rewound_to", ancestor.Number), zap.Bool("ancestor_found", found))
	if err := w.rebuild(); err != nil {
		return err
	}
	return fmt.Errorf("%w at block %d", errReorg, cur.Number)
}
