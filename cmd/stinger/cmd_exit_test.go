package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

func stingerRun(t *testing.T, wantCode int, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := run(args, nil, &out, &errOut); code != wantCode {
		t.Fatalf("stinger %s: exit %d, want %d\n%s%s", strings.Join(args, " "), code, wantCode, out.String(), errOut.String())
	}
	return out.String() + errOut.String()
}

// TestExitSignCombineBroadcast threshold-signs a voluntary exit with three of
// four operators, combines it and broadcasts it to the beacon chain
// simulator, which verifies the signature with the exit domain.
func TestExitSignCombineBroadcast(t *testing.T) {
	dir := t.TempDir()
	stingerRun(t, 0, "create", "cluster", "--nodes", "4", "--validators", "1", "--out", dir, "--insecure-keys",
		"--network", "devnet", "--fork-version", fmt.Sprintf("%#x", beaconsim.GenesisForkVersion[:]),
		"--withdrawal-address", "0x000000000000000000000000000000000000dEaD", "--fee-recipient", "0x1111111111111111111111111111111111111111")
	lock, err := cluster.LoadLock(filepath.Join(dir, "node0", cluster.LockFileName))
	if err != nil {
		t.Fatal(err)
	}
	pk, _ := hex.DecodeString(strings.TrimPrefix(lock.Validators[0].PublicKey, "0x"))
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	sim := "http://" + l.Addr().String()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	cfg := beaconsim.DefaultConfig()
	cfg.Listen, cfg.Validators, cfg.ExtraValidators, cfg.Preset = l.Addr().String(), []phase0.BLSPubKey{phase0.BLSPubKey(pk)}, 8, "minimal"
	cfg.SlotDuration, cfg.GenesisDelay = time.Second, 0
	l.Close()
	go func() { _ = beaconsim.Run(ctx, cfg, zap.NewNop()) }()
	time.Sleep(300 * time.Millisecond)

	var partials []string
	for i := range 3 {
		node := filepath.Join(dir, fmt.Sprintf("node%d", i))
		out := filepath.Join(dir, fmt.Sprintf("partial%d.json", i))
		stingerRun(t, 0, "exit", "sign", "--data-dir", node, "--validator", lock.Validators[0].PublicKey,
			"--beacon-node-urls", sim, "--out", out)
		partials = append(partials, out)
	}
	exitFile := filepath.Join(dir, "exit.json")
	if out := stingerRun(t, 1, append([]string{"exit", "combine", "--data-dir", filepath.Join(dir, "node0"),
		"--beacon-node-urls", sim, "--out", exitFile}, partials[:2]...)...); !strings.Contains(out, "stinger:") {
		t.Fatalf("two partials of a 3-of-4 cluster combined: %s", out)
	}
	stingerRun(t, 0, append([]string{"exit", "combine", "--data-dir", filepath.Join(dir, "node0"),
		"--beacon-node-urls", sim, "--out", exitFile}, partials...)...)
	if out := stingerRun(t, 0, "exit", "broadcast", "--exit", exitFile, "--beacon-node-urls", sim); !strings.Contains(out, "Broadcast the exit") {
		t.Fatalf("broadcast: %s", out)
	}
	// The simulator verifies the signature: the same exit for another epoch is rejected.
	raw, err := os.ReadFile(exitFile)
	if err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(dir, "tampered.json")
	changed := regexp.MustCompile(`"epoch": "\d+"`).ReplaceAll(raw, []byte(`"epoch": "7"`))
	if bytes.Equal(changed, raw) {
		t.Fatalf("no epoch to tamper with in %s", raw)
	}
	if err := os.WriteFile(tampered, changed, 0o600); err != nil {
		t.Fatal(err)
	}
	stingerRun(t, 1, "exit", "broadcast", "--exit", tampered, "--beacon-node-urls", sim)
	// A validator outside the cluster is refused before anything is signed.
	stingerRun(t, 1, "exit", "sign", "--data-dir", filepath.Join(dir, "node0"), "--validator", "0x"+strings.Repeat("ab", 48),
		"--beacon-node-urls", sim)
}
