package consensus

import (
	"errors"
	"fmt"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/consensus/qbft"
)

// Config configures a Runner. Fields marked required have no default.
type Config struct {
	// N is the number of processes (operators) in the cluster. Required.
	N int
	// Self is this process's index in [0, N).
	Self int
	// Transport carries messages. Required.
	Transport Transport
	// Signer signs our messages. Required.
	Signer Signer
	// Verifier checks every process's signatures. Required.
	Verifier Verifier
	// Store persists instance state. Required.
	Store Store
	// CheckValue validates a proposed value for a duty (e.g. attestation
	// data that is not slashable). Required.
	CheckValue func(duty qbft.InstanceID, value []byte) error
	// Deadline is when a duty's instance is forgotten. Required.
	Deadline func(duty qbft.InstanceID) time.Time
	// Clock defaults to SystemClock.
	Clock Clock
	// Leader elects a round's leader; defaults to round robin from the slot
	// and duty type.
	Leader func(duty qbft.InstanceID, round uint32) uint16
	// Timeout is the round timer; defaults to DefaultTimeout.
	Timeout func(round uint32) time.Duration
	// MaxBufferPerPeer bounds buffered messages (for instances not started
	// yet) per sending peer; default 1024.
	MaxBufferPerPeer int
	// MaxBufferPerInstance bounds buffered messages per instance; default
	// 64 per process.
	MaxBufferPerInstance int
	// Logger defaults to zap.NewNop().
	Logger *zap.Logger
	// Registerer receives the metrics; nil registers none.
	Registerer prometheus.Registerer
}

const (
	defaultTimeoutBase = time.Second
	defaultTimeoutStep = 500 * time.Millisecond
)

// DefaultTimeout returns the default round timer t(r) = 1s + (r-1)*500ms.
func DefaultTimeout(round uint32) time.Duration {
	return qbft.IncreasingTimeout(defaultTimeoutBase, defaultTimeoutStep)(round)
}

// RoundRobin is the default leader election: (slot + duty + round) mod n.
func RoundRobin(n int) func(qbft.InstanceID, uint32) uint16 {
	return func(id qbft.InstanceID, round uint32) uint16 {
		return uint16((id.Slot + uint64(id.Duty) + uint64(round)) % uint64(n))
	}
}

func (c *Config) withDefaults() Config {
	out := *c
	if out.Clock == nil {
		out.Clock = SystemClock{}
	}
	if out.Leader == nil && out.N > 0 {
		out.Leader = RoundRobin(out.N)
	}
	if out.Timeout == nil {
		out.Timeout = DefaultTimeout
	}
	if out.MaxBufferPerPeer == 0 {
		out.MaxBufferPerPeer = 1024
	}
	if out.MaxBufferPerInstance == 0 {
		out.MaxBufferPerInstance = 64 * out.N
	}
	if out.Logger == nil {
		out.Logger = zap.NewNop()
	}
	return out
}

// Validate names the first missing or invalid field.
func (c *Config) Validate() error {
	switch {
	case c.N < 1 || c.N > qbft.MaxCommittee:
		return fmt.Errorf("consensus config: N is %d, want 1..%d", c.N, qbft.MaxCommittee)
	case c.Self < 0 || c.Self >= c.N:
		return fmt.Errorf("consensus config: Self is %d, want 0..%d", c.Self, c.N-1)
	case c.Transport == nil:
		return errors.New("consensus config: no Transport")
	case c.Signer == nil:
		return errors.New("consensus config: no Signer")
	case c.Verifier == nil:
		return errors.New("consensus config: no Verifier")
	case c.Store == nil:
		return errors.New("consensus config: no Store")
	case c.CheckValue == nil:
		return errors.New("consensus config: no CheckValue")
	case c.Deadline == nil:
		return errors.New("consensus config: no Deadline")
	case c.MaxBufferPerPeer < 0 || c.MaxBufferPerInstance < 0:
		return errors.New("consensus config: negative buffer limit")
	}
	return nil
}
