package dkg

import (
	"context"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	ma "github.com/multiformats/go-multiaddr"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/p2p"
)

// NetworkConfig is what an operator needs to run the ceremony over the network.
type NetworkConfig struct {
	Definition *cluster.Definition
	Key        crypto.PrivKey
	// ListenAddrs are the p2p listen addresses; empty selects this operator's
	// addresses from the definition.
	ListenAddrs []ma.Multiaddr
	// Relays are optional circuit relay v2 addresses.
	Relays []ma.Multiaddr
	// Timeout bounds the whole ceremony.
	Timeout time.Duration
	// DataDir receives the outputs.
	DataDir string
	// Output controls the secret files.
	Output   OutputOptions
	Rand     io.Reader
	Logger   *zap.Logger
	Progress func(Progress)
	// Registerer receives the p2p metrics; nil disables them.
	Registerer prometheus.Registerer
}

// RunNetwork runs the ceremony over libp2p with the other operators of the
// definition and writes this operator's outputs. The p2p envelopes carry the
// definition hash, so an operator holding a different copy of the definition
// is refused like a stranger, and the ceremony times out naming it.
func RunNetwork(ctx context.Context, cfg NetworkConfig) (*Result, error) {
	def := cfg.Definition
	if err := def.ValidateApproved(); err != nil {
		return nil, fmt.Errorf("dkg: %w", err)
	}
	defHash, err := def.Hash()
	if err != nil {
		return nil, err
	}
	me, err := def.OperatorIndex(cfg.Key.GetPublic())
	if err != nil {
		return nil, fmt.Errorf("dkg: %w", err)
	}
	peerIDs, err := def.PeerIDs()
	if err != nil {
		return nil, err
	}
	pcfg := p2p.DefaultConfig()
	pcfg.Key = cfg.Key
	pcfg.LockHash = defHash
	pcfg.ReconnectMin, pcfg.ReconnectMax = 100*time.Millisecond, 2*time.Second
	pcfg.PingInterval = 2 * time.Second
	pcfg.Relays = cfg.Relays
	pcfg.Logger = cfg.Logger
	pcfg.Registerer = cfg.Registerer
	for i, op := range def.Operators {
		addrs, err := p2p.ParseMultiaddrs(op.Addresses)
		if err != nil {
			return nil, fmt.Errorf("dkg: operators[%d].addresses: %w", i, err)
		}
		pcfg.Peers = append(pcfg.Peers, p2p.Peer{ID: peerIDs[i], Name: op.Name, Addrs: addrs})
		if i == me && len(cfg.ListenAddrs) == 0 {
			pcfg.ListenAddrs = addrs
		}
	}
	if len(cfg.ListenAddrs) > 0 {
		pcfg.ListenAddrs = cfg.ListenAddrs
	}
	node, err := p2p.New(pcfg)
	if err != nil {
		return nil, fmt.Errorf("dkg: start p2p: %w", err)
	}
	defer node.Close()
	tr, err := NewP2PTransport(node, peerIDs, cfg.Logger)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithTimeout(ctx, cfg.Timeout)
	defer cancel()
	runDone := make(chan struct{})
	go func() { defer close(runDone); _ = node.Run(ctx) }()
	defer func() { cancel(); <-runDone }()

	res, err := Run(ctx, Config{Definition: def, Key: cfg.Key, Transport: tr, Rand: cfg.Rand, Logger: cfg.Logger, Progress: cfg.Progress})
	if err != nil {
		var me *MissingError
		if errors.As(err, &me) {
			return nil, fmt.Errorf("%w (is its stinger dkg running, reachable, and using the same definition file?)", err)
		}
		return nil, err
	}
	if err := WriteOutputs(cfg.DataDir, res.Lock, res.Shares, cfg.Output); err != nil {
		return nil, err
	}
	return res, nil
}
