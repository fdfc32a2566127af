package duties

import (
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

// Definition is what one validator must do for a duty, as the beacon node scheduled it.
type Definition struct {
	// PubKey is the validator's group public key.
	PubKey PubKey
	// Index is the validator's index on the beacon chain.
	Index phase0.ValidatorIndex
	// Attester is set for attester and aggregator duties.
	Attester *apiv1.AttesterDuty
	// Proposer is set for RANDAO and proposer duties.
	Proposer *apiv1.ProposerDuty
	// Sync is set for sync committee duties.
	Sync *apiv1.SyncCommitteeDuty
}

// DefinitionSet holds the definitions of every validator that has a duty.
type DefinitionSet map[PubKey]Definition

// PubKeys returns the set's validators.
func (s DefinitionSet) PubKeys() []PubKey {
	out := make([]PubKey, 0, len(s))
	for pk := range s {
		out = append(out, pk)
	}
	return out
}

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

// UnsignedSet is the per-validator unsigned data of a duty, derived from the decided consensus value.
type UnsignedSet map[PubKey]*Message

// ParSig is one operator's partial signature of one validator's message.
type ParSig struct {
	// Root is the signing root that was signed.
	Root phase0.Root
	// Signature is the partial BLS signature with the operator's share.
	Signature phase0.BLSSignature
	// decoded caches Signature as a checked curve point (nil until decoded); never sent.
	decoded *bls.Signature
}

// ParSignedSet holds one operator's partial signatures of a duty, per validator.
type ParSignedSet map[PubKey]ParSig

// SignedSet holds the recovered, verified group signatures of a duty, per validator.
type SignedSet map[PubKey]phase0.BLSSignature
