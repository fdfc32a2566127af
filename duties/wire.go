package duties

import (
	"context"

	"go.uber.org/zap"
)

// Runner runs fn on a goroutine owned by the pipeline, with a context that ends at the duty's deadline.
type Runner func(duty Duty, fn func(ctx context.Context))

// Wire joins the stages of the pipeline; it is the only place where they meet. self is our operator index
// (our own partial signatures go to the aggregator like everyone else's).
func Wire(self int, s Scheduler, f Fetcher, c Consensus, db StateDB, sg Signer, ex ParSigExchange, ag Aggregator,
	b Broadcaster, tr Tracker, run Runner, log *zap.Logger,
) {
	s.Subscribe(func(ctx context.Context, duty Duty, defs DefinitionSet) {
		if deadline, ok := ctx.Deadline(); ok {
			tr.Start(duty, defs, deadline)
		}
		tr.Stage(duty, StageScheduler, nil, nil)
		value, defs, err := f.Fetch(ctx, duty, defs)
		if err == nil && len(defs) == 0 {
			tr.Narrow(duty, defs)
			return
		}
		tr.Stage(duty, StageFetcher, nil, err)
		if err != nil {
			log.Warn("fetch duty data", zap.Stringer("duty", duty), zap.Error(err))
			return
		}
		tr.Narrow(duty, defs)
		db.PutDefinitions(duty, defs)
		if err := c.Propose(ctx, duty, value); err != nil {
			tr.Stage(duty, StageConsensus, nil, err)
			log.Warn("propose duty data", zap.Stringer("duty", duty), zap.Error(err))
		}
	})
	c.Subscribe(func(duty Duty, value []byte) {
		db.PutDecided(duty, value)
		tr.Stage(duty, StageConsensus, nil, nil)
		defs, ok := db.Definitions(duty)
		if !ok {
			log.Debug("decided a duty we did not schedule", zap.Stringer("duty", duty))
			return
		}
		run(duty, func(ctx context.Context) {
			set, msgs, err := sg.Sign(ctx, duty, defs, value)
			tr.Stage(duty, StageSigner, nil, err)
			if err != nil {
				log.Warn("sign duty", zap.Stringer("duty", duty), zap.Error(err))
			}
			if len(set) == 0 {
				return
			}
			ag.Expect(duty, msgs)
			ag.Add(ctx, duty, self, set)
			err = ex.Broadcast(ctx, duty, set)
			tr.Stage(duty, StageParSig, nil, err)
			if err != nil {
				log.Debug("broadcast partial signatures", zap.Stringer("duty", duty), zap.Error(err))
			}
		})
	})
	ex.Subscribe(func(ctx context.Context, duty Duty, from int, set ParSignedSet) {
		ag.Add(ctx, duty, from, set)
	})
	ag.Subscribe(func(ctx context.Context, duty Duty, set SignedSet) {
		keys := make([]Key, 0, len(set))
		for k := range set {
			keys = append(keys, k)
		}
		tr.Stage(duty, StageAggregator, keys, nil)
		err := b.Broadcast(ctx, duty, set)
		tr.Stage(duty, StageBroadcaster, keys, err)
		if err != nil {
			log.Warn("broadcast duty", zap.Stringer("duty", duty), zap.Int("validators", len(set)), zap.Error(err))
			return
		}
		log.Debug("duty broadcast", zap.Stringer("duty", duty), zap.Int("validators", len(set)))
	})
}
