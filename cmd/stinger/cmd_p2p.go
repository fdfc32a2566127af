package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/config"
	"github.com/stingerdvt/stinger/internal/logging"
	"github.com/stingerdvt/stinger/p2p"
)

func newPeersCmd() *cobra.Command {
	var apiURL string
	var timeout time.Duration
	cmd := &cobra.Command{
		Use:   "peers",
		Short: "Print the cluster peers of a running node (GET /v1/peers): connected, addresses, RTT, last seen",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), timeout)
			defer cancel()
			resp, err := p2p.FetchPeers(ctx, nil, apiURL)
			if err != nil {
				return err
			}
			return p2p.FormatPeers(cmd.OutOrStdout(), resp, time.Now())
		},
	}
	cmd.Flags().StringVar(&apiURL, "api-url", "http://"+config.Default().API.Address, "node API base URL")
	cmd.Flags().DurationVar(&timeout, "timeout", 5*time.Second, "request timeout")
	return cmd
}

func newRelayCmd() *cobra.Command {
	var (
		dataDir, logLevel string
		listen, external  []string
		allowedLocks      []string
		maxReservations   int
	)
	cmd := &cobra.Command{
		Use:   "relay",
		Short: "Run a circuit relay v2 server so that operators behind NAT can reach each other",
		Long: `Runs libp2p's circuit relay v2 service with limits. The relay's identity is the operator key in
--data-dir (created if missing). With --allow-lock, only the operators named in those cluster lock files
may reserve slots or connect through the relay. Operators list the printed address in p2p.relays.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			logger, err := logging.New(logLevel, "console", cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			id, err := cluster.LoadIdentity(dataDir)
			if errors.Is(err, cluster.ErrNoIdentity) {
				id, err = cluster.CreateIdentity(dataDir, rand.Reader)
			}
			if err != nil {
				return err
			}
			cfg := p2p.DefaultRelayConfig()
			cfg.Key = id.Key
			if cfg.ListenAddrs, err = p2p.ParseMultiaddrs(listen); err != nil {
				return fmt.Errorf("--listen: %w", err)
			}
			if cfg.ExternalAddrs, err = p2p.ParseMultiaddrs(external); err != nil {
				return fmt.Errorf("--external: %w", err)
			}
			if maxReservations > 0 {
				cfg.MaxReservations = maxReservations
			}
			for _, path := range allowedLocks {
				lock, err := cluster.LoadLock(path)
				if err != nil {
					return err
				}
				ids, err := lock.Definition.PeerIDs()
				if err != nil {
					return err
				}
				cfg.AllowedPeers = append(cfg.AllowedPeers, ids...)
			}
			relay, err := p2p.NewRelay(cfg)
			if err != nil {
				return err
			}
			defer relay.Close()
			for _, a := range relay.Addrs() {
				fmt.Fprintf(cmd.OutOrStdout(), "relay address: %s\n", a)
			}
			logger.Info("Relay running", zap.Stringer("peer_id", relay.ID()), zap.Int("allowed_peers", len(cfg.AllowedPeers)),
				zap.Stringers("allowed", peerStringers(cfg.AllowedPeers)))
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			<-ctx.Done()
			logger.Info("Relay stopping")
			return nil
		},
	}
	cmd.Flags().StringVar(&dataDir, "data-dir", config.Default().DataDir, "data directory holding the relay's operator.key")
	cmd.Flags().StringSliceVar(&listen, "listen", []string{"/ip4/0.0.0.0/tcp/3640", "/ip4/0.0.0.0/udp/3640/quic-v1"}, "listen multiaddrs")
	cmd.Flags().StringSliceVar(&external, "external", nil, "advertised multiaddrs (e.g. the public IP)")
	cmd.Flags().StringSliceVar(&allowedLocks, "allow-lock", nil, "cluster lock files whose operators may use the relay (default: anyone)")
	cmd.Flags().IntVar(&maxReservations, "max-reservations", 0, "maximum concurrent reservations (default: the library's)")
	cmd.Flags().StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn, error")
	return cmd
}

func peerStringers(ids []peer.ID) []fmt.Stringer {
	out := make([]fmt.Stringer, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}
