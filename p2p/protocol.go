package p2p

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// Sentinel errors for messages that are dropped before any handler sees them.
var (
	// ErrWrongLockHash: the envelope names another cluster.
	ErrWrongLockHash = errors.New("envelope lock hash does not match this cluster")
	// ErrUnknownSender: the signer is not an operator of this cluster (or a response was not
	// signed by the peer that was asked).
	ErrUnknownSender = errors.New("envelope sender is not the expected cluster operator")
	// ErrWrongProtocol: the envelope was signed for another protocol than the stream's.
	ErrWrongProtocol = errors.New("envelope protocol does not match the stream protocol")
	// ErrWrongKind: a response arrived where a request was expected, or the reverse.
	ErrWrongKind = errors.New("envelope kind is not the expected one")
	// ErrNotClusterPeer: a send named a peer that is not another operator of the cluster.
	ErrNotClusterPeer = errors.New("not a cluster peer")
	// ErrNotConnected: a send found no connection to the peer. Sends never dial: the peer's connect
	// loop does, so a peer whose packets vanish costs a send nothing instead of a dial timeout.
	ErrNotConnected = errors.New("peer not connected")
	// ErrPeerBusy: Config.MaxStreamsPerPeer sends to the peer are already in flight (it is slow or its
	// connection is dead but not yet detected); the send is refused at once so the others proceed.
	ErrPeerBusy = errors.New("too many sends in flight to the peer")
	// errResource: the resource manager refused memory for the message.
	errResource = errors.New("resource limit")
)

// MaxPayloadSize is the largest MaxSize a protocol may declare: a message is held in memory
// and reserved in its stream's resource scope (16 MiB by default), so bigger data must be chunked.
const MaxPayloadSize = 8 << 20

// Protocol describes one stinger protocol: its versioned ID /stinger/<Name>/<Version>, the
// largest payload it accepts, and the deadline for a whole exchange on one stream.
type Protocol struct {
	// Name is the protocol's name, e.g. "qbft"; no slashes.
	Name string
	// Version is a semantic version, e.g. "1.0.0"; a change in the wire format needs a new version.
	Version string
	// MaxSize is the largest payload in bytes, for requests and responses alike.
	MaxSize int
	// Timeout bounds an exchange (write, read, and for requests the handler and response).
	Timeout time.Duration
}

// ID returns the libp2p protocol ID /stinger/<name>/<version>.
func (p Protocol) ID() protocol.ID {
	return protocol.ID("/stinger/" + p.Name + "/" + p.Version)
}

// Validate checks the protocol description.
func (p Protocol) Validate() error {
	switch {
	case p.Name == "" || strings.ContainsAny(p.Name, "/ \n"):
		return fmt.Errorf("protocol name %q must be non-empty without slashes or spaces", p.Name)
	case p.Version == "" || strings.ContainsAny(p.Version, "/ \n"):
		return fmt.Errorf("protocol %s version %q must be non-empty without slashes or spaces", p.Name, p.Version)
	case p.MaxSize <= 0 || p.MaxSize > MaxPayloadSize:
		return fmt.Errorf("protocol %s MaxSize %d must be in 1..%d", p.Name, p.MaxSize, MaxPayloadSize)
	case p.Timeout <= 0:
		return fmt.Errorf("protocol %s Timeout %s must be > 0", p.Name, p.Timeout)
	}
	return nil
}

// frameLimit is the largest frame the protocol can carry.
func (p Protocol) frameLimit() int { return p.MaxSize + envelopeOverhead }

// Message is a verified inbound message.
type Message struct {
	// Protocol is the protocol the message was sent on.
	Protocol protocol.ID
	// From is the operator who signed the message.
	From peer.ID
	// Via is the peer that delivered it; it differs from From when the message was forwarded.
	Via peer.ID
	// Payload is the protocol's message.
	Payload []byte
	// Envelope is the signed envelope, kept for forwarding or as evidence.
	Envelope *Envelope
}

// MessageHandler handles a verified one-way message. It runs on the stream's goroutine after the
// stream is closed; ctx ends after the protocol's Timeout or when the node closes.
type MessageHandler func(ctx context.Context, msg Message)

// RequestHandler handles a verified request and returns the response payload. An error resets
// the stream, which the requester sees as an error.
type RequestHandler func(ctx context.Context, msg Message) ([]byte, error)

// HandleMessages registers a handler for one-way messages on p.
func (n *Node) HandleMessages(p Protocol, h MessageHandler) error {
	if h == nil {
		return fmt.Errorf("register %s: nil handler", p.ID())
	}
	return n.register(p, func(ctx context.Context, msg Message) ([]byte, error) {
		h(ctx, msg)
		return nil, nil
	}, false)
}

// HandleRequests registers a handler for request/response exchanges on p.
func (n *Node) HandleRequests(p Protocol, h RequestHandler) error {
	if h == nil {
		return fmt.Errorf("register %s: nil handler", p.ID())
	}
	return n.register(p, h, true)
}

func (n *Node) register(p Protocol, h RequestHandler, respond bool) error {
	if err := p.Validate(); err != nil {
		return fmt.Errorf("register protocol: %w", err)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.handlers[p.ID()] {
		return fmt.Errorf("register protocol %s: already registered", p.ID())
	}
	n.handlers[p.ID()] = true
	n.host.SetStreamHandler(p.ID(), n.streamHandler(p, h, respond))
	return nil
}

// isMember reports whether p is an operator of the cluster, this node included.
func (n *Node) isMember(p peer.ID) bool {
	_, ok := n.names[p]
	return ok
}
