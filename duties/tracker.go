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

	mu     sync.Mutex
	active map[Duty]*tracked
	totals map[PubKey]map[string]uint64
}

type tracked struct {
	deadline time.Time
	defs     DefinitionSet
	ok       map[Stage]bool
	errs     map[Stage]error
	perVal   map[PubKey]*valState
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
		perVal: make(map[PubKey]*valState, len(defs)), invalid: make(map[int][]string)}
	for pk := range defs {
		tr.perVal[pk] = &valState{}
	}
	t.active[duty] = tr
}

func (t *tracker) Stage(duty Duty, stage Stage, pubkeys []PubKey, err error) {
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	tr, ok := t.active[duty]
	if !ok {
		return
	}
	if err == nil && !tr.ok[stage] {
		t.metrics.stageLatency.WithLabelValues(duty.Type.String(), string(stage)).
			Observe(now.Sub(t.timer.SlotStart(duty.Slot)).Seconds())
	}
	if pubkeys == nil {
		if err != nil {
			if _, seen := tr.errs[stage]; !seen {
				tr.errs[stage] = err
			}
		} else {
			tr.ok[stage] = true
		}
		return
	}
	var done []PubKey
	for _, pk := range pubkeys {
		vs, ok := tr.perVal[pk]
		if !ok {
			continue
		}
		switch {
		case stage == StageAggregator && err == nil:
			vs.aggregated = true
		case stage == StageBroadcaster && err == nil:
			vs.broadcastAt = now
			done = append(done, pk)
		case stage == StageBroadcaster:
			vs.broadcastErr = err
		}
	}
	if len(done) > 0 {
		t.finalize(duty, tr, done, now)
	}
}

func (t *tracker) Narrow(duty Duty, defs DefinitionSet) {
	t.mu.Lock()
	defer t.mu.Unlock()
	tr, ok := t.active[duty]
	if !ok {
		return
	}
	if len(defs) == 0 {
		delete(t.active, duty)
		return
	}
	for pk := range tr.perVal {
		if _, keep := defs[pk]; !keep {
			delete(tr.perVal, pk)
		}
	}
	tr.defs = defs
}

func (t *tracker) InvalidPartial(duty Duty, operator int, pk PubKey, reason string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if tr, ok := t.active[duty]; ok {
		tr.invalid[operator] = append(tr.invalid[operator], reason)
	}
}

// expire finalizes every duty whose deadline passed. The pipeline calls it a few times per slot.
func (t *tracker) expire() {
	now := t.clock.Now()
	t.mu.Lock()
	defer t.mu.Unlock()
	for duty, tr := range t.active {
		if now.Before(tr.deadline) {
			continue
		}
		var rest []PubKey
		for pk, vs := range tr.perVal {
			if !vs.final {
				rest = append(rest, pk)
			}
		}
		t.finalize(duty, tr, rest, now)
		delete(t.active, duty)
	}
	if cutoff := t.timer.SlotAt(now); cutoff > t.keep {
		if err := t.store.Prune(uint64(cutoff - t.keep)); err != nil {
			t.log.Warn("prune duty outcomes", zap.Error(err))
		}
	}
}

// finalize records the outcome of pks (called with t.mu held).
func (t *tracker) finalize(duty Duty, tr *tracked, pks []PubKey, now time.Time) {
	if len(pks) == 0 {
		return
	}
	sort.Slice(pks, func(i, j int) bool { return string(pks[i][:]) < string(pks[j][:]) })
	outs := make([]Outcome, 0, len(pks))
	for _, pk := range pks {
		vs := tr.perVal[pk]
		vs.final = true
		o := Outcome{Slot: uint64(duty.Slot), Duty: duty.Type.String(), Validator: fmt.Sprintf("%#x", pk[:]),
			Index: uint64(tr.defs[pk].Index)}
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
				zap.String("status", o.Status), zap.String("stage", string(o.Stage)), zap.String("reason", o.Reason))
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
