package chaintest

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/ethereum/go-ethereum/rpc"
)

// RPCProxy serves JSON-RPC over HTTP on loopback by forwarding each request to the simulated
// backend. SetDown makes it answer 503 (an outage) until switched back on.
type RPCProxy struct {
	URL    string
	down   atomic.Bool
	calls  atomic.Int64
	server *httptest.Server
}

// NewRPCProxy starts a proxy in front of the env's simulated chain; it stops at test cleanup.
func (e *Env) NewRPCProxy(tb testing.TB) *RPCProxy {
	tb.Helper()
	rc, ok := e.Client.(interface{ Client() *rpc.Client })
	if !ok {
		tb.Fatal("simulated client does not expose its rpc.Client")
	}
	p := &RPCProxy{}
	p.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p.serve(rc.Client(), w, r)
	}))
	p.URL = p.server.URL
	tb.Cleanup(p.server.Close)
	return p
}

// SetDown switches the outage on or off.
func (p *RPCProxy) SetDown(down bool) { p.down.Store(down) }

// Calls returns how many requests the proxy answered successfully.
func (p *RPCProxy) Calls() int64 { return p.calls.Load() }

type rpcRequest struct {
	ID     json.RawMessage   `json:"id"`
	Method string            `json:"method"`
	Params []json.RawMessage `json:"params"`
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
	Data    any    `json:"data,omitempty"`
}

type rpcResponse struct {
	JSONRPC string          `json:"jsonrpc"`
	ID      json.RawMessage `json:"id"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
}

func (p *RPCProxy) serve(c *rpc.Client, w http.ResponseWriter, r *http.Request) {
	if p.down.Load() {
		http.Error(w, "proxy down", http.StatusServiceUnavailable)
		return
	}
	var req rpcRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		http.Error(w, "bad request: "+err.Error(), http.StatusBadRequest)
		return
	}
	args := make([]any, len(req.Params))
	for i, p := range req.Params {
		args[i] = p
	}
	resp := rpcResponse{JSONRPC: "2.0", ID: req.ID}
	var result json.RawMessage
	if err := c.CallContext(r.Context(), &result, req.Method, args...); err != nil {
		re := &rpcError{Code: -32000, Message: err.Error()}
		var ec rpc.Error
		if errors.As(err, &ec) {
			re.Code = ec.ErrorCode()
		}
		var de rpc.DataError
		if errors.As(err, &de) {
			re.Data = de.ErrorData()
		}
		resp.Error = re
	} else {
		if result == nil {
			result = json.RawMessage("null")
		}
		resp.Result = result
	}
	p.calls.Add(1)
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(resp)
}
