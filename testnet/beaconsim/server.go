package beaconsim

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/attestantio/go-eth2-client/spec/phase0"
)

// maxBodyBytes bounds request bodies (a mainnet block with blobs is well below this).
const maxBodyBytes = 32 << 20

// apiError is the standard Beacon API error body.
type apiError struct {
	Code     int              `json:"code"`
	Message  string           `json:"message"`
	Failures []indexedFailure `json:"failures,omitempty"`
}

// indexedFailure reports which item of a batch POST failed.
type indexedFailure struct {
	Index   int    `json:"index"`
	Message string `json:"message"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		http.Error(w, fmt.Sprintf(`{"code":500,"message":%q}`, err.Error()), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, apiError{Code: status, Message: msg})
}

func writeFailures(w http.ResponseWriter, msg string, failures []indexedFailure) {
	writeJSON(w, http.StatusBadRequest, apiError{Code: http.StatusBadRequest, Message: msg, Failures: failures})
}

// dataResponse is the usual {"data": ...} envelope with the optional metadata fields.
type dataResponse struct {
	Version             string `json:"version,omitempty"`
	ExecutionOptimistic bool   `json:"execution_optimistic"`
	Finalized           bool   `json:"finalized"`
	DependentRoot       string `json:"dependent_root,omitempty"`
	Data                any    `json:"data"`
}

func writeData(w http.ResponseWriter, data any) {
	writeJSON(w, http.StatusOK, dataResponse{Data: data})
}

// readJSON decodes a bounded JSON request body into v.
func readJSON(r *http.Request, v any) error {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBodyBytes))
	if err != nil {
		return fmt.Errorf("read body: %w", err)
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("decode body: %w", err)
	}
	return nil
}

// queryUint parses a required unsigned integer query parameter.
func queryUint(r *http.Request, name string) (uint64, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return 0, fmt.Errorf("query parameter %s is required", name)
	}
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("query parameter %s=%q: want an unsigned integer", name, v)
	}
	return n, nil
}

// queryRoot parses a required 32-byte hex query parameter.
func queryRoot(r *http.Request, name string) (phase0.Root, error) {
	return parseRoot(name, r.URL.Query().Get(name))
}

func parseRoot(name, v string) (phase0.Root, error) {
	var root phase0.Root
	b, err := decodeHex(v)
	if err != nil || len(b) != 32 {
		return root, fmt.Errorf("%s=%q: want 0x-prefixed 32-byte hex", name, v)
	}
	copy(root[:], b)
	return root, nil
}

func decodeHex(v string) ([]byte, error) {
	if !strings.HasPrefix(v, "0x") {
		return nil, errors.New("missing 0x prefix")
	}
	out := make([]byte, (len(v)-2)/2)
	if len(v)%2 != 0 {
		return nil, errors.New("odd length")
	}
	for i := range out {
		n, err := strconv.ParseUint(v[2+2*i:4+2*i], 16, 8)
		if err != nil {
			return nil, fmt.Errorf("hex: %w", err)
		}
		out[i] = byte(n)
	}
	return out, nil
}

// pathUint parses an unsigned integer path value.
func pathUint(r *http.Request, name string) (uint64, error) {
	v := r.PathValue(name)
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("path parameter %s=%q: want an unsigned integer", name, v)
	}
	return n, nil
}

// parseIndices decodes a JSON array of decimal validator indices (strings, as the Beacon API sends them).
func parseIndices(r *http.Request) ([]phase0.ValidatorIndex, error) {
	var raw []string
	if err := readJSON(r, &raw); err != nil {
		return nil, err
	}
	out := make([]phase0.ValidatorIndex, 0, len(raw))
	for i, s := range raw {
		n, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			return nil, fmt.Errorf("index %d (%q): want a decimal validator index", i, s)
		}
		out = append(out, phase0.ValidatorIndex(n))
	}
	return out, nil
}

// Handler returns the HTTP API: the Beacon API subset a validator client uses, the simulator's own
// /stinger/sim/v1 routes (stats, faults, reorg), with fault injection applied to Beacon API routes.
func (s *Simulator) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routeNode(mux)
	s.routeBeacon(mux)
	s.routeValidator(mux)
	s.routeSubmissions(mux)
	mux.HandleFunc("GET /eth/v1/events", s.handleEvents)
	mux.HandleFunc("GET /stinger/sim/v1/stats", s.handleStats)
	mux.HandleFunc("GET /stinger/sim/v1/faults", s.handleGetFaults)
	mux.HandleFunc("POST /stinger/sim/v1/faults", s.handleSetFaults)
	mux.HandleFunc("POST /stinger/sim/v1/reorg", s.handleReorg)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("%s %s: not served by the simulator", r.Method, r.URL.Path))
	})
	return s.faults.middleware(mux)
}

func (s *Simulator) handleStats(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.Stats())
}

// Stats returns the current score.
func (s *Simulator) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.score.stats(func(vi phase0.ValidatorIndex) phase0.BLSPubKey { return s.chain.validators[vi].pubKey })
	st.CurrentSlot = uint64(s.CurrentSlot())
	st.HeadSlot = uint64(s.chain.head.slot)
	st.JustifiedEpoch = uint64(s.chain.currentJustified.Epoch)
	st.FinalizedEpoch = uint64(s.chain.finalized.Epoch)
	st.SignatureChecks = s.checks.Load()
	return st
}

func (s *Simulator) handleGetFaults(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, s.faults.get())
}

func (s *Simulator) handleSetFaults(w http.ResponseWriter, r *http.Request) {
	var f Faults
	if err := readJSON(r, &f); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	if err := f.Validate(); err != nil {
		writeError(w, http.StatusBadRequest, err.Error())
		return
	}
	s.faults.set(f)
	writeJSON(w, http.StatusOK, f)
}

func (s *Simulator) handleReorg(w http.ResponseWriter, _ *http.Request) {
	if err := s.ReorgHead(); err != nil {
		writeError(w, http.StatusConflict, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"head_slot": strconv.FormatUint(uint64(s.headSlot()), 10)})
}

func (s *Simulator) headSlot() phase0.Slot {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.chain.head.slot
}
