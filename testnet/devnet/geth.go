package devnet

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"time"

	"github.com/ethereum/go-ethereum/ethclient"
)

// GethVersion is the go-ethereum release the devnet builds and runs.
const GethVersion = "v1.17.8"

// GethCacheDir is where the devnet caches its geth build: $XDG_CACHE_HOME/stinger/geth-<version> (or the
// platform's user cache directory).
func GethCacheDir() (string, error) {
	base, err := os.UserCacheDir()
	if err != nil {
		return "", fmt.Errorf("locate cache dir for geth: %w", err)
	}
	return filepath.Join(base, "stinger", "geth-"+GethVersion), nil
}

// FindGeth returns a geth binary: explicit, $STINGER_GETH, or the cached build; if none exists it
// builds geth GethVersion with `go install` into the cache (once; a few minutes on 2 cores).
func FindGeth(ctx context.Context, explicit string, progress func(string, ...any)) (string, error) {
	for _, p := range []string{explicit, os.Getenv("STINGER_GETH")} {
		if p != "" {
			if _, err := os.Stat(p); err != nil {
				return "", fmt.Errorf("geth binary %s: %w", p, err)
			}
			return p, nil
		}
	}
	dir, err := GethCacheDir()
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, "geth")
	if _, err := os.Stat(bin); err == nil {
		return bin, nil
	}
	goTool, err := exec.LookPath("go")
	if err != nil {
		return "", errors.New("build geth: no go toolchain in PATH")
	}
	progress("Building geth %s into %s (once; takes a few minutes)...", GethVersion, dir)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("build geth: %w", err)
	}
	cmd := exec.CommandContext(ctx, goTool, "install", "github.com/ethereum/go-ethereum/cmd/geth@"+GethVersion)
	cmd.Env = append(os.Environ(), "GOBIN="+dir)
	if out, err := cmd.CombinedOutput(); err != nil {
		return "", fmt.Errorf("build geth %s with go install: %w\n%s", GethVersion, err, out)
	}
	return bin, nil
}

// startGeth runs geth --dev on loopback (1 s blocks, no discovery, no peers).
func startGeth(ctx context.Context, o *Options, geth string, httpPort, wsPort, authPort int) (*child, *ChainInfo, error) {
	args := []string{"--dev", "--dev.period", "1", "--dev.gaslimit", "30000000",
		"--datadir", filepath.Join(o.Dir, "geth"), "--ipcdisable", "--nodiscover", "--maxpeers", "0", "--port", "0",
		"--http", "--http.addr", "127.0.0.1", "--http.port", fmt.Sprint(httpPort), "--http.api", "eth,net,web3",
		"--ws", "--ws.addr", "127.0.0.1", "--ws.port", fmt.Sprint(wsPort), "--ws.api", "eth,net,web3",
		"--authrpc.addr", "127.0.0.1", "--authrpc.port", fmt.Sprint(authPort), "--verbosity", "2"}
	c, err := startChild("geth", filepath.Join(o.Dir, "logs"), geth, args, nil)
	if err != nil {
		return nil, nil, err
	}
	info := &ChainInfo{Process: c.info(), RPC: fmt.Sprintf("http://127.0.0.1:%d", httpPort),
		WS: fmt.Sprintf("ws://127.0.0.1:%d", wsPort)}
	err = waitFor(ctx, 60*time.Second, func() error {
		if done, err := c.exited(); done {
			return fmt.Errorf("%w: geth exited: %v:\n%s", errGiveUp, err, tail(c.log, 1500))
		}
		cl, err := ethclient.DialContext(ctx, info.RPC)
		if err != nil {
			return err
		}
		defer cl.Close()
		_, err = cl.BlockNumber(ctx)
		return err
	})
	if err != nil {
		c.stop(2 * time.Second)
		return nil, nil, fmt.Errorf("wait for geth RPC at %s: %w", info.RPC, err)
	}
	return c, info, nil
}

// errGiveUp stops waitFor early.
var errGiveUp = errors.New("gave up")

// waitFor calls f every 200 ms until it returns nil, wraps errGiveUp, or timeout passes.
func waitFor(ctx context.Context, timeout time.Duration, f func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := f()
		if err == nil {
			return nil
		}
		if errors.Is(err, errGiveUp) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(200 * time.Millisecond):
		}
	}
}
