package p2p

import (
	"context"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/protocol/ping"
	"go.uber.org/zap"
)

// pingLoop measures the round-trip time to one cluster peer every PingInterval while connected,
// using libp2p's ping protocol (/ipfs/ping/1.0.0). The pings double as keep-alive traffic.
func (n *Node) pingLoop(ctx context.Context, p peer.ID) {
	for {
		if n.connected(p) {
			rtt, err := n.ping(ctx, p)
			switch {
			case err == nil:
				n.recordRTT(p, rtt)
			case ctx.Err() != nil:
				return
			default:
				n.metrics.peerErrors.WithLabelValues(n.label(p), reasonPing).Inc()
				n.log.Debug("ping failed", zap.String("peer", n.label(p)), zap.Error(err))
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-n.clock.After(n.cfg.PingInterval):
		}
	}
}

// Ping measures one round trip to a cluster peer.
func (n *Node) ping(ctx context.Context, p peer.ID) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, n.cfg.PingTimeout)
	defer cancel()
	select {
	case res, ok := <-ping.Ping(ctx, n.host, p):
		if !ok {
			return 0, fmt.Errorf("ping %s: %w", p, ctx.Err())
		}
		if res.Error != nil {
			return 0, fmt.Errorf("ping %s: %w", p, res.Error)
		}
		return res.RTT, nil
	case <-ctx.Done():
		return 0, fmt.Errorf("ping %s: %w", p, ctx.Err())
	}
}

func (n *Node) recordRTT(p peer.ID, rtt time.Duration) {
	n.metrics.rtt.WithLabelValues(n.label(p)).Set(rtt.Seconds())
	n.mu.Lock()
	defer n.mu.Unlock()
	if st, ok := n.state[p]; ok {
		st.rtt = rtt
		st.lastSeen = n.clock.Now()
	}
}
