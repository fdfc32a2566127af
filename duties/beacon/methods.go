// Code in this file is mechanical: every method forwards to first (fetches) or all (submissions); block
// calls get the proposal timeout.

package beacon

import (
	"context"

	"github.com/attestantio/go-eth2-client/api"
	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	"github.com/attestantio/go-eth2-client/spec"
	"github.com/attestantio/go-eth2-client/spec/altair"
	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// Genesis returns the first valid answer of any beacon node.
func (p *Pool) Genesis(ctx context.Context, opts *api.GenesisOpts) (*api.Response[*apiv1.Genesis], error) {
	return first(ctx, p, "genesis", func(ctx context.Context, c Client) (*api.Response[*apiv1.Genesis], error) {
		return c.Genesis(ctx, opts)
	}, checkResponse[*apiv1.Genesis])
}

// Spec returns the first valid answer of any beacon node.
func (p *Pool) Spec(ctx context.Context, opts *api.SpecOpts) (*api.Response[map[string]any], error) {
	return first(ctx, p, "spec", func(ctx context.Context, c Client) (*api.Response[map[string]any], error) {
		return c.Spec(ctx, opts)
	}, checkResponse[map[string]any])
}

// Fork returns the first valid answer of any beacon node.
func (p *Pool) Fork(ctx context.Context, opts *api.ForkOpts) (*api.Response[*phase0.Fork], error) {
	return first(ctx, p, "fork", func(ctx context.Context, c Client) (*api.Response[*phase0.Fork], error) {
		return c.Fork(ctx, opts)
	}, checkResponse[*phase0.Fork])
}

// Validators returns the first valid answer of any beacon node.
func (p *Pool) Validators(ctx context.Context, opts *api.ValidatorsOpts) (*api.Response[map[phase0.ValidatorIndex]*apiv1.Validator], error) {
	return first(ctx, p, "validators", func(ctx context.Context, c Client) (*api.Response[map[phase0.ValidatorIndex]*apiv1.Validator], error) {
		return c.Validators(ctx, opts)
	}, checkResponse[map[phase0.ValidatorIndex]*apiv1.Validator])
}

// AttesterDuties returns the first valid answer of any beacon node.
func (p *Pool) AttesterDuties(ctx context.Context, opts *api.AttesterDutiesOpts) (*api.Response[[]*apiv1.AttesterDuty], error) {
	return first(ctx, p, "attester_duties", func(ctx context.Context, c Client) (*api.Response[[]*apiv1.AttesterDuty], error) {
		return c.AttesterDuties(ctx, opts)
	}, checkResponse[[]*apiv1.AttesterDuty])
}

// ProposerDuties returns the first valid answer of any beacon node.
func (p *Pool) ProposerDuties(ctx context.Context, opts *api.ProposerDutiesOpts) (*api.Response[[]*apiv1.ProposerDuty], error) {
	return first(ctx, p, "proposer_duties", func(ctx context.Context, c Client) (*api.Response[[]*apiv1.ProposerDuty], error) {
		return c.ProposerDuties(ctx, opts)
	}, checkResponse[[]*apiv1.ProposerDuty])
}

// SyncCommitteeDuties returns the first valid answer of any beacon node.
func (p *Pool) SyncCommitteeDuties(ctx context.Context, opts *api.SyncCommitteeDutiesOpts) (*api.Response[[]*apiv1.SyncCommitteeDuty], error) {
	return first(ctx, p, "sync_committee_duties", func(ctx context.Context, c Client) (*api.Response[[]*apiv1.SyncCommitteeDuty], error) {
		return c.SyncCommitteeDuties(ctx, opts)
	}, checkResponse[[]*apiv1.SyncCommitteeDuty])
}

// AttestationData returns the first valid answer of any beacon node.
func (p *Pool) AttestationData(ctx context.Context, opts *api.AttestationDataOpts) (*api.Response[*phase0.AttestationData], error) {
	return first(ctx, p, "attestation_data", func(ctx context.Context, c Client) (*api.Response[*phase0.AttestationData], error) {
		return c.AttestationData(ctx, opts)
	}, checkResponse[*phase0.AttestationData])
}

// AggregateAttestation returns the first valid answer of any beacon node.
func (p *Pool) AggregateAttestation(ctx context.Context, opts *api.AggregateAttestationOpts) (*api.Response[*spec.VersionedAttestation], error) {
	return first(ctx, p, "aggregate_attestation", func(ctx context.Context, c Client) (*api.Response[*spec.VersionedAttestation], error) {
		return c.AggregateAttestation(ctx, opts)
	}, checkResponse[*spec.VersionedAttestation])
}

// Proposal returns the first valid answer of any beacon node, each bounded by the proposal timeout.
func (p *Pool) Proposal(ctx context.Context, opts *api.ProposalOpts) (*api.Response[*api.VersionedProposal], error) {
	if opts != nil {
		o := *opts
		o.Common = p.proposalCommon(o.Common)
		opts = &o
	}
	return first(ctx, p, "proposal", func(ctx context.Context, c Client) (*api.Response[*api.VersionedProposal], error) {
		return c.Proposal(ctx, opts)
	}, checkResponse[*api.VersionedProposal])
}

// BeaconBlockRoot returns the first valid answer of any beacon node.
func (p *Pool) BeaconBlockRoot(ctx context.Context, opts *api.BeaconBlockRootOpts) (*api.Response[*phase0.Root], error) {
	return first(ctx, p, "beacon_block_root", func(ctx context.Context, c Client) (*api.Response[*phase0.Root], error) {
		return c.BeaconBlockRoot(ctx, opts)
	}, checkResponse[*phase0.Root])
}

// SyncCommitteeContribution returns the first valid answer of any beacon node.
func (p *Pool) SyncCommitteeContribution(ctx context.Context, opts *api.SyncCommitteeContributionOpts) (*api.Response[*altair.SyncCommitteeContribution], error) {
	return first(ctx, p, "sync_committee_contribution", func(ctx context.Context, c Client) (*api.Response[*altair.SyncCommitteeContribution], error) {
		return c.SyncCommitteeContribution(ctx, opts)
	}, checkResponse[*altair.SyncCommitteeContribution])
}

// SubmitAttestations submits to every beacon node; it succeeds if any accepted.
func (p *Pool) SubmitAttestations(ctx context.Context, opts *api.SubmitAttestationsOpts) error {
	return all(ctx, p, "submit_attestations", func(ctx context.Context, c Client) error { return c.SubmitAttestations(ctx, opts) })
}

// SubmitAggregateAttestations submits to every beacon node; it succeeds if any accepted.
func (p *Pool) SubmitAggregateAttestations(ctx context.Context, opts *api.SubmitAggregateAttestationsOpts) error {
	return all(ctx, p, "submit_aggregate_attestations", func(ctx context.Context, c Client) error { return c.SubmitAggregateAttestations(ctx, opts) })
}

// SubmitProposal submits to every beacon node, each bounded by the proposal timeout; it succeeds if any
// accepted.
func (p *Pool) SubmitProposal(ctx context.Context, opts *api.SubmitProposalOpts) error {
	if opts != nil {
		o := *opts
		o.Common = p.proposalCommon(o.Common)
		opts = &o
	}
	return all(ctx, p, "submit_proposal", func(ctx context.Context, c Client) error { return c.SubmitProposal(ctx, opts) })
}

// SubmitBlindedProposal submits to every beacon node, each bounded by the proposal timeout; it succeeds
// if any accepted.
func (p *Pool) SubmitBlindedProposal(ctx context.Context, opts *api.SubmitBlindedProposalOpts) error {
	if opts != nil {
		o := *opts
		o.Common = p.proposalCommon(o.Common)
		opts = &o
	}
	return all(ctx, p, "submit_blinded_proposal", func(ctx context.Context, c Client) error { return c.SubmitBlindedProposal(ctx, opts) })
}

// proposalCommon gives a block call go-eth2-client's per-call timeout (its own default is the pool's
// Timeout) unless the caller set one.
func (p *Pool) proposalCommon(c api.CommonOpts) api.CommonOpts {
	if c.Timeout == 0 {
		c.Timeout = p.proposalTimeout
	}
	return c
}

// SubmitBeaconCommitteeSubscriptions submits to every beacon node; it succeeds if any accepted.
func (p *Pool) SubmitBeaconCommitteeSubscriptions(ctx context.Context, v []*apiv1.BeaconCommitteeSubscription) error {
	return all(ctx, p, "submit_beacon_committee_subscriptions", func(ctx context.Context, c Client) error { return c.SubmitBeaconCommitteeSubscriptions(ctx, v) })
}

// SubmitSyncCommitteeMessages submits to every beacon node; it succeeds if any accepted.
func (p *Pool) SubmitSyncCommitteeMessages(ctx context.Context, v []*altair.SyncCommitteeMessage) error {
	return all(ctx, p, "submit_sync_committee_messages", func(ctx context.Context, c Client) error { return c.SubmitSyncCommitteeMessages(ctx, v) })
}

// SubmitSyncCommitteeContributions submits to every beacon node; it succeeds if any accepted.
func (p *Pool) SubmitSyncCommitteeContributions(ctx context.Context, v []*altair.SignedContributionAndProof) error {
	return all(ctx, p, "submit_sync_committee_contributions", func(ctx context.Context, c Client) error { return c.SubmitSyncCommitteeContributions(ctx, v) })
}

// SubmitProposalPreparations submits to every beacon node; it succeeds if any accepted.
func (p *Pool) SubmitProposalPreparations(ctx context.Context, v []*apiv1.ProposalPreparation) error {
	return all(ctx, p, "submit_proposal_preparations", func(ctx context.Context, c Client) error { return c.SubmitProposalPreparations(ctx, v) })
}

// SubmitValidatorRegistrations submits to every beacon node; it succeeds if any accepted.
func (p *Pool) SubmitValidatorRegistrations(ctx context.Context, v []*api.VersionedSignedValidatorRegistration) error {
	return all(ctx, p, "submit_validator_registrations", func(ctx context.Context, c Client) error { return c.SubmitValidatorRegistrations(ctx, v) })
}

// SubmitVoluntaryExit submits to every beacon node; it succeeds if any accepted.
func (p *Pool) SubmitVoluntaryExit(ctx context.Context, v *phase0.SignedVoluntaryExit) error {
	return all(ctx, p, "submit_voluntary_exit", func(ctx context.Context, c Client) error { return c.SubmitVoluntaryExit(ctx, v) })
}

// Events subscribes to the event stream of every beacon node (each delivers its own events; consumers
// must tolerate duplicates). It returns an error only if no node accepted the subscription.
func (p *Pool) Events(ctx context.Context, opts *api.EventsOpts) error {
	return all(ctx, p, "events", func(_ context.Context, c Client) error { return c.Events(ctx, opts) })
}
