package duties

import (
	"context"
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

// countingClient counts attester duty queries.
type countingClient struct {
	beacon.Client
	mu       sync.Mutex
	attester int
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

// TestSchedulerEmitsSimulatorDutiesOnTime drives the simulator and the scheduler with one fake clock for
// two epochs: the scheduler emits exactly the simulator's attester duties of our validators, each at 1/3 of
// its slot, and the RANDAO/proposer duties at slot start; a head event with a new dependent root makes it
// re-fetch.
func TestSchedulerEmitsSimulatorDutiesOnTime(t *testing.T) {
	r := seededReaderOf(21)
	var pubkeys []PubKey
	for range 6 {
		sk, err := bls.GenerateSecretKey(r)
		if err != nil {
			t.Fatal(err)
		}
		var pk PubKey
		copy(pk[:], sk.PublicKey().Bytes())
		pubkeys = append(pubkeys, pk)
	}
	genesis := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := newFakeClock(genesis)
	cfg := beaconsim.DefaultConfig()
	cfg.Validators = pubkeys
	cfg.ExtraValidators = 10
	cfg.Seed = 2
	cfg.GenesisTime = genesis
	cfg.Clock = clock
	sim, err := beaconsim.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc, err := eth2http.New(ctx, eth2http.WithAddress(srv.URL), eth2http.WithLogLevel(zerolog.Disabled))
	if err != nil {
		t.Fatal(err)
	}
	bn := &countingClient{Client: svc.(beacon.Client)}
	timer := SlotTimer{Genesis: genesis, SlotDuration: time.Second, SlotsPerEpoch: 8}
	var mu sync.Mutex
	var got []emitted
	run := func(duty Duty, fn func(context.Context)) { fn(ctx) }
	s := newScheduler(bn, timer, clock, pubkeys, map[DutyType]bool{DutyAttester: true, DutyRandao: true,
		DutyProposer: true}, syncCommittee{size: 32, periodEpochs: 8}, run, zap.NewNop())
	s.Subscribe(func(_ context.Context, d Duty, defs DefinitionSet) {
		mu.Lock()
		got = append(got, emitted{d, clock.Now(), len(defs)})
		mu.Unlock()
	})
	done := make(chan struct{})
	go func() { defer close(done); _ = s.Run(ctx) }()
	want := map[Duty]int{}
	for slot := phase0.Slot(0); slot < 16; slot++ {
		if err := sim.AdvanceTo(slot); err != nil {
			t.Fatal(err)
		}
		if slot%8 == 0 {
			epoch := phase0.Epoch(slot / 8)
			idx := make([]phase0.ValidatorIndex, len(pubkeys))
			for i := range idx {
				idx[i] = phase0.ValidatorIndex(i)
			}
			ad, err := svc.(beacon.Client).AttesterDuties(ctx, &api.AttesterDutiesOpts{Epoch: epoch, Indices: idx})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range ad.Data {
				want[Duty{Slot: d.Slot, Type: DutyAttester}]++
			}
			pd, err := svc.(beacon.Client).ProposerDuties(ctx, &api.ProposerDutiesOpts{Epoch: epoch, Indices: idx})
			if err != nil {
				t.Fatal(err)
			}
			for _, d := range pd.Data {
				if int(d.ValidatorIndex) < len(pubkeys) {
					want[Duty{Slot: d.Slot, Type: DutyRandao}]++
					want[Duty{Slot: d.Slot, Type: DutyProposer}]++
				}
			}
		}
		for _, off := range []time.Duration{0, time.Second / 3, 2 * time.Second / 3} {
			clock.Set(timer.SlotStart(slot).Add(off))
			waitBlocked(t, clock)
		}
	}
	// Epoch 1's attester duties depend on a root that changed; epoch 2's did not.
	s.mu.Lock()
	var cur phase0.Root
	if ed := s.epochs[2]; ed != nil {
		b, _ := decodeHex(ed.roots[kindAttester])
		copy(cur[:], b)
	}
	s.mu.Unlock()
	ev := &apiv1.HeadEvent{Slot: 15, PreviousDutyDependentRoot: phase0.Root{0xde, 0xad}, CurrentDutyDependentRoot: cur}
	before := bn.attester
	s.onHead(ctx, ev)
	if bn.attester != before+1 {
		t.Fatalf("a new dependent root caused %d attester duty queries, want 1", bn.attester-before)
	}
	cancel()
	<-done
	mu.Lock()
	defer mu.Unlock()
	gotCount := map[Duty]int{}
	for _, e := range got {
		gotCount[e.duty] += e.n
		wantAt := timer.SlotStart(e.duty.Slot)
		if e.duty.Type == DutyAttester {
			wantAt = wantAt.Add(time.Second / 3)
		}
		if !e.at.Equal(wantAt) {
			t.Errorf("%s emitted at %v, want %v", e.duty, e.at.Sub(genesis), wantAt.Sub(genesis))
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
