package beacon

import (
	eth2client "github.com/attestantio/go-eth2-client"
)

// Client is what the pool needs from one beacon node: the go-eth2-client providers and submitters a
// distributed validator uses. go-eth2-client's *http.Service implements it.
type Client interface {
	eth2client.GenesisProvider
	eth2client.SpecProvider
	eth2client.ForkProvider
	eth2client.ValidatorsProvider
	eth2client.AttesterDutiesProvider
	eth2client.ProposerDutiesProvider
	eth2client.SyncCommitteeDutiesProvider
	eth2client.AttestationDataProvider
	eth2client.AttestationsSubmitter
	eth2client.AggregateAttestationProvider
	eth2client.AggregateAttestationsSubmitter
	eth2client.BeaconCommitteeSubscriptionsSubmitter
	eth2client.ProposalProvider
	eth2client.ProposalSubmitter
	eth2client.BlindedProposalSubmitter
	eth2client.BeaconBlockRootProvider
	eth2client.SyncCommitteeMessagesSubmitter
	eth2client.SyncCommitteeContributionProvider
	eth2client.SyncCommitteeContributionsSubmitter
	eth2client.ProposalPreparationsSubmitter
	eth2client.ValidatorRegistrationsSubmitter
	eth2client.VoluntaryExitSubmitter
	eth2client.EventsProvider
}

// The pool is itself a Client, so the pipeline does not care whether it talks to one node or several.
var _ Client = (*Pool)(nil)
