package signing

import (
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/attestantio/go-eth2-client/spec"
	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/ethereum/go-ethereum/common"
)

// FarFutureEpoch marks a fork that is not scheduled (2**64 - 1).
const FarFutureEpoch = phase0.Epoch(math.MaxUint64)

// Sentinel errors for networks.
var (
	// ErrUnknownNetwork is returned by NetworkByName for a name with no preset.
	ErrUnknownNetwork = errors.New("unknown network")
	// ErrInvalidNetwork wraps every validation failure of a Network.
	ErrInvalidNetwork = errors.New("invalid network")
	// ErrGenesisValidatorsRootUnknown is returned when a beacon-duty domain is
	// requested from a network whose genesis validators root is still zero.
	ErrGenesisValidatorsRootUnknown = errors.New("genesis validators root unknown (zero)")
)

// Network describes one Ethereum consensus network: everything needed to
// choose signing domains and to reach its deposit contract.
type Network struct {
	// Name is the CONFIG_NAME, lower case ([a-z0-9-]+), e.g. "mainnet".
	Name string

	// Fork versions and activation epochs, genesis (phase0) through Fulu.
	// An unscheduled fork has epoch FarFutureEpoch.
	GenesisForkVersion   phase0.Version
	AltairForkVersion    phase0.Version
	AltairForkEpoch      phase0.Epoch
	BellatrixForkVersion phase0.Version
	BellatrixForkEpoch   phase0.Epoch
	CapellaForkVersion   phase0.Version
	CapellaForkEpoch     phase0.Epoch
	DenebForkVersion     phase0.Version
	DenebForkEpoch       phase0.Epoch
	ElectraForkVersion   phase0.Version
	ElectraForkEpoch     phase0.Epoch
	FuluForkVersion      phase0.Version
	FuluForkEpoch        phase0.Epoch

	// GenesisValidatorsRoot is zero for a devnet whose genesis is not known
	// yet; only deposit and builder domains can be computed then.
	GenesisValidatorsRoot phase0.Root
	// GenesisTime is the beacon chain genesis (slot 0 start).
	GenesisTime time.Time

	// DepositContract is the deposit contract address on the execution chain.
	DepositContract common.Address
	// DepositChainID is the execution chain ID of the deposit contract.
	DepositChainID uint64

	// SlotsPerEpoch is the preset SLOTS_PER_EPOCH (32 on mainnet, 8 on minimal).
	SlotsPerEpoch uint64
	// SlotDuration is SECONDS_PER_SLOT / SLOT_DURATION_MS.
	SlotDuration time.Duration
}

// Fork is one entry of a network's fork schedule.
type Fork struct {
	// Name is the go-eth2-client data version of the fork.
	Name spec.DataVersion
	// Version is the fork version.
	Version phase0.Version
	// Epoch is the activation epoch (FarFutureEpoch if unscheduled).
	Epoch phase0.Epoch
}

// Forks returns the fork schedule in activation order, phase0 first.
func (n *Network) Forks() []Fork {
	return []Fork{
		{Name: spec.DataVersionPhase0, Version: n.GenesisForkVersion, Epoch: 0},
		{Name: spec.DataVersionAltair, Version: n.AltairForkVersion, Epoch: n.AltairForkEpoch},
		{Name: spec.DataVersionBellatrix, Version: n.BellatrixForkVersion, Epoch: n.BellatrixForkEpoch},
		{Name: spec.DataVersionCapella, Version: n.CapellaForkVersion, Epoch: n.CapellaForkEpoch},
		{Name: spec.DataVersionDeneb, Version: n.DenebForkVersion, Epoch: n.DenebForkEpoch},
		{Name: spec.DataVersionElectra, Version: n.ElectraForkVersion, Epoch: n.ElectraForkEpoch},
		{Name: spec.DataVersionFulu, Version: n.FuluForkVersion, Epoch: n.FuluForkEpoch},
	}
}

// ForkAt returns the fork active at epoch.
func (n *Network) ForkAt(epoch phase0.Epoch) Fork {
	forks := n.Forks()
	active := forks[0]
	for _, f := range forks[1:] {
		if f.Epoch == FarFutureEpoch || epoch < f.Epoch {
			break
		}
		active = f
	}
	return active
}

// ForkVersionAt returns the fork version active at epoch.
func (n *Network) ForkVersionAt(epoch phase0.Epoch) phase0.Version {
	return n.ForkAt(epoch).Version
}

// Domain returns the signing domain of type dt at epoch, applying the
// special rules of the consensus specs:
//   - DomainDeposit and DomainApplicationBuilder use the genesis fork version
//     and a zero genesis validators root, whatever the epoch;
//   - DomainVoluntaryExit uses the Capella fork version once epoch is at or
//     after the Deneb fork (EIP-7044). For exits pass the epoch at which the
//     exit is signed or verified (the chain's current epoch), not the exit's
//     own epoch field: a Deneb-era chain verifies every exit with Capella.
//   - DomainBLSToExecutionChange uses the genesis fork version with the
//     genesis validators root (capella beacon-chain.md);
//   - every other type uses the fork version at epoch and the genesis
//     validators root, which must be known (non-zero).
func (n *Network) Domain(dt phase0.DomainType, epoch phase0.Epoch) (phase0.Domain, error) {
	switch dt {
	case DomainDeposit, DomainApplicationBuilder:
		return ComputeDomain(dt, n.GenesisForkVersion, phase0.Root{})
	}
	if n.GenesisValidatorsRoot.IsZero() {
		return phase0.Domain{}, fmt.Errorf("domain %#x on network %q: %w", dt[:], n.Name, ErrGenesisValidatorsRootUnknown)
	}
	if dt == DomainBLSToExecutionChange {
		// Capella: signed over the genesis fork version, valid across forks.
		return ComputeDomain(dt, n.GenesisForkVersion, n.GenesisValidatorsRoot)
	}
	version := n.ForkVersionAt(epoch)
	if dt == DomainVoluntaryExit && n.DenebForkEpoch != FarFutureEpoch && epoch >= n.DenebForkEpoch {
		version = n.CapellaForkVersion
	}
	return ComputeDomain(dt, version, n.GenesisValidatorsRoot)
}

// SigningRoot is ComputeSigningRoot(obj, n.Domain(dt, epoch)).
func (n *Network) SigningRoot(obj HashRooter, dt phase0.DomainType, epoch phase0.Epoch) (phase0.Root, error) {
	domain, err := n.Domain(dt, epoch)
	if err != nil {
		return phase0.Root{}, err
	}
	return ComputeSigningRoot(obj, domain)
}

// DepositDomain returns the network's deposit domain.
func (n *Network) DepositDomain() (phase0.Domain, error) {
	return ComputeDepositDomain(n.GenesisForkVersion)
}

// EpochAt returns the epoch containing time t (0 before genesis).
func (n *Network) EpochAt(t time.Time) phase0.Epoch {
	if n.SlotDuration <= 0 || n.SlotsPerEpoch == 0 || !t.After(n.GenesisTime) {
		return 0
	}
	slot := uint64(t.Sub(n.GenesisTime) / n.SlotDuration)
	return phase0.Epoch(slot / n.SlotsPerEpoch)
}

// validName reports whether s matches [a-z0-9-]+ (the CONFIG_NAME rule).
func validName(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if (c < 'a' || c > 'z') && (c < '0' || c > '9') && c != '-' {
			return false
		}
	}
	return true
}

// Validate checks the network parameters; the error names the bad field.
func (n *Network) Validate() error {
	bad := func(field, format string, args ...any) error {
		return fmt.Errorf("%w: %s: %s", ErrInvalidNetwork, field, fmt.Sprintf(format, args...))
	}
	if !validName(n.Name) {
		return bad("Name", "%q must match [a-z0-9-]+", n.Name)
	}
	if n.SlotsPerEpoch == 0 {
		return bad("SlotsPerEpoch", "must be > 0")
	}
	if n.SlotDuration < time.Second/10 || n.SlotDuration%time.Millisecond != 0 {
		return bad("SlotDuration", "%s must be a whole number of milliseconds, at least 100ms", n.SlotDuration)
	}
	if n.GenesisTime.IsZero() || n.GenesisTime.Unix() <= 0 {
		return bad("GenesisTime", "must be set (after 1970)")
	}
	if n.DepositChainID == 0 {
		return bad("DepositChainID", "must be > 0")
	}
	if n.DepositContract == (common.Address{}) {
		return bad("DepositContract", "must not be the zero address")
	}
	return n.validateForks()
}

func (n *Network) validateForks() error {
	forks := n.Forks()
	seen := map[phase0.Version]spec.DataVersion{}
	prev := forks[0]
	for i, f := range forks {
		field := forkField(f.Name)
		if other, dup := seen[f.Version]; dup && f.Epoch != FarFutureEpoch {
			return fmt.Errorf("%w: %sForkVersion: %#x is already used by %s", ErrInvalidNetwork, field, f.Version[:], other)
		}
		if f.Epoch != FarFutureEpoch {
			seen[f.Version] = f.Name
		}
		if i == 0 {
			continue
		}
		if f.Epoch < prev.Epoch {
			return fmt.Errorf("%w: %sForkEpoch: %d is before %sForkEpoch %d", ErrInvalidNetwork, field, f.Epoch, forkField(prev.Name), prev.Epoch)
		}
		prev = f
	}
	return nil
}

func forkField(v spec.DataVersion) string {
	switch v {
	case spec.DataVersionPhase0:
		return "Genesis"
	case spec.DataVersionAltair:
		return "Altair"
	case spec.DataVersionBellatrix:
		return "Bellatrix"
	case spec.DataVersionCapella:
		return "Capella"
	case spec.DataVersionDeneb:
		return "Deneb"
	case spec.DataVersionElectra:
		return "Electra"
	case spec.DataVersionFulu:
		return "Fulu"
	default:
		return v.String()
	}
}

// NewDevnet validates a custom network (e.g. a local devnet) and returns a
// copy of it. The genesis validators root may be left zero until genesis is
// known; deposit domains work without it, beacon-duty domains do not.
func NewDevnet(params Network) (*Network, error) {
	if err := params.Validate(); err != nil {
		return nil, err
	}
	n := params
	return &n, nil
}

// ExitDomain returns the domain for a voluntary exit with the given exit
// epoch, as verified by a chain at currentEpoch: from Deneb on it is pinned
// to the Capella fork version (EIP-7044), so exits stay valid forever; before
// Deneb it is the fork version at the exit's own epoch (phase0 get_domain).
func (n *Network) ExitDomain(currentEpoch, exitEpoch phase0.Epoch) (phase0.Domain, error) {
	if n.DenebForkEpoch != FarFutureEpoch && currentEpoch >= n.DenebForkEpoch {
		return n.Domain(DomainVoluntaryExit, currentEpoch)
	}
	if exitEpoch > currentEpoch {
		exitEpoch = currentEpoch
	}
	return n.Domain(DomainVoluntaryExit, exitEpoch)
}
