package watcher_test

import (
	"context"
	"testing"
	"time"
)

// TestNewHeadsWakeTheWatcher: with a subscription-capable client the watcher reacts to new blocks at
// once, although its poll interval is an hour.
func TestNewHeadsWakeTheWatcher(t *testing.T) {
	s := newSimEnv(t)
	cfg := s.config(t.TempDir(), 0)
	cfg.PollInterval = time.Hour
	w := newWatcher(t, cfg, s.Client, nil)
	defer w.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- w.Run(ctx) }()
	defer func() {
		cancel()
		<-done
	}()
	time.Sleep(200 * time.Millisecond) // let Run catch up and subscribe
	n1 := s.register("data:,one")
	s.Install(s.dam, n1, 100, s.Operator)
	waitFor(t, w, n1.Uint64())
}
