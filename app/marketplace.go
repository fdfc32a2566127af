package app

import (
	"context"
	"fmt"
	"net/http"
	"sync/atomic"
	"time"

	"github.com/ethereum/go-ethereum/common"
	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/ethclient"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/api"
	"github.com/stingerdvt/stinger/duties"
	"github.com/stingerdvt/stinger/marketplace"
)

// addMarketplace runs the marketplace agent when enabled: it waits for the
// chain to answer (its chain ID keys the reports' EIP-712 domain), then
// follows the contracts, runs the installed Networks' tasks and serves the
// signed performance reports.
func (a *App) addMarketplace() error {
	mc := a.cfg.Marketplace
	if !mc.Enabled {
		return nil
	}
	raw, err := a.identity.Key.Raw()
	if err != nil {
		return fmt.Errorf("operator key: %w", err)
	}
	key, err := ethcrypto.ToECDSA(raw)
	if err != nil {
		return fmt.Errorf("operator key: %w", err)
	}
	rpcs := a.cfg.MarketplaceRPCURLs()
	var agent atomic.Pointer[marketplace.Agent]
	bg := newBackground("marketplace", "waiting for the marketplace chain")
	// The agent's own /eigen/node/services is replaced by the health source below.
	for _, pattern := range []string{
		"GET /v1/marketplace/assignments",
		"GET /v1/marketplace/tasks",
		"GET /v1/marketplace/networks/{id}/reports",
	} {
		a.api.Handle(pattern, late(&agent, routeOf(pattern)))
	}
	a.health.Register("marketplace", bg.health)
	a.health.RegisterSource(func() []api.ComponentReport {
		ag := agent.Load()
		if ag == nil {
			return nil
		}
		var out []api.ComponentReport
		for _, s := range ag.Runner.Services() {
			st := api.StateDegraded // a Network's failing task degrades the node, never takes it down
			switch s.Status {
			case "Up":
				st = api.StateHealthy
			case "Initializing":
				st = api.StateInitializing
			}
			out = append(out, api.ComponentReport{Name: s.ID, ComponentStatus: api.ComponentStatus{State: st, Message: s.Description}})
		}
		return out
	})
	deps := marketplace.Deps{Key: key, Log: a.logger.Named("marketplace"), Registerer: a.registry}
	if a.cluster != nil {
		deps.Validator = func() (bool, string) {
			st, _ := a.health.Component("duties")
			return st.State == api.StateHealthy, st.Message
		}
		deps.Duties = a.dutySource
	}
	run := func(ctx context.Context) error {
		chainID, err := waitChainID(ctx, rpcs, a.logger)
		if err != nil {
			return err
		}
		ag, err := marketplace.New(marketplace.Config{
			RPCURLs: rpcs, ChainID: chainID,
			Registry:   common.HexToAddress(mc.Contracts.NetworkRegistry),
			Factory:    common.HexToAddress(mc.Contracts.DAMFactory),
			StartBlock: mc.StartBlock, Confirmations: mc.Confirmations, PollInterval: mc.PollInterval,
			DataDir: a.cfg.DataDir,
		}, deps)
		if err != nil {
			return err
		}
		defer ag.Close()
		agent.Store(ag)
		bg.running()
		a.logger.Info("Marketplace agent running", zap.Uint64("chain_id", chainID),
			zap.String("operator", ethcrypto.PubkeyToAddress(key.PublicKey).Hex()))
		return ag.Run(ctx)
	}
	a.lifecycle.Append(bg.hook(a.logger, run, nil))
	return nil
}

// routeOf returns the handler the agent serves for pattern.
func routeOf(pattern string) func(*marketplace.Agent) http.Handler {
	return func(ag *marketplace.Agent) http.Handler {
		for _, r := range ag.Routes() {
			if r.Pattern == pattern {
				return r.Handler
			}
		}
		return http.NotFoundHandler()
	}
}

// dutySource counts the cluster's duty outcomes in a period, for the
// reports of `validator` tasks.
func (a *App) dutySource(from, to time.Time) (attempted, succeeded uint64) {
	p := a.pipeline.Load()
	if p == nil {
		return 0, 0
	}
	timer := p.SlotTimer()
	outs, err := p.Outcomes(uint64(timer.SlotAt(from)), uint64(timer.SlotAt(to)), nil)
	if err != nil {
		a.logger.Warn("Read duty outcomes for a report", zap.Error(err))
		return 0, 0
	}
	for _, o := range outs {
		attempted++
		if o.Status == duties.StatusSucceeded {
			succeeded++
		}
	}
	return attempted, succeeded
}

// waitChainID asks the marketplace chain for its ID until one endpoint answers.
func waitChainID(ctx context.Context, urls []string, log *zap.Logger) (uint64, error) {
	backoff := time.Second
	for {
		for _, u := range urls {
			cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
			c, err := ethclient.DialContext(cctx, u)
			if err == nil {
				id, err2 := c.ChainID(cctx)
				c.Close()
				if err2 == nil {
					cancel()
					return id.Uint64(), nil
				}
				err = err2
			}
			cancel()
			log.Warn("Marketplace chain not ready, retrying", zap.Error(err), zap.Duration("retry_in", backoff))
		}
		select {
		case <-time.After(backoff):
		case <-ctx.Done():
			return 0, ctx.Err()
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}
