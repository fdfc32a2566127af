package duties

import (
	"context"
	"fmt"
	"sync"

	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// signedDB keeps recovered group signatures that later duties depend on (RANDAO reveals before
// proposals, selection proofs before aggregation) and lets those duties wait for them.
type signedDB struct {
	mu      sync.Mutex
	sigs    map[signedKey]phase0.BLSSignature
	waiters map[signedKey][]chan struct{}
}

type signedKey struct {
	duty Duty
	key  Key
}

func newSignedDB() *signedDB {
	return &signedDB{sigs: make(map[signedKey]phase0.BLSSignature), waiters: make(map[signedKey][]chan struct{})}
}

// put stores a signature and wakes its waiters.
func (d *signedDB) put(duty Duty, set SignedSet) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for key, sig := range set {
		k := signedKey{duty, key}
		d.sigs[k] = sig
		for _, ch := range d.waiters[k] {
			close(ch)
		}
		delete(d.waiters, k)
	}
}

// await returns the signature of key for duty once it is stored, or ctx's error.
func (d *signedDB) await(ctx context.Context, duty Duty, key Key) (phase0.BLSSignature, error) {
	k := signedKey{duty, key}
	d.mu.Lock()
	if sig, ok := d.sigs[k]; ok {
		d.mu.Unlock()
		return sig, nil
	}
	ch := make(chan struct{})
	d.waiters[k] = append(d.waiters[k], ch)
	d.mu.Unlock()
	select {
	case <-ch:
	case <-ctx.Done():
		return phase0.BLSSignature{}, fmt.Errorf("wait for %s signature of %s: %w", duty.Type, key, ctx.Err())
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.sigs[k], nil
}

// prune forgets signatures of slots before slot.
func (d *signedDB) prune(before phase0.Slot) {
	d.mu.Lock()
	defer d.mu.Unlock()
	for k := range d.sigs {
		if k.duty.Slot < before {
			delete(d.sigs, k)
		}
	}
}
