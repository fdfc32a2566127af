package app_test

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/app"
)

// TestMarketplaceWaitsForItsChainWithoutBlockingTheNode enables the agent
// with an unreachable chain: the node serves its API, reports the agent as
// initializing (206), serves 503 on the agent's routes, and stops cleanly.
func TestMarketplaceWaitsForItsChainWithoutBlockingTheNode(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	deadURL := fmt.Sprintf("http://%s", l.Addr())
	l.Close()
	cfg := testConfig(t)
	cfg.Marketplace.Enabled = true
	cfg.Marketplace.RPCURLs = []string{deadURL}
	cfg.Marketplace.Contracts.NetworkRegistry = "0x00000000000000000000000000000000000000a1"
	cfg.Marketplace.Contracts.DAMFactory = "0x00000000000000000000000000000000000000a2"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	a, err := app.New(app.Options{Config: cfg, Logger: zap.NewNop(), Rand: bytes.NewReader(bytes.Repeat([]byte{9}, 128))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	wctx, wcancel := context.WithTimeout(ctx, 5*time.Second)
	defer wcancel()
	addr, err := a.APIAddr(wctx)
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + addr.String()
	code, body := get(t, base+"/eigen/node/health")
	if code != 206 || !strings.Contains(body, `"marketplace":{"status":"initializing","message":"waiting for the marketplace chain"}`) {
		t.Fatalf("health = %d %s", code, body)
	}
	if code, body := get(t, base+"/v1/marketplace/assignments"); code != 503 {
		t.Fatalf("assignments before the agent runs = %d %s, want 503", code, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("Run = %v", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("node did not stop within 5 s")
	}
}
