// Package chaintest deploys the marketplace reference contracts on go-ethereum's simulated backend for
// tests: deterministic funded accounts (governance, manager, network admin, operators, delegator),
// helpers that send a transaction and mine it, and RevertSelector, which extracts the custom error a
// reverted call returned. It is a test helper package: production code never imports it.
package chaintest
