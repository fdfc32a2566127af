// Package testnet holds local devnet tooling: process and Docker Compose orchestration, the beacon chain
// simulator (package beaconsim) and end-to-end tests. Only cmd imports it.
package testnet
