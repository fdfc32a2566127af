package duties

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	bolt "go.etcd.io/bbolt"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/eth2/bls"
)

func testTracker(t *testing.T, clock *fakeClock, timer SlotTimer) (*tracker, *BoltOutcomes) {
	t.Helper()
	db, err := bolt.Open(filepath.Join(t.TempDir(), "duties.db"), 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	store, err := NewBoltOutcomes(db)
	if err != nil {
		t.Fatal(err)
	}
	m, err := newPipelineMetrics(nil)
	if err != nil {
		t.Fatal(err)
	}
	return newTracker(timer, clock, store, 64, zap.NewNop(), m), store
}

// TestTrackerRecordsOutcomeStageAndReason drives the tracker through one duty per failure mode and checks
// the persisted outcome of each: status, stage and reason.
func TestTrackerRecordsOutcomeStageAndReason(t *testing.T) {
	genesis := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	timer := SlotTimer{Genesis: genesis, SlotDuration: 12 * time.Second, SlotsPerEpoch: 32}
	clock := newFakeClock(genesis)
	tr, store := testTracker(t, clock, timer)
	pk := PubKey{1}
	defs := DefinitionSet{{PubKey: pk}: {PubKey: pk, Index: 42}}
	type step func(d Duty)
	ok := func(stages ...Stage) step {
		return func(d Duty) {
			for _, s := range stages {
				tr.Stage(d, s, nil, nil)
			}
		}
	}
	for i, tc := range []struct {
		name          string
		steps         []step
		status        string
		stage         Stage
		reasonContain string
	}{
		{"succeeded", []step{ok(StageScheduler, StageFetcher, StageConsensus, StageSigner, StageParSig),
			func(d Duty) {
				clock.Set(timer.SlotStart(d.Slot).Add(4500 * time.Millisecond))
				tr.Stage(d, StageAggregator, []Key{{PubKey: pk}}, nil)
				tr.Stage(d, StageBroadcaster, []Key{{PubKey: pk}}, nil)
			}}, StatusSucceeded, "", ""},
		{"beacon node error", []step{ok(StageScheduler), func(d Duty) {
			tr.Stage(d, StageFetcher, nil, errors.New("503 from every node"))
		}}, StatusFailed, StageFetcher, "beacon node error: 503"},
		{"no consensus", []step{ok(StageScheduler, StageFetcher)}, StatusLate, StageConsensus, "no consensus"},
		{"too few partials with an invalid one", []step{
			ok(StageScheduler, StageFetcher, StageConsensus, StageSigner, StageParSig),
			func(d Duty) { tr.InvalidPartial(d, 2, Key{PubKey: pk}, "bad_signature") },
		}, StatusLate, StageAggregator, "invalid partial from operator 2"},
		{"broadcast rejected", []step{
			ok(StageScheduler, StageFetcher, StageConsensus, StageSigner, StageParSig),
			func(d Duty) { tr.Stage(d, StageBroadcaster, []Key{{PubKey: pk}}, errors.New("400 bad signature")) },
		}, StatusFailed, StageBroadcaster, "broadcast rejected"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			d := Duty{Slot: phase0.Slot(10 + i), Type: DutyAttester}
			clock.Set(timer.SlotStart(d.Slot))
			tr.Start(d, defs, timer.SlotStart(d.Slot+1))
			for _, s := range tc.steps {
				s(d)
			}
			clock.Set(timer.SlotStart(d.Slot + 1))
			tr.expire()
			outs, err := store.Query(uint64(d.Slot), uint64(d.Slot), &pk)
			if err != nil || len(outs) != 1 {
				t.Fatalf("query: %v, %d outcomes", err, len(outs))
			}
			o := outs[0]
			if o.Status != tc.status || o.Stage != tc.stage || !strings.Contains(o.Reason, tc.reasonContain) {
				t.Fatalf("outcome %+v: want status %s stage %q reason containing %q", o, tc.status, tc.stage,
					tc.reasonContain)
			}
			if o.Index != 42 || o.Duty != "attester" {
				t.Fatalf("outcome %+v: wrong index or duty", o)
			}
			if tc.status == StatusSucceeded && o.LatencyMillis != 4500 {
				t.Fatalf("latency %d ms, want 4500", o.LatencyMillis)
			}
		})
	}
	// Retention: 64 slots after, the outcomes are pruned.
	clock.Set(timer.SlotStart(200))
	tr.expire()
	if outs, _ := store.Query(0, 300, nil); len(outs) != 0 {
		t.Fatalf("%d outcomes left after the retention window", len(outs))
	}
}

func TestDutiesHandlerValidatesAndFilters(t *testing.T) {
	genesis := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	timer := SlotTimer{Genesis: genesis, SlotDuration: 12 * time.Second, SlotsPerEpoch: 32}
	clock := newFakeClock(timer.SlotStart(100))
	tr, store := testTracker(t, clock, timer)
	a, b := PubKey{0xaa}, PubKey{0xbb}
	if err := store.Put([]Outcome{
		{Slot: 90, Duty: "attester", Validator: fmt.Sprintf("%#x", a[:]), Status: StatusSucceeded},
		{Slot: 91, Duty: "attester", Validator: fmt.Sprintf("%#x", b[:]), Status: StatusLate},
		{Slot: 99, Duty: "attester", Validator: fmt.Sprintf("%#x", a[:]), Status: StatusFailed},
	}); err != nil {
		t.Fatal(err)
	}
	sk, err := bls.GenerateSecretKey(seededReaderOf(1))
	if err != nil {
		t.Fatal(err)
	}
	p := &Pipeline{timer: timer, clock: clock, tracker: tr, pubkeys: []PubKey{a},
		shares:    map[PubKey]*bls.PublicKey{a: sk.PublicKey()},
		scheduler: newScheduler(nil, timer, clock, nil, nil, syncCommittee{size: 32, periodEpochs: 8}, nil, zap.NewNop())}
	for _, tc := range []struct {
		query  string
		status int
		slots  []uint64
	}{
		{"", http.StatusOK, []uint64{90, 91, 99}},
		{"?from_slot=91&to_slot=95", http.StatusOK, []uint64{91}},
		{fmt.Sprintf("?from_slot=0&to_slot=100&validator=%#x", a[:]), http.StatusOK, []uint64{90, 99}},
		{"?from_slot=x", http.StatusBadRequest, nil},
		{"?from_slot=10&to_slot=5", http.StatusBadRequest, nil},
		{"?from_slot=0&to_slot=999999", http.StatusBadRequest, nil},
		{"?validator=0x1234", http.StatusBadRequest, nil},
	} {
		t.Run(tc.query, func(t *testing.T) {
			rec := httptest.NewRecorder()
			p.DutiesHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, DutiesPath+tc.query, nil))
			if rec.Code != tc.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tc.status, rec.Body)
			}
			if tc.status != http.StatusOK {
				return
			}
			var resp DutiesResponse
			if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
				t.Fatal(err)
			}
			var slots []uint64
			for _, o := range resp.Duties {
				slots = append(slots, o.Slot)
			}
			if fmt.Sprint(slots) != fmt.Sprint(tc.slots) {
				t.Fatalf("slots %v, want %v", slots, tc.slots)
			}
		})
	}
	rec := httptest.NewRecorder()
	p.ValidatorsHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, ValidatorsPath, nil))
	var vr ValidatorsResponse
	if err := json.Unmarshal(rec.Body.Bytes(), &vr); err != nil || len(vr.Validators) != 1 ||
		vr.Validators[0].PublicKey != fmt.Sprintf("%#x", a[:]) {
		t.Fatalf("validators: %v %s", err, rec.Body)
	}
}

// TestTrackerOutcomePerSubcommittee: a validator's sync contribution in two subcommittees has one outcome
// per subcommittee (one broadcast, the other not), both stored and found by the validator's key, with
// the subcommittee in the JSON; other duty types have none.
func TestTrackerOutcomePerSubcommittee(t *testing.T) {
	genesis := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	timer := SlotTimer{Genesis: genesis, SlotDuration: 12 * time.Second, SlotsPerEpoch: 32}
	clock := newFakeClock(genesis)
	tr, store := testTracker(t, clock, timer)
	pk, other := PubKey{1}, PubKey{2}
	k0, k2 := Key{PubKey: pk}, Key{PubKey: pk, Subcommittee: 2}
	defs := DefinitionSet{k0: {PubKey: pk, Index: 7}, k2: {PubKey: pk, Index: 7, Subcommittee: 2},
		{PubKey: other, Subcommittee: 1}: {PubKey: other, Index: 8, Subcommittee: 1}}
	d := Duty{Slot: 40, Type: DutySyncContribution}
	clock.Set(timer.SlotStart(d.Slot))
	tr.Start(d, defs, timer.SlotStart(d.Slot+1))
	for _, s := range []Stage{StageScheduler, StageFetcher, StageConsensus, StageSigner, StageParSig} {
		tr.Stage(d, s, nil, nil)
	}
	tr.Stage(d, StageAggregator, []Key{k2}, nil)
	tr.Stage(d, StageBroadcaster, []Key{k2}, nil)
	att := Duty{Slot: 40, Type: DutyAttester}
	tr.Start(att, DefinitionSet{k0: {PubKey: pk, Index: 7}}, timer.SlotStart(d.Slot+1))
	clock.Set(timer.SlotStart(d.Slot + 1))
	tr.expire()
	outs, err := store.Query(40, 40, &pk)
	if err != nil {
		t.Fatal(err)
	}
	type got struct {
		duty, status string
		sub          string
	}
	var gots []got
	for _, o := range outs {
		b, _ := json.Marshal(o)
		sub := "none"
		if o.Subcommittee != nil {
			sub = fmt.Sprint(*o.Subcommittee)
			if !strings.Contains(string(b), fmt.Sprintf(`"subcommittee":%d`, *o.Subcommittee)) {
				t.Errorf("JSON %s lacks the subcommittee", b)
			}
		} else if strings.Contains(string(b), "subcommittee") {
			t.Errorf("JSON %s of a per-validator duty has a subcommittee", b)
		}
		gots = append(gots, got{o.Duty, o.Status, sub})
	}
	want := []got{{"attester", StatusLate, "none"}, {"sync_contribution", StatusLate, "0"},
		{"sync_contribution", StatusSucceeded, "2"}}
	if fmt.Sprint(gots) != fmt.Sprint(want) {
		t.Fatalf("outcomes of the validator %v, want %v", gots, want)
	}
	if all, _ := store.Query(40, 40, nil); len(all) != 4 {
		t.Fatalf("%d outcomes in all, want 4", len(all))
	}
}
