package watcher_test

import (
	"context"
	"math/big"
	"sync"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"go.uber.org/zap/zaptest"

	"github.com/stingerdvt/stinger/marketplace/watcher"
)

// recordingChain records the ranges asked of eth_getLogs.
type recordingChain struct {
	watcher.Chain
	mu     sync.Mutex
	ranges [][2]uint64
}

func (r *recordingChain) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	r.mu.Lock()
	r.ranges = append(r.ranges, [2]uint64{q.FromBlock.Uint64(), q.ToBlock.Uint64()})
	r.mu.Unlock()
	return r.Chain.FilterLogs(ctx, q)
}

// TestRestartResumesFromCursorWithoutDuplicates: a new watcher on the same store re-derives the
// assignments before touching the chain, asks only for blocks after the cursor, and its journal holds
// every marketplace log exactly once.
func TestRestartResumesFromCursorWithoutDuplicates(t *testing.T) {
	s := newSimEnv(t)
	cfg := s.config(t.TempDir(), 0)
	n1 := s.register("data:,one")
	s.Install(s.dam, n1, 100, s.Operator)
	w1 := newWatcher(t, cfg, s.Client, nil)
	catchUp(t, w1)
	wantIDs(t, w1, n1.Uint64())
	cur1, _ := w1.Cursor()
	if err := w1.Close(); err != nil {
		t.Fatal(err)
	}

	n2 := s.register("data:,two")
	s.Install(s.dam, n2, 100, s.Operator)
	rec := &recordingChain{Chain: s.Client}
	w2 := newWatcher(t, cfg, rec, nil)
	defer w2.Close()
	wantIDs(t, w2, n1.Uint64()) // from the journal alone
	if cur2, _ := w2.Cursor(); cur2 != cur1 {
		t.Fatalf("restarted cursor %v, want %v", cur2, cur1)
	}
	catchUp(t, w2)
	wantIDs(t, w2, n1.Uint64(), n2.Uint64())
	if len(rec.ranges) == 0 || rec.ranges[0][0] != cur1.Number+1 {
		t.Fatalf("first range after restart = %v, want to start at %d", rec.ranges, cur1.Number+1)
	}

	// Same journal as a single fresh pass over the chain: nothing duplicated, nothing lost.
	head, _ := s.Client.BlockNumber(context.Background())
	all, err := s.Client.FilterLogs(context.Background(), ethereum.FilterQuery{
		FromBlock: new(big.Int).SetUint64(cfg.StartBlock), ToBlock: new(big.Int).SetUint64(head),
		Topics: [][]common.Hash{watcher.Topics()},
	})
	if err != nil {
		t.Fatal(err)
	}
	journal := journalOf(t, w2)
	if len(journal) != len(all) {
		t.Fatalf("journal holds %d logs, chain has %d", len(journal), len(all))
	}
	for i := range all {
		if journal[i] != [2]uint64{all[i].BlockNumber, uint64(all[i].Index)} {
			t.Fatalf("journal[%d] = %v, chain log %d/%d", i, journal[i], all[i].BlockNumber, all[i].Index)
		}
	}
}

func journalOf(t *testing.T, w *watcher.Watcher) [][2]uint64 {
	t.Helper()
	var out [][2]uint64
	if err := w.ForEachLog(func(l *types.Log) error {
		out = append(out, [2]uint64{l.BlockNumber, uint64(l.Index)})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestRPCOutageFailsOver: with two RPC URLs, switching the first off mid-run makes the watcher
// continue through the second, and the new installation still shows up.
func TestRPCOutageFailsOver(t *testing.T) {
	s := newSimEnv(t)
	a, b := s.NewRPCProxy(t), s.NewRPCProxy(t)
	mc, err := watcher.NewMultiClient([]string{a.URL, b.URL}, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	defer mc.Close()
	w := newWatcher(t, s.config(t.TempDir(), 0), mc, nil)
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("run: %v", err)
		}
	}()

	n1 := s.register("data:,one")
	s.Install(s.dam, n1, 100, s.Operator)
	waitFor(t, w, n1.Uint64())
	if mc.Current() != a.URL || b.Calls() != 0 {
		t.Fatalf("before the outage: current %s, calls to b %d", mc.Current(), b.Calls())
	}

	a.SetDown(true)
	n2 := s.register("data:,two")
	s.Install(s.dam, n2, 100, s.Operator)
	waitFor(t, w, n1.Uint64(), n2.Uint64())
	if mc.Current() != b.URL || b.Calls() == 0 {
		t.Fatalf("after the outage: current %s, calls to b %d", mc.Current(), b.Calls())
	}

	b.SetDown(true) // total outage: the watcher keeps its state and retries
	a.SetDown(false)
	n3 := s.register("data:,three")
	s.Install(s.dam, n3, 100, s.Operator)
	waitFor(t, w, n1.Uint64(), n2.Uint64(), n3.Uint64())
}

func waitFor(t *testing.T, w *watcher.Watcher, ids ...uint64) {
	t.Helper()
	deadline := time.After(20 * time.Second)
	for {
		ch := w.Changed()
		got := networkIDs(w.Assignments())
		if equalIDs(got, ids) {
			return
		}
		select {
		case <-ch:
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatalf("assignments = %v, want %v", got, ids)
		}
	}
}

func equalIDs(a, b []uint64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
