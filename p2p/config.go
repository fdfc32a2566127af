package p2p

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	ma "github.com/multiformats/go-multiaddr"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
)

// Peer is one operator of the cluster as the cluster definition or lock names it.
type Peer struct {
	// ID is the operator's libp2p peer ID (from its secp256k1 operator key).
	ID peer.ID
	// Name is an optional human-readable name shown in peer listings and metrics.
	Name string
	// Addrs are the operator's known addresses (without /p2p/ suffix); may be empty when it is
	// reachable only through a relay or dials us.
	Addrs []ma.Multiaddr
}

// Config holds everything a Node needs. Build it with DefaultConfig and fill in the identity,
// cluster and addresses; New calls Validate.
type Config struct {
	// Key is the operator's secp256k1 identity key.
	Key crypto.PrivKey
	// Peers lists every operator of the cluster, this node included.
	Peers []Peer
	// LockHash is the cluster lock hash; messages carrying another hash are dropped.
	LockHash []byte
	// ListenAddrs are the addresses to listen on (TCP and/or QUIC); empty means dial-only.
	ListenAddrs []ma.Multiaddr
	// ExternalAddrs, if set, replace the listen addresses in what the node advertises.
	ExternalAddrs []ma.Multiaddr
	// Relays are circuit relay v2 servers (full multiaddrs ending in /p2p/<id>) used to reach
	// peers that are not directly reachable, and to be reachable through.
	Relays []ma.Multiaddr

	// ReconnectMin and ReconnectMax bound the exponential reconnect backoff.
	ReconnectMin, ReconnectMax time.Duration
	// DialTimeout bounds one connection attempt.
	DialTimeout time.Duration
	// PingInterval is how often each connected peer is pinged (RTT and keep-alive).
	PingInterval time.Duration
	// PingTimeout bounds one ping.
	PingTimeout time.Duration
	// PingFailures is how many pings in a row may fail before the peer's connections are closed
	// and redialled (a silently dead connection).
	PingFailures int
	// MaxStreamsPerPeer bounds the sends in flight to one peer; more are refused at once (ErrPeerBusy).
	MaxStreamsPerPeer int
	// RelayRefresh is how often relay reservations are renewed (and retried after failure).
	RelayRefresh time.Duration

	// Logger receives the node's logs; nil means no logging.
	Logger *zap.Logger
	// Registerer receives the node's metrics; nil means metrics are not exported.
	Registerer prometheus.Registerer
	// Clock drives timers and timestamps; nil means the system clock.
	Clock Clock
	// Rand provides backoff jitter; nil means a randomly seeded generator.
	Rand *rand.Rand
}

// DefaultConfig returns a Config with production timings and no identity, cluster or addresses.
func DefaultConfig() Config {
	return Config{
		// A cluster has a handful of peers and every slot counts: redial an absent peer at least every
		// few seconds (a dial that gets no answer is retried by the kernel 1 s and 3 s in, so with
		// these timings a healed link is used again within about 2 s), and notice a dead connection
		// within about 3 pings.
		ReconnectMin: 250 * time.Millisecond,
		ReconnectMax: 2 * time.Second,
		DialTimeout:  5 * time.Second,
		PingInterval: 2 * time.Second,
		PingTimeout:  2 * time.Second,
		PingFailures: 2,
		// A slot's duties send a few dozen short-lived messages to each peer; a dead connection holds at
		// most this many until their timeouts.
		MaxStreamsPerPeer: 32,
		RelayRefresh:      5 * time.Minute,
	}
}

// Validate checks the configuration; errors name the field, the value and what is expected.
func (c *Config) Validate() error {
	if c.Key == nil {
		return errors.New("p2p config: Key is required")
	}
	if c.Key.Type() != crypto.Secp256k1 {
		return fmt.Errorf("p2p config: Key has type %s, want secp256k1", c.Key.Type())
	}
	self, err := peer.IDFromPrivateKey(c.Key)
	if err != nil {
		return fmt.Errorf("p2p config: derive peer ID from Key: %w", err)
	}
	if len(c.LockHash) == 0 || len(c.LockHash) > maxLockHashLen {
		return fmt.Errorf("p2p config: LockHash has %d bytes, want 1..%d", len(c.LockHash), maxLockHashLen)
	}
	seen := make(map[peer.ID]bool, len(c.Peers))
	for i, p := range c.Peers {
		if err := p.ID.Validate(); err != nil {
			return fmt.Errorf("p2p config: Peers[%d].ID: %w", i, err)
		}
		if seen[p.ID] {
			return fmt.Errorf("p2p config: Peers[%d].ID %s is listed twice", i, p.ID)
		}
		seen[p.ID] = true
	}
	if !seen[self] {
		return fmt.Errorf("p2p config: this node's peer ID %s is not in Peers", self)
	}
	for i, a := range c.Relays {
		if _, err := peer.AddrInfoFromP2pAddr(a); err != nil {
			return fmt.Errorf("p2p config: Relays[%d] %q must end in /p2p/<peer-id>: %w", i, a, err)
		}
	}
	durations := []struct {
		name string
		v    time.Duration
	}{
		{"ReconnectMin", c.ReconnectMin}, {"ReconnectMax", c.ReconnectMax}, {"DialTimeout", c.DialTimeout},
		{"PingInterval", c.PingInterval}, {"PingTimeout", c.PingTimeout}, {"RelayRefresh", c.RelayRefresh},
	}
	for _, d := range durations {
		if d.v <= 0 {
			return fmt.Errorf("p2p config: %s is %s, want > 0", d.name, d.v)
		}
	}
	if c.MaxStreamsPerPeer < 1 {
		return fmt.Errorf("p2p config: MaxStreamsPerPeer is %d, want >= 1", c.MaxStreamsPerPeer)
	}
	if c.PingFailures < 1 {
		return fmt.Errorf("p2p config: PingFailures is %d, want >= 1", c.PingFailures)
	}
	if c.ReconnectMax < c.ReconnectMin {
		return fmt.Errorf("p2p config: ReconnectMax %s is below ReconnectMin %s", c.ReconnectMax, c.ReconnectMin)
	}
	return nil
}

// ParseMultiaddrs parses address strings, naming the bad one on error.
func ParseMultiaddrs(ss []string) ([]ma.Multiaddr, error) {
	out := make([]ma.Multiaddr, 0, len(ss))
	for _, s := range ss {
		a, err := ma.NewMultiaddr(s)
		if err != nil {
			return nil, fmt.Errorf("parse multiaddr %q: %w", s, err)
		}
		out = append(out, a)
	}
	return out, nil
}
