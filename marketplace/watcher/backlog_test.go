package watcher_test

import (
	"context"
	"encoding/binary"
	"fmt"
	"math/big"
	"path/filepath"
	"sort"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/crypto"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/marketplace/bindings"
	"github.com/stingerdvt/stinger/marketplace/watcher"
)

// memChain is an in-memory chain of pre-built logs (for backlog catch-up without mining blocks).
type memChain struct {
	head uint64
	logs []types.Log // sorted by block, index
}

func blockHash(n uint64) common.Hash {
	return crypto.Keccak256Hash(binary.BigEndian.AppendUint64(nil, n))
}

func (m *memChain) BlockNumber(context.Context) (uint64, error) { return m.head, nil }

func (m *memChain) HeaderByNumber(_ context.Context, n *big.Int) (*types.Header, error) {
	num := m.head
	if n != nil {
		num = n.Uint64()
	}
	if num > m.head {
		return nil, ethereum.NotFound
	}
	// Extra carries the synthetic hash so that Hash() differs per block.
	return &types.Header{Number: new(big.Int).SetUint64(num), Extra: blockHash(num).Bytes(), Difficulty: new(big.Int)}, nil
}

func (m *memChain) FilterLogs(_ context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	from, to := q.FromBlock.Uint64(), q.ToBlock.Uint64()
	i := sort.Search(len(m.logs), func(i int) bool { return m.logs[i].BlockNumber >= from })
	j := sort.Search(len(m.logs), func(i int) bool { return m.logs[i].BlockNumber > to })
	out := make([]types.Log, j-i)
	copy(out, m.logs[i:j])
	return out, nil
}

type logBuilder struct {
	chain *memChain
	block uint64
	index uint
}

func (b *logBuilder) add(addr common.Address, a abi.ABI, name string, indexed []common.Hash, args ...any) {
	ev := a.Events[name]
	data, err := ev.Inputs.NonIndexed().Pack(args...)
	if err != nil {
		panic(fmt.Sprintf("pack %s: %v", name, err))
	}
	h, _ := b.chain.HeaderByNumber(context.Background(), new(big.Int).SetUint64(b.block))
	b.chain.logs = append(b.chain.logs, types.Log{
		Address: addr, Topics: append([]common.Hash{ev.ID}, indexed...), Data: data,
		BlockNumber: b.block, BlockHash: h.Hash(), Index: b.index,
	})
	b.index++
	if b.index == 10 { // ten marketplace logs per block
		b.block++
		b.index = 0
	}
}

func idTopic(id uint64) common.Hash { return common.BigToHash(new(big.Int).SetUint64(id)) }

// backlog builds a chain with about nEvents marketplace logs: networks, DAMs, operator whitelisting
// and install/uninstall cycles. It returns the chain, addresses and the expected assignment ids.
func backlog(nEvents int) (*memChain, common.Address, common.Address, common.Address, []uint64) {
	registry, factory := common.HexToAddress("0x1000"), common.HexToAddress("0x2000")
	operator := common.HexToAddress("0x3000")
	m := &memChain{head: 1 << 40}
	b := &logBuilder{chain: m, block: 1}
	reg, fac, dam := bindings.NewNetworkRegistry().GetABI(), bindings.NewDAMFactory().GetABI(), bindings.NewDAM().GetABI()
	const networks, dams = 500, 10
	for id := uint64(1); id <= networks; id++ {
		terms := bindings.NetworkRegistryTerms{
			DepositAsset: common.HexToAddress("0x4000"), MinDeposit: big.NewInt(1), AmountRequested: big.NewInt(10),
			OperatorsRequested: 4, Duration: 86400, DamType: 2, RewardToken: common.HexToAddress("0x4000"),
			RewardPerDeposit: big.NewInt(1), RewardPerDayOperated: big.NewInt(1), RewardPerDayCollateral: big.NewInt(1),
			PenaltyTerms: "none", TaskSpecURI: fmt.Sprintf("data:,%d", id), TaskSpecHash: idTopic(id),
		}
		b.add(registry, reg, "NetworkRegistered", []common.Hash{idTopic(id), common.BytesToHash(operator.Bytes())}, terms)
		b.add(registry, reg, "NetworkWhitelisted", []common.Hash{idTopic(id)})
	}
	damAddrs := make([]common.Address, dams)
	for i := range damAddrs {
		damAddrs[i] = common.BigToAddress(big.NewInt(int64(0x5000 + i)))
		b.add(factory, fac, "DAMCreated", []common.Hash{common.BytesToHash(damAddrs[i].Bytes()), common.Hash{}},
			uint8(2), common.HexToAddress("0x4000"), uint16(100), uint64(86400))
		b.add(damAddrs[i], dam, "OperatorWhitelisted", []common.Hash{common.BytesToHash(operator.Bytes())})
	}
	ops := []common.Address{operator, common.HexToAddress("0x3001")}
	installed := map[[2]uint64]bool{}
	for k := 0; len(m.logs) < nEvents; k++ {
		id := uint64(k%networks) + 1
		d := k % dams
		key := [2]uint64{id, uint64(d)}
		switch {
		case installed[key]:
			b.add(damAddrs[d], dam, "NetworkUninstalled", []common.Hash{idTopic(id), common.Hash{}})
			installed[key] = false
		default:
			b.add(damAddrs[d], dam, "InstallationRequested", []common.Hash{idTopic(id)}, ops, big.NewInt(5))
			b.add(damAddrs[d], dam, "NetworkInstalled", []common.Hash{idTopic(id)}, ops, big.NewInt(5))
			installed[key] = true
		}
	}
	m.head = b.block + 1
	var want []uint64
	for key, ok := range installed {
		if ok {
			want = append(want, key[0])
		}
	}
	sort.Slice(want, func(i, j int) bool { return want[i] < want[j] })
	return m, registry, factory, operator, want
}

func backlogWatcher(tb testing.TB, m *memChain, registry, factory, operator common.Address, log *zap.Logger) *watcher.Watcher {
	tb.Helper()
	w, err := watcher.New(watcher.Config{
		Registry: registry, Factory: factory, Operator: operator, StartBlock: 1, ChunkSize: 2000,
		StorePath: filepath.Join(tb.TempDir(), "m.db"),
	}, m, log, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return w
}

func runToHead(tb testing.TB, w *watcher.Watcher) {
	tb.Helper()
	for {
		done, err := w.Step(context.Background())
		if err != nil {
			tb.Fatal(err)
		}
		if done {
			return
		}
	}
}

// TestBacklogDerivesExpectedAssignments: catching up a 10,000-log backlog yields exactly the
// installations left standing.
func TestBacklogDerivesExpectedAssignments(t *testing.T) {
	m, registry, factory, operator, want := backlog(10_000)
	w := backlogWatcher(t, m, registry, factory, operator, zap.NewNop())
	defer w.Close()
	runToHead(t, w)
	got := networkIDs(w.Assignments())
	if !equalIDs(got, want) {
		t.Fatalf("got %d assignments, want %d", len(got), len(want))
	}
	n := 0
	if err := w.ForEachLog(func(*types.Log) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	if n != len(m.logs) {
		t.Fatalf("journal has %d logs, chain %d", n, len(m.logs))
	}
}

// BenchmarkCatchUp100kEvents measures catching up a backlog of 100,000 marketplace logs (decode,
// journal in bbolt, derive assignments). Target: well under 60 s per catch-up.
func BenchmarkCatchUp100kEvents(b *testing.B) {
	m, registry, factory, operator, want := backlog(100_000)
	b.ResetTimer()
	for range b.N {
		start := time.Now()
		w := backlogWatcher(b, m, registry, factory, operator, zap.NewNop())
		runToHead(b, w)
		if got := len(w.Assignments()); got != len(want) {
			b.Fatalf("got %d assignments, want %d", got, len(want))
		}
		b.ReportMetric(float64(len(m.logs))/time.Since(start).Seconds(), "events/s")
		_ = w.Close()
	}
}

// TestMalformedLogIsSkippedNotFatal: a marketplace-topic log that does not decode is counted and
// skipped, both when first seen and when the journal is replayed after a restart.
func TestMalformedLogIsSkippedNotFatal(t *testing.T) {
	m, registry, factory, operator, want := backlog(200)
	bad := m.logs[0]
	bad.Data = []byte{1, 2, 3} // NetworkRegistered with truncated terms
	bad.Index = 9999
	m.logs = append(m.logs, bad)
	sort.Slice(m.logs, func(i, j int) bool {
		if m.logs[i].BlockNumber != m.logs[j].BlockNumber {
			return m.logs[i].BlockNumber < m.logs[j].BlockNumber
		}
		return m.logs[i].Index < m.logs[j].Index
	})
	dir := t.TempDir()
	cfg := watcher.Config{Registry: registry, Factory: factory, Operator: operator, StartBlock: 1, ChunkSize: 50,
		StorePath: filepath.Join(dir, "m.db")}
	w, err := watcher.New(cfg, m, zap.NewNop(), nil)
	if err != nil {
		t.Fatal(err)
	}
	runToHead(t, w)
	if !equalIDs(networkIDs(w.Assignments()), want) {
		t.Fatalf("assignments %v, want %v", networkIDs(w.Assignments()), want)
	}
	_ = w.Close()
	w2, err := watcher.New(cfg, m, zap.NewNop(), nil)
	if err != nil {
		t.Fatalf("restart with a malformed log in the journal: %v", err)
	}
	defer w2.Close()
	if !equalIDs(networkIDs(w2.Assignments()), want) {
		t.Fatalf("after restart assignments %v, want %v", networkIDs(w2.Assignments()), want)
	}
}
