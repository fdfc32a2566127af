package beaconsim_test

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	bitfield "github.com/OffchainLabs/go-bitfield"
	eth2client "github.com/attestantio/go-eth2-client"
	"github.com/attestantio/go-eth2-client/api"
	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	apiv1electra "github.com/attestantio/go-eth2-client/api/v1/electra"
	apiv1fulu "github.com/attestantio/go-eth2-client/api/v1/fulu"
	eth2http "github.com/attestantio/go-eth2-client/http"
	"github.com/attestantio/go-eth2-client/spec"
	"github.com/attestantio/go-eth2-client/spec/altair"
	"github.com/attestantio/go-eth2-client/spec/deneb"
	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/rs/zerolog"

	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/signing"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

type testClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *testClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *testClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

// client is the union of go-eth2-client interfaces a validator client uses.
type client interface {
	eth2client.GenesisProvider
	eth2client.ForkProvider
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
	eth2client.BeaconBlockRootProvider
	eth2client.SyncCommitteeMessagesSubmitter
	eth2client.SyncCommitteeContributionProvider
	eth2client.SyncCommitteeContributionsSubmitter
	eth2client.ValidatorsProvider
	eth2client.FinalityProvider
	eth2client.NodeVersionProvider
	eth2client.BlindedProposalSubmitter
	eth2client.ValidatorRegistrationsSubmitter
	eth2client.VoluntaryExitSubmitter
	eth2client.SpecProvider
}

// localValidator is a minimal validator client holding one key, talking to the simulator through
// go-eth2-client's HTTP client exactly as a real one would.
type localValidator struct {
	t       *testing.T
	sk      *bls.SecretKey
	index   phase0.ValidatorIndex
	cl      client
	gvr     phase0.Root
	version phase0.Version
	// genesisVersion is the genesis fork version (builder registrations are signed with it).
	genesisVersion phase0.Version
}

func (v *localValidator) sign(obj signing.HashRooter, dt phase0.DomainType) phase0.BLSSignature {
	v.t.Helper()
	return v.signWith(obj, dt, v.version, v.gvr)
}

func (v *localValidator) signWith(obj signing.HashRooter, dt phase0.DomainType, version phase0.Version, gvr phase0.Root) phase0.BLSSignature {
	v.t.Helper()
	domain, err := signing.ComputeDomain(dt, version, gvr)
	if err != nil {
		v.t.Fatalf("domain: %v", err)
	}
	root, err := signing.ComputeSigningRoot(obj, domain)
	if err != nil {
		v.t.Fatalf("signing root: %v", err)
	}
	var out phase0.BLSSignature
	copy(out[:], v.sk.Sign(root[:]).Bytes())
	return out
}

type sszSlot uint64

func (s sszSlot) HashTreeRoot() ([32]byte, error) {
	var r [32]byte
	for i := range 8 {
		r[i] = byte(uint64(s) >> (8 * i))
	}
	return r, nil
}

type sszRoot phase0.Root

func (r sszRoot) HashTreeRoot() ([32]byte, error) { return r, nil }

type flowSetup struct {
	builder     bool
	dataVersion spec.DataVersion
	sim         *beaconsim.Simulator
	clock       *testClock
	val         *localValidator
}

func newFlow(t *testing.T, fulu phase0.Epoch) *flowSetup { return newFlowWith(t, fulu, false) }

func newFlowWith(t *testing.T, fulu phase0.Epoch, builder bool) *flowSetup {
	t.Helper()
	var seed [32]byte
	seed[0] = 42
	sk, err := bls.GenerateSecretKey(rand.NewChaCha8(seed))
	if err != nil {
		t.Fatal(err)
	}
	var pk phase0.BLSPubKey
	copy(pk[:], sk.PublicKey().Bytes())
	genesis := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	clock := &testClock{now: genesis.Add(-time.Second)}
	cfg := beaconsim.DefaultConfig()
	cfg.Validators = []phase0.BLSPubKey{pk}
	cfg.ExtraValidators = 7
	cfg.Seed = 1
	cfg.GenesisTime = genesis
	cfg.FuluForkEpoch = fulu
	cfg.Clock = clock
	cfg.Builder = builder
	sim, err := beaconsim.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	svc, err := eth2http.New(ctx, eth2http.WithAddress(srv.URL), eth2http.WithLogLevel(zerolog.Disabled),
		eth2http.WithTimeout(10*time.Second))
	if err != nil {
		t.Fatalf("go-eth2-client against the simulator: %v", err)
	}
	cl := svc.(client)
	g, err := cl.Genesis(ctx, &api.GenesisOpts{})
	if err != nil {
		t.Fatal(err)
	}
	fork, err := cl.Fork(ctx, &api.ForkOpts{State: "head"})
	if err != nil {
		t.Fatal(err)
	}
	version := spec.DataVersionElectra
	if fulu == 0 {
		version = spec.DataVersionFulu
	}
	return &flowSetup{builder: builder, dataVersion: version, sim: sim, clock: clock, val: &localValidator{t: t, sk: sk, index: 0, cl: cl,
		gvr: g.Data.GenesisValidatorsRoot, version: fork.Data.CurrentVersion, genesisVersion: g.Data.GenesisForkVersion}}
}

// TestValidatorFlowThroughGoEth2Client runs one locally keyed validator through every duty with
// go-eth2-client's HTTP client, on Electra and on Fulu: each duty is signed, submitted, accepted and scored
// correct, and one attestation signed with the wrong domain is rejected and scored invalid.
func TestValidatorFlowThroughGoEth2Client(t *testing.T) {
	for _, tc := range []struct {
		name    string
		fulu    phase0.Epoch
		builder bool
	}{{"electra", beaconsim.FarFutureEpoch, false}, {"fulu", 0, false}, {"electra blinded", beaconsim.FarFutureEpoch, true}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFlowWith(t, tc.fulu, tc.builder)
			ctx := context.Background()
			if tc.builder {
				f.register(ctx)
			}
			performed := map[beaconsim.DutyType]int{}
			wrongDomainTried := false
			const epochs = 4
			for slot := phase0.Slot(0); slot <= epochs*8; slot++ {
				f.clock.Set(f.sim.GenesisTime().Add(time.Duration(slot)*time.Second + 100*time.Millisecond))
				if err := f.sim.AdvanceTo(slot); err != nil {
					t.Fatal(err)
				}
				f.slotDuties(ctx, slot, performed, &wrongDomainTried)
			}
			for _, dt := range []beaconsim.DutyType{beaconsim.DutyAttestation, beaconsim.DutyAggregation,
				beaconsim.DutyProposal, beaconsim.DutySyncCommittee, beaconsim.DutySyncContribution} {
				if performed[dt] == 0 {
					t.Errorf("no %s duty happened in %d epochs: pick another seed", dt, epochs)
				}
			}
			st := f.sim.Stats()
			if len(st.Validators) != 1 {
				t.Fatalf("stats count %d validators, want only the lock-file one", len(st.Validators))
			}
			for dt, n := range performed {
				c := st.ByType[dt]
				if c.Correct != uint64(n) || c.Missed != 0 || c.Late != 0 || c.Slashable != 0 || c.Incorrect != 0 {
					t.Errorf("%s: %+v, want %d correct and nothing missed, late or slashable", dt, c, n)
				}
			}
			if got := st.ByType[beaconsim.DutyAttestation].InvalidSignatures; got != 1 {
				t.Errorf("attestation invalid signatures %d, want 1 (the wrong-domain one)", got)
			}
			wantInvalid := uint64(1)
			if tc.builder {
				wantInvalid++ // the registration signed with the wrong domain
				if got := st.ByType[beaconsim.DutyRegistration].InvalidSignatures; got != 1 {
					t.Errorf("registration invalid signatures %d, want 1", got)
				}
			}
			if st.Totals.InvalidSignatures != wantInvalid {
				t.Errorf("total invalid signatures %d, want %d", st.Totals.InvalidSignatures, wantInvalid)
			}
			if st.FinalizedEpoch < 1 {
				t.Errorf("finalized epoch %d after %d epochs of full participation", st.FinalizedEpoch, epochs)
			}
		})
	}
}

func (f *flowSetup) slotDuties(ctx context.Context, slot phase0.Slot, performed map[beaconsim.DutyType]int, wrongTried *bool) {
	t, v := f.val.t, f.val
	epoch := phase0.Epoch(slot / 8)
	proposers, err := v.cl.ProposerDuties(ctx, &api.ProposerDutiesOpts{Epoch: epoch})
	if err != nil {
		t.Fatalf("proposer duties: %v", err)
	}
	for _, d := range proposers.Data {
		if d.Slot == slot && d.ValidatorIndex == v.index {
			f.propose(ctx, slot)
			performed[beaconsim.DutyProposal]++
		}
	}
	duties, err := v.cl.AttesterDuties(ctx, &api.AttesterDutiesOpts{Epoch: epoch, Indices: []phase0.ValidatorIndex{v.index}})
	if err != nil {
		t.Fatalf("attester duties: %v", err)
	}
	for _, d := range duties.Data {
		if d.Slot != slot {
			continue
		}
		if !*wrongTried {
			f.attest(ctx, d, signing.DomainBeaconProposer, true)
			*wrongTried = true
		}
		dataRoot := f.attest(ctx, d, signing.DomainBeaconAttester, false)
		performed[beaconsim.DutyAttestation]++
		f.aggregate(ctx, d, dataRoot)
		performed[beaconsim.DutyAggregation]++
	}
	sync, err := v.cl.SyncCommitteeDuties(ctx, &api.SyncCommitteeDutiesOpts{Epoch: epoch, Indices: []phase0.ValidatorIndex{v.index}})
	if err != nil {
		t.Fatalf("sync duties: %v", err)
	}
	for _, d := range sync.Data {
		performed[beaconsim.DutySyncCommittee]++
		performed[beaconsim.DutySyncContribution] += f.syncCommittee(ctx, slot, d)
	}
}

func (f *flowSetup) propose(ctx context.Context, slot phase0.Slot) {
	t, v := f.val.t, f.val
	reveal := v.sign(sszSlot(slot/8), signing.DomainRandao)
	resp, err := v.cl.Proposal(ctx, &api.ProposalOpts{Slot: slot, RandaoReveal: reveal, Graffiti: [32]byte{'s'}})
	if err != nil {
		t.Fatalf("proposal for slot %d: %v", slot, err)
	}
	if resp.Data.Blinded {
		f.submitBlinded(ctx, slot, resp.Data)
		return
	}
	if f.builder {
		t.Fatalf("slot %d: full block from a simulated builder the validator registered with", slot)
	}
	signed := &api.VersionedSignedProposal{Version: resp.Data.Version}
	switch resp.Data.Version {
	case spec.DataVersionElectra:
		blk := resp.Data.Electra.Block
		signed.Electra = &apiv1electra.SignedBlockContents{KZGProofs: []deneb.KZGProof{}, Blobs: []deneb.Blob{},
			SignedBlock: &electra.SignedBeaconBlock{Message: blk, Signature: v.sign(blk, signing.DomainBeaconProposer)}}
	case spec.DataVersionFulu:
		blk := resp.Data.Fulu.Block
		signed.Fulu = &apiv1fulu.SignedBlockContents{KZGProofs: []deneb.KZGProof{}, Blobs: []deneb.Blob{},
			SignedBlock: &electra.SignedBeaconBlock{Message: blk, Signature: v.sign(blk, signing.DomainBeaconProposer)}}
	default:
		t.Fatalf("proposal version %s", resp.Data.Version)
	}
	if err := v.cl.SubmitProposal(ctx, &api.SubmitProposalOpts{Proposal: signed}); err != nil {
		t.Fatalf("submit proposal for slot %d: %v", slot, err)
	}
}

func (f *flowSetup) attest(ctx context.Context, d *apiv1.AttesterDuty, dt phase0.DomainType, wantReject bool) phase0.Root {
	t, v := f.val.t, f.val
	data, err := v.cl.AttestationData(ctx, &api.AttestationDataOpts{Slot: d.Slot, CommitteeIndex: d.CommitteeIndex})
	if err != nil {
		t.Fatalf("attestation data: %v", err)
	}
	bits := bitfield.NewBitlist(d.CommitteeLength)
	bits.SetBitAt(d.ValidatorCommitteeIndex, true)
	cb := bitfield.NewBitvector64()
	cb.SetBitAt(uint64(d.CommitteeIndex), true)
	att := &electra.Attestation{AggregationBits: bits, Data: data.Data, CommitteeBits: cb, Signature: v.sign(data.Data, dt)}
	version := f.dataVersion
	va := &spec.VersionedAttestation{Version: version, ValidatorIndex: &d.ValidatorIndex}
	if version == spec.DataVersionFulu {
		va.Fulu = att
	} else {
		va.Electra = att
	}
	err = v.cl.SubmitAttestations(ctx, &api.SubmitAttestationsOpts{Attestations: []*spec.VersionedAttestation{va}})
	var apiErr *api.Error
	switch {
	case wantReject && (!errors.As(err, &apiErr) || apiErr.StatusCode != 400):
		t.Fatalf("wrong-domain attestation: got %v, want a 400 error", err)
	case !wantReject && err != nil:
		t.Fatalf("submit attestation: %v", err)
	}
	root, err := data.Data.HashTreeRoot()
	if err != nil {
		t.Fatal(err)
	}
	return root
}

func (f *flowSetup) aggregate(ctx context.Context, d *apiv1.AttesterDuty, dataRoot phase0.Root) {
	t, v := f.val.t, f.val
	proof := v.sign(sszSlot(d.Slot), signing.DomainSelectionProof)
	if err := v.cl.SubmitBeaconCommitteeSubscriptions(ctx, []*apiv1.BeaconCommitteeSubscription{{
		ValidatorIndex: v.index, Slot: d.Slot, CommitteeIndex: d.CommitteeIndex, CommitteesAtSlot: d.CommitteesAtSlot,
		IsAggregator: true, // committees of 1 (minimal preset, 8 validators): modulo 1 selects everyone
	}}); err != nil {
		t.Fatalf("subscribe: %v", err)
	}
	agg, err := v.cl.AggregateAttestation(ctx, &api.AggregateAttestationOpts{Slot: d.Slot, AttestationDataRoot: dataRoot,
		CommitteeIndex: d.CommitteeIndex})
	if err != nil {
		t.Fatalf("aggregate attestation: %v", err)
	}
	var electraAtt *electra.Attestation
	switch agg.Data.Version {
	case spec.DataVersionElectra:
		electraAtt = agg.Data.Electra
	case spec.DataVersionFulu:
		electraAtt = agg.Data.Fulu
	default:
		t.Fatalf("aggregate version %s", agg.Data.Version)
	}
	msg := &electra.AggregateAndProof{AggregatorIndex: v.index, Aggregate: electraAtt, SelectionProof: proof}
	signed := &electra.SignedAggregateAndProof{Message: msg, Signature: v.sign(msg, signing.DomainAggregateAndProof)}
	vs := &spec.VersionedSignedAggregateAndProof{Version: agg.Data.Version}
	if agg.Data.Version == spec.DataVersionFulu {
		vs.Fulu = signed
	} else {
		vs.Electra = signed
	}
	if err := v.cl.SubmitAggregateAttestations(ctx, &api.SubmitAggregateAttestationsOpts{
		SignedAggregateAndProofs: []*spec.VersionedSignedAggregateAndProof{vs}}); err != nil {
		t.Fatalf("submit aggregate: %v", err)
	}
}

// syncCommittee sends the sync committee message and one contribution per subcommittee; it returns how
// many contributions it made.
func (f *flowSetup) syncCommittee(ctx context.Context, slot phase0.Slot, d *apiv1.SyncCommitteeDuty) int {
	t, v := f.val.t, f.val
	head, err := v.cl.BeaconBlockRoot(ctx, &api.BeaconBlockRootOpts{Block: "head"})
	if err != nil {
		t.Fatal(err)
	}
	root := *head.Data
	msg := &altair.SyncCommitteeMessage{Slot: slot, BeaconBlockRoot: root, ValidatorIndex: v.index,
		Signature: v.sign(sszRoot(root), signing.DomainSyncCommittee)}
	if err := v.cl.SubmitSyncCommitteeMessages(ctx, []*altair.SyncCommitteeMessage{msg}); err != nil {
		t.Fatalf("submit sync committee message: %v", err)
	}
	subs := map[uint64]bool{}
	for _, pos := range d.ValidatorSyncCommitteeIndices {
		subs[uint64(pos)/8] = true // minimal: SYNC_COMMITTEE_SIZE 32 / 4 subnets
	}
	for sub := range subs {
		selection := &altair.SyncAggregatorSelectionData{Slot: slot, SubcommitteeIndex: sub}
		proof := v.sign(selection, signing.DomainSyncCommitteeSelectionProof)
		contrib, err := v.cl.SyncCommitteeContribution(ctx, &api.SyncCommitteeContributionOpts{Slot: slot,
			SubcommitteeIndex: sub, BeaconBlockRoot: root})
		if err != nil {
			t.Fatalf("sync committee contribution: %v", err)
		}
		cp := &altair.ContributionAndProof{AggregatorIndex: v.index, Contribution: contrib.Data, SelectionProof: proof}
		signed := &altair.SignedContributionAndProof{Message: cp, Signature: v.sign(cp, signing.DomainContributionAndProof)}
		if err := v.cl.SubmitSyncCommitteeContributions(ctx, []*altair.SignedContributionAndProof{signed}); err != nil {
			t.Fatalf("submit contribution: %v", err)
		}
	}
	return len(subs)
}

// register signs and submits a builder registration (DOMAIN_APPLICATION_BUILDER: genesis fork version,
// zero genesis validators root); a copy signed with the chain's domain is rejected first.
func (f *flowSetup) register(ctx context.Context) {
	t, v := f.val.t, f.val
	var pk phase0.BLSPubKey
	copy(pk[:], v.sk.PublicKey().Bytes())
	msg := &apiv1.ValidatorRegistration{FeeRecipient: [20]byte{0xfe}, GasLimit: 36_000_000,
		Timestamp: f.sim.GenesisTime(), Pubkey: pk}
	bad := &apiv1.SignedValidatorRegistration{Message: msg, Signature: v.sign(msg, signing.DomainApplicationBuilder)}
	err := v.cl.SubmitValidatorRegistrations(ctx, []*api.VersionedSignedValidatorRegistration{{Version: spec.BuilderVersionV1, V1: bad}})
	if !is400(err) {
		t.Fatalf("registration signed with the chain's domain: got %v, want 400", err)
	}
	good := &apiv1.SignedValidatorRegistration{Message: msg,
		Signature: v.signWith(msg, signing.DomainApplicationBuilder, v.genesisVersion, phase0.Root{})}
	if err := v.cl.SubmitValidatorRegistrations(ctx, []*api.VersionedSignedValidatorRegistration{{Version: spec.BuilderVersionV1, V1: good}}); err != nil {
		t.Fatalf("registration: %v", err)
	}
}

func (f *flowSetup) submitBlinded(ctx context.Context, slot phase0.Slot, p *api.VersionedProposal) {
	t, v := f.val.t, f.val
	var blk *apiv1electra.BlindedBeaconBlock
	switch p.Version {
	case spec.DataVersionElectra:
		blk = p.ElectraBlinded
	case spec.DataVersionFulu:
		blk = p.FuluBlinded
	default:
		t.Fatalf("blinded proposal version %s", p.Version)
	}
	signed := &apiv1electra.SignedBlindedBeaconBlock{Message: blk, Signature: v.sign(blk, signing.DomainBeaconProposer)}
	vp := &api.VersionedSignedBlindedProposal{Version: p.Version}
	if p.Version == spec.DataVersionFulu {
		vp.Fulu = signed
	} else {
		vp.Electra = signed
	}
	if err := v.cl.SubmitBlindedProposal(ctx, &api.SubmitBlindedProposalOpts{Proposal: vp}); err != nil {
		t.Fatalf("submit blinded proposal for slot %d: %v", slot, err)
	}
}
