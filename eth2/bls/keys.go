package bls

import (
	"bytes"
	"crypto/subtle"
	"fmt"
	"io"
	"math/big"

	herumi "github.com/herumi/bls-eth-go-binary/bls"
)

// SecretKey is a BLS secret key: a non-zero scalar less than the group order.
type SecretKey struct {
	k herumi.SecretKey
}

// PublicKey is a BLS public key: a non-infinity point of the G1 subgroup.
type PublicKey struct {
	p herumi.PublicKey
}

// Signature is a BLS signature: a point of the G2 subgroup. Signatures decoded
// with SignatureFromBytes or made by Sign are never the point at infinity;
// only SignatureFromBytesAllowInfinity and Aggregate can produce one.
type Signature struct {
	s herumi.Sign
}

// GenerateSecretKey draws a uniformly random secret key from r (use
// crypto/rand.Reader in production). It reads 64 bytes per attempt and reduces
// them modulo the group order, retrying on the (negligible) zero result.
func GenerateSecretKey(r io.Reader) (*SecretKey, error) {
	if r == nil {
		return nil, fmt.Errorf("generate secret key: %w: reader", ErrNilInput)
	}
	s, err := randomScalar(r, 512)
	if err != nil {
		return nil, fmt.Errorf("generate secret key: %w", err)
	}
	return secretKeyFromInt(s)
}

// randomScalar reads bits/8 bytes from r and reduces them modulo the group
// order, retrying until the result is non-zero.
func randomScalar(r io.Reader, bits int) (*big.Int, error) {
	buf := make([]byte, bits/8)
	for {
		if _, err := io.ReadFull(r, buf); err != nil {
			return nil, fmt.Errorf("read randomness: %w", err)
		}
		s := new(big.Int).SetBytes(buf)
		s.Mod(s, lib().r)
		if s.Sign() != 0 {
			return s, nil
		}
	}
}

func secretKeyFromInt(s *big.Int) (*SecretKey, error) {
	var b [SecretKeyLength]byte
	s.FillBytes(b[:])
	return SecretKeyFromBytes(b[:])
}

// SecretKeyFromBytes decodes a 32-byte big-endian secret key. It rejects any
// other length, zero and values not less than the group order r.
func SecretKeyFromBytes(b []byte) (*SecretKey, error) {
	if len(b) != SecretKeyLength {
		return nil, fmt.Errorf("decode secret key: %w: got %d bytes, want %d", ErrLength, len(b), SecretKeyLength)
	}
	s := new(big.Int).SetBytes(b)
	if s.Sign() == 0 {
		return nil, fmt.Errorf("decode secret key: %w: zero", ErrInvalidSecretKey)
	}
	if s.Cmp(lib().r) >= 0 {
		return nil, fmt.Errorf("decode secret key: %w: not less than the group order", ErrInvalidSecretKey)
	}
	sk := &SecretKey{}
	if err := sk.k.Deserialize(bytes.Clone(b)); err != nil {
		return nil, fmt.Errorf("decode secret key: %w: %v", ErrInvalidSecretKey, err)
	}
	return sk, nil
}

// Bytes returns the 32-byte big-endian encoding of the secret key. The caller
// owns the returned slice and should zero it when done.
func (sk *SecretKey) Bytes() []byte {
	return sk.k.Serialize()
}

// Equal reports whether two secret keys are equal, in constant time.
func (sk *SecretKey) Equal(other *SecretKey) bool {
	if sk == nil || other == nil {
		return sk == other
	}
	return subtle.ConstantTimeCompare(sk.Bytes(), other.Bytes()) == 1
}

// String redacts the key, so that formatting a SecretKey (%v, %s) never
// prints secret material.
func (sk *SecretKey) String() string { return "bls.SecretKey(redacted)" }

// GoString redacts the key for %#v.
func (sk *SecretKey) GoString() string { return sk.String() }

// PublicKey returns the public key sk·G1.
func (sk *SecretKey) PublicKey() *PublicKey {
	lib()
	return &PublicKey{p: *sk.k.GetPublicKey()}
}

// Sign signs msg (hashed to G2 with the POP ciphersuite DST).
func (sk *SecretKey) Sign(msg []byte) *Signature {
	lib()
	// Copy: herumi is cgo and must never see memory owned by a Go struct
	// that holds Go pointers.
	return &Signature{s: *sk.k.SignByte(bytes.Clone(msg))}
}

// PublicKeyFromBytes decodes a 48-byte compressed G1 public key strictly: the
// encoding must be canonical, the point on the curve, in the subgroup and not
// the point at infinity (KeyValidate). A canonical infinity encoding yields an
// error wrapping ErrInfinity.
func PublicKeyFromBytes(b []byte) (*PublicKey, error) {
	inf, err := checkCompressed(b, 1)
	if err != nil {
		return nil, fmt.Errorf("decode public key: %w", err)
	}
	if inf {
		return nil, fmt.Errorf("decode public key: %w", ErrInfinity)
	}
	pk := &PublicKey{}
	if err := pk.p.Deserialize(bytes.Clone(b)); err != nil {
		return nil, fmt.Errorf("decode public key: %w", ErrInvalidPoint)
	}
	if pk.p.IsZero() {
		return nil, fmt.Errorf("decode public key: %w", ErrInfinity)
	}
	return pk, nil
}

// Bytes returns the 48-byte compressed encoding.
func (pk *PublicKey) Bytes() []byte {
	return pk.p.Serialize()
}

// Equal reports whether two public keys are the same point.
func (pk *PublicKey) Equal(other *PublicKey) bool {
	if pk == nil || other == nil {
		return pk == other
	}
	return pk.p.IsEqual(&other.p)
}

// String returns the 0x-prefixed hex encoding.
func (pk *PublicKey) String() string {
	return fmt.Sprintf("%#x", pk.Bytes())
}

// SignatureFromBytes decodes a 96-byte compressed G2 signature strictly: the
// encoding must be canonical and the point on the curve and in the subgroup.
// The point at infinity is rejected with an error wrapping ErrInfinity: no
// honest signer produces it.
func SignatureFromBytes(b []byte) (*Signature, error) {
	sig, err := SignatureFromBytesAllowInfinity(b)
	if err != nil {
		return nil, err
	}
	if sig.IsInfinity() {
		return nil, fmt.Errorf("decode signature: %w", ErrInfinity)
	}
	return sig, nil
}

// SignatureFromBytesAllowInfinity decodes like SignatureFromBytes but accepts
// the canonical point at infinity (0xc0 followed by 95 zero bytes), which the
// specification's signature_to_point accepts and which appears, for example,
// as the signature of an empty sync aggregate. The verification functions of
// this package always reject an infinity signature.
func SignatureFromBytesAllowInfinity(b []byte) (*Signature, error) {
	if _, err := checkCompressed(b, 2); err != nil {
		return nil, fmt.Errorf("decode signature: %w", err)
	}
	sig := &Signature{}
	if err := sig.s.Deserialize(bytes.Clone(b)); err != nil {
		return nil, fmt.Errorf("decode signature: %w", ErrInvalidPoint)
	}
	return sig, nil
}

// Bytes returns the 96-byte compressed encoding.
func (s *Signature) Bytes() []byte {
	return s.s.Serialize()
}

// Equal reports whether two signatures are the same point.
func (s *Signature) Equal(other *Signature) bool {
	if s == nil || other == nil {
		return s == other
	}
	return s.s.IsEqual(&other.s)
}

// IsInfinity reports whether the signature is the point at infinity.
func (s *Signature) IsInfinity() bool {
	return s.s.IsZero()
}

// String returns the 0x-prefixed hex encoding.
func (s *Signature) String() string {
	return fmt.Sprintf("%#x", s.Bytes())
}

// Verify reports whether s is a valid signature of msg by pk. It returns false
// for a nil or infinity public key or signature.
func (s *Signature) Verify(pk *PublicKey, msg []byte) bool {
	if s == nil || pk == nil || s.IsInfinity() || pk.p.IsZero() {
		return false
	}
	lib()
	return s.s.VerifyByte(&pk.p, bytes.Clone(msg))
}
