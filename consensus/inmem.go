package consensus

import (
	"context"
	"errors"
	"sync"
)

// InmemNetwork connects in-process transports (tests, benchmarks), in the
// style of hashicorp/raft's InmemTransport. Delivery is immediate; a full
// receive queue drops the message, like a lossy network. Processes can be
// disconnected and reconnected to model crashes and partitions.
type InmemNetwork struct {
	mu           sync.RWMutex
	transports   []*InmemTransport
	disconnected []bool
	sent         int64
}

// InmemTransport is one process's endpoint on an InmemNetwork.
type InmemTransport struct {
	net  *InmemNetwork
	self int
	ch   chan Inbound
}

// DefaultInmemQueue is the receive queue length of each in-memory transport.
const DefaultInmemQueue = 1 << 14

// NewInmemNetwork returns a network of n transports.
func NewInmemNetwork(n int) *InmemNetwork {
	net := &InmemNetwork{disconnected: make([]bool, n)}
	for i := 0; i < n; i++ {
		net.transports = append(net.transports, &InmemTransport{net: net, self: i, ch: make(chan Inbound, DefaultInmemQueue)})
	}
	return net
}

// Transport returns process i's transport.
func (n *InmemNetwork) Transport(i int) *InmemTransport { return n.transports[i] }

// SetConnected connects or disconnects process i: a disconnected process
// neither sends nor receives.
func (n *InmemNetwork) SetConnected(i int, connected bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	n.disconnected[i] = !connected
}

// Sent returns the number of point-to-point messages delivered so far.
func (n *InmemNetwork) Sent() int64 {
	n.mu.RLock()
	defer n.mu.RUnlock()
	return n.sent
}

var errDisconnected = errors.New("inmem transport: disconnected")

// Broadcast delivers data to every other connected process.
func (t *InmemTransport) Broadcast(_ context.Context, data []byte) error {
	n := t.net
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.disconnected[t.self] {
		return errDisconnected
	}
	for i, peer := range n.transports {
		if i == t.self || n.disconnected[i] {
			continue
		}
		select {
		case peer.ch <- Inbound{From: t.self, Data: data}:
			n.sent++
		default: // queue full: dropped
		}
	}
	return nil
}

// Messages returns the receive channel.
func (t *InmemTransport) Messages() <-chan Inbound { return t.ch }
