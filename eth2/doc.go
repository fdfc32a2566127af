// Package eth2 groups stinger's Ethereum consensus-layer key and signing core:
// the cryptographic and safety foundation that dkg, duties and the devnets
// stand on. It holds no code itself; each concern is a subpackage:
//
//   - eth2/bls: BLS12-381 keys and signatures in the Ethereum POP ciphersuite
//     (herumi in Ethereum mode) with strict decoding, aggregation, batch
//     verification, and threshold BLS: Shamir shares with indices 1..n,
//     public shares and commitments, partial-signature verification (batched,
//     pinpointing bad partials) and Lagrange recovery.
//   - eth2/signing: fork data roots, compute_domain and compute_signing_root
//     for every validator duty, and network presets (mainnet, holesky, hoodi,
//     sepolia, devnets) including EIP-7044 exit domains.
//   - eth2/keystore: EIP-2335 keystores (scrypt, pbkdf2) and EIP-2333 key
//     derivation.
//   - eth2/deposit: deposit data for 0x01/0x02 withdrawal credentials in the
//     launchpad JSON format, built, signed and verified.
//   - eth2/slashing: the EIP-3076 slashing-protection store, which records
//     every signing decision durably before answering.
//
// Every subpackage is checked against the official test vectors copied into
// its testdata/ directory.
package eth2
