package app_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/app"
	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/config"
)

func testConfig(t *testing.T) *config.Config {
	t.Helper()
	cfg := config.Default()
	cfg.DataDir = filepath.Join(t.TempDir(), "data")
	cfg.API.Address = "127.0.0.1:0"
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

func TestAppServesHealthAndMetricsThenStopsCleanly(t *testing.T) {
	cfg := testConfig(t)
	a, err := app.New(app.Options{Config: cfg, Build: app.BuildInfo{Version: "v9.9.9", Commit: "abc"}, Logger: zap.NewNop(),
		Rand: bytes.NewReader(bytes.Repeat([]byte{3}, 128))})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	waitCtx, waitCancel := context.WithTimeout(ctx, 5*time.Second)
	defer waitCancel()
	addr, err := a.APIAddr(waitCtx)
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + addr.String()

	if code, body := get(t, base+"/eigen/node/health"); code != 200 && code != 206 {
		t.Errorf("health = %d %s, want 200 or 206", code, body)
	}
	code, body := get(t, base+"/metrics")
	for _, want := range []string{`stinger_build_info{commit="abc",go_version="go`, "go_goroutines", "process_cpu_seconds_total"} {
		if code != 200 || !strings.Contains(body, want) {
			t.Errorf("/metrics = %d, lacks %q", code, want)
		}
	}
	if code, body := get(t, base+"/eigen/node"); code != 200 || !strings.Contains(body, `"node_version":"v9.9.9"`) {
		t.Errorf("/eigen/node = %d %s", code, body)
	}

	for _, f := range []string{cluster.IdentityPath(cfg.DataDir), cfg.TokenFilePath()} {
		info, err := os.Stat(f)
		if err != nil || info.Mode().Perm() != 0o600 {
			t.Errorf("%s: %v, mode %v; want a 0600 file", f, err, info)
		}
	}

	begin := time.Now()
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Errorf("Run = %v, want nil after clean shutdown", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return within 5s of cancellation")
	}
	if d := time.Since(begin); d > app.ShutdownTimeout {
		t.Errorf("shutdown took %s", d)
	}
	if _, err := http.Get(base + "/livez"); err == nil {
		t.Error("API still answers after shutdown")
	}
}

func TestNewReusesExistingIdentity(t *testing.T) {
	cfg := testConfig(t)
	id, err := cluster.CreateIdentity(cfg.DataDir, bytes.NewReader(bytes.Repeat([]byte{5}, 64)))
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(app.Options{Config: cfg, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	if a.Identity().PeerID != id.PeerID {
		t.Errorf("app identity %s, want existing %s", a.Identity().PeerID, id.PeerID)
	}
}

func TestNewFailsWithClearErrors(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, cfg *config.Config)
		want  string
	}{
		{
			name: "cluster lock but no identity",
			setup: func(t *testing.T, cfg *config.Config) {
				if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(cfg.ClusterLockPath(), []byte("{}"), 0o600); err != nil {
					t.Fatal(err)
				}
			},
			want: "operator identity not found",
		},
		{
			name: "token file readable by others",
			setup: func(t *testing.T, cfg *config.Config) {
				cfg.API.TokenFile = filepath.Join(t.TempDir(), "token")
				if err := os.WriteFile(cfg.API.TokenFile, []byte("x"), 0o644); err != nil {
					t.Fatal(err)
				}
			},
			want: "expected 0600",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(t)
			tt.setup(t, cfg)
			if _, err := app.New(app.Options{Config: cfg, Logger: zap.NewNop()}); err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("New error = %v, want %q", err, tt.want)
			}
		})
	}
}

func TestRunFailsWhenAPIAddressIsTaken(t *testing.T) {
	first := testConfig(t)
	a, err := app.New(app.Options{Config: first, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- a.Run(ctx) }()
	addr, err := a.APIAddr(ctx)
	if err != nil {
		t.Fatal(err)
	}
	second := testConfig(t)
	second.API.Address = addr.String()
	b, err := app.New(app.Options{Config: second, Logger: zap.NewNop()})
	if err != nil {
		t.Fatal(err)
	}
	if err := b.Run(context.Background()); err == nil || !strings.Contains(err.Error(), "start api") {
		t.Errorf("second Run error = %v, want a start api error", err)
	}
	cancel()
	if err := <-done; err != nil {
		t.Error(err)
	}
}
