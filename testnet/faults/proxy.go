package faults

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"
	"sync/atomic"
	"time"
)

// Mode is what a Proxy does with requests.
type Mode int

// Proxy modes.
const (
	// Pass forwards every request to the target.
	Pass Mode = iota
	// Fail answers every request with the configured status and a Beacon API error body.
	Fail
	// Hang holds every request until the client gives up.
	Hang
)

func (m Mode) String() string {
	switch m {
	case Pass:
		return "pass"
	case Fail:
		return "fail"
	case Hang:
		return "hang"
	default:
		return fmt.Sprintf("mode(%d)", int(m))
	}
}

// Proxy is an HTTP reverse proxy to a beacon node whose behaviour can be switched at run time.
type Proxy struct {
	target *url.URL
	rp     *httputil.ReverseProxy
	srv    *http.Server
	ln     net.Listener

	mu     sync.Mutex
	mode   Mode
	status int

	served, failed, hung atomic.Uint64
	wg                   sync.WaitGroup
}

// NewProxy listens on 127.0.0.1 (a free port) and forwards to target (e.g. "http://127.0.0.1:5052").
func NewProxy(target string) (*Proxy, error) {
	u, err := url.Parse(target)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return nil, fmt.Errorf("fault proxy target %q: want an http URL", target)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("fault proxy: listen: %w", err)
	}
	p := &Proxy{target: u, rp: httputil.NewSingleHostReverseProxy(u), ln: ln, status: http.StatusServiceUnavailable}
	p.rp.FlushInterval = -1 // stream event-stream answers immediately
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	p.wg.Go(func() { _ = p.srv.Serve(ln) })
	return p, nil
}

// URL is the proxy's base URL.
func (p *Proxy) URL() string { return "http://" + p.ln.Addr().String() }

// Set switches the mode; status is the answer in Fail mode (0: 503).
func (p *Proxy) Set(m Mode, status int) {
	if status == 0 {
		status = http.StatusServiceUnavailable
	}
	p.mu.Lock()
	p.mode, p.status = m, status
	p.mu.Unlock()
}

// Counts returns how many requests were forwarded, failed and hung.
func (p *Proxy) Counts() (served, failed, hung uint64) {
	return p.served.Load(), p.failed.Load(), p.hung.Load()
}

// ServeHTTP applies the current mode.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	p.mu.Lock()
	mode, status := p.mode, p.status
	p.mu.Unlock()
	switch mode {
	case Fail:
		p.failed.Add(1)
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		fmt.Fprintf(w, `{"code":%d,"message":"injected fault"}`, status)
	case Hang:
		p.hung.Add(1)
		<-r.Context().Done()
	default:
		p.served.Add(1)
		p.rp.ServeHTTP(w, r)
	}
}

// Close stops the proxy, ending hung requests.
func (p *Proxy) Close() error {
	err := p.srv.Close()
	p.wg.Wait()
	return err
}
