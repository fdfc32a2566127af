package duties

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"go.uber.org/zap"
)

// Outcome statuses.
const (
	StatusSucceeded = "succeeded"
	StatusFailed    = "failed"
	StatusLate      = "late"
)

// Outcome is what happened to one validator's duty, as GET /v1/duties reports it.
type Outcome struct {
	Slot      uint64 `json:"slot"`
	Duty      string `json:"duty"`
	Validator string `json:"validator"`
	Index     uint64 `json:"validator_index"`
	// Status is succeeded, failed (a stage returned an error) or late (the deadline passed first).
	Status string `json:"status"`
	// Subcommittee is the sync subcommittee of the duty types performed per subcommittee (a validator
	// with positions in several has one outcome for each); absent for every other type.
	Subcommittee *uint64 `json:"subcommittee,omitempty"`
	// Stage is the stage that failed or was too slow (empty on success).
	Stage Stage `json:"stage,omitempty"`
	// Reason explains a failure: beacon node error, no consensus, too few partials, invalid partial from
	// operator X, broadcast rejected.
	Reason string `json:"reason,omitempty"`
	// LatencyMillis is slot start → broadcast for succeeded duties.
	LatencyMillis int64 `json:"latency_ms,omitempty"`
}

// OutcomeStore persists outcomes (boltOutcomes or memOutcomes).
type OutcomeStore interface {
	Put(outs []Outcome) error
	Query(fromSlot, toSlot uint64, validator *PubKey) ([]Outcome, error)
	Prune(beforeSlot uint64) error
}

// tracker is the Tracker.
type tracker struct {
	timer   SlotTimer
	clock   Clock
	store   OutcomeStore
	log     *zap.Logger
	metrics *pipelineMetrics
	keep    phase0.Slot // retention in slots

	// onDone, if set, is called (without the tracker's lock) once every validator of a duty has its
	// outcome, or the duty was dropped: the scheduler holds back work that must not compete with it.
	onDone func(Duty)

	mu     sync.Mutex
	active map[Duty]*tracked
	totals map[PubKey]map[string]uint64
}

type tracked struct {
	deadline time.Time
	defs     DefinitionSet
	ok       map[Stage]bool
	errs     map[Stage]error
	perVal   map[Key]*valState
	invalid  map[int][]string // operator -> reasons
}

type valState struct {
	aggregated   bool
	broadcastAt  time.Time
	broadcastErr error
	final        bool
}

func newTracker(timer SlotTimer, clock Clock, store OutcomeStore, retention phase0.Slot, log *zap.Logger,
	m *pipelineMetrics,
) *tracker {
	return &tracker{timer: timer, clock: clock, store: store, keep: retention, log: log, metrics: m,
		active: make(map[Duty]*tracked), totals: make(map[PubKey]map[string]uint64)}
}

func (t *tracker) Start(duty Duty, defs DefinitionSet, deadline time.Time) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tr := &tracked{deadline: deadline, defs: defs, ok: make(map[Stage]bool), errs: make(map[Stage]error),
		perVal: make(map[Key]*valState, len(defs)), invalid: make(map[int][]string)}
	for k := range defs {
		tr.perVal[k] = &valState{}
	}
	t.active[duty] = tr
}

func (t *tracker) Stage(duty Duty, stage Stage, keys []Key, err error) {
	if t.stage(duty, stage, keys, err) && t.onDone != nil {
		t.onDone(duty)
	}
}

// stage records a stage's result; it reports whether this made the duty complete (every validator's
// outcome final).
func (t *tracker) stage(duty Duty, stage Stage, keys []Key, err error) bool {
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	tr, ok := t.active[duty]
	if !ok {
		return false
	}
	if err == nil && !tr.ok[stage] {
		t.metrics.stageLatency.WithLabelValues(duty.Type.String(), string(stage)).
			Observe(now.Sub(t.timer.SlotStart(duty.Slot)).Seconds())
	}
	if keys == nil {
		if err != nil {
			if _, seen := tr.errs[stage]; !seen {
				tr.errs[stage] = err
			}
		} else {
			tr.ok[stage] = true
		}
		return false
	}
	var done []Key
	for _, k := range keys {
		vs, ok := tr.perVal[k]
		if !ok {
			continue
		}
		switch {
		case stage == StageAggregator && err == nil:
			vs.aggregated = true
		case stage == StageBroadcaster && err == nil:
			vs.broadcastAt = now
			done = append(done, k)
		case stage == StageBroadcaster:
			vs.broadcastErr = err
		}
	}
	if len(done) == 0 {
		return false
	}
	t.finalize(duty, tr, done, now)
	for _, vs := range tr.perVal {
		if !vs.final {
			return false
		}
	}
	return true
}

func (t *tracker) Narrow(duty Duty, defs DefinitionSet) {
	if t.narrow(duty, defs) && t.onDone != nil {
		t.onDone(duty)
	}
}

// narrow keeps only defs' validators of duty; it reports whether that dropped the duty (none left).
func (t *tracker) narrow(duty Duty, defs DefinitionSet) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	tr, ok := t.active[duty]
	if !ok {
		return false
	}
	if len(defs) == 0 {
		delete(t.active, duty)
		return true
	}
	for k := range tr.perVal {
		if _, keep := defs[k]; !keep {
			delete(tr.perVal, k)
		}
	}
	tr.defs = defs
	return false
}

func (t *tracker) InvalidPartial(duty Duty, operator int, _ Key, reason string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tr, ok := t.active[duty]; ok {
		tr.invalid[operator] = append(tr.invalid[operator], reason)
	}
}

// expire finalizes every duty whose deadline passed. The pipeline calls it a few times per slot.
func (t *tracker) expire() {
	for _, d := range t.expired() {
		if t.onDone != nil {
			t.onDone(d)
		}
	}
}

// expired finalizes and forgets every duty whose deadline passed and returns them.
func (t *tracker) expired() []Duty {
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	var gone []Duty
	for duty, tr := range t.active {
		if now.Before(tr.deadline) {
			continue
		}
		var rest []Key
		for k, vs := range tr.perVal {
			if !vs.final {
				rest = append(rest, k)
			}
		}
		t.finalize(duty, tr, rest, now)
		delete(t.active, duty)
		gone = append(gone, duty)
	}
	if cutoff := t.timer.SlotAt(now); cutoff > t.keep {
		if err := t.store.Prune(uint64(cutoff - t.keep)); err != nil {
			t.log.Warn("prune duty outcomes", zap.Error(err))
		}
	}
	return gone
}

// finalize records the outcome of keys (called with t.mu held).
func (t *tracker) finalize(duty Duty, tr *tracked, keys []Key, now time.Time) {
	if len(keys) == 0 {
		return
	}
	sort.Slice(keys, func(i, j int) bool { return keys[i].less(keys[j]) })
	outs := make([]Outcome, 0, len(keys))
	for _, k := range keys {
		vs := tr.perVal[k]
		vs.final = true
		pk := k.PubKey
		o := Outcome{Slot: uint64(duty.Slot), Duty: duty.Type.String(), Validator: fmt.Sprintf("%#x", pk[:]),
			Index: uint64(tr.defs[k].Index)}
		if duty.Type.BySubcommittee() {
			sub := k.Subcommittee
			o.Subcommittee = &sub
		}
		if !vs.broadcastAt.IsZero() {
			o.Status = StatusSucceeded
			lat := vs.broadcastAt.Sub(t.timer.SlotStart(duty.Slot))
			o.LatencyMillis = lat.Milliseconds()
			t.metrics.latency.WithLabelValues(duty.Type.String()).Observe(lat.Seconds())
		} else {
			o.Status, o.Stage, o.Reason = t.failure(tr, vs)
		}
		if t.totals[pk] == nil {
			t.totals[pk] = make(map[string]uint64)
		}
		t.totals[pk][o.Status]++
		t.metrics.outcomes.WithLabelValues(duty.Type.String(), o.Status, string(o.Stage)).Inc()
		outs = append(outs, o)
		if o.Status != StatusSucceeded {
			t.log.Info("duty not performed", zap.Stringer("duty", duty), zap.String("validator", o.Validator),
				zap.Uint64p("subcommittee", o.Subcommittee), zap.String("status", o.Status), zap.String("stage", string(o.Stage)), zap.String("reason", o.Reason))
		}
	}
	if err := t.store.Put(outs); err != nil {
		t.log.Warn("store duty outcomes", zap.Error(err))
	}
}

// failure explains why a validator's duty was not broadcast: the first stage that returned an error, or
// else the first stage that never finished before the deadline.
func (t *tracker) failure(tr *tracked, vs *valState) (string, Stage, string) {
	if vs.broadcastErr != nil {
		return StatusFailed, StageBroadcaster, "broadcast rejected: " + vs.broadcastErr.Error()
	}
	for _, st := range stages[:5] {
		if err, ok := tr.errs[st]; ok && !tr.ok[st] {
			return StatusFailed, st, reasonFor(st, err)
		}
		if !tr.ok[st] {
			return StatusLate, st, lateReason(st)
		}
	}
	if !vs.aggregated {
		reason := "too few partial signatures before the deadline"
		if len(tr.invalid) > 0 {
			ops := make([]string, 0, len(tr.invalid))
			for op, rs := range tr.invalid {
				ops = append(ops, fmt.Sprintf("operator %d (%s)", op, rs[0]))
			}
			sort.Strings(ops)
			reason += "; invalid partial from " + strings.Join(ops, ", ")
		}
		return StatusLate, StageAggregator, reason
	}
	return StatusLate, StageBroadcaster, "broadcast did not finish before the deadline"
}

func reasonFor(st Stage, err error) string {
	switch st {
	case StageFetcher:
		return "beacon node error: " + err.Error()
	case StageConsensus:
		return "no consensus: " + err.Error()
	case StageSigner:
		return "signing refused: " + err.Error()
	default:
		return err.Error()
	}
}

func lateReason(st Stage) string {
	switch st {
	case StageScheduler:
		return "not scheduled"
	case StageFetcher:
		return "beacon node did not answer before the deadline"
	case StageConsensus:
		return "no consensus before the deadline"
	case StageSigner:
		return "not signed before the deadline"
	default:
		return "partial signatures not sent before the deadline"
	}
}

// validatorTotals returns the outcome counts of pk since start.
func (t *tracker) validatorTotals(pk PubKey) map[string]uint64 {
	t.mu.Lock()
	defer t.mu.Unlock()
	out := map[string]uint64{StatusSucceeded: 0, StatusFailed: 0, StatusLate: 0}
	for k, v := range t.totals[pk] {
		out[k] = v
	}
	return out
}
