package qbft

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Wire format limits. Decoding rejects anything larger.
const (
	// EncodingVersion is the first byte of every encoded message.
	EncodingVersion = 1
	// MessageSize is the size of an encoded Message.
	MessageSize = 1 + 1 + 8 + 2 + 4 + 2 + 32 + 4
	// MaxSignatureSize bounds a signature (ed25519: 64, secp256k1 DER: <= 72).
	MaxSignatureSize = 256
	// MaxValueSize bounds a value (an unsigned block proposal fits).
	MaxValueSize = 8 << 20
	// MaxCommittee bounds the number of processes n.
	MaxCommittee = 256
	// MaxJustification bounds the number of messages in a justification
	// (a quorum of ROUND-CHANGEs plus a quorum of PREPAREs).
	MaxJustification = 2 * MaxCommittee
)

// signingDomain prefixes the signed bytes so that a QBFT signature can never
// be mistaken for a signature over anything else.
const signingDomain = "stinger/qbft/v1\x00"

// ErrEncoding is wrapped by every decoding error.
var ErrEncoding = errors.New("invalid qbft encoding")

// AppendBinary appends the canonical fixed-size encoding of m to b.
func (m *Message) AppendBinary(b []byte) []byte {
	b = append(b, EncodingVersion, byte(m.Type))
	b = binary.BigEndian.AppendUint64(b, m.Instance.Slot)
	b = binary.BigEndian.AppendUint16(b, m.Instance.Duty)
	b = binary.BigEndian.AppendUint32(b, m.Round)
	b = binary.BigEndian.AppendUint16(b, m.Source)
	b = append(b, m.ValueHash[:]...)
	return binary.BigEndian.AppendUint32(b, m.PreparedRound)
}

// SigningBytes returns the bytes a signature over m covers: a domain tag
// followed by the canonical encoding of m.
func (m *Message) SigningBytes() []byte {
	return m.AppendSigningBytes(make([]byte, 0, SigningSize))
}

// SigningSize is the length of [Message.SigningBytes].
const SigningSize = len(signingDomain) + MessageSize

// AppendSigningBytes appends [Message.SigningBytes] to b.
func (m *Message) AppendSigningBytes(b []byte) []byte {
	b = append(b, signingDomain...)
	return m.AppendBinary(b)
}

func decodeMessage(b []byte) (Message, error) {
	if len(b) < MessageSize {
		return Message{}, fmt.Errorf("%w: message needs %d bytes, have %d", ErrEncoding, MessageSize, len(b))
	}
	if b[0] != EncodingVersion {
		return Message{}, fmt.Errorf("%w: version %d, want %d", ErrEncoding, b[0], EncodingVersion)
	}
	m := Message{Type: MsgType(b[1])}
	if !m.Type.valid() {
		return Message{}, fmt.Errorf("%w: unknown message type %d", ErrEncoding, b[1])
	}
	m.Instance.Slot = binary.BigEndian.Uint64(b[2:])
	m.Instance.Duty = binary.BigEndian.Uint16(b[10:])
	m.Round = binary.BigEndian.Uint32(b[12:])
	m.Source = binary.BigEndian.Uint16(b[16:])
	copy(m.ValueHash[:], b[18:50])
	m.PreparedRound = binary.BigEndian.Uint32(b[50:])
	return m, nil
}

func appendSigned(b []byte, s *Signed) []byte {
	b = s.AppendBinary(b)
	b = binary.BigEndian.AppendUint16(b, uint16(len(s.Signature)))
	return append(b, s.Signature...)
}

// decoder reads from a byte slice and remembers the first error.
type decoder struct {
	b   []byte
	err error
}

func (d *decoder) take(n int, what string) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || len(d.b) < n {
		d.err = fmt.Errorf("%w: truncated %s: need %d bytes, have %d", ErrEncoding, what, n, len(d.b))
		return nil
	}
	out := d.b[:n:n]
	d.b = d.b[n:]
	return out
}

func (d *decoder) uint16(what string) int {
	b := d.take(2, what)
	if b == nil {
		return 0
	}
	return int(binary.BigEndian.Uint16(b))
}

func (d *decoder) uint32(what string) uint32 {
	b := d.take(4, what)
	if b == nil {
		return 0
	}
	return binary.BigEndian.Uint32(b)
}

// bytes reads n bytes into a fresh slice (nil when n is 0).
func (d *decoder) bytes(n int, what string) []byte {
	b := d.take(n, what)
	if len(b) == 0 {
		return nil
	}
	return append([]byte(nil), b...)
}

func (d *decoder) signed() Signed {
	if d.err != nil {
		return Signed{}
	}
	m, err := decodeMessage(d.b)
	if err != nil {
		d.err = err
		return Signed{}
	}
	d.b = d.b[MessageSize:]
	n := d.uint16("signature length")
	if n > MaxSignatureSize {
		d.err = fmt.Errorf("%w: signature of %d bytes exceeds %d", ErrEncoding, n, MaxSignatureSize)
		return Signed{}
	}
	return Signed{Message: m, Signature: d.bytes(n, "signature")}
}

// MarshalBinary returns the canonical encoding of the envelope:
// message | sigLen u16 | sig | valueLen u32 | value | count u16 | count x
// (message | sigLen u16 | sig). Integers are big-endian.
func (e *Envelope) MarshalBinary() ([]byte, error) {
	switch {
	case len(e.Signature) > MaxSignatureSize:
		return nil, fmt.Errorf("encode envelope: signature of %d bytes exceeds %d", len(e.Signature), MaxSignatureSize)
	case len(e.Value) > MaxValueSize:
		return nil, fmt.Errorf("encode envelope: value of %d bytes exceeds %d", len(e.Value), MaxValueSize)
	case len(e.Justification) > MaxJustification:
		return nil, fmt.Errorf("encode envelope: justification of %d messages exceeds %d", len(e.Justification), MaxJustification)
	}
	for i := range e.Justification {
		if len(e.Justification[i].Signature) > MaxSignatureSize {
			return nil, fmt.Errorf("encode envelope: justification %d signature exceeds %d bytes", i, MaxSignatureSize)
		}
	}
	size := MessageSize + 2 + len(e.Signature) + 4 + len(e.Value) + 2
	for i := range e.Justification {
		size += MessageSize + 2 + len(e.Justification[i].Signature)
	}
	b := make([]byte, 0, size)
	b = appendSigned(b, &e.Signed)
	b = binary.BigEndian.AppendUint32(b, uint32(len(e.Value)))
	b = append(b, e.Value...)
	b = binary.BigEndian.AppendUint16(b, uint16(len(e.Justification)))
	for i := range e.Justification {
		b = appendSigned(b, &e.Justification[i])
	}
	return b, nil
}

// UnmarshalEnvelope decodes an envelope strictly: known version and types,
// lengths within the limits, and no trailing bytes. Every accepted input
// re-encodes to the same bytes. It checks encoding only; see Instance.Step
// for the protocol checks.
func UnmarshalEnvelope(b []byte) (Envelope, error) {
	d := decoder{b: b}
	e := Envelope{Signed: d.signed()}
	vlen := d.uint32("value length")
	if d.err == nil && vlen > MaxValueSize {
		return Envelope{}, fmt.Errorf("%w: value of %d bytes exceeds %d", ErrEncoding, vlen, MaxValueSize)
	}
	e.Value = d.bytes(int(vlen), "value")
	count := d.uint16("justification count")
	if d.err == nil && count > MaxJustification {
		return Envelope{}, fmt.Errorf("%w: justification of %d messages exceeds %d", ErrEncoding, count, MaxJustification)
	}
	if d.err == nil && count > 0 {
		e.Justification = make([]Signed, 0, min(count, len(d.b)/MessageSize))
		for i := 0; i < count && d.err == nil; i++ {
			e.Justification = append(e.Justification, d.signed())
		}
	}
	if d.err != nil {
		return Envelope{}, d.err
	}
	if len(d.b) != 0 {
		return Envelope{}, fmt.Errorf("%w: %d trailing bytes", ErrEncoding, len(d.b))
	}
	return e, nil
}
