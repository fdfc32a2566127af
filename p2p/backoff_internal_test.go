package p2p

import (
	"math/rand/v2"
	"testing"
	"time"
)

func TestBackoffDoublesWithJitterUpToMaxAndResets(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	b := newBackoff(100*time.Millisecond, time.Second, rnd.Float64)
	wantCeil := []time.Duration{100, 200, 400, 800, 1000, 1000}
	for i, ceil := range wantCeil {
		ceil *= time.Millisecond
		got := b.next()
		if got < ceil/2 || got > ceil {
			t.Fatalf("attempt %d: wait %s outside [%s, %s]", i, got, ceil/2, ceil)
		}
	}
	b.reset()
	if got := b.next(); got > 100*time.Millisecond {
		t.Fatalf("after reset: wait %s, want <= 100ms", got)
	}
}

func TestBackoffIsDeterministicForASeed(t *testing.T) {
	seq := func() []time.Duration {
		rnd := rand.New(rand.NewPCG(7, 7))
		b := newBackoff(50*time.Millisecond, time.Second, newLockedRand(rnd).Float64)
		var out []time.Duration
		for range 5 {
			out = append(out, b.next())
		}
		return out
	}
	a, b := seq(), seq()
	for i := range a {
		if a[i] != b[i] {
			t.Fatalf("attempt %d: %s != %s", i, a[i], b[i])
		}
	}
}
