//go:build e2e

package main

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
)

// buildStinger builds the stinger binary into a temporary directory.
func buildStinger(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "stinger")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("build stinger: %v", err)
	}
	return bin
}

func stinger(t *testing.T, bin string, args ...string) string {
	t.Helper()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("stinger %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return string(out)
}

// TestDKGFourProcesses runs the whole operator flow with four separate
// `stinger dkg` processes on loopback: identities, definition, approvals,
// ceremony; the four locks must be byte-identical and pass `lock verify`.
func TestDKGFourProcesses(t *testing.T) {
	bin := buildStinger(t)
	dir := t.TempDir()
	var ops []string
	for i := range 4 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		port := l.Addr().(*net.TCPAddr).Port
		l.Close()
		data := filepath.Join(dir, fmt.Sprintf("op%d", i))
		stinger(t, bin, "identity", "create", "--data-dir", data)
		var pid string
		for _, line := range strings.Split(stinger(t, bin, "identity", "show", "--data-dir", data), "\n") {
			if v, ok := strings.CutPrefix(line, "peer_id: "); ok {
				pid = v
			}
		}
		ops = append(ops, "--operator", fmt.Sprintf("op%d=%s@/ip4/127.0.0.1/tcp/%d", i, pid, port))
	}
	def := filepath.Join(dir, "cluster-definition.json")
	args := append([]string{"create", "definition", "--name", "e2e", "--validators", "10", "--network", "hoodi",
		"--withdrawal-address", "0x000000000000000000000000000000000000dEaD",
		"--fee-recipient", "0x1111111111111111111111111111111111111111", "--out", def}, ops...)
	stinger(t, bin, args...)
	for i := range 4 {
		stinger(t, bin, "definition", "sign", "--definition", def, "--data-dir", filepath.Join(dir, fmt.Sprintf("op%d", i)))
	}
	outs := make([]string, 4)
	errs := make([]error, 4)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			out, err := exec.Command(bin, "dkg", "--definition", def, "--data-dir", filepath.Join(dir, fmt.Sprintf("op%d", i)),
				"--insecure-keys", "--timeout", "2m").CombinedOutput()
			outs[i], errs[i] = string(out), err
		})
	}
	wg.Wait()
	var first []byte
	for i := range 4 {
		if errs[i] != nil {
			t.Fatalf("dkg op%d: %v\n%s", i, errs[i], outs[i])
		}
		lock := filepath.Join(dir, fmt.Sprintf("op%d", i), "cluster-lock.json")
		raw, err := os.ReadFile(lock)
		if err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = raw
		} else if !bytes.Equal(first, raw) {
			t.Fatalf("op%d's lock differs from op0's", i)
		}
		if out := stinger(t, bin, "lock", "verify", lock); !strings.Contains(out, "is valid") {
			t.Fatalf("lock verify: %s", out)
		}
	}
	// A tampered lock is rejected with a reason.
	bad := filepath.Join(dir, "bad-lock.json")
	if err := os.WriteFile(bad, bytes.Replace(first, []byte(`"amount": 32000000000`), []byte(`"amount": 31000000000`), 1), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "lock", "verify", bad).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "lock_hash") {
		t.Fatalf("tampered lock: err=%v\n%s", err, out)
	}
}
