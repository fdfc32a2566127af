// Package score judges a running devnet by the beacon chain simulator's score over windows of slots: a
// Meter takes snapshots of GET /stinger/sim/v1/stats just after chosen slots start, and Snapshots turn
// them into a Window (duties due, correct, late, missed, incorrect; invalid signatures; slashable
// offences) that counts each duty of the window exactly once, whatever its type's resolution delay. The
// end-to-end fault suites of testnet/devnet (processes) and testnet/compose (containers) share it.
package score
