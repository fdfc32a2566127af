package dkg

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"

	ethcrypto "github.com/ethereum/go-ethereum/crypto"
	"github.com/ethereum/go-ethereum/crypto/ecies"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
)

// Domain-separation tags of the ceremony's own messages.
const (
	popTag   = "stinger/dkg/pop/v1"
	shareTag = "stinger/dkg/shares/v1"
)

// popMessage is what a dealer signs with the constant term of each of its
// polynomials: it binds the proof to this ceremony and this dealer, so that a
// proof cannot be replayed by another dealer or in another cluster. Every
// validator's proof of one dealer signs the same message, which lets the
// batch check share one hash-to-curve and one Miller loop per dealer; each
// proof is still a signature by its own key, so a rogue key (one whose
// discrete logarithm the dealer does not know) cannot carry a valid proof.
func popMessage(defHash []byte, dealer int) []byte {
	h := sha256.New()
	h.Write([]byte(popTag))
	h.Write(defHash)
	var b [4]byte
	binary.BigEndian.PutUint32(b[:], uint32(dealer))
	h.Write(b[:])
	return h.Sum(nil)
}

// shareContext binds an encrypted share bundle to the ceremony, the dealer and
// the recipient (ECIES shared info s1), so that a ciphertext cannot be moved
// to another recipient or ceremony.
func shareContext(defHash []byte, dealer, recipient int) []byte {
	out := append([]byte(shareTag), defHash...)
	out = binary.BigEndian.AppendUint32(out, uint32(dealer))
	return binary.BigEndian.AppendUint32(out, uint32(recipient))
}

// operatorECIESKey converts the libp2p secp256k1 operator key into an ECIES key.
func operatorECIESKey(key crypto.PrivKey) (*ecies.PrivateKey, error) {
	if key.Type() != crypto.Secp256k1 {
		return nil, fmt.Errorf("operator key type %s: expected secp256k1", key.Type())
	}
	raw, err := key.Raw()
	if err != nil {
		return nil, fmt.Errorf("operator key: %w", err)
	}
	sk, err := ethcrypto.ToECDSA(raw)
	if err != nil {
		return nil, fmt.Errorf("operator key: %w", err)
	}
	return ecies.ImportECDSA(sk), nil
}

// peerECIESKey extracts the secp256k1 public key embedded in a peer ID.
func peerECIESKey(pid peer.ID) (*ecies.PublicKey, error) {
	pub, err := pid.ExtractPublicKey()
	if err != nil {
		return nil, fmt.Errorf("peer %s: %w", pid, err)
	}
	if pub.Type() != crypto.Secp256k1 {
		return nil, fmt.Errorf("peer %s: key type %s, expected secp256k1", pid, pub.Type())
	}
	raw, err := pub.Raw()
	if err != nil {
		return nil, fmt.Errorf("peer %s: %w", pid, err)
	}
	pk, err := ethcrypto.DecompressPubkey(raw)
	if err != nil {
		return nil, fmt.Errorf("peer %s: %w", pid, err)
	}
	return ecies.ImportECDSAPublic((*ecdsa.PublicKey)(pk)), nil
}

func encryptShares(r io.Reader, to *ecies.PublicKey, plain, context []byte) ([]byte, error) {
	ct, err := ecies.Encrypt(r, to, plain, context, nil)
	if err != nil {
		return nil, fmt.Errorf("encrypt shares: %w", err)
	}
	return ct, nil
}

func decryptShares(key *ecies.PrivateKey, ct, context []byte) ([]byte, error) {
	plain, err := key.Decrypt(ct, context, nil)
	if err != nil {
		return nil, fmt.Errorf("decrypt shares: %w", err)
	}
	return plain, nil
}
