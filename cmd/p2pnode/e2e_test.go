//go:build e2e

package main_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/p2p"
)

// freePort returns a loopback TCP port that was free a moment ago.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	return ln.Addr().(*net.TCPAddr).Port
}

// TestFourProcessesFormFullMeshWithRTTs builds p2pnode, starts 4 operator processes on loopback
// and checks through each one's GET /v1/peers that all are connected to all with measured RTTs.
func TestFourProcessesFormFullMeshWithRTTs(t *testing.T) {
	const n = 4
	dir := t.TempDir()
	bin := filepath.Join(dir, "p2pnode")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	type peerJSON struct {
		Name   string   `json:"name"`
		PeerID string   `json:"peer_id"`
		Addrs  []string `json:"addrs"`
	}
	var peers []peerJSON
	apis := make([]string, n)
	dataDirs := make([]string, n)
	rnd := rand.NewChaCha8([32]byte{'e', '2', 'e'})
	for i := range n {
		dataDirs[i] = filepath.Join(dir, fmt.Sprintf("op%d", i))
		id, err := cluster.CreateIdentity(dataDirs[i], rnd)
		if err != nil {
			t.Fatal(err)
		}
		port := freePort(t)
		apis[i] = fmt.Sprintf("127.0.0.1:%d", freePort(t))
		peers = append(peers, peerJSON{Name: fmt.Sprintf("op%d", i), PeerID: id.PeerID.String(),
			Addrs: []string{fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", port)}})
	}
	clusterJSON, err := json.Marshal(map[string]any{"lock_hash": "c0ffee00c0ffee00c0ffee00c0ffee00", "peers": peers})
	if err != nil {
		t.Fatal(err)
	}
	clusterPath := filepath.Join(dir, "cluster-peers.json")
	if err := os.WriteFile(clusterPath, clusterJSON, 0o600); err != nil {
		t.Fatal(err)
	}

	for i := range n {
		var logs bytes.Buffer
		cmd := exec.Command(bin, "--data-dir", dataDirs[i], "--cluster", clusterPath,
			"--listen", peers[i].Addrs[0], "--api", apis[i], "--ping-interval", "500ms")
		cmd.Stdout, cmd.Stderr = &logs, &logs
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() {
			_ = cmd.Process.Signal(syscall.SIGTERM)
			done := make(chan error, 1)
			go func() { done <- cmd.Wait() }()
			select {
			case err := <-done:
				if err != nil {
					t.Errorf("op%d exited: %v\n%s", i, err, logs.String())
				}
			case <-time.After(10 * time.Second):
				_ = cmd.Process.Kill()
				t.Errorf("op%d did not stop on SIGTERM", i)
			}
		})
	}

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := range n {
		var resp *p2p.PeersResponse
		for {
			resp, err = p2p.FetchPeers(ctx, nil, "http://"+apis[i])
			if err == nil && fullMesh(resp, n) {
				break
			}
			if ctx.Err() != nil {
				t.Fatalf("op%d: no full mesh with RTTs within 30s: last %+v, err %v", i, resp, err)
			}
			time.Sleep(200 * time.Millisecond)
		}
		var table bytes.Buffer
		_ = p2p.FormatPeers(&table, resp, time.Now())
		t.Logf("op%d /v1/peers:\n%s", i, table.String())
	}
}

func fullMesh(resp *p2p.PeersResponse, n int) bool {
	if len(resp.Peers) != n-1 {
		return false
	}
	for _, p := range resp.Peers {
		if !p.Connected || p.RTTMillis <= 0 {
			return false
		}
	}
	return true
}
