// Package signing computes Ethereum consensus-layer signing domains and
// signing roots, and carries the network presets (fork schedule, genesis
// validators root, deposit contract) they depend on.
//
// It implements compute_fork_data_root, compute_domain and
// compute_signing_root from the consensus specs (phase0 beacon-chain.md) using
// go-eth2-client's phase0 types for the SSZ hash-tree-roots, and the domain
// selection rules a validator client needs:
//
//   - beacon duties use the fork version active at the given epoch together
//     with the network's genesis validators root;
//   - voluntary exits are pinned to the Capella fork version from Deneb on
//     (EIP-7044);
//   - BLS-to-execution changes use the genesis fork version;
//   - deposits and application-builder registrations use the genesis fork
//     version with a zero genesis validators root, so they are valid before
//     genesis and across forks.
//
// The package promises that a domain for a beacon duty is never computed
// with an unknown (zero) genesis validators root: such a signature would be
// useless on every chain. All functions are pure and safe for concurrent use;
// presets are returned as fresh copies, so callers may modify them freely.
package signing
