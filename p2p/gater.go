package p2p

import (
	"github.com/libp2p/go-libp2p/core/control"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	rcmgr "github.com/libp2p/go-libp2p/p2p/host/resource-manager"
	ma "github.com/multiformats/go-multiaddr"
)

// gater admits exactly the cluster's operators, in both directions, and lets this node dial
// (never accept) its configured relays. Inbound refusal happens in InterceptSecured, right after
// the security handshake authenticates the remote peer and before the muxer or any protocol runs.
type gater struct {
	cluster map[peer.ID]bool // other operators
	relays  map[peer.ID]bool
	metrics *metrics
}

func newGater(cluster, relays map[peer.ID]bool, m *metrics) *gater {
	return &gater{cluster: cluster, relays: relays, metrics: m}
}

func (g *gater) allowOutbound(p peer.ID) bool { return g.cluster[p] || g.relays[p] }

// InterceptPeerDial refuses dials to peers outside the cluster (and relays).
func (g *gater) InterceptPeerDial(p peer.ID) bool {
	if g.allowOutbound(p) {
		return true
	}
	g.metrics.refused.WithLabelValues("outbound", "peer_dial").Inc()
	return false
}

// InterceptAddrDial refuses dials to peers outside the cluster (and relays).
func (g *gater) InterceptAddrDial(p peer.ID, _ ma.Multiaddr) bool {
	if g.allowOutbound(p) {
		return true
	}
	g.metrics.refused.WithLabelValues("outbound", "addr_dial").Inc()
	return false
}

// InterceptAccept allows every incoming transport connection: the peer is not known yet.
func (g *gater) InterceptAccept(network.ConnMultiaddrs) bool { return true }

// InterceptSecured admits authenticated cluster operators; relays only on connections we dialed.
func (g *gater) InterceptSecured(dir network.Direction, p peer.ID, _ network.ConnMultiaddrs) bool {
	if g.cluster[p] || (dir == network.DirOutbound && g.relays[p]) {
		return true
	}
	g.metrics.refused.WithLabelValues(dirLabel(dir), "secured").Inc()
	return false
}

// InterceptUpgraded allows the connection: the peer was already checked when secured.
func (g *gater) InterceptUpgraded(network.Conn) (bool, control.DisconnectReason) { return true, 0 }

func dirLabel(dir network.Direction) string {
	if dir == network.DirInbound {
		return "inbound"
	}
	return "outbound"
}

// newResourceManager builds a resource manager whose per-peer limits block every peer except the
// cluster's operators and relays, so even a gater bug cannot admit a stranger: a connection
// whose authenticated peer has no allowance fails when it is attached to its peer scope.
//
// QUIC attaches the peer scope before consulting the gater, so there the resource manager is
// the one refusing; countingRM counts those refusals in the same metric (stage
// "resource_manager").
func newResourceManager(allowed map[peer.ID]bool, m *metrics) (network.ResourceManager, error) {
	block := rcmgr.ResourceLimits{
		Streams: rcmgr.BlockAllLimit, StreamsInbound: rcmgr.BlockAllLimit, StreamsOutbound: rcmgr.BlockAllLimit,
		Conns: rcmgr.BlockAllLimit, ConnsInbound: rcmgr.BlockAllLimit, ConnsOutbound: rcmgr.BlockAllLimit,
		FD: rcmgr.BlockAllLimit, Memory: rcmgr.BlockAllLimit64,
	}
	scaled := rcmgr.DefaultLimits.AutoScale()
	peerLimits := scaled.ToPartialLimitConfig().PeerDefault // explicit: unset values would fall back to block
	peers := make(map[peer.ID]rcmgr.ResourceLimits, len(allowed))
	for p := range allowed {
		peers[p] = peerLimits
	}
	partial := rcmgr.PartialLimitConfig{PeerDefault: block, Peer: peers}
	limits := partial.Build(scaled)
	// Metrics disabled: its stats reporter takes a global lock on every resource event.
	rm, err := rcmgr.NewResourceManager(rcmgr.NewFixedLimiter(limits), rcmgr.WithMetricsDisabled())
	if err != nil {
		return nil, err
	}
	return countingRM{ResourceManager: rm, m: m}, nil
}

// countingRM counts connections the resource manager refuses to attach to a peer scope. (The
// resource manager's trace reporter could report them too, but it serialises every resource
// event behind one mutex, which costs throughput on the stream-per-message hot path.)
type countingRM struct {
	network.ResourceManager
	m *metrics
}

// OpenConnection wraps the connection scope so that refused SetPeer calls are counted.
func (r countingRM) OpenConnection(dir network.Direction, usefd bool, endpoint ma.Multiaddr) (network.ConnManagementScope, error) {
	scope, err := r.ResourceManager.OpenConnection(dir, usefd, endpoint)
	if err != nil {
		return nil, err
	}
	return countingConnScope{ConnManagementScope: scope, dir: dir, m: r.m}, nil
}

type countingConnScope struct {
	network.ConnManagementScope
	dir network.Direction
	m   *metrics
}

// SetPeer attaches the connection to its peer's scope, counting refusals.
func (s countingConnScope) SetPeer(p peer.ID) error {
	err := s.ConnManagementScope.SetPeer(p)
	if err != nil {
		s.m.refused.WithLabelValues(dirLabel(s.dir), "resource_manager").Inc()
	}
	return err
}
