//go:build e2e

package marketplace_test

import (
	"bytes"
	"context"
	"fmt"
	"math/big"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/ethclient"
	"github.com/ethereum/go-ethereum/rpc"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zaptest"

	"github.com/stingerdvt/stinger/marketplace"
	"github.com/stingerdvt/stinger/marketplace/chaintest"
)

const gethVersion = "v1.17.8"

// gethBinary builds geth into a temporary GOBIN (or uses $STINGER_GETH), skipping when it cannot.
func gethBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("STINGER_GETH"); p != "" {
		return p
	}
	bin := t.TempDir()
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, "go", "install", "github.com/ethereum/go-ethereum/cmd/geth@"+gethVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+bin)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Skipf("cannot build geth %s (go install failed: %v): skipping the geth --dev end-to-end test\n%s", gethVersion, err, out)
	}
	return filepath.Join(bin, "geth")
}

// startGeth runs geth --dev on loopback and returns HTTP and WebSocket URLs.
func startGeth(t *testing.T, geth string) (httpURL, wsURL string) {
	t.Helper()
	port := func() string { _, p, _ := netSplit(freeAddr(t)); return p }
	httpPort, wsPort, authPort := port(), port(), port()
	ctx, cancel := context.WithCancel(context.Background())
	logBuf := &bytes.Buffer{}
	cmd := exec.CommandContext(ctx, geth, "--dev", "--dev.period", "1", "--dev.gaslimit", "30000000",
		"--datadir", t.TempDir(), "--ipcdisable", "--nodiscover", "--maxpeers", "0", "--port", "0",
		"--http", "--http.addr", "127.0.0.1", "--http.port", httpPort, "--http.api", "eth,net,web3",
		"--ws", "--ws.addr", "127.0.0.1", "--ws.port", wsPort, "--ws.api", "eth,net,web3",
		"--authrpc.addr", "127.0.0.1", "--authrpc.port", authPort, "--verbosity", "2")
	cmd.Stdout, cmd.Stderr = logBuf, logBuf
	if err := cmd.Start(); err != nil {
		cancel()
		t.Fatalf("start geth: %v", err)
	}
	t.Cleanup(func() {
		cancel()
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("geth output:\n%s", logBuf.String())
		}
	})
	httpURL, wsURL = "http://127.0.0.1:"+httpPort, "ws://127.0.0.1:"+wsPort
	until(t, "geth RPC", 60*time.Second, func() bool {
		c, err := ethclient.Dial(httpURL)
		if err != nil {
			return false
		}
		defer c.Close()
		_, err = c.BlockNumber(context.Background())
		return err == nil
	})
	return httpURL, wsURL
}

func netSplit(addr string) (string, string, error) {
	for i := len(addr) - 1; i >= 0; i-- {
		if addr[i] == ':' {
			return addr[:i], addr[i+1:], nil
		}
	}
	return "", "", fmt.Errorf("no port in %q", addr)
}

// fundFromDevAccount sends ether from geth's unlocked dev account to every test account.
func fundFromDevAccount(t *testing.T, url string) {
	t.Helper()
	c, err := rpc.Dial(url)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var accounts []common.Address
	if err := c.Call(&accounts, "eth_accounts"); err != nil || len(accounts) == 0 {
		t.Fatalf("eth_accounts: %v %v", accounts, err)
	}
	ec := ethclient.NewClient(c)
	value := (*hexutil.Big)(new(big.Int).Exp(big.NewInt(10), big.NewInt(21), nil))
	var last common.Hash
	for _, seed := range []string{"governance", "manager", "network", "operator", "operator2", "delegator", "stranger"} {
		to := chaintest.NewAccount(seed).Addr
		tx := map[string]any{"from": accounts[0], "to": to, "value": value}
		if err := c.Call(&last, "eth_sendTransaction", tx); err != nil {
			t.Fatalf("fund %s: %v", seed, err)
		}
	}
	until(t, "funding mined", 60*time.Second, func() bool {
		r, err := ec.TransactionReceipt(context.Background(), last)
		return err == nil && r.Status == 1
	})
}

// TestE2EGethDev runs the agent against a real geth --dev chain on loopback: contracts deployed, a
// Network registered, whitelisted and installed into a DAM that whitelists the operator; the agent
// starts the Network's process task, its health shows on the node API, a signed report is served and
// verifies offline while a tampered copy does not, and uninstalling stops the task.
func TestE2EGethDev(t *testing.T) {
	httpURL, wsURL := startGeth(t, gethBinary(t))
	fundFromDevAccount(t, httpURL)
	client, err := ethclient.Dial(httpURL)
	if err != nil {
		t.Fatal(err)
	}
	defer client.Close()
	e := chaintest.Attach(t, client)
	uri, hash := processSpec(t)
	id := e.RegisterNetwork(e.Terms(chaintest.Collateral, uri, hash))
	dam := e.CreateDAM(chaintest.Collateral, 500, 86400)
	e.Install(dam, id, 100, e.Operator)

	a, err := marketplace.New(marketplace.Config{
		RPCURLs: []string{wsURL, httpURL}, ChainID: e.ChainID.Uint64(), Registry: e.Registry, Factory: e.Factory,
		StartBlock: e.DeployBlock, Confirmations: 2, ChunkSize: 100, PollInterval: 200 * time.Millisecond, DataDir: t.TempDir(),
	}, marketplace.Deps{Key: e.Operator.Key, Log: zaptest.NewLogger(t), Registerer: prometheus.NewRegistry()})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	mux := http.NewServeMux()
	for _, r := range a.Routes() {
		mux.Handle(r.Pattern, r.Handler)
	}
	api := httptest.NewServer(mux)
	defer api.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("agent run: %v", err)
		}
	}()

	until(t, "service Up on the node API", 60*time.Second, func() bool { return serviceStatus(t, api.URL, id.Uint64()) == "Up" })
	time.Sleep(500 * time.Millisecond)
	checkReports(t, api.URL, id.Uint64())

	e.MustSend(e.NetworkAdmin, dam, e.DAMABI.PackUninstall(id))
	until(t, "task removed after uninstall", 60*time.Second, func() bool { return serviceStatus(t, api.URL, id.Uint64()) == "" })
}
