//go:build e2e_prysm

package devnet_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/testnet/devnet"
	"github.com/stingerdvt/stinger/testnet/prysm"
)

// Smoke test parameters: a cluster of 4 nodes holding half the stake, Prysm's validator client the
// other half, so that the chain justifies only if the cluster attests.
const (
	smokeValidators = 8
	smokeExtra      = 8
	smokeSlot       = 4 * time.Second
	smokeEpochSlots = 32 // mainnet preset
)

// prysmStingerBinary builds cmd/stinger (or uses $STINGER_BIN).
func prysmStingerBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("STINGER_BIN"); p != "" {
		return p
	}
	_, file, _, _ := runtime.Caller(0)
	bin := filepath.Join(t.TempDir(), "stinger")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/stinger")
	cmd.Dir = filepath.Join(filepath.Dir(file), "..", "..")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build stinger: %v\n%s", err, out)
	}
	return bin
}

type logWriter struct{ t *testing.T }

func (w logWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}

// On a real chain (geth + Prysm), a stinger cluster whose validators are interop keys split among 4
// nodes attests and proposes: over epochs 1 and 2 the standard Beacon API's liveness says every cluster
// validator was live, the chain justifies (the cluster holds half the stake), every cluster validator's
// balance is above its genesis balance, and some of the cluster's blocks are on the chain.
func TestPrysmClusterAttestsAndEarns(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 25*time.Minute)
	defer cancel()
	start := time.Now()
	bin := prysmStingerBinary(t)
	dir := t.TempDir()
	if keep := os.Getenv("STINGER_PRYSM_KEEP"); keep != "" {
		dir = filepath.Join(keep, t.Name())
		_ = os.RemoveAll(dir)
	}
	opts := devnet.DefaultOptions()
	opts.Binary, opts.Dir, opts.Beacon, opts.Preset, opts.Slot = bin, dir, devnet.BeaconPrysm, prysm.Preset, smokeSlot
	opts.Validators, opts.ExtraValidators, opts.Chain, opts.Progress = smokeValidators, smokeExtra, false, logWriter{t}
	d, err := devnet.Start(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	m := d.Manifest()
	if m.Prysm == nil || m.Prysm.ValidatorStart != smokeValidators || m.Prysm.ValidatorCount != smokeExtra {
		t.Fatalf("manifest's prysm section %+v: want Prysm's validator client on indices %d..%d", m.Prysm,
			smokeValidators, smokeValidators+smokeExtra-1)
	}
	bn := m.Beacon.URL
	t.Logf("devnet up in %s", time.Since(start).Round(time.Second))

	ids := make([]string, smokeValidators)
	for i := range ids {
		ids[i] = strconv.Itoa(i)
	}
	genesisBalances := balances(ctx, t, bn, "genesis", ids)

	// Prysm answers liveness of the previous epoch from the head state, which counts the attestations
	// included so far, but of older epochs from the state at their last slot, which misses those included
	// in the next epoch (an attestation of an epoch's last slot always is). So each epoch is asked about
	// near the end of the next one. Justification is computed at the first slot of epoch 3.
	for _, epoch := range []uint64{1, 2} {
		at := (epoch+1)*smokeEpochSlots + smokeEpochSlots - 2
		if epoch == 2 {
			at = 3*smokeEpochSlots + 2
		}
		waitHead(ctx, t, d, bn, at)
		var live struct {
			Data []struct {
				Index  string `json:"index"`
				IsLive bool   `json:"is_live"`
			} `json:"data"`
		}
		if err := prysm.PostJSON(ctx, fmt.Sprintf("%s/eth/v1/validator/liveness/%d", bn, epoch), ids, &live); err != nil {
			t.Fatal(err)
		}
		if len(live.Data) != len(ids) {
			t.Fatalf("liveness of epoch %d: %d answers for %d validators", epoch, len(live.Data), len(ids))
		}
		for _, v := range live.Data {
			if !v.IsLive {
				t.Errorf("cluster validator %s was not live in epoch %d", v.Index, epoch)
			}
		}
	}
	target := uint64(3*smokeEpochSlots + 2)
	var fc struct {
		Data struct {
			Justified struct {
				Epoch string `json:"epoch"`
			} `json:"current_justified"`
		} `json:"data"`
	}
	if err := prysm.GetJSON(ctx, bn+"/eth/v1/beacon/states/head/finality_checkpoints", &fc); err != nil {
		t.Fatal(err)
	}
	if e, _ := strconv.Atoi(fc.Data.Justified.Epoch); e < 1 {
		t.Errorf("justified epoch %s at slot %d: the cluster's half of the stake did not attest", fc.Data.Justified.Epoch, target)
	}
	now := balances(ctx, t, bn, "head", ids)
	for _, id := range ids {
		if now[id] <= genesisBalances[id] {
			t.Errorf("cluster validator %s: balance %d gwei at slot %d, %d at genesis: want growth", id, now[id], target,
				genesisBalances[id])
		}
	}
	proposed, due := clusterBlocks(ctx, t, bn, target-1)
	if proposed == 0 {
		t.Errorf("none of the cluster's %d proposals in slots 1..%d is on the chain", due, target-1)
	}
	t.Logf("balances of the cluster's validators at genesis %v, at slot %d %v; justified epoch %s; cluster blocks on the chain %d of %d due; total %s",
		genesisBalances, target, now, fc.Data.Justified.Epoch, proposed, due, time.Since(start).Round(time.Second))
	reportResources(t, d)
}

// waitHead waits until the chain's head reaches slot target.
func waitHead(ctx context.Context, t *testing.T, d *devnet.Devnet, bn string, target uint64) {
	t.Helper()
	for {
		head := headSlot(ctx, t, bn)
		if head >= target {
			return
		}
		if ex := d.Exited(); len(ex) > 0 {
			t.Fatalf("exited: %v", ex)
		}
		if head%8 == 0 {
			t.Logf("head slot %d of %d", head, target)
		}
		select {
		case <-ctx.Done():
			t.Fatalf("slot %d not reached: head %d", target, head)
		case <-time.After(smokeSlot):
		}
	}
}

func headSlot(ctx context.Context, t *testing.T, bn string) uint64 {
	t.Helper()
	var h struct {
		Data struct {
			Header struct {
				Message struct {
					Slot string `json:"slot"`
				} `json:"message"`
			} `json:"header"`
		} `json:"data"`
	}
	if err := prysm.GetJSON(ctx, bn+"/eth/v1/beacon/headers/head", &h); err != nil {
		t.Log(err)
		return 0
	}
	s, _ := strconv.ParseUint(h.Data.Header.Message.Slot, 10, 64)
	return s
}

// clusterBlocks counts the canonical blocks of slots 1..last proposed by the cluster's validators, and
// the slots the proposer duties gave them.
func clusterBlocks(ctx context.Context, t *testing.T, bn string, last uint64) (proposed, due int) {
	t.Helper()
	for epoch := uint64(0); epoch*smokeEpochSlots <= last; epoch++ {
		var duties struct {
			Data []struct {
				Index string `json:"validator_index"`
				Slot  string `json:"slot"`
			} `json:"data"`
		}
		if err := prysm.GetJSON(ctx, fmt.Sprintf("%s/eth/v1/validator/duties/proposer/%d", bn, epoch), &duties); err != nil {
			t.Fatal(err)
		}
		for _, d := range duties.Data {
			idx, _ := strconv.Atoi(d.Index)
			slot, _ := strconv.ParseUint(d.Slot, 10, 64)
			if idx >= smokeValidators || slot == 0 || slot > last {
				continue
			}
			due++
			var h struct {
				Data struct {
					Canonical bool `json:"canonical"`
					Header    struct {
						Message struct {
							ProposerIndex string `json:"proposer_index"`
						} `json:"message"`
					} `json:"header"`
				} `json:"data"`
			}
			if err := prysm.GetJSON(ctx, fmt.Sprintf("%s/eth/v1/beacon/headers/%d", bn, slot), &h); err != nil {
				continue // no block in that slot
			}
			if h.Data.Canonical && h.Data.Header.Message.ProposerIndex == d.Index {
				proposed++
			}
		}
	}
	return proposed, due
}

// balances returns the validators' balances (gwei) in a state.
func balances(ctx context.Context, t *testing.T, bn, state string, ids []string) map[string]uint64 {
	t.Helper()
	var r struct {
		Data []struct {
			Index   string `json:"index"`
			Balance string `json:"balance"`
		} `json:"data"`
	}
	url := fmt.Sprintf("%s/eth/v1/beacon/states/%s/validator_balances?id=%s", bn, state, strings.Join(ids, ","))
	if err := prysm.GetJSON(ctx, url, &r); err != nil {
		t.Fatal(err)
	}
	out := make(map[string]uint64, len(r.Data))
	for _, b := range r.Data {
		v, err := strconv.ParseUint(b.Balance, 10, 64)
		if err != nil {
			t.Fatalf("balance of %s: %v", b.Index, err)
		}
		out[b.Index] = v
	}
	if len(out) != len(ids) {
		t.Fatalf("balances of %d validators in state %s, want %d", len(out), state, len(ids))
	}
	return out
}

// reportResources logs every devnet process's peak RSS and CPU time (from /proc), for the record.
func reportResources(t *testing.T, d *devnet.Devnet) {
	m := d.Manifest()
	procs := map[string]int{"prysm beacon-chain": m.Beacon.PID}
	if m.Prysm != nil {
		procs["prysm geth"], procs["prysm validator"] = m.Prysm.Geth.PID, m.Prysm.Validator.PID
	}
	for _, n := range m.Nodes {
		procs["stinger "+n.Name] = n.PID
	}
	ticks := 100.0 // USER_HZ on Linux
	for name, pid := range procs {
		status, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
		if err != nil {
			t.Logf("%s: %v", name, err)
			continue
		}
		var hwm string
		for _, l := range strings.Split(string(status), "\n") {
			if strings.HasPrefix(l, "VmHWM:") {
				hwm = strings.TrimSpace(strings.TrimPrefix(l, "VmHWM:"))
			}
		}
		stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
		if err != nil {
			continue
		}
		f := strings.Fields(string(stat[strings.LastIndexByte(string(stat), ')')+2:]))
		utime, _ := strconv.ParseFloat(f[11], 64)
		stime, _ := strconv.ParseFloat(f[12], 64)
		t.Logf("resources: %-20s peak RSS %s, CPU %.1f s", name, hwm, (utime+stime)/ticks)
	}
}
