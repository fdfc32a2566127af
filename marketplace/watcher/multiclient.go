package watcher

import (
	"context"
	"errors"
	"fmt"
	"math/big"
	"sync"

	"github.com/ethereum/go-ethereum"
	"github.com/ethereum/go-ethereum/core/types"
	"github.com/ethereum/go-ethereum/ethclient"
	"go.uber.org/zap"
)

// MultiClient is a Chain over several JSON-RPC URLs (http(s):// or ws(s)://). Calls go to the
// current endpoint; when one fails (any error but the caller's context ending) the next endpoint is
// tried, round-robin, until every endpoint has failed once for that call.
type MultiClient struct {
	urls []string
	log  *zap.Logger

	mu      sync.Mutex
	current int
	clients []*ethclient.Client
}

// NewMultiClient returns a client over urls (at least one). Endpoints are dialled lazily.
func NewMultiClient(urls []string, log *zap.Logger) (*MultiClient, error) {
	if len(urls) == 0 {
		return nil, errors.New("marketplace rpc: no execution RPC URL configured")
	}
	return &MultiClient{urls: urls, log: log, clients: make([]*ethclient.Client, len(urls))}, nil
}

// Close closes every dialled endpoint.
func (m *MultiClient) Close() {
	m.mu.Lock()
	defer m.mu.Unlock()
	for i, c := range m.clients {
		if c != nil {
			c.Close()
			m.clients[i] = nil
		}
	}
}

// Current returns the URL calls go to now.
func (m *MultiClient) Current() string {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.urls[m.current]
}

func (m *MultiClient) client(ctx context.Context, i int) (*ethclient.Client, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.clients[i] != nil {
		return m.clients[i], nil
	}
	c, err := ethclient.DialContext(ctx, m.urls[i])
	if err != nil {
		return nil, fmt.Errorf("dial %s: %w", m.urls[i], err)
	}
	m.clients[i] = c
	return c, nil
}

// do runs call on the current endpoint, failing over to the others in turn.
func do[T any](ctx context.Context, m *MultiClient, call func(*ethclient.Client) (T, error)) (T, error) {
	var zero T
	m.mu.Lock()
	start := m.current
	m.mu.Unlock()
	var errs []error
	for k := range m.urls {
		i := (start + k) % len(m.urls)
		c, err := m.client(ctx, i)
		if err == nil {
			var v T
			if v, err = call(c); err == nil {
				if k > 0 {
					m.mu.Lock()
					m.current = i
					m.mu.Unlock()
					m.log.Warn("execution RPC failover", zap.String("now_using", m.urls[i]))
				}
				return v, nil
			}
		}
		if ctx.Err() != nil {
			return zero, ctx.Err()
		}
		errs = append(errs, fmt.Errorf("%s: %w", m.urls[i], err))
	}
	return zero, fmt.Errorf("every execution RPC endpoint failed: %w", errors.Join(errs...))
}

// BlockNumber implements Chain.
func (m *MultiClient) BlockNumber(ctx context.Context) (uint64, error) {
	return do(ctx, m, func(c *ethclient.Client) (uint64, error) { return c.BlockNumber(ctx) })
}

// HeaderByNumber implements Chain.
func (m *MultiClient) HeaderByNumber(ctx context.Context, n *big.Int) (*types.Header, error) {
	return do(ctx, m, func(c *ethclient.Client) (*types.Header, error) { return c.HeaderByNumber(ctx, n) })
}

// FilterLogs implements Chain.
func (m *MultiClient) FilterLogs(ctx context.Context, q ethereum.FilterQuery) ([]types.Log, error) {
	return do(ctx, m, func(c *ethclient.Client) ([]types.Log, error) { return c.FilterLogs(ctx, q) })
}

// SubscribeNewHead subscribes on the current endpoint (WebSocket only); the watcher falls back to
// polling when this fails.
func (m *MultiClient) SubscribeNewHead(ctx context.Context, ch chan<- *types.Header) (ethereum.Subscription, error) {
	return do(ctx, m, func(c *ethclient.Client) (ethereum.Subscription, error) { return c.SubscribeNewHead(ctx, ch) })
}
