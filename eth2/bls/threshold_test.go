package bls_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stingerdvt/stinger/eth2/bls"
)

// subset picks k distinct indices from 1..n with a seeded permutation.
func subset(seed uint64, n, k int) []uint64 {
	perm := rand.New(rand.NewPCG(seed, 1)).Perm(n)
	out := make([]uint64, k)
	for i := range out {
		out[i] = uint64(perm[i] + 1)
	}
	return out
}

func TestSplitRecoverAnyTOfN(t *testing.T) {
	tests := []struct{ n, t int }{{1, 1}, {3, 2}, {4, 3}, {7, 5}, {10, 7}, {16, 11}}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%d-of-%d", tc.t, tc.n), func(t *testing.T) {
			secret := mustKey(t, uint64(tc.n))
			shares, commitments, err := bls.SplitVerifiable(secret, tc.n, tc.t, seeded(99))
			if err != nil {
				t.Fatal(err)
			}
			if len(shares) != tc.n || len(commitments) != tc.t {
				t.Fatalf("%d shares, %d commitments", len(shares), len(commitments))
			}
			if !commitments[0].Equal(secret.PublicKey()) {
				t.Fatal("C_0 is not the group public key")
			}
			pubShares := bls.PublicShares(shares)
			for i := uint64(1); i <= uint64(tc.n); i++ {
				fromC, err := bls.PublicShareFromCommitments(commitments, i)
				if err != nil || !fromC.Equal(pubShares[i]) {
					t.Fatalf("share %d: public share from commitments mismatch (%v)", i, err)
				}
			}
			msg := []byte("block root")
			for trial := range uint64(3) {
				idx := subset(trial, tc.n, tc.t)
				partials := map[uint64]*bls.Signature{}
				secretShares := map[uint64]*bls.SecretKey{}
				publicShares := map[uint64]*bls.PublicKey{}
				for _, i := range idx {
					partials[i] = shares[i].Sign(msg)
					if !bls.VerifyPartial(pubShares[i], msg, partials[i]) {
						t.Fatalf("partial %d does not verify against its public share", i)
					}
					secretShares[i], publicShares[i] = shares[i], pubShares[i]
				}
				sig, err := bls.RecoverSignature(partials)
				if err != nil {
					t.Fatal(err)
				}
				if !sig.Equal(secret.Sign(msg)) || !sig.Verify(secret.PublicKey(), msg) {
					t.Fatalf("indices %v: recovered signature is not the group signature", idx)
				}
				rs, err := bls.RecoverSecret(secretShares)
				if err != nil || !rs.Equal(secret) {
					t.Fatalf("indices %v: recovered secret differs (%v)", idx, err)
				}
				rp, err := bls.RecoverPublicKey(publicShares)
				if err != nil || !rp.Equal(secret.PublicKey()) {
					t.Fatalf("indices %v: recovered public key differs (%v)", idx, err)
				}
			}
		})
	}
}

func TestFewerThanTPartialsDoNotRecover(t *testing.T) {
	secret := mustKey(t, 1)
	shares, err := bls.Split(secret, 4, 3, seeded(5))
	if err != nil {
		t.Fatal(err)
	}
	msg := []byte("m")
	two := map[uint64]*bls.Signature{1: shares[1].Sign(msg), 4: shares[4].Sign(msg)}
	sig, err := bls.RecoverSignature(two)
	if err != nil {
		t.Fatal(err)
	}
	if sig.Verify(secret.PublicKey(), msg) {
		t.Fatal("2 of a 3-threshold recovered a valid group signature")
	}
	if _, err := bls.RecoverSignatureThreshold(two, 3); !errors.Is(err, bls.ErrThreshold) {
		t.Fatalf("RecoverSignatureThreshold with 2 of 3: %v, want ErrThreshold", err)
	}
	all := map[uint64]*bls.Signature{}
	for i, s := range shares {
		all[i] = s.Sign(msg)
	}
	got, err := bls.RecoverSignatureThreshold(all, 3)
	if err != nil || !got.Verify(secret.PublicKey(), msg) {
		t.Fatalf("RecoverSignatureThreshold with 4 of 3: %v", err)
	}
	// A corrupted partial yields a signature that fails group verification.
	all[2] = shares[1].Sign(msg)
	bad, err := bls.RecoverSignature(all)
	if err != nil {
		t.Fatal(err)
	}
	if bad.Verify(secret.PublicKey(), msg) {
		t.Fatal("recovery with a wrong partial still verified")
	}
}

func TestSplitAndRecoverRejectBadInput(t *testing.T) {
	secret := mustKey(t, 1)
	sig := secret.Sign([]byte("m"))
	inf, _ := bls.SignatureFromBytesAllowInfinity(append([]byte{0xc0}, make([]byte, 95)...))
	tests := []struct {
		name string
		run  func() error
		want error
	}{
		{"t zero", func() error { _, err := bls.Split(secret, 4, 0, seeded(1)); return err }, bls.ErrThreshold},
		{"t above n", func() error { _, err := bls.Split(secret, 3, 4, seeded(1)); return err }, bls.ErrThreshold},
		{"n zero", func() error { _, err := bls.Split(secret, 0, 0, seeded(1)); return err }, bls.ErrThreshold},
		{"n too large", func() error { _, err := bls.Split(secret, bls.MaxShares+1, 2, seeded(1)); return err }, bls.ErrThreshold},
		{"nil secret", func() error { _, err := bls.Split(nil, 4, 3, seeded(1)); return err }, bls.ErrNilInput},
		{"nil reader", func() error { _, err := bls.Split(secret, 4, 3, nil); return err }, bls.ErrNilInput},
		{"no partials", func() error { _, err := bls.RecoverSignature(nil); return err }, bls.ErrEmpty},
		{"index zero", func() error {
			_, err := bls.RecoverSignature(map[uint64]*bls.Signature{0: sig, 1: sig})
			return err
		}, bls.ErrThreshold},
		{"nil partial", func() error {
			_, err := bls.RecoverSignature(map[uint64]*bls.Signature{1: sig, 2: nil})
			return err
		}, bls.ErrNilInput},
		{"infinity partial", func() error {
			_, err := bls.RecoverSignature(map[uint64]*bls.Signature{1: sig, 2: inf})
			return err
		}, bls.ErrInfinity},
		{"secret index zero", func() error {
			_, err := bls.RecoverSecret(map[uint64]*bls.SecretKey{0: secret})
			return err
		}, bls.ErrThreshold},
		{"public key index zero", func() error {
			_, err := bls.RecoverPublicKey(map[uint64]*bls.PublicKey{0: secret.PublicKey()})
			return err
		}, bls.ErrThreshold},
		{"commitment index zero", func() error {
			_, err := bls.PublicShareFromCommitments([]*bls.PublicKey{secret.PublicKey()}, 0)
			return err
		}, bls.ErrThreshold},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if err := tc.run(); !errors.Is(err, tc.want) {
				t.Fatalf("err = %v, want %v", err, tc.want)
			}
		})
	}
}

func TestSplitIsDeterministicPerReaderAndIndicesStartAtOne(t *testing.T) {
	secret := mustKey(t, 2)
	a, err := bls.Split(secret, 4, 3, seeded(3))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := bls.Split(secret, 4, 3, seeded(3))
	c, _ := bls.Split(secret, 4, 3, seeded(4))
	for i := uint64(1); i <= 4; i++ {
		if a[i] == nil || !a[i].Equal(b[i]) {
			t.Fatalf("share %d differs for the same reader", i)
		}
		if a[i].Equal(c[i]) || a[i].Equal(secret) {
			t.Fatalf("share %d equals another reader's share or the secret", i)
		}
	}
	if _, ok := a[0]; ok {
		t.Fatal("share index 0 handed out")
	}
}
