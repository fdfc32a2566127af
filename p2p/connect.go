package p2p

import (
	"context"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/peerstore"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	"github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/client"
	ma "github.com/multiformats/go-multiaddr"
	"go.uber.org/zap"
)

// connected reports whether a direct or relayed (limited) connection to p is open.
func (n *Node) connected(p peer.ID) bool {
	c := n.host.Network().Connectedness(p)
	return c == network.Connected || c == network.Limited
}

// connectLoop keeps one cluster peer connected: it dials when there is no connection, backing off
// exponentially (with jitter) after failures, and is nudged awake when the connection drops.
func (n *Node) connectLoop(ctx context.Context, p peer.ID) {
	bo := newBackoff(n.cfg.ReconnectMin, n.cfg.ReconnectMax, n.rand.Float64)
	var lastDirect time.Time
	if n.self > p {
		// Both sides dial at startup; letting the lower peer ID go first avoids most
		// simultaneous-dial duplicate connections.
		select {
		case <-ctx.Done():
			return
		case <-n.wake[p]:
		case <-n.clock.After(n.cfg.ReconnectMin):
		}
	}
	for {
		wait := n.cfg.PingInterval // re-check now and then even without a nudge
		if !n.connected(p) {
			if err := n.dial(ctx, p); err != nil {
				if ctx.Err() != nil {
					return
				}
				wait = bo.next()
				n.metrics.peerErrors.WithLabelValues(n.label(p), reasonDial).Inc()
				n.log.Debug("dial cluster peer failed", zap.Stringer("peer", p), zap.Duration("retry_in", wait), zap.Error(err))
			} else {
				bo.reset()
				n.log.Info("connected to cluster peer", zap.String("peer", n.label(p)))
			}
		} else if n.relayedOnly(p) && n.clock.Now().Sub(lastDirect) >= n.cfg.ReconnectMax {
			lastDirect = n.clock.Now()
			n.tryDirect(ctx, p)
		}
		select {
		case <-ctx.Done():
			return
		case <-n.wake[p]:
		case <-n.clock.After(wait):
		}
	}
}

func (n *Node) dial(ctx context.Context, p peer.ID) error {
	// Our own backoff paces the attempts; the swarm's would delay a restarted peer further.
	if sw, ok := n.host.Network().(*swarm.Swarm); ok {
		sw.Backoff().Clear(p)
	}
	ctx, cancel := context.WithTimeout(ctx, n.cfg.DialTimeout)
	defer cancel()
	ctx = network.WithAllowLimitedConn(ctx, "stinger cluster")
	if err := n.host.Connect(ctx, peer.AddrInfo{ID: p}); err != nil {
		return fmt.Errorf("connect to %s: %w", p, err)
	}
	return nil
}

// relayedOnly reports whether every connection to p goes through a relay while p has addresses
// that might be dialled directly.
func (n *Node) relayedOnly(p peer.ID) bool {
	if n.host.Network().Connectedness(p) != network.Limited {
		return false
	}
	for _, a := range n.host.Peerstore().Addrs(p) {
		if _, err := a.ValueForProtocol(ma.P_CIRCUIT); err != nil {
			return true
		}
	}
	return false
}

// tryDirect attempts to replace a relayed connection by a direct one (at most every
// ReconnectMax); failure is normal behind NAT and only logged.
func (n *Node) tryDirect(ctx context.Context, p peer.ID) {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.DialTimeout)
	defer cancel()
	ctx = network.WithForceDirectDial(ctx, "upgrade relayed connection")
	if err := n.host.Connect(ctx, peer.AddrInfo{ID: p}); err != nil {
		n.log.Debug("direct connection to relayed peer failed", zap.String("peer", n.label(p)), zap.Error(err))
		return
	}
	n.log.Info("upgraded relayed connection to direct", zap.String("peer", n.label(p)))
}

// addRelayCircuits adds, for every cluster peer, a circuit address through every relay, so the
// dialler falls back to a relay when no direct address works (relay addresses rank last).
func (n *Node) addRelayCircuits() {
	for _, r := range n.relays {
		for _, a := range r.Addrs {
			circuit := a.Encapsulate(ma.StringCast("/p2p/" + r.ID.String() + "/p2p-circuit"))
			for _, p := range n.others {
				n.host.Peerstore().AddAddr(p, circuit, peerstore.PermanentAddrTTL)
			}
		}
	}
}

// reserveLoop holds a reservation on one relay so peers can reach this node through it,
// renewing it every RelayRefresh (or before it expires) and retrying with backoff on failure.
func (n *Node) reserveLoop(ctx context.Context, r peer.AddrInfo) {
	bo := newBackoff(n.cfg.ReconnectMin, n.cfg.ReconnectMax, n.rand.Float64)
	gauge := n.metrics.reservations.WithLabelValues(r.ID.String())
	for {
		wait := n.cfg.RelayRefresh
		expiry, err := n.reserve(ctx, r)
		if err != nil {
			if ctx.Err() != nil {
				return
			}
			gauge.Set(0)
			n.metrics.resvFailures.WithLabelValues(r.ID.String()).Inc()
			wait = bo.next()
			n.log.Warn("relay reservation failed", zap.Stringer("relay", r.ID), zap.Duration("retry_in", wait), zap.Error(err))
		} else {
			gauge.Set(1)
			bo.reset()
			if until := expiry.Sub(n.clock.Now()) / 2; until < wait {
				wait = max(until, n.cfg.ReconnectMin)
			}
			n.log.Debug("relay reservation held", zap.Stringer("relay", r.ID), zap.Time("expires", expiry))
		}
		select {
		case <-ctx.Done():
			return
		case <-n.clock.After(wait):
		}
	}
}

func (n *Node) reserve(ctx context.Context, r peer.AddrInfo) (time.Time, error) {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.DialTimeout)
	defer cancel()
	if sw, ok := n.host.Network().(*swarm.Swarm); ok {
		sw.Backoff().Clear(r.ID)
	}
	if err := n.host.Connect(ctx, r); err != nil {
		return time.Time{}, fmt.Errorf("connect to relay: %w", err)
	}
	rsv, err := client.Reserve(ctx, n.host, r)
	if err != nil {
		return time.Time{}, fmt.Errorf("reserve relay slot: %w", err)
	}
	return rsv.Expiration, nil
}
