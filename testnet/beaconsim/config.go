package beaconsim

import (
	"errors"
	"fmt"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// Clock tells the time; tests inject a fake one.
type Clock interface {
	Now() time.Time
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }

// Config configures a Simulator.
type Config struct {
	// Listen is the HTTP address Run serves on, e.g. "127.0.0.1:5052".
	Listen string
	// Validators are the public keys of the scored validators (from cluster lock files), in index order.
	Validators []phase0.BLSPubKey
	// ExtraValidators is how many validators the simulator adds and signs for itself (indices after Validators).
	ExtraValidators int
	// Seed makes the extra validators' keys and the genesis RANDAO mix deterministic.
	Seed uint64
	// SlotDuration is SECONDS_PER_SLOT: a whole number of seconds, at least 1 s.
	SlotDuration time.Duration
	// Preset is "minimal" or "mainnet".
	Preset string
	// GenesisTime is the start of slot 0; zero means now + GenesisDelay.
	GenesisTime time.Time
	// GenesisDelay is used when GenesisTime is zero.
	GenesisDelay time.Duration
	// FuluForkEpoch schedules Fulu (0: Fulu from genesis, mainnet's current fork); FarFutureEpoch keeps the
	// chain on Electra.
	FuluForkEpoch phase0.Epoch
	// Builder simulates an external block builder: proposers that registered (register_validator) get
	// blinded blocks from produce block v3 unless they ask with builder_boost_factor=0.
	Builder bool
	// Clock is the time source (nil: the system clock).
	Clock Clock
}

// DefaultConfig returns a one-second-slot minimal-preset chain on Fulu listening on loopback.
func DefaultConfig() Config {
	return Config{
		Listen: "127.0.0.1:5052", SlotDuration: time.Second, Preset: "minimal", GenesisDelay: 5 * time.Second,
		FuluForkEpoch: 0,
	}
}

// Validate checks the configuration; errors name the field.
func (c Config) Validate() error {
	if len(c.Validators)+c.ExtraValidators == 0 {
		return errors.New("config: Validators and ExtraValidators: want at least one validator")
	}
	if c.ExtraValidators < 0 {
		return fmt.Errorf("config: ExtraValidators %d: want >= 0", c.ExtraValidators)
	}
	if c.SlotDuration < time.Second || c.SlotDuration%time.Second != 0 {
		return fmt.Errorf("config: SlotDuration %s: want a whole number of seconds, at least 1s", c.SlotDuration)
	}
	if _, err := PresetByName(c.Preset); err != nil {
		return fmt.Errorf("config: Preset: %w", err)
	}
	if c.GenesisDelay < 0 {
		return fmt.Errorf("config: GenesisDelay %s: want >= 0", c.GenesisDelay)
	}
	return nil
}
