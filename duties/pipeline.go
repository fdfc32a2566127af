package duties

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"
	"golang.org/x/sync/errgroup"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/consensus"
	"github.com/stingerdvt/stinger/duties/beacon"
	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/signing"
)

// DefaultRetention is how long duty outcomes are kept: one week of 12 s slots.
const DefaultRetention = phase0.Slot(7 * 24 * 300)

// ConsensusConfig is what the pipeline needs to build its consensus runner (see consensus.Config; value
// validation, deadlines and the clock come from the pipeline).
type ConsensusConfig struct {
	// Transport carries QBFT messages (p2p in production, consensus.InmemNetwork in tests). Required.
	Transport consensus.Transport
	// Signer signs our QBFT messages with the operator key. Required.
	Signer consensus.Signer
	// Verifier checks every operator's QBFT messages. Required.
	Verifier consensus.Verifier
	// Store persists instance state; nil means consensus.NewMemStore().
	Store consensus.Store
	// Timeout is the round timer; nil means an eighth of the slot for round 1, growing by an eighth per
	// round (RoundTimeout).
	Timeout func(round uint32) time.Duration
}

// Config configures a Pipeline. Fields marked required have no default.
type Config struct {
	// Lock is the cluster lock (validators, group keys and public shares). Required.
	Lock *cluster.Lock
	// OperatorIndex is this operator's position in the lock (share index OperatorIndex+1).
	OperatorIndex int
	// Shares are this operator's key shares, in the lock's validator order (dkg.LoadShares). Required.
	Shares []*bls.SecretKey
	// Beacon reaches the beacon nodes: a *beacon.Pool (several nodes) or any beacon.Client. Required.
	Beacon beacon.Client
	// Network is the chain's signing network; nil means NetworkFromBeacon (devnets).
	Network *signing.Network
	// Slashing is the slashing protection store (eth2/slashing.Store). Required.
	Slashing SlashingStore
	// Consensus builds the QBFT runner. Required.
	Consensus ConsensusConfig
	// ParSig carries partial signatures (NewP2PTransport in production). Required.
	ParSig ParSigTransport
	// BuilderRegistrations enables threshold-signed builder validator registrations (MEV-boost) every
	// epoch; the registration timestamp is the chain's genesis time, so every operator signs alike.
	BuilderRegistrations bool
	// GasLimit is the registered gas limit; zero means DefaultGasLimit.
	GasLimit uint64
	// Duties, if not empty, limits the pipeline to these duty types (benchmarks, or an operator who must
	// not do some duty); empty means every duty. RANDAO and proposer, and the prepare/aggregate pairs, only
	// make sense together.
	Duties []DutyType
	// Graffiti is put in our block proposals.
	Graffiti [32]byte
	// Outcomes persists duty outcomes; nil keeps them in memory.
	Outcomes OutcomeStore
	// Retention is how many slots of outcomes are kept; zero means DefaultRetention.
	Retention phase0.Slot
	// Clock defaults to the system clock.
	Clock Clock
	// Rand supplies batch-verification weights; nil means crypto/rand.
	Rand io.Reader
	// SignWorkers bounds concurrent slashing checks and signatures; zero means 64.
	SignWorkers int
	// Logger defaults to zap.NewNop().
	Logger *zap.Logger
	// Registerer receives the metrics; nil registers none.
	Registerer prometheus.Registerer
}

// Pipeline is one operator's duty pipeline. Build it with New, mount its handlers, then Run it.
type Pipeline struct {
	self      int
	timer     SlotTimer
	network   *signing.Network
	clock     Clock
	log       *zap.Logger
	runner    *consensus.Runner
	scheduler *scheduler
	tracker   *tracker
	db        *memDB
	signed    *signedDB
	agg       *aggregator
	lock      *cluster.Lock
	pubkeys   []PubKey
	shares    map[PubKey]*bls.PublicKey // our public share per validator

	mu   sync.Mutex
	base context.Context // Run's context, the parent of every duty goroutine
	wg   sync.WaitGroup
}

// New checks cfg, builds every stage and wires them.
func New(ctx context.Context, cfg Config) (*Pipeline, error) {
	if err := cfg.check(); err != nil {
		return nil, err
	}
	if cfg.Logger == nil {
		cfg.Logger = zap.NewNop()
	}
	if cfg.Clock == nil {
		cfg.Clock = consensus.SystemClock{}
	}
	if cfg.Rand == nil {
		cfg.Rand = rand.Reader
	} else {
		cfg.Rand = &lockedReader{r: cfg.Rand}
	}
	if cfg.Outcomes == nil {
		cfg.Outcomes = NewMemOutcomes()
	}
	if cfg.Retention == 0 {
		cfg.Retention = DefaultRetention
	}
	if cfg.SignWorkers <= 0 {
		cfg.SignWorkers = 64
	}
	keys, err := loadKeys(cfg.Lock, cfg.OperatorIndex, cfg.Shares)
	if err != nil {
		return nil, err
	}
	network := cfg.Network
	if network == nil {
		if network, err = NetworkFromBeacon(ctx, cfg.Beacon); err != nil {
			return nil, err
		}
	}
	m, err := newPipelineMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	p := &Pipeline{self: cfg.OperatorIndex, network: network, clock: cfg.Clock, log: cfg.Logger, lock: cfg.Lock,
		timer: SlotTimer{Genesis: network.GenesisTime, SlotDuration: network.SlotDuration,
			SlotsPerEpoch: network.SlotsPerEpoch},
		pubkeys: keys.pubkeys, shares: keys.ownShares, db: newMemDB()}
	p.signed = newSignedDB()
	syncSize, syncPeriod, err := syncCommitteeSpec(ctx, cfg.Beacon)
	if err != nil {
		return nil, err
	}
	hs, err := p.buildHandlers(cfg, keys, syncSize)
	if err != nil {
		return nil, err
	}
	types := make(map[DutyType]bool, len(hs))
	for t := range hs {
		types[t] = true
	}
	if err := p.buildRunner(cfg, hs); err != nil {
		return nil, err
	}
	p.tracker = newTracker(p.timer, cfg.Clock, cfg.Outcomes, cfg.Retention, cfg.Logger.Named("tracker"), m)
	p.scheduler = newScheduler(cfg.Beacon, p.timer, cfg.Clock, keys.pubkeys, types,
		syncCommittee{size: syncSize, periodEpochs: syncPeriod}, p.run, cfg.Logger.Named("scheduler"))
	p.tracker.onDone = p.scheduler.finished
	p.scheduler.onEpoch = func(ctx context.Context, indices map[PubKey]phase0.ValidatorIndex) {
		if err := prepareProposers(ctx, cfg.Beacon, indices, keys.feeRecipients); err != nil {
			p.log.Warn("proposer preparation", zap.Error(err))
		}
	}
	p.agg = newAggregator(cfg.Lock.Definition.Threshold, keys.groupKeys, cfg.Rand, cfg.Logger.Named("aggregator"),
		m.aggFailures)
	ex := newExchange(cfg.ParSig, keys.publicShares, cfg.Rand, cfg.Logger.Named("parsig"), m.invalidParSigs,
		p.tracker.InvalidPartial)
	sg := &shareSigner{handlers: hs, network: network, shares: keys.secretShares, store: cfg.Slashing,
		workers: cfg.SignWorkers}
	Wire(p.self, p.scheduler, &fetcher{bn: cfg.Beacon, handlers: hs}, &qbftConsensus{runner: p.runner, handlers: hs},
		p.db, sg, ex, p.agg, &broadcaster{bn: cfg.Beacon, db: p.db, handlers: hs}, p.tracker, p.run,
		cfg.Logger)
	return p, nil
}

// buildHandlers returns the handler of every duty type this pipeline performs (syncSize is
// SYNC_COMMITTEE_SIZE).
func (p *Pipeline) buildHandlers(cfg Config, keys *clusterKeys, syncSize uint64) (handlers, error) {
	network := p.network
	hs := handlers{
		DutyAttester:          newAttester(network),
		DutyRandao:            &randao{network: network, db: p.signed},
		DutyProposer:          &proposer{network: network, db: p.signed, graffiti: cfg.Graffiti},
		DutyPrepareAggregator: &prepareAggregator{network: network, db: p.signed},
		DutyAggregator:        &aggregatorDuty{network: network, clock: cfg.Clock, signed: p.signed, state: p.db},
		DutySyncMessage:       &syncMessage{network: network},
		DutyPrepareSyncContribution: &prepareSyncContribution{network: network, db: p.signed,
			syncSize: syncSize},
		DutySyncContribution: &syncContribution{network: network, clock: cfg.Clock, signed: p.signed,
			state: p.db, syncSize: syncSize},
	}
	if cfg.BuilderRegistrations {
		gas := cfg.GasLimit
		if gas == 0 {
			gas = DefaultGasLimit
		}
		hs[DutyBuilderRegistration] = &builderRegistration{feeRecipients: keys.feeRecipients, gasLimit: gas,
			timestamp: network.GenesisTime}
	}
	if len(cfg.Duties) == 0 {
		return hs, nil
	}
	only := make(handlers, len(cfg.Duties))
	for _, t := range cfg.Duties {
		h, ok := hs[t]
		if !ok {
			return nil, fmt.Errorf("duties config: Duties lists %s, which has no handler", t)
		}
		only[t] = h
	}
	return only, nil
}

// RoundTimeout is the default QBFT round timer for a chain's slot duration: slot/8 × round (1.5 s, 3 s, …
// at 12 s slots). Aggregations and sync contributions start at 2/3 of the slot and must be broadcast by its
// end, so when their round-1 leader is down the round change and round 2 must fit in a third of a slot:
// with slot/8 they have 5/24 of a slot left for round 2 (a quarter, the earlier default, left 1/12: at
// 2 s slots, 167 ms, and the duty was late whenever the leader was the missing node).
func RoundTimeout(slot time.Duration) func(round uint32) time.Duration {
	eighth := slot / 8
	return func(round uint32) time.Duration { return eighth * time.Duration(max(round, 1)) }
}

func (p *Pipeline) buildRunner(cfg Config, hs handlers) error {
	cc := cfg.Consensus
	store := cc.Store
	if store == nil {
		store = consensus.NewMemStore()
	}
	timeout := cc.Timeout
	if timeout == nil {
		timeout = RoundTimeout(p.timer.SlotDuration)
	}
	r, err := consensus.New(consensus.Config{N: len(cfg.Lock.Definition.Operators), Self: cfg.OperatorIndex,
		Transport: cc.Transport, Signer: cc.Signer, Verifier: cc.Verifier, Store: store,
		CheckValue: hs.checkValue, Deadline: func(id consensusID) time.Time { return p.deadline(dutyOf(id)) },
		Clock: cfg.Clock, Timeout: timeout, Logger: cfg.Logger.Named("consensus"), Registerer: cfg.Registerer})
	if err != nil {
		return fmt.Errorf("consensus runner: %w", err)
	}
	p.runner = r
	return nil
}

// check names the first missing or invalid field.
func (c *Config) check() error {
	var missing []string
	for name, isNil := range map[string]bool{"Lock": c.Lock == nil, "Beacon": c.Beacon == nil,
		"Slashing": c.Slashing == nil, "ParSig": c.ParSig == nil, "Consensus.Transport": c.Consensus.Transport == nil,
		"Consensus.Signer": c.Consensus.Signer == nil, "Consensus.Verifier": c.Consensus.Verifier == nil} {
		if isNil {
			missing = append(missing, name)
		}
	}
	if len(missing) > 0 {
		sortStrings(missing)
		return fmt.Errorf("duties config: missing %s", strings.Join(missing, ", "))
	}
	n := len(c.Lock.Definition.Operators)
	if c.OperatorIndex < 0 || c.OperatorIndex >= n {
		return fmt.Errorf("duties config: OperatorIndex %d: want 0..%d", c.OperatorIndex, n-1)
	}
	if len(c.Shares) != len(c.Lock.Validators) {
		return fmt.Errorf("duties config: Shares has %d keys, the lock %d validators", len(c.Shares),
			len(c.Lock.Validators))
	}
	if t := c.Lock.Definition.Threshold; t < 1 || t > n {
		return fmt.Errorf("duties config: lock threshold %d: want 1..%d", t, n)
	}
	return nil
}

// deadline is when a duty is abandoned: the end of its slot (the simulator and the chain count later
// attestations as late).
func (p *Pipeline) deadline(d Duty) time.Time { return p.timer.SlotStart(d.Slot + 1) }

// run runs fn on a goroutine owned by Run, with a context that ends at the duty's deadline.
func (p *Pipeline) run(duty Duty, fn func(ctx context.Context)) {
	p.mu.Lock()
	base := p.base
	if base == nil || base.Err() != nil {
		p.mu.Unlock()
		return
	}
	p.wg.Add(1)
	p.mu.Unlock()
	go func() {
		defer p.wg.Done()
		ctx, cancel := context.WithDeadline(base, p.deadline(duty))
		defer cancel()
		fn(ctx)
	}()
}

// Run runs the pipeline until ctx is done; it returns nil then, after every duty goroutine returned.
func (p *Pipeline) Run(ctx context.Context) error {
	p.mu.Lock()
	if p.base != nil {
		p.mu.Unlock()
		return errors.New("duty pipeline already running")
	}
	p.base = ctx
	p.mu.Unlock()
	defer p.wg.Wait()
	g, ctx := errgroup.WithContext(ctx)
	g.Go(func() error { return p.runner.Run(ctx) })
	g.Go(func() error { return p.scheduler.Run(ctx) })
	g.Go(func() error { return p.housekeeping(ctx) })
	if err := g.Wait(); err != nil && ctx.Err() == nil {
		return fmt.Errorf("duty pipeline: %w", err)
	}
	return nil
}

// housekeeping expires late duties and forgets old state, four times per slot.
func (p *Pipeline) housekeeping(ctx context.Context) error {
	for {
		now := p.clock.Now()
		next := now.Add(p.timer.SlotDuration / 4)
		if err := sleepUntil(ctx, p.clock, next); err != nil {
			return nil
		}
		p.tracker.expire()
		if slot := p.timer.SlotAt(p.clock.Now()); slot > 2*phase0.Slot(p.timer.SlotsPerEpoch) {
			keep := slot - 2*phase0.Slot(p.timer.SlotsPerEpoch)
			p.db.prune(keep)
			p.agg.prune(keep)
			p.signed.prune(keep)
		}
	}
}

// Network returns the signing network in use.
func (p *Pipeline) Network() *signing.Network { return p.network }

// SlotTimer returns the slot timeline in use.
func (p *Pipeline) SlotTimer() SlotTimer { return p.timer }
