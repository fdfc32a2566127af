package beacon_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/api"
	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/stingerdvt/stinger/duties/beacon"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

func simServer(t *testing.T) *httptest.Server {
	t.Helper()
	cfg := beaconsim.DefaultConfig()
	cfg.ExtraValidators = 8
	cfg.Seed = 1
	cfg.GenesisTime = time.Now().Add(-time.Minute)
	sim, err := beaconsim.New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	t.Cleanup(srv.Close)
	return srv
}

// brokenServer answers every request with 503.
func brokenServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		http.Error(w, `{"code":503,"message":"down"}`, http.StatusServiceUnavailable)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// hangingServer never answers until the client gives up.
func hangingServer(t *testing.T) *httptest.Server {
	t.Helper()
	done := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		select {
		case <-r.Context().Done():
		case <-done:
		}
	}))
	t.Cleanup(func() { close(done); srv.Close() })
	return srv
}

func TestPoolFirstValidAnswerDespiteBrokenAndHangingNodes(t *testing.T) {
	good := simServer(t)
	for _, tc := range []struct {
		name  string
		addrs []string
	}{
		{"good first", []string{good.URL, brokenServer(t).URL, hangingServer(t).URL}},
		{"good last", []string{hangingServer(t).URL, brokenServer(t).URL, good.URL}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			reg := prometheus.NewRegistry()
			p, err := beacon.New(ctx, beacon.Config{Addresses: tc.addrs, Timeout: 2 * time.Second, Registerer: reg})
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			g, err := p.Genesis(ctx, &api.GenesisOpts{})
			if err != nil {
				t.Fatalf("genesis: %v", err)
			}
			if g.Data == nil || g.Data.GenesisTime.IsZero() {
				t.Fatal("empty genesis")
			}
			if d := time.Since(start); d > time.Second {
				t.Fatalf("took %v: the hanging node delayed the answer", d)
			}
			rec := httptest.NewRecorder()
			p.HealthHandler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, beacon.HealthPath, nil))
			if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"healthy":true`) {
				t.Fatalf("health handler: %d %s", rec.Code, rec.Body)
			}
			var healthy int
			for _, h := range p.Health() {
				if h.Healthy {
					healthy++
				}
			}
			if healthy != 1 {
				t.Fatalf("health %+v: want exactly the simulator healthy", p.Health())
			}
		})
	}
}

func TestPoolSubmissionSucceedsIfAnyNodeAccepts(t *testing.T) {
	ctx := context.Background()
	good, bad := simServer(t), brokenServer(t)
	prep := []*apiv1.ProposalPreparation{{ValidatorIndex: 1}}
	p, err := beacon.New(ctx, beacon.Config{Addresses: []string{bad.URL, good.URL}, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	if err := p.SubmitProposalPreparations(ctx, prep); err != nil {
		t.Fatalf("one node accepting must be enough: %v", err)
	}
	p2, err := beacon.New(ctx, beacon.Config{Addresses: []string{bad.URL}, Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	err = p2.SubmitProposalPreparations(ctx, prep)
	if err == nil || !strings.Contains(err.Error(), "refused by every beacon node") {
		t.Fatalf("got %v, want a refusal naming every node", err)
	}
}

func TestNewRefusesBadAddresses(t *testing.T) {
	for _, tc := range []struct {
		name  string
		addrs []string
	}{
		{"none", nil},
		{"no scheme", []string{"127.0.0.1:5052"}},
		{"ftp", []string{"ftp://127.0.0.1"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := beacon.New(context.Background(), beacon.Config{Addresses: tc.addrs}); err == nil {
				t.Fatal("accepted")
			}
		})
	}
}

func TestPoolSubmissionReturnsOnFirstAcceptanceDespiteAHangingNode(t *testing.T) {
	ctx := context.Background()
	good, hang := simServer(t), hangingServer(t)
	p, err := beacon.New(ctx, beacon.Config{Addresses: []string{hang.URL, good.URL}, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if err := p.SubmitProposalPreparations(ctx, []*apiv1.ProposalPreparation{{ValidatorIndex: 1}}); err != nil {
		t.Fatalf("one node accepting must be enough: %v", err)
	}
	if took := time.Since(start); took > 2*time.Second {
		t.Fatalf("submission took %s: it waited for the hanging node (timeout 5s)", took)
	}
}

// Block production gets the proposal timeout, other calls the plain one: a beacon node that takes longer
// than Timeout to build a block still delivers it.
func TestPoolProposalCallsHaveTheirOwnTimeout(t *testing.T) {
	ctx := context.Background()
	// A node that answers everything at once but never finishes a block (the genesis call hangs too).
	sim := simServer(t)
	done := make(chan struct{})
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/eth/v3/validator/blocks/") || r.URL.Path == "/eth/v1/beacon/genesis" {
			select {
			case <-r.Context().Done():
			case <-done:
			}
			return
		}
		resp, err := http.Get(sim.URL + r.URL.RequestURI())
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		defer resp.Body.Close()
		w.Header().Set("Content-Type", resp.Header.Get("Content-Type"))
		w.WriteHeader(resp.StatusCode)
		_, _ = io.Copy(w, resp.Body)
	}))
	t.Cleanup(func() { close(done); slow.Close() })
	const timeout, proposalTimeout = 200 * time.Millisecond, 1200 * time.Millisecond
	p, err := beacon.New(ctx, beacon.Config{Addresses: []string{slow.URL}, Timeout: timeout, ProposalTimeout: proposalTimeout})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name     string
		call     func() error
		min, max time.Duration
	}{
		{"genesis", func() error { _, err := p.Genesis(ctx, &api.GenesisOpts{}); return err }, timeout, proposalTimeout},
		{"proposal", func() error {
			_, err := p.Proposal(ctx, &api.ProposalOpts{Slot: 1, RandaoReveal: phase0.BLSSignature{1}})
			return err
		}, proposalTimeout, 3 * proposalTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			start := time.Now()
			if err := tc.call(); err == nil {
				t.Fatal("a hanging node answered")
			}
			if took := time.Since(start); took < tc.min || took >= tc.max {
				t.Fatalf("gave up after %s, want between %s and %s", took, tc.min, tc.max)
			}
		})
	}
}
