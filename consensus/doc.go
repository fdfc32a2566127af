// Package consensus runs QBFT instances (package qbft) for the duty
// pipeline: one consensus instance per duty (slot and duty type).
//
// A [Runner] owns every instance on a single goroutine ([Runner.Run]). For
// each instance it:
//
//  1. verifies the signature of every received message, and of every
//     message in its justification, with the injected [Verifier] before the
//     message reaches the state machine; a signed message already verified
//     (same bytes, same signature; a bounded cache) or signed by this
//     process is not verified again, e.g. a PREPARE inside a ROUND-CHANGE's
//     justification, and stale messages ([qbft.Instance.Ignored]) are
//     dropped before any check;
//  2. persists the instance state through the injected [Store] before any
//     message the state machine produced is signed and sent, so that a
//     restarted node resumes its round and never contradicts itself;
//  3. buffers messages for instances it has not started yet, bounded per
//     peer and per instance, and replays them when [Runner.Propose] starts
//     the instance;
//  4. forgets instances (and their persisted state) once their duty
//     deadline has passed;
//  5. lets a lagging node decide at once from a DECIDED message that carries
//     a commit certificate (a quorum of signed COMMITs).
//
// The duty pipeline calls [Runner.Propose] with its fetched value and
// receives decided values through [Runner.Subscribe]; it supplies value
// validation ([Config].CheckValue). Transport, signing, persistence and the
// clock are consumer-side interfaces; [InmemNetwork], [MemStore] and
// [BoltStore] are shipped implementations, [KeySigner] and [KeyVerifier] sign
// with libp2p (operator) keys. Metrics are registered on an injected
// prometheus.Registerer.
package consensus
