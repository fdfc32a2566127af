package score_test

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/testnet/beaconsim"
	"github.com/stingerdvt/stinger/testnet/score"
)

// stats builds a snapshot at slot with the given counters per duty type and totals of invalid signatures
// and slashable offences spread on attestations.
func stats(slot uint64, by map[beaconsim.DutyType]beaconsim.Counters) beaconsim.Stats {
	return beaconsim.Stats{CurrentSlot: slot, ByType: by}
}

type c = beaconsim.Counters

func TestSnapshotsCountEachDutyOfTheWindowOnce(t *testing.T) {
	att, agg, sync := beaconsim.DutyAttestation, beaconsim.DutyAggregation, beaconsim.DutySyncContribution
	tests := []struct {
		name string
		sn   score.Snapshots
		want score.Window
	}{
		{
			name: "attestations due by expected, correct one slot later",
			sn: score.Snapshots{
				A:  stats(9, map[beaconsim.DutyType]c{att: {Expected: 40, Correct: 36}}),
				A1: stats(10, map[beaconsim.DutyType]c{att: {Expected: 44, Correct: 40}}),
				A2: stats(11, map[beaconsim.DutyType]c{att: {Expected: 48, Correct: 44}}),
				B:  stats(17, map[beaconsim.DutyType]c{att: {Expected: 72, Correct: 67, Missed: 1}}),
				B1: stats(18, map[beaconsim.DutyType]c{att: {Expected: 76, Correct: 71, Missed: 1}}),
				B2: stats(19, map[beaconsim.DutyType]c{att: {Expected: 80, Correct: 75, Missed: 1}}),
			},
			want: score.Window{First: 10, Last: 17, Correct: 31, Due: 32, Missed: 1,
				Short: []string{fmt.Sprintf("%s: 31/32 correct, late 0 missed 1 incorrect 0", att)}},
		},
		{
			name: "aggregations due as resolved, late and missed two slots later",
			sn: score.Snapshots{
				A:  stats(9, map[beaconsim.DutyType]c{agg: {Expected: 100, Correct: 10}}),
				A1: stats(10, map[beaconsim.DutyType]c{agg: {Expected: 100, Correct: 11}}),
				A2: stats(11, map[beaconsim.DutyType]c{agg: {Expected: 100, Correct: 12, Late: 1}}),
				B:  stats(17, map[beaconsim.DutyType]c{agg: {Expected: 120, Correct: 18, Late: 1}}),
				B1: stats(18, map[beaconsim.DutyType]c{agg: {Expected: 120, Correct: 19, Late: 1}}),
				B2: stats(19, map[beaconsim.DutyType]c{agg: {Expected: 120, Correct: 20, Late: 2, Missed: 1, Incorrect: 1, InvalidSignatures: 2, Slashable: 1}}),
			},
			want: score.Window{First: 10, Last: 17, Correct: 8, Due: 11, Late: 1, Missed: 1, Incorrect: 1, Invalid: 2, Slashable: 1,
				Short: []string{fmt.Sprintf("%s: 8/11 correct, late 1 missed 1 incorrect 1", agg)}},
		},
		{
			name: "sync contributions resolved like aggregations",
			sn: score.Snapshots{
				A:  stats(9, map[beaconsim.DutyType]c{sync: {}}),
				A1: stats(10, map[beaconsim.DutyType]c{sync: {}}),
				A2: stats(11, map[beaconsim.DutyType]c{sync: {}}),
				B:  stats(17, map[beaconsim.DutyType]c{sync: {Missed: 5}}),
				B1: stats(18, map[beaconsim.DutyType]c{sync: {Correct: 1, Missed: 6}}),
				B2: stats(19, map[beaconsim.DutyType]c{sync: {Correct: 1, Missed: 7, InvalidSignatures: 1}}),
			},
			want: score.Window{First: 10, Last: 17, Correct: 1, Due: 8, Missed: 7, Invalid: 1,
				Short: []string{fmt.Sprintf("%s: 1/8 correct, late 0 missed 7 incorrect 0", sync)}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.sn.Window(); !reflect.DeepEqual(got, tt.want) {
				t.Fatalf("window\n got %+v\nwant %+v", got, tt.want)
			}
		})
	}
}

func TestWindowRatioAndLine(t *testing.T) {
	tests := []struct {
		w     score.Window
		ratio float64
		line  string
	}{
		{score.Window{First: 3, Last: 4}, 1, "slots 3-4: correct 0/0 (100.00%)"},
		{score.Window{First: 10, Last: 17, Correct: 99, Due: 100, Missed: 1}, 0.99, "slots 10-17: correct 99/100 (99.00%) late 0 missed 1"},
	}
	for _, tt := range tests {
		if r := tt.w.Ratio(); r != tt.ratio {
			t.Errorf("%+v: ratio %v, want %v", tt.w, r, tt.ratio)
		}
		if s := tt.w.String(); !strings.Contains(s, tt.line) {
			t.Errorf("line %q does not contain %q", s, tt.line)
		}
	}
}

// fakeClock is a clock whose Sleep advances Now.
type fakeClock struct{ now time.Time }

func (f *fakeClock) Now() time.Time        { return f.now }
func (f *fakeClock) Sleep(d time.Duration) { f.now = f.now.Add(d) }

func TestMeterReadsTheScoreJustAfterTheWindowsSlotsStart(t *testing.T) {
	genesis := time.Unix(1_700_000_000, 0)
	const slot = 2 * time.Second
	tests := []struct {
		name     string
		start    time.Duration // clock at the call, from genesis
		observe  time.Duration // Observe's wait
		wantSnap []uint64      // slots whose start+SnapOffset the snapshots were read at
		first    uint64
		last     uint64
	}{
		{"mid-slot, one epoch", 10*slot + 700*time.Millisecond, 8 * slot, []uint64{11, 12, 13, 21, 22, 23}, 12, 21},
		{"just before a slot, no wait", 3*slot - time.Millisecond, 0, []uint64{3, 4, 5, 5, 6, 7}, 4, 5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clk := &fakeClock{now: genesis.Add(tt.start)}
			var read []uint64
			m := &score.Meter{Genesis: genesis, Slot: slot, Now: clk.Now, Sleep: clk.Sleep,
				Stats: func() beaconsim.Stats {
					since := clk.now.Sub(genesis)
					if since%slot != score.SnapOffset {
						t.Fatalf("score read %s into a slot, want %s", since%slot, score.SnapOffset)
					}
					s := uint64(since / slot)
					read = append(read, s)
					return stats(s, nil)
				}}
			acted := false
			w := m.Observe(tt.observe, func() {
				acted = true
				if len(read) != 3 {
					t.Fatalf("action ran after %d snapshots, want 3 (the window's start)", len(read))
				}
			})
			if !acted {
				t.Fatal("action not run")
			}
			if w.First != tt.first || w.Last != tt.last {
				t.Errorf("window slots %d-%d, want %d-%d", w.First, w.Last, tt.first, tt.last)
			}
			if len(read) != len(tt.wantSnap) {
				t.Fatalf("snapshots at slots %v, want %v", read, tt.wantSnap)
			}
			for i := range read {
				if read[i] != tt.wantSnap[i] {
					t.Fatalf("snapshots at slots %v, want %v", read, tt.wantSnap)
				}
			}
		})
	}
}

func TestSlotNowIsZeroBeforeGenesis(t *testing.T) {
	genesis := time.Unix(1_700_000_000, 0)
	for _, tt := range []struct {
		at   time.Duration
		want uint64
	}{{-5 * time.Second, 0}, {0, 0}, {1999 * time.Millisecond, 0}, {2 * time.Second, 1}, {17 * time.Second, 8}} {
		clk := &fakeClock{now: genesis.Add(tt.at)}
		m := &score.Meter{Genesis: genesis, Slot: 2 * time.Second, Now: clk.Now, Sleep: clk.Sleep}
		if got := m.SlotNow(); got != tt.want {
			t.Errorf("at genesis%+v: slot %d, want %d", tt.at, got, tt.want)
		}
	}
}
