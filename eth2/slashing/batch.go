package slashing

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	bolt "go.etcd.io/bbolt"
	"go.uber.org/zap"
)

// kindTxn marks a request that runs fn in a transaction of its own (imports).
const kindTxn Kind = "txn"

// request is one unit of work for the writer goroutine.
type request struct {
	ctx    context.Context //nolint:containedctx // carried across the channel, never stored beyond the request
	kind   Kind
	pubkey phase0.BLSPubKey
	slot   uint64
	source uint64
	target uint64
	root   *phase0.Root
	fn     func(*bolt.Tx) error
	resp   chan error
}

// process applies one batch: every check in a single transaction (one
// fsync), then each import in a transaction of its own so that a failed
// import cannot undo anyone else's records.
func (s *Store) process(batch []*request) {
	checks := make([]*request, 0, len(batch))
	var txns []*request
	for _, r := range batch {
		if r.kind == kindTxn {
			txns = append(txns, r)
		} else {
			checks = append(checks, r)
		}
	}
	if len(checks) > 0 {
		results := s.applyChecks(checks)
		for i, r := range checks {
			r.resp <- results[i]
		}
	}
	for _, r := range txns {
		if err := r.ctx.Err(); err != nil {
			r.resp <- err // never started: nothing applied
			continue
		}
		r.resp <- s.db.Update(r.fn)
	}
}

// applyChecks checks each request against the database plus the requests
// before it in the batch (the transaction sees its own writes), records the
// safe ones and commits once. A refused request is simply not written, so it
// never affects the others; if anything fails while writing or committing,
// the transaction rolls back and every request that would have been safe
// gets the error instead.
func (s *Store) applyChecks(checks []*request) []error {
	start := time.Now()
	results := make([]error, len(checks))
	outcomes := make([]string, len(checks))
	err := s.db.Update(func(tx *bolt.Tx) error {
		chain := tx.Bucket(s.chain)
		for i, r := range checks {
			res, outcome, err := s.applyOne(chain, r)
			if err != nil {
				return err
			}
			results[i], outcomes[i] = res, outcome
		}
		if s.failCommit != nil {
			return s.failCommit()
		}
		return nil
	})
	if err != nil {
		s.log.Error("slashing protection batch failed; no request in it was recorded",
			zap.Int("batch_size", len(checks)), zap.Error(err))
		for i := range results {
			if results[i] == nil {
				results[i], outcomes[i] = fmt.Errorf("record batch: %w", err), "error"
			}
		}
	}
	s.batches.Add(1)
	s.batched.Add(uint64(len(checks)))
	s.metrics.observeBatch(checks, outcomes, time.Since(start))
	return results
}

// applyOne checks and (if new and safe) writes one request. The returned
// error aborts the whole batch (a failed write); a result error concerns this
// request only.
func (s *Store) applyOne(chain *bolt.Bucket, r *request) (result error, outcome string, abort error) {
	if err := r.ctx.Err(); err != nil {
		return err, "canceled", nil
	}
	v, err := loadValidator(chain, r.pubkey)
	if err != nil {
		return err, "error", nil
	}
	var vd verdict
	if r.kind == KindBlock {
		vd, err = checkBlock(v, s.strategy, r.slot, r.root)
	} else {
		vd, err = checkAttestation(v, s.strategy, r.source, r.target, r.root)
	}
	switch {
	case err != nil:
		return err, "error", nil
	case vd.err != nil:
		return vd.err, offenceLabel(vd.err), nil
	case vd.repeat:
		return nil, "repeat", nil
	}
	if r.kind == KindBlock {
		err = v.putBlock(r.slot, r.root)
	} else {
		err = v.putAttestation(r.source, r.target, r.root)
	}
	if err != nil {
		return nil, "", err
	}
	return nil, "safe", nil
}

func offenceLabel(err error) string {
	for _, o := range []struct {
		err   error
		label string
	}{
		{ErrDoubleBlock, "double_block"}, {ErrDoubleVote, "double_vote"}, {ErrSurroundVote, "surround_vote"},
		{ErrSurroundedVote, "surrounded_vote"}, {ErrBelowWatermark, "below_watermark"},
		{ErrSourceAfterTarget, "source_after_target"},
	} {
		if errors.Is(err, o.err) {
			return o.label
		}
	}
	return "error"
}

// runTxn runs fn in a write transaction of its own on the writer goroutine.
func (s *Store) runTxn(ctx context.Context, fn func(*bolt.Tx) error) error {
	return s.submit(ctx, &request{kind: kindTxn, fn: fn})
}
