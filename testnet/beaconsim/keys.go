package beaconsim

import (
	"fmt"
	"io"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/bls"
)

// keyring holds every validator's parsed public key and the secret keys of the simulator's own validators.
// It is immutable after construction and safe for concurrent use.
type keyring struct {
	pubKeys []*bls.PublicKey
	secrets map[phase0.ValidatorIndex]*bls.SecretKey
}

// generateOwnKeys derives n secret keys from r (a seeded stream makes them deterministic).
func generateOwnKeys(n int, r io.Reader) ([]*bls.SecretKey, error) {
	out := make([]*bls.SecretKey, n)
	for i := range out {
		sk, err := bls.GenerateSecretKey(r)
		if err != nil {
			return nil, fmt.Errorf("generate key of extra validator %d: %w", i, err)
		}
		out[i] = sk
	}
	return out, nil
}

// newKeyring parses the tracked public keys and appends the own keys after them.
func newKeyring(tracked []phase0.BLSPubKey, own []*bls.SecretKey) (*keyring, []phase0.BLSPubKey, error) {
	k := &keyring{secrets: make(map[phase0.ValidatorIndex]*bls.SecretKey, len(own))}
	all := make([]phase0.BLSPubKey, 0, len(tracked)+len(own))
	for i, raw := range tracked {
		b := make([]byte, len(raw))
		copy(b, raw[:])
		pk, err := bls.PublicKeyFromBytes(b)
		if err != nil {
			return nil, nil, fmt.Errorf("validator public key %d (%#x): %w", i, raw[:], err)
		}
		k.pubKeys = append(k.pubKeys, pk)
		all = append(all, raw)
	}
	for _, sk := range own {
		pk := sk.PublicKey()
		var raw phase0.BLSPubKey
		copy(raw[:], pk.Bytes())
		k.secrets[phase0.ValidatorIndex(len(k.pubKeys))] = sk
		k.pubKeys = append(k.pubKeys, pk)
		all = append(all, raw)
	}
	return k, all, nil
}

// sign signs root with the simulator-held key of validator i.
func (k *keyring) sign(i phase0.ValidatorIndex, root phase0.Root) (*bls.Signature, error) {
	sk, ok := k.secrets[i]
	if !ok {
		return nil, fmt.Errorf("sign for validator %d: the simulator does not hold its key", i)
	}
	msg := make([]byte, 32)
	copy(msg, root[:])
	return sk.Sign(msg), nil
}

// verify checks sig over root by validator i.
func (k *keyring) verify(i phase0.ValidatorIndex, root phase0.Root, sig *bls.Signature) bool {
	if int(i) >= len(k.pubKeys) {
		return false
	}
	msg := make([]byte, 32)
	copy(msg, root[:])
	return sig.Verify(k.pubKeys[i], msg)
}

// fastAggregateVerify checks an aggregate signature over root by the given validators.
func (k *keyring) fastAggregateVerify(indices []phase0.ValidatorIndex, root phase0.Root, sig *bls.Signature) bool {
	pks := make([]*bls.PublicKey, 0, len(indices))
	for _, i := range indices {
		if int(i) >= len(k.pubKeys) {
			return false
		}
		pks = append(pks, k.pubKeys[i])
	}
	msg := make([]byte, 32)
	copy(msg, root[:])
	return bls.FastAggregateVerify(pks, msg, sig)
}

// parseSignature decodes a compressed signature (strict: no infinity, on curve, in subgroup).
func parseSignature(s phase0.BLSSignature) (*bls.Signature, error) {
	b := make([]byte, len(s))
	copy(b, s[:])
	sig, err := bls.SignatureFromBytes(b)
	if err != nil {
		return nil, fmt.Errorf("decode signature: %w", err)
	}
	return sig, nil
}

// toPhase0Sig encodes a signature for go-eth2-client types.
func toPhase0Sig(s *bls.Signature) phase0.BLSSignature {
	var out phase0.BLSSignature
	copy(out[:], s.Bytes())
	return out
}

// infinitySignature is the compressed point at infinity (the empty aggregate).
func infinitySignature() phase0.BLSSignature {
	var s phase0.BLSSignature
	s[0] = 0xc0
	return s
}

// aggregate combines signatures; an empty list gives the point at infinity.
func aggregate(sigs []*bls.Signature) (phase0.BLSSignature, error) {
	if len(sigs) == 0 {
		return infinitySignature(), nil
	}
	agg, err := bls.Aggregate(sigs)
	if err != nil {
		return phase0.BLSSignature{}, fmt.Errorf("aggregate %d signatures: %w", len(sigs), err)
	}
	return toPhase0Sig(agg), nil
}
