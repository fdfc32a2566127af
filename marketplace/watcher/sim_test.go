package watcher_test

import (
	"context"
	"math/big"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zaptest"

	"github.com/stingerdvt/stinger/marketplace/chaintest"
	"github.com/stingerdvt/stinger/marketplace/watcher"
)

type simEnv struct {
	*chaintest.Env
	dam common.Address
}

func newSimEnv(t *testing.T) *simEnv {
	t.Helper()
	e := chaintest.New(t)
	s := &simEnv{Env: e, dam: e.CreateDAM(chaintest.Collateral, 500, 86400)}
	e.MustSend(e.Manager, s.dam, e.DAMABI.PackWhitelistOperator(e.Operator.Addr))
	return s
}

func (s *simEnv) register(uri string) *big.Int {
	return s.RegisterNetwork(s.Terms(chaintest.Collateral, uri, crypto.Keccak256Hash([]byte(uri))))
}

func (s *simEnv) config(dir string, confirmations uint64) watcher.Config {
	return watcher.Config{
		Registry: s.Registry, Factory: s.Factory, Operator: s.Operator.Addr, StartBlock: s.DeployBlock,
		Confirmations: confirmations, ChunkSize: 7, PollInterval: 10 * time.Millisecond,
		StorePath: filepath.Join(dir, "marketplace.db"),
	}
}

func newWatcher(t *testing.T, cfg watcher.Config, chain watcher.Chain, reg prometheus.Registerer) *watcher.Watcher {
	t.Helper()
	w, err := watcher.New(cfg, chain, zaptest.NewLogger(t), reg)
	if err != nil {
		t.Fatalf("new watcher: %v", err)
	}
	return w
}

// catchUp steps the watcher until it has reached the confirmed head.
func catchUp(t *testing.T, w *watcher.Watcher) {
	t.Helper()
	var lastErr error
	for range 200 {
		done, err := w.Step(context.Background())
		if err == nil && done {
			return
		}
		lastErr = err
	}
	t.Fatalf("watcher did not catch up: %v", lastErr)
}

func networkIDs(as []watcher.Assignment) []uint64 {
	out := []uint64{}
	for _, a := range as {
		out = append(out, a.NetworkID)
	}
	return out
}

func wantIDs(t *testing.T, w *watcher.Watcher, want ...uint64) {
	t.Helper()
	got := networkIDs(w.Assignments())
	if len(got) != len(want) {
		t.Fatalf("assignments = %v, want %v", got, want)
	}
	for i := range got {
		if got[i] != want[i] {
			t.Fatalf("assignments = %v, want %v", got, want)
		}
	}
}

// TestAssignmentsFollowTheRules: the operator serves exactly the whitelisted Networks installed in
// DAMs that whitelist it and list it; each on-chain change is reflected after confirmation.
func TestAssignmentsFollowTheRules(t *testing.T) {
	s := newSimEnv(t)
	w := newWatcher(t, s.config(t.TempDir(), 2), s.Client, nil)
	defer w.Close()
	n1, n2 := s.register("data:,one"), s.register("data:,two")
	s.Install(s.dam, n2, 100, s.Operator2) // not ours
	s.Install(s.dam, n1, 100, s.Operator)
	catchUp(t, w)
	wantIDs(t, w) // not yet confirmed: 2 confirmations needed
	s.Backend.Commit()
	s.Backend.Commit()
	catchUp(t, w)
	wantIDs(t, w, n1.Uint64())
	a := w.Assignments()[0]
	if a.DAM != s.dam || a.Terms.TaskSpecURI != "data:,one" || a.Terms.TaskSpecHash != crypto.Keccak256Hash([]byte("data:,one")) ||
		a.DAMType != watcher.Collateral || a.NetworkAdmin != s.NetworkAdmin.Addr {
		t.Fatalf("assignment = %+v", a)
	}
	steps := []struct {
		name string
		do   func()
		want []uint64
	}{
		{"operator removed from the DAM", func() { s.MustSend(s.Manager, s.dam, s.DAMABI.PackRemoveOperator(s.Operator.Addr)) }, nil},
		{"operator whitelisted again", func() { s.MustSend(s.Manager, s.dam, s.DAMABI.PackWhitelistOperator(s.Operator.Addr)) }, []uint64{n1.Uint64()}},
		{"network delisted", func() { s.MustSend(s.Governance, s.Registry, s.RegistryABI.PackDelistNetwork(n1)) }, nil},
		{"network whitelisted again", func() { s.MustSend(s.Governance, s.Registry, s.RegistryABI.PackWhitelistNetwork(n1)) }, []uint64{n1.Uint64()}},
		{"network uninstalled", func() { s.MustSend(s.NetworkAdmin, s.dam, s.DAMABI.PackUninstall(n1)) }, nil},
		{"requested but not confirmed", func() {
			s.MustSend(s.Manager, s.dam, s.DAMABI.PackRequestInstallation(n1, []common.Address{s.Operator.Addr}, big.NewInt(100)))
		}, nil},
		{"confirmed", func() { s.MustSend(s.NetworkAdmin, s.dam, s.DAMABI.PackConfirmInstallation(n1)) }, []uint64{n1.Uint64()}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.do()
			s.Backend.Commit()
			s.Backend.Commit()
			catchUp(t, w)
			wantIDs(t, w, st.want...)
		})
	}
}

// TestReorgRemovingInstallationRemovesAssignment: the block holding NetworkInstalled is replaced by
// a fork without it; the watcher rewinds and the assignment disappears.
func TestReorgRemovingInstallationRemovesAssignment(t *testing.T) {
	s := newSimEnv(t)
	reg := prometheus.NewRegistry()
	w := newWatcher(t, s.config(t.TempDir(), 0), s.Client, reg)
	defer w.Close()
	n1 := s.register("data:,one")
	s.MustSend(s.Manager, s.dam, s.DAMABI.PackRequestInstallation(n1, []common.Address{s.Operator.Addr}, big.NewInt(100)))
	parent, err := s.Client.HeaderByNumber(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	s.MustSend(s.NetworkAdmin, s.dam, s.DAMABI.PackConfirmInstallation(n1))
	s.Backend.Commit()
	catchUp(t, w)
	wantIDs(t, w, n1.Uint64())

	if err := s.Backend.Fork(parent.Hash()); err != nil {
		t.Fatalf("fork: %v", err)
	}
	dropReinjected(t, s)
	// The chain is now shorter than the watcher's cursor: the next step already rewinds.
	if _, err := w.Step(context.Background()); err == nil || !strings.Contains(err.Error(), "reorg") {
		t.Fatalf("step on the shortened chain: err = %v, want a reorg", err)
	}
	wantIDs(t, w)
	for range 4 {
		s.Backend.Commit()
	}
	inst, err := s.DAMABI.UnpackInstallation(s.Call(s.dam, s.DAMABI.PackInstallation(n1)))
	if err != nil {
		t.Fatal(err)
	}
	if inst.Status != 1 {
		t.Fatalf("after the fork the installation status is %d, want 1 (requested): the test chain did not drop it", inst.Status)
	}
	catchUp(t, w)
	wantIDs(t, w)
	if got := metricValue(t, reg, "stinger_marketplace_watcher_reorgs_total"); got < 1 {
		t.Fatalf("reorgs_total = %v, want at least 1", got)
	}
}

// dropReinjected clears the transactions the fork pushed back into the pool, so the side chain
// really lacks them.
func dropReinjected(t *testing.T, s *simEnv) {
	t.Helper()
	ctx := context.Background()
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) {
		pending, err := s.Client.PendingNonceAt(ctx, s.NetworkAdmin.Addr)
		if err != nil {
			t.Fatal(err)
		}
		mined, err := s.Client.NonceAt(ctx, s.NetworkAdmin.Addr, nil)
		if err != nil {
			t.Fatal(err)
		}
		if pending > mined {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	s.Backend.Rollback()
}
