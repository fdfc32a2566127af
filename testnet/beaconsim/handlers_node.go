package beaconsim

import (
	"fmt"
	"net/http"
	"strconv"

	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/ethereum/go-ethereum/common"

	"github.com/stingerdvt/stinger/eth2/signing"
)

// Version is what /eth/v1/node/version reports.
const Version = "stinger-beaconsim/v0.1.0"

// simDepositContract is the (fictional) deposit contract address the simulated network reports.
var simDepositContract = common.HexToAddress("0x4242424242424242424242424242424242424242")

func (s *Simulator) routeNode(mux *http.ServeMux) {
	mux.HandleFunc("GET /eth/v1/node/version", func(w http.ResponseWriter, _ *http.Request) {
		writeData(w, map[string]string{"version": Version})
	})
	mux.HandleFunc("GET /eth/v1/node/syncing", func(w http.ResponseWriter, _ *http.Request) {
		st := &apiv1.SyncState{HeadSlot: s.headSlot()}
		if s.faults.syncing() {
			st.IsSyncing, st.SyncDistance = true, 64
		}
		writeData(w, st)
	})
	mux.HandleFunc("GET /eth/v1/node/health", func(w http.ResponseWriter, _ *http.Request) {
		if s.faults.syncing() {
			w.WriteHeader(http.StatusPartialContent)
			return
		}
		w.WriteHeader(http.StatusOK)
	})
	mux.HandleFunc("GET /eth/v1/node/identity", func(w http.ResponseWriter, _ *http.Request) {
		writeData(w, map[string]any{
			"peer_id": "16Uiu2HAmStingerBeaconSimulator", "enr": "", "p2p_addresses": []string{},
			"discovery_addresses": []string{},
			"metadata":            map[string]string{"seq_number": "0", "attnets": "0x0000000000000000", "syncnets": "0x00"},
		})
	})
	mux.HandleFunc("GET /eth/v1/node/peer_count", func(w http.ResponseWriter, _ *http.Request) {
		writeData(w, map[string]string{"disconnected": "0", "connecting": "0", "connected": "0", "disconnecting": "0"})
	})
	mux.HandleFunc("GET /eth/v1/node/peers", func(w http.ResponseWriter, _ *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"data": []any{}, "meta": map[string]int{"count": 0}})
	})
	mux.HandleFunc("GET /eth/v1/config/spec", func(w http.ResponseWriter, _ *http.Request) {
		writeData(w, s.specMap())
	})
	mux.HandleFunc("GET /eth/v1/config/fork_schedule", func(w http.ResponseWriter, _ *http.Request) {
		writeData(w, s.forkSchedule())
	})
	mux.HandleFunc("GET /eth/v1/config/deposit_contract", func(w http.ResponseWriter, _ *http.Request) {
		writeData(w, &apiv1.DepositContract{ChainID: s.chain.network.DepositChainID, Address: simDepositContract.Bytes()})
	})
}

// specMap is /eth/v1/config/spec: the preset and config values a validator client reads.
func (s *Simulator) specMap() map[string]string {
	n, p := s.chain.network, s.chain.preset
	u := func(v uint64) string { return strconv.FormatUint(v, 10) }
	hex := func(b []byte) string { return fmt.Sprintf("%#x", b) }
	m := map[string]string{
		"CONFIG_NAME": n.Name, "PRESET_BASE": p.Name,
		"SECONDS_PER_SLOT": u(uint64(n.SlotDuration.Seconds())), "SLOT_DURATION_MS": u(uint64(n.SlotDuration.Milliseconds())),
		"SLOTS_PER_EPOCH": u(p.SlotsPerEpoch), "MIN_GENESIS_TIME": u(uint64(n.GenesisTime.Unix())), "GENESIS_DELAY": "0",
		"GENESIS_FORK_VERSION": hex(n.GenesisForkVersion[:]),
		"ALTAIR_FORK_VERSION":  hex(n.AltairForkVersion[:]), "ALTAIR_FORK_EPOCH": "0",
		"BELLATRIX_FORK_VERSION": hex(n.BellatrixForkVersion[:]), "BELLATRIX_FORK_EPOCH": "0",
		"CAPELLA_FORK_VERSION": hex(n.CapellaForkVersion[:]), "CAPELLA_FORK_EPOCH": "0",
		"DENEB_FORK_VERSION": hex(n.DenebForkVersion[:]), "DENEB_FORK_EPOCH": "0",
		"ELECTRA_FORK_VERSION": hex(n.ElectraForkVersion[:]), "ELECTRA_FORK_EPOCH": "0",
		"FULU_FORK_VERSION": hex(n.FuluForkVersion[:]), "FULU_FORK_EPOCH": u(uint64(n.FuluForkEpoch)),
		"DEPOSIT_CHAIN_ID": u(n.DepositChainID), "DEPOSIT_NETWORK_ID": u(n.DepositChainID),
		"DEPOSIT_CONTRACT_ADDRESS": simDepositContract.Hex(),
		"MAX_COMMITTEES_PER_SLOT":  u(p.MaxCommitteesPerSlot), "TARGET_COMMITTEE_SIZE": u(p.TargetCommitteeSize),
		"MAX_VALIDATORS_PER_COMMITTEE": u(MaxValidatorsPerCommittee), "SHUFFLE_ROUND_COUNT": u(p.ShuffleRoundCount),
		"SYNC_COMMITTEE_SIZE": u(p.SyncCommitteeSize), "EPOCHS_PER_SYNC_COMMITTEE_PERIOD": u(p.EpochsPerSyncCommitteePeriod),
		"SYNC_COMMITTEE_SUBNET_COUNT": u(SyncCommitteeSubnetCount), "TARGET_AGGREGATORS_PER_COMMITTEE": u(TargetAggregatorsPerCommittee),
		"TARGET_AGGREGATORS_PER_SYNC_SUBCOMMITTEE": u(TargetAggregatorsPerSyncSubcommittee),
		"MIN_SEED_LOOKAHEAD":                       u(p.MinSeedLookahead), "MAX_SEED_LOOKAHEAD": u(p.MaxSeedLookahead),
		"EPOCHS_PER_HISTORICAL_VECTOR": u(p.EpochsPerHistoricalVector),
		"MIN_ACTIVATION_BALANCE":       u(uint64(MinActivationBalance)), "MAX_EFFECTIVE_BALANCE": u(uint64(MinActivationBalance)),
		"MAX_EFFECTIVE_BALANCE_ELECTRA": u(uint64(MaxEffectiveBalanceElectra)), "EFFECTIVE_BALANCE_INCREMENT": "1000000000",
		"ATTESTATION_SUBNET_COUNT": "64", "MAX_ATTESTATIONS_ELECTRA": u(maxAttestationsElectra), "INTERVALS_PER_SLOT": "3",
		"FAR_FUTURE_EPOCH": u(uint64(FarFutureEpoch)), "MIN_ATTESTATION_INCLUSION_DELAY": "1",
		"SHARD_COMMITTEE_PERIOD": "0", "MIN_VALIDATOR_WITHDRAWABILITY_DELAY": "256", "EPOCHS_PER_ETH1_VOTING_PERIOD": "4",
		"MAX_BLOBS_PER_BLOCK_ELECTRA": "9", "MAX_REQUEST_BLOCKS_DENEB": "128",
	}
	domains := map[string]phase0.DomainType{
		"DOMAIN_BEACON_PROPOSER": signing.DomainBeaconProposer, "DOMAIN_BEACON_ATTESTER": signing.DomainBeaconAttester,
		"DOMAIN_RANDAO": signing.DomainRandao, "DOMAIN_DEPOSIT": signing.DomainDeposit,
		"DOMAIN_VOLUNTARY_EXIT": signing.DomainVoluntaryExit, "DOMAIN_SELECTION_PROOF": signing.DomainSelectionProof,
		"DOMAIN_AGGREGATE_AND_PROOF": signing.DomainAggregateAndProof, "DOMAIN_SYNC_COMMITTEE": signing.DomainSyncCommittee,
		"DOMAIN_SYNC_COMMITTEE_SELECTION_PROOF": signing.DomainSyncCommitteeSelectionProof,
		"DOMAIN_CONTRIBUTION_AND_PROOF":         signing.DomainContributionAndProof,
		"DOMAIN_BLS_TO_EXECUTION_CHANGE":        signing.DomainBLSToExecutionChange,
		"DOMAIN_APPLICATION_MASK":               signing.DomainApplicationBuilder,
	}
	for k, d := range domains {
		m[k] = hex(d[:])
	}
	return m
}

func (s *Simulator) forkSchedule() []*phase0.Fork {
	var out []*phase0.Fork
	prev := s.chain.network.GenesisForkVersion
	for _, f := range s.chain.network.Forks() {
		if f.Epoch == FarFutureEpoch {
			break
		}
		out = append(out, &phase0.Fork{PreviousVersion: prev, CurrentVersion: f.Version, Epoch: f.Epoch})
		prev = f.Version
	}
	return out
}

// stateFork is the Fork of the state at epoch; a fork active at genesis has previous = current version.
func (s *Simulator) stateFork(epoch phase0.Epoch) *phase0.Fork {
	n := s.chain.network
	if epoch >= n.FuluForkEpoch && n.FuluForkEpoch != FarFutureEpoch {
		prev := n.ElectraForkVersion
		if n.FuluForkEpoch == 0 {
			prev = n.FuluForkVersion
		}
		return &phase0.Fork{PreviousVersion: prev, CurrentVersion: n.FuluForkVersion, Epoch: n.FuluForkEpoch}
	}
	return &phase0.Fork{PreviousVersion: n.ElectraForkVersion, CurrentVersion: n.ElectraForkVersion}
}
