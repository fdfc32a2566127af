// Package qbft implements the QBFT (Istanbul BFT) consensus algorithm of
// "The Istanbul BFT Consensus Algorithm" (Moniz, 2020, arXiv:2002.03613) as a
// pure, deterministic state machine, in the shape of etcd-io/raft's RawNode.
//
// An [Instance] decides one value for one [InstanceID] (a duty: slot and duty
// type) among n = 3f+1 (or any n >= 1) processes. It has no goroutines, clock,
// network, logger or randomness: the caller drives it with three inputs and
// drains one output.
//
//   - [Instance.Propose] starts the instance with the local input value
//     (Algorithm 1, Start).
//   - [Instance.Step] delivers one received, signature-verified [Envelope].
//   - [Instance.Tick] tells the instance the current time; an expired round
//     timer starts a round change (Algorithm 3).
//   - [Instance.Ready] drains the output: messages to broadcast, the state to
//     persist, and at most once the [Decision] with its commit certificate.
//
// The caller's duties, in order, for every [Ready]:
//
//  1. Persist Ready.State (if non-nil) durably. After a crash, [Restore] from
//     the last persisted state so the instance never sends a message that
//     conflicts with one it already sent.
//  2. Sign every Ready.Messages entry (the signature covers
//     [Message.SigningBytes]), send it to every other process, and Step it
//     into this instance too (the paper's broadcast includes the sender).
//  3. Deliver Ready.Decision to the application.
//
// Every received envelope must have its signature, and the signatures of
// every message in its justification, verified against the process index in
// Message.Source before it is passed to Step: the state machine trusts
// Source. Step then runs ValidateBasic-style checks (instance, source, round,
// shape, value hash, leader, justification, value validity) before any state
// changes; invalid messages return an error wrapping one of the Err*
// sentinels (see [Reason] for a metric label) and change nothing.
//
// Leader election ([Config].Leader), value validation ([Config].CheckValue)
// and the round timer ([Config].Timeout, growing with the round) are
// injected. Values are opaque bytes identified by their SHA-256 [Hash].
//
// Choices where the pseudocode leaves room, and departures from it, each
// safe by the paper's lemmas:
//
//   - A quorum of COMMITs for one round and value decides in any round (it
//     is a decision certificate); this also lets a lagging process decide
//     from a DECIDED message carrying such a certificate. A decided process
//     answers ROUND-CHANGEs with a DECIDED message.
//   - For the f+1 ROUND-CHANGE rule, Frc is built from each source's highest
//     ROUND-CHANGE, taking the f+1 highest, so the round moved to (the
//     smallest in Frc) has been reached by at least one correct process.
//   - Messages for future rounds (up to MaxRoundsAhead) are kept and the
//     rules re-evaluated when the round changes; a quorum of PREPAREs leads
//     to COMMIT only once the value's bytes are known (from its PRE-PREPARE
//     or a ROUND-CHANGE), so that they can be re-proposed later.
//   - Only the first message per source, type and round counts; a different
//     second one is rejected as an equivocation.
//
// [Instance.Ignored] tells a caller which messages cannot matter any more
// (stale, duplicate, or after the decision), so it can skip their signature
// checks.
package qbft
