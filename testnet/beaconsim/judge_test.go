package beaconsim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/spec/electra"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/signing"
)

// TestAttestationBatchRejectsOnlyTheBadItem posts one batch of single attestations where one is signed
// with the wrong domain: the batch check must isolate exactly that item and pool the others.
func TestAttestationBatchRejectsOnlyTheBadItem(t *testing.T) {
	sim, clock := newOwnSim(t, 64, "minimal")
	clock.Set(testGenesis.Add(3*time.Second + 100*time.Millisecond))
	if err := sim.AdvanceTo(3); err != nil {
		t.Fatal(err)
	}
	c := sim.chain
	const slot = phase0.Slot(3)
	committee, err := c.committee(slot, 1)
	if err != nil {
		t.Fatal(err)
	}
	data := c.attestationData(slot)
	good, err := c.network.SigningRoot(data, signing.DomainBeaconAttester, data.Target.Epoch)
	if err != nil {
		t.Fatal(err)
	}
	wrong, err := c.network.SigningRoot(data, signing.DomainSelectionProof, data.Target.Epoch)
	if err != nil {
		t.Fatal(err)
	}
	const badItem = 2
	var atts []*electra.SingleAttestation
	for i, vi := range committee {
		root := good
		if i == badItem {
			root = wrong
		}
		sig, err := sim.keys.sign(vi, root)
		if err != nil {
			t.Fatal(err)
		}
		atts = append(atts, &electra.SingleAttestation{CommitteeIndex: 1, AttesterIndex: vi, Data: data, Signature: toPhase0Sig(sig)})
	}
	body, err := json.Marshal(atts)
	if err != nil {
		t.Fatal(err)
	}
	req := httptest.NewRequest(http.MethodPost, "/eth/v2/beacon/pool/attestations", bytes.NewReader(body))
	req.Header.Set("Eth-Consensus-Version", "electra")
	rec := httptest.NewRecorder()
	sim.Handler().ServeHTTP(rec, req)
	var resp apiError
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("status %d body %s: %v", rec.Code, rec.Body, err)
	}
	if rec.Code != 400 || len(resp.Failures) != 1 || resp.Failures[0].Index != badItem {
		t.Fatalf("status %d failures %+v, want 400 with only item %d", rec.Code, resp.Failures, badItem)
	}
	root, _ := data.HashTreeRoot()
	if got := len(sim.pools.atts[root].sigs[1]); got != len(committee)-1 {
		t.Errorf("%d attestations pooled for committee 1, want %d", got, len(committee)-1)
	}
}

// TestClockDisparity accepts a message up to 500 ms before its slot starts, and not earlier.
func TestClockDisparity(t *testing.T) {
	for _, tc := range []struct {
		early time.Duration
		want  int
	}{{300 * time.Millisecond, 200}, {700 * time.Millisecond, 400}} {
		t.Run(tc.early.String(), func(t *testing.T) {
			sim, clock := newOwnSim(t, 64, "minimal")
			const slot = phase0.Slot(5)
			clock.Set(testGenesis.Add(time.Duration(slot)*time.Second - tc.early))
			if err := sim.AdvanceTo(sim.CurrentSlot()); err != nil {
				t.Fatal(err)
			}
			c := sim.chain
			committee, err := c.committee(slot, 0)
			if err != nil {
				t.Fatal(err)
			}
			data := c.attestationData(slot)
			root, err := c.network.SigningRoot(data, signing.DomainBeaconAttester, data.Target.Epoch)
			if err != nil {
				t.Fatal(err)
			}
			sig, err := sim.keys.sign(committee[0], root)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := json.Marshal([]*electra.SingleAttestation{{CommitteeIndex: 0, AttesterIndex: committee[0], Data: data,
				Signature: toPhase0Sig(sig)}})
			req := httptest.NewRequest(http.MethodPost, "/eth/v2/beacon/pool/attestations", bytes.NewReader(body))
			req.Header.Set("Eth-Consensus-Version", "fulu")
			rec := httptest.NewRecorder()
			sim.Handler().ServeHTTP(rec, req)
			if rec.Code != tc.want {
				t.Errorf("%s early: status %d (%s), want %d", tc.early, rec.Code, rec.Body, tc.want)
			}
		})
	}
}
