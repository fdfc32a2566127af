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
	"sync"
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

// buildBinary compiles this command into a temporary directory.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "p2pnode")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// syncBuffer is a bytes.Buffer safe for a process writing while the test reads.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startProcess runs bin with args and stops it with SIGTERM at cleanup, expecting a clean exit.
func startProcess(t *testing.T, name, bin string, args ...string) {
	t.Helper()
	logs := &syncBuffer{}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logs, logs
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
				t.Errorf("%s exited: %v\n%s", name, err, logs.String())
			}
		case <-time.After(10 * time.Second):
			_ = cmd.Process.Kill()
			t.Errorf("%s did not stop on SIGTERM\n%s", name, logs.String())
		}
	})
}

type peerJSON struct {
	Name   string   `json:"name"`
	PeerID string   `json:"peer_id"`
	Addrs  []string `json:"addrs"`
}

// newOperators creates n operator data directories with identities; each peer gets a loopback
// TCP address unless dialOnly.
func newOperators(t *testing.T, dir string, n int, seed byte, dialOnly bool) ([]string, []peerJSON) {
	t.Helper()
	rnd := rand.NewChaCha8([32]byte{'e', '2', 'e', seed})
	var dirs []string
	var peers []peerJSON
	for i := range n {
		dataDir := filepath.Join(dir, fmt.Sprintf("op%d", i))
		id, err := cluster.CreateIdentity(dataDir, rnd)
		if err != nil {
			t.Fatal(err)
		}
		p := peerJSON{Name: fmt.Sprintf("op%d", i), PeerID: id.PeerID.String(), Addrs: []string{}}
		if !dialOnly {
			p.Addrs = []string{fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", freePort(t))}
		}
		dirs, peers = append(dirs, dataDir), append(peers, p)
	}
	return dirs, peers
}

func writeCluster(t *testing.T, dir string, peers []peerJSON) string {
	t.Helper()
	b, err := json.Marshal(map[string]any{"lock_hash": "c0ffee00c0ffee00c0ffee00c0ffee00", "peers": peers})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "cluster-peers.json")
	if err := os.WriteFile(path, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// waitPeers polls GET /v1/peers on api until ok accepts the response.
func waitPeers(t *testing.T, name, api string, ok func(*p2p.PeersResponse) bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		resp, err := p2p.FetchPeers(ctx, nil, "http://"+api)
		if err == nil && ok(resp) {
			var table bytes.Buffer
			_ = p2p.FormatPeers(&table, resp, time.Now())
			t.Logf("%s GET /v1/peers:\n%s", name, table.String())
			return
		}
		if ctx.Err() != nil {
			t.Fatalf("%s: condition not met within 30s: last %+v, err %v", name, resp, err)
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestFourProcessesFormFullMeshWithRTTs starts 4 operator processes on loopback and checks
// through each one's GET /v1/peers that all are connected to all with measured RTTs.
func TestFourProcessesFormFullMeshWithRTTs(t *testing.T) {
	const n = 4
	bin, dir := buildBinary(t), t.TempDir()
	dirs, peers := newOperators(t, dir, n, 0, false)
	clusterPath := writeCluster(t, dir, peers)
	apis := make([]string, n)
	for i := range n {
		apis[i] = fmt.Sprintf("127.0.0.1:%d", freePort(t))
		startProcess(t, peers[i].Name, bin, "--data-dir", dirs[i], "--cluster", clusterPath,
			"--listen", peers[i].Addrs[0], "--api", apis[i], "--ping-interval", "500ms")
	}
	for i := range n {
		waitPeers(t, peers[i].Name, apis[i], func(resp *p2p.PeersResponse) bool {
			if resp.Self != peers[i].PeerID || len(resp.Peers) != n-1 {
				return false
			}
			for _, p := range resp.Peers {
				if !p.Connected || p.RTTMillis <= 0 {
					return false
				}
			}
			return true
		})
	}
}

// TestDialOnlyProcessesConnectThroughRelayProcess runs `p2pnode --relay` and two operators that
// listen on nothing (no direct route either way); they must connect through the relay.
func TestDialOnlyProcessesConnectThroughRelayProcess(t *testing.T) {
	bin, dir := buildBinary(t), t.TempDir()
	relayDir := filepath.Join(dir, "relay")
	relayID, err := cluster.CreateIdentity(relayDir, rand.NewChaCha8([32]byte{'r'}))
	if err != nil {
		t.Fatal(err)
	}
	relayAddr := fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", freePort(t))
	startProcess(t, "relay", bin, "--relay", "--data-dir", relayDir, "--listen", relayAddr)

	dirs, peers := newOperators(t, dir, 2, 1, true)
	clusterPath := writeCluster(t, dir, peers)
	apis := make([]string, len(peers))
	for i := range peers {
		apis[i] = fmt.Sprintf("127.0.0.1:%d", freePort(t))
		startProcess(t, peers[i].Name, bin, "--data-dir", dirs[i], "--cluster", clusterPath, "--listen", "",
			"--relays", relayAddr+"/p2p/"+relayID.PeerID.String(), "--api", apis[i], "--ping-interval", "500ms")
	}
	for i := range peers {
		waitPeers(t, peers[i].Name, apis[i], func(resp *p2p.PeersResponse) bool {
			return len(resp.Peers) == 1 && resp.Peers[0].Connected && resp.Peers[0].Relayed && resp.Peers[0].RTTMillis > 0
		})
	}
}
