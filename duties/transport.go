package duties

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/peer"

	"github.com/stingerdvt/stinger/p2p"
)

// ParSigProtocol is the partial-signature exchange protocol on the cluster's p2p network.
var ParSigProtocol = p2p.Protocol{Name: "parsig", Version: "1.0.0", MaxSize: MaxParSigPayload,
	Timeout: 5 * time.Second}

// P2PNode is what the exchange needs of p2p.Node.
type P2PNode interface {
	Broadcast(ctx context.Context, p p2p.Protocol, payload []byte) error
	HandleMessages(p p2p.Protocol, h p2p.MessageHandler) error
}

// p2pTransport is a ParSigTransport over the cluster's libp2p node.
type p2pTransport struct {
	node  P2PNode
	peers map[peer.ID]int
	mu    sync.Mutex
	fns   []func(context.Context, int, []byte)
}

// NewP2PTransport returns a ParSigTransport over node; peers are every operator's peer ID in operator
// order (the lock's order), which maps an authenticated sender to its operator index.
func NewP2PTransport(node P2PNode, peers []peer.ID) (ParSigTransport, error) {
	t := &p2pTransport{node: node, peers: make(map[peer.ID]int, len(peers))}
	for i, p := range peers {
		t.peers[p] = i
	}
	if err := node.HandleMessages(ParSigProtocol, t.handle); err != nil {
		return nil, fmt.Errorf("register partial signature protocol: %w", err)
	}
	return t, nil
}

func (t *p2pTransport) handle(ctx context.Context, msg p2p.Message) {
	from, ok := t.peers[msg.From]
	if !ok {
		return // the node's gater makes this unreachable
	}
	t.mu.Lock()
	fns := append([]func(context.Context, int, []byte){}, t.fns...)
	t.mu.Unlock()
	for _, fn := range fns {
		fn(ctx, from, msg.Payload)
	}
}

// Broadcast sends a batch of partial signatures to every peer. Reaching some of them is enough for the
// duty (each peer needs only t partials, whoever sends them), so a peer that is down is not the duty's
// failure (p2p counts its send errors per peer): the error is returned when no peer got the batch.
func (t *p2pTransport) Broadcast(ctx context.Context, payload []byte) error {
	err := t.node.Broadcast(ctx, ParSigProtocol, payload)
	var be *p2p.BroadcastError
	if errors.As(err, &be) && be.Delivered() {
		return nil
	}
	return err
}

func (t *p2pTransport) Receive(fn func(context.Context, int, []byte)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.fns = append(t.fns, fn)
}

// InmemParSigNetwork connects in-process ParSigTransports (tests and benchmarks). Delivery is
// asynchronous, one goroutine per message, like a network.
type InmemParSigNetwork struct {
	mu        sync.Mutex
	fns       [][]func(context.Context, int, []byte)
	connected []bool
	wg        sync.WaitGroup
}

// NewInmemParSigNetwork returns a network of n connected transports.
func NewInmemParSigNetwork(n int) *InmemParSigNetwork {
	c := make([]bool, n)
	for i := range c {
		c[i] = true
	}
	return &InmemParSigNetwork{fns: make([][]func(context.Context, int, []byte), n), connected: c}
}

// SetConnected connects or disconnects operator i (a disconnected one neither sends nor receives).
func (n *InmemParSigNetwork) SetConnected(i int, ok bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.connected[i] = ok
}

// Reset drops every receiver of operator i (a restarted operator registers new ones).
func (n *InmemParSigNetwork) Reset(i int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.fns[i] = nil
}

// Transport returns operator i's endpoint.
func (n *InmemParSigNetwork) Transport(i int) ParSigTransport { return &inmemParSig{net: n, self: i} }

// Wait waits for every delivery in flight.
func (n *InmemParSigNetwork) Wait() { n.wg.Wait() }

type inmemParSig struct {
	net  *InmemParSigNetwork
	self int
}

func (t *inmemParSig) Broadcast(ctx context.Context, payload []byte) error {
	n := t.net
	n.mu.Lock()
	defer n.mu.Unlock()
	if !n.connected[t.self] {
		return fmt.Errorf("operator %d disconnected", t.self)
	}
	for i, fns := range n.fns {
		if i == t.self || !n.connected[i] {
			continue
		}
		for _, fn := range fns {
			n.wg.Add(1)
			go func() {
				defer n.wg.Done()
				fn(context.WithoutCancel(ctx), t.self, append([]byte(nil), payload...))
			}()
		}
	}
	return nil
}

func (t *inmemParSig) Receive(fn func(context.Context, int, []byte)) {
	t.net.mu.Lock()
	defer t.net.mu.Unlock()
	t.net.fns[t.self] = append(t.net.fns[t.self], fn)
}
