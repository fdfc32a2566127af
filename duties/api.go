package duties

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"

	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// Paths where app mounts the pipeline's handlers on the node API.
const (
	ValidatorsPath = "/v1/validators"
	DutiesPath     = "/v1/duties"
)

// MaxDutiesRange bounds the slots one GET /v1/duties may span.
const MaxDutiesRange = 4096

// ValidatorStatus is one cluster validator as GET /v1/validators reports it.
type ValidatorStatus struct {
	// PublicKey is the validator's group public key.
	PublicKey string `json:"public_key"`
	// PublicShare is this operator's public share of it; ShareIndex is the share's index.
	PublicShare string `json:"public_share"`
	ShareIndex  int    `json:"share_index"`
	// Index is the validator index on the beacon chain, if known yet.
	Index *uint64 `json:"validator_index,omitempty"`
	// Outcomes counts duty outcomes (succeeded, failed, late) since the node started.
	Outcomes map[string]uint64 `json:"outcomes"`
}

// ValidatorsResponse is the body of GET /v1/validators.
type ValidatorsResponse struct {
	Validators []ValidatorStatus `json:"validators"`
}

// DutiesResponse is the body of GET /v1/duties.
type DutiesResponse struct {
	Duties []Outcome `json:"duties"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"code": status, "message": msg})
}

// ValidatorsHandler serves GET /v1/validators.
func (p *Pipeline) ValidatorsHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			writeError(w, http.StatusMethodNotAllowed, "method not allowed: use GET")
			return
		}
		indices := p.scheduler.knownIndices()
		resp := ValidatorsResponse{Validators: make([]ValidatorStatus, 0, len(p.pubkeys))}
		for _, pk := range p.pubkeys {
			vs := ValidatorStatus{PublicKey: fmt.Sprintf("%#x", pk[:]),
				PublicShare: fmt.Sprintf("%#x", p.shares[pk].Bytes()), ShareIndex: p.self + 1,
				Outcomes: p.tracker.validatorTotals(pk)}
			if idx, ok := indices[pk]; ok {
				i := uint64(idx)
				vs.Index = &i
			}
			resp.Validators = append(resp.Validators, vs)
		}
		writeJSON(w, http.StatusOK, resp)
	})
}

// DutiesHandler serves GET /v1/duties?from_slot=&to_slot=&validator=: duty outcomes of a slot range
// (at most MaxDutiesRange slots; to_slot defaults to from_slot + 63, from_slot to the last 64 slots).
func (p *Pipeline) DutiesHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet {
			writeError(w, http.StatusMethodNotAllowed, "method not allowed: use GET")
			return
		}
		q := r.URL.Query()
		current := uint64(p.timer.SlotAt(p.clock.Now()))
		from := current - min(current, 63)
		var err error
		if v := q.Get("from_slot"); v != "" {
			if from, err = strconv.ParseUint(v, 10, 64); err != nil {
				writeError(w, http.StatusBadRequest, fmt.Sprintf("from_slot=%q: want a decimal slot", v))
				return
			}
		}
		to := from + 63
		if v := q.Get("to_slot"); v != "" {
			if to, err = strconv.ParseUint(v, 10, 64); err != nil {
				writeError(w, http.StatusBadRequest, fmt.Sprintf("to_slot=%q: want a decimal slot", v))
				return
			}
		}
		if to < from || to-from >= MaxDutiesRange {
			writeError(w, http.StatusBadRequest, fmt.Sprintf("from_slot=%d to_slot=%d: want from_slot <= to_slot "+
				"and at most %d slots", from, to, MaxDutiesRange))
			return
		}
		var validator *PubKey
		if v := q.Get("validator"); v != "" {
			b, err := decodeHex(v)
			if err != nil || len(b) != len(phase0.BLSPubKey{}) {
				writeError(w, http.StatusBadRequest, fmt.Sprintf("validator=%q: want a 0x-hex 48-byte public key", v))
				return
			}
			var pk PubKey
			copy(pk[:], b)
			validator = &pk
		}
		outs, err := p.tracker.store.Query(from, to, validator)
		if err != nil {
			writeError(w, http.StatusInternalServerError, "read duty outcomes: "+err.Error())
			return
		}
		if outs == nil {
			outs = []Outcome{}
		}
		writeJSON(w, http.StatusOK, DutiesResponse{Duties: outs})
	})
}

// Outcomes returns the recorded duty outcomes with fromSlot <= slot <= toSlot, of one validator if given
// (for performance reports and benchmarks).
func (p *Pipeline) Outcomes(fromSlot, toSlot uint64, validator *PubKey) ([]Outcome, error) {
	return p.tracker.store.Query(fromSlot, toSlot, validator)
}
