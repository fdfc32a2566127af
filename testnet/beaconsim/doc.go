// Package beaconsim is a beacon chain simulator: a strict Beacon API server for tests and local devnets.
//
// # Chain
//
// New builds a simulated Electra chain (Fulu from Config.FuluForkEpoch) from Config.Validators (the
// scored, lock-file validators, indices 0..n-1) plus Config.ExtraValidators whose keys the simulator derives
// from Config.Seed and signs for itself. Committees use the consensus spec's swap-or-not shuffle
// (ComputeShuffledIndex; checked against published known answers), proposers and sync committees use
// Electra's balance-weighted sampling with 16-bit random values, all seeded by get_seed from a RANDAO mix
// that every block's reveal updates. The simulator's own validators attest, send sync committee messages
// and propose honestly; blocks carry the pool's valid attestations (on-chain aggregates, Electra
// committee bits) and sync aggregate. Justification and finalization are the spec's
// weigh_justification_and_finalization over the target votes included in canonical blocks.
//
// # Judge
//
// Every signature submitted is verified with the right domain (eth2/signing): blocks and RANDAO reveals,
// single attestations (batched, bisected on failure), aggregates with their selection proofs, sync
// committee messages, contributions with their selection proofs, voluntary exits (Capella domain,
// EIP-7044) and builder registrations (application domain). A bad one gets the standard Beacon API error
// (400, with per-item "failures" for batches) and is counted. The SlashingDetector remembers every validly
// signed block and vote and flags double proposals, double votes and surround votes; such messages are
// rejected and counted once each.
//
// # Score
//
// GET /stinger/sim/v1/stats returns Stats, counting only Config.Validators. A duty is expected once its
// slot has started: attestations (one per epoch), proposals, sync committee messages (every slot of a
// member), sync contributions (every slot and subcommittee when the preset selects every member as
// aggregator, as minimal does; otherwise when submitted) and aggregations (when the validator subscribed
// with is_aggregator, or submitted). A duty is correct if performed validly within its slot, late if
// within its window afterwards (attestations: SLOTS_PER_EPOCH slots, so the inclusion distance exceeds
// one; others: the next slot), missed if the window passed, and incorrect if an attestation votes for a
// source or target that is not the chain's. Messages are accepted up to MAXIMUM_GOSSIP_CLOCK_DISPARITY
// (500 ms) before their slot. FetchStats and FormatScore serve
// `stinger devnet score`; Run serves `stinger devnet beacon`.
//
// # Faults
//
// POST /stinger/sim/v1/faults with a Faults JSON body replaces the fault configuration, for example
//
//	{"rules":[{"path_prefix":"/eth/v1/validator/attestation_data","status":503,"count":2},
//	          {"path_prefix":"/eth/v3/validator/blocks","timeout":true}],
//	 "syncing":false,"silent":false,"latency":"200ms"}
//
// GET returns it; POST /stinger/sim/v1/reorg orphans the head block (publishing chain_reorg and head
// events). Faults never apply to /stinger/sim/ routes.
//
// # Simplifications
//
// There is no execution layer (payloads are synthetic and empty; Config.Builder simulates a builder that
// serves blinded blocks to registered proposers), no rewards or balance changes, no deposits, and blocks are
// not executed against a full BeaconState: the simulator tracks what duties depend on (registry, RANDAO,
// checkpoints, pools) and derives state roots synthetically. It imports only blocks whose body it produced.
// SSZ container limits are go-eth2-client's static mainnet ones even under the minimal preset.
package beaconsim
