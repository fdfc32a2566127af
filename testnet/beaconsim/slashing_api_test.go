package beaconsim_test

import (
	"context"
	"errors"
	"testing"

	bitfield "github.com/OffchainLabs/go-bitfield"
	"github.com/attestantio/go-eth2-client/api"
	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	apiv1electra "github.com/attestantio/go-eth2-client/api/v1/electra"
	"github.com/attestantio/go-eth2-client/spec"
	"github.com/attestantio/go-eth2-client/spec/deneb"
	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/signing"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

// submitData signs data for the duty and submits it, returning the client's error.
func (f *flowSetup) submitData(ctx context.Context, d *apiv1.AttesterDuty, data *phase0.AttestationData) error {
	bits := bitfield.NewBitlist(d.CommitteeLength)
	bits.SetBitAt(d.ValidatorCommitteeIndex, true)
	cb := bitfield.NewBitvector64()
	cb.SetBitAt(uint64(d.CommitteeIndex), true)
	att := &electra.Attestation{AggregationBits: bits, Data: data, CommitteeBits: cb,
		Signature: f.val.sign(data, signing.DomainBeaconAttester)}
	return f.val.cl.SubmitAttestations(ctx, &api.SubmitAttestationsOpts{Attestations: []*spec.VersionedAttestation{
		{Version: spec.DataVersionElectra, ValidatorIndex: &d.ValidatorIndex, Electra: att}}})
}

func is400(err error) bool {
	var apiErr *api.Error
	return errors.As(err, &apiErr) && apiErr.StatusCode == 400
}

// TestSlashableSubmissionsAreRejectedAndScored submits, through go-eth2-client, a double vote, a surround
// vote and a double proposal for the lock-file validator: each is rejected and scored slashable.
func TestSlashableSubmissionsAreRejectedAndScored(t *testing.T) {
	f := newFlow(t, beaconsim.FarFutureEpoch)
	ctx := context.Background()
	v := f.val
	dutyAt := func(epoch phase0.Epoch) *apiv1.AttesterDuty {
		resp, err := v.cl.AttesterDuties(ctx, &api.AttesterDutiesOpts{Epoch: epoch, Indices: []phase0.ValidatorIndex{0}})
		if err != nil || len(resp.Data) != 1 {
			t.Fatalf("attester duties of epoch %d: %v", epoch, err)
		}
		return resp.Data[0]
	}
	var proposed, doubleVoted, surrounded bool
	for slot := phase0.Slot(1); slot <= 40; slot++ {
		advance(t, f.sim, f.clock, slot)
		epoch := phase0.Epoch(slot / 8)
		proposers, err := v.cl.ProposerDuties(ctx, &api.ProposerDutiesOpts{Epoch: epoch})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range proposers.Data {
			if d.Slot == slot && d.ValidatorIndex == 0 && !proposed {
				f.doubleProposal(ctx, slot)
				proposed = true
			}
		}
		d := dutyAt(epoch)
		if d.Slot != slot {
			continue
		}
		resp, err := v.cl.AttestationData(ctx, &api.AttestationDataOpts{Slot: slot, CommitteeIndex: d.CommitteeIndex})
		if err != nil {
			t.Fatal(err)
		}
		data := resp.Data
		switch epoch {
		case 2: // vote 1->2, then the same target with another head: double vote
			data.Source = &phase0.Checkpoint{Epoch: 1, Root: data.Source.Root}
			if err := f.submitData(ctx, d, data); err != nil {
				t.Fatalf("first vote: %v", err)
			}
			other := *data
			other.BeaconBlockRoot = phase0.Root{0xde, 0xad}
			if err := f.submitData(ctx, d, &other); !is400(err) {
				t.Fatalf("double vote: got %v, want 400", err)
			}
			doubleVoted = true
		case 3: // vote 0->3 surrounds 1->2
			data.Source = &phase0.Checkpoint{Epoch: 0, Root: data.Source.Root}
			if err := f.submitData(ctx, d, data); !is400(err) {
				t.Fatalf("surround vote: got %v, want 400", err)
			}
			surrounded = true
		}
	}
	if !proposed || !doubleVoted || !surrounded {
		t.Fatalf("scenario incomplete: proposed %v double vote %v surround %v", proposed, doubleVoted, surrounded)
	}
	st := f.sim.Stats()
	if got := st.ByType[beaconsim.DutyAttestation].Slashable; got != 2 {
		t.Errorf("attestation slashable %d, want 2", got)
	}
	if got := st.ByType[beaconsim.DutyAttestation].Incorrect; got != 1 {
		t.Errorf("attestation incorrect %d, want 1 (the accepted 1->2 vote has the wrong source)", got)
	}
	if got := st.ByType[beaconsim.DutyProposal].Slashable; got != 1 {
		t.Errorf("proposal slashable %d, want 1", got)
	}
	kinds := map[beaconsim.OffenceKind]int{}
	for _, o := range st.Offences {
		kinds[o.Kind]++
	}
	// The surround vote conflicts with both signed 1->2 votes (the double vote was signed too: it is evidence).
	want := map[beaconsim.OffenceKind]int{beaconsim.OffenceDoubleVote: 1, beaconsim.OffenceSurroundVote: 2,
		beaconsim.OffenceDoubleProposal: 1}
	for k, n := range want {
		if kinds[k] != n {
			t.Errorf("offences %v, want %v", kinds, want)
			break
		}
	}
}

// doubleProposal produces two different blocks for slot, signs and publishes both: the first is imported,
// the second is rejected as a double proposal.
func (f *flowSetup) doubleProposal(ctx context.Context, slot phase0.Slot) {
	t, v := f.val.t, f.val
	reveal := v.sign(sszSlot(slot/8), signing.DomainRandao)
	var signed []*api.VersionedSignedProposal
	for _, graffiti := range []byte{'a', 'b'} {
		resp, err := v.cl.Proposal(ctx, &api.ProposalOpts{Slot: slot, RandaoReveal: reveal, Graffiti: [32]byte{graffiti}})
		if err != nil {
			t.Fatalf("proposal: %v", err)
		}
		blk := resp.Data.Electra.Block
		signed = append(signed, &api.VersionedSignedProposal{Version: spec.DataVersionElectra,
			Electra: &apiv1electra.SignedBlockContents{KZGProofs: []deneb.KZGProof{}, Blobs: []deneb.Blob{},
				SignedBlock: &electra.SignedBeaconBlock{Message: blk, Signature: v.sign(blk, signing.DomainBeaconProposer)}}})
	}
	if err := v.cl.SubmitProposal(ctx, &api.SubmitProposalOpts{Proposal: signed[0]}); err != nil {
		t.Fatalf("first block: %v", err)
	}
	if err := v.cl.SubmitProposal(ctx, &api.SubmitProposalOpts{Proposal: signed[0]}); err != nil {
		t.Fatalf("re-publishing the same block: %v", err)
	}
	if err := v.cl.SubmitProposal(ctx, &api.SubmitProposalOpts{Proposal: signed[1]}); !is400(err) {
		t.Fatalf("second block for slot %d: got %v, want 400", slot, err)
	}
}

// TestVoluntaryExitUsesCapellaDomain checks EIP-7044: an exit signed with the current fork's domain is
// rejected and counted; one signed with the Capella fork version is accepted, included in the next block
// and makes the validator active_exiting.
func TestVoluntaryExitUsesCapellaDomain(t *testing.T) {
	f := newFlow(t, beaconsim.FarFutureEpoch)
	ctx := context.Background()
	v := f.val
	advance(t, f.sim, f.clock, 3)
	exit := &phase0.VoluntaryExit{Epoch: 0, ValidatorIndex: 0}
	err := v.cl.SubmitVoluntaryExit(ctx, &phase0.SignedVoluntaryExit{Message: exit,
		Signature: v.sign(exit, signing.DomainVoluntaryExit)})
	if !is400(err) {
		t.Fatalf("exit signed with the Electra domain: got %v, want 400", err)
	}
	specResp, err := v.cl.Spec(ctx, &api.SpecOpts{})
	if err != nil {
		t.Fatal(err)
	}
	capella, ok := specResp.Data["CAPELLA_FORK_VERSION"].(phase0.Version)
	if !ok {
		t.Fatalf("spec CAPELLA_FORK_VERSION: %v", specResp.Data["CAPELLA_FORK_VERSION"])
	}
	if err := v.cl.SubmitVoluntaryExit(ctx, &phase0.SignedVoluntaryExit{Message: exit,
		Signature: v.signWith(exit, signing.DomainVoluntaryExit, capella, v.gvr)}); err != nil {
		t.Fatalf("exit signed with the Capella domain: %v", err)
	}
	// The simulator's own validators propose the following slots and include the exit.
	for slot := phase0.Slot(4); slot <= 12; slot++ {
		advance(t, f.sim, f.clock, slot)
	}
	vals, err := v.cl.Validators(ctx, &api.ValidatorsOpts{State: "head", Indices: []phase0.ValidatorIndex{0}})
	if err != nil {
		t.Fatal(err)
	}
	if got := vals.Data[0].Status; got != apiv1.ValidatorStateActiveExiting {
		t.Errorf("status %s after the exit was included, want active_exiting", got)
	}
	if got := f.sim.Stats().ByType[beaconsim.DutyVoluntaryExit].InvalidSignatures; got != 1 {
		t.Errorf("exit invalid signatures %d, want 1", got)
	}
}
