package bls

import (
	"fmt"
	"io"
	"slices"

	herumi "github.com/herumi/bls-eth-go-binary/bls"
)

// MaxShares bounds n in Split; share indices are 1..n.
const MaxShares = 1 << 16

// Split shares secret among n holders with threshold t: it draws a random
// polynomial f of degree t-1 with f(0) = secret (coefficients from r) and
// returns f(i) for i = 1..n. Any t shares recover the secret, fewer reveal
// nothing. Index 0 is never used: it is the secret itself.
func Split(secret *SecretKey, n, t int, r io.Reader) (map[uint64]*SecretKey, error) {
	shares, _, err := SplitVerifiable(secret, n, t, r)
	return shares, err
}

// SplitVerifiable is Split that also returns the Feldman commitments
// C_j = a_j*G1 to the polynomial's coefficients (C_0 is the group public key),
// from which anyone can derive every public share (PublicShareFromCommitments)
// and check a share against them, as a DKG needs.
func SplitVerifiable(secret *SecretKey, n, t int, r io.Reader) (map[uint64]*SecretKey, []*PublicKey, error) {
	if secret == nil || r == nil {
		return nil, nil, fmt.Errorf("split secret: %w", ErrNilInput)
	}
	if n < 1 || n > MaxShares || t < 1 || t > n {
		return nil, nil, fmt.Errorf("split secret: %w: n=%d t=%d, want 1 <= t <= n <= %d", ErrThreshold, n, t, MaxShares)
	}
	p, err := newPolynomial(secret, t, r)
	if err != nil {
		return nil, nil, fmt.Errorf("split secret: %w", err)
	}
	defer p.Zero()
	shares := make(map[uint64]*SecretKey, n)
	for i := 1; i <= n; i++ {
		s, err := p.Evaluate(uint64(i))
		if err != nil {
			return nil, nil, fmt.Errorf("split secret: %w", err)
		}
		shares[uint64(i)] = s
	}
	commitments := p.Commitments()
	return shares, commitments, nil
}

// PublicShares returns the public key of every share.
func PublicShares(shares map[uint64]*SecretKey) map[uint64]*PublicKey {
	out := make(map[uint64]*PublicKey, len(shares))
	for i, s := range shares {
		out[i] = s.PublicKey()
	}
	return out
}

// PublicShareFromCommitments evaluates the committed polynomial in the
// exponent at index: sum_j C_j * index^j, the public key of share index.
func PublicShareFromCommitments(commitments []*PublicKey, index uint64) (*PublicKey, error) {
	if index == 0 {
		return nil, fmt.Errorf("public share from commitments: %w: index 0", ErrThreshold)
	}
	if len(commitments) == 0 {
		return nil, fmt.Errorf("public share from commitments: %w", ErrEmpty)
	}
	cs := make([]herumi.G1, len(commitments))
	for j, c := range commitments {
		if c == nil {
			return nil, fmt.Errorf("public share from commitments: %w: commitment %d", ErrNilInput, j)
		}
		cs[j] = *herumi.CastFromPublicKey(&c.p)
	}
	x := frFromIndex(index)
	var y herumi.G1
	if err := herumi.G1EvaluatePolynomial(&y, cs, &x); err != nil {
		return nil, fmt.Errorf("public share from commitments: %w", err)
	}
	if y.IsZero() {
		return nil, fmt.Errorf("public share from commitments: %w", ErrInfinity)
	}
	return &PublicKey{p: *herumi.CastToPublicKey(&y)}, nil
}

// VerifyPartial reports whether partial is share index's valid signature of
// msg, given that share's public key. It is Signature.Verify under the name
// the duty pipeline uses; FindInvalid checks many partials at once.
func VerifyPartial(publicShare *PublicKey, msg []byte, partial *Signature) bool {
	return partial.Verify(publicShare, msg)
}

// RecoverSignature interpolates the group signature at x = 0 from partial
// signatures keyed by share index, using every partial given. With at least
// t valid partials the result is the group signature; the caller should
// verify it against the group public key, which catches fewer than t or bad
// partials. Use RecoverSignatureThreshold to enforce t. A map cannot hold
// two partials for one index: a caller collecting partials from peers should
// verify each (FindInvalid) before choosing which to keep.
func RecoverSignature(partials map[uint64]*Signature) (*Signature, error) {
	idx, err := sortedIndices(partials, func(s *Signature) bool { return s == nil })
	if err != nil {
		return nil, fmt.Errorf("recover signature: %w", err)
	}
	return recoverSignature(partials, idx)
}

// RecoverSignatureThreshold is RecoverSignature that requires at least t
// partials and interpolates exactly t of them (the t smallest indices), which
// is the minimum work.
func RecoverSignatureThreshold(partials map[uint64]*Signature, t int) (*Signature, error) {
	idx, err := sortedIndices(partials, func(s *Signature) bool { return s == nil })
	if err != nil {
		return nil, fmt.Errorf("recover signature: %w", err)
	}
	if t < 1 || len(idx) < t {
		return nil, fmt.Errorf("recover signature: %w: %d partials, threshold %d", ErrThreshold, len(idx), t)
	}
	return recoverSignature(partials, idx[:t])
}

func recoverSignature(partials map[uint64]*Signature, idx []uint64) (*Signature, error) {
	xs := make([]herumi.Fr, len(idx))
	ys := make([]herumi.G2, len(idx))
	for k, i := range idx {
		s := partials[i]
		if s.IsInfinity() {
			return nil, fmt.Errorf("recover signature: %w: partial %d", ErrInfinity, i)
		}
		xs[k] = frFromIndex(i)
		ys[k] = *herumi.CastFromSign(&s.s)
	}
	var out herumi.G2
	if err := herumi.G2LagrangeInterpolation(&out, xs, ys); err != nil {
		return nil, fmt.Errorf("recover signature: interpolate: %w", err)
	}
	return &Signature{s: *herumi.CastToSign(&out)}, nil
}

// RecoverPublicKey interpolates the group public key at x = 0 from public
// shares keyed by share index (at least t of them).
func RecoverPublicKey(shares map[uint64]*PublicKey) (*PublicKey, error) {
	idx, err := sortedIndices(shares, func(p *PublicKey) bool { return p == nil })
	if err != nil {
		return nil, fmt.Errorf("recover public key: %w", err)
	}
	xs := make([]herumi.Fr, len(idx))
	ys := make([]herumi.G1, len(idx))
	for k, i := range idx {
		xs[k] = frFromIndex(i)
		ys[k] = *herumi.CastFromPublicKey(&shares[i].p)
	}
	var out herumi.G1
	if err := herumi.G1LagrangeInterpolation(&out, xs, ys); err != nil {
		return nil, fmt.Errorf("recover public key: interpolate: %w", err)
	}
	if out.IsZero() {
		return nil, fmt.Errorf("recover public key: %w", ErrInfinity)
	}
	return &PublicKey{p: *herumi.CastToPublicKey(&out)}, nil
}

// RecoverSecret interpolates the secret at x = 0 from secret shares keyed by
// share index (at least t of them). It is meant for tests and key export.
func RecoverSecret(shares map[uint64]*SecretKey) (*SecretKey, error) {
	idx, err := sortedIndices(shares, func(s *SecretKey) bool { return s == nil })
	if err != nil {
		return nil, fmt.Errorf("recover secret: %w", err)
	}
	xs := make([]herumi.Fr, len(idx))
	ys := make([]herumi.Fr, len(idx))
	for k, i := range idx {
		xs[k] = frFromIndex(i)
		ys[k] = *herumi.CastFromSecretKey(&shares[i].k)
	}
	var out herumi.Fr
	if err := herumi.FrLagrangeInterpolation(&out, xs, ys); err != nil {
		return nil, fmt.Errorf("recover secret: interpolate: %w", err)
	}
	if out.IsZero() {
		return nil, fmt.Errorf("recover secret: %w: zero", ErrInvalidSecretKey)
	}
	return &SecretKey{k: *herumi.CastToSecretKey(&out)}, nil
}

// sortedIndices checks a share map (non-empty, no index 0, no nil value) and
// returns its indices in ascending order. A map cannot hold duplicates.
func sortedIndices[V any](m map[uint64]V, isNil func(V) bool) ([]uint64, error) {
	if len(m) == 0 {
		return nil, ErrEmpty
	}
	lib()
	idx := make([]uint64, 0, len(m))
	for i, v := range m {
		if i == 0 {
			return nil, fmt.Errorf("%w: share index 0", ErrThreshold)
		}
		if isNil(v) {
			return nil, fmt.Errorf("%w: share %d", ErrNilInput, i)
		}
		idx = append(idx, i)
	}
	slices.Sort(idx)
	return idx, nil
}

// frFromIndex returns the share index as a field element.
func frFromIndex(i uint64) herumi.Fr {
	var le [8]byte
	for k := range le {
		le[k] = byte(i >> (8 * k))
	}
	var x herumi.Fr
	if err := x.SetLittleEndian(le[:]); err != nil {
		panic(fmt.Sprintf("bls: set index %d: %v", i, err)) // 64-bit values are always < r
	}
	return x
}
