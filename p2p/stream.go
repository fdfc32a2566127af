package p2p

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"go.uber.org/zap"
)

// Stream discipline: one exchange per stream. The sender writes one framed envelope and closes
// its write side. For a one-way message the receiver verifies it and closes the stream (the
// sender reads EOF: accepted) before running the handler. For a request the receiver runs the
// handler and writes one framed, signed response. Any error on either side resets the stream;
// other streams on the same connection are unaffected.

// streamHandler returns the libp2p stream handler of protocol p.
func (n *Node) streamHandler(p Protocol, h RequestHandler, respond bool) network.StreamHandler {
	return func(s network.Stream) {
		remote := s.Conn().RemotePeer()
		if err := s.SetDeadline(time.Now().Add(p.Timeout)); err != nil {
			_ = s.Reset()
			return
		}
		msg, size, release, err := n.readMessage(s, p, KindMessage)
		if err != nil {
			if !errors.Is(err, io.EOF) { // counted before the reset the sender observes
				n.metrics.dropped.WithLabelValues(n.label(remote), string(p.ID()), dropReason(err)).Inc()
				n.log.Debug("dropped inbound message", zap.String("peer", n.label(remote)),
					zap.String("protocol", string(p.ID())), zap.Error(err))
			}
			_ = s.Reset()
			return
		}
		defer release()
		n.countIn(remote, p, size)
		ctx, cancel := context.WithTimeout(n.ctx, p.Timeout)
		defer cancel()
		if !respond {
			_ = s.Close()
			_, _ = h(ctx, msg)
			return
		}
		resp, err := h(ctx, msg)
		if err != nil {
			n.metrics.peerErrors.WithLabelValues(n.label(remote), reasonHandler).Inc()
			n.log.Debug("request handler failed", zap.String("protocol", string(p.ID())), zap.Error(err))
			_ = s.Reset()
			return
		}
		if err := n.writeEnvelope(s, p, KindResponse, resp); err != nil {
			_ = s.Reset()
			n.metrics.peerErrors.WithLabelValues(n.label(remote), reasonStream).Inc()
			return
		}
		_ = s.Close()
	}
}

// readMessage reads and verifies one envelope of the wanted kind from s. release frees the
// memory reserved for it in the stream's resource scope.
func (n *Node) readMessage(s network.Stream, p Protocol, kind uint32) (Message, int, func(), error) {
	var reserved int
	release := func() { s.Scope().ReleaseMemory(reserved) }
	b, err := readFrame(s, p.frameLimit(), func(size int) error {
		if err := s.Scope().ReserveMemory(size, network.ReservationPriorityAlways); err != nil {
			return fmt.Errorf("%w: reserve %d bytes: %w", errResource, size, err)
		}
		reserved = size
		return nil
	})
	if err != nil {
		release()
		return Message{}, 0, nil, err
	}
	env, err := n.verify(b, p, kind)
	if err != nil {
		release()
		return Message{}, 0, nil, err
	}
	msg := Message{Protocol: p.ID(), From: env.Sender, Via: s.Conn().RemotePeer(), Payload: env.Payload, Envelope: env}
	return msg, len(b), release, nil
}

// verify decodes an envelope and applies every check a handler relies on.
func (n *Node) verify(b []byte, p Protocol, kind uint32) (*Envelope, error) {
	env, err := decodeEnvelope(b) // b is ours: the message aliases it
	if err != nil {
		return nil, err
	}
	switch {
	case len(env.Payload) > p.MaxSize:
		return nil, fmt.Errorf("%w: payload of %d bytes, limit %d", ErrOversize, len(env.Payload), p.MaxSize)
	case env.ProtocolID != p.ID():
		return nil, fmt.Errorf("%w: %q on %s", ErrWrongProtocol, env.ProtocolID, p.ID())
	case env.Kind != kind:
		return nil, fmt.Errorf("%w: got %d, want %d", ErrWrongKind, env.Kind, kind)
	case !bytes.Equal(env.LockHash, n.cfg.LockHash):
		return nil, fmt.Errorf("%w: %x", ErrWrongLockHash, env.LockHash)
	case !n.isMember(env.Sender):
		return nil, fmt.Errorf("%w: %s", ErrUnknownSender, env.Sender)
	}
	if err := env.Verify(); err != nil {
		return nil, err
	}
	return env, nil
}

func (n *Node) writeEnvelope(s network.Stream, p Protocol, kind uint32, payload []byte) error {
	if len(payload) > p.MaxSize {
		return fmt.Errorf("%w: payload of %d bytes, limit %d", ErrOversize, len(payload), p.MaxSize)
	}
	env, err := SignEnvelope(n.cfg.Key, p.ID(), kind, n.cfg.LockHash, payload)
	if err != nil {
		return err
	}
	if _, err := s.Write(env.marshalFramed()); err != nil {
		return fmt.Errorf("write frame: %w", err)
	}
	return nil
}

func (n *Node) countIn(from peer.ID, p Protocol, size int) {
	l := n.label(from)
	n.metrics.msgs.WithLabelValues(l, string(p.ID()), "in").Inc()
	n.metrics.bytes.WithLabelValues(l, string(p.ID()), "in").Add(float64(size))
	n.touch(from)
}

func (n *Node) countOut(to peer.ID, p Protocol, size int) {
	l := n.label(to)
	n.metrics.msgs.WithLabelValues(l, string(p.ID()), "out").Inc()
	n.metrics.bytes.WithLabelValues(l, string(p.ID()), "out").Add(float64(size))
}

// readFrame is ReadFrame with a hook that reserves memory for the body before it is allocated.
func readFrame(r io.Reader, maxSize int, reserve func(int) error) ([]byte, error) {
	var length uint64
	var one [1]byte
	for i := 0; ; i++ {
		if i == maxVarintLen {
			return nil, fmt.Errorf("%w: length prefix longer than %d bytes", ErrMalformed, maxVarintLen)
		}
		if _, err := io.ReadFull(r, one[:]); err != nil {
			if i == 0 && errors.Is(err, io.EOF) {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("read frame length: %w", err)
		}
		length |= uint64(one[0]&0x7f) << (7 * i)
		if one[0] < 0x80 {
			if one[0] == 0 && i > 0 {
				return nil, fmt.Errorf("%w: non-minimal length prefix", ErrMalformed)
			}
			break
		}
	}
	if length > uint64(maxSize) {
		return nil, fmt.Errorf("%w: frame of %d bytes, limit %d", ErrOversize, length, maxSize)
	}
	if reserve != nil {
		if err := reserve(int(length)); err != nil {
			return nil, err
		}
	}
	buf := make([]byte, length)
	if _, err := io.ReadFull(r, buf); err != nil {
		return nil, fmt.Errorf("read frame body of %d bytes: %w", length, err)
	}
	return buf, nil
}

// frame prefixes b with its varint length.
func frame(b []byte) []byte {
	out := make([]byte, 0, binary.MaxVarintLen64+len(b))
	out = binary.AppendUvarint(out, uint64(len(b)))
	return append(out, b...)
}
