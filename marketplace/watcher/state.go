package watcher

import (
	"errors"
	"fmt"
	"math/big"
	"slices"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"

	"github.com/stingerdvt/stinger/marketplace/bindings"
)

// Terms are a Network's service terms as registered on-chain.
type Terms struct {
	DepositAsset           common.Address `json:"deposit_asset"`
	MinDeposit             *big.Int       `json:"min_deposit"`
	AmountRequested        *big.Int       `json:"amount_requested"`
	OperatorsRequested     uint32         `json:"operators_requested"`
	DurationSeconds        uint64         `json:"duration_seconds"`
	DAMType                DAMType        `json:"dam_type"`
	RewardToken            common.Address `json:"reward_token"`
	RewardPerDeposit       *big.Int       `json:"reward_per_deposit"`
	RewardPerDayOperated   *big.Int       `json:"reward_per_day_operated"`
	RewardPerDayCollateral *big.Int       `json:"reward_per_day_collateral"`
	PenaltyTerms           string         `json:"penalty_terms"`
	TaskSpecURI            string         `json:"task_spec_uri"`
	TaskSpecHash           common.Hash    `json:"task_spec_hash"`
}

// DAMType is the type of a DAM and of the Networks it may install.
type DAMType uint8

// DAM types, numbered as in the contracts.
const (
	Liquidity  DAMType = 0
	Growth     DAMType = 1
	Collateral DAMType = 2
)

// String returns the type's name.
func (t DAMType) String() string {
	switch t {
	case Liquidity:
		return "liquidity"
	case Growth:
		return "growth"
	case Collateral:
		return "collateral"
	default:
		return fmt.Sprintf("unknown(%d)", uint8(t))
	}
}

// MarshalText encodes the type by name.
func (t DAMType) MarshalText() ([]byte, error) { return []byte(t.String()), nil }

// Assignment is a Network this operator must serve now, through a DAM.
type Assignment struct {
	NetworkID    uint64           `json:"network_id"`
	DAM          common.Address   `json:"dam"`
	DAMType      DAMType          `json:"dam_type"`
	NetworkAdmin common.Address   `json:"network_admin"`
	Operators    []common.Address `json:"operators"`
	Allocation   *big.Int         `json:"allocation"`
	InstalledAt  uint64           `json:"installed_at_block"`
	Terms        Terms            `json:"terms"`
}

// Penalty is a collateral request against an operator seen on-chain.
type Penalty struct {
	NetworkID uint64         `json:"network_id"`
	DAM       common.Address `json:"dam"`
	Operator  common.Address `json:"operator"`
	Vault     common.Address `json:"vault"`
	Amount    *big.Int       `json:"amount"`
	Reason    string         `json:"reason"`
	Block     uint64         `json:"block"`
	TxHash    common.Hash    `json:"tx_hash"`
}

type network struct {
	admin       common.Address
	terms       Terms
	whitelisted bool
}

type installation struct {
	installed   bool
	operators   []common.Address
	allocation  *big.Int
	installedAt uint64
}

type dam struct {
	damType   DAMType
	operators map[common.Address]bool
	installs  map[uint64]*installation
}

// State is the marketplace as derived from logs, in log order. It is not safe for concurrent use.
type State struct {
	abis     abis
	registry common.Address
	factory  common.Address
	networks map[uint64]*network
	dams     map[common.Address]*dam
}

type abis struct {
	registry *bindings.NetworkRegistry
	factory  *bindings.DAMFactory
	dam      *bindings.DAM
}

// NewState returns an empty state for the given registry and factory.
func NewState(registry, factory common.Address) *State {
	return &State{
		abis:     abis{bindings.NewNetworkRegistry(), bindings.NewDAMFactory(), bindings.NewDAM()},
		registry: registry,
		factory:  factory,
		networks: map[uint64]*network{},
		dams:     map[common.Address]*dam{},
	}
}

// ErrIgnored marks a log that does not belong to the marketplace (unknown emitter or event).
var ErrIgnored = errors.New("log not relevant")

// Apply applies one log. It returns a non-nil *Penalty when the log is a penalty request, ErrIgnored
// for logs that are not marketplace events, and a decode error for malformed marketplace logs (the
// state is then unchanged).
func (s *State) Apply(l *types.Log) (*Penalty, error) {
	if len(l.Topics) == 0 {
		return nil, ErrIgnored
	}
	switch {
	case l.Address == s.registry:
		return nil, s.applyRegistry(l)
	case l.Address == s.factory:
		return nil, s.applyFactory(l)
	}
	if d, ok := s.dams[l.Address]; ok {
		return s.applyDAM(d, l)
	}
	return nil, ErrIgnored
}

func (s *State) applyRegistry(l *types.Log) error {
	r := s.abis.registry
	switch l.Topics[0] {
	case eventID(r.GetABI(), "NetworkRegistered"):
		ev, err := r.UnpackNetworkRegisteredEvent(l)
		if err != nil {
			return fmt.Errorf("decode NetworkRegistered: %w", err)
		}
		id, err := networkID(ev.NetworkId)
		if err != nil {
			return err
		}
		s.networks[id] = &network{admin: ev.Admin, terms: termsFrom(ev.Terms)}
	case eventID(r.GetABI(), "TaskSpecUpdated"):
		ev, err := r.UnpackTaskSpecUpdatedEvent(l)
		if err != nil {
			return fmt.Errorf("decode TaskSpecUpdated: %w", err)
		}
		if n := s.network(ev.NetworkId); n != nil {
			n.terms.TaskSpecURI, n.terms.TaskSpecHash = ev.TaskSpecURI, ev.TaskSpecHash
		}
	case eventID(r.GetABI(), "NetworkWhitelisted"):
		ev, err := r.UnpackNetworkWhitelistedEvent(l)
		if err != nil {
			return fmt.Errorf("decode NetworkWhitelisted: %w", err)
		}
		if n := s.network(ev.NetworkId); n != nil {
			n.whitelisted = true
		}
	case eventID(r.GetABI(), "NetworkDelisted"):
		ev, err := r.UnpackNetworkDelistedEvent(l)
		if err != nil {
			return fmt.Errorf("decode NetworkDelisted: %w", err)
		}
		if n := s.network(ev.NetworkId); n != nil {
			n.whitelisted = false
		}
	default:
		return ErrIgnored
	}
	return nil
}

func (s *State) applyFactory(l *types.Log) error {
	if l.Topics[0] != eventID(s.abis.factory.GetABI(), "DAMCreated") {
		return ErrIgnored
	}
	ev, err := s.abis.factory.UnpackDAMCreatedEvent(l)
	if err != nil {
		return fmt.Errorf("decode DAMCreated: %w", err)
	}
	s.dams[ev.Dam] = &dam{damType: DAMType(ev.DamType), operators: map[common.Address]bool{}, installs: map[uint64]*installation{}}
	return nil
}

func (s *State) applyDAM(d *dam, l *types.Log) (*Penalty, error) {
	a := s.abis.dam
	switch l.Topics[0] {
	case eventID(a.GetABI(), "OperatorWhitelisted"):
		ev, err := a.UnpackOperatorWhitelistedEvent(l)
		if err != nil {
			return nil, fmt.Errorf("decode OperatorWhitelisted: %w", err)
		}
		d.operators[ev.Operator] = true
	case eventID(a.GetABI(), "OperatorRemoved"):
		ev, err := a.UnpackOperatorRemovedEvent(l)
		if err != nil {
			return nil, fmt.Errorf("decode OperatorRemoved: %w", err)
		}
		delete(d.operators, ev.Operator)
	case eventID(a.GetABI(), "InstallationRequested"):
		ev, err := a.UnpackInstallationRequestedEvent(l)
		if err != nil {
			return nil, fmt.Errorf("decode InstallationRequested: %w", err)
		}
		id, err := networkID(ev.NetworkId)
		if err != nil {
			return nil, err
		}
		d.installs[id] = &installation{operators: ev.Operators, allocation: ev.Allocation}
	case eventID(a.GetABI(), "NetworkInstalled"):
		ev, err := a.UnpackNetworkInstalledEvent(l)
		if err != nil {
			return nil, fmt.Errorf("decode NetworkInstalled: %w", err)
		}
		id, err := networkID(ev.NetworkId)
		if err != nil {
			return nil, err
		}
		d.installs[id] = &installation{installed: true, operators: ev.Operators, allocation: ev.Allocation, installedAt: l.BlockNumber}
	case eventID(a.GetABI(), "NetworkUninstalled"):
		ev, err := a.UnpackNetworkUninstalledEvent(l)
		if err != nil {
			return nil, fmt.Errorf("decode NetworkUninstalled: %w", err)
		}
		id, err := networkID(ev.NetworkId)
		if err != nil {
			return nil, err
		}
		delete(d.installs, id)
	case eventID(a.GetABI(), "PenaltyRequested"):
		ev, err := a.UnpackPenaltyRequestedEvent(l)
		if err != nil {
			return nil, fmt.Errorf("decode PenaltyRequested: %w", err)
		}
		id, err := networkID(ev.NetworkId)
		if err != nil {
			return nil, err
		}
		return &Penalty{NetworkID: id, DAM: l.Address, Operator: ev.Operator, Vault: ev.Vault, Amount: ev.Amount,
			Reason: ev.Reason, Block: l.BlockNumber, TxHash: l.TxHash}, nil
	default:
		// Deposits, withdrawals, funding and report commitments do not change assignments.
		return nil, ErrIgnored
	}
	return nil, nil
}

// Assignments returns what `operator` must serve now: installed Networks that are whitelisted, in
// DAMs that whitelist the operator and list it among the installation's operators. Sorted by
// Network id, then DAM address.
func (s *State) Assignments(operator common.Address) []Assignment {
	var out []Assignment
	for addr, d := range s.dams {
		if !d.operators[operator] {
			continue
		}
		for id, inst := range d.installs {
			n := s.networks[id]
			if !inst.installed || n == nil || !n.whitelisted || !slices.Contains(inst.operators, operator) {
				continue
			}
			out = append(out, Assignment{
				NetworkID: id, DAM: addr, DAMType: d.damType, NetworkAdmin: n.admin,
				Operators: slices.Clone(inst.operators), Allocation: new(big.Int).Set(inst.allocation),
				InstalledAt: inst.installedAt, Terms: n.terms,
			})
		}
	}
	slices.SortFunc(out, func(a, b Assignment) int {
		if a.NetworkID != b.NetworkID {
			if a.NetworkID < b.NetworkID {
				return -1
			}
			return 1
		}
		return strings.Compare(a.DAM.Hex(), b.DAM.Hex())
	})
	return out
}

func (s *State) network(id *big.Int) *network {
	if !id.IsUint64() {
		return nil
	}
	return s.networks[id.Uint64()]
}

func networkID(id *big.Int) (uint64, error) {
	if !id.IsUint64() {
		return 0, fmt.Errorf("network id %s does not fit in 64 bits", id)
	}
	return id.Uint64(), nil
}

func termsFrom(t bindings.NetworkRegistryTerms) Terms {
	return Terms{
		DepositAsset: t.DepositAsset, MinDeposit: t.MinDeposit, AmountRequested: t.AmountRequested,
		OperatorsRequested: t.OperatorsRequested, DurationSeconds: t.Duration, DAMType: DAMType(t.DamType),
		RewardToken: t.RewardToken, RewardPerDeposit: t.RewardPerDeposit, RewardPerDayOperated: t.RewardPerDayOperated,
		RewardPerDayCollateral: t.RewardPerDayCollateral, PenaltyTerms: t.PenaltyTerms, TaskSpecURI: t.TaskSpecURI,
		TaskSpecHash: t.TaskSpecHash,
	}
}
