package duties

import (
	"context"
	"encoding/binary"
	"fmt"
	"time"

	"github.com/attestantio/go-eth2-client/api"
	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	"github.com/attestantio/go-eth2-client/spec"
	"github.com/attestantio/go-eth2-client/spec/bellatrix"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/duties/beacon"
	"github.com/stingerdvt/stinger/eth2/signing"
)

// DefaultGasLimit is the gas limit registered with builders.
const DefaultGasLimit = 36_000_000

// builderRegistration handles DutyBuilderRegistration: once per epoch every validator's registration
// (fee recipient, gas limit, a timestamp fixed by the cluster so that every operator signs the same message)
// is threshold-signed with the builder domain and submitted. Its value is the slot: no consensus needed.
type builderRegistration struct {
	feeRecipients map[PubKey]bellatrix.ExecutionAddress
	gasLimit      uint64
	timestamp     time.Time
}

func (b *builderRegistration) deterministic() {}

func (b *builderRegistration) Type() DutyType { return DutyBuilderRegistration }

func (b *builderRegistration) Fetch(_ context.Context, _ beacon.Client, duty Duty, _ DefinitionSet) ([]byte, error) {
	return binary.BigEndian.AppendUint64(nil, uint64(duty.Slot)), nil
}

func (b *builderRegistration) Check(duty Duty, value []byte) error {
	if len(value) != 8 || binary.BigEndian.Uint64(value) != uint64(duty.Slot) {
		return fmt.Errorf("%w: registration value %x for slot %d", ErrMalformedValue, value, duty.Slot)
	}
	return nil
}

func (b *builderRegistration) Decided(Duty, []byte) {}

func (b *builderRegistration) registration(pk PubKey) *apiv1.ValidatorRegistration {
	return &apiv1.ValidatorRegistration{FeeRecipient: b.feeRecipients[pk], GasLimit: b.gasLimit,
		Timestamp: b.timestamp, Pubkey: pk}
}

func (b *builderRegistration) Messages(duty Duty, defs DefinitionSet, value []byte) (UnsignedSet, error) {
	if err := b.Check(duty, value); err != nil {
		return nil, err
	}
	out := make(UnsignedSet, len(defs))
	for k := range defs {
		out[k] = &Message{Object: b.registration(k.PubKey), Domain: signing.DomainApplicationBuilder}
	}
	return out, nil
}

func (b *builderRegistration) Protect(context.Context, SlashingStore, PubKey, *Message) error {
	return nil
}

func (b *builderRegistration) Submit(ctx context.Context, bn beacon.Client, _ Duty, _ DefinitionSet, _ []byte,
	sigs SignedSet,
) error {
	regs := make([]*api.VersionedSignedValidatorRegistration, 0, len(sigs))
	for k, sig := range sigs {
		regs = append(regs, &api.VersionedSignedValidatorRegistration{Version: spec.BuilderVersionV1,
			V1: &apiv1.SignedValidatorRegistration{Message: b.registration(k.PubKey), Signature: sig}})
	}
	if len(regs) == 0 {
		return nil
	}
	return bn.SubmitValidatorRegistrations(ctx, regs)
}

// prepareProposers tells the beacon nodes our validators' fee recipients (no signature involved).
func prepareProposers(ctx context.Context, bn beacon.Client, indices map[PubKey]phase0.ValidatorIndex,
	feeRecipients map[PubKey]bellatrix.ExecutionAddress,
) error {
	preps := make([]*apiv1.ProposalPreparation, 0, len(indices))
	for pk, idx := range indices {
		preps = append(preps, &apiv1.ProposalPreparation{ValidatorIndex: idx, FeeRecipient: feeRecipients[pk]})
	}
	if len(preps) == 0 {
		return nil
	}
	if err := bn.SubmitProposalPreparations(ctx, preps); err != nil {
		return fmt.Errorf("prepare proposers: %w", err)
	}
	return nil
}
