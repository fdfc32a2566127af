package bls_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/stingerdvt/stinger/eth2/bls"
)

// SignHashed over a message hashed once equals Sign for random keys and messages of every length class
// (the spec vectors are checked in TestVectors), verifies, and is safe from many goroutines.
func TestSignHashedEqualsSign(t *testing.T) {
	r := seeded(77)
	for _, size := range []int{0, 1, 32, 33, 200} {
		msg := make([]byte, size)
		_, _ = r.Read(msg)
		hm, err := bls.HashMessage(msg)
		if err != nil {
			t.Fatal(err)
		}
		keys := make([]*bls.SecretKey, 8)
		for i := range keys {
			if keys[i], err = bls.GenerateSecretKey(r); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		for i, sk := range keys {
			wg.Go(func() {
				got, want := sk.SignHashed(hm), sk.Sign(msg)
				if !got.Equal(want) {
					t.Errorf("message of %d bytes, key %d: SignHashed %x, Sign %x", size, i, got.Bytes(), want.Bytes())
				}
				if !got.Verify(sk.PublicKey(), msg) {
					t.Errorf("message of %d bytes, key %d: SignHashed does not verify", size, i)
				}
			})
		}
		wg.Wait()
	}
	// A different message's hash gives a different signature.
	a, _ := bls.HashMessage([]byte("a"))
	sk := mustKey(t, 3)
	if sk.SignHashed(a).Equal(sk.Sign([]byte("b"))) {
		t.Fatal("SignHashed(hash of a) equals Sign(b)")
	}
}

// BenchmarkSignSameMessage compares, for k keys signing one 32-byte root (a slot's attestations), k
// plain signatures with one hash and k multiplications.
func BenchmarkSignSameMessage(b *testing.B) {
	for _, k := range []int{1, 32} {
		keys := make([]*bls.SecretKey, k)
		for i := range keys {
			keys[i] = mustKey(b, uint64(i+1))
		}
		b.Run(fmt.Sprintf("keys=%d/Sign", k), func(b *testing.B) {
			for b.Loop() {
				for _, sk := range keys {
					sk.Sign(benchMsg)
				}
			}
		})
		b.Run(fmt.Sprintf("keys=%d/HashMessage+SignHashed", k), func(b *testing.B) {
			for b.Loop() {
				hm, err := bls.HashMessage(benchMsg)
				if err != nil {
					b.Fatal(err)
				}
				for _, sk := range keys {
					sk.SignHashed(hm)
				}
			}
		})
	}
}
