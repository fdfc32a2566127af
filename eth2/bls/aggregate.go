package bls

import (
	"bytes"
	"fmt"

	herumi "github.com/herumi/bls-eth-go-binary/bls"
)

// Aggregate adds signatures (the specification's Aggregate). It returns an
// error wrapping ErrEmpty for an empty list and ErrNilInput for a nil entry.
// Aggregating infinity signatures is allowed and yields infinity, as in the
// specification; verification rejects such a result.
func Aggregate(sigs []*Signature) (*Signature, error) {
	if len(sigs) == 0 {
		return nil, fmt.Errorf("aggregate signatures: %w", ErrEmpty)
	}
	lib()
	out := &Signature{}
	for i, s := range sigs {
		if s == nil {
			return nil, fmt.Errorf("aggregate signatures: %w: signature %d", ErrNilInput, i)
		}
		if i == 0 {
			out.s = s.s
			continue
		}
		out.s.Add(&s.s)
	}
	return out, nil
}

// AggregatePublicKeys adds public keys. It returns an error for an empty list,
// a nil entry, or a sum that is the point at infinity (not a valid key).
func AggregatePublicKeys(pks []*PublicKey) (*PublicKey, error) {
	if len(pks) == 0 {
		return nil, fmt.Errorf("aggregate public keys: %w", ErrEmpty)
	}
	lib()
	out := &PublicKey{}
	for i, pk := range pks {
		if pk == nil {
			return nil, fmt.Errorf("aggregate public keys: %w: public key %d", ErrNilInput, i)
		}
		if i == 0 {
			out.p = pk.p
			continue
		}
		out.p.Add(&pk.p)
	}
	if out.p.IsZero() {
		return nil, fmt.Errorf("aggregate public keys: %w", ErrInfinity)
	}
	return out, nil
}

// FastAggregateVerify reports whether sig is a valid aggregate signature of
// the same msg by every key in pks. It returns false for an empty key list,
// any nil key, a nil or infinity signature, or an aggregate key at infinity.
func FastAggregateVerify(pks []*PublicKey, msg []byte, sig *Signature) bool {
	agg, err := AggregatePublicKeys(pks)
	if err != nil {
		return false
	}
	return sig.Verify(agg, msg)
}

// AggregateVerify reports whether sig is a valid aggregate of signatures of
// msgs[i] by pks[i] (the POP ciphersuite's AggregateVerify: messages need not
// be distinct). It returns false for empty or mismatched lists, nil or
// infinity keys, or a nil or infinity signature.
func AggregateVerify(pks []*PublicKey, msgs [][]byte, sig *Signature) bool {
	if len(pks) == 0 || len(pks) != len(msgs) || sig == nil || sig.IsInfinity() {
		return false
	}
	l := lib()
	g1s := make([]herumi.G1, 0, len(pks)+1)
	g2s := make([]herumi.G2, 0, len(pks)+1)
	g1s = append(g1s, l.negG1)
	g2s = append(g2s, *herumi.CastFromSign(&sig.s))
	for i, pk := range pks {
		if pk == nil || pk.p.IsZero() {
			return false
		}
		h, ok := hashToG2(msgs[i])
		if !ok {
			return false
		}
		g1s = append(g1s, *herumi.CastFromPublicKey(&pk.p))
		g2s = append(g2s, h)
	}
	return pairingProductIsOne(g1s, g2s)
}

// hashToG2 hashes msg to G2 with the ciphersuite DST.
func hashToG2(msg []byte) (herumi.G2, bool) {
	h := herumi.HashAndMapToSignature(bytes.Clone(msg))
	if h == nil {
		return herumi.G2{}, false
	}
	return *herumi.CastFromSign(h), true
}

// pairingProductIsOne reports whether prod_i e(g1s[i], g2s[i]) == 1: Miller
// loops over chunks of the pairs (in parallel for long lists), their product,
// and one final exponentiation.
func pairingProductIsOne(g1s []herumi.G1, g2s []herumi.G2) bool {
	parts := make([]herumi.GT, workers(len(g1s), minPairChunk))
	size := (len(g1s) + len(parts) - 1) / len(parts)
	parallel(len(parts), 1, func(lo, hi int) {
		for c := lo; c < hi; c++ {
			end := min((c+1)*size, len(g1s))
			herumi.MillerLoopVec(&parts[c], g1s[c*size:end], g2s[c*size:end])
		}
	})
	e := parts[0]
	for c := 1; c < len(parts); c++ {
		herumi.GTMul(&e, &e, &parts[c])
	}
	herumi.FinalExp(&e, &e)
	return e.IsOne()
}
