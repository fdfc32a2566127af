package devnet

import (
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/stingerdvt/stinger/testnet/beaconsim"
	"github.com/stingerdvt/stinger/testnet/prysm"
)

// Options configures a process devnet.
type Options struct {
	// Binary is the stinger executable every child runs (required).
	Binary string
	// Dir holds every node's data, the logs and devnet.json (required; created if missing).
	Dir string
	// Nodes is the number of operators (n = 3f+1, at least 4).
	Nodes int
	// Validators is the number of distributed validators the DKG creates.
	Validators int
	// Dealer creates the keys with a trusted dealer in this process (`stinger create cluster`) instead
	// of a real DKG among `stinger dkg` processes: fast for thousands of validators (benchmarks), INSECURE.
	Dealer bool
	// ExtraValidators are validators the simulator (with Beacon "prysm": Prysm's validator client) signs
	// for itself (0: as many as Validators, so that the chain justifies even while the cluster is down).
	ExtraValidators int
	// Beacon is the beacon node: "sim" (the simulator, default) or "prysm" (a real chain: geth and Prysm,
	// mainnet preset, the cluster's keys are interop keys split by a trusted dealer; see testnet/prysm).
	Beacon string
	// Slot is the slot duration (whole seconds).
	Slot time.Duration
	// Preset is minimal or mainnet.
	Preset string
	// GenesisDelay is how long after the simulator starts slot 0 begins (0: 2 slots + 8 s, time for the nodes to start).
	GenesisDelay time.Duration
	// Chain starts geth --dev with the marketplace contracts.
	Chain bool
	// Geth is the geth binary ("": $STINGER_GETH, the cache, or built with go install).
	Geth string
	// NodeBeaconURLs, if set, gives node i's beacon_node_urls (tests put fault proxies in front of the
	// simulator); nil gives every node the simulator alone.
	NodeBeaconURLs func(i int, simURL string) []string
	// Progress receives one line per step (nil: discarded).
	Progress io.Writer
}

// DefaultOptions returns the `stinger devnet up` defaults.
func DefaultOptions() Options {
	return Options{Dir: "./devnet", Nodes: 4, Validators: 64, Slot: 2 * time.Second, Preset: "minimal", Chain: true}
}

// Validate checks the options; errors name the flag.
func (o *Options) Validate() error {
	if o.Binary == "" {
		return errors.New("devnet: no stinger binary given")
	}
	if o.Dir == "" {
		return errors.New("--dir: want a directory")
	}
	if o.Nodes < 4 || (o.Nodes-1)%3 != 0 {
		return fmt.Errorf("--nodes %d: want n = 3f+1 with f >= 1 (4, 7, 10, ...)", o.Nodes)
	}
	if o.Validators < 1 {
		return fmt.Errorf("--validators %d: want at least 1", o.Validators)
	}
	if o.ExtraValidators < 0 {
		return fmt.Errorf("--extra-validators %d: want >= 0", o.ExtraValidators)
	}
	if o.Slot < time.Second || o.Slot%time.Second != 0 {
		return fmt.Errorf("--slot %s: want a whole number of seconds, at least 1s", o.Slot)
	}
	if _, err := beaconsim.PresetByName(o.Preset); err != nil {
		return fmt.Errorf("--preset: %w", err)
	}
	switch o.Beacon {
	case "", BeaconSim:
	case BeaconPrysm:
		if o.Preset != prysm.Preset {
			return fmt.Errorf("--preset %s with --beacon prysm: Prysm is built with the %s preset only", o.Preset, prysm.Preset)
		}
		if o.NodeBeaconURLs != nil {
			return errors.New("--beacon prysm: per-node beacon URLs (fault proxies) are for the simulator only")
		}
	default:
		return fmt.Errorf("--beacon %q: want %s or %s", o.Beacon, BeaconSim, BeaconPrysm)
	}
	return nil
}

func (o *Options) progress(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, format+"\n", args...)
	}
}
