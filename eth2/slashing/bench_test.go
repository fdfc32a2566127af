package slashing

import (
	"context"
	"path/filepath"
	"runtime"
	"sync/atomic"
	"testing"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	bolt "go.etcd.io/bbolt"
)

// benchHistory is the number of attestations recorded per validator before
// a benchmark starts, so that surround checks run against a long history.
const benchHistory = 10_000

// seedHistory writes benchHistory attestations (source t-1, target t for t
// in 1..benchHistory) and as many blocks for each validator, one transaction
// per validator, with append-friendly fill.
func seedHistory(tb testing.TB, s *Store, pubkeys []phase0.BLSPubKey) {
	tb.Helper()
	for _, pk := range pubkeys {
		err := s.db.Update(func(tx *bolt.Tx) error {
			v, err := loadValidator(tx.Bucket(s.chain), pk)
			if err != nil {
				return err
			}
			if err := v.ensureID(); err != nil {
				return err
			}
			v.atts.FillPercent, v.blocks.FillPercent = 0.95, 0.95
			for t := uint64(1); t <= benchHistory; t++ {
				root := phase0.Root{byte(t), byte(t >> 8), 1}
				if err := v.atts.Put(v.attKey(t, t-1), encodeRecord(&root)); err != nil {
					return err
				}
				if err := v.blocks.Put(v.slotKey(t), encodeRecord(&root)); err != nil {
					return err
				}
				v.sum.addAttestation(t-1, t)
				v.sum.addBlock(t)
			}
			return v.saveSummary()
		})
		if err != nil {
			tb.Fatal(err)
		}
	}
}

func benchPubkey(i int) phase0.BLSPubKey {
	var pk phase0.BLSPubKey
	pk[0], pk[1], pk[47] = 0xb0, byte(i), byte(i>>8)
	return pk
}

func openBench(b *testing.B, validators int) (*Store, []phase0.BLSPubKey) {
	b.Helper()
	s, err := Open(filepath.Join(b.TempDir(), "bench.db"), phase0.Root{1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = s.Close() })
	pks := make([]phase0.BLSPubKey, validators)
	for i := range pks {
		pks[i] = benchPubkey(i)
	}
	seedHistory(b, s, pks)
	return s, pks
}

// BenchmarkCheckAndRecordAttestationSerial measures one goroutine signing
// attestations back to back for one validator with 10,000 recorded
// attestations: every answer waits for its own fsync.
func BenchmarkCheckAndRecordAttestationSerial(b *testing.B) {
	s, pks := openBench(b, 1)
	ctx := context.Background()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t := phase0.Epoch(benchHistory + 1 + i)
		if err := s.CheckAndRecordAttestation(ctx, pks[0], t-1, t, phase0.Root{byte(i), 2}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
}

// BenchmarkCheckAndRecordAttestationParallel64 measures 64 goroutines, one
// validator each (10,000 recorded attestations per validator), signing
// attestations concurrently: group commit shares each fsync among a batch.
func BenchmarkCheckAndRecordAttestationParallel64(b *testing.B) {
	benchParallel(b, func(ctx context.Context, s *Store, pk phase0.BLSPubKey, n int) error {
		t := phase0.Epoch(benchHistory + 1 + n)
		return s.CheckAndRecordAttestation(ctx, pk, t-1, t, phase0.Root{byte(n), 3})
	})
}

// BenchmarkCheckAndRecordBlockParallel64 is the same for block proposals.
func BenchmarkCheckAndRecordBlockParallel64(b *testing.B) {
	benchParallel(b, func(ctx context.Context, s *Store, pk phase0.BLSPubKey, n int) error {
		return s.CheckAndRecordBlock(ctx, pk, phase0.Slot(benchHistory+1+n), phase0.Root{byte(n), 4})
	})
}

func benchParallel(b *testing.B, op func(context.Context, *Store, phase0.BLSPubKey, int) error) {
	s, pks := openBench(b, 64)
	b.ResetTimer()
	benchParallelOn(b, s, pks, op)
}

func benchParallelOn(b *testing.B, s *Store, pks []phase0.BLSPubKey, op func(context.Context, *Store, phase0.BLSPubKey, int) error) {
	goroutines := len(pks)
	ctx := context.Background()
	var next atomic.Int64
	b.SetParallelism((goroutines + runtime.GOMAXPROCS(0) - 1) / runtime.GOMAXPROCS(0))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		pk := pks[int(next.Add(1)-1)%len(pks)]
		for n := 0; pb.Next(); n++ {
			if err := op(ctx, s, pk, n); err != nil {
				b.Error(err)
				return
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "ops/s")
	if n := s.batches.Load(); n > 0 {
		b.ReportMetric(float64(s.batched.Load())/float64(n), "reqs/batch")
	}
}
