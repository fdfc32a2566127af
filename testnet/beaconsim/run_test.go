package beaconsim_test

import (
	"context"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap/zaptest"

	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

// TestServeDrivesSlotsInRealTime runs the simulator as `stinger devnet beacon` does (real clock, real
// listener, 1 s slots) until its own validators have built two blocks, then stops it cleanly.
func TestServeDrivesSlotsInRealTime(t *testing.T) {
	cfg := beaconsim.DefaultConfig()
	cfg.ExtraValidators = 16
	cfg.GenesisDelay = 0
	cfg.GenesisTime = time.Now().Truncate(time.Second)
	sim, err := beaconsim.New(cfg, zaptest.NewLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- sim.Serve(ctx, ln) }()
	url := "http://" + ln.Addr().String()
	deadline := time.Now().Add(15 * time.Second)
	for {
		st, err := beaconsim.FetchStats(ctx, nil, url)
		if err == nil && st.HeadSlot >= 2 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("head did not reach slot 2: %+v, %v", st, err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil && !errors.Is(err, context.Canceled) {
			t.Fatalf("Serve: %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Serve did not stop")
	}
}

func TestRunRejectsBadConfig(t *testing.T) {
	cfg := beaconsim.DefaultConfig()
	cfg.ExtraValidators = 1
	cfg.SlotDuration = 1500 * time.Millisecond
	err := beaconsim.Run(context.Background(), cfg, nil)
	if err == nil || !strings.Contains(err.Error(), "SlotDuration") {
		t.Fatalf("got %v, want an error naming SlotDuration", err)
	}
	cfg = beaconsim.DefaultConfig()
	cfg.ExtraValidators = 1
	cfg.Preset = "gnosis"
	if err := beaconsim.Run(context.Background(), cfg, nil); err == nil || !strings.Contains(err.Error(), "Preset") {
		t.Fatalf("got %v, want an error naming Preset", err)
	}
}
