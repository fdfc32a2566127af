package beaconsim

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/attestantio/go-eth2-client/spec/altair"
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

// TestSyncMessageBatchRejectsOnlyTheBadItems posts one batch of sync committee messages, most of them good
// and one bad of each kind: the batch's signature check must isolate exactly the bad ones (and count the
// wrongly signed one invalid), pool the good ones, and refuse the others for their own reasons.
func TestSyncMessageBatchRejectsOnlyTheBadItems(t *testing.T) {
	// 32 scored validators whose keys only the test holds, and 32 of the simulator's own.
	keys, err := generateOwnKeys(32, seededReader(5))
	if err != nil {
		t.Fatal(err)
	}
	clock := &fakeClock{now: testGenesis}
	cfg := DefaultConfig()
	for _, sk := range keys {
		var pk phase0.BLSPubKey
		copy(pk[:], sk.PublicKey().Bytes())
		cfg.Validators = append(cfg.Validators, pk)
	}
	cfg.ExtraValidators, cfg.Preset, cfg.Seed, cfg.GenesisTime, cfg.Clock = 32, "minimal", 7, testGenesis, clock
	sim, err := New(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	const slot = phase0.Slot(3)
	clock.Set(testGenesis.Add(3*time.Second + 100*time.Millisecond))
	if err := sim.AdvanceTo(slot); err != nil {
		t.Fatal(err)
	}
	c := sim.chain
	sc, err := c.syncCommittee(c.syncPeriod(c.epochOf(slot + 1)))
	if err != nil {
		t.Fatal(err)
	}
	inCommittee := map[phase0.ValidatorIndex]bool{}
	var members []phase0.ValidatorIndex // scored members
	for _, vi := range sc {
		if !inCommittee[vi] && int(vi) < len(keys) {
			members = append(members, vi)
		}
		inCommittee[vi] = true
	}
	if len(members) < 7 {
		t.Fatalf("%d scored validators in the sync committee: pick another seed", len(members))
	}
	outsider := phase0.ValidatorIndex(0)
	for inCommittee[outsider] {
		outsider++
	}
	if int(outsider) >= len(keys) {
		t.Fatal("every scored validator is in the sync committee: pick another seed")
	}
	head := c.blockAtOrBefore(slot).root
	root, err := c.network.SigningRoot(sszRoot(head), signing.DomainSyncCommittee, c.epochOf(slot))
	if err != nil {
		t.Fatal(err)
	}
	msg := func(vi, signer phase0.ValidatorIndex, sl phase0.Slot) *altair.SyncCommitteeMessage {
		sig := keys[signer].Sign(append([]byte(nil), root[:]...))
		return &altair.SyncCommitteeMessage{Slot: sl, BeaconBlockRoot: head, ValidatorIndex: vi, Signature: toPhase0Sig(sig)}
	}
	undecodable := msg(members[4], members[4], slot)
	undecodable.Signature = phase0.BLSSignature{0x01}
	batch := []*altair.SyncCommitteeMessage{
		msg(members[0], members[0], slot),
		msg(members[1], members[1], slot),
		msg(members[2], members[3], slot), // 2: signed by another validator
		msg(members[3], members[3], slot),
		undecodable,                     // 4
		msg(outsider, outsider, slot),   // 5: not in the sync committee
		msg(members[5], members[5], 40), // 6: a future slot
		nil,                             // 7
		msg(members[6], members[6], slot),
	}
	wantBad := map[int]string{2: "invalid signature", 4: "decode signature", 5: "not in the sync committee",
		6: "not the current slot", 7: "null message"}
	before := sim.Stats().ByType[DutySyncCommittee].InvalidSignatures
	body, err := json.Marshal(batch)
	if err != nil {
		t.Fatal(err)
	}
	rec := httptest.NewRecorder()
	sim.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodPost, "/eth/v1/beacon/pool/sync_committees", bytes.NewReader(body)))
	var resp apiError
	if err := json.Unmarshal(rec.Body.Bytes(), &resp); err != nil {
		t.Fatalf("status %d body %s: %v", rec.Code, rec.Body, err)
	}
	if rec.Code != http.StatusBadRequest || len(resp.Failures) != len(wantBad) {
		t.Fatalf("status %d failures %+v, want 400 with items %v", rec.Code, resp.Failures, wantBad)
	}
	for _, f := range resp.Failures {
		if want, ok := wantBad[f.Index]; !ok || !strings.Contains(f.Message, want) {
			t.Errorf("failure %d %q, want %q", f.Index, f.Message, want)
		}
	}
	if got := sim.Stats().ByType[DutySyncCommittee].InvalidSignatures - before; got != 2 {
		t.Errorf("%d more invalid sync committee signatures, want 2 (the wrongly signed and the undecodable)", got)
	}
	pooled := sim.pools.sync[syncKey{slot, head}]
	for i, m := range batch {
		if _, bad := wantBad[i]; bad {
			continue
		}
		if _, ok := pooled[m.ValidatorIndex]; !ok {
			t.Errorf("item %d (validator %d) not pooled", i, m.ValidatorIndex)
		}
	}
	if _, ok := pooled[members[2]]; ok {
		t.Errorf("the wrongly signed message of validator %d was pooled", members[2])
	}
}
