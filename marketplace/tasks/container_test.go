package tasks_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zaptest"

	"github.com/stingerdvt/stinger/marketplace/tasks"
	"github.com/stingerdvt/stinger/marketplace/watcher"
)

// fakeDocker is a Docker Engine API stand-in on a unix socket: one image exists, containers run until
// stopped.
type fakeDocker struct {
	mu      sync.Mutex
	calls   []string
	created map[string]map[string]any
	stopped map[string]chan struct{}
}

func startFakeDocker(t *testing.T) (*fakeDocker, string) {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "docker.sock")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeDocker{created: map[string]map[string]any{}, stopped: map[string]chan struct{}{}}
	srv := &http.Server{Handler: f, ReadHeaderTimeout: time.Second}
	go func() { _ = srv.Serve(ln) }()
	t.Cleanup(func() { _ = srv.Close() })
	return f, sock
}

func (f *fakeDocker) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.calls = append(f.calls, r.Method+" "+r.URL.Path)
	f.mu.Unlock()
	parts := strings.Split(strings.Trim(r.URL.Path, "/"), "/")
	switch {
	case r.Method == http.MethodPost && r.URL.Path == "/containers/create":
		var body map[string]any
		_ = json.NewDecoder(r.Body).Decode(&body)
		if body["Image"] != "local/service:1" {
			http.Error(w, `{"message":"No such image"}`, http.StatusNotFound)
			return
		}
		id := "c-" + r.URL.Query().Get("name")
		f.mu.Lock()
		f.created[id] = body
		f.stopped[id] = make(chan struct{})
		f.mu.Unlock()
		w.WriteHeader(http.StatusCreated)
		_ = json.NewEncoder(w).Encode(map[string]string{"Id": id})
	case r.Method == http.MethodPost && len(parts) == 3 && parts[2] == "start":
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodPost && len(parts) == 3 && parts[2] == "wait":
		f.mu.Lock()
		ch := f.stopped[parts[1]]
		f.mu.Unlock()
		select {
		case <-ch:
		case <-r.Context().Done():
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]int{"StatusCode": 143})
	case r.Method == http.MethodPost && len(parts) == 3 && parts[2] == "stop":
		f.mu.Lock()
		if ch, ok := f.stopped[parts[1]]; ok {
			close(ch)
			delete(f.stopped, parts[1])
		}
		f.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case r.Method == http.MethodDelete:
		w.WriteHeader(http.StatusNoContent)
	default:
		http.NotFound(w, r)
	}
}

func (f *fakeDocker) saw(call string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, c := range f.calls {
		if c == call {
			return true
		}
	}
	return false
}

// TestContainerTaskRunsThroughDockerAPI: a container task is created (host network, env, labels) and
// started on assignment, and stopped and removed on uninstall; a missing image is reported, never pulled.
func TestContainerTaskRunsThroughDockerAPI(t *testing.T) {
	f, sock := startFakeDocker(t)
	r, err := tasks.New(tasks.Options{Log: zaptest.NewLogger(t), Registerer: prometheus.NewRegistry(), DockerSocket: sock})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.StopAll)
	good := `{"kind":"container","container":{"image":"local/service:1","cmd":["serve"],"env":{"A":"1"}},"restart":{"initial_backoff":"50ms"}}`
	missing := `{"kind":"container","container":{"image":"remote/absent:9"},"restart":{"initial_backoff":"50ms"}}`
	ctx := context.Background()
	r.Sync(ctx, []watcher.Assignment{assignment(11, good), assignment(12, missing)})
	eventually(t, "container running", func() bool {
		s, _ := status(r, 11)
		return s.State == tasks.StateRunning && s.ContainerID == "c-stinger-network-11"
	})
	f.mu.Lock()
	body := f.created["c-stinger-network-11"]
	f.mu.Unlock()
	if env, _ := json.Marshal(body["Env"]); string(env) != `["A=1"]` || body["HostConfig"].(map[string]any)["NetworkMode"] != "host" {
		t.Fatalf("create body = %v", body)
	}
	eventually(t, "missing image reported", func() bool {
		s, _ := status(r, 12)
		return s.State == tasks.StateBackoff && strings.Contains(s.LastError, "does not pull")
	})
	r.Sync(ctx, nil)
	r.StopAll()
	for _, call := range []string{"POST /containers/c-stinger-network-11/stop", "DELETE /containers/c-stinger-network-11"} {
		if !f.saw(call) {
			t.Errorf("docker API never saw %s", call)
		}
	}
}
