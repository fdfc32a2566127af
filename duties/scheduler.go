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

// trigger says when a duty type is emitted: at slot start + num/den of the slot, for the slot itself or,
// with ahead, for the next slot.
type trigger struct {
	typ      DutyType
	num, den int64
	// onHead emits the duty as soon as a head event for its slot arrives, if that is before num/den:
	// attestations and sync committee messages vote for the head, so once the slot's block is imported
	// there is nothing to wait for (Prysm's "block or 1/3 of the slot", whichever comes first).
	onHead bool
	// ahead emits the next slot's duty in this slot: the RANDAO reveal and the selection proofs, which
	// sign only an epoch or a slot (and a subcommittee), are done half a slot before their slot so that
	// the slot's start (proposal) and its head block (attestations, sync messages) have the CPU to
	// themselves. A duty not emitted ahead (first slot, skipped slots, next epoch's duties not known yet)
	// is emitted at its slot's start.
	ahead bool
	// after holds the duty back, until num/den at the latest, while this slot's duty of type after is
	// still running on this node: sync committee messages wait for the attestations, which have the
	// earlier deadline (1/3 of the slot), so their signatures, partial-signature checks and recoveries
	// do not share the CPU with the attestations' (DutyUnknown: no wait).
	after DutyType
}

// triggers in slot order.
var triggers = []trigger{
	{typ: DutyProposer, num: 0, den: 1},
	{typ: DutyAttester, num: 1, den: 3, onHead: true},
	{typ: DutySyncMessage, num: 1, den: 3, onHead: true, after: DutyAttester},
	{typ: DutyRandao, num: 1, den: 2, ahead: true},
	{typ: DutyPrepareAggregator, num: 1, den: 2, ahead: true},
	{typ: DutyPrepareSyncContribution, num: 1, den: 2, ahead: true},
	{typ: DutyBuilderRegistration, num: 1, den: 2},
	{typ: DutyAggregator, num: 2, den: 3},
	{typ: DutySyncContribution, num: 2, den: 3},
}

// dutyKind is a kind of beacon node duty query.
type dutyKind string

const (
	kindAttester dutyKind = "attester"
	kindProposer dutyKind = "proposer"
	kindSync     dutyKind = "sync"
)

// scheduler is the Scheduler: per epoch it fetches our validators' duties and emits them in each slot.
type scheduler struct {
	bn      beacon.Client
	timer   SlotTimer
	clock   Clock
	pubkeys []PubKey
	types   map[DutyType]bool
	sync    syncCommittee
	run     Runner
	log     *zap.Logger
	// onEpoch runs at the first slot we see of every epoch (proposer preparation).
	onEpoch func(ctx context.Context, indices map[PubKey]phase0.ValidatorIndex)

	mu      sync.Mutex
	indices map[phase0.ValidatorIndex]PubKey
	epochs  map[phase0.Epoch]*epochDuties
	subs    []func(context.Context, Duty, DefinitionSet)
	// heads has a channel per slot, closed when a head event for that slot (or a later one) arrives.
	heads map[phase0.Slot]chan struct{}
	// latestHead is the highest slot of a head event seen.
	latestHead phase0.Slot
	// emitted has a channel per duty emitted, closed when the duty is done (finished).
	emitted map[Duty]chan struct{}
}

// syncCommittee is the shape of the chain's sync committee.
type syncCommittee struct {
	// size is SYNC_COMMITTEE_SIZE: it maps sync committee positions to subcommittees.
	size uint64
	// periodEpochs is EPOCHS_PER_SYNC_COMMITTEE_PERIOD.
	periodEpochs uint64
}

// epochDuties are one epoch's duties and the dependent root each kind was computed from.
type epochDuties struct {
	started bool
	roots   map[dutyKind]string
	bySlot  map[phase0.Slot]map[DutyType]DefinitionSet
}

func newScheduler(bn beacon.Client, timer SlotTimer, clock Clock, pubkeys []PubKey, types map[DutyType]bool,
	sync syncCommittee, run Runner, log *zap.Logger,
) *scheduler {
	return &scheduler{bn: bn, timer: timer, clock: clock, pubkeys: pubkeys, types: types, sync: sync, run: run,
		log: log, indices: make(map[phase0.ValidatorIndex]PubKey), epochs: make(map[phase0.Epoch]*epochDuties),
		heads: make(map[phase0.Slot]chan struct{}), emitted: make(map[Duty]chan struct{})}
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

// slot prepares the duties of slot's epoch (and the next) and emits slot's duties at their trigger times,
// first those ahead duties of slot that no earlier slot emitted.
func (s *scheduler) slot(ctx context.Context, slot phase0.Slot) {
	epoch := s.timer.Epoch(slot)
	if err := s.resolveIndices(ctx); err != nil {
		s.log.Warn("resolve validator indices", zap.Error(err))
	}
	type fetch struct {
		kind  dutyKind
		epoch phase0.Epoch
	}
	fetches := []fetch{{kindProposer, epoch}, {kindAttester, epoch}, {kindAttester, epoch + 1}, {kindSync, epoch}}
	if s.timer.Epoch(slot+1) != epoch { // the ahead duties of the next epoch's first slot
		fetches = append(fetches, fetch{kindSync, epoch + 1})
	}
	for _, f := range fetches {
		if s.have(f.kind, f.epoch) {
			continue
		}
		if err := s.fetch(ctx, f.kind, f.epoch); err != nil {
			s.log.Warn("fetch duties", zap.String("kind", string(f.kind)), zap.Uint64("epoch", uint64(f.epoch)),
				zap.Error(err))
		}
	}
	s.prune(epoch)
	if s.onEpoch != nil && !s.seenEpoch(epoch) {
		s.onEpoch(ctx, s.knownIndices())
	}
	for _, tr := range triggers {
		if d := (Duty{Slot: slot, Type: tr.typ}); tr.ahead && s.types[tr.typ] && !s.wasEmitted(d) {
			s.emitDefined(d)
		}
	}
	start := s.timer.SlotStart(slot)
	for _, tr := range triggers {
		if !s.types[tr.typ] {
			continue
		}
		at := start.Add(time.Duration(int64(s.timer.SlotDuration) * tr.num / tr.den))
		var head <-chan struct{}
		if tr.onHead {
			head = s.headOf(slot)
		}
		if err := sleepUntilOr(ctx, s.clock, at, head); err != nil {
			return
		}
		if tr.after != DutyUnknown {
			if err := sleepUntilOr(ctx, s.clock, at, s.doneOf(Duty{Slot: slot, Type: tr.after})); err != nil {
				return
			}
		}
		duty := Duty{Slot: slot, Type: tr.typ}
		if tr.ahead {
			duty.Slot++
		}
		s.emitDefined(duty)
	}
}

// emitDefined emits duty if any of our validators has it.
func (s *scheduler) emitDefined(duty Duty) {
	if defs := s.definitions(duty); len(defs) > 0 {
		s.emit(duty, defs)
	}
}

// headOf returns a channel closed once a head event for slot or a later one has arrived.
func (s *scheduler) headOf(slot phase0.Slot) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	ch := s.heads[slot]
	if ch == nil {
		ch = make(chan struct{})
		if s.latestHead >= slot && s.latestHead > 0 {
			close(ch)
		}
		s.heads[slot] = ch
	}
	return ch
}

// closedChan returns a closed channel: a wait on it is over at once.
func closedChan() chan struct{} {
	ch := make(chan struct{})
	close(ch)
	return ch
}

// closeOnce closes ch unless it is closed already.
func closeOnce(ch chan struct{}) {
	select {
	case <-ch:
	default:
		close(ch)
	}
}

// sawHead records a head event for slot: the duties waiting for it (or an earlier slot's head) go.
func (s *scheduler) sawHead(slot phase0.Slot) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if slot > s.latestHead {
		s.latestHead = slot
	}
	for sl, ch := range s.heads {
		if sl <= slot {
			closeOnce(ch)
		}
		if sl+4 < slot {
			delete(s.heads, sl)
		}
	}
	if s.heads[slot] == nil {
		s.heads[slot] = closedChan()
	}
}

// wasEmitted reports whether duty was emitted.
func (s *scheduler) wasEmitted(duty Duty) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.emitted[duty]
	return ok
}

// doneOf returns a channel closed once duty is done; it is closed already if duty was not emitted.
func (s *scheduler) doneOf(duty Duty) <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, ok := s.emitted[duty]; ok {
		return ch
	}
	return closedChan()
}

// finished records that duty is done (every validator's outcome known, or the duty dropped).
func (s *scheduler) finished(duty Duty) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ch, ok := s.emitted[duty]; ok {
		closeOnce(ch)
	}
}

func (s *scheduler) emit(duty Duty, defs DefinitionSet) {
	s.mu.Lock()
	subs := append([]func(context.Context, Duty, DefinitionSet){}, s.subs...)
	if _, ok := s.emitted[duty]; !ok {
		s.emitted[duty] = make(chan struct{})
	}
	s.mu.Unlock()
	for _, fn := range subs {
		s.run(duty, func(ctx context.Context) { fn(ctx, duty, defs) })
	}
}

// seenEpoch records that an epoch's start work ran; it reports whether it had before.
func (s *scheduler) seenEpoch(e phase0.Epoch) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ed := s.epochs[e]
	if ed == nil {
		return false
	}
	seen := ed.started
	ed.started = true
	return seen
}

func (s *scheduler) definitions(duty Duty) DefinitionSet {
	s.mu.Lock()
	defer s.mu.Unlock()
	if duty.Type == DutyBuilderRegistration {
		// Every validator re-registers once per epoch, at its first slot.
		if duty.Slot != s.timer.FirstSlot(s.timer.Epoch(duty.Slot)) {
			return nil
		}
		defs := make(DefinitionSet, len(s.indices))
		for idx, pk := range s.indices {
			defs[Key{PubKey: pk}] = Definition{PubKey: pk, Index: idx}
		}
		return defs
	}
	if ed := s.epochs[s.timer.Epoch(duty.Slot)]; ed != nil {
		return ed.bySlot[duty.Slot][duty.Type]
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

func (s *scheduler) have(kind dutyKind, e phase0.Epoch) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ed := s.epochs[e]
	if ed == nil {
		return false
	}
	_, ok := ed.roots[kind]
	return ok
}

// ourIndices returns our validators' resolved indices, sorted.
func (s *scheduler) ourIndices() []phase0.ValidatorIndex {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]phase0.ValidatorIndex, 0, len(s.indices))
	for idx := range s.indices {
		out = append(out, idx)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// kindTypes are the duty types each kind of duty query schedules.
var kindTypes = map[dutyKind][]DutyType{
	kindAttester: {DutyAttester, DutyPrepareAggregator, DutyAggregator},
	kindProposer: {DutyRandao, DutyProposer},
	kindSync:     {DutySyncMessage, DutyPrepareSyncContribution, DutySyncContribution},
}

// syncSubcommitteeTypes are the sync duty types scheduled once per subcommittee (see Key).
var syncSubcommitteeTypes = []DutyType{DutyPrepareSyncContribution, DutySyncContribution}

// slotDefs are definitions by slot and duty type.
type slotDefs map[phase0.Slot]map[DutyType]DefinitionSet

func (d slotDefs) add(slot phase0.Slot, def Definition, types ...DutyType) {
	if d[slot] == nil {
		d[slot] = map[DutyType]DefinitionSet{}
	}
	for _, t := range types {
		if d[slot][t] == nil {
			d[slot][t] = DefinitionSet{}
		}
		d[slot][t][def.Key()] = def
	}
}

// query asks the beacon node for one kind of duties of epoch e; duties outside the epoch or of validators
// that are not ours are ignored rather than trusted.
func (s *scheduler) query(ctx context.Context, kind dutyKind, e phase0.Epoch, indices []phase0.ValidatorIndex) (
	slotDefs, map[string]any, error,
) {
	defs := slotDefs{}
	inEpoch := func(slot phase0.Slot) bool { return s.timer.Epoch(slot) == e }
	switch kind {
	case kindAttester:
		resp, err := s.bn.AttesterDuties(ctx, &api.AttesterDutiesOpts{Epoch: e, Indices: indices})
		if err != nil {
			return nil, nil, fmt.Errorf("attester duties: %w", err)
		}
		for _, d := range resp.Data {
			if pk, ok := s.pubkeyOf(d.ValidatorIndex); ok && inEpoch(d.Slot) {
				defs.add(d.Slot, Definition{PubKey: pk, Index: d.ValidatorIndex, Attester: d}, kindTypes[kind]...)
			}
		}
		return defs, resp.Metadata, nil
	case kindProposer:
		resp, err := s.bn.ProposerDuties(ctx, &api.ProposerDutiesOpts{Epoch: e, Indices: indices})
		if err != nil {
			return nil, nil, fmt.Errorf("proposer duties: %w", err)
		}
		for _, d := range resp.Data {
			if pk, ok := s.pubkeyOf(d.ValidatorIndex); ok && inEpoch(d.Slot) {
				defs.add(d.Slot, Definition{PubKey: pk, Index: d.ValidatorIndex, Proposer: d}, kindTypes[kind]...)
			}
		}
		return defs, resp.Metadata, nil
	case kindSync:
		resp, err := s.bn.SyncCommitteeDuties(ctx, &api.SyncCommitteeDutiesOpts{Epoch: e, Indices: indices})
		if err != nil {
			return nil, nil, fmt.Errorf("sync committee duties: %w", err)
		}
		first, last := s.timer.FirstSlot(e), s.timer.FirstSlot(e+1)-1
		if s.sync.periodEpochs == 0 || (uint64(e)+1)%s.sync.periodEpochs != 0 {
			s.addSync(defs, resp.Data, first, last)
			return defs, resp.Metadata, nil
		}
		// The last slot of a sync committee period signs for the next slot's block, which the next
		// period's committee signs (the Altair honest validator spec: the committee of epoch(slot+1)).
		next, err := s.bn.SyncCommitteeDuties(ctx, &api.SyncCommitteeDutiesOpts{Epoch: e + 1, Indices: indices})
		if err != nil {
			return nil, nil, fmt.Errorf("sync committee duties of the next period: %w", err)
		}
		if last > first {
			s.addSync(defs, resp.Data, first, last-1)
		}
		s.addSync(defs, next.Data, last, last)
		return defs, resp.Metadata, nil
	}
	return nil, nil, fmt.Errorf("unknown duty kind %q", kind)
}

// addSync adds the sync committee duties of our validators to slots from..to (inclusive): the sync message
// per validator, the selection proof and contribution per subcommittee in which it holds a position.
func (s *scheduler) addSync(defs slotDefs, duties []*apiv1.SyncCommitteeDuty, from, to phase0.Slot) {
	for _, d := range duties {
		pk, ok := s.pubkeyOf(d.ValidatorIndex)
		if !ok {
			continue
		}
		def := Definition{PubKey: pk, Index: d.ValidatorIndex, Sync: d}
		var bySub []Definition // one per subcommittee in which the validator holds a position
		for _, sub := range syncSubcommittees(d, s.sync.size) {
			sd := def
			sd.Subcommittee = sub
			bySub = append(bySub, sd)
		}
		for slot := from; slot <= to; slot++ {
			defs.add(slot, def, DutySyncMessage)
			for _, sd := range bySub {
				defs.add(slot, sd, syncSubcommitteeTypes...)
			}
		}
	}
}

// fetch fetches one kind of duties of epoch e and replaces what was known of that kind.
func (s *scheduler) fetch(ctx context.Context, kind dutyKind, e phase0.Epoch) error {
	indices := s.ourIndices()
	if len(indices) == 0 {
		return nil
	}
	defs, meta, err := s.query(ctx, kind, e, indices)
	if err != nil {
		return err
	}
	root := dependentRoot(meta)
	s.mu.Lock()
	defer s.mu.Unlock()
	ed := s.epochs[e]
	if ed == nil {
		ed = &epochDuties{roots: map[dutyKind]string{}, bySlot: map[phase0.Slot]map[DutyType]DefinitionSet{}}
		s.epochs[e] = ed
	}
	for slot := range ed.bySlot {
		for _, t := range kindTypes[kind] {
			delete(ed.bySlot[slot], t)
		}
	}
	for slot, byType := range defs {
		if ed.bySlot[slot] == nil {
			ed.bySlot[slot] = map[DutyType]DefinitionSet{}
		}
		for t, set := range byType {
			ed.bySlot[slot][t] = set
		}
	}
	ed.roots[kind] = root
	s.log.Debug("duties fetched", zap.String("kind", string(kind)), zap.Uint64("epoch", uint64(e)),
		zap.Int("slots", len(defs)), zap.String("dependent_root", root))
	return nil
}

func (s *scheduler) pubkeyOf(idx phase0.ValidatorIndex) (PubKey, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	pk, ok := s.indices[idx]
	return pk, ok
}

// onHead re-fetches duties whose dependent root the new head changed (a reorg).
func (s *scheduler) onHead(ctx context.Context, ev *apiv1.HeadEvent) {
	s.sawHead(ev.Slot)
	epoch := s.timer.Epoch(ev.Slot)
	prev, cur := fmt.Sprintf("%#x", ev.PreviousDutyDependentRoot), fmt.Sprintf("%#x", ev.CurrentDutyDependentRoot)
	for _, c := range []struct {
		kind  dutyKind
		epoch phase0.Epoch
		root  string
	}{{kindAttester, epoch, prev}, {kindAttester, epoch + 1, cur}, {kindProposer, epoch, cur}} {
		s.mu.Lock()
		var old string
		if ed := s.epochs[c.epoch]; ed != nil {
			old = ed.roots[c.kind]
		}
		s.mu.Unlock()
		if old == "" || old == c.root {
			continue
		}
		s.log.Info("dependent root changed, re-fetching duties", zap.String("kind", string(c.kind)),
			zap.Uint64("epoch", uint64(c.epoch)), zap.String("old", old), zap.String("new", c.root))
		if err := s.fetch(ctx, c.kind, c.epoch); err != nil {
			s.log.Warn("re-fetch duties", zap.String("kind", string(c.kind)), zap.Uint64("epoch", uint64(c.epoch)),
				zap.Error(err))
		}
	}
}

// prune forgets duties of epochs before the previous one.
func (s *scheduler) prune(current phase0.Epoch) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for e := range s.epochs {
		if e+1 < current {
			delete(s.epochs, e)
		}
	}
	for d := range s.emitted {
		if e := s.timer.Epoch(d.Slot); e+1 < current {
			delete(s.emitted, d)
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

// dependentRoot returns the response's dependent root as 0x-hex ("" if absent). go-eth2-client decodes it
// as a phase0.Root; other clients may leave a string.
func dependentRoot(meta map[string]any) string {
	switch v := meta["dependent_root"].(type) {
	case phase0.Root:
		return fmt.Sprintf("%#x", v[:])
	case string:
		return strings.ToLower(v)
	}
	return ""
}
