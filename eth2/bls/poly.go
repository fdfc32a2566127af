package bls

import (
	"fmt"
	"io"

	herumi "github.com/herumi/bls-eth-go-binary/bls"
)

// Polynomial is a secret polynomial f of degree t-1 over the scalar field, as
// a dealer of a verifiable secret sharing (a DKG participant) holds it: f(0)
// is the dealer's secret contribution, f(i) the share of holder i, and the
// commitments a_j*G1 let every holder check its share.
type Polynomial struct {
	coeffs []herumi.Fr
}

// NewPolynomial draws a random polynomial of degree t-1 (t coefficients, all
// non-zero) from r.
func NewPolynomial(t int, r io.Reader) (*Polynomial, error) {
	p, err := newPolynomial(nil, t, r)
	if err != nil {
		return nil, fmt.Errorf("new polynomial: %w", err)
	}
	return p, nil
}

// newPolynomial draws a polynomial of degree t-1 from r; if secret is not nil
// it is f(0) and only the t-1 higher coefficients are drawn.
func newPolynomial(secret *SecretKey, t int, r io.Reader) (*Polynomial, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: reader", ErrNilInput)
	}
	if t < 1 || t > MaxShares {
		return nil, fmt.Errorf("%w: t=%d, want 1 <= t <= %d", ErrThreshold, t, MaxShares)
	}
	p := &Polynomial{coeffs: make([]herumi.Fr, t)}
	for j := range p.coeffs {
		if j == 0 && secret != nil {
			p.coeffs[0] = *herumi.CastFromSecretKey(&secret.k)
			continue
		}
		k, err := GenerateSecretKey(r)
		if err != nil {
			p.Zero()
			return nil, fmt.Errorf("coefficient %d: %w", j, err)
		}
		p.coeffs[j] = *herumi.CastFromSecretKey(&k.k)
	}
	return p, nil
}

// Zero overwrites the coefficients; the polynomial is unusable afterwards.
func (p *Polynomial) Zero() {
	for j := range p.coeffs {
		p.coeffs[j].Clear()
	}
	p.coeffs = nil
}

// Threshold returns t, the number of coefficients.
func (p *Polynomial) Threshold() int { return len(p.coeffs) }

// Secret returns f(0).
func (p *Polynomial) Secret() *SecretKey {
	return &SecretKey{k: *herumi.CastToSecretKey(&p.coeffs[0])}
}

// Evaluate returns f(index), the share of holder index (index >= 1).
func (p *Polynomial) Evaluate(index uint64) (*SecretKey, error) {
	if index == 0 {
		return nil, fmt.Errorf("evaluate polynomial: %w: index 0 is the secret", ErrThreshold)
	}
	x := frFromIndex(index)
	var y herumi.Fr
	if err := herumi.FrEvaluatePolynomial(&y, p.coeffs, &x); err != nil {
		return nil, fmt.Errorf("evaluate polynomial: %w", err)
	}
	if y.IsZero() {
		return nil, fmt.Errorf("evaluate polynomial at %d: the share is zero (probability 2^-255): draw a new polynomial", index)
	}
	return &SecretKey{k: *herumi.CastToSecretKey(&y)}, nil
}

// Commitments returns the Feldman commitments a_j*G1, j = 0..t-1; the first
// is the public key of f(0). PublicShareFromCommitments evaluates them.
func (p *Polynomial) Commitments() []*PublicKey {
	out := make([]*PublicKey, len(p.coeffs))
	for j := range p.coeffs {
		out[j] = (&SecretKey{k: *herumi.CastToSecretKey(&p.coeffs[j])}).PublicKey()
	}
	return out
}

// AddSecretKeys returns the sum of the keys modulo the group order, as a DKG
// participant sums the shares it received from every dealer. The sum of
// valid keys is zero only with negligible probability; it is then an error.
func AddSecretKeys(keys ...*SecretKey) (*SecretKey, error) {
	if len(keys) == 0 {
		return nil, fmt.Errorf("add secret keys: %w", ErrEmpty)
	}
	lib()
	var sum herumi.Fr
	for i, k := range keys {
		if k == nil {
			return nil, fmt.Errorf("add secret keys: %w: key %d", ErrNilInput, i)
		}
		herumi.FrAdd(&sum, &sum, herumi.CastFromSecretKey(&k.k))
	}
	if sum.IsZero() {
		return nil, fmt.Errorf("add secret keys: %w: the sum is zero", ErrInvalidSecretKey)
	}
	return &SecretKey{k: *herumi.CastToSecretKey(&sum)}, nil
}
