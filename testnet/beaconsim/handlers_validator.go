package beaconsim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	apiv1electra "github.com/attestantio/go-eth2-client/api/v1/electra"
	apiv1fulu "github.com/attestantio/go-eth2-client/api/v1/fulu"
	"github.com/attestantio/go-eth2-client/spec"
	"github.com/attestantio/go-eth2-client/spec/deneb"
	"github.com/attestantio/go-eth2-client/spec/phase0"

	"github.com/stingerdvt/stinger/eth2/signing"
)

// dependentRoot is the root of the last block of epoch-1 (genesis for epoch 0): the block on which
// epoch's proposer shuffling depends, and epoch+1's attester shuffling.
func (c *chain) dependentRoot(epoch phase0.Epoch) phase0.Root {
	if epoch == 0 {
		return c.genesis.root
	}
	return c.blockAtOrBefore(c.startSlot(epoch) - 1).root
}

// catchUp processes slots up to the clock's current slot, so answers never lag the ticker.
func (s *Simulator) catchUp() error {
	return s.AdvanceTo(s.CurrentSlot())
}

func (s *Simulator) routeValidator(mux *http.ServeMux) {
	mux.HandleFunc("POST /eth/v1/validator/duties/attester/{epoch}", s.handleAttesterDuties)
	mux.HandleFunc("GET /eth/v1/validator/duties/proposer/{epoch}", s.handleProposerDuties)
	mux.HandleFunc("POST /eth/v1/validator/duties/sync/{epoch}", s.handleSyncDuties)
	mux.HandleFunc("GET /eth/v1/validator/attestation_data", s.handleAttestationData)
	mux.HandleFunc("GET /eth/v2/validator/aggregate_attestation", s.handleAggregateAttestation)
	mux.HandleFunc("GET /eth/v3/validator/blocks/{slot}", s.handleProduceBlock)
	mux.HandleFunc("GET /eth/v1/validator/sync_committee_contribution", s.handleContribution)
}

// requestEpoch parses the {epoch} path value and checks it is at most one epoch ahead.
func (s *Simulator) requestEpoch(w http.ResponseWriter, r *http.Request) (phase0.Epoch, bool) {
	if err := s.catchUp(); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return 0, false
	}
	n, err := pathUint(r, "epoch")
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return 0, false
	}
	current := s.chain.epochOf(s.CurrentSlot())
	if phase0.Epoch(n) > current+1 {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("epoch %d: at most current epoch %d + 1", n, current))
		return 0, false
	}
	return phase0.Epoch(n), true
}

// requestEpochIndices reads a duty request's epoch (path) and validator indices (body); on a bad one it
// answers 400 and returns false.
func (s *Simulator) requestEpochIndices(w http.ResponseWriter, r *http.Request) (phase0.Epoch, []phase0.ValidatorIndex, bool) {
	epoch, ok := s.requestEpoch(w, r)
	if !ok {
		return 0, nil, false
	}
	indices, err := parseIndices(r)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return 0, nil, false
	}
	return epoch, indices, true
}

func (s *Simulator) handleAttesterDuties(w http.ResponseWriter, r *http.Request) {
	epoch, indices, ok := s.requestEpochIndices(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chain
	d, err := c.duties(epoch)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	out := make([]*apiv1.AttesterDuty, 0, len(indices))
	for _, vi := range indices {
		if int(vi) >= len(c.validators) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("validator index %d: unknown (registry has %d)", vi, len(c.validators)))
			return
		}
		a, ok := d.attester[vi]
		if !ok {
			continue // not active
		}
		out = append(out, &apiv1.AttesterDuty{PubKey: c.validators[vi].pubKey, Slot: a.slot, ValidatorIndex: vi,
			CommitteeIndex: a.committeeIndex, CommitteeLength: a.committeeLength,
			CommitteesAtSlot: d.committeesAtSlot, ValidatorCommitteeIndex: a.position})
	}
	dep := c.dependentRoot(epoch - min(epoch, 1))
	writeJSON(w, http.StatusOK, dataResponse{DependentRoot: fmt.Sprintf("%#x", dep[:]), Data: out})
}

func (s *Simulator) handleProposerDuties(w http.ResponseWriter, r *http.Request) {
	epoch, ok := s.requestEpoch(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chain
	d, err := c.duties(epoch)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	out := make([]*apiv1.ProposerDuty, 0, len(d.proposers))
	for i, vi := range d.proposers {
		slot := c.startSlot(epoch) + phase0.Slot(i)
		if slot == 0 {
			continue
		}
		out = append(out, &apiv1.ProposerDuty{PubKey: c.validators[vi].pubKey, Slot: slot, ValidatorIndex: vi})
	}
	dep := c.dependentRoot(epoch)
	writeJSON(w, http.StatusOK, dataResponse{DependentRoot: fmt.Sprintf("%#x", dep[:]), Data: out})
}

func (s *Simulator) handleSyncDuties(w http.ResponseWriter, r *http.Request) {
	epoch, indices, ok := s.requestEpochIndices(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chain
	out := make([]*apiv1.SyncCommitteeDuty, 0)
	for _, vi := range indices {
		if int(vi) >= len(c.validators) {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("validator index %d: unknown", vi))
			return
		}
		positions, err := c.syncPositions(c.syncPeriod(epoch), vi)
		if err != nil {
			writeError(w, http.StatusInternalServerError, err.Error())
			return
		}
		if len(positions) == 0 {
			continue
		}
		duty := &apiv1.SyncCommitteeDuty{PubKey: c.validators[vi].pubKey, ValidatorIndex: vi}
		for _, p := range positions {
			duty.ValidatorSyncCommitteeIndices = append(duty.ValidatorSyncCommitteeIndices, phase0.CommitteeIndex(p))
		}
		out = append(out, duty)
	}
	writeData(w, out)
}

func (s *Simulator) handleAttestationData(w http.ResponseWriter, r *http.Request) {
	if err := s.catchUp(); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	slot, err := queryUint(r, "slot")
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	ci, err := queryUint(r, "committee_index")
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.chain
	if phase0.Slot(slot) > s.CurrentSlot() || phase0.Slot(slot)+phase0.Slot(c.preset.SlotsPerEpoch) < s.CurrentSlot() {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("slot %d: outside [current slot %d - SLOTS_PER_EPOCH, current slot]", slot, s.CurrentSlot()))
		return
	}
	if _, err := c.committee(phase0.Slot(slot), phase0.CommitteeIndex(ci)); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	writeData(w, c.attestationData(phase0.Slot(slot)))
}

func (s *Simulator) handleAggregateAttestation(w http.ResponseWriter, r *http.Request) {
	root, err := queryRoot(r, "attestation_data_root")
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	slot, err := queryUint(r, "slot")
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	ci, err := queryUint(r, "committee_index")
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	att, err := s.chain.aggregateFor(s.pools, root, phase0.CommitteeIndex(ci))
	switch {
	case err != nil:
		writeError(w, http.StatusBadRequest, err.Error())
		return
	case att == nil || att.Data.Slot != phase0.Slot(slot):
		writeError(w, http.StatusNotFound, "no attestation known for this data root, slot and committee")
		return
	}
	version := versionName(s.chain.dataVersion(phase0.Slot(slot)))
	w.Header().Set("Eth-Consensus-Version", version)
	writeJSON(w, http.StatusOK, dataResponse{Version: version, Data: att})
}

func (s *Simulator) handleContribution(w http.ResponseWriter, r *http.Request) {
	slot, err := queryUint(r, "slot")
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	sub, err := queryUint(r, "subcommittee_index")
	if err != nil || sub >= SyncCommitteeSubnetCount {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("subcommittee_index: want 0-%d", SyncCommitteeSubnetCount-1))
		return
	}
	root, err := queryRoot(r, "beacon_block_root")
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	contrib, err := s.chain.contribution(s.pools, phase0.Slot(slot), sub, root)
	switch {
	case err != nil:
		writeError(w, http.StatusInternalServerError, err.Error())
	case contrib == nil:
		writeError(w, http.StatusNotFound, "no sync committee message known for this slot, subcommittee and root")
	default:
		writeData(w, contrib)
	}
}

func (s *Simulator) handleProduceBlock(w http.ResponseWriter, r *http.Request) {
	if err := s.catchUp(); err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	n, err := pathUint(r, "slot")
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	slot := phase0.Slot(n)
	revealBytes, err := decodeHex(r.URL.Query().Get("randao_reveal"))
	if err != nil || len(revealBytes) != 96 {
		writeError(w, http.StatusBadRequest, "randao_reveal: want 0x-prefixed 96-byte hex")
		return
	}
	var reveal phase0.BLSSignature
	copy(reveal[:], revealBytes)
	var graffiti [32]byte
	if g := r.URL.Query().Get("graffiti"); g != "" {
		b, err := decodeHex(g)
		if err != nil || len(b) > 32 {
			writeError(w, http.StatusBadRequest, "graffiti: want 0x-prefixed hex of at most 32 bytes")
			return
		}
		copy(graffiti[:], b)
	}
	if slot > s.latestAcceptableSlot() {
		writeError(w, http.StatusBadRequest, fmt.Sprintf("slot %d: in the future (current slot %d)", slot, s.CurrentSlot()))
		return
	}
	if err := s.AdvanceTo(slot); err != nil { // a request up to maxClockDisparity early starts the slot early
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	s.mu.Lock()
	proposer, err := s.chain.proposer(slot)
	s.mu.Unlock()
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	epoch := s.chain.epochOf(slot)
	_, skip := r.URL.Query()["skip_randao_verification"]
	if skip && reveal != infinitySignature() {
		writeError(w, http.StatusBadRequest, "skip_randao_verification: randao_reveal must be the point at infinity")
		return
	}
	if msg := s.checkSignature(proposer, sszUint64(epoch), signing.DomainRandao, epoch, reveal); !skip && msg != "" {
		s.mu.Lock()
		s.score.invalid(proposer, DutyProposal)
		s.mu.Unlock()
		writeError(w, http.StatusBadRequest, "randao_reveal: "+msg)
		return
	}
	s.mu.Lock()
	p, err := s.buildBlock(slot, reveal, graffiti)
	version := s.chain.dataVersion(slot)
	blinded := s.wantsBlinded(proposer, r)
	s.mu.Unlock()
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if blinded {
		s.writeBlindedProposal(w, r, p)
		return
	}
	s.writeProposal(w, r, version, p)
}

// writeProposal answers produce block v3 with full block contents, as SSZ when the client prefers it.
func (s *Simulator) writeProposal(w http.ResponseWriter, r *http.Request, version spec.DataVersion, p *producedBlock) {
	h := w.Header()
	h.Set("Eth-Consensus-Version", versionName(version))
	h.Set("Eth-Execution-Payload-Blinded", "false")
	h.Set("Eth-Execution-Payload-Value", "0")
	h.Set("Eth-Consensus-Block-Value", "0")
	var contents interface {
		MarshalSSZ() ([]byte, error)
	}
	if version == spec.DataVersionFulu {
		contents = &apiv1fulu.BlockContents{Block: p.block, KZGProofs: []deneb.KZGProof{}, Blobs: []deneb.Blob{}}
	} else {
		contents = &apiv1electra.BlockContents{Block: p.block, KZGProofs: []deneb.KZGProof{}, Blobs: []deneb.Blob{}}
	}
	if prefersSSZ(r.Header.Get("Accept")) {
		body, err := contents.MarshalSSZ()
		if err != nil {
			writeError(w, http.StatusInternalServerError, fmt.Sprintf("encode block: %v", err))
			return
		}
		h.Set("Content-Type", "application/octet-stream")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"version": versionName(version), "execution_payload_blinded": false, "execution_payload_value": "0",
		"consensus_block_value": "0", "data": contents,
	})
}

// prefersSSZ reports whether an Accept header ranks application/octet-stream at least as high as JSON.
func prefersSSZ(accept string) bool {
	q := func(media string) float64 {
		best := -1.0
		for _, part := range strings.Split(accept, ",") {
			fields := strings.Split(strings.TrimSpace(part), ";")
			if strings.TrimSpace(fields[0]) != media {
				continue
			}
			v := 1.0
			for _, f := range fields[1:] {
				if qs, ok := strings.CutPrefix(strings.TrimSpace(f), "q="); ok {
					if parsed, err := strconv.ParseFloat(qs, 64); err == nil {
						v = parsed
					}
				}
			}
			best = max(best, v)
		}
		return best
	}
	ssz := q("application/octet-stream")
	return ssz > 0 && ssz >= q("application/json")
}
