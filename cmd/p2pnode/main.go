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

func run() error {
	dataDir := flag.String("data-dir", ".", "directory holding operator.key")
	clusterPath := flag.String("cluster", "cluster-peers.json", "cluster peers file (JSON)")
	listen := flag.String("listen", "/ip4/0.0.0.0/tcp/3610,/ip4/0.0.0.0/udp/3610/quic-v1", "comma-separated listen multiaddrs")
	external := flag.String("external", "", "comma-separated advertised multiaddrs (default: listen addresses)")
	relays := flag.String("relays", "", "comma-separated relay multiaddrs ending in /p2p/<id>")
	apiAddr := flag.String("api", "127.0.0.1:3620", "node API listen address (GET /v1/peers, /metrics)")
	pingInterval := flag.Duration("ping-interval", 10*time.Second, "peer ping interval")
	flag.Parse()

	log, err := zap.NewProduction()
	if err != nil {
		return fmt.Errorf("create logger: %w", err)
	}
	id, err := cluster.LoadIdentity(*dataDir)
	if err != nil {
		return err
	}
	cfg := p2p.DefaultConfig()
	cfg.Key, cfg.Logger, cfg.PingInterval = id.Key, log, *pingInterval
	if cfg.Peers, cfg.LockHash, err = loadCluster(*clusterPath); err != nil {
		return err
	}
	if cfg.ListenAddrs, err = p2p.ParseMultiaddrs(splitList(*listen)); err != nil {
		return fmt.Errorf("--listen: %w", err)
	}
	if cfg.ExternalAddrs, err = p2p.ParseMultiaddrs(splitList(*external)); err != nil {
		return fmt.Errorf("--external: %w", err)
	}
	if cfg.Relays, err = p2p.ParseMultiaddrs(splitList(*relays)); err != nil {
		return fmt.Errorf("--relays: %w", err)
	}
	reg := prometheus.NewRegistry()
	cfg.Registerer = reg
	node, err := p2p.New(cfg)
	if err != nil {
		return err
	}
	defer func() { _ = node.Close() }()
	log.Info("p2p node started", zap.Stringer("peer_id", node.ID()), zap.Any("addrs", node.Addrs()))

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", *apiAddr)
	if err != nil {
		return fmt.Errorf("listen on --api %s: %w", *apiAddr, err)
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
