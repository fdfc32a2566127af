package consensus

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"sync"
	"time"

	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/consensus/qbft"
)

// Sentinel errors of Propose.
var (
	// ErrAlreadyProposed: the duty's instance was already started.
	ErrAlreadyProposed = errors.New("duty already proposed")
	// ErrExpired: the duty's deadline has passed.
	ErrExpired = errors.New("duty deadline passed")
)

// Decided is a decided value delivered to subscribers.
type Decided struct {
	// Duty is the decided instance.
	Duty qbft.InstanceID
	// Value is the decided value.
	Value []byte
	// Round is the round of the commit certificate.
	Round uint32
	// Commits is the commit certificate: a quorum of signed COMMITs.
	Commits []qbft.Signed
}

// Runner runs the consensus instances of one process. Create it with New,
// add subscribers, then call Run; Propose may be called from any goroutine.
type Runner struct {
	cfg     Config
	log     *zap.Logger
	metrics *metrics

	proposals chan proposal

	mu          sync.Mutex
	subscribers []func(Decided)

	// Owned by the Run goroutine.
	instances map[qbft.InstanceID]*instance
	// active holds the instances that have not decided: only their round
	// timers can wake the loop, so nextWake need not scan decided ones
	// (which stay in instances until their duty deadline).
	active  map[qbft.InstanceID]*instance
	buffers map[qbft.InstanceID]*buffer
	perPeer []int
	// verified remembers messages already authenticated.
	verified *verifiedCache
	// housekeepAt is when the loop next forgets expired instances and
	// buffers even if no round timer is due.
	housekeepAt time.Time
}

type instance struct {
	q        *qbft.Instance
	deadline time.Time
	start    time.Time
	decided  bool
	failed   bool // persisting failed: the instance sends nothing more
}

type buffer struct {
	deadline time.Time
	msgs     []buffered
}

// buffered is an authenticated message for an instance not started yet.
type buffered struct {
	from int
	e    qbft.Envelope
}

type proposal struct {
	duty  qbft.InstanceID
	value []byte
	errc  chan error
}

// New returns a Runner; see Config for the required fields.
func New(cfg Config) (*Runner, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	return &Runner{
		cfg:       cfg,
		log:       cfg.Logger,
		metrics:   m,
		proposals: make(chan proposal),
		instances: make(map[qbft.InstanceID]*instance),
		active:    make(map[qbft.InstanceID]*instance),
		buffers:   make(map[qbft.InstanceID]*buffer),
		perPeer:   make([]int, cfg.N),
		verified:  newVerifiedCache(verifiedCacheSize),
	}, nil
}

// Subscribe registers fn to receive every decision. fn runs on the Run
// goroutine and must not block.
func (r *Runner) Subscribe(fn func(Decided)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.subscribers = append(r.subscribers, fn)
}

// Propose starts the consensus instance of duty with our value. It returns
// once the instance has started (not decided); decisions arrive through
// Subscribe. If state for the duty was persisted (a restart), the instance
// resumes from it.
func (r *Runner) Propose(ctx context.Context, duty qbft.InstanceID, value []byte) error {
	p := proposal{duty: duty, value: value, errc: make(chan error, 1)}
	select {
	case r.proposals <- p:
	case <-ctx.Done():
		return fmt.Errorf("propose %s: %w", duty, ctx.Err())
	}
	select {
	case err := <-p.errc:
		return err
	case <-ctx.Done():
		return fmt.Errorf("propose %s: %w", duty, ctx.Err())
	}
}

// Run owns every instance until ctx is done; it returns nil then.
func (r *Runner) Run(ctx context.Context) error {
	timer := r.cfg.Clock.NewTimer(time.Hour)
	defer timer.Stop()
	msgs := r.cfg.Transport.Messages()
	r.housekeepAt = r.cfg.Clock.Now().Add(housekeeping)
	var armed time.Time // when timer fires; zero after it fired
	for {
		// Re-arm only when the wake-up time moved: most messages change no
		// round timer, and a Reset per message is measurable churn.
		if wake := r.nextWake(); !wake.Equal(armed) {
			armed = wake
			timer.Reset(max(wake.Sub(r.cfg.Clock.Now()), 0))
		}
		select {
		case <-ctx.Done():
			return nil
		case p := <-r.proposals:
			p.errc <- r.propose(ctx, p)
		case in := <-msgs:
			r.receive(ctx, in)
		case <-timer.C():
			armed = time.Time{}
			r.tickAll(ctx)
		}
	}
}

// housekeeping is the longest the loop sleeps, so expired instances and
// buffers are forgotten promptly.
const housekeeping = time.Second

// nextWake returns when the loop must wake: the earliest round timer of an
// undecided instance, or the next housekeeping.
func (r *Runner) nextWake() time.Time {
	next := r.housekeepAt
	for _, inst := range r.active {
		if d, ok := inst.q.Deadline(); ok && d.Before(next) {
			next = d
		}
	}
	return next
}

// setActive keeps inst in the active set while it has not decided.
func (r *Runner) setActive(id qbft.InstanceID, inst *instance) {
	if inst.decided {
		delete(r.active, id)
	} else {
		r.active[id] = inst
	}
}

func dutyLabel(id qbft.InstanceID) string { return strconv.Itoa(int(id.Duty)) }

func (r *Runner) qbftConfig(duty qbft.InstanceID) qbft.Config {
	return qbft.Config{
		Instance:   duty,
		N:          r.cfg.N,
		Self:       uint16(r.cfg.Self),
		Leader:     r.cfg.Leader,
		CheckValue: func(v []byte) error { return r.cfg.CheckValue(duty, v) },
		Timeout:    r.cfg.Timeout,
	}
}

func (r *Runner) propose(ctx context.Context, p proposal) error {
	now := r.cfg.Clock.Now()
	deadline := r.cfg.Deadline(p.duty)
	if _, ok := r.instances[p.duty]; ok {
		return fmt.Errorf("propose %s: %w", p.duty, ErrAlreadyProposed)
	}
	if !now.Before(deadline) {
		return fmt.Errorf("propose %s: %w (%v)", p.duty, ErrExpired, deadline)
	}
	q, err := r.startInstance(p, now)
	if err != nil {
		return err
	}
	inst := &instance{q: q, deadline: deadline, start: now, decided: q.Decision() != nil}
	r.instances[p.duty] = inst
	r.setActive(p.duty, inst)
	r.metrics.instances.Set(float64(len(r.instances)))
	if inst.decided {
		// Restored an instance that had decided before the restart.
		r.publish(p.duty, q.Decision())
	}
	r.process(ctx, p.duty, inst)
	if buf := r.buffers[p.duty]; buf != nil {
		delete(r.buffers, p.duty)
		for _, m := range buf.msgs {
			r.perPeer[m.from]--
			if !inst.q.Ignored(&m.e.Message) {
				r.step(ctx, inst, m.from, m.e, now)
			}
		}
	}
	return nil
}

// startInstance restores a persisted instance or starts a new one.
func (r *Runner) startInstance(p proposal, now time.Time) (*qbft.Instance, error) {
	cfg := r.qbftConfig(p.duty)
	data, found, err := r.cfg.Store.Load(p.duty)
	if err != nil {
		return nil, fmt.Errorf("propose %s: %w", p.duty, err)
	}
	if found {
		st, err := qbft.UnmarshalState(data)
		if err != nil {
			return nil, fmt.Errorf("propose %s: restore persisted state: %w", p.duty, err)
		}
		q, err := qbft.Restore(cfg, st, now)
		if err != nil {
			return nil, fmt.Errorf("propose %s: %w", p.duty, err)
		}
		r.log.Info("Resumed consensus instance from persisted state", zap.Stringer("duty", p.duty), zap.Uint32("round", st.Round))
		return q, nil
	}
	q, err := qbft.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("propose %s: %w", p.duty, err)
	}
	if err := q.Propose(now, p.value); err != nil {
		return nil, fmt.Errorf("propose %s: %w", p.duty, err)
	}
	return q, nil
}
