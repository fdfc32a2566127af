package bls_test

import (
	"errors"
	"testing"

	"github.com/stingerdvt/stinger/eth2/bls"
)

// TestJointFeldmanSharesRecoverSumOfSecrets plays a 3-dealer, 4-holder,
// threshold-3 DKG with Polynomial: each holder sums the shares it got, each
// share checks against its dealer's commitments, and any 3 summed shares
// recover the sum of the dealers' secrets, whose public key is the sum of the
// dealers' first commitments.
func TestJointFeldmanSharesRecoverSumOfSecrets(t *testing.T) {
	const dealers, n, th = 3, 4, 3
	polys := make([]*bls.Polynomial, dealers)
	var secrets []*bls.SecretKey
	var groupParts []*bls.PublicKey
	for d := range polys {
		p, err := bls.NewPolynomial(th, seeded(uint64(50+d)))
		if err != nil {
			t.Fatal(err)
		}
		if p.Threshold() != th {
			t.Fatalf("threshold %d", p.Threshold())
		}
		polys[d] = p
		secrets = append(secrets, p.Secret())
		groupParts = append(groupParts, p.Commitments()[0])
	}
	final := map[uint64]*bls.SecretKey{}
	for i := uint64(1); i <= n; i++ {
		var parts []*bls.SecretKey
		for _, p := range polys {
			s, err := p.Evaluate(i)
			if err != nil {
				t.Fatal(err)
			}
			want, err := bls.PublicShareFromCommitments(p.Commitments(), i)
			if err != nil || !want.Equal(s.PublicKey()) {
				t.Fatalf("share %d does not match its dealer's commitments (%v)", i, err)
			}
			parts = append(parts, s)
		}
		sum, err := bls.AddSecretKeys(parts...)
		if err != nil {
			t.Fatal(err)
		}
		final[i] = sum
	}
	groupSecret, err := bls.AddSecretKeys(secrets...)
	if err != nil {
		t.Fatal(err)
	}
	groupKey, err := bls.AggregatePublicKeys(groupParts)
	if err != nil || !groupKey.Equal(groupSecret.PublicKey()) {
		t.Fatalf("group key mismatch (%v)", err)
	}
	delete(final, 2)
	got, err := bls.RecoverSecret(final)
	if err != nil || !got.Equal(groupSecret) {
		t.Fatalf("recovered %v, want the sum of the dealers' secrets", err)
	}
}

func TestPolynomialRejectsBadInput(t *testing.T) {
	p, err := bls.NewPolynomial(2, seeded(1))
	if err != nil {
		t.Fatal(err)
	}
	k := mustKey(t, 1)
	neg := negKey(t, k)
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"t zero", func() error { _, err := bls.NewPolynomial(0, seeded(1)); return err }, bls.ErrThreshold},
		{"t too large", func() error { _, err := bls.NewPolynomial(bls.MaxShares+1, seeded(1)); return err }, bls.ErrThreshold},
		{"nil reader", func() error { _, err := bls.NewPolynomial(2, nil); return err }, bls.ErrNilInput},
		{"evaluate at 0", func() error { _, err := p.Evaluate(0); return err }, bls.ErrThreshold},
		{"add nothing", func() error { _, err := bls.AddSecretKeys(); return err }, bls.ErrEmpty},
		{"add nil", func() error { _, err := bls.AddSecretKeys(k, nil); return err }, bls.ErrNilInput},
		{"sum zero", func() error { _, err := bls.AddSecretKeys(k, neg); return err }, bls.ErrInvalidSecretKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}
