//go:build e2e_prysm

package prysm_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/ethereum/go-ethereum/common"

	"github.com/stingerdvt/stinger/testnet/devnet"
	"github.com/stingerdvt/stinger/testnet/prysm"
)

// clients returns geth and Prysm, building them into the cache if needed.
func clients(t *testing.T, ctx context.Context) (string, prysm.Binaries) {
	t.Helper()
	logf := func(format string, args ...any) { t.Logf(format, args...) }
	geth, err := devnet.FindGeth(ctx, "", logf)
	if err != nil {
		t.Fatal(err)
	}
	b, err := prysm.Build(ctx, logf)
	if err != nil {
		t.Fatal(err)
	}
	return geth, b
}

type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) { w.t.Log(string(p)); return len(p), nil }

// geth, Prysm's beacon node and its validator client holding every genesis validator run a chain that
// finalizes: the genesis files agree, the clients talk over the engine API, blocks are proposed and
// attestations included. With the mainnet preset the first finalization comes at slot 128, about 9 min
// after the start: run with go test -tags e2e_prysm -timeout 20m ./testnet/prysm/.
func TestChainFinalizes(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Minute)
	defer cancel()
	geth, bins := clients(t, ctx)
	dir := t.TempDir()
	if keep := os.Getenv("STINGER_PRYSM_KEEP"); keep != "" {
		dir = filepath.Join(keep, t.Name())
		_ = os.RemoveAll(dir)
	}
	c, err := prysm.Start(ctx, prysm.Config{Dir: dir, Binaries: bins, Geth: geth, Validators: 64, OwnCount: 64,
		GenesisForkVersion: phase0.Version{0x10, 0, 0, 0x5b}, FeeRecipient: common.HexToAddress("0x1111111111111111111111111111111111111111"),
		Progress: testWriter{t}})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	deadline := c.Genesis.Time.Add(5 * 32 * 4 * time.Second)
	for {
		var fc struct {
			Data struct {
				Finalized struct {
					Epoch string `json:"epoch"`
				} `json:"finalized"`
				Justified struct {
					Epoch string `json:"epoch"`
				} `json:"current_justified"`
			} `json:"data"`
		}
		var head struct {
			Data struct {
				Header struct {
					Message struct {
						Slot string `json:"slot"`
					} `json:"message"`
				} `json:"header"`
			} `json:"data"`
		}
		if err := prysm.GetJSON(ctx, c.BeaconURL+"/eth/v1/beacon/states/head/finality_checkpoints", &fc); err != nil {
			t.Log(err)
		}
		_ = prysm.GetJSON(ctx, c.BeaconURL+"/eth/v1/beacon/headers/head", &head)
		t.Logf("head slot %s, justified epoch %s, finalized epoch %s", head.Data.Header.Message.Slot,
			fc.Data.Justified.Epoch, fc.Data.Finalized.Epoch)
		if e, _ := strconv.Atoi(fc.Data.Finalized.Epoch); e >= 1 {
			return
		}
		if ex := c.Exited(); len(ex) > 0 {
			t.Fatalf("exited: %v", ex)
		}
		if time.Now().After(deadline) {
			t.Fatalf("no finalized epoch by %s (logs in %s)", deadline.Format(time.TimeOnly), dir)
		}
		time.Sleep(8 * time.Second)
	}
}
