package beaconsim_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	eth2client "github.com/attestantio/go-eth2-client"
	"github.com/attestantio/go-eth2-client/api"
	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	eth2http "github.com/attestantio/go-eth2-client/http"
	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/rs/zerolog"

	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

// ownOnlySim is a simulator of 1 idle lock-file validator and 31 of its own, served over HTTP.
func ownOnlySim(t *testing.T) (*beaconsim.Simulator, *testClock, string) {
	t.Helper()
	f := newFlow(t, beaconsim.FarFutureEpoch)
	srv := httptest.NewServer(f.sim.Handler())
	t.Cleanup(srv.Close)
	return f.sim, f.clock, srv.URL
}

func advance(t *testing.T, sim *beaconsim.Simulator, clock *testClock, slot phase0.Slot) {
	t.Helper()
	clock.Set(sim.GenesisTime().Add(time.Duration(slot)*time.Second + 100*time.Millisecond))
	if err := sim.AdvanceTo(slot); err != nil {
		t.Fatal(err)
	}
}

func TestStatsEndpointFormat(t *testing.T) {
	sim, clock, url := ownOnlySim(t)
	advance(t, sim, clock, 17)
	resp, err := http.Get(url + "/stinger/sim/v1/stats")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st map[string]json.RawMessage
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"head_slot", "justified_epoch", "finalized_epoch"} {
		var n uint64
		if err := json.Unmarshal(st[k], &n); err != nil {
			t.Errorf("%s = %s: want a number: %v", k, st[k], err)
		}
	}
	counterKeys := []string{"expected", "correct", "missed", "late", "invalid_signatures", "slashable"}
	hasCounters := func(where string, raw json.RawMessage) {
		var c map[string]json.RawMessage
		if err := json.Unmarshal(raw, &c); err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		for _, k := range counterKeys {
			var n uint64
			if err := json.Unmarshal(c[k], &n); err != nil {
				t.Errorf("%s.%s = %s: want a number", where, k, c[k])
			}
		}
	}
	hasCounters("totals", st["totals"])
	var byType map[string]json.RawMessage
	if err := json.Unmarshal(st["by_type"], &byType); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"attestation", "aggregation", "proposal", "sync_committee", "sync_contribution"} {
		hasCounters("by_type."+k, byType[k])
	}
	var validators map[string]json.RawMessage
	if err := json.Unmarshal(st["validators"], &validators); err != nil {
		t.Fatal(err)
	}
	if len(validators) != 1 {
		t.Fatalf("%d validators scored, want the 1 lock-file validator only", len(validators))
	}
	for pk, raw := range validators {
		if !strings.HasPrefix(pk, "0x") || len(pk) != 98 {
			t.Errorf("validator key %q: want a 0x 48-byte public key", pk)
		}
		hasCounters("validators."+pk, raw)
	}
	// The idle lock-file validator missed its attestations of epochs 0 and 1.
	var decoded beaconsim.Stats
	if err := json.Unmarshal(mustJSON(t, st), &decoded); err != nil {
		t.Fatal(err)
	}
	if decoded.ByType[beaconsim.DutyAttestation].Missed < 1 {
		t.Errorf("idle validator: %+v, want missed attestations", decoded.ByType[beaconsim.DutyAttestation])
	}
	fetched, err := beaconsim.FetchStats(context.Background(), nil, url)
	if err != nil {
		t.Fatal(err)
	}
	if fetched.HeadSlot != decoded.HeadSlot || fetched.Totals != decoded.Totals {
		t.Errorf("FetchStats %+v differs from the raw JSON %+v", fetched.Totals, decoded.Totals)
	}
	var table bytes.Buffer
	if err := beaconsim.FormatScore(&table, fetched); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"attestation", "sync_contribution", "total", "head slot"} {
		if !strings.Contains(table.String(), want) {
			t.Errorf("score table lacks %q:\n%s", want, table.String())
		}
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func postJSON(t *testing.T, url string, v any) *http.Response {
	t.Helper()
	resp, err := http.Post(url, "application/json", bytes.NewReader(mustJSON(t, v)))
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestFaultInjection(t *testing.T) {
	for _, tc := range []struct {
		name   string
		faults beaconsim.Faults
		check  func(t *testing.T, url string)
	}{
		{
			name:   "5xx on a chosen endpoint, once",
			faults: beaconsim.Faults{Rules: []beaconsim.FaultRule{{PathPrefix: "/eth/v1/node/version", Status: 503, Count: 1}}},
			check: func(t *testing.T, url string) {
				if code := get(t, url+"/eth/v1/node/version", time.Second); code != 503 {
					t.Errorf("first call: %d, want 503", code)
				}
				if code := get(t, url+"/eth/v1/node/version", time.Second); code != 200 {
					t.Errorf("second call: %d, want 200 (count exhausted)", code)
				}
				if code := get(t, url+"/eth/v1/beacon/genesis", time.Second); code != 200 {
					t.Errorf("other endpoint: %d, want 200", code)
				}
			},
		},
		{
			name:   "timeout on a chosen endpoint",
			faults: beaconsim.Faults{Rules: []beaconsim.FaultRule{{PathPrefix: "/eth/v1/beacon/genesis", Timeout: true}}},
			check: func(t *testing.T, url string) {
				if code := get(t, url+"/eth/v1/beacon/genesis", 200*time.Millisecond); code != -1 {
					t.Errorf("got %d, want a client timeout", code)
				}
				if code := get(t, url+"/eth/v1/node/version", time.Second); code != 200 {
					t.Errorf("other endpoint: %d, want 200", code)
				}
			},
		},
		{
			name:   "report syncing",
			faults: beaconsim.Faults{Syncing: true},
			check: func(t *testing.T, url string) {
				if code := get(t, url+"/eth/v1/node/health", time.Second); code != 206 {
					t.Errorf("health %d, want 206", code)
				}
				svc, err := eth2http.New(context.Background(), eth2http.WithAddress(url),
					eth2http.WithLogLevel(zerolog.Disabled))
				if err != nil {
					t.Fatal(err)
				}
				st, err := svc.(eth2client.NodeSyncingProvider).NodeSyncing(context.Background(), &api.NodeSyncingOpts{})
				if err != nil {
					t.Fatal(err)
				}
				if !st.Data.IsSyncing {
					t.Error("node syncing reports synced")
				}
			},
		},
		{
			name:   "go silent",
			faults: beaconsim.Faults{Silent: true},
			check: func(t *testing.T, url string) {
				if code := get(t, url+"/eth/v1/node/version", 200*time.Millisecond); code != -1 {
					t.Errorf("got %d, want no answer", code)
				}
				if code := get(t, url+"/stinger/sim/v1/stats", time.Second); code != 200 {
					t.Errorf("admin route %d, want 200 while silent", code)
				}
			},
		},
		{
			name:   "latency",
			faults: beaconsim.Faults{Latency: beaconsim.Duration(150 * time.Millisecond)},
			check: func(t *testing.T, url string) {
				start := time.Now()
				if code := get(t, url+"/eth/v1/node/version", 2*time.Second); code != 200 {
					t.Errorf("got %d", code)
				}
				if d := time.Since(start); d < 150*time.Millisecond {
					t.Errorf("answered in %s, want >= 150ms", d)
				}
			},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, url := ownOnlySim(t)
			resp := postJSON(t, url+"/stinger/sim/v1/faults", tc.faults)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Fatalf("set faults: %d", resp.StatusCode)
			}
			tc.check(t, url)
		})
	}
}

func TestFaultConfigRejectsBadStatus(t *testing.T) {
	_, _, url := ownOnlySim(t)
	resp := postJSON(t, url+"/stinger/sim/v1/faults", beaconsim.Faults{Rules: []beaconsim.FaultRule{{Status: 200}}})
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 400 || !strings.Contains(string(body), "status 200") {
		t.Errorf("got %d %s, want 400 naming the status", resp.StatusCode, body)
	}
}

// get returns the status code, or -1 if the client timed out.
func get(t *testing.T, url string, timeout time.Duration) int {
	t.Helper()
	cl := &http.Client{Timeout: timeout}
	resp, err := cl.Get(url)
	if err != nil {
		var ne interface{ Timeout() bool }
		if errors.As(err, &ne) && ne.Timeout() {
			return -1
		}
		t.Fatalf("GET %s: %v", url, err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

func TestReorgAndEventsStream(t *testing.T) {
	sim, clock, url := ownOnlySim(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	svc, err := eth2http.New(ctx, eth2http.WithAddress(url), eth2http.WithLogLevel(zerolog.Disabled))
	if err != nil {
		t.Fatal(err)
	}
	var heads, blocks, finalized atomic.Int64
	err = svc.(eth2client.EventsProvider).Events(ctx, &api.EventsOpts{
		Topics:       []string{"head", "block", "finalized_checkpoint"},
		HeadHandler:  func(context.Context, *apiv1.HeadEvent) { heads.Add(1) },
		BlockHandler: func(context.Context, *apiv1.BlockEvent) { blocks.Add(1) },
		FinalizedCheckpointHandler: func(context.Context, *apiv1.FinalizedCheckpointEvent) {
			finalized.Add(1)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1500 * time.Millisecond) // go-eth2-client connects the stream after one second
	for slot := phase0.Slot(1); slot <= 5*8; slot++ {
		advance(t, sim, clock, slot)
	}
	before := sim.Stats().HeadSlot
	resp := postJSON(t, url+"/stinger/sim/v1/reorg", struct{}{})
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("reorg: %d", resp.StatusCode)
	}
	if after := sim.Stats().HeadSlot; after >= before {
		t.Errorf("head slot %d after reorg, was %d", after, before)
	}
	deadline := time.Now().Add(3 * time.Second)
	for time.Now().Before(deadline) && (finalized.Load() == 0 || heads.Load() < 10) {
		time.Sleep(50 * time.Millisecond)
	}
	if heads.Load() < 10 || blocks.Load() < 10 || finalized.Load() == 0 {
		t.Errorf("events: %d head, %d block, %d finalized_checkpoint", heads.Load(), blocks.Load(), finalized.Load())
	}
}

// TestDutyEndpointsAgreeWithCommittees checks that attester and sync duties match the committees and
// sync committee the state endpoints list, for every validator.
func TestDutyEndpointsAgreeWithCommittees(t *testing.T) {
	f := newFlow(t, beaconsim.FarFutureEpoch)
	ctx := context.Background()
	advance(t, f.sim, f.clock, 9)
	svc := f.val.cl.(interface {
		eth2client.BeaconCommitteesProvider
		eth2client.SyncCommitteesProvider
	})
	epoch := phase0.Epoch(1)
	committees, err := svc.BeaconCommittees(ctx, &api.BeaconCommitteesOpts{State: "head", Epoch: &epoch})
	if err != nil {
		t.Fatal(err)
	}
	all := []phase0.ValidatorIndex{0, 1, 2, 3, 4, 5, 6, 7}
	duties, err := f.val.cl.AttesterDuties(ctx, &api.AttesterDutiesOpts{Epoch: epoch, Indices: all})
	if err != nil {
		t.Fatal(err)
	}
	if len(duties.Data) != len(all) {
		t.Fatalf("%d attester duties, want %d", len(duties.Data), len(all))
	}
	for _, d := range duties.Data {
		found := false
		for _, c := range committees.Data {
			if c.Slot == d.Slot && c.Index == d.CommitteeIndex && uint64(len(c.Validators)) == d.CommitteeLength &&
				c.Validators[d.ValidatorCommitteeIndex] == d.ValidatorIndex {
				found = true
			}
		}
		if !found {
			t.Errorf("duty %+v not in the committees endpoint", d)
		}
	}
	sc, err := svc.SyncCommittee(ctx, &api.SyncCommitteeOpts{State: "head"})
	if err != nil {
		t.Fatal(err)
	}
	sync, err := f.val.cl.SyncCommitteeDuties(ctx, &api.SyncCommitteeDutiesOpts{Epoch: epoch, Indices: all})
	if err != nil {
		t.Fatal(err)
	}
	positions := 0
	for _, d := range sync.Data {
		for _, p := range d.ValidatorSyncCommitteeIndices {
			positions++
			if sc.Data.Validators[p] != d.ValidatorIndex {
				t.Errorf("sync duty of %d at position %d, committee has %d", d.ValidatorIndex, p, sc.Data.Validators[p])
			}
		}
	}
	if positions != len(sc.Data.Validators) || len(sc.Data.ValidatorAggregates) != 4 {
		t.Errorf("sync duties cover %d positions of %d; %d aggregates", positions, len(sc.Data.Validators), len(sc.Data.ValidatorAggregates))
	}
}

// TestBlockAndHeaderEndpointsAgree fetches the head block (SSZ, as go-eth2-client prefers), its header and
// its root, and checks they describe the same block; balances are served for every validator.
func TestBlockAndHeaderEndpointsAgree(t *testing.T) {
	f := newFlow(t, beaconsim.FarFutureEpoch)
	ctx := context.Background()
	advance(t, f.sim, f.clock, 10)
	svc := f.val.cl.(interface {
		eth2client.SignedBeaconBlockProvider
		eth2client.BeaconBlockHeadersProvider
		eth2client.ValidatorBalancesProvider
	})
	blk, err := svc.SignedBeaconBlock(ctx, &api.SignedBeaconBlockOpts{Block: "head"})
	if err != nil {
		t.Fatal(err)
	}
	root, err := blk.Data.Root()
	if err != nil {
		t.Fatal(err)
	}
	hdr, err := svc.BeaconBlockHeader(ctx, &api.BeaconBlockHeaderOpts{Block: "head"})
	if err != nil {
		t.Fatal(err)
	}
	headRoot, err := f.val.cl.BeaconBlockRoot(ctx, &api.BeaconBlockRootOpts{Block: "head"})
	if err != nil {
		t.Fatal(err)
	}
	hdrRoot, err := hdr.Data.Header.Message.HashTreeRoot()
	if err != nil {
		t.Fatal(err)
	}
	if root != hdr.Data.Root || root != *headRoot.Data || root != hdrRoot {
		t.Errorf("block %#x, header %#x (hashes to %#x), root %#x", root, hdr.Data.Root, hdrRoot, *headRoot.Data)
	}
	bal, err := svc.ValidatorBalances(ctx, &api.ValidatorBalancesOpts{State: "head", Indices: []phase0.ValidatorIndex{0, 7}})
	if err != nil {
		t.Fatal(err)
	}
	if len(bal.Data) != 2 || bal.Data[7] != 32_000_000_000 {
		t.Errorf("balances %v", bal.Data)
	}
}
