package faults_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/testnet/faults"
)

func TestProxyModes(t *testing.T) {
	backend := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "backend "+r.URL.Path)
	}))
	defer backend.Close()
	p, err := faults.NewProxy(backend.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	get := func(timeout time.Duration) (int, string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), timeout)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, p.URL()+"/eth/v1/node/version", nil)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, "", err
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b), nil
	}
	tests := []struct {
		name       string
		mode       faults.Mode
		status     int
		wantStatus int
		wantBody   string
		wantErr    bool
	}{
		{"pass forwards", faults.Pass, 0, 200, "backend /eth/v1/node/version", false},
		{"fail answers the status", faults.Fail, 500, 500, "injected fault", false},
		{"fail defaults to 503", faults.Fail, 0, 503, "injected fault", false},
		{"hang never answers", faults.Hang, 0, 0, "", true},
		{"pass again heals", faults.Pass, 0, 200, "backend", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p.Set(tt.mode, tt.status)
			code, body, err := get(300 * time.Millisecond)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("answered %d %q, want no answer", code, body)
				}
				return
			}
			if err != nil || code != tt.wantStatus || !strings.Contains(body, tt.wantBody) {
				t.Fatalf("got %d %q %v, want %d %q", code, body, err, tt.wantStatus, tt.wantBody)
			}
		})
	}
	if served, failed, hung := p.Counts(); served != 2 || failed != 2 || hung != 1 {
		t.Fatalf("counts served %d failed %d hung %d, want 2 2 1", served, failed, hung)
	}
	if _, err := faults.NewProxy("not a url"); err == nil {
		t.Fatal("bad target accepted")
	}
}
