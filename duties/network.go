package duties

import (
	"context"
	"fmt"
	"time"

	"github.com/attestantio/go-eth2-client/api"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/duties/beacon"
	"github.com/stingerdvt/stinger/eth2/signing"
)

// NetworkFromBeacon builds the signing network (fork schedule, genesis, slot timing) from a beacon node's
// spec and genesis, for devnets and simulators that have no preset. For a preset network, app should
// compare the beacon node's genesis validators root with the preset's instead.
func NetworkFromBeacon(ctx context.Context, bn beacon.Client) (*signing.Network, error) {
	sp, err := bn.Spec(ctx, &api.SpecOpts{})
	if err != nil {
		return nil, fmt.Errorf("beacon spec: %w", err)
	}
	g, err := bn.Genesis(ctx, &api.GenesisOpts{})
	if err != nil {
		return nil, fmt.Errorf("beacon genesis: %w", err)
	}
	if g.Data == nil {
		return nil, fmt.Errorf("beacon genesis: empty answer")
	}
	s := sp.Data
	n := signing.Network{Name: "beacon", GenesisForkVersion: g.Data.GenesisForkVersion,
		GenesisValidatorsRoot: g.Data.GenesisValidatorsRoot, GenesisTime: g.Data.GenesisTime}
	if n.Name, err = specString(s, "CONFIG_NAME", "beacon"); err != nil {
		return nil, err
	}
	forks := []struct {
		name    string
		version *phase0.Version
		epoch   *phase0.Epoch
	}{
		{"ALTAIR", &n.AltairForkVersion, &n.AltairForkEpoch},
		{"BELLATRIX", &n.BellatrixForkVersion, &n.BellatrixForkEpoch},
		{"CAPELLA", &n.CapellaForkVersion, &n.CapellaForkEpoch},
		{"DENEB", &n.DenebForkVersion, &n.DenebForkEpoch},
		{"ELECTRA", &n.ElectraForkVersion, &n.ElectraForkEpoch},
		{"FULU", &n.FuluForkVersion, &n.FuluForkEpoch},
	}
	for _, f := range forks {
		v, ok := s[f.name+"_FORK_VERSION"].(phase0.Version)
		if !ok {
			return nil, fmt.Errorf("beacon spec: %s_FORK_VERSION missing or not a fork version", f.name)
		}
		*f.version = v
		e, ok := s[f.name+"_FORK_EPOCH"].(uint64)
		if !ok {
			return nil, fmt.Errorf("beacon spec: %s_FORK_EPOCH missing or not an epoch", f.name)
		}
		*f.epoch = phase0.Epoch(e)
	}
	spe, ok := s["SLOTS_PER_EPOCH"].(uint64)
	if !ok || spe == 0 {
		return nil, fmt.Errorf("beacon spec: SLOTS_PER_EPOCH missing or zero")
	}
	n.SlotsPerEpoch = spe
	sd, ok := s["SECONDS_PER_SLOT"].(time.Duration)
	if !ok || sd <= 0 {
		return nil, fmt.Errorf("beacon spec: SECONDS_PER_SLOT missing or zero")
	}
	n.SlotDuration = sd
	if id, ok := s["DEPOSIT_CHAIN_ID"].(uint64); ok {
		n.DepositChainID = id
	}
	if addr, ok := s["DEPOSIT_CONTRACT_ADDRESS"].([]byte); ok && len(addr) == len(n.DepositContract) {
		copy(n.DepositContract[:], addr)
	}
	net, err := signing.NewDevnet(n)
	if err != nil {
		return nil, fmt.Errorf("network from beacon node: %w", err)
	}
	return net, nil
}

func specString(s map[string]any, key, def string) (string, error) {
	v, ok := s[key]
	if !ok {
		return def, nil
	}
	str, ok := v.(string)
	if !ok {
		return "", fmt.Errorf("beacon spec: %s is not a string", key)
	}
	return str, nil
}

// syncCommitteeSpec reads SYNC_COMMITTEE_SIZE (512 on mainnet, 32 minimal) and
// EPOCHS_PER_SYNC_COMMITTEE_PERIOD (256 on mainnet, 8 minimal) from the beacon node's spec.
func syncCommitteeSpec(ctx context.Context, bn beacon.Client) (size, periodEpochs uint64, err error) {
	sp, err := bn.Spec(ctx, &api.SpecOpts{})
	if err != nil {
		return 0, 0, fmt.Errorf("beacon spec: %w", err)
	}
	n, ok := sp.Data["SYNC_COMMITTEE_SIZE"].(uint64)
	if !ok || n < SyncCommitteeSubnetCount || n%SyncCommitteeSubnetCount != 0 {
		return 0, 0, fmt.Errorf("beacon spec: SYNC_COMMITTEE_SIZE missing or not a positive multiple of %d",
			SyncCommitteeSubnetCount)
	}
	p, ok := sp.Data["EPOCHS_PER_SYNC_COMMITTEE_PERIOD"].(uint64)
	if !ok || p == 0 {
		return 0, 0, fmt.Errorf("beacon spec: EPOCHS_PER_SYNC_COMMITTEE_PERIOD missing or zero")
	}
	return n, p, nil
}
