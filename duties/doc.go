// Package duties is the duty pipeline of a distributed validator: every node of a cluster performs every
// duty of the cluster's validators while holding only its key share.
//
// The pipeline (declared in interfaces.go, joined in one place by Wire) runs per slot and duty type:
//
//		scheduler → fetcher → consensus → signer → parsig exchange → aggregator → broadcaster
//		                                                                  ↘ tracker (every stage reports)
//
//	 1. The Scheduler resolves our validators' duties from the beacon node once per epoch (again when the
//	    event stream reports a new dependent root: a reorg) and emits Duty{Slot, Type} with the validators'
//	    Definitions at the right moment of the slot: proposals at its start; attestations as soon as the
//	    slot's head event arrives (1/3 at the latest), sync committee messages likewise but only once this
//	    node's attestations of the slot are done; aggregates and contributions at 2/3; RANDAO reveals and
//	    selection proofs, which sign only an epoch or a slot, half a slot ahead so the slot's critical work
//	    has the CPU.
//	 2. The Fetcher gets the unsigned data from the beacon node and encodes it as the consensus value.
//	 3. Consensus runs one QBFT instance per (slot, duty type) for all our validators together; value
//	    validation (DutyHandler.Check) refuses malformed data and attestation data that could lead to a
//	    slashable vote (checkpoints going backwards, source after target, wrong slot or epoch).
//	 4. The Signer derives each validator's message from the decided value, records it in the slashing
//	    protection store (EIP-3076, durable before the answer) and only then signs with the share.
//	 5. The ParSigExchange sends our partial signatures to the other operators in one batch per duty and
//	    receives theirs; every partial is checked against its sender's public share (bls.FindInvalid) and
//	    a bad one is attributed to its operator in logs and metrics.
//	 6. The Aggregator recovers the group signature from any t valid partials over our own signing root and
//	    verifies it against the validator's public key.
//	 7. The Broadcaster submits to every beacon node; the Tracker records every duty's outcome (which stage
//	    failed or was too slow, and why), persists it for a retention window, and serves it on the node API.
//
// Every set a duty passes along (definitions, messages, partial and group signatures, outcomes) is keyed
// by Key: the validator, or for the sync committee selection proof and contribution, which the spec asks
// for in each subcommittee where the validator holds a position, the (validator, subcommittee) pair.
//
// Everything that depends on a duty type (what to fetch, how to check it, what each validator signs,
// what to submit) lives in one DutyHandler per type, so the stages themselves are generic.
//
// Time comes from an injected clock; deadlines follow the slot timeline, and a duty still unfinished at its
// deadline is abandoned and recorded as late together with the stage it was stuck in.
package duties
