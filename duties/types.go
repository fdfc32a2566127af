package duties

import (
	"bytes"
	"fmt"

	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/bls"
)

// DutyType is a kind of validator duty. Its value is the QBFT instance's duty number: never renumber.
type DutyType uint16

// Duty types.
const (
	DutyUnknown DutyType = iota
	// DutyAttester is an Electra SingleAttestation.
	DutyAttester
	// DutyRandao is the RANDAO reveal that precedes a block proposal.
	DutyRandao
	// DutyProposer is a block proposal (full or blinded).
	DutyProposer
	// DutyPrepareAggregator is the attestation aggregation selection proof.
	DutyPrepareAggregator
	// DutyAggregator is an aggregate and proof.
	DutyAggregator
	// DutySyncMessage is a sync committee message.
	DutySyncMessage
	// DutyPrepareSyncContribution is the sync committee selection proof.
	DutyPrepareSyncContribution
	// DutySyncContribution is a sync committee contribution and proof.
	DutySyncContribution
	// DutyBuilderRegistration is a builder validator registration.
	DutyBuilderRegistration
	// DutyExit is a voluntary exit.
	DutyExit
	dutySentinel
)

var dutyNames = [...]string{"unknown", "attester", "randao", "proposer", "prepare_aggregator", "aggregator",
	"sync_message", "prepare_sync_contribution", "sync_contribution", "builder_registration", "exit"}

// String returns the duty type's snake_case name (used in logs, metrics and the node API).
func (t DutyType) String() string {
	if t < dutySentinel {
		return dutyNames[t]
	}
	return fmt.Sprintf("duty_type_%d", uint16(t))
}

// Valid reports whether t is a known duty type.
func (t DutyType) Valid() bool { return t > DutyUnknown && t < dutySentinel }

// BySubcommittee reports whether a duty of type t is performed once per sync subcommittee in which a
// validator holds a position (the selection proof and the contribution), rather than once per validator.
func (t DutyType) BySubcommittee() bool {
	return t == DutyPrepareSyncContribution || t == DutySyncContribution
}

// ParseDutyType returns the duty type named s.
func ParseDutyType(s string) (DutyType, error) {
	for i, n := range dutyNames {
		if i > 0 && n == s {
			return DutyType(i), nil
		}
	}
	return DutyUnknown, fmt.Errorf("duty type %q: unknown", s)
}

// Duty is one duty of the cluster: a slot and a type, for all of the cluster's validators that have it.
type Duty struct {
	Slot phase0.Slot
	Type DutyType
}

// String returns "type/slot".
func (d Duty) String() string { return fmt.Sprintf("%s/%d", d.Type, d.Slot) }

// PubKey is a validator's group public key.
type PubKey = phase0.BLSPubKey

// Key names the unit of a duty that one signature covers, and keys every set of the pipeline (definitions,
// messages, partial and group signatures, outcomes). It is the validator, except for the duty types that
// are performed per sync subcommittee (DutyType.BySubcommittee): there a validator with positions in
// several subcommittees has one selection proof and one contribution for each, so the unit is the
// (validator, subcommittee) pair.
type Key struct {
	PubKey PubKey
	// Subcommittee is the sync subcommittee (below SyncCommitteeSubnetCount) for the types performed by
	// subcommittee, and zero for every other type.
	Subcommittee uint64
}

// String returns the validator's key prefix, and the subcommittee if not zero (logs, errors).
func (k Key) String() string {
	if k.Subcommittee != 0 {
		return fmt.Sprintf("%#x/subcommittee %d", k.PubKey[:6], k.Subcommittee)
	}
	return fmt.Sprintf("%#x", k.PubKey[:6])
}

// less orders keys by public key, then subcommittee (the parsig wire order).
func (k Key) less(o Key) bool {
	if c := bytes.Compare(k.PubKey[:], o.PubKey[:]); c != 0 {
		return c < 0
	}
	return k.Subcommittee < o.Subcommittee
}

// Definition is what one validator must do for a duty, as the beacon node scheduled it.
type Definition struct {
	// PubKey is the validator's group public key.
	PubKey PubKey
	// Subcommittee is the sync subcommittee of the types performed by subcommittee (see Key).
	Subcommittee uint64
	// Index is the validator's index on the beacon chain.
	Index phase0.ValidatorIndex
	// Attester is set for attester and aggregator duties.
	Attester *apiv1.AttesterDuty
	// Proposer is set for RANDAO and proposer duties.
	Proposer *apiv1.ProposerDuty
	// Sync is set for sync committee duties.
	Sync *apiv1.SyncCommitteeDuty
}

// Key returns the definition's key in its sets.
func (d Definition) Key() Key { return Key{PubKey: d.PubKey, Subcommittee: d.Subcommittee} }

// DefinitionSet holds the definitions of every validator (or validator and subcommittee) that has a duty.
type DefinitionSet map[Key]Definition

// Message is what one validator signs: an SSZ object under a domain type at an epoch (which picks the
// fork version), and the signing root that results.
type Message struct {
	// Object is hashed (hash tree root) for signing.
	Object interface{ HashTreeRoot() ([32]byte, error) }
	// Domain is the domain type.
	Domain phase0.DomainType
	// Epoch selects the fork for the domain.
	Epoch phase0.Epoch
	// Root is the signing root (filled by the signer).
	Root phase0.Root
}

// UnsignedSet is the per-key unsigned data of a duty, derived from the decided consensus value.
type UnsignedSet map[Key]*Message

// ParSig is one operator's partial signature of one validator's message.
type ParSig struct {
	// Root is the signing root that was signed.
	Root phase0.Root
	// Signature is the partial BLS signature with the operator's share.
	Signature phase0.BLSSignature
	// decoded caches Signature as a checked curve point (nil until decoded); never sent.
	decoded *bls.Signature
}

// ParSignedSet holds one operator's partial signatures of a duty, per key.
type ParSignedSet map[Key]ParSig

// SignedSet holds the recovered, verified group signatures of a duty, per key.
type SignedSet map[Key]phase0.BLSSignature
