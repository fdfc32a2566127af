package duties

import (
	"context"
	"fmt"
	"io"
	"sync"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/eth2/bls"
)

// aggregator is the Aggregator: per duty and key it keeps every operator's partial, and once t of
// them sign our own root it recovers the group signature and verifies it against the validator's key.
type aggregator struct {
	threshold int
	groupKeys map[PubKey]*bls.PublicKey
	rand      io.Reader
	log       *zap.Logger
	failures  prometheus.Counter

	mu     sync.Mutex
	duties map[Duty]*aggDuty
	subs   []func(context.Context, Duty, SignedSet)
}

type aggDuty struct {
	expected map[Key]phase0.Root
	partials map[Key]map[int]ParSig
	done     map[Key]bool
}

func newAggregator(threshold int, groupKeys map[PubKey]*bls.PublicKey, r io.Reader, log *zap.Logger,
	failures prometheus.Counter,
) *aggregator {
	return &aggregator{threshold: threshold, groupKeys: groupKeys, rand: r, log: log, failures: failures,
		duties: make(map[Duty]*aggDuty)}
}

func (a *aggregator) Subscribe(fn func(context.Context, Duty, SignedSet)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.subs = append(a.subs, fn)
}

func (a *aggregator) duty(d Duty) *aggDuty {
	ad, ok := a.duties[d]
	if !ok {
		ad = &aggDuty{expected: make(map[Key]phase0.Root), partials: make(map[Key]map[int]ParSig),
			done: make(map[Key]bool)}
		a.duties[d] = ad
	}
	return ad
}

func (a *aggregator) Expect(d Duty, msgs UnsignedSet) {
	a.mu.Lock()
	ad := a.duty(d)
	for k, m := range msgs {
		ad.expected[k] = m.Root
	}
	ready := a.ready(ad, keysOfUnsigned(msgs))
	a.mu.Unlock()
	a.complete(context.Background(), d, ready)
}

func (a *aggregator) Add(ctx context.Context, d Duty, from int, set ParSignedSet) {
	a.mu.Lock()
	ad := a.duty(d)
	keys := make([]Key, 0, len(set))
	for k, ps := range set {
		if ad.partials[k] == nil {
			ad.partials[k] = make(map[int]ParSig)
		}
		if _, dup := ad.partials[k][from]; dup {
			continue // the first partial of an operator counts; a repeat cannot replace it
		}
		ad.partials[k][from] = ps
		keys = append(keys, k)
	}
	ready := a.ready(ad, keys)
	a.mu.Unlock()
	a.complete(ctx, d, ready)
}

// ready returns, for the given keys not done yet whose root we know, t partials over that root; it marks
// them done. Called with a.mu held.
func (a *aggregator) ready(ad *aggDuty, keys []Key) map[Key]map[uint64]*bls.Signature {
	out := make(map[Key]map[uint64]*bls.Signature)
	for _, k := range keys {
		root, ok := ad.expected[k]
		if !ok || ad.done[k] {
			continue
		}
		parts := make(map[uint64]*bls.Signature, a.threshold)
		for from, ps := range ad.partials[k] {
			if ps.Root != root || len(parts) == a.threshold {
				continue
			}
			sig := ps.decoded
			if sig == nil {
				var err error
				if sig, err = bls.SignatureFromBytes(append([]byte(nil), ps.Signature[:]...)); err != nil {
					continue
				}
			}
			parts[uint64(from)+1] = sig // operator i holds share index i+1
		}
		if len(parts) < a.threshold {
			continue
		}
		ad.done[k] = true
		out[k] = parts
	}
	return out
}

// complete recovers and verifies the ready keys' signatures and delivers them as one set.
func (a *aggregator) complete(ctx context.Context, d Duty, ready map[Key]map[uint64]*bls.Signature) {
	if len(ready) == 0 {
		return
	}
	a.mu.Lock()
	expected := make(map[Key]phase0.Root, len(ready))
	for k := range ready {
		expected[k] = a.duties[d].expected[k]
	}
	subs := append([]func(context.Context, Duty, SignedSet){}, a.subs...)
	a.mu.Unlock()
	out := make(SignedSet, len(ready))
	items := make([]bls.BatchItem, 0, len(ready))
	keys := make([]Key, 0, len(ready))
	for k, parts := range ready {
		sig, err := bls.RecoverSignatureThreshold(parts, a.threshold)
		if err != nil {
			a.failures.Inc()
			a.log.Error("recover group signature", zap.Stringer("duty", d), zap.Error(err))
			continue
		}
		root := expected[k]
		items = append(items, bls.BatchItem{PublicKey: a.groupKeys[k.PubKey], Message: append([]byte(nil), root[:]...),
			Signature: sig})
		keys = append(keys, k)
	}
	if len(items) == 0 {
		return
	}
	invalid, err := bls.FindInvalid(items, a.rand)
	if err != nil {
		a.log.Error("verify group signatures", zap.Stringer("duty", d), zap.Error(err))
		return
	}
	isBad := make(map[int]bool, len(invalid))
	for _, i := range invalid {
		isBad[i] = true
		a.failures.Inc()
		// Cannot happen when every partial verified against its share; it would mean the lock's shares
		// do not match the group key.
		a.log.Error("recovered signature does not verify against the validator key", zap.Stringer("duty", d),
			zap.String("validator", fmt.Sprintf("%#x", keys[i].PubKey[:])), zap.Uint64("subcommittee", keys[i].Subcommittee))
	}
	for i, k := range keys {
		if !isBad[i] {
			var s phase0.BLSSignature
			copy(s[:], items[i].Signature.Bytes())
			out[k] = s
		}
	}
	if len(out) == 0 {
		return
	}
	for _, fn := range subs {
		fn(ctx, d, out)
	}
}

// prune forgets duties before slot.
func (a *aggregator) prune(before phase0.Slot) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for d := range a.duties {
		if d.Slot < before {
			delete(a.duties, d)
		}
	}
}

func keysOfUnsigned(s UnsignedSet) []Key {
	out := make([]Key, 0, len(s))
	for k := range s {
		out = append(out, k)
	}
	return out
}
