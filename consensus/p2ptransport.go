package consensus

import (
	"context"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/stingerdvt/stinger/p2p"
)

// Protocol carries QBFT messages between the cluster's operators. A message
// holds its justifications (and, for a decided instance, the commit
// certificate), which with a proposed block as the value can reach a few
// hundred KiB; the cap is the p2p layer's.
var Protocol = p2p.Protocol{Name: "qbft", Version: "1.0.0", MaxSize: p2p.MaxPayloadSize, Timeout: 3 * time.Second}

// P2PNode is what the transport needs of p2p.Node.
type P2PNode interface {
	Broadcast(ctx context.Context, p p2p.Protocol, payload []byte) error
	HandleMessages(p p2p.Protocol, h p2p.MessageHandler) error
}

// P2PTransport is a Transport over the cluster's libp2p node. Broadcast
// returns at once and sends in the background (bounded), so that the
// runner's goroutine never waits on a slow or unreachable peer; QBFT's round
// changes recover lost messages. Received messages wait in a bounded queue;
// when it is full new ones are dropped.
type P2PTransport struct {
	node   P2PNode
	index  map[peer.ID]int
	ch     chan Inbound
	sends  chan struct{}
	ctx    context.Context
	cancel context.CancelFunc
}

// NewP2PTransport registers the QBFT protocol on node. peers are the
// operators in lock order: an authenticated sender's position is its
// process index. queue bounds the received messages waiting for the runner.
func NewP2PTransport(node P2PNode, peers []peer.ID, queue int) (*P2PTransport, error) {
	ctx, cancel := context.WithCancel(context.Background())
	t := &P2PTransport{node: node, index: make(map[peer.ID]int, len(peers)), ch: make(chan Inbound, queue),
		sends: make(chan struct{}, 256), ctx: ctx, cancel: cancel}
	for i, p := range peers {
		t.index[p] = i
	}
	if err := node.HandleMessages(Protocol, t.handle); err != nil {
		cancel()
		return nil, fmt.Errorf("register consensus protocol: %w", err)
	}
	return t, nil
}

func (t *P2PTransport) handle(_ context.Context, msg p2p.Message) {
	from, ok := t.index[msg.From]
	if !ok {
		return // the p2p gater admits only cluster operators
	}
	select {
	case t.ch <- Inbound{From: from, Data: msg.Payload}:
	default: // the runner is behind: drop, like a lossy network
	}
}

// Broadcast sends data to every other operator in the background. It
// returns an error only when too many broadcasts are already in flight.
func (t *P2PTransport) Broadcast(_ context.Context, data []byte) error {
	select {
	case t.sends <- struct{}{}:
	default:
		return fmt.Errorf("broadcast consensus message: %d sends in flight", cap(t.sends))
	}
	go func() {
		defer func() { <-t.sends }()
		ctx, cancel := context.WithTimeout(t.ctx, Protocol.Timeout)
		defer cancel()
		_ = t.node.Broadcast(ctx, Protocol, data) // per-peer failures are counted by p2p
	}()
	return nil
}

// Messages returns the received messages.
func (t *P2PTransport) Messages() <-chan Inbound { return t.ch }

// Close stops the background sends.
func (t *P2PTransport) Close() { t.cancel() }
