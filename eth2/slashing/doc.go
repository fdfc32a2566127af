// Package slashing is stinger's slashing-protection store: an embedded,
// crash-safe bbolt database that answers "is it safe to sign this block or
// attestation?" for one chain (genesis validators root) and any number of
// validator public keys, and records the answer durably before giving it.
//
// # Promises
//
//   - CheckAndRecordBlock and CheckAndRecordAttestation return nil ("safe")
//     only after the record is committed and fsynced. A caller that signs
//     only after a nil answer can crash at any moment and never sign anything
//     slashable after a restart.
//   - Double blocks, double votes, surround votes (both directions),
//     source > target and anything at or below a watermark are refused with
//     an error that wraps a sentinel (ErrDoubleBlock, ErrDoubleVote,
//     ErrSurroundVote, ErrSurroundedVote, ErrBelowWatermark,
//     ErrSourceAfterTarget) and, as *SlashableError, names the conflicting
//     record.
//   - A re-sign of exactly the same message (same slot, or same source and
//     target, with the same non-zero signing root) is safe. A zero signing
//     root means "unknown" and never matches anything.
//   - Many goroutines may call the store at once. A single writer goroutine
//     owned by the store batches concurrent requests into one bbolt
//     transaction and one fsync (group commit); each request is checked
//     against the database plus the earlier requests of its batch, so a
//     refused request never affects the others, and a failed commit fails
//     every request of the batch and leaves no partial state.
//
// # Strategies
//
// EIP-3076 describes two ways to use an interchange file, and the official
// test vectors check both (should_succeed vs should_succeed_complete):
//
//   - StrategyComplete keeps every record and checks a new message against the
//     whole history, with a low watermark at the oldest record (EIP-3076
//     conditions 2, 4 and 5). A complete import stores every record and is
//     refused as a whole if it contains slashable data (records whose signing
//     roots are missing cannot be proven identical, so a repeated root-less
//     record counts as slashable).
//   - StrategyMinimal answers from the highest slot, source and target ever
//     seen (refuse slot <= max slot, source < max source, target <= max
//     target). A minimal import only raises per-validator watermarks to the
//     maxima of the file, which works around slashable data in it.
//
// The store's strategy governs checks; the import strategy is chosen per call.
// Watermarks raised by a minimal import are always enforced, whatever the
// check strategy. The on-disk history is the same for both strategies, so a
// database can be reopened with the other strategy without losing safety.
//
// Export writes an EIP-3076 v5 interchange: complete (every record, plus a
// root-less record at each watermark) or minimal (per validator one block at
// the highest slot and one attestation at the highest source and target).
package slashing
