package app

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"

	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/api"
)

// background is a component that starts in the background because it waits
// for something outside the node (a beacon node, a chain) before it can run:
// its hook's Start returns at once and Stop cancels and waits for it.
type background struct {
	name  string
	state atomic.Value // string: what it is waiting for, while not running
	ready atomic.Bool
}

func newBackground(name, waiting string) *background {
	b := &background{name: name}
	b.state.Store(waiting)
	return b
}

// setState records what the component is waiting for.
func (b *background) setState(s string) { b.state.Store(s) }

// running marks the component as running.
func (b *background) running() { b.ready.Store(true) }

// health reports initializing with the current wait until the component runs.
func (b *background) health() api.ComponentStatus {
	if b.ready.Load() {
		return api.ComponentStatus{State: api.StateHealthy}
	}
	return api.ComponentStatus{State: api.StateInitializing, Message: b.state.Load().(string)}
}

// hook runs run in a goroutine from Start until Stop, then calls cleanup.
// A run that fails on its own (not by Stop) is logged as an error and shows
// in the component's health.
func (b *background) hook(log *zap.Logger, run func(ctx context.Context) error, cleanup func() error) Hook {
	var (
		cancel context.CancelFunc
		wg     sync.WaitGroup
	)
	return Hook{
		Name: b.name,
		Start: func(context.Context) error {
			var ctx context.Context
			ctx, cancel = context.WithCancel(context.Background())
			wg.Go(func() {
				if err := run(ctx); err != nil && ctx.Err() == nil {
					b.ready.Store(false)
					b.state.Store("stopped: " + err.Error())
					log.Error("Component stopped", zap.String("component", b.name), zap.Error(err))
				}
			})
			return nil
		},
		Stop: func(ctx context.Context) error {
			if cancel != nil {
				cancel()
			}
			waited := make(chan struct{})
			go func() { wg.Wait(); close(waited) }()
			select {
			case <-waited:
			case <-ctx.Done():
				return fmt.Errorf("%s did not stop: %w", b.name, ctx.Err())
			}
			if cleanup != nil {
				return cleanup()
			}
			return nil
		},
	}
}
