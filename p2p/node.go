package p2p

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sort"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/peerstore"
	"github.com/libp2p/go-libp2p/core/protocol"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	libp2ptls "github.com/libp2p/go-libp2p/p2p/security/tls"
	quic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"
)

// protectTag marks cluster connections in the connection manager so they are never trimmed.
const protectTag = "stinger-cluster"

// Node is this operator's libp2p host restricted to the cluster, with the protocol framework,
// connection upkeep, relay reservations and peer health on top.
type Node struct {
	cfg     Config
	host    host.Host
	self    peer.ID
	others  []peer.ID // cluster peers except self, sorted
	names   map[peer.ID]string
	relays  []peer.AddrInfo
	log     *zap.Logger
	clock   Clock
	rand    *lockedRand
	metrics *metrics

	// ctx bounds inbound handlers' contexts; cancelled by Close (the node's lifetime, not a request's).
	ctx    context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	state    map[peer.ID]*peerState
	handlers map[protocol.ID]bool
	wake     map[peer.ID]chan struct{} // nudges a peer's connect loop on disconnect
	inflight map[peer.ID]chan struct{} // one token per send in flight to the peer (MaxStreamsPerPeer)
}

// peerState is what the node knows about one cluster peer; guarded by Node.mu.
type peerState struct {
	rtt      time.Duration
	lastSeen time.Time
}

// New validates cfg, builds the libp2p host and starts listening. Call Run to connect to the
// cluster and Close to shut the host down.
func New(cfg Config) (*Node, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	n := &Node{
		cfg:      cfg,
		names:    make(map[peer.ID]string),
		log:      cfg.Logger,
		clock:    cfg.Clock,
		metrics:  m,
		state:    make(map[peer.ID]*peerState),
		handlers: make(map[protocol.ID]bool),
		wake:     make(map[peer.ID]chan struct{}),
		inflight: make(map[peer.ID]chan struct{}),
	}
	if n.log == nil {
		n.log = zap.NewNop()
	}
	if n.clock == nil {
		n.clock = systemClock{}
	}
	rnd := cfg.Rand
	if rnd == nil {
		rnd = rand.New(rand.NewPCG(rand.Uint64(), rand.Uint64())) //nolint:gosec // backoff jitter only
	}
	n.rand = newLockedRand(rnd)
	n.self, _ = peer.IDFromPrivateKey(cfg.Key) // checked by Validate

	cluster := make(map[peer.ID]bool)
	for _, p := range cfg.Peers {
		n.names[p.ID] = p.Name
		if p.ID != n.self {
			cluster[p.ID] = true
			n.others = append(n.others, p.ID)
			n.state[p.ID] = &peerState{}
			n.wake[p.ID] = make(chan struct{}, 1)
			n.inflight[p.ID] = make(chan struct{}, cfg.MaxStreamsPerPeer)
		}
	}
	sort.Slice(n.others, func(i, j int) bool { return n.others[i] < n.others[j] })
	relays := make(map[peer.ID]bool)
	for _, a := range cfg.Relays {
		ai, _ := peer.AddrInfoFromP2pAddr(a) // checked by Validate
		relays[ai.ID] = true
		n.relays = append(n.relays, *ai)
	}
	n.ctx, n.cancel = context.WithCancel(context.Background())
	if n.host, err = n.newHost(cluster, relays); err != nil {
		n.cancel()
		return nil, err
	}
	for _, p := range cfg.Peers {
		if p.ID != n.self {
			n.host.Peerstore().AddAddrs(p.ID, p.Addrs, peerstore.PermanentAddrTTL)
			n.host.ConnManager().Protect(p.ID, protectTag)
			n.metrics.connected.WithLabelValues(n.label(p.ID))
		}
	}
	for _, r := range n.relays {
		n.host.Peerstore().AddAddrs(r.ID, r.Addrs, peerstore.PermanentAddrTTL)
		n.host.ConnManager().Protect(r.ID, protectTag)
	}
	n.addRelayCircuits()
	n.host.Network().Notify(&network.NotifyBundle{ConnectedF: n.onConnected, DisconnectedF: n.onDisconnected})
	for _, p := range n.others { // connections accepted before Notify took effect
		if n.connected(p) {
			n.metrics.connected.WithLabelValues(n.label(p)).Set(1)
		}
	}
	return n, nil
}

func (n *Node) newHost(cluster, relays map[peer.ID]bool) (host.Host, error) {
	allowed := make(map[peer.ID]bool, len(cluster)+len(relays))
	for p := range cluster {
		allowed[p] = true
	}
	for p := range relays {
		allowed[p] = true
	}
	rm, err := newResourceManager(allowed, n.metrics)
	if err != nil {
		return nil, fmt.Errorf("create resource manager: %w", err)
	}
	opts := []libp2p.Option{
		libp2p.Identity(n.cfg.Key),
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Transport(quic.NewTransport),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Security(libp2ptls.ID, libp2ptls.New),
		libp2p.Muxer(yamux.ID, yamux.DefaultTransport),
		libp2p.ConnectionGater(newGater(cluster, relays, n.metrics)),
		libp2p.ResourceManager(rm),
		libp2p.DisableMetrics(), // libp2p's own metrics would go to the global registry
		libp2p.Ping(true),
		libp2p.EnableRelay(),
		libp2p.UserAgent("stinger"),
	}
	if len(n.cfg.ListenAddrs) > 0 {
		opts = append(opts, libp2p.ListenAddrs(n.cfg.ListenAddrs...))
	} else {
		opts = append(opts, libp2p.NoListenAddrs)
	}
	if ext := n.cfg.ExternalAddrs; len(ext) > 0 {
		opts = append(opts, libp2p.AddrsFactory(func([]ma.Multiaddr) []ma.Multiaddr { return ext }))
	}
	h, err := libp2p.New(opts...)
	if err != nil {
		_ = rm.Close()
		return nil, fmt.Errorf("create libp2p host: %w", err)
	}
	return h, nil
}

// Host returns the underlying libp2p host.
func (n *Node) Host() host.Host { return n.host }

// ID returns this node's peer ID.
func (n *Node) ID() peer.ID { return n.self }

// ClusterPeers returns the other operators' peer IDs, sorted.
func (n *Node) ClusterPeers() []peer.ID { return append([]peer.ID(nil), n.others...) }

// Addrs returns the node's advertised addresses (external ones when configured, else the
// listen addresses with unspecified IPs expanded), each ending in /p2p/<id>.
func (n *Node) Addrs() []ma.Multiaddr {
	ai := peer.AddrInfo{ID: n.self, Addrs: n.host.Addrs()}
	out, _ := peer.AddrInfoToP2pAddrs(&ai)
	return out
}

// AddAddrs records more addresses for a cluster peer (e.g. learnt after startup).
func (n *Node) AddAddrs(p peer.ID, addrs []ma.Multiaddr) error {
	if _, ok := n.state[p]; !ok {
		return fmt.Errorf("add addresses: %s is not a cluster peer", p)
	}
	n.host.Peerstore().AddAddrs(p, addrs, peerstore.PermanentAddrTTL)
	n.nudge(p)
	return nil
}

// Run keeps the node connected to every cluster peer, pings them and keeps relay reservations,
// until ctx is done. It returns nil on cancellation.
func (n *Node) Run(ctx context.Context) error {
	g, ctx := errgroup.WithContext(ctx)
	for _, p := range n.others {
		g.Go(func() error { n.connectLoop(ctx, p); return nil })
		g.Go(func() error { n.pingLoop(ctx, p); return nil })
	}
	for _, r := range n.relays {
		g.Go(func() error { n.reserveLoop(ctx, r); return nil })
	}
	if err := g.Wait(); err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// Close shuts the host down, closing every connection.
func (n *Node) Close() error {
	n.cancel()
	if err := n.host.Close(); err != nil {
		return fmt.Errorf("close libp2p host: %w", err)
	}
	return nil
}

// label is the metric label of a cluster peer: its name, or its ID when unnamed.
func (n *Node) label(p peer.ID) string {
	if name := n.names[p]; name != "" {
		return name
	}
	return p.String()
}

func (n *Node) onConnected(_ network.Network, c network.Conn) {
	p := c.RemotePeer()
	if _, ok := n.state[p]; !ok {
		return
	}
	n.metrics.connected.WithLabelValues(n.label(p)).Set(1)
	n.touch(p)
}

func (n *Node) onDisconnected(nw network.Network, c network.Conn) {
	p := c.RemotePeer()
	if _, ok := n.state[p]; !ok {
		return
	}
	if nw.Connectedness(p) != network.Connected && nw.Connectedness(p) != network.Limited {
		n.metrics.connected.WithLabelValues(n.label(p)).Set(0)
		n.nudge(p)
	}
}

// touch records that the peer was heard from now.
func (n *Node) touch(p peer.ID) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if st, ok := n.state[p]; ok {
		st.lastSeen = n.clock.Now()
	}
}

func (n *Node) nudge(p peer.ID) {
	select {
	case n.wake[p] <- struct{}{}:
	default:
	}
}
