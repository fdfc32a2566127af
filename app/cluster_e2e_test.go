//go:build e2e

package app_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"path/filepath"
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/libp2p/go-libp2p/core/crypto"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/app"
	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/config"
	"github.com/stingerdvt/stinger/dkg"
	"github.com/stingerdvt/stinger/eth2/keystore"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

func freePort(t *testing.T) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// TestClusterOfAppsPerformsDutiesAgainstSimulator runs four complete nodes
// (app.New as `stinger run` builds them: p2p, QBFT, duties, slashing
// protection) in process against the beacon chain simulator and checks the
// simulator's score: attestations performed, no invalid signature, nothing
// slashable.
func TestClusterOfAppsPerformsDutiesAgainstSimulator(t *testing.T) {
	const nodes, validators = 4, 4
	r := rand.NewChaCha8([32]byte{42})
	base := t.TempDir()
	keys := make([]crypto.PrivKey, nodes)
	ops := make([]cluster.Operator, nodes)
	dirs := make([]string, nodes)
	for i := range nodes {
		dirs[i] = filepath.Join(base, fmt.Sprintf("node%d", i))
		id, err := cluster.CreateIdentity(dirs[i], r)
		if err != nil {
			t.Fatal(err)
		}
		keys[i] = id.Key
		ops[i] = cluster.Operator{PeerID: id.PeerID.String(), Name: fmt.Sprintf("node%d", i),
			Addresses: []string{fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", freePort(t))}}
	}
	def, err := cluster.NewDefinition(cluster.NewDefinitionParams{
		Name: "app e2e", Operators: ops, NumValidators: validators, Network: "devnet", ForkVersion: fmt.Sprintf("%#x", beaconsim.GenesisForkVersion[:]),
		WithdrawalAddresses: []string{"0x000000000000000000000000000000000000dEaD"},
		FeeRecipients:       []string{"0x1111111111111111111111111111111111111111"}, Now: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	lock, shares, err := dkg.Deal(dkg.DealerParams{Definition: def, Keys: keys, Rand: r})
	if err != nil {
		t.Fatal(err)
	}
	for i := range nodes {
		if err := dkg.WriteOutputs(dirs[i], lock, shares[i], dkg.OutputOptions{Rand: r, Keystore: []keystore.Option{keystore.WithPBKDF2(2)}}); err != nil {
			t.Fatal(err)
		}
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	simAddr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	var pubs []phase0.BLSPubKey
	for _, v := range lock.Validators {
		b, _ := hex.DecodeString(v.PublicKey[2:])
		pubs = append(pubs, phase0.BLSPubKey(b))
	}
	simCfg := beaconsim.DefaultConfig()
	simCfg.Listen, simCfg.Validators, simCfg.ExtraValidators = simAddr, pubs, 60
	simCfg.SlotDuration, simCfg.Preset, simCfg.GenesisDelay = time.Second, "minimal", 3*time.Second
	simDone := make(chan error, 1)
	go func() { simDone <- beaconsim.Run(ctx, simCfg, zap.NewNop()) }()

	apiURLs := make([]string, nodes)
	runDone := make(chan error, nodes)
	for i := range nodes {
		cfg := config.Default()
		cfg.NodeName = fmt.Sprintf("node%d", i)
		cfg.DataDir = dirs[i]
		cfg.API.Address = "127.0.0.1:0"
		cfg.BeaconNodeURLs = []string{"http://" + simAddr}
		cfg.P2P.Listen = ops[i].Addresses
		if err := cfg.Validate(); err != nil {
			t.Fatal(err)
		}
		logger := zap.NewNop()
		if testing.Verbose() {
			logger, _ = zap.NewDevelopment()
			logger = logger.Named(cfg.NodeName)
		}
		a, err := app.New(app.Options{Config: cfg, Build: app.BuildInfo{Version: "e2e"}, Logger: logger, Rand: r})
		if err != nil {
			t.Fatal(err)
		}
		go func() { runDone <- a.Run(ctx) }()
		wctx, wcancel := context.WithTimeout(ctx, 10*time.Second)
		addr, err := a.APIAddr(wctx)
		wcancel()
		if err != nil {
			t.Fatal(err)
		}
		apiURLs[i] = "http://" + addr.String()
	}

	// Three epochs of the minimal preset (8 slots of 1 s) after genesis.
	deadline := time.Now().Add(3*time.Second + 3*8*time.Second + 2*time.Second)
	var stats beaconsim.Stats
	for time.Now().Before(deadline) {
		time.Sleep(time.Second)
		if stats, err = beaconsim.FetchStats(ctx, http.DefaultClient, "http://"+simAddr); err != nil {
			t.Logf("stats: %v", err)
		}
	}
	att := stats.ByType["attestation"]
	t.Logf("head slot %d, justified %d, finalized %d; attestations expected %d correct %d missed %d late %d; invalid signatures %d; slashable %d",
		stats.HeadSlot, stats.JustifiedEpoch, stats.FinalizedEpoch, att.Expected, att.Correct, att.Missed, att.Late,
		stats.Totals.InvalidSignatures, stats.Totals.Slashable)
	for i, u := range apiURLs {
		code, body := get(t, u+"/eigen/node/health")
		t.Logf("node%d health %d %s", i, code, body)
		for _, path := range []string{"/v1/peers", "/v1/validators", "/v1/duties?from_slot=0&to_slot=100", "/v1/beacon_nodes"} {
			if code, body := get(t, u+path); code != http.StatusOK {
				t.Errorf("node%d GET %s = %d %s", i, path, code, body)
			}
		}
	}
	if stats.Totals.InvalidSignatures != 0 || stats.Totals.Slashable != 0 {
		t.Fatalf("invalid signatures %d, slashable %d: want none", stats.Totals.InvalidSignatures, stats.Totals.Slashable)
	}
	// The first epoch may be lost while the nodes connect and fetch duties;
	// from then on every attestation must be correct.
	if att.Expected == 0 || att.Correct*100 < (att.Expected-validators)*99 {
		t.Fatalf("attestations: %d correct of %d expected", att.Correct, att.Expected)
	}
	cancel()
	for range nodes {
		if err := <-runDone; err != nil {
			t.Errorf("node stopped with %v", err)
		}
	}
}
