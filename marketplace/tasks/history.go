package tasks

import (
	"sort"
	"sync"
	"time"
)

// Sample is one observation of a task: whether it was up (process running / validator active /
// probe answering) and whether its health check passed.
type Sample struct {
	At        time.Time
	Up        bool
	HealthOK  bool
	HasHealth bool
}

// PeriodStats summarises the samples of a task in a period.
type PeriodStats struct {
	Samples       int
	UpSamples     int
	HealthChecks  int
	HealthOK      int
	First, Last   time.Time
	DaysOperated  int // distinct UTC days with at least one up sample
	Restarts      int
	Kind          Kind
	FirstObserved time.Time
}

// history is a bounded ring of samples in time order, optionally persisted.
type history struct {
	mu      sync.Mutex
	samples []Sample
	limit   int
	id      uint64
	store   *historyStore // nil: memory only
	onErr   func(error)
}

func newHistory(limit int) *history { return &history{limit: limit} }

func (h *history) add(s Sample) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.store != nil {
		if err := h.store.append(h.id, s, h.limit); err != nil && h.onErr != nil {
			h.onErr(err)
		}
	}
	if len(h.samples) >= h.limit {
		copy(h.samples, h.samples[len(h.samples)-h.limit+1:])
		h.samples = h.samples[:h.limit-1]
	}
	h.samples = append(h.samples, s)
}

// stats summarises the samples with from <= At < to.
func (h *history) stats(from, to time.Time) PeriodStats {
	h.mu.Lock()
	defer h.mu.Unlock()
	i := sort.Search(len(h.samples), func(i int) bool { return !h.samples[i].At.Before(from) })
	var st PeriodStats
	days := map[string]bool{}
	for _, s := range h.samples[i:] {
		if !s.At.Before(to) {
			break
		}
		if st.Samples == 0 {
			st.First = s.At
		}
		st.Last = s.At
		st.Samples++
		if s.Up {
			st.UpSamples++
			days[s.At.UTC().Format(time.DateOnly)] = true
		}
		if s.HasHealth {
			st.HealthChecks++
			if s.HealthOK {
				st.HealthOK++
			}
		}
	}
	st.DaysOperated = len(days)
	if len(h.samples) > 0 {
		st.FirstObserved = h.samples[0].At
	}
	return st
}
