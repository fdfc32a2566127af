package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/api"
	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/config"
	"github.com/stingerdvt/stinger/duties"
)

// Shutdown budget: the whole stop sequence ends within ShutdownTimeout, each
// component gets at most HookStopTimeout of it. Together with process exit
// this keeps shutdown on SIGINT/SIGTERM under 5 seconds.
const (
	ShutdownTimeout = 4 * time.Second
	HookStopTimeout = 3 * time.Second
)

// BuildInfo identifies the running binary.
type BuildInfo struct {
	// Version is the release version (e.g. v0.1.0 or "dev").
	Version string
	// Commit is the VCS revision the binary was built from.
	Commit string
}

// Options are App's dependencies; Config and Logger are required.
type Options struct {
	// Config is a validated configuration.
	Config *config.Config
	// Build identifies the binary in /eigen/node and stinger_build_info.
	Build BuildInfo
	// Logger is the root logger; components get named children.
	Logger *zap.Logger
	// Rand is the randomness source for new keys and tokens (crypto/rand if nil).
	Rand io.Reader
}

// App is a wired node, ready to Run.
type App struct {
	cfg       *config.Config
	build     BuildInfo
	logger    *zap.Logger
	rand      io.Reader
	lifecycle *Lifecycle
	registry  *prometheus.Registry
	health    *api.Health
	api       *api.Server
	identity  *cluster.Identity
	apiAddr   chan net.Addr
	// cluster is nil until a cluster lock exists.
	cluster *clusterState
	// pipeline is the running duty pipeline, nil until it starts.
	pipeline atomic.Pointer[duties.Pipeline]
}

// New builds every component from opts and registers its lifecycle hook,
// in start order. It prepares the data directory (creating it, the operator
// key and the API token file when missing); nothing listens or runs until
// Run.
func New(opts Options) (*App, error) {
	if opts.Config == nil {
		return nil, errors.New("new app: no config")
	}
	if opts.Logger == nil {
		return nil, errors.New("new app: no logger")
	}
	if opts.Rand == nil {
		opts.Rand = cryptoRand()
	}
	a := &App{
		cfg:       opts.Config,
		build:     opts.Build,
		logger:    opts.Logger,
		rand:      opts.Rand,
		lifecycle: NewLifecycle(opts.Logger, ShutdownTimeout, HookStopTimeout),
		registry:  prometheus.NewRegistry(),
		health:    api.NewHealth(),
		apiAddr:   make(chan net.Addr, 1),
	}
	// Start order; stop runs in reverse.
	steps := []func() error{
		a.addLogger,
		a.addMetrics,
		a.addIdentity,
		a.addAPI,
		a.addCluster,
		a.addP2P,
		a.addDuties,
		a.addMarketplace,
	}
	for _, step := range steps {
		if err := step(); err != nil {
			return nil, fmt.Errorf("new app: %w", err)
		}
	}
	return a, nil
}

// Run starts the node and blocks until ctx is cancelled (e.g. by SIGTERM),
// then stops every component within ShutdownTimeout. It returns nil after a
// clean shutdown and an error if a component fails to start or stop.
func (a *App) Run(ctx context.Context) error {
	return a.lifecycle.Run(ctx)
}

// APIAddr returns the node API's listen address once it is serving (useful
// with port 0), or ctx's error.
func (a *App) APIAddr(ctx context.Context) (net.Addr, error) {
	select {
	case addr := <-a.apiAddr:
		a.apiAddr <- addr
		return addr, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

// Registry is the node's metrics registry (components register on it as a prometheus.Registerer).
func (a *App) Registry() *prometheus.Registry { return a.registry }

// Health is the node's component health registry.
func (a *App) Health() *api.Health { return a.health }

// Identity is the operator identity loaded by New.
func (a *App) Identity() *cluster.Identity { return a.identity }

func (a *App) addLogger() error {
	a.logger.Info("Starting stinger",
		zap.String("version", a.build.Version),
		zap.String("commit", a.build.Commit),
		zap.String("node_name", a.cfg.NodeName),
		zap.String("data_dir", a.cfg.DataDir))
	a.lifecycle.Append(Hook{
		Name: "logger",
		Stop: func(context.Context) error {
			a.logger.Info("Stopped stinger")
			err := a.logger.Sync()
			var pathErr *fs.PathError
			if errors.As(err, &pathErr) {
				return nil // stderr/stdout cannot be synced on some terminals and pipes
			}
			return err
		},
	})
	return nil
}

func (a *App) addMetrics() error {
	buildInfo := prometheus.NewGaugeVec(prometheus.GaugeOpts{
		Name: "stinger_build_info",
		Help: "Constant 1, labelled with the running binary's version, commit and Go version.",
	}, []string{"version", "commit", "go_version"})
	buildInfo.WithLabelValues(a.build.Version, a.build.Commit, runtime.Version()).Set(1)
	for _, c := range []prometheus.Collector{
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		buildInfo,
	} {
		if err := a.registry.Register(c); err != nil {
			return fmt.Errorf("register metrics: %w", err)
		}
	}
	return nil
}

// addIdentity loads the operator key (later components such as p2p need it
// when they are built), creating it on first start as long as no cluster
// lock exists: a lock names the operator's existing key, so a new one would
// be useless.
func (a *App) addIdentity() error {
	if err := os.MkdirAll(a.cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("create data dir: %w", err)
	}
	id, err := cluster.LoadIdentity(a.cfg.DataDir)
	if errors.Is(err, cluster.ErrNoIdentity) {
		if _, statErr := os.Stat(a.cfg.ClusterLockPath()); statErr == nil {
			return fmt.Errorf("cluster lock %s exists but %w", a.cfg.ClusterLockPath(), err)
		}
		id, err = cluster.CreateIdentity(a.cfg.DataDir, a.rand)
		if err == nil {
			a.logger.Warn("No operator identity found: created a new one",
				zap.String("path", cluster.IdentityPath(a.cfg.DataDir)))
		}
	}
	if err != nil {
		return err
	}
	a.identity = id
	a.logger.Info("Operator identity loaded",
		zap.String("peer_id", id.PeerID.String()), zap.String("public_key", id.PublicKeyHex()))
	return nil
}

// addAPI builds the node API server (creating the API token file if it is
// missing) so that later components can mount their routes on it in New;
// it listens only when its hook starts.
func (a *App) addAPI() error {
	token, err := api.LoadOrCreateToken(a.cfg.TokenFilePath(), a.rand)
	if err != nil {
		return err
	}
	srv, err := api.New(api.Options{
		Address:        a.cfg.API.Address,
		MetricsAddress: a.cfg.Metrics.Address,
		Token:          token,
		NodeName:       a.cfg.NodeName,
		NodeVersion:    a.build.Version,
		Health:         a.health,
		Gatherer:       a.registry,
		Registerer:     a.registry,
		Logger:         a.logger.Named("api"),
	})
	if err != nil {
		return err
	}
	a.api = srv
	var serving atomic.Bool
	a.health.Register("api", func() api.ComponentStatus {
		if !serving.Load() {
			return api.ComponentStatus{State: api.StateInitializing, Message: "not listening yet"}
		}
		return api.ComponentStatus{State: api.StateHealthy}
	})
	a.lifecycle.Append(Hook{
		Name: "api",
		Start: func(context.Context) error {
			if err := srv.Start(); err != nil {
				return err
			}
			serving.Store(true)
			a.apiAddr <- srv.Addr()
			a.logger.Info("Node API listening",
				zap.Stringer("address", srv.Addr()), zap.Stringer("metrics_address", srv.MetricsAddr()))
			return nil
		},
		Stop: func(ctx context.Context) error {
			serving.Store(false)
			return srv.Stop(ctx)
		},
	})
	return nil
}
