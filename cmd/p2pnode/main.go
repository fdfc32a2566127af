package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/p2p"
)

// clusterFile is the peer list this command reads (the lock file's networking subset).
type clusterFile struct {
	LockHash string `json:"lock_hash"`
	Peers    []struct {
		Name   string   `json:"name"`
		PeerID string   `json:"peer_id"`
		Addrs  []string `json:"addrs"`
	} `json:"peers"`
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "p2pnode:", err)
		os.Exit(1)
	}
}

// flags are the command line options.
type flags struct {
	dataDir, clusterPath, listen, external, relays, apiAddr string
	pingInterval                                            time.Duration
	relay                                                   bool
}

func run() error {
	var f flags
	flag.StringVar(&f.dataDir, "data-dir", ".", "directory holding operator.key")
	flag.StringVar(&f.clusterPath, "cluster", "cluster-peers.json", "cluster peers file (JSON)")
	flag.StringVar(&f.listen, "listen", "/ip4/0.0.0.0/tcp/3610,/ip4/0.0.0.0/udp/3610/quic-v1", "comma-separated listen multiaddrs (empty: dial only)")
	flag.StringVar(&f.external, "external", "", "comma-separated advertised multiaddrs (default: listen addresses)")
	flag.StringVar(&f.relays, "relays", "", "comma-separated relay multiaddrs ending in /p2p/<id>")
	flag.StringVar(&f.apiAddr, "api", "127.0.0.1:3620", "node API listen address (GET /v1/peers, /metrics)")
	flag.DurationVar(&f.pingInterval, "ping-interval", 10*time.Second, "peer ping interval")
	flag.BoolVar(&f.relay, "relay", false, "run a circuit relay v2 server instead of a cluster node (uses --data-dir, --listen, --external)")
	flag.Parse()

	log, err := zap.NewProduction()
	if err != nil {
		return fmt.Errorf("create logger: %w", err)
	}
	id, err := cluster.LoadIdentity(f.dataDir)
	if err != nil {
		return err
	}
	listen, err := p2p.ParseMultiaddrs(splitList(f.listen))
	if err != nil {
		return fmt.Errorf("--listen: %w", err)
	}
	external, err := p2p.ParseMultiaddrs(splitList(f.external))
	if err != nil {
		return fmt.Errorf("--external: %w", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if f.relay {
		return runRelay(ctx, log, id, listen, external)
	}
	cfg := p2p.DefaultConfig()
	cfg.Key, cfg.Logger, cfg.PingInterval = id.Key, log, f.pingInterval
	cfg.ListenAddrs, cfg.ExternalAddrs = listen, external
	if cfg.Peers, cfg.LockHash, err = loadCluster(f.clusterPath); err != nil {
		return err
	}
	if cfg.Relays, err = p2p.ParseMultiaddrs(splitList(f.relays)); err != nil {
		return fmt.Errorf("--relays: %w", err)
	}
	return runNode(ctx, log, cfg, f.apiAddr)
}

// runNode runs the cluster node and its API until ctx ends.
func runNode(ctx context.Context, log *zap.Logger, cfg p2p.Config, apiAddr string) error {
	reg := prometheus.NewRegistry()
	cfg.Registerer = reg
	node, err := p2p.New(cfg)
	if err != nil {
		return err
	}
	defer func() { _ = node.Close() }()
	log.Info("p2p node started", zap.Stringer("peer_id", node.ID()), zap.Any("addrs", node.Addrs()))

	ln, err := net.Listen("tcp", apiAddr)
	if err != nil {
		return fmt.Errorf("listen on --api %s: %w", apiAddr, err)
	}
	mux := http.NewServeMux()
	mux.Handle(p2p.PeersPath, node.PeersHandler())
	mux.Handle("/metrics", promhttp.HandlerFor(reg, promhttp.HandlerOpts{}))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	srvErr := make(chan error, 1)
	go func() { srvErr <- srv.Serve(ln) }()

	runErr := node.Run(ctx) // until SIGINT/SIGTERM
	shutCtx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutCtx)
	if err := <-srvErr; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return fmt.Errorf("serve node API: %w", err)
	}
	return runErr
}

// runRelay runs a circuit relay v2 server with the default limits until ctx ends.
func runRelay(ctx context.Context, log *zap.Logger, id *cluster.Identity, listen, external []ma.Multiaddr) error {
	cfg := p2p.DefaultRelayConfig()
	cfg.Key, cfg.ListenAddrs, cfg.ExternalAddrs = id.Key, listen, external
	r, err := p2p.NewRelay(cfg)
	if err != nil {
		return err
	}
	log.Info("relay started", zap.Stringer("peer_id", r.ID()), zap.Any("addrs", r.Addrs()))
	<-ctx.Done()
	return r.Close()
}

func splitList(s string) []string {
	var out []string
	for _, part := range strings.Split(s, ",") {
		if part = strings.TrimSpace(part); part != "" {
			out = append(out, part)
		}
	}
	return out
}

func loadCluster(path string) ([]p2p.Peer, []byte, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, fmt.Errorf("read cluster file: %w", err)
	}
	var f clusterFile
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return nil, nil, fmt.Errorf("parse cluster file %s: %w", path, err)
	}
	lock, err := hex.DecodeString(strings.TrimPrefix(f.LockHash, "0x"))
	if err != nil {
		return nil, nil, fmt.Errorf("cluster file %s: lock_hash %q is not hex: %w", path, f.LockHash, err)
	}
	peers := make([]p2p.Peer, 0, len(f.Peers))
	for i, p := range f.Peers {
		id, err := peer.Decode(p.PeerID)
		if err != nil {
			return nil, nil, fmt.Errorf("cluster file %s: peers[%d].peer_id %q: %w", path, i, p.PeerID, err)
		}
		addrs, err := p2p.ParseMultiaddrs(p.Addrs)
		if err != nil {
			return nil, nil, fmt.Errorf("cluster file %s: peers[%d].addrs: %w", path, i, err)
		}
		peers = append(peers, p2p.Peer{ID: id, Name: p.Name, Addrs: addrs})
	}
	return peers, lock, nil
}
