package consensus

import (
	"context"
	"time"

	"github.com/stingerdvt/stinger/consensus/qbft"
)

// Inbound is a message received from a peer.
type Inbound struct {
	// From is the sending peer's process index (as authenticated by the
	// transport). The message's own Source, not From, selects the key its
	// signature is checked against; From is used for buffering limits.
	From int
	// Data is the encoded qbft.Envelope.
	Data []byte
}

// Transport carries encoded consensus messages between the cluster's
// processes. Delivery may be lossy; QBFT's round changes recover.
type Transport interface {
	// Broadcast sends data to every other process. It must not block for
	// long; it may drop messages to unreachable peers.
	Broadcast(ctx context.Context, data []byte) error
	// Messages returns the channel on which received messages arrive.
	Messages() <-chan Inbound
}

// Signer signs this process's consensus messages (with its operator key).
type Signer interface {
	// Sign returns a signature over data.
	Sign(data []byte) ([]byte, error)
}

// Verifier checks signatures of the cluster's processes.
type Verifier interface {
	// Verify returns an error unless sig is source's valid signature over data.
	Verify(source int, data, sig []byte) error
}

// Store persists instance state. Save must be durable when it returns.
type Store interface {
	// Save durably stores the encoded state of an instance, replacing any.
	Save(id qbft.InstanceID, state []byte) error
	// Load returns the stored state, or found == false.
	Load(id qbft.InstanceID) (state []byte, found bool, err error)
	// Delete forgets an instance's state (a missing one is not an error).
	Delete(id qbft.InstanceID) error
}

// Clock tells the time and makes timers; inject a fake one in tests.
type Clock interface {
	// Now returns the current time.
	Now() time.Time
	// NewTimer returns a timer that fires once after d.
	NewTimer(d time.Duration) Timer
}

// Timer is a resettable one-shot timer.
type Timer interface {
	// C returns the channel the timer fires on.
	C() <-chan time.Time
	// Reset makes the timer fire after d (Go 1.23 timer semantics: no
	// stale value is received after Reset).
	Reset(d time.Duration)
	// Stop stops the timer.
	Stop()
}

// SystemClock is the real clock.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// NewTimer returns a time.Timer.
func (SystemClock) NewTimer(d time.Duration) Timer { return sysTimer{time.NewTimer(d)} }

type sysTimer struct{ t *time.Timer }

func (t sysTimer) C() <-chan time.Time   { return t.t.C }
func (t sysTimer) Reset(d time.Duration) { t.t.Reset(d) }
func (t sysTimer) Stop()                 { t.t.Stop() }
