package consensus

import (
	"errors"
	"fmt"

	"github.com/libp2p/go-libp2p/core/crypto"
)

// ErrBadSignature is returned by KeyVerifier for an invalid signature.
var ErrBadSignature = errors.New("invalid signature")

// KeySigner signs with a libp2p private key (the operator's identity key:
// secp256k1 in production, ed25519 works too).
type KeySigner struct {
	key crypto.PrivKey
}

// NewKeySigner returns a Signer for key.
func NewKeySigner(key crypto.PrivKey) (*KeySigner, error) {
	if key == nil {
		return nil, errors.New("new key signer: key is nil")
	}
	return &KeySigner{key: key}, nil
}

// Sign signs data.
func (s *KeySigner) Sign(data []byte) ([]byte, error) {
	sig, err := s.key.Sign(data)
	if err != nil {
		return nil, fmt.Errorf("sign consensus message: %w", err)
	}
	return sig, nil
}

// KeyVerifier verifies signatures with the cluster's operator public keys,
// indexed by process index.
type KeyVerifier struct {
	keys []crypto.PubKey
}

// NewKeyVerifier returns a Verifier for the operators' public keys in
// process-index order.
func NewKeyVerifier(keys []crypto.PubKey) (*KeyVerifier, error) {
	for i, k := range keys {
		if k == nil {
			return nil, fmt.Errorf("new key verifier: public key %d is nil", i)
		}
	}
	return &KeyVerifier{keys: keys}, nil
}

// Verify checks source's signature over data.
func (v *KeyVerifier) Verify(source int, data, sig []byte) error {
	if source < 0 || source >= len(v.keys) {
		return fmt.Errorf("verify signature: source %d out of range [0, %d)", source, len(v.keys))
	}
	ok, err := v.keys[source].Verify(data, sig)
	if err != nil {
		return fmt.Errorf("verify signature of %d: %w: %w", source, ErrBadSignature, err)
	}
	if !ok {
		return fmt.Errorf("verify signature of %d: %w", source, ErrBadSignature)
	}
	return nil
}
