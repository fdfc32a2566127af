package slashing

import (
	"context"
	"errors"
	"path/filepath"
	"sync"
	"testing"

	"github.com/attestantio/go-eth2-client/spec/phase0"
)

func internalStore(t *testing.T, opts ...Option) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "sp.db"), phase0.Root{9}, opts...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func blockReq(pk byte, slot uint64, r byte) *request {
	root := phase0.Root{r, 1}
	return &request{ctx: context.Background(), kind: KindBlock, pubkey: phase0.BLSPubKey{pk}, slot: slot, root: &root}
}

func attReq(pk byte, src, tgt uint64, r byte) *request {
	root := phase0.Root{r, 2}
	return &request{ctx: context.Background(), kind: KindAttestation, pubkey: phase0.BLSPubKey{pk}, source: src, target: tgt, root: &root}
}

// TestBatchChecksEachRequestAgainstEarlierOnesAndIsolatesRefusals applies one
// batch holding slashable pairs and safe requests: each request is judged
// against the database plus the requests before it, refusals are not
// written, and the safe requests of the batch are all recorded.
func TestBatchChecksEachRequestAgainstEarlierOnesAndIsolatesRefusals(t *testing.T) {
	s := internalStore(t)
	batch := []*request{
		blockReq(1, 10, 1),   // safe
		blockReq(1, 10, 2),   // double block with the request above
		blockReq(2, 10, 3),   // other validator: safe
		attReq(1, 3, 4, 1),   // safe
		attReq(1, 2, 5, 2),   // surrounds the request above
		attReq(1, 4, 5, 3),   // safe: the refused surround was not written
		blockReq(1, 10, 1),   // re-sign of the first request: safe
		attReq(1, 6, 5, 4),   // source after target
		blockReq(3, 7, 5),    // safe
		attReq(1, 3, 4, 1),   // re-sign: safe
		attReq(2, 0, 9, 6),   // other validator: safe
		attReq(2, 1, 8, 7),   // surrounded by the request above
		blockReq(2, 9, 8),    // below validator 2's lowest slot 10
		blockReq(2, 11, 9),   // safe
		attReq(3, 0, 1, 10),  // safe
		attReq(3, 0, 1, 11),  // double vote
		attReq(3, 1, 2, 12),  // safe
		attReq(3, 1, 2, 12),  // re-sign: safe
		attReq(3, 2, 3, 13),  // safe
		attReq(3, 0, 4, 14),  // surrounds (1,2) and (2,3)
		blockReq(4, 1, 15),   // safe
		blockReq(4, 1, 15),   // re-sign: safe
		blockReq(4, 0, 16),   // below lowest slot
		attReq(4, 10, 10, 1), // safe (source == target is allowed)
	}
	want := []error{nil, ErrDoubleBlock, nil, nil, ErrSurroundVote, nil, nil, ErrSourceAfterTarget, nil, nil, nil,
		ErrSurroundedVote, ErrBelowWatermark, nil, nil, ErrDoubleVote, nil, nil, nil, ErrSurroundVote, nil, nil,
		ErrBelowWatermark, nil}
	got := s.applyChecks(batch)
	for i := range batch {
		if (want[i] == nil) != (got[i] == nil) || (want[i] != nil && !errors.Is(got[i], want[i])) {
			t.Errorf("request %d: got %v, want %v", i, got[i], want[i])
		}
	}
	if s.batches.Load() != 1 {
		t.Fatalf("%d commits, want 1", s.batches.Load())
	}
	// Everything answered safe is recorded: repeating with another root is
	// refused. The refused surround (2,5) was not recorded, so (2,5) with
	// another root is still refused only as a surround, not a double vote.
	ctx := context.Background()
	if err := s.CheckAndRecordBlock(ctx, phase0.BLSPubKey{2}, 11, phase0.Root{99}); !errors.Is(err, ErrDoubleBlock) {
		t.Errorf("safe block of the batch not recorded: %v", err)
	}
	if err := s.CheckAndRecordAttestation(ctx, phase0.BLSPubKey{1}, 2, 5, phase0.Root{99}); !errors.Is(err, ErrDoubleVote) {
		t.Errorf("(4,5) of the batch not recorded or (2,5) leaked: %v", err)
	}
}

// TestFailedBatchFailsEveryRequestWithoutPartialState makes a commit fail:
// every request of that batch that would have been safe gets the error, and
// none of them is in the database afterwards.
func TestFailedBatchFailsEveryRequestWithoutPartialState(t *testing.T) {
	s := internalStore(t)
	before := exportBytes(t, s)
	boom := errors.New("disk on fire")
	s.failCommit = func() error { return boom }
	batch := []*request{blockReq(1, 5, 1), attReq(1, 1, 2, 1), blockReq(2, 5, 2), blockReq(1, 5, 3)}
	got := s.applyChecks(batch)
	for i, err := range got[:3] {
		if !errors.Is(err, boom) {
			t.Errorf("request %d: got %v, want the commit failure", i, err)
		}
	}
	if !errors.Is(got[3], ErrDoubleBlock) {
		t.Errorf("request 3: got %v, want its own refusal", got[3])
	}
	s.failCommit = nil
	if after := exportBytes(t, s); string(after) != string(before) {
		t.Fatalf("failed batch left state behind:\n%s", after)
	}
	if err := s.CheckAndRecordBlock(context.Background(), phase0.BLSPubKey{1}, 5, phase0.Root{7}); err != nil {
		t.Fatalf("slot of the failed batch is still blocked: %v", err)
	}
}

// TestConcurrentRequestsShareCommits shows group commit at work: 64
// goroutines each signing 20 attestations need far fewer commits than
// requests, and every request is answered safe.
func TestConcurrentRequestsShareCommits(t *testing.T) {
	s := internalStore(t)
	const goroutines, each = 64, 20
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				err := s.CheckAndRecordAttestation(context.Background(), phase0.BLSPubKey{byte(g), 1},
					phase0.Epoch(i), phase0.Epoch(i+1), phase0.Root{byte(i), byte(g)})
				if err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	wg.Wait()
	reqs, commits := s.batched.Load(), s.batches.Load()
	if reqs != goroutines*each {
		t.Fatalf("%d requests processed, want %d", reqs, goroutines*each)
	}
	if commits*4 > reqs {
		t.Fatalf("%d commits for %d requests: group commit is not batching", commits, reqs)
	}
	t.Logf("%d requests in %d commits (%.1f per commit)", reqs, commits, float64(reqs)/float64(commits))
}

func exportBytes(t *testing.T, s *Store) []byte {
	t.Helper()
	ic, err := s.ExportInterchange(context.Background(), StrategyComplete)
	if err != nil {
		t.Fatal(err)
	}
	var out []byte
	for _, d := range ic.Data {
		b, err := d.MarshalJSON()
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, b...)
	}
	return out
}
