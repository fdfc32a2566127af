package duties

import (
	"context"
	"errors"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/api"
	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	eth2http "github.com/attestantio/go-eth2-client/http"
	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/rs/zerolog"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/duties/beacon"
	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

type emitted struct {
	duty Duty
	at   time.Time
	n    int
}

// countingClient counts attester duty queries; with noEvents it refuses the event stream (a beacon node
// without one: duties then wait for their fixed trigger times).
type countingClient struct {
	beacon.Client
	noEvents bool
	mu       sync.Mutex
	attester int
}

func (c *countingClient) Events(ctx context.Context, o *api.EventsOpts) error {
	if c.noEvents {
		return errors.New("no event stream")
	}
	return c.Client.Events(ctx, o)
}

func (c *countingClient) AttesterDuties(ctx context.Context, o *api.AttesterDutiesOpts) (
	*api.Response[[]*apiv1.AttesterDuty], error,
) {
	c.mu.Lock()
	c.attester++
	c.mu.Unlock()
	return c.Client.AttesterDuties(ctx, o)
}

// waitBlocked waits until the scheduler sleeps on a timer set after now.
func waitBlocked(t *testing.T, c *fakeClock) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		c.mu.Lock()
		blocked := false
		for _, tm := range c.timers {
			if tm.active && tm.at.After(c.now) {
				blocked = true
			}
		}
		c.mu.Unlock()
		if blocked {
			return
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatal("scheduler never blocked")
}

// schedHarness is a scheduler of 6 validators against the simulator, both on one fake clock (8 slots of
// 1 s per epoch).
type schedHarness struct {
	ctx     context.Context
	sim     *beaconsim.Simulator
	svc     beacon.Client
	bn      *countingClient
	clock   *fakeClock
	timer   SlotTimer
	genesis time.Time
	s       *scheduler
	pubkeys []PubKey
	done    chan struct{}

	mu  sync.Mutex
	got []emitted
}

func newSchedHarness(t *testing.T, events bool, types ...DutyType) *schedHarness {
	t.Helper()
	r := seededReaderOf(21)
	h := &schedHarness{genesis: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), done: make(chan struct{})}
	for range 6 {
		sk, err := bls.GenerateSecretKey(r)
		if err != nil {
			t.Fatal(err)
		}
		var pk PubKey
		copy(pk[:], sk.PublicKey().Bytes())
		h.pubkeys = append(h.pubkeys, pk)
	}
	h.clock = newFakeClock(h.genesis)
	cfg := beaconsim.DefaultConfig()
	cfg.Validators = h.pubkeys
	cfg.ExtraValidators = 10
	cfg.Seed = 2
	cfg.GenesisTime = h.genesis
	cfg.Clock = h.clock
	sim, err := beaconsim.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	h.sim = sim
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	h.ctx = ctx
	svc, err := eth2http.New(ctx, eth2http.WithAddress(srv.URL), eth2http.WithLogLevel(zerolog.Disabled))
	if err != nil {
		t.Fatal(err)
	}
	h.svc = svc.(beacon.Client)
	h.bn = &countingClient{Client: h.svc, noEvents: !events}
	h.timer = SlotTimer{Genesis: h.genesis, SlotDuration: time.Second, SlotsPerEpoch: 8}
	run := func(duty Duty, fn func(context.Context)) { fn(ctx) }
	typeSet := map[DutyType]bool{}
	for _, typ := range types {
		typeSet[typ] = true
	}
	h.s = newScheduler(h.bn, h.timer, h.clock, h.pubkeys, typeSet, syncCommittee{size: 32, periodEpochs: 8}, run,
		zap.NewNop())
	h.s.Subscribe(func(_ context.Context, d Duty, defs DefinitionSet) {
		h.mu.Lock()
		h.got = append(h.got, emitted{d, h.clock.Now(), len(defs)})
		h.mu.Unlock()
	})
	go func() { defer close(h.done); _ = h.s.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-h.done })
	return h
}

// emitted returns what the scheduler emitted so far.
func (h *schedHarness) emitted() []emitted {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]emitted{}, h.got...)
}

// attesterDuties returns how many of our validators the beacon node gives each duty type per slot in
// epoch (attester, aggregator selection and proposer duties).
func (h *schedHarness) expected(t *testing.T, epoch phase0.Epoch, want map[Duty]int) {
	t.Helper()
	idx := make([]phase0.ValidatorIndex, len(h.pubkeys))
	for i := range idx {
		idx[i] = phase0.ValidatorIndex(i)
	}
	ad, err := h.svc.AttesterDuties(h.ctx, &api.AttesterDutiesOpts{Epoch: epoch, Indices: idx})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range ad.Data {
		want[Duty{Slot: d.Slot, Type: DutyAttester}]++
		want[Duty{Slot: d.Slot, Type: DutyPrepareAggregator}]++
	}
	pd, err := h.svc.ProposerDuties(h.ctx, &api.ProposerDutiesOpts{Epoch: epoch, Indices: idx})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range pd.Data {
		if int(d.ValidatorIndex) < len(h.pubkeys) {
			want[Duty{Slot: d.Slot, Type: DutyRandao}]++
			want[Duty{Slot: d.Slot, Type: DutyProposer}]++
		}
	}
}

// TestSchedulerEmitsSimulatorDutiesOnTime drives the simulator and the scheduler with one fake clock for
// two epochs, the beacon node without an event stream: the scheduler emits exactly the simulator's duties
// of our validators, attestations at 1/3 of their slot, proposals at slot start, the aggregation selection
// proofs and RANDAO reveals half a slot before their slot (at its start for the first slot, which no
// earlier slot prepared, and for RANDAO at an epoch's first slot, whose proposers the previous slot did
// not know); a head event with a new dependent root makes it re-fetch.
func TestSchedulerEmitsSimulatorDutiesOnTime(t *testing.T) {
	h := newSchedHarness(t, false, DutyAttester, DutyRandao, DutyProposer, DutyPrepareAggregator)
	want := map[Duty]int{}
	for slot := phase0.Slot(0); slot < 16; slot++ {
		if err := h.sim.AdvanceTo(slot); err != nil {
			t.Fatal(err)
		}
		if slot%8 == 0 {
			h.expected(t, phase0.Epoch(slot/8), want)
		}
		for _, off := range []time.Duration{0, time.Second / 3, time.Second / 2, 2 * time.Second / 3} {
			h.clock.Set(h.timer.SlotStart(slot).Add(off))
			waitBlocked(t, h.clock)
		}
	}
	// Epoch 1's attester duties depend on a root that changed; epoch 2's did not.
	s := h.s
	s.mu.Lock()
	var cur phase0.Root
	if ed := s.epochs[2]; ed != nil {
		b, _ := decodeHex(ed.roots[kindAttester])
		copy(cur[:], b)
	}
	s.mu.Unlock()
	ev := &apiv1.HeadEvent{Slot: 15, PreviousDutyDependentRoot: phase0.Root{0xde, 0xad}, CurrentDutyDependentRoot: cur}
	before := h.bn.attester
	s.onHead(h.ctx, ev)
	if h.bn.attester != before+1 {
		t.Fatalf("a new dependent root caused %d attester duty queries, want 1", h.bn.attester-before)
	}
	gotCount := map[Duty]int{}
	for _, e := range h.emitted() {
		if e.duty.Slot >= 16 { // prepared in slot 15 for slot 16: not in want
			continue
		}
		gotCount[e.duty] += e.n
		wantAt := h.timer.SlotStart(e.duty.Slot)
		switch {
		case e.duty.Type == DutyAttester:
			wantAt = wantAt.Add(time.Second / 3)
		case e.duty.Type == DutyPrepareAggregator && e.duty.Slot > 0:
			wantAt = wantAt.Add(-time.Second / 2)
		case e.duty.Type == DutyRandao && e.duty.Slot%8 != 0:
			wantAt = wantAt.Add(-time.Second / 2)
		}
		if !e.at.Equal(wantAt) {
			t.Errorf("%s emitted at %v, want %v", e.duty, e.at.Sub(h.genesis), wantAt.Sub(h.genesis))
		}
	}
	if len(want) == 0 {
		t.Fatal("the simulator gave our validators no duties: pick another seed")
	}
	for d, n := range want {
		if gotCount[d] != n {
			t.Errorf("%s: emitted for %d validators, want %d", d, gotCount[d], n)
		}
	}
	for d := range gotCount {
		if _, ok := want[d]; !ok {
			t.Errorf("%s emitted but not scheduled by the beacon node", d)
		}
	}
}

// TestSchedulerAttestsOnHeadEvent: with the event stream, an attestation is emitted as soon as its slot's
// head event arrives, at slot start here (the simulator's own proposer's block), not at 1/3 of the slot;
// without a head event it attests at 1/3 (TestSchedulerEmitsSimulatorDutiesOnTime). Sync committee
// messages also go on the head event, but not while the slot's attestations are still running: then they
// go when those finish or at 1/3, whichever is first.
func TestSchedulerAttestsOnHeadEvent(t *testing.T) {
	h := newSchedHarness(t, true, DutyAttester, DutySyncMessage)
	want := map[Duty]int{}
	h.expected(t, 0, want)
	h.expected(t, 1, want)
	// The first slots' head events may precede the subscription (go-eth2-client connects the stream after
	// a second): go on once one has arrived.
	time.Sleep(1500 * time.Millisecond)
	slot := phase0.Slot(1)
	deadline := time.Now().Add(10 * time.Second)
	for ; !h.sawAnyHead(); slot++ {
		if time.Now().After(deadline) || slot >= 8 {
			t.Fatal("no head event reached the scheduler")
		}
		h.clock.Set(h.timer.SlotStart(slot))
		if err := h.sim.AdvanceTo(slot); err != nil {
			t.Fatal(err)
		}
		time.Sleep(100 * time.Millisecond)
	}
	attested := 0
	for ; slot < 16; slot++ {
		h.clock.Set(h.timer.SlotStart(slot))
		if err := h.sim.AdvanceTo(slot); err != nil {
			t.Fatal(err)
		}
		// Our validators' blocks are not proposed here, so their slots have no head.
		ours := want[Duty{Slot: slot, Type: DutyProposer}] > 0
		start, att, msg := h.timer.SlotStart(slot), Duty{Slot: slot, Type: DutyAttester}, Duty{Slot: slot, Type: DutySyncMessage}
		switch n := want[att]; {
		case n > 0 && !ours:
			// The clock stays at slot start: only the head event can release the duty.
			h.waitEmitted(t, att, start)
			attested++
			waitBlocked(t, h.clock)
			if h.wasEmitted(msg) {
				t.Fatalf("%s emitted while the slot's attestations were running", msg)
			}
			if slot%2 == 0 {
				h.s.finished(att)
				h.waitEmitted(t, msg, start)
			} else {
				h.clock.Set(start.Add(time.Second / 3))
				h.waitEmitted(t, msg, start.Add(time.Second/3))
			}
		case !ours:
			h.waitEmitted(t, msg, start) // no attestation to wait for
		}
		waitBlocked(t, h.clock)
		h.clock.Set(h.timer.SlotStart(slot).Add(2 * time.Second / 3))
		waitBlocked(t, h.clock)
	}
	if attested == 0 {
		t.Fatal("no attester duty in slots 2..15: pick another seed")
	}
}

func (h *schedHarness) wasEmitted(duty Duty) bool {
	for _, e := range h.emitted() {
		if e.duty == duty {
			return true
		}
	}
	return false
}

func (h *schedHarness) sawAnyHead() bool {
	h.s.mu.Lock()
	defer h.s.mu.Unlock()
	return h.s.latestHead > 0
}

// waitEmitted waits (real time) until duty is emitted and checks it was at the fake time at.
func (h *schedHarness) waitEmitted(t *testing.T, duty Duty, at time.Time) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		for _, e := range h.emitted() {
			if e.duty == duty {
				if !e.at.Equal(at) {
					t.Fatalf("%s emitted at %v, want %v", duty, e.at.Sub(h.genesis), at.Sub(h.genesis))
				}
				return
			}
		}
		time.Sleep(time.Millisecond)
	}
	t.Fatalf("%s never emitted", duty)
}
