package app_test

import (
	"context"
	"encoding/hex"
	"fmt"
	"math/rand/v2"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/libp2p/go-libp2p/core/crypto"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/app"
	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/dkg"
	"github.com/stingerdvt/stinger/eth2/keystore"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

// TestNodeRefusesABeaconNodeOfAnotherChain gives a node a lock made for
// hoodi and a beacon node of another chain: the duty pipeline never starts
// and its health says why.
func TestNodeRefusesABeaconNodeOfAnotherChain(t *testing.T) {
	r := rand.NewChaCha8([32]byte{7})
	dir := filepath.Join(t.TempDir(), "node0")
	id, err := cluster.CreateIdentity(dir, r)
	if err != nil {
		t.Fatal(err)
	}
	def, err := cluster.NewDefinition(cluster.NewDefinitionParams{
		Name: "wrong chain", Operators: []cluster.Operator{{PeerID: id.PeerID.String(), Addresses: []string{"/ip4/127.0.0.1/tcp/0"}}},
		NumValidators: 1, Network: "hoodi", ForkVersion: "0x10000910",
		WithdrawalAddresses: []string{"0x000000000000000000000000000000000000dEaD"},
		FeeRecipients:       []string{"0x1111111111111111111111111111111111111111"}, Now: time.Now(),
	})
	if err != nil {
		t.Fatal(err)
	}
	lock, shares, err := dkg.Deal(dkg.DealerParams{Definition: def, Keys: []crypto.PrivKey{id.Key}, Rand: r})
	if err != nil {
		t.Fatal(err)
	}
	if err := dkg.WriteOutputs(dir, lock, shares[0], dkg.OutputOptions{Rand: r, Keystore: []keystore.Option{keystore.WithPBKDF2(2)}}); err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	simAddr := l.Addr().String()
	l.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	simCfg := beaconsim.DefaultConfig()
	pk, err := hex.DecodeString(strings.TrimPrefix(lock.Validators[0].PublicKey, "0x"))
	if err != nil {
		t.Fatal(err)
	}
	simCfg.Listen, simCfg.Validators, simCfg.ExtraValidators, simCfg.Preset = simAddr, []phase0.BLSPubKey{phase0.BLSPubKey(pk)}, 8, "minimal"
	simCfg.SlotDuration, simCfg.GenesisDelay = time.Second, 0
	simErr := make(chan error, 1)
	go func() { simErr <- beaconsim.Run(ctx, simCfg, zap.NewNop()) }()

	cfg := testConfig(t)
	cfg.DataDir = dir
	cfg.BeaconNodeURLs = []string{"http://" + simAddr}
	cfg.P2P.Listen = []string{"/ip4/127.0.0.1/tcp/0"}
	a, err := app.New(app.Options{Config: cfg, Logger: zap.NewNop(), Rand: r})
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
	defer wcancel()
	addr, err := a.APIAddr(wctx)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(15 * time.Second)
	for {
		code, body := get(t, fmt.Sprintf("http://%s/eigen/node/services/duties/health", addr))
		if strings.Contains(body, "refusing to sign") {
			if code == 200 {
				t.Fatalf("duties health %d %s: want not healthy", code, body)
			}
			break
		}
		select {
		case err := <-simErr:
			t.Fatalf("simulator stopped: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("duties health never named the wrong chain: %d %s", code, body)
		}
		time.Sleep(200 * time.Millisecond)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Run = %v", err)
	}
}
