package duties_test

import (
	"testing"
	"time"

	"github.com/stingerdvt/stinger/duties"
)

func TestRoundTimeoutLeavesRoomForRound2OfLateSlotDuties(t *testing.T) {
	tests := []struct {
		slot  time.Duration
		round uint32
		want  time.Duration
	}{
		{12 * time.Second, 1, 1500 * time.Millisecond},
		{12 * time.Second, 2, 3 * time.Second},
		{12 * time.Second, 0, 1500 * time.Millisecond}, // round 0 does not exist: as round 1
		{2 * time.Second, 1, 250 * time.Millisecond},
		{4 * time.Second, 3, 1500 * time.Millisecond},
	}
	for _, tt := range tests {
		if got := duties.RoundTimeout(tt.slot)(tt.round); got != tt.want {
			t.Errorf("RoundTimeout(%s)(%d) = %s, want %s", tt.slot, tt.round, got, tt.want)
		}
	}
	// An aggregation starts at 2/3 of the slot: after a round-1 timeout, round 2 must keep at least a
	// fifth of a slot before the slot ends.
	for _, slot := range []time.Duration{2 * time.Second, 4 * time.Second, 12 * time.Second} {
		if left := slot/3 - duties.RoundTimeout(slot)(1); left < slot/5 {
			t.Errorf("slot %s: %s left for round 2 of an aggregation, want >= %s", slot, left, slot/5)
		}
	}
}
