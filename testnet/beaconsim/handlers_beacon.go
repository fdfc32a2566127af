package beaconsim

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	apiv1 "github.com/attestantio/go-eth2-client/api/v1"
	"github.com/attestantio/go-eth2-client/spec"
	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// resolveBlock finds the block a block_id names. The caller holds s.mu.
func (s *Simulator) resolveBlock(id string) (*simBlock, error) {
	c := s.chain
	switch id {
	case "head":
		return c.head, nil
	case "genesis":
		return c.genesis, nil
	case "finalized":
		return c.blocks[c.finalized.Root], nil
	case "justified":
		return c.blocks[c.currentJustified.Root], nil
	}
	if strings.HasPrefix(id, "0x") {
		root, err := parseRoot("block_id", id)
		if err != nil {
			return nil, err
		}
		if b, ok := c.blocks[root]; ok {
			return b, nil
		}
		return nil, nil
	}
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return nil, fmt.Errorf("block_id %q: want head, genesis, finalized, justified, a slot or a 0x root", id)
	}
	if n > uint64(c.head.slot) {
		return nil, nil
	}
	return c.canonical[phase0.Slot(n)], nil
}

// resolveStateSlot returns the slot of the state a state_id names (the simulator serves every state from
// its current registry, so only the slot matters). The caller holds s.mu.
func (s *Simulator) resolveStateSlot(id string) (phase0.Slot, error) {
	c := s.chain
	switch id {
	case "head":
		return max(c.head.slot, c.processedSlot), nil
	case "genesis":
		return 0, nil
	case "finalized":
		return c.startSlot(c.finalized.Epoch), nil
	case "justified":
		return c.startSlot(c.currentJustified.Epoch), nil
	}
	if strings.HasPrefix(id, "0x") {
		root, err := parseRoot("state_id", id)
		if err != nil {
			return 0, err
		}
		for _, b := range c.blocks {
			if b.stateRoot == root {
				return b.slot, nil
			}
		}
		return 0, fmt.Errorf("state_id %s: unknown state root", id)
	}
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("state_id %q: want head, genesis, finalized, justified, a slot or a 0x state root", id)
	}
	return phase0.Slot(n), nil
}

func (s *Simulator) routeBeacon(mux *http.ServeMux) {
	mux.HandleFunc("GET /eth/v1/beacon/genesis", func(w http.ResponseWriter, _ *http.Request) {
		n := s.chain.network
		writeData(w, &apiv1.Genesis{GenesisTime: n.GenesisTime, GenesisValidatorsRoot: n.GenesisValidatorsRoot,
			GenesisForkVersion: n.GenesisForkVersion})
	})
	mux.HandleFunc("GET /eth/v1/beacon/states/{state_id}/fork", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		slot, err := s.resolveStateSlot(r.PathValue("state_id"))
		s.mu.Unlock()
		if err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		writeData(w, s.stateFork(s.chain.epochOf(slot)))
	})
	mux.HandleFunc("GET /eth/v1/beacon/states/{state_id}/finality_checkpoints", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		c := s.chain
		f := &apiv1.Finality{Finalized: ptr(c.finalized), Justified: ptr(c.currentJustified),
			PreviousJustified: ptr(c.previousJustified)}
		s.mu.Unlock()
		writeData(w, f)
	})
	mux.HandleFunc("GET /eth/v1/beacon/states/{state_id}/validators", s.handleValidators)
	mux.HandleFunc("POST /eth/v1/beacon/states/{state_id}/validators", s.handleValidators)
	mux.HandleFunc("GET /eth/v1/beacon/states/{state_id}/validators/{validator_id}", s.handleValidators)
	mux.HandleFunc("GET /eth/v1/beacon/headers/{block_id}", s.handleHeader)
	mux.HandleFunc("GET /eth/v1/beacon/headers", func(w http.ResponseWriter, r *http.Request) {
		r.SetPathValue("block_id", "head")
		s.handleHeader(w, r)
	})
	mux.HandleFunc("GET /eth/v1/beacon/blocks/{block_id}/root", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		b, err := s.resolveBlock(r.PathValue("block_id"))
		s.mu.Unlock()
		switch {
		case err != nil:
			writeError(w, http.StatusBadRequest, err.Error())
		case b == nil:
			writeError(w, http.StatusNotFound, "block not found")
		default:
			writeData(w, map[string]string{"root": fmt.Sprintf("%#x", b.root[:])})
		}
	})
	mux.HandleFunc("GET /eth/v1/beacon/states/{state_id}/committees", s.handleCommittees)
	mux.HandleFunc("GET /eth/v1/beacon/states/{state_id}/sync_committees", s.handleSyncCommittee)
	mux.HandleFunc("GET /eth/v2/beacon/blocks/{block_id}", s.handleGetBlock)
	mux.HandleFunc("POST /eth/v1/beacon/states/{state_id}/validator_balances", s.handleBalances)
	mux.HandleFunc("GET /eth/v1/beacon/states/{state_id}/validator_balances", s.handleBalances)
}

// handleGetBlock serves a signed block, as SSZ when the client prefers it.
func (s *Simulator) handleGetBlock(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	b, err := s.resolveBlock(r.PathValue("block_id"))
	s.mu.Unlock()
	switch {
	case err != nil:
		writeError(w, http.StatusBadRequest, err.Error())
		return
	case b == nil:
		writeError(w, http.StatusNotFound, "block not found")
		return
	}
	version := versionName(s.chain.dataVersion(b.slot))
	w.Header().Set("Eth-Consensus-Version", version)
	if prefersSSZ(r.Header.Get("Accept")) {
		body, err := b.signed.MarshalSSZ()
		if err != nil {
			writeError(w, http.StatusInternalServerError, fmt.Sprintf("encode block: %v", err))
			return
		}
		w.Header().Set("Content-Type", "application/octet-stream")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
		return
	}
	writeJSON(w, http.StatusOK, dataResponse{Version: version, Data: b.signed})
}

// handleBalances serves validator balances (effective balances: the simulator pays no rewards).
func (s *Simulator) handleBalances(w http.ResponseWriter, r *http.Request) {
	var ids []string
	if r.Method == http.MethodPost {
		if err := readJSON(r, &ids); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
	} else {
		for _, v := range r.URL.Query()["id"] {
			ids = append(ids, strings.Split(v, ",")...)
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	selected, err := s.selectValidators(ids)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	out := make([]*apiv1.ValidatorBalance, 0, len(selected))
	for _, v := range selected {
		out = append(out, &apiv1.ValidatorBalance{Index: v.index, Balance: v.record.EffectiveBalance})
	}
	writeData(w, out)
}

func (s *Simulator) handleSyncCommittee(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	slot, err := s.resolveStateSlot(r.PathValue("state_id"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	c := s.chain
	epoch := c.epochOf(slot)
	if e := r.URL.Query().Get("epoch"); e != "" {
		n, err := strconv.ParseUint(e, 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("epoch=%q: want an unsigned integer", e))
			return
		}
		if c.syncPeriod(phase0.Epoch(n)) > c.syncPeriod(epoch)+1 {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("epoch %d: beyond the next sync committee period", n))
			return
		}
		epoch = phase0.Epoch(n)
	}
	sc, err := c.syncCommittee(c.syncPeriod(epoch))
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	size := c.preset.syncSubcommitteeSize()
	out := &apiv1.SyncCommittee{Validators: append([]phase0.ValidatorIndex{}, sc...)}
	for i := range uint64(SyncCommitteeSubnetCount) {
		out.ValidatorAggregates = append(out.ValidatorAggregates, append([]phase0.ValidatorIndex{}, sc[i*size:(i+1)*size]...))
	}
	writeData(w, out)
}

func ptr[T any](v T) *T { return &v }

func (s *Simulator) handleHeader(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	b, err := s.resolveBlock(r.PathValue("block_id"))
	s.mu.Unlock()
	switch {
	case err != nil:
		writeError(w, http.StatusBadRequest, err.Error())
		return
	case b == nil:
		writeError(w, http.StatusNotFound, "block not found")
		return
	}
	writeData(w, &apiv1.BeaconBlockHeader{Root: b.root, Canonical: true, Header: &phase0.SignedBeaconBlockHeader{
		Message: &phase0.BeaconBlockHeader{Slot: b.slot, ProposerIndex: b.proposer, ParentRoot: b.parentRoot,
			StateRoot: b.stateRoot, BodyRoot: b.bodyRoot},
		Signature: b.signature,
	}})
}

// validatorStatus is the Beacon API status of v at epoch.
func validatorStatus(v *simValidator, epoch phase0.Epoch) apiv1.ValidatorState {
	switch {
	case epoch < v.record.ActivationEpoch:
		return apiv1.ValidatorStatePendingQueued
	case epoch < v.record.ExitEpoch && v.record.ExitEpoch == FarFutureEpoch:
		return apiv1.ValidatorStateActiveOngoing
	case epoch < v.record.ExitEpoch:
		return apiv1.ValidatorStateActiveExiting
	case epoch < v.record.WithdrawableEpoch:
		return apiv1.ValidatorStateExitedUnslashed
	default:
		return apiv1.ValidatorStateWithdrawalPossible
	}
}

// statusMatches reports whether status passes a filter entry (specific or general: active, pending,
// exited, withdrawal).
func statusMatches(status apiv1.ValidatorState, filter string) bool {
	if status.String() == filter {
		return true
	}
	return strings.HasPrefix(status.String(), filter+"_")
}

func (s *Simulator) handleValidators(w http.ResponseWriter, r *http.Request) {
	var ids, statuses []string
	if r.Method == http.MethodPost {
		var body struct {
			IDs      []string `json:"ids"`
			Statuses []string `json:"statuses"`
		}
		if err := readJSON(r, &body); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		ids, statuses = body.IDs, body.Statuses
	} else {
		for _, v := range r.URL.Query()["id"] {
			ids = append(ids, strings.Split(v, ",")...)
		}
		for _, v := range r.URL.Query()["status"] {
			statuses = append(statuses, strings.Split(v, ",")...)
		}
		if one := r.PathValue("validator_id"); one != "" {
			ids = []string{one}
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	slot, err := s.resolveStateSlot(r.PathValue("state_id"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	c := s.chain
	selected, err := s.selectValidators(ids)
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	out := make([]*apiv1.Validator, 0, len(selected))
	for _, v := range selected {
		status := validatorStatus(v, c.epochOf(slot))
		if len(statuses) > 0 && !anyMatch(status, statuses) {
			continue
		}
		rec := v.record
		out = append(out, &apiv1.Validator{Index: v.index, Balance: rec.EffectiveBalance, Status: status, Validator: &rec})
	}
	if r.PathValue("validator_id") != "" {
		if len(out) == 0 {
			writeError(w, http.StatusNotFound, "validator not found")
			return
		}
		writeData(w, out[0])
		return
	}
	writeData(w, out)
}

func anyMatch(status apiv1.ValidatorState, filters []string) bool {
	for _, f := range filters {
		if statusMatches(status, f) {
			return true
		}
	}
	return false
}

// selectValidators resolves ids (indices or 0x public keys; unknown ones are skipped, as real nodes do).
// The caller holds s.mu.
func (s *Simulator) selectValidators(ids []string) ([]*simValidator, error) {
	c := s.chain
	if len(ids) == 0 {
		return c.validators, nil
	}
	var out []*simValidator
	for _, id := range ids {
		if strings.HasPrefix(id, "0x") {
			b, err := decodeHex(id)
			if err != nil || len(b) != 48 {
				return nil, fmt.Errorf("validator id %q: want an index or a 0x 48-byte public key", id)
			}
			var pk phase0.BLSPubKey
			copy(pk[:], b)
			if vi, ok := c.byPubKey[pk]; ok {
				out = append(out, c.validators[vi])
			}
			continue
		}
		n, err := strconv.ParseUint(id, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("validator id %q: want an index or a 0x 48-byte public key", id)
		}
		if n < uint64(len(c.validators)) {
			out = append(out, c.validators[n])
		}
	}
	return out, nil
}

func (s *Simulator) handleCommittees(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	slot, err := s.resolveStateSlot(r.PathValue("state_id"))
	if err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	epoch := s.chain.epochOf(slot)
	if e := r.URL.Query().Get("epoch"); e != "" {
		n, err := strconv.ParseUint(e, 10, 64)
		if err != nil {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("epoch=%q: want an unsigned integer", e))
			return
		}
		epoch = phase0.Epoch(n)
	}
	d, err := s.chain.duties(epoch)
	if err != nil {
		writeError(w, http.StatusInternalServerError, err.Error())
		return
	}
	var out []*apiv1.BeaconCommittee
	for so, committees := range d.committees {
		for ci, members := range committees {
			out = append(out, &apiv1.BeaconCommittee{Slot: s.chain.startSlot(epoch) + phase0.Slot(so),
				Index: phase0.CommitteeIndex(ci), Validators: append([]phase0.ValidatorIndex{}, members...)})
		}
	}
	writeData(w, out)
}

// versionName is the lower-case fork name used in Eth-Consensus-Version headers and "version" fields.
func versionName(v spec.DataVersion) string { return strings.ToLower(v.String()) }
