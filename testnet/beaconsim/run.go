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

// Drive advances the chain at every slot start, and has the simulator's own validators attest and send
// their sync committee messages at 1/3 of every slot (as honest validators do, not at the next slot's
// start, where their signing would delay the next block), until ctx is done.
func (s *Simulator) Drive(ctx context.Context) error {
	wait := func(t time.Time) bool {
		select {
		case <-ctx.Done():
			return false
		case <-time.After(max(t.Sub(s.clock.Now()), time.Millisecond)):
			return true
		}
	}
	for {
		if err := s.AdvanceTo(s.CurrentSlot()); err != nil {
			return err
		}
		if !s.clock.Now().Before(s.GenesisTime()) {
			slot := s.CurrentSlot()
			if third := s.chain.slotTime(slot).Add(s.chain.network.SlotDuration / 3); s.clock.Now().Before(third) && !wait(third) {
				return nil
			}
			if err := s.OwnDuties(slot); err != nil {
				return err
			}
		}
		next := s.chain.slotTime(s.CurrentSlot() + 1)
		if now := s.clock.Now(); now.Before(s.GenesisTime()) {
			next = s.GenesisTime()
		}
		if !wait(next) {
			return nil
		}
	}
}
