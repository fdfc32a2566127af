package qbft_test

import (
	"flag"
	"fmt"
	"maps"
	"slices"
	"strings"
	"testing"
)

var (
	simSeed  = flag.Uint64("seed", 0, "run only the simulation with this seed (reproduces a failure)")
	simLong  = flag.Bool("long", false, "run the long simulation")
	simCount = flag.Int("sim.instances", 0, "number of simulated instances (0: default; 50000 with -long)")
)

// defaultSimInstances keeps the default run well under a minute; the race
// detector slows the simulation about tenfold, so it runs fewer.
const (
	defaultSimInstances     = 3000
	defaultRaceSimInstances = 600
	longSimInstances        = 50000
)

// TestSimulation runs thousands of seeded instances with n in {4,7,10,13},
// random delays, reordering, duplication and loss before GST, crashed and
// Byzantine processes (together at most f), and checks agreement, validity
// and termination after GST. A failure names its seed: rerun it with
// go test ./consensus/qbft -run TestSimulation -seed=N -v
func TestSimulation(t *testing.T) {
	if *simSeed != 0 {
		sc := scenarioFor(*simSeed)
		res := newSim(sc).run()
		t.Logf("%v: decided=%d maxRound=%d messages=%d rejected=%v", sc, len(res.decisions), res.maxRound, res.messages, res.rejected)
		if res.violation != "" {
			t.Fatalf("%v: %s", sc, res.violation)
		}
		return
	}
	count := defaultSimInstances
	if raceEnabled {
		count = defaultRaceSimInstances
	}
	if *simLong {
		count = longSimInstances
	}
	if testing.Short() {
		count = 200
	}
	if *simCount > 0 {
		count = *simCount
	}
	runSimulations(t, 1, count)
}

type simStats struct {
	runs, decided, withByzantine, withCrashed, overloaded, messages int
	rounds                                                          map[uint32]int
	rejected                                                        map[string]int
}

func runSimulations(t *testing.T, first uint64, count int) {
	stats := map[int]*simStats{}
	failures := 0
	for seed := first; seed < first+uint64(count); seed++ {
		sc := scenarioFor(seed)
		res := newSim(sc).run()
		st := stats[sc.n]
		if st == nil {
			st = &simStats{rounds: map[uint32]int{}, rejected: map[string]int{}}
			stats[sc.n] = st
		}
		st.runs++
		st.messages += res.messages
		st.rounds[res.maxRound]++
		if res.terminated {
			st.decided++
		}
		if sc.byzantine > 0 {
			st.withByzantine++
		}
		if sc.crashed > 0 {
			st.withCrashed++
		}
		if sc.overloaded() {
			st.overloaded++
		}
		for k, v := range res.rejected {
			st.rejected[k] += v
		}
		if res.violation != "" {
			failures++
			t.Errorf("%v: %s (reproduce: go test ./consensus/qbft -run 'TestSimulation$' -seed=%d -v)", sc, res.violation, seed)
			if failures > 10 {
				t.FailNow()
			}
		}
	}
	for _, n := range slices.Sorted(maps.Keys(stats)) {
		st := stats[n]
		t.Logf("n=%d: instances=%d all-decided=%d with-byzantine=%d with-crashed=%d beyond-f(safety only)=%d honest-msgs/instance=%d max-round histogram=%s rejected=%s",
			n, st.runs, st.decided, st.withByzantine, st.withCrashed, st.overloaded, st.messages/max(st.runs, 1), histogram(st.rounds), histogram(st.rejected))
	}
}

func histogram[K int | uint32 | string](m map[K]int) string {
	var parts []string
	for _, k := range slices.Sorted(maps.Keys(m)) {
		parts = append(parts, fmt.Sprintf("%v:%d", k, m[k]))
	}
	return "{" + strings.Join(parts, " ") + "}"
}
