package p2p_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/p2p"
)

// rawSend writes b on a fresh stream from c.nodes[from] to c.nodes[to], closes the write side and
// returns the receiver's verdict: nil if it closed the stream cleanly, an error if it reset it.
func rawSend(t *testing.T, c *testCluster, from, to int, b []byte) error {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	s, err := c.nodes[from].Host().NewStream(ctx, c.nodes[to].ID(), testProto.ID())
	if err != nil {
		t.Fatalf("open stream: %v", err)
	}
	defer func() { _ = s.Close() }()
	_ = s.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := s.Write(b); err != nil {
		return err
	}
	if err := s.CloseWrite(); err != nil {
		return err
	}
	var one [1]byte
	if _, err := s.Read(one[:]); !errors.Is(err, io.EOF) {
		return err
	}
	return nil
}

func framed(b []byte) []byte {
	var buf bytes.Buffer
	_ = p2p.WriteFrame(&buf, b)
	return buf.Bytes()
}

func TestHandlerNeverSeesForeignForgedOrMisdirectedMessages(t *testing.T) {
	c := newCluster(t, 3)
	rec := newRecorder()
	if err := c.nodes[0].HandleMessages(testProto, rec.handle); err != nil {
		t.Fatal(err)
	}
	sign := func(seed byte, pid string, kind uint32, lock []byte) *p2p.Envelope {
		env, err := p2p.SignEnvelope(testKey(t, seed), testProto.ID(), kind, lock, []byte("payload"))
		if err != nil {
			t.Fatal(err)
		}
		if pid != "" {
			if env, err = p2p.SignEnvelope(testKey(t, seed), "/stinger/other/1.0.0", kind, lock, []byte("payload")); err != nil {
				t.Fatal(err)
			}
		}
		return env
	}
	forged := sign(2, "", p2p.KindMessage, testLockHash) // signed by op1 (seed 2) ...
	forged.Sender = c.nodes[2].ID()                      // ... claiming to be op2
	tests := []struct {
		name   string
		env    *p2p.Envelope
		reason string // "" = valid
	}{
		{"other cluster's lock hash", sign(2, "", p2p.KindMessage, []byte("another cluster lock hash")), "wrong_lock_hash"},
		{"forged signature", forged, "bad_signature"},
		{"signed by a non-operator", sign(99, "", p2p.KindMessage, testLockHash), "unknown_sender"},
		{"signed for another protocol", sign(2, "other", p2p.KindMessage, testLockHash), "wrong_protocol"},
		{"response replayed as message", sign(2, "", p2p.KindResponse, testLockHash), "wrong_kind"},
		{"valid control", sign(2, "", p2p.KindMessage, testLockHash), ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			labels := map[string]string{"peer": "op1", "reason": tt.reason}
			before, delivered := metricValue(t, c.regs[0], "stinger_p2p_dropped_messages_total", labels), rec.count()
			err := rawSend(t, c, 1, 0, framed(tt.env.Marshal()))
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("valid message rejected: %v", err)
				}
				if msg := <-rec.ch; msg.From != c.nodes[1].ID() {
					t.Fatalf("delivered from %s", msg.From)
				}
				return
			}
			if err == nil {
				t.Fatal("stream closed cleanly, want reset")
			}
			if got := metricValue(t, c.regs[0], "stinger_p2p_dropped_messages_total", labels); got != before+1 {
				t.Fatalf("dropped{reason=%s} = %v, want %v", tt.reason, got, before+1)
			}
			if rec.count() != delivered {
				t.Fatal("handler saw a dropped message")
			}
		})
	}
}

func TestOversizeAndMalformedMessagesResetOnlyTheirStream(t *testing.T) {
	c := newCluster(t, 2)
	rec := newRecorder()
	if err := c.nodes[0].HandleMessages(testProto, rec.handle); err != nil {
		t.Fatal(err)
	}
	valid, err := p2p.SignEnvelope(c.keys[1], testProto.ID(), p2p.KindMessage, testLockHash, []byte("survivor"))
	if err != nil {
		t.Fatal(err)
	}
	big, err := p2p.SignEnvelope(c.keys[1], testProto.ID(), p2p.KindMessage, testLockHash, make([]byte, testProto.MaxSize+1))
	if err != nil {
		t.Fatal(err)
	}
	// Start a valid exchange and leave it half-written while bad streams are reset beside it.
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	inflight, err := c.nodes[1].Host().NewStream(ctx, c.nodes[0].ID(), testProto.ID())
	if err != nil {
		t.Fatal(err)
	}
	good := framed(valid.Marshal())
	if _, err := inflight.Write(good[:10]); err != nil {
		t.Fatal(err)
	}
	conn := inflight.Conn()

	tests := []struct {
		name   string
		in     []byte
		reason string
	}{
		{"declared length over limit", []byte{0xff, 0xff, 0xff, 0x7f}, "oversize"},
		{"payload over limit", framed(big.Marshal()), "oversize"},
		{"garbage envelope", framed([]byte("definitely not an envelope")), "malformed"},
		{"overlong length prefix", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x80}, "malformed"},
		{"truncated frame", good[:len(good)-1], "stream_error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			labels := map[string]string{"reason": tt.reason}
			before := metricValue(t, c.regs[0], "stinger_p2p_dropped_messages_total", labels)
			if err := rawSend(t, c, 1, 0, tt.in); err == nil {
				t.Fatal("stream closed cleanly, want reset")
			}
			eventually(t, 2*time.Second, func() error {
				if got := metricValue(t, c.regs[0], "stinger_p2p_dropped_messages_total", labels); got != before+1 {
					return errors.New("drop not counted")
				}
				return nil
			})
		})
	}
	if _, err := inflight.Write(good[10:]); err != nil {
		t.Fatalf("in-flight stream broken: %v", err)
	}
	_ = inflight.CloseWrite()
	var one [1]byte
	if _, err := inflight.Read(one[:]); !errors.Is(err, io.EOF) {
		t.Fatalf("in-flight stream not accepted: %v", err)
	}
	if msg := <-rec.ch; string(msg.Payload) != "survivor" || rec.count() != 1 {
		t.Fatalf("handler got %q (%d messages)", msg.Payload, rec.count())
	}
	conns := c.nodes[1].Host().Network().ConnsToPeer(c.nodes[0].ID())
	if len(conns) != 1 || conns[0].ID() != conn.ID() || conn.IsClosed() {
		t.Fatalf("connection did not survive: %d conns", len(conns))
	}
	if err := c.nodes[1].Send(ctx, testProto, c.nodes[0].ID(), []byte("after")); err != nil {
		t.Fatalf("send after bad streams: %v", err)
	}
}
