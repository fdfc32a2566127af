package app

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.uber.org/zap"
)

// Hook is one component's place in the lifecycle. Start must return once
// the component runs (long-running work goes in goroutines the component
// owns); Stop must release everything Start acquired and return by the
// context's deadline. Either function may be nil.
type Hook struct {
	// Name identifies the component in logs.
	Name string
	// Start starts the component. ctx is cancelled when the node shuts down.
	Start func(ctx context.Context) error
	// Stop stops the component within ctx's deadline.
	Stop func(ctx context.Context) error
}

// Lifecycle starts hooks in the order they were appended and stops them in
// reverse order.
type Lifecycle struct {
	hooks       []Hook
	logger      *zap.Logger
	stopTimeout time.Duration
	hookTimeout time.Duration
}

// NewLifecycle returns an empty lifecycle. stopTimeout bounds the whole
// shutdown; each hook gets at most hookTimeout of it.
func NewLifecycle(logger *zap.Logger, stopTimeout, hookTimeout time.Duration) *Lifecycle {
	return &Lifecycle{logger: logger, stopTimeout: stopTimeout, hookTimeout: hookTimeout}
}

// Append adds a hook after those already added.
func (l *Lifecycle) Append(h Hook) {
	l.hooks = append(l.hooks, h)
}

// Run starts every hook in order, waits until ctx is done, then stops the
// started hooks in reverse order. If a hook fails to start, the hooks already
// started are stopped and the start error is returned. Stop errors are
// logged and returned joined. Run returns nil after a clean shutdown.
func (l *Lifecycle) Run(ctx context.Context) error {
	started := 0
	var startErr error
	for _, h := range l.hooks {
		if ctx.Err() != nil {
			break
		}
		if h.Start != nil {
			l.logger.Debug("Starting component", zap.String("component", h.Name))
			if err := h.Start(ctx); err != nil {
				startErr = fmt.Errorf("start %s: %w", h.Name, err)
				break
			}
		}
		started++
	}
	if startErr == nil {
		<-ctx.Done()
	}
	stopErr := l.stop(started)
	return errors.Join(startErr, stopErr)
}

// stop stops the first n hooks in reverse order within stopTimeout overall.
func (l *Lifecycle) stop(n int) error {
	deadline := time.Now().Add(l.stopTimeout)
	var errs []error
	for i := n - 1; i >= 0; i-- {
		h := l.hooks[i]
		if h.Stop == nil {
			continue
		}
		hookDeadline := time.Now().Add(l.hookTimeout)
		if hookDeadline.After(deadline) {
			hookDeadline = deadline
		}
		ctx, cancel := context.WithDeadline(context.Background(), hookDeadline)
		err := runStop(ctx, h)
		cancel()
		if err != nil {
			l.logger.Warn("Component did not stop cleanly", zap.String("component", h.Name), zap.Error(err))
			errs = append(errs, fmt.Errorf("stop %s: %w", h.Name, err))
		} else {
			l.logger.Debug("Stopped component", zap.String("component", h.Name))
		}
	}
	return errors.Join(errs...)
}

// runStop calls h.Stop and gives up when ctx ends even if Stop ignores it,
// so that one stuck component cannot hold up the shutdown.
func runStop(ctx context.Context, h Hook) error {
	done := make(chan error, 1)
	go func() { done <- h.Stop(ctx) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return fmt.Errorf("gave up waiting: %w", ctx.Err())
	}
}
