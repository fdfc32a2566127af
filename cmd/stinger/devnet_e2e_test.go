//go:build e2e

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/testnet/beaconsim"
	"github.com/stingerdvt/stinger/testnet/devnet"
)

// lockedBuffer is a bytes.Buffer safe for a child process's writer and the test's reader.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestDevnetUpScoreDown runs the README's first command as a user would: `stinger devnet up` (real DKG,
// 4 nodes, the simulator; geth only when a geth binary is already cached or $STINGER_GETH is set, to keep
// CI short), then `stinger devnet score` within 3 epochs, then `stinger devnet down`, which must stop
// every process by PID.
func TestDevnetUpScoreDown(t *testing.T) {
	bin := buildStinger(t)
	dir := filepath.Join(t.TempDir(), "devnet")
	args := []string{"devnet", "up", "--dir", dir, "--validators", "4", "--slot", "2s"}
	if cache, err := devnet.GethCacheDir(); os.Getenv("STINGER_GETH") == "" && (err != nil || !exists(filepath.Join(cache, "geth"))) {
		args = append(args, "--no-chain")
	}
	up := exec.Command(bin, args...)
	var out lockedBuffer
	up.Stdout, up.Stderr = &out, &out
	if err := up.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- up.Wait() }()
	t.Cleanup(func() {
		_ = up.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = up.Process.Kill()
		}
		if t.Failed() {
			t.Logf("devnet up output:\n%s", out.String())
		}
	})
	var m *devnet.Manifest
	deadline := time.Now().Add(5 * time.Minute)
	for m == nil || m.Supervisor == 0 {
		if time.Now().After(deadline) {
			t.Fatal("devnet.json with the supervisor PID did not appear within 5 minutes")
		}
		select {
		case err := <-exited:
			t.Fatalf("devnet up exited early: %v", err)
		case <-time.After(time.Second):
		}
		m, _ = devnet.LoadManifest(dir)
	}
	// Three epochs of the minimal preset (8 slots of 2 s), counted from genesis.
	var st beaconsim.Stats
	for st.CurrentSlot < 3*8 {
		time.Sleep(2 * time.Second)
		raw, err := exec.Command(bin, "devnet", "score", "--dir", dir, "--json").Output()
		if err != nil {
			continue
		}
		if err := json.Unmarshal(raw, &st); err != nil {
			t.Fatalf("score --json: %v", err)
		}
	}
	table, err := exec.Command(bin, "devnet", "score", "--dir", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("devnet score: %v\n%s", err, table)
	}
	t.Logf("score after 3 epochs:\n%s", table)
	if st.Totals.Slashable != 0 || st.Totals.InvalidSignatures != 0 {
		t.Fatalf("slashable %d, invalid signatures %d: want 0", st.Totals.Slashable, st.Totals.InvalidSignatures)
	}
	// Every duty type, over the duties already resolved.
	for _, typ := range []beaconsim.DutyType{beaconsim.DutyAttestation, beaconsim.DutyAggregation,
		beaconsim.DutyProposal, beaconsim.DutySyncCommittee, beaconsim.DutySyncContribution} {
		c := st.ByType[typ]
		if resolved := c.Correct + c.Late + c.Missed + c.Incorrect; float64(c.Correct) < 0.99*float64(resolved) {
			t.Errorf("%s: %+v, want >= 99%% of the resolved duties correct", typ, c)
		}
	}
	if att := st.ByType[beaconsim.DutyAttestation]; att.Correct == 0 {
		t.Errorf("no correct attestation after 3 epochs: %+v", att)
	}
	if !strings.Contains(out.String(), "slot ") {
		t.Errorf("no status line printed:\n%s", out.String())
	}
	down, err := exec.Command(bin, "devnet", "down", "--dir", dir).CombinedOutput()
	if err != nil {
		t.Fatalf("devnet down: %v\n%s", err, down)
	}
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("devnet up exited with %v after devnet down", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("devnet up still running 30 s after devnet down")
	}
	pids := []int{m.Supervisor, m.Beacon.PID}
	for _, n := range m.Nodes {
		pids = append(pids, n.PID)
	}
	for _, pid := range pids {
		if raw, err := os.ReadFile(filepath.Join("/proc", strconv.Itoa(pid), "cmdline")); err == nil && bytes.Contains(raw, []byte(dir)) {
			t.Errorf("PID %d (%s) still runs after devnet down", pid, bytes.ReplaceAll(raw, []byte{0}, []byte{' '}))
		}
	}
	if !strings.Contains(string(down), "stopped") {
		t.Errorf("devnet down output: %s", down)
	}
}

func exists(p string) bool { _, err := os.Stat(p); return err == nil }
