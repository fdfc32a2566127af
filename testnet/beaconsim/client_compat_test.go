package beaconsim

import (
	"context"
	"net/http/httptest"
	"testing"
	"time"

	eth2client "github.com/attestantio/go-eth2-client"
	"github.com/attestantio/go-eth2-client/api"
	eth2http "github.com/attestantio/go-eth2-client/http"
	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/rs/zerolog"

	"github.com/stingerdvt/stinger/eth2/signing"
)

// TestGoEth2ClientDerivesTheSimulatorsDomainsAndSpec checks that go-eth2-client, from the simulator's
// genesis, spec and fork schedule endpoints alone, computes the very domains the judge verifies with,
// across an Electra -> Fulu fork, and reads the chain parameters correctly.
func TestGoEth2ClientDerivesTheSimulatorsDomainsAndSpec(t *testing.T) {
	clock := &fakeClock{now: testGenesis}
	cfg := DefaultConfig()
	cfg.ExtraValidators, cfg.GenesisTime, cfg.Clock, cfg.FuluForkEpoch = 8, testGenesis, clock, 2
	cfg.SlotDuration = 2 * time.Second
	sim, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	ctx := context.Background()
	svc, err := eth2http.New(ctx, eth2http.WithAddress(srv.URL), eth2http.WithLogLevel(zerolog.Disabled))
	if err != nil {
		t.Fatal(err)
	}
	type provider interface {
		eth2client.DomainProvider
		eth2client.SlotDurationProvider
		eth2client.SlotsPerEpochProvider
		eth2client.FarFutureEpochProvider
		eth2client.TargetAggregatorsPerCommitteeProvider
		eth2client.DepositContractProvider
		eth2client.NodeVersionProvider
		eth2client.NodePeersProvider
	}
	cl := svc.(provider)
	for _, dt := range []phase0.DomainType{signing.DomainBeaconProposer, signing.DomainBeaconAttester,
		signing.DomainRandao, signing.DomainSelectionProof, signing.DomainAggregateAndProof,
		signing.DomainSyncCommittee, signing.DomainSyncCommitteeSelectionProof, signing.DomainContributionAndProof} {
		for _, epoch := range []phase0.Epoch{0, 1, 2, 7} {
			got, err := cl.Domain(ctx, dt, epoch)
			if err != nil {
				t.Fatal(err)
			}
			want, err := sim.chain.network.Domain(dt, epoch)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("domain %#x at epoch %d: client %#x, simulator %#x", dt, epoch, got, want)
			}
		}
	}
	builder, err := cl.(eth2client.DomainProvider).GenesisDomain(ctx, signing.DomainApplicationBuilder)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := sim.chain.network.Domain(signing.DomainApplicationBuilder, 0); builder != want {
		t.Errorf("builder domain: client %#x, simulator %#x", builder, want)
	}
	//lint:ignore SA1019 validator clients still call the deprecated helpers; they must agree with Spec.
	if d, err := cl.SlotDuration(ctx); err != nil || d != 2*time.Second {
		t.Errorf("slot duration %s, %v", d, err)
	}
	//lint:ignore SA1019 validator clients still call the deprecated helpers; they must agree with Spec.
	if n, err := cl.SlotsPerEpoch(ctx); err != nil || n != 8 {
		t.Errorf("slots per epoch %d, %v", n, err)
	}
	if e, err := cl.FarFutureEpoch(ctx); err != nil || e != FarFutureEpoch {
		t.Errorf("far future epoch %d, %v", e, err)
	}
	//lint:ignore SA1019 validator clients still call the deprecated helpers; they must agree with Spec.
	if n, err := cl.TargetAggregatorsPerCommittee(ctx); err != nil || n != 16 {
		t.Errorf("target aggregators %d, %v", n, err)
	}
	dc, err := cl.DepositContract(ctx, &api.DepositContractOpts{})
	if err != nil || dc.Data.ChainID != 1337 || len(dc.Data.Address) != 20 {
		t.Errorf("deposit contract %+v, %v", dc, err)
	}
	v, err := cl.NodeVersion(ctx, &api.NodeVersionOpts{})
	if err != nil || v.Data != Version {
		t.Errorf("node version %v, %v", v, err)
	}
	if _, err := cl.NodePeers(ctx, &api.NodePeersOpts{}); err != nil {
		t.Errorf("node peers: %v", err)
	}
}
