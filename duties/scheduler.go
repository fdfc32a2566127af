package duties

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/attestantio/go-eth2-client/api"
	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	"github.com/attestantio/go-eth2-client/spec/phase0"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/duties/beacon"
)

// trigger says when in the slot a duty type is emitted: at slot start + Num/Den of the slot.
type trigger struct {
	typ      DutyType
	num, den int64
}

// triggers in slot order.
var triggers = []trigger{
	{DutyAttester, 1, 3},
}

// scheduler is the Scheduler: per epoch it fetches our validators' duties and emits them in each slot.
type scheduler struct {
	bn      beacon.Client
	timer   SlotTimer
	clock   Clock
	pubkeys []PubKey
	run     Runner
	log     *zap.Logger

	mu       sync.Mutex
	indices  map[phase0.ValidatorIndex]PubKey
	attester map[phase0.Epoch]*epochDuties
	subs     []func(context.Context, Duty, DefinitionSet)
}

// epochDuties are one epoch's duties of one kind and the dependent root they were computed from.
type epochDuties struct {
	dependentRoot string
	bySlot        map[phase0.Slot]DefinitionSet
}

func newScheduler(bn beacon.Client, timer SlotTimer, clock Clock, pubkeys []PubKey, run Runner,
	log *zap.Logger,
) *scheduler {
	return &scheduler{bn: bn, timer: timer, clock: clock, pubkeys: pubkeys, run: run, log: log,
		indices: make(map[phase0.ValidatorIndex]PubKey), attester: make(map[phase0.Epoch]*epochDuties)}
}

func (s *scheduler) Subscribe(fn func(context.Context, Duty, DefinitionSet)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.subs = append(s.subs, fn)
}

// Run emits duties slot by slot until ctx is done.
func (s *scheduler) Run(ctx context.Context) error {
	if err := s.bn.Events(ctx, &api.EventsOpts{Topics: []string{"head"},
		HeadHandler: func(ctx context.Context, ev *apiv1.HeadEvent) { s.onHead(ctx, ev) }}); err != nil {
		s.log.Warn("subscribe to head events: reorgs are noticed only at epoch boundaries", zap.Error(err))
	}
	slot := s.timer.SlotAt(s.clock.Now())
	for {
		if err := sleepUntil(ctx, s.clock, s.timer.SlotStart(slot)); err != nil {
			return nil
		}
		s.slot(ctx, slot)
		slot++
		if now := s.timer.SlotAt(s.clock.Now()); now > slot {
			s.log.Warn("scheduler fell behind, skipping slots", zap.Uint64("from_slot", uint64(slot)),
				zap.Uint64("to_slot", uint64(now)))
			slot = now
		}
	}
}

// slot prepares the duties of slot's epoch (and the next) and emits slot's duties at their trigger times.
func (s *scheduler) slot(ctx context.Context, slot phase0.Slot) {
	epoch := s.timer.Epoch(slot)
	if err := s.resolveIndices(ctx); err != nil {
		s.log.Warn("resolve validator indices", zap.Error(err))
	}
	for _, e := range []phase0.Epoch{epoch, epoch + 1} {
		if !s.haveAttester(e) {
			if err := s.fetchAttester(ctx, e); err != nil {
				s.log.Warn("fetch attester duties", zap.Uint64("epoch", uint64(e)), zap.Error(err))
			}
		}
	}
	s.prune(epoch)
	start := s.timer.SlotStart(slot)
	for _, tr := range triggers {
		at := start.Add(time.Duration(int64(s.timer.SlotDuration) * tr.num / tr.den))
		if err := sleepUntil(ctx, s.clock, at); err != nil {
			return
		}
		duty := Duty{Slot: slot, Type: tr.typ}
		defs := s.definitions(duty)
		if len(defs) == 0 {
			continue
		}
		s.emit(duty, defs)
	}
}

func (s *scheduler) emit(duty Duty, defs DefinitionSet) {
	s.mu.Lock()
	subs := append([]func(context.Context, Duty, DefinitionSet){}, s.subs...)
	s.mu.Unlock()
	for _, fn := range subs {
		s.run(duty, func(ctx context.Context) { fn(ctx, duty, defs) })
	}
}

func (s *scheduler) definitions(duty Duty) DefinitionSet {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch duty.Type {
	case DutyAttester:
		if ed := s.attester[s.timer.Epoch(duty.Slot)]; ed != nil {
			return ed.bySlot[duty.Slot]
		}
	}
	return nil
}

// resolveIndices asks the beacon node for the indices of validators it does not know yet.
func (s *scheduler) resolveIndices(ctx context.Context) error {
	s.mu.Lock()
	if len(s.indices) == len(s.pubkeys) {
		s.mu.Unlock()
		return nil
	}
	s.mu.Unlock()
	resp, err := s.bn.Validators(ctx, &api.ValidatorsOpts{State: "head", PubKeys: s.pubkeys})
	if err != nil {
		return fmt.Errorf("validators: %w", err)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for idx, v := range resp.Data {
		if v != nil && v.Validator != nil {
			s.indices[idx] = v.Validator.PublicKey
		}
	}
	if missing := len(s.pubkeys) - len(s.indices); missing > 0 {
		return fmt.Errorf("%d of %d validators unknown to the beacon node", missing, len(s.pubkeys))
	}
	return nil
}

func (s *scheduler) haveAttester(e phase0.Epoch) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.attester[e] != nil
}

// fetchAttester fetches the attester duties of epoch e.
func (s *scheduler) fetchAttester(ctx context.Context, e phase0.Epoch) error {
	s.mu.Lock()
	indices := make([]phase0.ValidatorIndex, 0, len(s.indices))
	for idx := range s.indices {
		indices = append(indices, idx)
	}
	s.mu.Unlock()
	if len(indices) == 0 {
		return nil
	}
	sort.Slice(indices, func(i, j int) bool { return indices[i] < indices[j] })
	resp, err := s.bn.AttesterDuties(ctx, &api.AttesterDutiesOpts{Epoch: e, Indices: indices})
	if err != nil {
		return fmt.Errorf("attester duties: %w", err)
	}
	ed := &epochDuties{bySlot: make(map[phase0.Slot]DefinitionSet)}
	if root, ok := resp.Metadata["dependent_root"].(string); ok {
		ed.dependentRoot = strings.ToLower(root)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range resp.Data {
		pk, ok := s.indices[d.ValidatorIndex]
		if !ok || s.timer.Epoch(d.Slot) != e {
			continue // not ours, or outside the epoch: ignore rather than trust
		}
		if ed.bySlot[d.Slot] == nil {
			ed.bySlot[d.Slot] = make(DefinitionSet)
		}
		ed.bySlot[d.Slot][pk] = Definition{PubKey: pk, Index: d.ValidatorIndex, Attester: d}
	}
	s.attester[e] = ed
	s.log.Debug("attester duties", zap.Uint64("epoch", uint64(e)), zap.Int("duties", len(resp.Data)),
		zap.String("dependent_root", ed.dependentRoot))
	return nil
}

// onHead re-fetches duties whose dependent root the new head changed (a reorg).
func (s *scheduler) onHead(ctx context.Context, ev *apiv1.HeadEvent) {
	epoch := s.timer.Epoch(ev.Slot)
	check := map[phase0.Epoch]string{
		epoch:     fmt.Sprintf("%#x", ev.PreviousDutyDependentRoot),
		epoch + 1: fmt.Sprintf("%#x", ev.CurrentDutyDependentRoot),
	}
	for e, root := range check {
		s.mu.Lock()
		ed := s.attester[e]
		stale := ed != nil && ed.dependentRoot != "" && ed.dependentRoot != root
		s.mu.Unlock()
		if !stale {
			continue
		}
		s.log.Info("dependent root changed, re-fetching attester duties", zap.Uint64("epoch", uint64(e)),
			zap.String("old", ed.dependentRoot), zap.String("new", root))
		if err := s.fetchAttester(ctx, e); err != nil {
			s.log.Warn("re-fetch attester duties", zap.Uint64("epoch", uint64(e)), zap.Error(err))
		}
	}
}

// prune forgets duties of epochs before the previous one.
func (s *scheduler) prune(current phase0.Epoch) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for e := range s.attester {
		if e+1 < current {
			delete(s.attester, e)
		}
	}
}

// knownIndices returns the validator indices resolved so far.
func (s *scheduler) knownIndices() map[PubKey]phase0.ValidatorIndex {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[PubKey]phase0.ValidatorIndex, len(s.indices))
	for idx, pk := range s.indices {
		out[pk] = idx
	}
	return out
}
