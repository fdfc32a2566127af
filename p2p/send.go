package p2p

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// Send signs payload and delivers it as a one-way message to a cluster peer. It returns once the
// peer has verified and accepted the message (not after its handler ran).
func (n *Node) Send(ctx context.Context, p Protocol, to peer.ID, payload []byte) error {
	framed, err := n.sign(p, payload)
	if err != nil {
		return err
	}
	_, err = n.exchange(ctx, p, to, framed, false)
	return err
}

// Forward delivers an already signed envelope (typically Message.Envelope of a received message)
// to a cluster peer, which attributes it to the original signer.
func (n *Node) Forward(ctx context.Context, p Protocol, to peer.ID, env *Envelope) error {
	if env.ProtocolID != p.ID() {
		return fmt.Errorf("forward: %w: %q on %s", ErrWrongProtocol, env.ProtocolID, p.ID())
	}
	_, err := n.exchange(ctx, p, to, env.marshalFramed(), false)
	return err
}

// Request signs payload, sends it to a cluster peer and returns its verified response.
func (n *Node) Request(ctx context.Context, p Protocol, to peer.ID, payload []byte) (Message, error) {
	framed, err := n.sign(p, payload)
	if err != nil {
		return Message{}, err
	}
	return n.exchange(ctx, p, to, framed, true)
}

// Broadcast signs payload once and sends it as a one-way message to every other cluster peer in
// parallel. It returns nil if all accepted it, else an error joining each failure.
func (n *Node) Broadcast(ctx context.Context, p Protocol, payload []byte) error {
	framed, err := n.sign(p, payload)
	if err != nil {
		return err
	}
	errs := make([]error, len(n.others))
	var wg sync.WaitGroup
	for i, to := range n.others {
		wg.Go(func() {
			_, errs[i] = n.exchange(ctx, p, to, framed, false)
		})
	}
	wg.Wait()
	be := &BroadcastError{Protocol: p.ID(), Peers: len(n.others)}
	for _, err := range errs {
		if err != nil {
			be.Errs = append(be.Errs, err)
		}
	}
	if len(be.Errs) > 0 {
		return be
	}
	return nil
}

// BroadcastError is a broadcast that did not reach every peer: Errs holds one error per peer it missed
// (errors.Is and errors.As see through to them).
type BroadcastError struct {
	Protocol protocol.ID
	Peers    int
	Errs     []error
}

func (e *BroadcastError) Error() string {
	return fmt.Sprintf("broadcast %s: %d of %d peers missed: %v", e.Protocol, len(e.Errs), e.Peers, errors.Join(e.Errs...))
}

func (e *BroadcastError) Unwrap() []error { return e.Errs }

// Delivered reports whether at least one peer received the message.
func (e *BroadcastError) Delivered() bool { return len(e.Errs) < e.Peers }

func (n *Node) sign(p Protocol, payload []byte) ([]byte, error) {
	if err := p.Validate(); err != nil {
		return nil, err
	}
	if len(payload) > p.MaxSize {
		return nil, fmt.Errorf("send %s: %w: payload of %d bytes, limit %d", p.ID(), ErrOversize, len(payload), p.MaxSize)
	}
	env, err := SignEnvelope(n.cfg.Key, p.ID(), KindMessage, n.cfg.LockHash, payload)
	if err != nil {
		return nil, err
	}
	return env.marshalFramed(), nil
}

// exchange runs the sender's side of one stream: write the framed envelope, then either wait for
// the receiver to close (one-way) or read and verify its response. Any error resets the stream.
func (n *Node) exchange(ctx context.Context, p Protocol, to peer.ID, framed []byte, request bool) (msg Message, err error) {
	slots, ok := n.inflight[to]
	if !ok {
		return Message{}, fmt.Errorf("send %s to %s: %w", p.ID(), to, ErrNotClusterPeer)
	}
	defer func() {
		if err != nil {
			n.metrics.peerErrors.WithLabelValues(n.label(to), reasonStream).Inc()
			err = fmt.Errorf("send %s to %s: %w", p.ID(), n.label(to), err)
		}
	}()
	if !n.connected(to) {
		n.nudge(to)
		return Message{}, ErrNotConnected
	}
	select {
	case slots <- struct{}{}:
		defer func() { <-slots }()
	default:
		return Message{}, ErrPeerBusy
	}
	ctx, cancel := context.WithTimeout(ctx, p.Timeout)
	defer cancel()
	s, err := n.host.NewStream(network.WithNoDial(network.WithAllowLimitedConn(ctx, "stinger"), "stinger: the connect loop dials"), to, p.ID())
	if err != nil {
		return Message{}, fmt.Errorf("open stream: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { _ = s.Reset() })
	defer stop()
	deadline, _ := ctx.Deadline()
	if err := s.SetDeadline(deadline); err != nil {
		_ = s.Reset()
		return Message{}, fmt.Errorf("set deadline: %w", err)
	}
	if _, err := s.Write(framed); err != nil {
		_ = s.Reset()
		return Message{}, fmt.Errorf("write: %w", err)
	}
	if err := s.CloseWrite(); err != nil {
		_ = s.Reset()
		return Message{}, fmt.Errorf("close write: %w", err)
	}
	n.countOut(to, p, len(framed))
	if !request {
		return Message{}, awaitClose(s)
	}
	msg, size, release, err := n.readMessage(s, p, KindResponse)
	if err != nil {
		_ = s.Reset()
		return Message{}, fmt.Errorf("read response: %w", err)
	}
	release()
	if msg.From != to {
		_ = s.Reset()
		return Message{}, fmt.Errorf("read response: %w: signed by %s", ErrUnknownSender, msg.From)
	}
	n.countIn(to, p, size)
	_ = s.Close()
	return msg, nil
}

// awaitClose waits for the receiver to close the stream, its acceptance of a one-way message.
func awaitClose(s network.Stream) error {
	var b [1]byte
	nr, err := s.Read(b[:])
	switch {
	case errors.Is(err, io.EOF) && nr == 0:
		_ = s.Close()
		return nil
	case err == nil || nr > 0:
		_ = s.Reset()
		return errors.New("unexpected data after one-way message")
	default:
		_ = s.Reset()
		return fmt.Errorf("peer rejected message: %w", err)
	}
}
