package tasks

import (
	"testing"
	"time"
)

// TestHistoryStatsCountsPeriodAndDays: only samples inside [from, to) count, days operated are
// distinct UTC days with an up sample, and the ring keeps the newest samples.
func TestHistoryStatsCountsPeriodAndDays(t *testing.T) {
	day := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	h := newHistory(5)
	for _, s := range []Sample{
		{At: day.Add(-time.Hour), Up: true}, // dropped by the ring limit
		{At: day.Add(1 * time.Hour), Up: true, HasHealth: true, HealthOK: true},
		{At: day.Add(2 * time.Hour), Up: false, HasHealth: true},
		{At: day.Add(25 * time.Hour), Up: true, HasHealth: true, HealthOK: true},
		{At: day.Add(49 * time.Hour), Up: false},
		{At: day.Add(73 * time.Hour), Up: true},
	} {
		h.add(s)
	}
	cases := []struct {
		name                          string
		from, to                      time.Time
		samples, up, checks, ok, days int
	}{
		{"everything", time.Time{}, day.Add(100 * time.Hour), 5, 3, 3, 2, 3},
		{"first day", day, day.Add(24 * time.Hour), 2, 1, 2, 1, 1},
		{"end is exclusive", day, day.Add(time.Hour), 0, 0, 0, 0, 0},
		{"later days", day.Add(24 * time.Hour), day.Add(100 * time.Hour), 3, 2, 1, 1, 2},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			st := h.stats(tc.from, tc.to)
			if st.Samples != tc.samples || st.UpSamples != tc.up || st.HealthChecks != tc.checks || st.HealthOK != tc.ok || st.DaysOperated != tc.days {
				t.Fatalf("stats = %+v", st)
			}
		})
	}
}
