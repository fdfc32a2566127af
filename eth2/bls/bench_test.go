package bls_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/eth2/bls"
)

var benchMsg = []byte("0123456789abcdef0123456789abcdef") // a 32-byte signing root

func BenchmarkSign(b *testing.B) {
	sk := mustKey(b, 1)
	for b.Loop() {
		sk.Sign(benchMsg)
	}
}

func BenchmarkVerify(b *testing.B) {
	sk := mustKey(b, 1)
	pk, sig := sk.PublicKey(), sk.Sign(benchMsg)
	for b.Loop() {
		if !sig.Verify(pk, benchMsg) {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkSignatureFromBytes(b *testing.B) {
	raw := mustKey(b, 1).Sign(benchMsg).Bytes()
	for b.Loop() {
		if _, err := bls.SignatureFromBytes(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkPublicKeyFromBytes(b *testing.B) {
	raw := mustKey(b, 1).PublicKey().Bytes()
	for b.Loop() {
		if _, err := bls.PublicKeyFromBytes(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkAggregate100(b *testing.B) {
	sigs := make([]*bls.Signature, 100)
	for i := range sigs {
		sigs[i] = mustKey(b, uint64(i)).Sign(benchMsg)
	}
	for b.Loop() {
		if _, err := bls.Aggregate(sigs); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkFastAggregateVerify100(b *testing.B) {
	sigs := make([]*bls.Signature, 100)
	pks := make([]*bls.PublicKey, 100)
	for i := range sigs {
		sk := mustKey(b, uint64(i))
		sigs[i], pks[i] = sk.Sign(benchMsg), sk.PublicKey()
	}
	agg, _ := bls.Aggregate(sigs)
	for b.Loop() {
		if !bls.FastAggregateVerify(pks, benchMsg, agg) {
			b.Fatal("invalid")
		}
	}
}

func BenchmarkRecoverSignature(b *testing.B) {
	for _, t := range []int{3, 5, 7, 11} {
		n := (t-1)/2*3 + 1 // the n = 3f+1 cluster with threshold t = 2f+1
		b.Run(fmt.Sprintf("t=%d", t), func(b *testing.B) {
			secret := mustKey(b, 1)
			shares, err := bls.Split(secret, n, t, seeded(2))
			if err != nil {
				b.Fatal(err)
			}
			partials := map[uint64]*bls.Signature{}
			for i := uint64(1); i <= uint64(t); i++ {
				partials[i] = shares[i].Sign(benchMsg)
			}
			for b.Loop() {
				if _, err := bls.RecoverSignature(partials); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// distinctBatch returns n valid triples with n different keys and messages.
func distinctBatch(b *testing.B, n int) []bls.BatchItem {
	items := make([]bls.BatchItem, n)
	for i := range items {
		sk := mustKey(b, uint64(i))
		msg := []byte(fmt.Sprintf("signing root %d", i))
		items[i] = bls.BatchItem{PublicKey: sk.PublicKey(), Message: msg, Signature: sk.Sign(msg)}
	}
	return items
}

// BenchmarkPartials1000 verifies 1,000 partial signatures one by one and
// batched, in two shapes: 250 validators x 4 operators (the partials of one
// validator share its signing root, as in a duty) and 1,000 distinct messages
// (the worst case for batching).
func BenchmarkPartials1000(b *testing.B) {
	shapes := []struct {
		name  string
		items func(b *testing.B) []bls.BatchItem
	}{
		{"250x4", func(b *testing.B) []bls.BatchItem { return partialBatch(b, 250) }},
		{"distinct", func(b *testing.B) []bls.BatchItem { return distinctBatch(b, 1000) }},
	}
	for _, shape := range shapes {
		items := shape.items(b)
		b.Run(shape.name+"/one-by-one", func(b *testing.B) {
			for b.Loop() {
				for _, it := range items {
					if !bls.VerifyPartial(it.PublicKey, it.Message, it.Signature) {
						b.Fatal("invalid")
					}
				}
			}
		})
		b.Run(shape.name+"/batched", func(b *testing.B) {
			r := seeded(1)
			for b.Loop() {
				if bad, err := bls.FindInvalid(items, r); err != nil || len(bad) > 0 {
					b.Fatal(bad, err)
				}
			}
		})
	}
}

// BenchmarkFindInvalidOneBad is the cost of pinpointing one bad partial in
// 1,000 (250 validators x 4 operators).
func BenchmarkFindInvalidOneBad(b *testing.B) {
	items := partialBatch(b, 250)
	items[517].Signature = mustKey(b, 9).Sign(items[517].Message)
	r := seeded(1)
	for b.Loop() {
		if bad, err := bls.FindInvalid(items, r); err != nil || len(bad) != 1 {
			b.Fatal(bad, err)
		}
	}
}

func BenchmarkBatchVerify(b *testing.B) {
	for _, n := range []int{10, 100, 1000} {
		items := distinctBatch(b, n)
		b.Run(fmt.Sprintf("n=%d", n), func(b *testing.B) {
			r := seeded(1)
			for b.Loop() {
				if !bls.BatchVerify(items, r) {
					b.Fatal("invalid")
				}
			}
		})
	}
}

// BenchmarkPartials1000Speedup measures both paths back to back in every
// iteration, so that load from other processes hits both alike, and reports
// the wall-time ratio one-by-one / batched as "speedup" and the CPU-time ratio
// as "cpu-speedup" (ns/op is the sum of both paths).
func BenchmarkPartials1000Speedup(b *testing.B) {
	for _, shape := range []struct {
		name  string
		items func(b *testing.B) []bls.BatchItem
	}{
		{"250x4", func(b *testing.B) []bls.BatchItem { return partialBatch(b, 250) }},
		{"distinct", func(b *testing.B) []bls.BatchItem { return distinctBatch(b, 1000) }},
		{"one-message", func(b *testing.B) []bls.BatchItem { return sameMessageBatch(b, 1000) }},
	} {
		items := shape.items(b)
		b.Run(shape.name, func(b *testing.B) {
			r := seeded(1)
			var single, batched, singleCPU, batchedCPU time.Duration
			for b.Loop() {
				start, startCPU := time.Now(), processCPU()
				for _, it := range items {
					if !bls.VerifyPartial(it.PublicKey, it.Message, it.Signature) {
						b.Fatal("invalid")
					}
				}
				mid, midCPU := time.Now(), processCPU()
				if bad, err := bls.FindInvalid(items, r); err != nil || len(bad) > 0 {
					b.Fatal(bad, err)
				}
				single += mid.Sub(start)
				batched += time.Since(mid)
				singleCPU += midCPU - startCPU
				batchedCPU += processCPU() - midCPU
			}
			b.ReportMetric(float64(single)/float64(batched), "speedup")
			b.ReportMetric(float64(single.Nanoseconds())/float64(b.N), "ns-one-by-one/op")
			b.ReportMetric(float64(batched.Nanoseconds())/float64(b.N), "ns-batched/op")
			if batchedCPU > 0 {
				// CPU time summed over all threads: the work ratio, immune to
				// machine load, and not flattered by the batched path's threads.
				b.ReportMetric(float64(singleCPU)/float64(batchedCPU), "cpu-speedup")
			}
		})
	}
}

// sameMessageBatch returns n valid triples of n keys over one message: the
// shape of a slot's attestation partials after Electra, when every committee
// signs the same AttestationData (committee index 0).
func sameMessageBatch(b *testing.B, n int) []bls.BatchItem {
	items := make([]bls.BatchItem, n)
	for i := range items {
		sk := mustKey(b, uint64(i))
		items[i] = bls.BatchItem{PublicKey: sk.PublicKey(), Message: benchMsg, Signature: sk.Sign(benchMsg)}
	}
	return items
}
