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
// using libp2p's ping protocol (/ipfs/ping/1.0.0). The pings double as keep-alive traffic and as a
// liveness check: after PingFailures pings in a row fail, the connections to the peer are closed and
// its connect loop redials. A connection whose packets are silently dropped (a network partition, a
// dead NAT mapping) otherwise looks open until TCP gives up, and after the network heals it carries
// data again only at TCP's next backed-off retransmission, tens of seconds later; a fresh connection
// is up as soon as a dial gets through.
func (n *Node) pingLoop(ctx context.Context, p peer.ID) {
	failures := 0
	for {
		if n.connected(p) {
			rtt, err := n.ping(ctx, p)
			switch {
			case err == nil:
				failures = 0
				n.recordRTT(p, rtt)
			case ctx.Err() != nil:
				return
			default:
				failures++
				n.metrics.peerErrors.WithLabelValues(n.label(p), reasonPing).Inc()
				n.log.Debug("ping failed", zap.String("peer", n.label(p)), zap.Int("in_a_row", failures), zap.Error(err))
				if failures >= n.cfg.PingFailures {
					failures = 0
					n.metrics.peerErrors.WithLabelValues(n.label(p), reasonUnresponsive).Inc()
					n.log.Warn("cluster peer unresponsive: closing its connections to redial",
						zap.String("peer", n.label(p)), zap.Error(err))
					if err := n.host.Network().ClosePeer(p); err != nil {
						n.log.Debug("close unresponsive peer", zap.String("peer", n.label(p)), zap.Error(err))
					}
					n.nudge(p)
				}
			}
		} else {
			failures = 0
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
