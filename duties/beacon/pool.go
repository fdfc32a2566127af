package beacon

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/attestantio/go-eth2-client/api"
	eth2http "github.com/attestantio/go-eth2-client/http"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/rs/zerolog"
	"go.uber.org/zap"
)

// DefaultTimeout bounds one call to one beacon node.
const DefaultTimeout = 2 * time.Second

// DefaultProposalTimeout bounds one block production or publication call to one beacon node: a real
// beacon node takes seconds to build a block (execution payload, state transition) or to import one it
// is given, more when several operators of a cluster ask it at once. Half a mainnet slot, as
// Lighthouse's validator client allows; the duty's own deadline (end of its slot) still applies.
const DefaultProposalTimeout = 6 * time.Second

// ErrNoNodes is returned when no beacon node is configured.
var ErrNoNodes = errors.New("no beacon node configured")

// Node is one beacon node of the pool.
type Node struct {
	// Name identifies the node in logs, metrics and health (its address without credentials).
	Name string
	// Client talks to the node.
	Client Client
}

// Config configures a Pool.
type Config struct {
	// Addresses are the beacon nodes' base URLs, e.g. "http://127.0.0.1:5052". At least one.
	Addresses []string
	// Timeout bounds every call to one node; zero means DefaultTimeout.
	Timeout time.Duration
	// ProposalTimeout bounds block production and publication calls (Proposal, SubmitProposal,
	// SubmitBlindedProposal) instead; zero means the larger of DefaultProposalTimeout and Timeout.
	ProposalTimeout time.Duration
	// Logger defaults to zap.NewNop().
	Logger *zap.Logger
	// Registerer receives the health metrics; nil registers none.
	Registerer prometheus.Registerer
	// Now tells the time for health snapshots; nil means time.Now.
	Now func() time.Time
}

// Pool is a set of beacon nodes used as one. All methods are safe for concurrent use.
type Pool struct {
	nodes           []*member
	timeout         time.Duration
	proposalTimeout time.Duration
	log             *zap.Logger
	metrics         *metrics
	now             func() time.Time
}

// New connects to every configured beacon node through go-eth2-client's HTTP client. A node that is down
// at startup does not fail New (the client retries in the background); a malformed address does.
func New(ctx context.Context, cfg Config) (*Pool, error) {
	if len(cfg.Addresses) == 0 {
		return nil, ErrNoNodes
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	nodes := make([]Node, 0, len(cfg.Addresses))
	for i, addr := range cfg.Addresses {
		u, err := url.Parse(addr)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return nil, fmt.Errorf("beacon node address %d (%q): want an http:// or https:// URL", i, redact(addr))
		}
		svc, err := eth2http.New(ctx, eth2http.WithAddress(addr), eth2http.WithTimeout(timeout),
			eth2http.WithLogLevel(zerolog.Disabled), eth2http.WithAllowDelayedStart(true))
		if err != nil {
			return nil, fmt.Errorf("connect to beacon node %s: %w", redact(addr), err)
		}
		cl, ok := svc.(Client)
		if !ok {
			return nil, fmt.Errorf("beacon client for %s lacks required methods", redact(addr))
		}
		nodes = append(nodes, Node{Name: redact(addr), Client: cl})
	}
	return NewFromNodes(nodes, cfg)
}

// NewFromNodes builds a pool over already built clients (tests, or other client implementations).
// cfg.Addresses is ignored.
func NewFromNodes(nodes []Node, cfg Config) (*Pool, error) {
	if len(nodes) == 0 {
		return nil, ErrNoNodes
	}
	p := &Pool{timeout: cfg.Timeout, proposalTimeout: cfg.ProposalTimeout, log: cfg.Logger, now: cfg.Now}
	if p.timeout <= 0 {
		p.timeout = DefaultTimeout
	}
	if p.proposalTimeout <= 0 {
		p.proposalTimeout = max(DefaultProposalTimeout, p.timeout)
	}
	if p.log == nil {
		p.log = zap.NewNop()
	}
	if p.now == nil {
		p.now = time.Now
	}
	m, err := newMetrics(cfg.Registerer)
	if err != nil {
		return nil, err
	}
	p.metrics = m
	seen := map[string]bool{}
	for i, n := range nodes {
		if n.Client == nil {
			return nil, fmt.Errorf("beacon node %d (%s): nil client", i, n.Name)
		}
		if seen[n.Name] {
			return nil, fmt.Errorf("beacon node %d (%s): listed twice", i, n.Name)
		}
		seen[n.Name] = true
		p.nodes = append(p.nodes, &member{Node: n})
		m.up.WithLabelValues(n.Name).Set(0)
	}
	return p, nil
}

// redact removes credentials from a URL for logs.
func redact(addr string) string {
	u, err := url.Parse(addr)
	if err != nil {
		return "<unparsable address>"
	}
	u.User = nil
	u.RawQuery = ""
	return u.String()
}

// answer is one node's reply to a fetch.
type answer[T any] struct {
	node string
	val  T
	err  error
}

// first asks every node at once and returns the first answer with a nil error that check accepts.
func first[T any](ctx context.Context, p *Pool, call string, fn func(context.Context, Client) (T, error),
	check func(T) error,
) (T, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ch := make(chan answer[T], len(p.nodes))
	for _, n := range p.nodes {
		go func() {
			var v T
			// do records the node's health before the answer is delivered.
			err := p.do(ctx, n, call, func(ctx context.Context) error {
				var err error
				if v, err = fn(ctx, n.Client); err == nil {
					err = check(v)
				}
				return err
			})
			ch <- answer[T]{node: n.Name, val: v, err: err}
		}()
	}
	var errs []error
	for range p.nodes {
		a := <-ch
		if a.err == nil {
			return a.val, nil
		}
		errs = append(errs, fmt.Errorf("%s: %w", a.node, a.err))
	}
	var zero T
	return zero, fmt.Errorf("%s from every beacon node: %w", call, errors.Join(errs...))
}

// all sends a submission to every node at once and returns as soon as one
// accepted it (or every node refused, or ctx ended). The other nodes still
// get the submission after all returns: their calls are detached from the
// caller's cancellation and bounded by the per-call timeout, so a hanging
// node neither delays the duty nor keeps it from the nodes that answer.
func all(ctx context.Context, p *Pool, call string, fn func(context.Context, Client) error) error {
	sendCtx := context.WithoutCancel(ctx)
	results := make(chan error, len(p.nodes))
	for _, n := range p.nodes {
		go func() {
			err := p.do(sendCtx, n, call, func(ctx context.Context) error { return fn(ctx, n.Client) })
			if err != nil {
				err = fmt.Errorf("%s: %w", n.Name, err)
			}
			results <- err
		}()
	}
	var errs []error
	for range p.nodes {
		select {
		case err := <-results:
			if err == nil {
				return nil
			}
			errs = append(errs, err)
		case <-ctx.Done():
			return fmt.Errorf("%s: %w", call, ctx.Err())
		}
	}
	return fmt.Errorf("%s refused by every beacon node: %w", call, errors.Join(errs...))
}

// proposalCalls are the calls bounded by the proposal timeout.
var proposalCalls = map[string]bool{"proposal": true, "submit_proposal": true, "submit_blinded_proposal": true}

// callTimeout is the per-node timeout of a call.
func (p *Pool) callTimeout(call string) time.Duration {
	if proposalCalls[call] {
		return p.proposalTimeout
	}
	return p.timeout
}

// do runs one call against one node with the per-call timeout and records its health.
func (p *Pool) do(ctx context.Context, n *member, call string, fn func(context.Context) error) error {
	ctx, cancel := context.WithTimeout(ctx, p.callTimeout(call))
	defer cancel()
	start := p.now()
	err := fn(ctx)
	elapsed := p.now().Sub(start)
	if err != nil && errors.Is(ctx.Err(), context.Canceled) && !errors.Is(err, context.DeadlineExceeded) {
		// Cancelled because another node answered first, or the caller gave up: not the node's fault.
		return err
	}
	p.metrics.observe(n.Name, call, elapsed, err)
	n.record(p.now(), call, err)
	if err != nil {
		p.log.Debug("beacon node call failed", zap.String("beacon_node", n.Name), zap.String("call", call),
			zap.Error(err))
	}
	return err
}

// checkResponse rejects a response without data.
func checkResponse[T any](r *api.Response[T]) error {
	if r == nil {
		return errors.New("empty response")
	}
	return nil
}
