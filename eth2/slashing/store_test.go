package slashing_test

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/slashing"
)

// TestChecksRefuseEachOffenceAndNameIt drives each strategy through a
// history and checks the verdict of one more signing: nil, or the offence
// sentinel with the conflicting record named in the error.
func TestChecksRefuseEachOffenceAndNameIt(t *testing.T) {
	complete, minimal := slashing.StrategyComplete, slashing.StrategyMinimal
	tests := []struct {
		name     string
		strategy slashing.Strategy
		history  []op
		try      op
		want     error
		conflict string // substring of the error naming the recorded message
	}{
		{"first block is safe", complete, nil, blk(10, 1), nil, ""},
		{"block at a new higher slot is safe", complete, []op{blk(10, 1)}, blk(11, 2), nil, ""},
		{"same slot different root is a double block", complete, []op{blk(10, 1)}, blk(10, 2), slashing.ErrDoubleBlock, "recorded block slot 10"},
		{"same slot same root is a safe re-sign", complete, []op{blk(10, 1)}, blk(10, 1), nil, ""},
		{"zero root never re-signs", complete, []op{blk(10, 0)}, blk(10, 0), slashing.ErrDoubleBlock, "root unknown"},
		{"block below the oldest record is refused", complete, []op{blk(10, 1)}, blk(9, 2), slashing.ErrBelowWatermark, "lowest recorded slot 10"},
		{"block in a gap is safe under complete", complete, []op{blk(10, 1), blk(20, 2)}, blk(15, 3), nil, ""},
		{"block in a gap is refused under minimal", minimal, []op{blk(10, 1), blk(20, 2)}, blk(15, 3), slashing.ErrBelowWatermark, "minimal strategy"},
		{"re-sign at the highest slot is refused under minimal", minimal, []op{blk(10, 1)}, blk(10, 1), slashing.ErrBelowWatermark, ""},
		{"blocks of other validators are independent", complete, []op{blk(10, 1).on(2)}, blk(10, 2), nil, ""},
		{"first attestation is safe", complete, nil, att(1, 2, 1), nil, ""},
		{"source after target is refused", complete, nil, att(3, 2, 1), slashing.ErrSourceAfterTarget, ""},
		{"same target different root is a double vote", complete, []op{att(1, 2, 1)}, att(1, 2, 2), slashing.ErrDoubleVote, "recorded attestation source 1 target 2"},
		{"same target other source is a double vote", complete, []op{att(1, 3, 1)}, att(2, 3, 1), slashing.ErrDoubleVote, "source 1 target 3"},
		{"identical attestation is a safe re-sign", complete, []op{att(1, 2, 1)}, att(1, 2, 1), nil, ""},
		{"zero-root attestation never re-signs", complete, []op{att(1, 2, 0)}, att(1, 2, 0), slashing.ErrDoubleVote, ""},
		{"surround vote is refused", complete, []op{att(1, 2, 1), att(3, 4, 2)}, att(2, 5, 3), slashing.ErrSurroundVote, "source 3 target 4"},
		{"surrounded vote is refused", complete, []op{att(1, 2, 1), att(2, 10, 2)}, att(3, 4, 3), slashing.ErrSurroundedVote, "source 2 target 10"},
		{"surrounding the oldest record names the record", complete, []op{att(5, 6, 1)}, att(4, 7, 2), slashing.ErrSurroundVote, "source 5 target 6"},
		{"source below the lowest source without surround is refused", complete, []op{att(5, 6, 1), att(6, 9, 2)}, att(4, 5, 3), slashing.ErrBelowWatermark, "lowest recorded source 5"},
		{"attestation below the lowest target is refused", complete, []op{att(5, 6, 1)}, att(5, 5, 2), slashing.ErrBelowWatermark, "lowest recorded target 6"},
		{"non-surrounding attestation in a gap is safe under complete", complete, []op{att(1, 2, 1), att(5, 10, 2)}, att(2, 4, 3), nil, ""},
		{"same attestation in a gap is refused under minimal", minimal, []op{att(1, 2, 1), att(5, 10, 2)}, att(2, 4, 3), slashing.ErrBelowWatermark, "minimal strategy"},
		{"source may stay under minimal", minimal, []op{att(5, 6, 1)}, att(5, 7, 2), nil, ""},
		{"surround inside a long history is found", complete, longHistory(200), att(50, 250, 9999), slashing.ErrSurroundVote, "source 51 target 52"},
		{"surrounded inside a long history is found", complete, append(longHistory(200), att(200, 400, 7777)), att(201, 300, 9999), slashing.ErrSurroundedVote, "target 400"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t, "", slashing.WithStrategy(tc.strategy))
			for i, h := range tc.history {
				if err := h.run(ctx, s); err != nil {
					t.Fatalf("history %d: %v", i, err)
				}
			}
			err := tc.try.run(ctx, s)
			if tc.want == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var se *slashing.SlashableError
			if !errors.Is(err, tc.want) || !errors.As(err, &se) {
				t.Fatalf("got %v, want %v as *SlashableError", err, tc.want)
			}
			if !strings.Contains(err.Error(), tc.conflict) {
				t.Fatalf("error %q does not name %q", err, tc.conflict)
			}
		})
	}
}

// longHistory is attestations (t-1, t) for t in 1..n, one commit each.
func longHistory(n uint64) []op {
	h := make([]op, 0, n)
	for t := uint64(1); t <= n; t++ {
		h = append(h, att(t-1, t, t))
	}
	return h
}

// TestConcurrentSignersOfOneSlotGetExactlyOneSafeAnswer races 32 goroutines
// to sign different blocks and attestations at the same slot and target of
// one validator: the group commit must let exactly one of each through.
func TestConcurrentSignersOfOneSlotGetExactlyOneSafeAnswer(t *testing.T) {
	s := openStore(t, "")
	ctx := context.Background()
	var wg sync.WaitGroup
	var mu sync.Mutex
	safeBlocks, safeAtts := 0, 0
	for i := range 32 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errB := s.CheckAndRecordBlock(ctx, pubkey(1), 100, root(uint64(i+1)))
			errA := s.CheckAndRecordAttestation(ctx, pubkey(1), 10, 11, root(uint64(i+1)))
			for _, err := range []error{errB, errA} {
				if err != nil && !errors.Is(err, slashing.ErrDoubleBlock) && !errors.Is(err, slashing.ErrDoubleVote) {
					t.Errorf("unexpected error: %v", err)
				}
			}
			mu.Lock()
			defer mu.Unlock()
			if errB == nil {
				safeBlocks++
			}
			if errA == nil {
				safeAtts++
			}
		}()
	}
	wg.Wait()
	if safeBlocks != 1 || safeAtts != 1 {
		t.Fatalf("safe answers: %d blocks, %d attestations; want 1 and 1", safeBlocks, safeAtts)
	}
}

// TestSafeAnswersSurviveReopen closes the store after safe answers and shows
// that a reopened store refuses to contradict them.
func TestSafeAnswersSurviveReopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sp.db")
	ctx := context.Background()
	s, err := slashing.Open(path, testGVR)
	if err != nil {
		t.Fatal(err)
	}
	if err := blk(5, 1).run(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := att(1, 2, 1).run(ctx, s); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := blk(6, 1).run(ctx, s); !errors.Is(err, slashing.ErrClosed) {
		t.Fatalf("after Close: %v, want ErrClosed", err)
	}
	s = openStore(t, path)
	if err := blk(5, 2).run(ctx, s); !errors.Is(err, slashing.ErrDoubleBlock) {
		t.Fatalf("double block after reopen: %v", err)
	}
	if err := att(1, 2, 2).run(ctx, s); !errors.Is(err, slashing.ErrDoubleVote) {
		t.Fatalf("double vote after reopen: %v", err)
	}
}

// TestHistoriesAreSeparatePerGenesisValidatorsRoot shows one file holds one
// history per chain.
func TestHistoriesAreSeparatePerGenesisValidatorsRoot(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sp.db")
	ctx := context.Background()
	a, err := slashing.Open(path, phase0.Root{1})
	if err != nil {
		t.Fatal(err)
	}
	if err := blk(5, 1).run(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	b, err := slashing.Open(path, phase0.Root{2})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	if err := blk(5, 2).run(ctx, b); err != nil {
		t.Fatalf("other chain's history leaked: %v", err)
	}
}

// TestCanceledContextIsNeverSafe shows a canceled caller gets its context's
// error, not a safe answer.
func TestCanceledContextIsNeverSafe(t *testing.T) {
	s := openStore(t, "")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := blk(1, 1).run(ctx, s); !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
}

// TestCloseAnswersEveryPendingRequest closes while many requests are in
// flight: each gets a definite answer (safe or ErrClosed), and every safe
// one is in the store after reopening.
func TestCloseAnswersEveryPendingRequest(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sp.db")
	s, err := slashing.Open(path, testGVR)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	results := make([]error, 64)
	var wg sync.WaitGroup
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i] = blk(uint64(i+1), uint64(i+1)).on(byte(i)).run(ctx, s)
		}()
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	s = openStore(t, path)
	for i, err := range results {
		switch {
		case err == nil:
			if again := blk(uint64(i+1), 999).on(byte(i)).run(ctx, s); !errors.Is(again, slashing.ErrDoubleBlock) {
				t.Errorf("request %d was answered safe but is not recorded: %v", i, again)
			}
		case !errors.Is(err, slashing.ErrClosed):
			t.Errorf("request %d: %v, want nil or ErrClosed", i, err)
		}
	}
}

// TestOpenValidatesOptions shows bad options are refused by name.
func TestOpenValidatesOptions(t *testing.T) {
	tests := []struct {
		name string
		opt  slashing.Option
		want string
	}{
		{"unknown strategy", slashing.WithStrategy(7), "strategy 7"},
		{"zero batch", slashing.WithMaxBatch(0), "max batch 0"},
		{"negative linger", slashing.WithMaxLinger(-1), "max linger"},
		{"nil logger", slashing.WithLogger(nil), "nil logger"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := slashing.Open(filepath.Join(t.TempDir(), "sp.db"), testGVR, tc.opt)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("got %v, want error naming %q", err, tc.want)
			}
		})
	}
}

// TestSecondOpenOfALockedFileTimesOut shows two stores never share a file.
func TestSecondOpenOfALockedFileTimesOut(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sp.db")
	openStore(t, path)
	if _, err := slashing.Open(path, testGVR, slashing.WithOpenTimeout(50e6)); err == nil {
		t.Fatal("second open of a locked file succeeded")
	}
}
