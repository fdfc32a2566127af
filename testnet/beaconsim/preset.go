package beaconsim

import (
	"fmt"

	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// Preset holds the consensus preset values the simulator depends on (ethereum/consensus-specs presets).
type Preset struct {
	// Name is "minimal" or "mainnet".
	Name string
	// SlotsPerEpoch is SLOTS_PER_EPOCH.
	SlotsPerEpoch uint64
	// MaxCommitteesPerSlot is MAX_COMMITTEES_PER_SLOT.
	MaxCommitteesPerSlot uint64
	// TargetCommitteeSize is TARGET_COMMITTEE_SIZE.
	TargetCommitteeSize uint64
	// ShuffleRoundCount is SHUFFLE_ROUND_COUNT.
	ShuffleRoundCount uint64
	// SyncCommitteeSize is SYNC_COMMITTEE_SIZE.
	SyncCommitteeSize uint64
	// EpochsPerSyncCommitteePeriod is EPOCHS_PER_SYNC_COMMITTEE_PERIOD.
	EpochsPerSyncCommitteePeriod uint64
	// EpochsPerHistoricalVector is EPOCHS_PER_HISTORICAL_VECTOR.
	EpochsPerHistoricalVector uint64
	// MaxSeedLookahead is MAX_SEED_LOOKAHEAD.
	MaxSeedLookahead uint64
	// MinSeedLookahead is MIN_SEED_LOOKAHEAD.
	MinSeedLookahead uint64
}

// Constants shared by both presets.
const (
	// TargetAggregatorsPerCommittee is TARGET_AGGREGATORS_PER_COMMITTEE.
	TargetAggregatorsPerCommittee = 16
	// SyncCommitteeSubnetCount is SYNC_COMMITTEE_SUBNET_COUNT.
	SyncCommitteeSubnetCount = 4
	// TargetAggregatorsPerSyncSubcommittee is TARGET_AGGREGATORS_PER_SYNC_SUBCOMMITTEE.
	TargetAggregatorsPerSyncSubcommittee = 16
	// MaxValidatorsPerCommittee is MAX_VALIDATORS_PER_COMMITTEE.
	MaxValidatorsPerCommittee = 2048
	// MinActivationBalance is MIN_ACTIVATION_BALANCE (Electra), in Gwei.
	MinActivationBalance phase0.Gwei = 32_000_000_000
	// MaxEffectiveBalanceElectra is MAX_EFFECTIVE_BALANCE_ELECTRA, in Gwei.
	MaxEffectiveBalanceElectra phase0.Gwei = 2_048_000_000_000
	// FarFutureEpoch is FAR_FUTURE_EPOCH.
	FarFutureEpoch phase0.Epoch = 0xffffffffffffffff
	// maxAttestationsElectra is MAX_ATTESTATIONS_ELECTRA (block body limit).
	maxAttestationsElectra = 8
)

// MinimalPreset returns the consensus "minimal" preset.
func MinimalPreset() Preset {
	return Preset{
		Name: "minimal", SlotsPerEpoch: 8, MaxCommitteesPerSlot: 4, TargetCommitteeSize: 4, ShuffleRoundCount: 10,
		SyncCommitteeSize: 32, EpochsPerSyncCommitteePeriod: 8, EpochsPerHistoricalVector: 64,
		MaxSeedLookahead: 4, MinSeedLookahead: 1,
	}
}

// MainnetPreset returns the consensus "mainnet" preset.
func MainnetPreset() Preset {
	return Preset{
		Name: "mainnet", SlotsPerEpoch: 32, MaxCommitteesPerSlot: 64, TargetCommitteeSize: 128, ShuffleRoundCount: 90,
		SyncCommitteeSize: 512, EpochsPerSyncCommitteePeriod: 256, EpochsPerHistoricalVector: 65536,
		MaxSeedLookahead: 4, MinSeedLookahead: 1,
	}
}

// PresetByName returns the named preset ("minimal" or "mainnet").
func PresetByName(name string) (Preset, error) {
	switch name {
	case "minimal":
		return MinimalPreset(), nil
	case "mainnet":
		return MainnetPreset(), nil
	default:
		return Preset{}, fmt.Errorf("preset %q: want minimal or mainnet", name)
	}
}

// syncSubcommitteeSize is SYNC_COMMITTEE_SIZE / SYNC_COMMITTEE_SUBNET_COUNT.
func (p Preset) syncSubcommitteeSize() uint64 { return p.SyncCommitteeSize / SyncCommitteeSubnetCount }

// syncAggregatorModulo is the spec's modulo for is_sync_committee_aggregator.
func (p Preset) syncAggregatorModulo() uint64 {
	return max(1, p.SyncCommitteeSize/SyncCommitteeSubnetCount/TargetAggregatorsPerSyncSubcommittee)
}
