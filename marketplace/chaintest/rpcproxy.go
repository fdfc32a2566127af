package chaintest

import (
	"context"
	"errors"
	"math/big"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/common/hexutil"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/eth/filters"
	"github.com/ethereum/go-ethereum/rpc"
)

// RPCProxy serves the read-only JSON-RPC methods the watcher uses (eth_chainId, eth_blockNumber,
// eth_getBlockByNumber headers, eth_getLogs) over HTTP on loopback, answering from the simulated
// backend. SetDown makes it answer 503 (an outage) until switched back on.
type RPCProxy struct {
	URL   string
	down  atomic.Bool
	calls atomic.Int64
}

// NewRPCProxy starts a proxy in front of the env's simulated chain; it stops at test cleanup.
func (e *Env) NewRPCProxy(tb testing.TB) *RPCProxy {
	tb.Helper()
	srv := rpc.NewServer()
	if err := srv.RegisterName("eth", &ethService{c: e.Client}); err != nil {
		tb.Fatalf("register proxy service: %v", err)
	}
	p := &RPCProxy{}
	hs := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p.down.Load() {
			http.Error(w, "proxy down", http.StatusServiceUnavailable)
			return
		}
		p.calls.Add(1)
		srv.ServeHTTP(w, r)
	}))
	p.URL = hs.URL
	tb.Cleanup(func() {
		hs.Close()
		srv.Stop()
	})
	return p
}

// SetDown switches the outage on or off.
func (p *RPCProxy) SetDown(down bool) { p.down.Store(down) }

// Calls returns how many requests reached the proxy while it was up.
func (p *RPCProxy) Calls() int64 { return p.calls.Load() }

type chainReader interface {
	ethereum.ChainIDReader
	ethereum.BlockNumberReader
	ethereum.ChainReader
	ethereum.LogFilterer
}

type ethService struct{ c chainReader }

// ChainId serves eth_chainId.
func (s *ethService) ChainId(ctx context.Context) (*hexutil.Big, error) { //nolint:revive // JSON-RPC name
	id, err := s.c.ChainID(ctx)
	return (*hexutil.Big)(id), err
}

// BlockNumber serves eth_blockNumber.
func (s *ethService) BlockNumber(ctx context.Context) (hexutil.Uint64, error) {
	n, err := s.c.BlockNumber(ctx)
	return hexutil.Uint64(n), err
}

// GetBlockByNumber serves eth_getBlockByNumber with headers only.
func (s *ethService) GetBlockByNumber(ctx context.Context, n rpc.BlockNumber, _ bool) (*types.Header, error) {
	var num *big.Int
	if n >= 0 {
		num = big.NewInt(n.Int64())
	}
	h, err := s.c.HeaderByNumber(ctx, num)
	if errors.Is(err, ethereum.NotFound) {
		return nil, nil
	}
	return h, err
}

// GetLogs serves eth_getLogs.
func (s *ethService) GetLogs(ctx context.Context, crit filters.FilterCriteria) ([]types.Log, error) {
	logs, err := s.c.FilterLogs(ctx, ethereum.FilterQuery(crit))
	if logs == nil {
		logs = []types.Log{}
	}
	return logs, err
}
