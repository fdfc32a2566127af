package p2p

import (
	"errors"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/protocol/circuitv2/relay"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	libp2ptls "github.com/libp2p/go-libp2p/p2p/security/tls"
	quic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	ma "github.com/multiformats/go-multiaddr"
	"github.com/prometheus/client_golang/prometheus"
)

// RelayConfig configures a circuit relay v2 server (`stinger relay`).
type RelayConfig struct {
	// Key is the relay's identity key (any libp2p key type; stinger uses secp256k1).
	Key crypto.PrivKey
	// ListenAddrs are the addresses to listen on; required.
	ListenAddrs []ma.Multiaddr
	// ExternalAddrs, if set, replace the listen addresses in what the relay advertises.
	ExternalAddrs []ma.Multiaddr
	// AllowedPeers, if non-empty, restricts reservations and relayed connections to these peers
	// (e.g. the operators of the clusters this relay serves); empty serves any peer.
	AllowedPeers []peer.ID

	// MaxReservations bounds concurrent reservations.
	MaxReservations int
	// MaxCircuits bounds open relayed connections per peer.
	MaxCircuits int
	// MaxReservationsPerIP bounds reservations from one IP address.
	MaxReservationsPerIP int
	// ReservationTTL is how long a reservation lasts unless renewed.
	ReservationTTL time.Duration
	// CircuitDuration and CircuitData bound one relayed connection (time, and bytes each way);
	// both zero means unlimited circuits.
	CircuitDuration time.Duration
	CircuitData     int64

	// Registerer receives the relay service's metrics; nil means none.
	Registerer prometheus.Registerer
}

// DefaultRelayConfig returns limits suited to relaying a few clusters' operator traffic.
func DefaultRelayConfig() RelayConfig {
	return RelayConfig{
		MaxReservations:      512,
		MaxCircuits:          32,
		MaxReservationsPerIP: 32,
		ReservationTTL:       time.Hour,
		CircuitDuration:      time.Hour,
		CircuitData:          256 << 20,
	}
}

// Validate checks the relay configuration.
func (c *RelayConfig) Validate() error {
	switch {
	case c.Key == nil:
		return errors.New("relay config: Key is required")
	case len(c.ListenAddrs) == 0:
		return errors.New("relay config: ListenAddrs is empty, want at least one address")
	case c.MaxReservations <= 0 || c.MaxCircuits <= 0 || c.MaxReservationsPerIP <= 0:
		return fmt.Errorf("relay config: MaxReservations %d, MaxCircuits %d and MaxReservationsPerIP %d must be > 0",
			c.MaxReservations, c.MaxCircuits, c.MaxReservationsPerIP)
	case c.ReservationTTL <= 0:
		return fmt.Errorf("relay config: ReservationTTL %s must be > 0", c.ReservationTTL)
	case c.CircuitDuration < 0 || c.CircuitData < 0 || (c.CircuitDuration == 0) != (c.CircuitData == 0):
		return fmt.Errorf("relay config: CircuitDuration %s and CircuitData %d must both be > 0 (limited) or both 0 (unlimited)",
			c.CircuitDuration, c.CircuitData)
	}
	return nil
}

// Relay is a running circuit relay v2 server.
type Relay struct {
	host    host.Host
	service *relay.Relay
}

// NewRelay starts a circuit relay v2 server (go-libp2p's relay service) with the configured limits.
func NewRelay(cfg RelayConfig) (*Relay, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	opts := []libp2p.Option{
		libp2p.Identity(cfg.Key),
		libp2p.ListenAddrs(cfg.ListenAddrs...),
		libp2p.Transport(tcp.NewTCPTransport),
		libp2p.Transport(quic.NewTransport),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Security(libp2ptls.ID, libp2ptls.New),
		libp2p.Muxer(yamux.ID, yamux.DefaultTransport),
		libp2p.DisableMetrics(),
		libp2p.DisableRelay(), // the relay service does not need the client transport
		libp2p.UserAgent("stinger-relay"),
	}
	if ext := cfg.ExternalAddrs; len(ext) > 0 {
		opts = append(opts, libp2p.AddrsFactory(func([]ma.Multiaddr) []ma.Multiaddr { return ext }))
	}
	h, err := libp2p.New(opts...)
	if err != nil {
		return nil, fmt.Errorf("create relay host: %w", err)
	}
	res := relay.DefaultResources()
	res.MaxReservations = cfg.MaxReservations
	res.MaxCircuits = cfg.MaxCircuits
	res.MaxReservationsPerIP = cfg.MaxReservationsPerIP
	res.ReservationTTL = cfg.ReservationTTL
	res.Limit = nil
	if cfg.CircuitDuration > 0 {
		res.Limit = &relay.RelayLimit{Duration: cfg.CircuitDuration, Data: cfg.CircuitData}
	}
	ropts := []relay.Option{relay.WithResources(res)}
	if len(cfg.AllowedPeers) > 0 {
		ropts = append(ropts, relay.WithACL(newRelayACL(cfg.AllowedPeers)))
	}
	if cfg.Registerer != nil {
		ropts = append(ropts, relay.WithMetricsTracer(relay.NewMetricsTracer(relay.WithRegisterer(cfg.Registerer))))
	}
	svc, err := relay.New(h, ropts...)
	if err != nil {
		_ = h.Close()
		return nil, fmt.Errorf("start relay service: %w", err)
	}
	return &Relay{host: h, service: svc}, nil
}

// ID returns the relay's peer ID.
func (r *Relay) ID() peer.ID { return r.host.ID() }

// Addrs returns the relay's addresses, each ending in /p2p/<id>, for operators' Relays config.
func (r *Relay) Addrs() []ma.Multiaddr {
	ai := peer.AddrInfo{ID: r.host.ID(), Addrs: r.host.Addrs()}
	out, _ := peer.AddrInfoToP2pAddrs(&ai)
	return out
}

// Close stops the relay service and its host.
func (r *Relay) Close() error {
	err := r.service.Close()
	if herr := r.host.Close(); herr != nil {
		err = errors.Join(err, herr)
	}
	if err != nil {
		return fmt.Errorf("close relay: %w", err)
	}
	return nil
}

// relayACL admits reservations and circuits only among allowed peers.
type relayACL struct{ allowed map[peer.ID]bool }

func newRelayACL(ids []peer.ID) *relayACL {
	m := make(map[peer.ID]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	return &relayACL{allowed: m}
}

// AllowReserve allows reservations by allowed peers.
func (a *relayACL) AllowReserve(p peer.ID, _ ma.Multiaddr) bool { return a.allowed[p] }

// AllowConnect allows circuits between allowed peers.
func (a *relayACL) AllowConnect(src peer.ID, _ ma.Multiaddr, dest peer.ID) bool {
	return a.allowed[src] && a.allowed[dest]
}
