package api

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"go.uber.org/zap"
)

// Defaults for Options fields left zero.
const (
	DefaultMaxBodyBytes   = 1 << 20
	DefaultRequestTimeout = 30 * time.Second
	// SpecVersion is the EigenLayer AVS node API specification version served.
	SpecVersion = "v0.0.1"
)

// Options configures a Server. Address, Logger, Health and Gatherer are required.
type Options struct {
	// Address is the listen address (host:port; port 0 picks a free port).
	Address string
	// MetricsAddress serves /metrics on a separate listener when set and
	// different from Address; otherwise /metrics is on the API listener.
	MetricsAddress string
	// Token is the bearer token mutating routes require; empty disables them (they answer 503).
	Token string
	// NodeName and NodeVersion are reported by GET /eigen/node.
	NodeName, NodeVersion string
	// Health is the component readiness registry.
	Health *Health
	// Gatherer is the metrics registry served on /metrics.
	Gatherer prometheus.Gatherer
	// Registerer receives the API's own request metrics; nil skips them.
	Registerer prometheus.Registerer
	// Logger logs server errors.
	Logger *zap.Logger
	// MaxBodyBytes bounds request bodies (default DefaultMaxBodyBytes).
	MaxBodyBytes int64
	// RequestTimeout bounds each request (default DefaultRequestTimeout).
	RequestTimeout time.Duration
}

// Server is the node API HTTP server.
type Server struct {
	opts     Options
	mux      *http.ServeMux
	requests *prometheus.CounterVec

	mu      sync.Mutex
	servers []*http.Server
	addrs   []net.Addr
	wg      sync.WaitGroup
}

// New checks opts and returns a Server with the built-in routes mounted. It
// does not listen until Start.
func New(opts Options) (*Server, error) {
	switch {
	case opts.Address == "":
		return nil, errors.New("new api server: no address")
	case opts.Logger == nil:
		return nil, errors.New("new api server: no logger")
	case opts.Health == nil:
		return nil, errors.New("new api server: no health registry")
	case opts.Gatherer == nil:
		return nil, errors.New("new api server: no metrics gatherer")
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = DefaultMaxBodyBytes
	}
	if opts.RequestTimeout <= 0 {
		opts.RequestTimeout = DefaultRequestTimeout
	}
	s := &Server{opts: opts, mux: http.NewServeMux()}
	if opts.Registerer != nil {
		s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "stinger_api_requests_total",
			Help: "Node API requests by route pattern and status code.",
		}, []string{"route", "code"})
		if err := opts.Registerer.Register(s.requests); err != nil {
			return nil, fmt.Errorf("register api metrics: %w", err)
		}
	}
	s.mountBuiltins()
	return s, nil
}

// Handle mounts a read-only route (a net/http pattern such as
// "GET /cluster/peers"), open to anyone who can reach the API address.
func (s *Server) Handle(pattern string, h http.Handler) {
	s.mux.Handle(pattern, s.wrap(pattern, h))
}

// HandleMutating mounts a route that changes state; it answers 401 unless the
// request carries "Authorization: Bearer <token>" with the configured token.
func (s *Server) HandleMutating(pattern string, h http.Handler) {
	s.mux.Handle(pattern, s.wrap(pattern, s.requireToken(h)))
}

// Start listens on the configured address(es) and serves in the background
// until Stop. Listen errors (e.g. address in use) are returned.
func (s *Server) Start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.servers) > 0 {
		return errors.New("start api server: already started")
	}
	handlers := map[string]http.Handler{s.opts.Address: s.mux}
	order := []string{s.opts.Address}
	if s.opts.MetricsAddress != "" && s.opts.MetricsAddress != s.opts.Address {
		m := http.NewServeMux()
		m.Handle("GET /metrics", s.metricsHandler())
		m.Handle("/", s.wrap("/", http.HandlerFunc(notFound)))
		handlers[s.opts.MetricsAddress] = m
		order = append(order, s.opts.MetricsAddress)
	}
	var lns []net.Listener
	for _, addr := range order {
		ln, err := net.Listen("tcp", addr)
		if err != nil {
			for _, l := range lns {
				l.Close()
			}
			return fmt.Errorf("start api server: %w", err)
		}
		lns = append(lns, ln)
	}
	for i, ln := range lns {
		srv := &http.Server{
			Handler:           handlers[order[i]],
			ReadHeaderTimeout: 10 * time.Second,
			ReadTimeout:       s.opts.RequestTimeout,
			WriteTimeout:      s.opts.RequestTimeout + 5*time.Second,
			IdleTimeout:       2 * time.Minute,
			MaxHeaderBytes:    64 << 10,
			ErrorLog:          zap.NewStdLog(s.opts.Logger.Named("http")),
		}
		s.servers = append(s.servers, srv)
		s.addrs = append(s.addrs, ln.Addr())
		s.wg.Add(1)
		go func() {
			defer s.wg.Done()
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				s.opts.Logger.Error("Node API server stopped", zap.Error(err))
			}
		}()
	}
	return nil
}

// Handler returns the API's root handler (every route, without a listener),
// for in-process tests and benchmarks.
func (s *Server) Handler() http.Handler { return s.mux }

// Addr returns the API listener's address (after Start), useful with port 0.
func (s *Server) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.addrs) == 0 {
		return nil
	}
	return s.addrs[0]
}

// MetricsAddr returns the address serving /metrics (after Start).
func (s *Server) MetricsAddr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.addrs) == 0 {
		return nil
	}
	return s.addrs[len(s.addrs)-1]
}

// Stop shuts the listeners down gracefully, waiting for in-flight requests
// until ctx ends, then closes what remains.
func (s *Server) Stop(ctx context.Context) error {
	s.mu.Lock()
	servers := s.servers
	s.mu.Unlock()
	var errs []error
	for _, srv := range servers {
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, err)
			srv.Close()
		}
	}
	s.wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("stop api server: %w", err)
	}
	return nil
}

func (s *Server) metricsHandler() http.Handler {
	opts := promhttp.HandlerOpts{ErrorLog: zap.NewStdLog(s.opts.Logger.Named("metrics")), Timeout: s.opts.RequestTimeout}
	return s.count("/metrics", promhttp.HandlerFor(s.opts.Gatherer, opts))
}

// wrap applies the request limits, panic recovery and request counting.
func (s *Server) wrap(route string, h http.Handler) http.Handler {
	limited := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.opts.Logger.Error("Node API handler panicked", zap.String("route", route), zap.Any("panic", v))
				WriteError(w, http.StatusInternalServerError, "internal error")
			}
		}()
		r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBodyBytes)
		h.ServeHTTP(w, r)
	})
	timeoutBody, _ := json.Marshal(errorBody{Message: "request timed out"})
	timed := http.TimeoutHandler(limited, s.opts.RequestTimeout, string(timeoutBody))
	return s.count(route, timed)
}

func (s *Server) count(route string, h http.Handler) http.Handler {
	if s.requests == nil {
		return h
	}
	return promhttp.InstrumentHandlerCounter(s.requests.MustCurryWith(prometheus.Labels{"route": route}), h)
}

func (s *Server) requireToken(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if s.opts.Token == "" {
			WriteError(w, http.StatusServiceUnavailable, "mutating endpoints are disabled: no API token configured")
			return
		}
		got, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		if !ok || subtle.ConstantTimeCompare([]byte(got), []byte(s.opts.Token)) != 1 {
			w.Header().Set("WWW-Authenticate", `Bearer realm="stinger"`)
			WriteError(w, http.StatusUnauthorized, "missing or invalid bearer token")
			return
		}
		h.ServeHTTP(w, r)
	})
}

type errorBody struct {
	Message string `json:"message"`
}

// WriteJSON writes v as a JSON response with the given status code.
func WriteJSON(w http.ResponseWriter, code int, v any) {
	body, err := json.Marshal(v)
	if err != nil {
		WriteError(w, http.StatusInternalServerError, "encode response: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(append(body, '\n'))
}

// WriteError writes {"message": msg} with the given status code.
func WriteError(w http.ResponseWriter, code int, msg string) {
	body, _ := json.Marshal(errorBody{Message: msg})
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	_, _ = w.Write(append(body, '\n'))
}

func notFound(w http.ResponseWriter, r *http.Request) {
	WriteError(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path)
}
