// Package report builds, signs and verifies operator performance reports.
//
// A report covers one Network and one period (a UTC day, or any [from, to) range): uptime,
// health-check success ratio, days operated, restarts and, for validator tasks, the cluster's duty
// outcomes. It is signed by the operator's secp256k1 key as EIP-712 typed data (domain
// "stinger-marketplace" version 1, the chain id and the NetworkRegistry as verifying contract), so a
// Network can verify it off-chain or in a contract (ecrecover over the EIP-712 digest). Verify checks
// a report file offline: any change to a field, the domain or the signature makes it fail.
package report
