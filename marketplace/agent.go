package marketplace

import (
	"context"
	"crypto/ecdsa"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/marketplace/report"
	"github.com/stingerdvt/stinger/marketplace/tasks"
	"github.com/stingerdvt/stinger/marketplace/watcher"
)

// Config configures the marketplace agent.
type Config struct {
	RPCURLs       []string       // execution JSON-RPC endpoints, tried in order (failover)
	ChainID       uint64         // chain id of the EIP-712 report domain
	Registry      common.Address // NetworkRegistry address (also the reports' verifying contract)
	Factory       common.Address // DAMFactory address
	StartBlock    uint64         // registry deployment block
	Confirmations uint64         // confirmations before acting on a block
	ChunkSize     uint64         // max blocks per eth_getLogs (0: 2000)
	PollInterval  time.Duration  // head polling period (0: 4 s)
	DataDir       string         // stores: DataDir/marketplace.db (watcher), DataDir/marketplace-tasks.db (task history)
}

// Deps are the agent's injected collaborators.
type Deps struct {
	Key        *ecdsa.PrivateKey     // operator key (crypto.ToECDSA of the identity's raw secp256k1 key)
	Validator  tasks.ValidatorState  // state of validator-kind tasks (may be nil)
	Duties     report.DutySource     // duty outcomes for validator-kind reports (may be nil)
	Fetcher    *tasks.Fetcher        // task spec fetcher (nil: default)
	Chain      watcher.Chain         // overrides RPCURLs (tests)
	Log        *zap.Logger           // required
	Registerer prometheus.Registerer // metrics registry (nil: no metrics)
	Now        func() time.Time      // clock (nil: time.Now)
}

// Agent runs the watcher and the task runner and serves assignments, task states and reports.
type Agent struct {
	Watcher   *watcher.Watcher
	Runner    *tasks.Runner
	Publisher *report.Publisher
	client    *watcher.MultiClient
}

// New builds the agent. Call Run, then Close.
func New(cfg Config, deps Deps) (*Agent, error) {
	if deps.Key == nil || deps.Log == nil {
		return nil, errors.New("marketplace agent: operator key and logger are required")
	}
	if cfg.DataDir == "" {
		return nil, errors.New("marketplace agent: data dir is empty")
	}
	a := &Agent{}
	chain := deps.Chain
	if chain == nil {
		mc, err := watcher.NewMultiClient(cfg.RPCURLs, deps.Log.Named("rpc"))
		if err != nil {
			return nil, err
		}
		a.client, chain = mc, mc
	}
	operator := crypto.PubkeyToAddress(deps.Key.PublicKey)
	w, err := watcher.New(watcher.Config{
		Registry: cfg.Registry, Factory: cfg.Factory, Operator: operator, StartBlock: cfg.StartBlock,
		Confirmations: cfg.Confirmations, ChunkSize: cfg.ChunkSize, PollInterval: cfg.PollInterval,
		StorePath: filepath.Join(cfg.DataDir, "marketplace.db"),
	}, chain, deps.Log.Named("watcher"), deps.Registerer)
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("start marketplace watcher: %w", err)
	}
	a.Watcher = w
	r, err := tasks.New(tasks.Options{Fetcher: deps.Fetcher, Validator: deps.Validator, Now: deps.Now,
		Log: deps.Log.Named("tasks"), Registerer: deps.Registerer,
		HistoryPath: filepath.Join(cfg.DataDir, "marketplace-tasks.db")})
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Runner = r
	p, err := report.NewPublisher(deps.Key, report.Domain{ChainID: cfg.ChainID, VerifyingContract: cfg.Registry},
		r, w, deps.Duties, deps.Now)
	if err != nil {
		a.Close()
		return nil, err
	}
	a.Publisher = p
	return a, nil
}

// Run follows the chain and runs the tasks until ctx ends; every task is stopped before it returns.
func (a *Agent) Run(ctx context.Context) error {
	var wg sync.WaitGroup
	errs := make([]error, 2)
	wg.Go(func() { errs[0] = a.Watcher.Run(ctx) })
	wg.Go(func() { errs[1] = a.Runner.Run(ctx, a.Watcher) })
	wg.Wait()
	return errors.Join(errs...)
}

// Close releases the stores and RPC connections. Run must have returned.
func (a *Agent) Close() {
	if a.Runner != nil {
		_ = a.Runner.Close()
	}
	if a.Watcher != nil {
		_ = a.Watcher.Close()
	}
	if a.client != nil {
		a.client.Close()
	}
}

// Route is a read-only node-API route to mount.
type Route struct {
	Pattern string
	Handler http.Handler
}

// Routes returns the agent's read-only node-API routes (patterns in net/http ServeMux syntax).
func (a *Agent) Routes() []Route {
	return []Route{
		{"GET /v1/marketplace/assignments", a.Watcher.Handler()},
		{"GET /v1/marketplace/tasks", a.Runner.Handler()},
		{"GET /v1/marketplace/networks/{id}/reports", a.Publisher.Handler()},
		{"GET /eigen/node/services", a.Runner.ServicesHandler()},
	}
}
