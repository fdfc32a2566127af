package score

import (
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

// Window is the simulator's score over the slots First..Last, from snapshots taken SnapOffset after slots
// start (after the simulator advanced: it counts a slot's duties as expected when the slot starts, marks a
// duty missed when its window closes, and counts a duty correct only if performed within its own slot).
// Attestations: due = expected(b) - expected(a), correct = correct(b+1) - correct(a+1). Other duties
// resolve within a slot of their own (late or missed at the start of slot+2), and aggregations are
// "expected" when subscribed, possibly long before their slot, so for them due = correct(b+1) -
// correct(a+1) + (late+missed+incorrect)(b+2) - (late+missed+incorrect)(a+2).
type Window struct {
	First, Last                                               uint64
	Correct, Due, Late, Missed, Incorrect, Invalid, Slashable uint64
	// Short lists, per duty type, what was due but not correct: "sync_contribution: late 9 missed 10".
	Short []string
}

// Ratio is Correct / Due; 1 when nothing was due.
func (w Window) Ratio() float64 {
	if w.Due == 0 {
		return 1
	}
	return float64(w.Correct) / float64(w.Due)
}

func (w Window) String() string {
	s := fmt.Sprintf("slots %d-%d: correct %d/%d (%.2f%%) late %d missed %d incorrect %d invalid %d slashable %d",
		w.First, w.Last, w.Correct, w.Due, 100*w.Ratio(), w.Late, w.Missed, w.Incorrect, w.Invalid, w.Slashable)
	if len(w.Short) > 0 {
		s += " [" + strings.Join(w.Short, "; ") + "]"
	}
	return s
}

// Snapshots are the snapshots of a window of slots a+1..b: just after slots a, a+1, a+2, b, b+1 and b+2
// start.
type Snapshots struct{ A, A1, A2, B, B1, B2 beaconsim.Stats }

// Window scores the snapshots (see Window for how each duty type is counted).
func (sn Snapshots) Window() Window {
	w := Window{First: sn.A.CurrentSlot + 1, Last: sn.B.CurrentSlot}
	types := slices.Sorted(maps.Keys(sn.B2.ByType))
	for _, typ := range types {
		end := sn.B2.ByType[typ]
		start := sn.A.ByType[typ]
		correct := sn.B1.ByType[typ].Correct - sn.A1.ByType[typ].Correct
		late := sn.B2.ByType[typ].Late - sn.A2.ByType[typ].Late
		missed := sn.B2.ByType[typ].Missed - sn.A2.ByType[typ].Missed
		incorrect := sn.B2.ByType[typ].Incorrect - sn.A2.ByType[typ].Incorrect
		due := correct + late + missed + incorrect
		if typ == beaconsim.DutyAttestation {
			due = sn.B.ByType[typ].Expected - start.Expected
		}
		w.Invalid += end.InvalidSignatures - start.InvalidSignatures
		w.Slashable += end.Slashable - start.Slashable
		w.Correct += correct
		w.Due += due
		w.Late += late
		w.Missed += missed
		w.Incorrect += incorrect
		if correct < due {
			w.Short = append(w.Short, fmt.Sprintf("%s: %d/%d correct, late %d missed %d incorrect %d",
				typ, correct, due, late, missed, incorrect))
		}
	}
	return w
}

// SnapOffset is how long after a slot starts a Meter reads the score: after the simulator counted the
// slot's duties as expected, before any of them can have been performed.
const SnapOffset = 100 * time.Millisecond

// Meter takes the snapshots of windows on the simulator's slot clock.
type Meter struct {
	// Genesis is the start of slot 0 and Slot the slot duration.
	Genesis time.Time
	Slot    time.Duration
	// Stats reads the simulator's score (a test's helper that fails the test when it cannot).
	Stats func() beaconsim.Stats
	// Now and Sleep are the clock (nil: time.Now and time.Sleep).
	Now   func() time.Time
	Sleep func(time.Duration)
}

func (m *Meter) now() time.Time {
	if m.Now == nil {
		return time.Now()
	}
	return m.Now()
}

func (m *Meter) sleep(d time.Duration) {
	if m.Sleep == nil {
		time.Sleep(d)
		return
	}
	m.Sleep(d)
}

// SlotNow is the current slot (0 before genesis).
func (m *Meter) SlotNow() uint64 {
	now := m.now()
	if now.Before(m.Genesis) {
		return 0
	}
	return uint64(now.Sub(m.Genesis) / m.Slot)
}

// SnapAt reads the score SnapOffset after slot starts (at once if that time has passed).
func (m *Meter) SnapAt(slot uint64) beaconsim.Stats {
	if d := m.Genesis.Add(time.Duration(slot)*m.Slot + SnapOffset).Sub(m.now()); d > 0 {
		m.sleep(d)
	}
	return m.Stats()
}

// Measure scores the slots from first to the slot in which during returns (during starts in slot
// first+1, after the window's first snapshots).
func (m *Meter) Measure(first uint64, during func()) Window {
	var sn Snapshots
	sn.A = m.SnapAt(first - 1)
	sn.A1 = m.SnapAt(first)
	sn.A2 = m.SnapAt(first + 1)
	if during != nil {
		during()
	}
	last := m.SlotNow()
	sn.B = m.SnapAt(last)
	sn.B1 = m.SnapAt(last + 1)
	sn.B2 = m.SnapAt(last + 2)
	return sn.Window()
}

// Observe runs action and waits d, scoring every slot from two slots after the current one on. Observe(d,
// nil) right after failed nodes answer again scores their recovery within 2 slots.
func (m *Meter) Observe(d time.Duration, action func()) Window {
	return m.Measure(m.SlotNow()+2, func() {
		if action != nil {
			action()
		}
		m.sleep(d)
	})
}
