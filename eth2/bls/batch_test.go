package bls_test

import (
	"errors"
	"fmt"
	"io"
	"math/big"
	"slices"
	"testing"
	"testing/iotest"

	"github.com/stingerdvt/stinger/eth2/bls"
)

// partialBatch builds the partial signatures of `validators` validators, each
// split 3-of-4, every operator signing its validator's message: the shape of a
// duty's partial signatures. Items are ordered validator-major.
func partialBatch(t testing.TB, validators int) []bls.BatchItem {
	t.Helper()
	var items []bls.BatchItem
	for v := range validators {
		secret := mustKey(t, uint64(1000+v))
		shares, err := bls.Split(secret, 4, 3, seeded(uint64(2000+v)))
		if err != nil {
			t.Fatal(err)
		}
		msg := []byte(fmt.Sprintf("signing root of validator %d", v))
		for i := uint64(1); i <= 4; i++ {
			items = append(items, bls.BatchItem{
				PublicKey: shares[i].PublicKey(), Message: msg, Signature: shares[i].Sign(msg),
			})
		}
	}
	return items
}

func TestFindInvalidPinpointsBadPartials(t *testing.T) {
	base := partialBatch(t, 8) // 32 partials
	wrong := mustKey(t, 77)
	tests := []struct {
		name string
		bad  []int
	}{
		{"all valid", nil},
		{"first", []int{0}},
		{"last", []int{31}},
		{"one in the middle", []int{13}},
		{"two in one validator", []int{4, 6}},
		{"spread", []int{1, 9, 17, 30}},
		{"half", []int{0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30}},
		{"all", func() []int {
			var all []int
			for i := range 32 {
				all = append(all, i)
			}
			return all
		}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			items := slices.Clone(base)
			for _, i := range tc.bad {
				items[i].Signature = wrong.Sign(items[i].Message)
			}
			if got := bls.BatchVerify(items, seeded(1)); got != (len(tc.bad) == 0) {
				t.Fatalf("BatchVerify = %v with %d bad", got, len(tc.bad))
			}
			got, err := bls.FindInvalid(items, seeded(2))
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tc.bad) {
				t.Fatalf("FindInvalid = %v, want %v", got, tc.bad)
			}
		})
	}
}

// TestBatchVerifyCatchesCancellingForgeries swaps the signatures of two items
// and shifts two signatures by +d and -d: the plain sums still match, so only
// the random weights can catch them.
func TestBatchVerifyCatchesCancellingForgeries(t *testing.T) {
	a, b, c := mustKey(t, 1), mustKey(t, 2), mustKey(t, 3)
	m1, m2 := []byte("one"), []byte("two")
	t.Run("swapped signatures, same message", func(t *testing.T) {
		items := []bls.BatchItem{
			{PublicKey: a.PublicKey(), Message: m1, Signature: b.Sign(m1)},
			{PublicKey: b.PublicKey(), Message: m1, Signature: a.Sign(m1)},
		}
		agg, _ := bls.Aggregate([]*bls.Signature{items[0].Signature, items[1].Signature})
		if !bls.FastAggregateVerify([]*bls.PublicKey{a.PublicKey(), b.PublicKey()}, m1, agg) {
			t.Fatal("setup: the unweighted aggregate should verify")
		}
		if bls.BatchVerify(items, seeded(3)) {
			t.Fatal("swapped signatures accepted")
		}
		if bad, _ := bls.FindInvalid(items, seeded(4)); !slices.Equal(bad, []int{0, 1}) {
			t.Fatalf("FindInvalid = %v, want [0 1]", bad)
		}
	})
	t.Run("shifted by plus and minus d", func(t *testing.T) {
		d := c.Sign(m2)
		neg := negKey(t, c).Sign(m2)
		if sum, _ := bls.Aggregate([]*bls.Signature{d, neg}); !sum.IsInfinity() {
			t.Fatal("setup: d + (-d) is not infinity")
		}
		s1, _ := bls.Aggregate([]*bls.Signature{a.Sign(m1), d})
		s2, _ := bls.Aggregate([]*bls.Signature{b.Sign(m2), neg})
		items := []bls.BatchItem{
			{PublicKey: a.PublicKey(), Message: m1, Signature: s1},
			{PublicKey: b.PublicKey(), Message: m2, Signature: s2},
		}
		agg, _ := bls.Aggregate([]*bls.Signature{s1, s2})
		if !bls.AggregateVerify([]*bls.PublicKey{a.PublicKey(), b.PublicKey()}, [][]byte{m1, m2}, agg) {
			t.Fatal("setup: the unweighted aggregate should verify")
		}
		if bls.BatchVerify(items, seeded(5)) {
			t.Fatal("cancelling forgeries accepted")
		}
	})
}

// negKey returns the key r - sk, whose signatures are the negations of sk's.
func negKey(t testing.TB, sk *bls.SecretKey) *bls.SecretKey {
	t.Helper()
	r, _ := new(big.Int).SetString("73eda753299d7d483339d80809a1d80553bda402fffe5bfeffffffff00000001", 16)
	v := new(big.Int).Sub(r, new(big.Int).SetBytes(sk.Bytes()))
	neg, err := bls.SecretKeyFromBytes(v.FillBytes(make([]byte, 32)))
	if err != nil {
		t.Fatal(err)
	}
	return neg
}

func TestBatchRejectsBadInput(t *testing.T) {
	a := mustKey(t, 1)
	msg := []byte("m")
	good := bls.BatchItem{PublicKey: a.PublicKey(), Message: msg, Signature: a.Sign(msg)}
	inf, _ := bls.SignatureFromBytesAllowInfinity(append([]byte{0xc0}, make([]byte, 95)...))
	tests := []struct {
		name    string
		items   []bls.BatchItem
		r       io.Reader
		wantErr error // nil: expect FindInvalid to succeed with wantBad
		wantBad []int
	}{
		{name: "empty batch", items: nil, r: seeded(9), wantErr: bls.ErrEmpty},
		{name: "nil reader", items: []bls.BatchItem{good}, r: nil, wantErr: bls.ErrNilInput},
		{name: "failing reader", items: []bls.BatchItem{good}, r: iotest.ErrReader(errBoom), wantErr: errBoom},
		{name: "nil public key", items: []bls.BatchItem{good, {Message: msg, Signature: good.Signature}}, r: seeded(9), wantBad: []int{1}},
		{name: "nil signature", items: []bls.BatchItem{{PublicKey: a.PublicKey(), Message: msg}, good}, r: seeded(9), wantBad: []int{0}},
		{name: "infinity signature", items: []bls.BatchItem{good, {PublicKey: a.PublicKey(), Message: msg, Signature: inf}}, r: seeded(9), wantBad: []int{1}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if bls.BatchVerify(tc.items, tc.r) {
				t.Fatal("BatchVerify accepted")
			}
			bad, err := bls.FindInvalid(tc.items, tc.r)
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("err = %v, want %v", err, tc.wantErr)
				}
				return
			}
			if err != nil || !slices.Equal(bad, tc.wantBad) {
				t.Fatalf("FindInvalid = %v, %v; want %v", bad, err, tc.wantBad)
			}
		})
	}
}

var errBoom = errors.New("boom")

// TestFindInvalidLargeBatchUsesAllWorkers runs a batch big enough to take the
// parallel paths (hashing, weighted sums, chunked Miller loops) under -race,
// with distinct messages and three bad items.
func TestFindInvalidLargeBatchUsesAllWorkers(t *testing.T) {
	items := make([]bls.BatchItem, 200)
	for i := range items {
		sk := mustKey(t, uint64(300+i))
		msg := []byte(fmt.Sprintf("root %d", i))
		items[i] = bls.BatchItem{PublicKey: sk.PublicKey(), Message: msg, Signature: sk.Sign(msg)}
	}
	if !bls.BatchVerify(items, seeded(1)) {
		t.Fatal("valid batch rejected")
	}
	want := []int{3, 150, 199}
	for _, i := range want {
		items[i].Message = []byte("tampered")
	}
	got, err := bls.FindInvalid(items, seeded(2))
	if err != nil || !slices.Equal(got, want) {
		t.Fatalf("FindInvalid = %v, %v; want %v", got, err, want)
	}
}
