package bench

import (
	"math"
	"slices"
	"sort"
	"time"

	"github.com/stingerdvt/stinger/duties"
)

// Percentile returns the nearest-rank p-th percentile (0 < p <= 100) of sorted (ascending): the smallest
// value such that at least p% of the values are less than or equal to it. p <= 0 gives the minimum; an
// empty slice gives 0.
func Percentile(sorted []int64, p float64) int64 {
	if len(sorted) == 0 {
		return 0
	}
	if p <= 0 {
		return sorted[0]
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// TriggerOffset is the fixed moment in its slot at which the scheduler starts a duty of type duty (as
// duties/scheduler.go's triggers): aggregates and contributions at 2/3 of the slot; the duties done half a
// slot ahead (RANDAO reveals and selection proofs) at -1/2; everything else at the slot start.
// Attestations and sync committee messages have no fixed moment: they go on the slot's head event (1/3
// at the latest), so their latency includes the wait for the block. Latency minus the offset is the
// pipeline's own time.
func TriggerOffset(duty string, slot time.Duration) time.Duration {
	switch duty {
	case duties.DutyAggregator.String(), duties.DutySyncContribution.String():
		return 2 * slot / 3
	case duties.DutyRandao.String(), duties.DutyPrepareAggregator.String(), duties.DutyPrepareSyncContribution.String():
		return -slot / 2
	default:
		return 0
	}
}

// DutyStats summarizes the outcomes of one duty type.
type DutyStats struct {
	Type      string `json:"type"`
	Succeeded int    `json:"succeeded"`
	Failed    int    `json:"failed"`
	Late      int    `json:"late"`
	// Latency of succeeded duties, slot start → broadcast, in milliseconds.
	P50Millis int64 `json:"p50_ms"`
	P99Millis int64 `json:"p99_ms"`
	MaxMillis int64 `json:"max_ms"`
	// TriggerMillis is the duty's TriggerOffset: the part of the latency spent waiting for its time in
	// the slot (p99 - trigger is the pipeline's own p99).
	TriggerMillis int64 `json:"trigger_ms"`
	// Reasons counts the stage and reason of duties not performed (at most a few distinct ones).
	Reasons map[string]int `json:"reasons,omitempty"`
}

// Total is every outcome counted.
func (d DutyStats) Total() int { return d.Succeeded + d.Failed + d.Late }

// maxReasons bounds the distinct failure reasons kept per duty type.
const maxReasons = 5

// Summarize groups outcomes by duty type, in the pipeline's duty order (unknown names last, by name); slot
// is the slot duration (for TriggerMillis).
func Summarize(outs []duties.Outcome, slot time.Duration) []DutyStats {
	byType := make(map[string]*DutyStats)
	lat := make(map[string][]int64)
	for _, o := range outs {
		s := byType[o.Duty]
		if s == nil {
			s = &DutyStats{Type: o.Duty, TriggerMillis: TriggerOffset(o.Duty, slot).Milliseconds()}
			byType[o.Duty] = s
		}
		switch o.Status {
		case duties.StatusSucceeded:
			s.Succeeded++
			lat[o.Duty] = append(lat[o.Duty], o.LatencyMillis)
			continue
		case duties.StatusFailed:
			s.Failed++
		default:
			s.Late++
		}
		reason := string(o.Stage) + ": " + o.Reason
		if len(reason) > 120 {
			reason = reason[:120] + "..."
		}
		if s.Reasons == nil {
			s.Reasons = make(map[string]int)
		}
		if _, ok := s.Reasons[reason]; ok || len(s.Reasons) < maxReasons {
			s.Reasons[reason]++
		}
	}
	out := make([]DutyStats, 0, len(byType))
	for typ, s := range byType {
		l := lat[typ]
		slices.Sort(l)
		s.P50Millis, s.P99Millis = Percentile(l, 50), Percentile(l, 99)
		if len(l) > 0 {
			s.MaxMillis = l[len(l)-1]
		}
		out = append(out, *s)
	}
	sort.Slice(out, func(i, j int) bool { return dutyLess(out[i].Type, out[j].Type) })
	return out
}

// dutyLess orders duty names as the pipeline's DutyType values, unknown names last by name.
func dutyLess(a, b string) bool {
	ta, errA := duties.ParseDutyType(a)
	tb, errB := duties.ParseDutyType(b)
	switch {
	case errA == nil && errB == nil:
		return ta < tb
	case errA == nil:
		return true
	case errB == nil:
		return false
	default:
		return a < b
	}
}

// Find returns the stats of duty type typ, if present.
func Find(stats []DutyStats, typ string) (DutyStats, bool) {
	for _, s := range stats {
		if s.Type == typ {
			return s, true
		}
	}
	return DutyStats{}, false
}
