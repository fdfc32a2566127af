package duties

import (
	"context"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/consensus"
)

// Clock tells the time and makes timers; it is the consensus runner's clock so one fake drives both.
type Clock = consensus.Clock

// SlotTimer maps slots to wall-clock times for one chain.
type SlotTimer struct {
	Genesis       time.Time
	SlotDuration  time.Duration
	SlotsPerEpoch uint64
}

// SlotStart returns when slot starts.
func (s SlotTimer) SlotStart(slot phase0.Slot) time.Time {
	return s.Genesis.Add(time.Duration(slot) * s.SlotDuration)
}

// SlotAt returns the slot at t (0 before genesis).
func (s SlotTimer) SlotAt(t time.Time) phase0.Slot {
	if t.Before(s.Genesis) {
		return 0
	}
	return phase0.Slot(t.Sub(s.Genesis) / s.SlotDuration)
}

// Epoch returns slot's epoch.
func (s SlotTimer) Epoch(slot phase0.Slot) phase0.Epoch {
	return phase0.Epoch(uint64(slot) / s.SlotsPerEpoch)
}

// FirstSlot returns the first slot of epoch.
func (s SlotTimer) FirstSlot(epoch phase0.Epoch) phase0.Slot {
	return phase0.Slot(uint64(epoch) * s.SlotsPerEpoch)
}

// sleepUntil waits until t on clock, or returns ctx's error.
func sleepUntil(ctx context.Context, clock Clock, t time.Time) error {
	return sleepUntilOr(ctx, clock, t, nil)
}

// sleepUntilOr waits until t on clock or until early is closed (a nil early never is), or returns ctx's
// error.
func sleepUntilOr(ctx context.Context, clock Clock, t time.Time, early <-chan struct{}) error {
	d := t.Sub(clock.Now())
	if d <= 0 {
		return ctx.Err()
	}
	timer := clock.NewTimer(d)
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C():
		return nil
	case <-early:
		return ctx.Err()
	}
}
