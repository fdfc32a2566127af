// Package archtest guards the layering of docs/architecture.md: its test
// lists every package of the module with `go list` and fails when a
// production (non-test) import breaks the layer table, e.g. p2p importing
// api, duties importing dkg, or consensus/qbft importing anything outside
// the standard library. The rules live in Rules so that the table in
// docs/architecture.md and the check cannot drift silently.
package archtest
