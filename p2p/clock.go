package p2p

import (
	"math/rand/v2"
	"time"
)

// Clock is the time source for the node's timers and timestamps. Stream deadlines always use
// the system clock, because the network stack does.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time                         { return time.Now() }
func (systemClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// backoff is an exponential backoff with full jitter in [d/2, d], doubling from min to max.
// It is owned by one goroutine.
type backoff struct {
	min, max, cur time.Duration
	rnd           func() float64
}

func newBackoff(min, max time.Duration, rnd func() float64) *backoff {
	return &backoff{min: min, max: max, cur: min, rnd: rnd}
}

// next returns the wait before the next attempt and advances the backoff.
func (b *backoff) next() time.Duration {
	d := b.cur
	b.cur = min(b.cur*2, b.max)
	return d/2 + time.Duration(b.rnd()*float64(d/2))
}

func (b *backoff) reset() { b.cur = b.min }

// lockedRand serialises a *rand.Rand (which is not safe for concurrent use).
type lockedRand struct {
	ch chan *rand.Rand
}

func newLockedRand(r *rand.Rand) *lockedRand {
	ch := make(chan *rand.Rand, 1)
	ch <- r
	return &lockedRand{ch: ch}
}

func (l *lockedRand) Float64() float64 {
	r := <-l.ch
	defer func() { l.ch <- r }()
	return r.Float64()
}
