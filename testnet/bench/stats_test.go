package bench

import (
	"reflect"
	"sort"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/duties"
)

func TestPercentileIsNearestRank(t *testing.T) {
	hundred := make([]int64, 100)
	for i := range hundred {
		hundred[i] = int64(i + 1) // 1..100
	}
	tests := []struct {
		name   string
		sorted []int64
		p      float64
		want   int64
	}{
		{"empty", nil, 50, 0},
		{"one value, any p", []int64{7}, 99, 7},
		{"p0 is the minimum", []int64{3, 5, 9}, 0, 3},
		{"median of odd", []int64{1, 2, 3, 4, 5}, 50, 3},
		{"median of even takes the lower middle", []int64{1, 2, 3, 4}, 50, 2},
		{"p99 of 1..100", hundred, 99, 99},
		{"p100 is the maximum", hundred, 100, 100},
		{"p99 of 10 values is the maximum", []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 99, 10},
		{"p90 of 10 values", []int64{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}, 90, 9},
		{"p above 100 is clamped", []int64{1, 2}, 150, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Percentile(tt.sorted, tt.p); got != tt.want {
				t.Fatalf("Percentile(%v, %v) = %d, want %d", tt.sorted, tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarizeGroupsByTypeInPipelineOrder(t *testing.T) {
	att, sync := duties.DutyAttester.String(), duties.DutySyncMessage.String()
	prop, prep := duties.DutyProposer.String(), duties.DutyPrepareAggregator.String()
	var outs []duties.Outcome
	for i := range 100 { // 4000..4099 ms, shuffled order
		outs = append(outs, duties.Outcome{Duty: att, Status: duties.StatusSucceeded, LatencyMillis: int64(4000 + (i*37)%100)})
	}
	outs = append(outs,
		duties.Outcome{Duty: att, Status: duties.StatusLate, Stage: duties.StageAggregator, Reason: "too few partial signatures"},
		duties.Outcome{Duty: att, Status: duties.StatusLate, Stage: duties.StageAggregator, Reason: "too few partial signatures"},
		duties.Outcome{Duty: sync, Status: duties.StatusFailed, Stage: duties.StageFetcher, Reason: "beacon node error: x"},
		duties.Outcome{Duty: prop, Status: duties.StatusSucceeded, LatencyMillis: 300},
		duties.Outcome{Duty: prep, Status: duties.StatusSucceeded, LatencyMillis: -5800}, // done ahead
		duties.Outcome{Duty: "future_duty", Status: duties.StatusSucceeded, LatencyMillis: 1},
	)
	got := Summarize(outs, 12*time.Second)
	want := []DutyStats{
		{Type: att, Succeeded: 100, Late: 2, P50Millis: 4049, P99Millis: 4098, MaxMillis: 4099,
			Reasons: map[string]int{"aggregator: too few partial signatures": 2}},
		{Type: prop, Succeeded: 1, P50Millis: 300, P99Millis: 300, MaxMillis: 300},
		{Type: prep, Succeeded: 1, P50Millis: -5800, P99Millis: -5800, MaxMillis: -5800, TriggerMillis: -6000},
		{Type: sync, Failed: 1, Reasons: map[string]int{"fetcher: beacon node error: x": 1}},
		{Type: "future_duty", Succeeded: 1, P50Millis: 1, P99Millis: 1, MaxMillis: 1},
	}
	// Pipeline order (the DutyType values), unknown names last.
	known := want[:4]
	sort.Slice(known, func(i, j int) bool {
		a, _ := duties.ParseDutyType(known[i].Type)
		b, _ := duties.ParseDutyType(known[j].Type)
		return a < b
	})
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("Summarize =\n%+v\nwant\n%+v", got, want)
	}
	if a, _ := Find(got, att); a.Total() != 102 {
		t.Fatalf("attester total %d, want 102", a.Total())
	}
}

func TestTriggerOffsetFollowsTheScheduler(t *testing.T) {
	slot := 12 * time.Second
	tests := []struct {
		duty duties.DutyType
		want time.Duration
	}{
		{duties.DutyAttester, 0},
		{duties.DutySyncMessage, 0},
		{duties.DutyAggregator, 8 * time.Second},
		{duties.DutySyncContribution, 8 * time.Second},
		{duties.DutyProposer, 0},
		{duties.DutyRandao, -6 * time.Second},
		{duties.DutyPrepareAggregator, -6 * time.Second},
		{duties.DutyPrepareSyncContribution, -6 * time.Second},
		{duties.DutyBuilderRegistration, 0},
	}
	for _, tt := range tests {
		if got := TriggerOffset(tt.duty.String(), slot); got != tt.want {
			t.Errorf("TriggerOffset(%s) = %s, want %s", tt.duty, got, tt.want)
		}
	}
}
