package p2p_test

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"google.golang.org/protobuf/encoding/protowire"

	"github.com/stingerdvt/stinger/p2p"
)

func validEnvelope(t testing.TB) *p2p.Envelope {
	t.Helper()
	env, err := p2p.SignEnvelope(testKey(t, 1), testProto.ID(), p2p.KindMessage, testLockHash, []byte("hello"))
	if err != nil {
		t.Fatal(err)
	}
	return env
}

func TestEnvelopeRoundTripIsCanonicalAndVerifies(t *testing.T) {
	env := validEnvelope(t)
	b := env.Marshal()
	got, err := p2p.DecodeEnvelope(b)
	if err != nil {
		t.Fatalf("decode: %v", err)
	}
	if err := got.Verify(); err != nil {
		t.Fatalf("verify: %v", err)
	}
	if !bytes.Equal(got.Marshal(), b) {
		t.Fatal("re-encoding differs from the original bytes")
	}
	if got.Sender != mustID(t, testKey(t, 1)) || string(got.Payload) != "hello" || got.ProtocolID != testProto.ID() {
		t.Fatalf("decoded fields differ: %+v", got)
	}
}

func TestEnvelopeVerifyRejectsEveryTamperedField(t *testing.T) {
	other := mustID(t, testKey(t, 2))
	tests := []struct {
		name   string
		tamper func(e *p2p.Envelope)
	}{
		{"payload", func(e *p2p.Envelope) { e.Payload = []byte("hellO") }},
		{"lock hash", func(e *p2p.Envelope) { e.LockHash = []byte("another cluster") }},
		{"protocol", func(e *p2p.Envelope) { e.ProtocolID = "/stinger/other/1.0.0" }},
		{"kind", func(e *p2p.Envelope) { e.Kind = p2p.KindResponse }},
		{"sender", func(e *p2p.Envelope) { e.Sender = other }},
		{"signature", func(e *p2p.Envelope) { e.Signature[len(e.Signature)-1] ^= 1 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := validEnvelope(t)
			tt.tamper(env)
			// Through the wire, as a receiver sees it.
			dec, err := p2p.DecodeEnvelope(env.Marshal())
			if err != nil {
				return // a tampered signature may no longer be DER: rejected either way
			}
			if err := dec.Verify(); !errors.Is(err, p2p.ErrBadSignature) {
				t.Fatalf("Verify() = %v, want ErrBadSignature", err)
			}
		})
	}
}

func TestDecodeEnvelopeRejectsNonCanonicalInput(t *testing.T) {
	good := validEnvelope(t).Marshal()
	env := validEnvelope(t)
	field := func(b []byte, num protowire.Number, v []byte) []byte {
		b = protowire.AppendTag(b, num, protowire.BytesType)
		return protowire.AppendBytes(b, v)
	}
	// hand-built encodings
	kind := func(b []byte, v uint64) []byte {
		b = protowire.AppendTag(b, 2, protowire.VarintType)
		return protowire.AppendVarint(b, v)
	}
	build := func(kindBytes func([]byte) []byte, lock, sender []byte) []byte {
		b := field(nil, 1, []byte(env.ProtocolID))
		b = kindBytes(b)
		b = field(b, 3, lock)
		b = field(b, 4, sender)
		b = field(b, 5, env.Payload)
		return field(b, 6, env.Signature)
	}
	okKind := func(b []byte) []byte { return kind(b, 1) }
	tests := []struct {
		name string
		in   []byte
	}{
		{"empty", nil},
		{"trailing byte", append(bytes.Clone(good), 0)},
		{"truncated", good[:len(good)-1]},
		{"unknown kind", build(func(b []byte) []byte { return kind(b, 7) }, env.LockHash, []byte(env.Sender))},
		{"non-minimal kind varint", build(func(b []byte) []byte {
			return append(protowire.AppendTag(b, 2, protowire.VarintType), 0x81, 0x00)
		}, env.LockHash, []byte(env.Sender))},
		{"empty lock hash", build(okKind, nil, []byte(env.Sender))},
		{"oversized lock hash", build(okKind, bytes.Repeat([]byte{1}, 65), []byte(env.Sender))},
		{"sender not a peer ID", build(okKind, env.LockHash, []byte("nobody"))},
		{"fields out of order", append(field(nil, 3, env.LockHash), good...)},
		{"kind missing", func() []byte {
			b := field(nil, 1, []byte(env.ProtocolID))
			b = field(b, 3, env.LockHash)
			return b
		}()},
		{"length past end", append(protowire.AppendTag(nil, 1, protowire.BytesType), 0x7f, '/')},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := p2p.DecodeEnvelope(tt.in); !errors.Is(err, p2p.ErrMalformed) {
				t.Fatalf("DecodeEnvelope() error = %v, want ErrMalformed", err)
			}
		})
	}
}

func TestReadFrameEnforcesLimitBeforeReadingBody(t *testing.T) {
	tests := []struct {
		name    string
		in      []byte
		max     int
		wantErr error
	}{
		{"fits", append([]byte{3}, "abc"...), 3, nil},
		{"over limit", append([]byte{4}, "abcd"...), 3, p2p.ErrOversize},
		{"huge declared length, no body", []byte{0xff, 0xff, 0xff, 0xff, 0x0f}, 1 << 20, p2p.ErrOversize},
		{"length prefix too long", []byte{0x80, 0x80, 0x80, 0x80, 0x80, 0x01}, 1 << 20, p2p.ErrMalformed},
		{"non-minimal length prefix", []byte{0x83, 0x00, 'a', 'b', 'c'}, 10, p2p.ErrMalformed},
		{"empty stream", nil, 10, io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := p2p.ReadFrame(bytes.NewReader(tt.in), tt.max)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("ReadFrame() error = %v, want %v", err, tt.wantErr)
			}
		})
	}
}

// FuzzDecodeEnvelope checks the decoder never panics and accepts only canonical encodings:
// whatever it accepts re-encodes to exactly the input.
func FuzzDecodeEnvelope(f *testing.F) {
	f.Add(validEnvelope(f).Marshal())
	f.Add([]byte{})
	f.Add([]byte{0x0a, 0x00})
	f.Fuzz(func(t *testing.T, b []byte) {
		env, err := p2p.DecodeEnvelope(b)
		if err != nil {
			if !errors.Is(err, p2p.ErrMalformed) {
				t.Fatalf("error %v does not wrap ErrMalformed", err)
			}
			return
		}
		if !bytes.Equal(env.Marshal(), b) {
			t.Fatalf("accepted a non-canonical encoding %x", b)
		}
		_ = env.Verify() // must not panic on any accepted input
	})
}
