// Package watcher follows the marketplace contracts (NetworkRegistry, DAMFactory and the DAMs it
// creates) over JSON-RPC and derives the assignments of one operator: the Networks it must serve
// now, through which DAM, with which terms.
//
// Promises:
//   - Only blocks with the configured number of confirmations are acted on.
//   - Logs are fetched in bounded block ranges from the deployment block (backfill) up to the
//     confirmed head, and persisted in a bbolt journal together with block-hash checkpoints and the
//     cursor in the same transaction: a restart resumes after the cursor, with no duplicate or lost
//     events.
//   - Reorgs are detected by block-hash continuity (the cursor's hash, then older checkpoints); the
//     journal is truncated to the common ancestor and the state is re-derived from it, so effects of
//     removed logs disappear (e.g. an installation that is no longer on the canonical chain).
//   - Several RPC URLs may be given (MultiClient); a failing endpoint is skipped for the next one.
//
// State (pure) applies decoded logs and answers Assignments; Watcher is the shell that owns the
// goroutine, the RPC client and the store.
package watcher
