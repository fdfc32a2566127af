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
// A minimal export re-imported with either strategy refuses anything at or
// below those maxima. Caveat: if a minimal import raised a watermark above
// records signed earlier, a complete export lists those older records too,
// and an importer that takes the oldest record as its low watermark (as the
// complete strategy does) would allow the gap between them and the
// watermark; use the minimal export to move such a history.
//
// # Cost
//
// A per-validator summary (lowest and highest slot, source and target, and
// the watermarks) answers the watermark rules in O(1). Attestations are keyed
// by validator, target and source, so a double-vote check is one seek and the
// surround checks scan only records with a target between the new source
// and target, or above the new target: nothing for an attestation at the
// head of a 10,000-record history. Signing far behind the head scans the
// records after it.
//
// Group commit does not make one caller faster: a lone caller waits for its
// own fsync. It makes many callers cheap: one transaction and fsync serve
// every request that arrived while the previous one was being written, and
// the writer lingers up to WithMaxLinger for stragglers when fewer requests
// are waiting than in the previous batch. bbolt pages are 1 KiB so that the
// pages a batch dirties (about one leaf per validator) make a small write.
package slashing
