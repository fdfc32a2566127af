package beaconsim

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// FuzzSubmissionBodies posts arbitrary bodies to every submission endpoint: the simulator must answer
// 200 or 4xx, never panic or 5xx, and its chain must stay intact.
func FuzzSubmissionBodies(f *testing.F) {
	endpoints := []string{
		"/eth/v2/beacon/pool/attestations", "/eth/v2/validator/aggregate_and_proofs",
		"/eth/v1/beacon/pool/sync_committees", "/eth/v1/validator/contribution_and_proofs",
		"/eth/v2/beacon/blocks", "/eth/v2/beacon/blinded_blocks", "/eth/v1/beacon/pool/voluntary_exits",
		"/eth/v1/validator/register_validator", "/eth/v1/validator/prepare_beacon_proposer",
		"/eth/v1/validator/beacon_committee_subscriptions", "/eth/v1/validator/sync_committee_subscriptions",
		"/eth/v1/validator/duties/attester/0", "/eth/v1/validator/duties/sync/0",
		"/eth/v1/beacon/states/head/validators", "/stinger/sim/v1/faults",
	}
	f.Add(uint8(0), []byte(`[{"committee_index":"0","attester_index":"0","data":{"slot":"1","index":"0","beacon_block_root":"0x00","source":{"epoch":"0","root":"0x00"},"target":{"epoch":"0","root":"0x00"}},"signature":"0x00"}]`))
	f.Add(uint8(2), []byte(`[{"slot":"1","beacon_block_root":"0x0000000000000000000000000000000000000000000000000000000000000000","validator_index":"3","signature":"0xc0"}]`))
	f.Add(uint8(4), []byte{0, 1, 2, 3})
	f.Add(uint8(11), []byte(`["0","1","99999999999"]`))
	f.Add(uint8(14), []byte(`{"rules":[{"path_prefix":"/x","status":500}]}`))
	clock := &fakeClock{now: testGenesis.Add(1500 * time.Millisecond)}
	cfg := DefaultConfig()
	cfg.ExtraValidators, cfg.GenesisTime, cfg.Clock, cfg.Builder = 8, testGenesis, clock, true
	sim, err := New(cfg, nil)
	if err != nil {
		f.Fatal(err)
	}
	handler := sim.Handler()
	f.Fuzz(func(t *testing.T, which uint8, body []byte) {
		path := endpoints[int(which)%len(endpoints)]
		req := httptest.NewRequest(http.MethodPost, path, bytes.NewReader(body))
		req.Header.Set("Eth-Consensus-Version", "electra")
		if which%3 == 0 {
			req.Header.Set("Content-Type", "application/octet-stream")
		} else {
			req.Header.Set("Content-Type", "application/json")
		}
		rec := httptest.NewRecorder()
		handler.ServeHTTP(rec, req)
		if rec.Code >= 500 {
			t.Fatalf("%s: status %d: %s", path, rec.Code, rec.Body.String())
		}
		sim.faults.set(Faults{}) // a fuzzed fault configuration must not leak into the next input
		if st := sim.Stats(); st.HeadSlot > 1 {
			t.Fatalf("head moved to %d", st.HeadSlot)
		}
	})
}
