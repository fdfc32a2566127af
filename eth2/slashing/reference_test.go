package slashing_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stingerdvt/stinger/eth2/slashing"
)

// refRecord is one message in the brute-force reference model.
type refRecord struct{ a, b, root uint64 } // block: a = slot; attestation: a = source, b = target

// refModel is a deliberately naive model of the rules: it scans the whole
// history for every decision.
type refModel struct {
	strategy slashing.Strategy
	blocks   map[byte][]refRecord
	atts     map[byte][]refRecord
}

func (m *refModel) block(pk byte, slot, root uint64) bool {
	h := m.blocks[pk]
	if m.strategy == slashing.StrategyMinimal {
		for _, r := range h {
			if slot <= r.a {
				return false
			}
		}
	}
	for _, r := range h {
		if r.a == slot {
			return root != 0 && r.root == root // repeat, nothing to record
		}
	}
	if m.strategy == slashing.StrategyComplete && len(h) > 0 && slot <= minOf(h, func(r refRecord) uint64 { return r.a }) {
		return false
	}
	m.blocks[pk] = append(h, refRecord{a: slot, root: root})
	return true
}

func (m *refModel) attest(pk byte, src, tgt, root uint64) bool {
	h := m.atts[pk]
	if src > tgt {
		return false
	}
	if m.strategy == slashing.StrategyMinimal {
		for _, r := range h {
			if src < r.a || tgt <= r.b {
				return false
			}
		}
	}
	for _, r := range h {
		if r.b == tgt {
			return m.strategy == slashing.StrategyComplete && r.a == src && root != 0 && r.root == root
		}
	}
	for _, r := range h {
		if (src < r.a && r.b < tgt) || (r.a < src && tgt < r.b) {
			return false
		}
	}
	if len(h) > 0 && (src < minOf(h, func(r refRecord) uint64 { return r.a }) || tgt <= minOf(h, func(r refRecord) uint64 { return r.b })) {
		return false
	}
	m.atts[pk] = append(h, refRecord{a: src, b: tgt, root: root})
	return true
}

func minOf(h []refRecord, f func(refRecord) uint64) uint64 {
	m := f(h[0])
	for _, r := range h[1:] {
		m = min(m, f(r))
	}
	return m
}

// TestChecksAgreeWithBruteForceModel signs 4 × 2,000 random blocks and
// attestations (3 validators whose keys share buckets, small ranges so that
// conflicts are frequent) under each strategy and compares every answer of
// the indexed store with a model that scans the whole history.
func TestChecksAgreeWithBruteForceModel(t *testing.T) {
	for _, strategy := range []slashing.Strategy{slashing.StrategyComplete, slashing.StrategyMinimal} {
		for seed := range uint64(4) {
			t.Run(fmt.Sprintf("%s/seed%d", strategy, seed), func(t *testing.T) { runModelComparison(t, strategy, seed) })
		}
	}
}

func runModelComparison(t *testing.T, strategy slashing.Strategy, seed uint64) {
	rng := rand.New(rand.NewPCG(3076, seed))
	s := openStore(t, "", slashing.WithStrategy(strategy), slashing.WithoutFsyncForTests())
	m := &refModel{strategy: strategy, blocks: map[byte][]refRecord{}, atts: map[byte][]refRecord{}}
	ctx := context.Background()
	safe := 0
	var log []string
	for i := range 2000 {
		pk, root := byte(rng.IntN(3)), uint64(rng.IntN(3))
		var o op
		var want bool
		if rng.IntN(3) == 0 {
			slot := uint64(rng.IntN(60))
			o, want = blk(slot, root).on(pk), m.block(pk, slot, root)
		} else {
			src := uint64(rng.IntN(40))
			tgt := src + uint64(rng.IntN(12))
			if rng.IntN(20) == 0 {
				tgt = uint64(rng.IntN(40))
			}
			o, want = att(src, tgt, root).on(pk), m.attest(pk, src, tgt, root)
		}
		err := o.run(ctx, s)
		log = append(log, fmt.Sprintf("%s=%v", describe(o), err == nil))
		var se *slashing.SlashableError
		if (err == nil) != want || (err != nil && !errors.As(err, &se)) {
			t.Fatalf("op %d %s: store says %v, model says safe=%v; last signings %v", i, describe(o), err, want, log[max(0, len(log)-20):])
		}
		if want {
			safe++
		}
	}
	t.Logf("%s: 2000 random signings, %d safe, all answers match the model", strategy, safe)
}

func describe(o op) string {
	if o.block {
		return fmt.Sprintf("validator %d block slot %d root %d", o.pk, o.slot, o.root)
	}
	return fmt.Sprintf("validator %d attestation %d->%d root %d", o.pk, o.src, o.tgt, o.root)
}
