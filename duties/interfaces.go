package duties

import (
	"context"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/duties/beacon"
)

// This file declares every stage of the duty pipeline and Wire joins them: the only place where the
// stages meet. Each stage is small, knows nothing of the others, and is replaceable by a fake in tests.

// Scheduler emits our validators' duties at the right moment of each slot.
type Scheduler interface {
	// Subscribe registers fn for every duty; fn is called on its own goroutine with a context that ends at
	// the duty's deadline.
	Subscribe(fn func(ctx context.Context, duty Duty, defs DefinitionSet))
	// Run schedules until ctx is done.
	Run(ctx context.Context) error
}

// Fetcher gets a duty's unsigned data from the beacon node and encodes it as the consensus value. It
// returns the definitions that really have the duty: fewer than given when only some validators turn out
// to have it (aggregators are selected by their selection proofs); none means nothing to do.
type Fetcher interface {
	Fetch(ctx context.Context, duty Duty, defs DefinitionSet) ([]byte, DefinitionSet, error)
}

// Consensus agrees with the other operators on one value per duty.
type Consensus interface {
	// Propose starts the duty's consensus instance with our value.
	Propose(ctx context.Context, duty Duty, value []byte) error
	// Subscribe registers fn for every decided value; fn must not block.
	Subscribe(fn func(duty Duty, value []byte))
}

// Signer turns a decided value into our partial signatures, after slashing protection allowed each one.
type Signer interface {
	// Sign returns our partial signatures and the messages they sign. Validators refused by slashing
	// protection are left out and reported in the error, which is non-nil then even if others were signed.
	Sign(ctx context.Context, duty Duty, defs DefinitionSet, value []byte) (ParSignedSet, UnsignedSet, error)
}

// ParSigExchange sends our partial signatures to the other operators and delivers theirs, verified.
type ParSigExchange interface {
	// Broadcast sends our partial signatures of a duty to every other operator in one batch.
	Broadcast(ctx context.Context, duty Duty, set ParSignedSet) error
	// Subscribe registers fn for every batch received from another operator (operator index from),
	// after every partial in it verified against that operator's public share.
	Subscribe(fn func(ctx context.Context, duty Duty, from int, set ParSignedSet))
}

// Aggregator recovers group signatures from any t valid partial signatures.
type Aggregator interface {
	// Expect tells the aggregator what we signed: only partials over the same roots are combined.
	Expect(duty Duty, msgs UnsignedSet)
	// Add stores an operator's partial signatures (from is the operator index).
	Add(ctx context.Context, duty Duty, from int, set ParSignedSet)
	// Subscribe registers fn for recovered and verified signatures; fn is called once per batch of
	// validators that became complete together.
	Subscribe(fn func(ctx context.Context, duty Duty, set SignedSet))
}

// Broadcaster submits signed duties to the beacon nodes.
type Broadcaster interface {
	Broadcast(ctx context.Context, duty Duty, set SignedSet) error
}

// Tracker records every stage's outcome of every duty.
type Tracker interface {
	// Start records a scheduled duty and its deadline.
	Start(duty Duty, defs DefinitionSet, deadline time.Time)
	// Stage records that a stage finished for some keys of a duty (all of them if keys is nil), with
	// err == nil on success.
	Stage(duty Duty, stage Stage, keys []Key, err error)
	// Narrow keeps only these keys of a scheduled duty (the others turned out not to have it).
	Narrow(duty Duty, defs DefinitionSet)
	// InvalidPartial records a partial signature from operator (index) that did not verify.
	InvalidPartial(duty Duty, operator int, key Key, reason string)
}

// SlashingStore is the slashing protection a signer needs (eth2/slashing.Store implements it).
type SlashingStore interface {
	CheckAndRecordAttestation(ctx context.Context, pubkey phase0.BLSPubKey, source, target phase0.Epoch,
		signingRoot phase0.Root) error
	CheckAndRecordBlock(ctx context.Context, pubkey phase0.BLSPubKey, slot phase0.Slot, signingRoot phase0.Root) error
}

// DutyHandler is everything that depends on a duty type. The stages are generic and ask the handler.
type DutyHandler interface {
	// Type is the duty type handled.
	Type() DutyType
	// Fetch gets the duty's unsigned data and returns it as the consensus value.
	Fetch(ctx context.Context, bn beacon.Client, duty Duty, defs DefinitionSet) ([]byte, error)
	// Check validates a value proposed in consensus: malformed or unsafe values are refused.
	Check(duty Duty, value []byte) error
	// Decided is told every decided value (before signing), e.g. to remember checkpoints.
	Decided(duty Duty, value []byte)
	// Messages derives each key's message from a decided value (a key of defs may have none, e.g. a
	// subcommittee whose contribution the value lacks).
	Messages(duty Duty, defs DefinitionSet, value []byte) (UnsignedSet, error)
	// Protect records msg in slashing protection before it is signed; nil means it may be signed.
	Protect(ctx context.Context, store SlashingStore, pubkey PubKey, msg *Message) error
	// Submit submits the signed duty to the beacon nodes.
	Submit(ctx context.Context, bn beacon.Client, duty Duty, defs DefinitionSet, value []byte, sigs SignedSet) error
}

// Stage names a pipeline stage in the tracker, logs and metrics.
type Stage string

// Stages in pipeline order.
const (
	StageScheduler   Stage = "scheduler"
	StageFetcher     Stage = "fetcher"
	StageConsensus   Stage = "consensus"
	StageSigner      Stage = "signer"
	StageParSig      Stage = "parsig"
	StageAggregator  Stage = "aggregator"
	StageBroadcaster Stage = "broadcaster"
)

// Stages lists the stages in pipeline order.
var stages = []Stage{StageScheduler, StageFetcher, StageConsensus, StageSigner, StageParSig, StageAggregator,
	StageBroadcaster}

// StateDB holds what the stages of one duty share (its definitions and decided value).
type StateDB interface {
	// PutDefinitions stores a duty's definitions.
	PutDefinitions(duty Duty, defs DefinitionSet)
	// Definitions returns a duty's definitions.
	Definitions(duty Duty) (DefinitionSet, bool)
	// PutDecided stores a duty's decided value.
	PutDecided(duty Duty, value []byte)
	// Decided returns a duty's decided value.
	Decided(duty Duty) ([]byte, bool)
}
