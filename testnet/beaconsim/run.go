package beaconsim

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"
)

// Run serves the simulator on cfg.Listen and drives its slots until ctx is done.
func Run(ctx context.Context, cfg Config, logger *zap.Logger) error {
	sim, err := New(cfg, logger)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Listen, err)
	}
	return sim.Serve(ctx, ln)
}

// Serve serves the HTTP API on ln and drives the slots until ctx is done.
func (s *Simulator) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	s.log.Info("beacon simulator serving", zap.String("address", ln.Addr().String()),
		zap.Time("genesis_time", s.GenesisTime()), zap.Int("validators", len(s.chain.validators)),
		zap.String("preset", s.chain.preset.Name))
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve beacon API: %w", err)
		}
		return nil
	})
	g.Go(func() error {
		<-ctx.Done()
		shutdownCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		return srv.Shutdown(shutdownCtx) //nolint:contextcheck // ctx is already done
	})
	g.Go(func() error { return s.Drive(ctx) })
	return g.Wait()
}

// Drive advances the chain at every slot start until ctx is done.
func (s *Simulator) Drive(ctx context.Context) error {
	for {
		if err := s.AdvanceTo(s.CurrentSlot()); err != nil {
			return err
		}
		next := s.chain.slotTime(s.CurrentSlot() + 1)
		if now := s.clock.Now(); now.Before(s.GenesisTime()) {
			next = s.GenesisTime()
		}
		wait := max(next.Sub(s.clock.Now()), time.Millisecond)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(wait):
		}
	}
}
