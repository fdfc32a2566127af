package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
	"github.com/stingerdvt/stinger/testnet/devnet"
)

// dealtLock creates a 4-operator cluster with a trusted dealer and returns node0's lock file.
func dealtLock(t *testing.T, validators int) string {
	t.Helper()
	out := filepath.Join(t.TempDir(), "cluster")
	code, _, stderr := runCLI(t, "create", "cluster", "--nodes", "4", "--validators", fmt.Sprint(validators),
		"--network", "stinger-devnet", "--fork-version", devnet.ForkVersion(), "--insecure-keys", "--out", out,
		"--withdrawal-address", "0x000000000000000000000000000000000000dEaD",
		"--fee-recipient", "0x1111111111111111111111111111111111111111")
	if code != 0 {
		t.Fatalf("create cluster: %s", stderr)
	}
	return filepath.Join(out, "node0", "cluster-lock.json")
}

func TestLockValidatorsReadsEveryKeyOnce(t *testing.T) {
	lockPath := dealtLock(t, 3)
	lock, err := cluster.LoadLock(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(filepath.Dir(filepath.Dir(lockPath)), "node1", "cluster-lock.json")
	keys, err := lockValidators([]string{lockPath, other})
	if err != nil {
		t.Fatal(err)
	}
	if len(keys) != 3 {
		t.Fatalf("got %d keys from the same lock twice, want 3", len(keys))
	}
	for i, k := range keys {
		if got := fmt.Sprintf("%#x", k[:]); got != lock.Validators[i].PublicKey {
			t.Fatalf("key %d: %s, want %s", i, got, lock.Validators[i].PublicKey)
		}
	}
}

func TestDevnetBadInputNamesTheProblem(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"beacon without validators", []string{"devnet", "beacon", "--listen", "127.0.0.1:0"}, "want at least one validator"},
		{"beacon with a missing lock", []string{"devnet", "beacon", "--lock", filepath.Join(dir, "nope.json")}, "nope.json"},
		{"beacon with a bad preset", []string{"devnet", "beacon", "--extra-validators", "4", "--preset", "gnosis"}, "Preset"},
		{"beacon with a fractional slot", []string{"devnet", "beacon", "--extra-validators", "4", "--slot", "1500ms"}, "SlotDuration 1.5s"},
		{"score without a devnet", []string{"devnet", "score", "--dir", dir}, "devnet.json not found"},
		{"score of an unreachable simulator", []string{"devnet", "score", "--beacon", "http://127.0.0.1:1"}, "fetch stats"},
		{"down without a devnet", []string{"devnet", "down", "--dir", dir}, "devnet.json not found"},
		{"up with 5 nodes", []string{"devnet", "up", "--nodes", "5", "--dir", dir}, "--nodes 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, tt.args...)
			if code == 0 || !strings.Contains(stderr, tt.want) {
				t.Fatalf("exit %d, stderr %q, want it to mention %q", code, stderr, tt.want)
			}
		})
	}
}

// TestDevnetBeaconServesScoreOfLockValidators runs `stinger devnet beacon` as a subprocess on a lock file,
// reads the score with `stinger devnet score` (table and JSON), and stops it with SIGTERM.
func TestDevnetBeaconServesScoreOfLockValidators(t *testing.T) {
	lockPath := dealtLock(t, 2)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	cmd := exec.Command(exe, "devnet", "beacon", "--listen", addr, "--lock", lockPath, "--extra-validators", "6",
		"--slot", "1s", "--genesis-delay", "0s")
	cmd.Env = append(os.Environ(), execMainEnv+"=1")
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	defer func() {
		_ = cmd.Process.Kill()
	}()
	url := "http://" + addr
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(url + "/eth/v1/node/version")
		if err == nil {
			resp.Body.Close()
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("simulator did not serve: %v\n%s", err, logs.String())
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(1500 * time.Millisecond) // let slot 1 start so that duties are due
	code, stdout, stderr := runCLI(t, "devnet", "score", "--beacon", url)
	if code != 0 {
		t.Fatalf("score: %s", stderr)
	}
	for _, s := range []string{"attestation", "sync_committee", "total", "correct duties:", "slashable offences: 0"} {
		if !strings.Contains(stdout, s) {
			t.Errorf("score table lacks %q:\n%s", s, stdout)
		}
	}
	code, stdout, stderr = runCLI(t, "devnet", "score", "--beacon", url, "--json")
	if code != 0 {
		t.Fatalf("score --json: %s", stderr)
	}
	var st beaconsim.Stats
	if err := json.Unmarshal([]byte(stdout), &st); err != nil {
		t.Fatalf("score --json is not Stats JSON: %v\n%s", err, stdout)
	}
	if len(st.Validators) != 2 || st.Totals.Expected == 0 {
		t.Fatalf("want the 2 lock validators scored with duties due, got %d validators, %d expected", len(st.Validators), st.Totals.Expected)
	}
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("simulator exited with %v after SIGTERM\n%s", err, logs.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("simulator did not stop within 10 s of SIGTERM")
	}
}
