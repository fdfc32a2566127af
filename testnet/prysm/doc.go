// Package prysm runs a real proof-of-stake devnet on 127.0.0.1: geth and Prysm's beacon-chain and
// validator, built from source (Build) and started from one genesis that both sides share (Start).
//
// What it promises:
//   - Build compiles Prysm Version (mainnet preset, see Preset) from a small module embedded in stinger
//     (Prysm's replace directive repeated, go.sum pinning every module) into CacheDir, once; it works from
//     any directory.
//   - Start writes a chain config with every fork through Electra at genesis, a beacon genesis state of
//     interop validators (InteropKey) and a geth genesis with the same block hash (the EIP-4788, 2935,
//     7002 and 7251 system contracts included), then starts geth, beacon-chain and a validator client,
//     without discovery and without peers.
//   - The validator client signs only for the interop indices it is given, so that the other indices can
//     be signed for by someone else (a stinger cluster); no index is ever held by two signers.
package prysm
