package p2p

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
	"google.golang.org/protobuf/encoding/protowire"
)

// Envelope wire format (protocol buffers wire format, canonical form; see envelope.proto):
//
//	1 protocol_id string   the /stinger/<name>/<version> the message is for
//	2 kind        uint32   KindMessage or KindResponse
//	3 lock_hash   bytes    the cluster lock hash of the sender's cluster
//	4 sender      bytes    the original signer's libp2p peer ID (binary form)
//	5 payload     bytes    the protocol's message
//	6 signature   bytes    secp256k1 signature (libp2p: ECDSA over SHA-256, DER) by sender
//
// Every field is always present, exactly once, in field-number order, with minimal varints and
// no unknown fields or trailing bytes. A standard protobuf decoder reads our envelopes; our
// decoder accepts only this canonical form, so one message has exactly one encoding.
//
// The signature covers signingDomain followed by SHA-256 of the canonical encoding of fields
// 1..5 (hashing streams the payload, so no copy of a large payload is made to sign or verify).

// Envelope kinds.
const (
	// KindMessage is a one-way message or the request of a request/response exchange.
	KindMessage uint32 = 1
	// KindResponse is the response of a request/response exchange; it can never be accepted as a request.
	KindResponse uint32 = 2
)

// Field bounds enforced by DecodeEnvelope.
const (
	maxProtocolIDLen = 128
	maxLockHashLen   = 64
	maxSenderLen     = 64
	maxSignatureLen  = 80
	// envelopeOverhead bounds the bytes an envelope adds to its payload (tags, lengths, fields above).
	envelopeOverhead = 512
)

// signingDomain separates envelope signatures from anything else an operator key signs.
const signingDomain = "stinger/p2p/envelope/v1\x00"

// ErrMalformed is wrapped by every DecodeEnvelope error: the bytes are not a canonical envelope.
var ErrMalformed = errors.New("malformed envelope")

// ErrBadSignature is returned by Envelope.Verify when the signature does not verify against the sender's key.
var ErrBadSignature = errors.New("bad envelope signature")

// Envelope is a signed, attributable message.
type Envelope struct {
	ProtocolID protocol.ID
	Kind       uint32
	LockHash   []byte
	Sender     peer.ID
	Payload    []byte
	Signature  []byte
}

// SignEnvelope builds an envelope of the given kind for payload and signs it with key,
// whose peer ID becomes the envelope's sender.
func SignEnvelope(key crypto.PrivKey, pid protocol.ID, kind uint32, lockHash, payload []byte) (*Envelope, error) {
	sender, err := peer.IDFromPrivateKey(key)
	if err != nil {
		return nil, fmt.Errorf("derive sender peer ID: %w", err)
	}
	env := &Envelope{ProtocolID: pid, Kind: kind, LockHash: lockHash, Sender: sender, Payload: payload}
	sig, err := key.Sign(env.signingBytes())
	if err != nil {
		return nil, fmt.Errorf("sign envelope: %w", err)
	}
	env.Signature = sig
	return env, nil
}

// Verify checks the signature against the public key embedded in the sender's peer ID.
func (e *Envelope) Verify() error {
	pub, err := e.Sender.ExtractPublicKey()
	if err != nil {
		return fmt.Errorf("extract sender public key: %w", err)
	}
	ok, err := pub.Verify(e.signingBytes(), e.Signature)
	if err != nil || !ok {
		return ErrBadSignature
	}
	return nil
}

// signingBytes is what the sender signs: the domain and the digest of fields 1..5.
func (e *Envelope) signingBytes() []byte {
	h := sha256.New()
	var hdr [2*maxProtocolIDLen + maxLockHashLen + maxSenderLen]byte
	h.Write(e.appendHeader(hdr[:0]))
	h.Write(e.Payload)
	return h.Sum([]byte(signingDomain))
}

func (e *Envelope) unsignedSize() int {
	return protowire.SizeTag(1) + protowire.SizeBytes(len(e.ProtocolID)) +
		protowire.SizeTag(2) + protowire.SizeVarint(uint64(e.Kind)) +
		protowire.SizeTag(3) + protowire.SizeBytes(len(e.LockHash)) +
		protowire.SizeTag(4) + protowire.SizeBytes(len(e.Sender)) +
		protowire.SizeTag(5) + protowire.SizeBytes(len(e.Payload))
}

// appendHeader appends fields 1..4 and the tag and length of field 5 (everything before the payload).
func (e *Envelope) appendHeader(b []byte) []byte {
	b = protowire.AppendTag(b, 1, protowire.BytesType)
	b = protowire.AppendString(b, string(e.ProtocolID))
	b = protowire.AppendTag(b, 2, protowire.VarintType)
	b = protowire.AppendVarint(b, uint64(e.Kind))
	b = protowire.AppendTag(b, 3, protowire.BytesType)
	b = protowire.AppendBytes(b, e.LockHash)
	b = protowire.AppendTag(b, 4, protowire.BytesType)
	b = protowire.AppendBytes(b, []byte(e.Sender))
	b = protowire.AppendTag(b, 5, protowire.BytesType)
	return protowire.AppendVarint(b, uint64(len(e.Payload)))
}

func (e *Envelope) size() int {
	return e.unsignedSize() + protowire.SizeTag(6) + protowire.SizeBytes(len(e.Signature))
}

func (e *Envelope) appendTo(b []byte) []byte {
	b = e.appendHeader(b)
	b = append(b, e.Payload...)
	b = protowire.AppendTag(b, 6, protowire.BytesType)
	return protowire.AppendBytes(b, e.Signature)
}

// Marshal returns the canonical encoding of the envelope.
func (e *Envelope) Marshal() []byte {
	return e.appendTo(make([]byte, 0, e.size()))
}

// marshalFramed returns the varint-length-prefixed encoding, in one allocation.
func (e *Envelope) marshalFramed() []byte {
	n := e.size()
	b := protowire.AppendVarint(make([]byte, 0, protowire.SizeVarint(uint64(n))+n), uint64(n))
	return e.appendTo(b)
}

// DecodeEnvelope parses a canonical envelope. It does not verify the signature (see Verify).
// Every error wraps ErrMalformed and names the offending field. The returned envelope does not
// alias b.
func DecodeEnvelope(b []byte) (*Envelope, error) {
	env, err := decodeEnvelope(b)
	if err != nil {
		return nil, err
	}
	env.LockHash = bytes.Clone(env.LockHash)
	env.Payload = bytes.Clone(env.Payload)
	env.Signature = bytes.Clone(env.Signature)
	return env, nil
}

// decodeEnvelope is DecodeEnvelope with byte fields aliasing b, for callers that own b.
func decodeEnvelope(b []byte) (*Envelope, error) {
	d := decoder{buf: b}
	pid := d.bytesField(1, "protocol_id", maxProtocolIDLen)
	kind := d.varintField(2, "kind")
	lockHash := d.bytesField(3, "lock_hash", maxLockHashLen)
	sender := d.bytesField(4, "sender", maxSenderLen)
	payload := d.bytesField(5, "payload", len(b))
	sig := d.bytesField(6, "signature", maxSignatureLen)
	if d.err != nil {
		return nil, d.err
	}
	if len(d.buf) != 0 {
		return nil, fmt.Errorf("%w: %d trailing bytes after signature", ErrMalformed, len(d.buf))
	}
	if !utf8.Valid(pid) || len(pid) == 0 || pid[0] != '/' {
		return nil, fmt.Errorf("%w: protocol_id %q is not a protocol ID", ErrMalformed, pid)
	}
	if kind != uint64(KindMessage) && kind != uint64(KindResponse) {
		return nil, fmt.Errorf("%w: kind %d, want %d or %d", ErrMalformed, kind, KindMessage, KindResponse)
	}
	if len(lockHash) == 0 {
		return nil, fmt.Errorf("%w: empty lock_hash", ErrMalformed)
	}
	id, err := peer.IDFromBytes(sender)
	if err != nil {
		return nil, fmt.Errorf("%w: sender: %w", ErrMalformed, err)
	}
	if len(sig) == 0 {
		return nil, fmt.Errorf("%w: empty signature", ErrMalformed)
	}
	return &Envelope{
		ProtocolID: protocol.ID(pid),
		Kind:       uint32(kind),
		LockHash:   lockHash,
		Sender:     id,
		Payload:    payload,
		Signature:  sig,
	}, nil
}

// decoder consumes canonical fields in order and remembers the first error.
type decoder struct {
	buf []byte
	err error
}

func (d *decoder) tag(num protowire.Number, typ protowire.Type, name string) bool {
	if d.err != nil {
		return false
	}
	gotNum, gotTyp, n := protowire.ConsumeTag(d.buf)
	if n < 0 {
		d.err = fmt.Errorf("%w: %s: tag: %w", ErrMalformed, name, protowire.ParseError(n))
		return false
	}
	if gotNum != num || gotTyp != typ || n != protowire.SizeTag(num) {
		d.err = fmt.Errorf("%w: got field %d type %d where %s (field %d type %d) is required",
			ErrMalformed, gotNum, gotTyp, name, num, typ)
		return false
	}
	d.buf = d.buf[n:]
	return true
}

func (d *decoder) varintField(num protowire.Number, name string) uint64 {
	if !d.tag(num, protowire.VarintType, name) {
		return 0
	}
	v, n := protowire.ConsumeVarint(d.buf)
	if n < 0 {
		d.err = fmt.Errorf("%w: %s: %w", ErrMalformed, name, protowire.ParseError(n))
		return 0
	}
	if n != protowire.SizeVarint(v) {
		d.err = fmt.Errorf("%w: %s: non-minimal varint", ErrMalformed, name)
		return 0
	}
	d.buf = d.buf[n:]
	return v
}

func (d *decoder) bytesField(num protowire.Number, name string, maxLen int) []byte {
	if !d.tag(num, protowire.BytesType, name) {
		return nil
	}
	l, n := protowire.ConsumeVarint(d.buf)
	if n < 0 {
		d.err = fmt.Errorf("%w: %s length: %w", ErrMalformed, name, protowire.ParseError(n))
		return nil
	}
	if n != protowire.SizeVarint(l) {
		d.err = fmt.Errorf("%w: %s length: non-minimal varint", ErrMalformed, name)
		return nil
	}
	if l > uint64(maxLen) || l > uint64(len(d.buf)-n) {
		d.err = fmt.Errorf("%w: %s length %d exceeds limit %d or remaining %d bytes",
			ErrMalformed, name, l, maxLen, len(d.buf)-n)
		return nil
	}
	v := d.buf[n : n+int(l)]
	d.buf = d.buf[n+int(l):]
	return v
}
