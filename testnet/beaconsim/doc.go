// Package beaconsim is a beacon chain simulator: a strict Beacon API server for tests and local devnets.
//
// It builds a simulated Electra (optionally Fulu) chain from a list of validator public keys plus extra
// validators whose keys it holds itself. Committees, proposers and sync committees follow the consensus
// specification's swap-or-not shuffling with Electra's effective-balance sampling, seeded from a RANDAO mix
// that every block's reveal updates. Justification and finalization follow the spec's FFG rules driven by the
// attestations actually included in blocks.
//
// It is a judge as much as a mock: every signature submitted (blocks, RANDAO reveals, attestations, selection
// proofs, aggregates, sync committee messages, contributions, exits, registrations) is verified with the
// correct domain; bad ones get the standard Beacon API error (400) and are counted. A slashing detector
// flags double proposals, double votes and surround votes across everything ever submitted. Scores are
// served at GET /stinger/sim/v1/stats (see Stats) and printed with FormatScore.
//
// Faults (5xx, timeouts, syncing, silence, latency, head reorgs) can be injected through
// POST /stinger/sim/v1/faults for resilience tests.
//
// Simplifications, stated honestly: there is no execution layer (payloads are synthetic and empty), no
// rewards or balance changes (effective balances stay at their genesis value), blocks are not re-executed
// against a full BeaconState (the simulator tracks the parts of state that duties depend on), and SSZ
// container limits are go-eth2-client's static mainnet ones even under the minimal preset.
package beaconsim
