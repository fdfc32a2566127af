package tasks_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zaptest"

	"github.com/stingerdvt/stinger/marketplace/tasks"
	"github.com/stingerdvt/stinger/marketplace/watcher"
)

func assignment(id uint64, doc string) watcher.Assignment {
	return watcher.Assignment{NetworkID: id, DAM: common.BigToAddress(common.Big1), Terms: watcher.Terms{
		TaskSpecURI: dataURI(doc), TaskSpecHash: crypto.Keccak256Hash([]byte(doc)),
	}}
}

func newRunner(t *testing.T, v tasks.ValidatorState) *tasks.Runner {
	t.Helper()
	r, err := tasks.New(tasks.Options{Log: zaptest.NewLogger(t), Registerer: prometheus.NewRegistry(), Validator: v,
		SampleInterval: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(r.StopAll)
	return r
}

func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func status(r *tasks.Runner, id uint64) (tasks.Status, bool) {
	for _, s := range r.Snapshot() {
		if s.NetworkID == id {
			return s, true
		}
	}
	return tasks.Status{}, false
}

// TestProcessStartsOnAssignmentAndStopsOnUninstall: the process runs (niced) while assigned, its
// HTTP health shows, and it is terminated when the assignment disappears.
func TestProcessStartsOnAssignmentAndStopsOnUninstall(t *testing.T) {
	svc := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer svc.Close()
	doc := fmt.Sprintf(`{"kind":"process","process":{"command":"/bin/sleep","args":["60"]},"health":{"type":"http","url":%q,"interval":"50ms"}}`, svc.URL)
	r := newRunner(t, nil)
	ctx := context.Background()
	r.Sync(ctx, []watcher.Assignment{assignment(7, doc)})
	var pid int
	eventually(t, "running and healthy", func() bool {
		s, _ := status(r, 7)
		pid = s.PID
		return s.State == tasks.StateRunning && s.PID > 0 && s.Healthy != nil && *s.Healthy
	})
	if prio, err := syscall.Getpriority(syscall.PRIO_PROCESS, pid); err != nil || 20-prio != 10 {
		t.Errorf("task process niceness: getpriority = %d, %v; want nice 10", prio, err)
	}
	r.Sync(ctx, nil)
	if _, ok := status(r, 7); ok {
		t.Fatal("task still listed after uninstall")
	}
	eventually(t, "process gone", func() bool {
		return syscall.Kill(pid, 0) != nil
	})
}

// TestProcessRestartsWithBackoff: a crashing process is restarted with growing delays and its exit
// reason is reported.
func TestProcessRestartsWithBackoff(t *testing.T) {
	doc := `{"kind":"process","process":{"command":"/bin/sh","args":["-c","echo boom; exit 3"]},"restart":{"initial_backoff":"20ms","max_backoff":"80ms"}}`
	r := newRunner(t, nil)
	r.Sync(context.Background(), []watcher.Assignment{assignment(1, doc)})
	eventually(t, "three restarts", func() bool {
		s, _ := status(r, 1)
		return s.Restarts >= 3
	})
	s, _ := status(r, 1)
	if !strings.Contains(s.LastError, "exit status 3") || !strings.Contains(s.OutputTail, "boom") {
		t.Fatalf("status = %+v", s)
	}
}

// TestProbeFollowsEndpointHealth: a probe is up while its TCP endpoint accepts connections and down
// after it closes.
func TestProbeFollowsEndpointHealth(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			_ = c.Close()
		}
	}()
	doc := fmt.Sprintf(`{"kind":"probe","health":{"type":"tcp","address":%q,"interval":"30ms"}}`, ln.Addr().String())
	r := newRunner(t, nil)
	r.Sync(context.Background(), []watcher.Assignment{assignment(2, doc)})
	eventually(t, "probe healthy", func() bool {
		s, _ := status(r, 2)
		return s.State == tasks.StateProbing && s.Healthy != nil && *s.Healthy
	})
	_ = ln.Close()
	eventually(t, "probe unhealthy", func() bool {
		s, _ := status(r, 2)
		return s.Healthy != nil && !*s.Healthy && s.LastHealthErr != ""
	})
	st, ok := r.Stats(2, time.Time{}, time.Now().Add(time.Hour))
	if !ok || st.HealthChecks < 2 || st.HealthOK == 0 || st.HealthOK == st.HealthChecks || st.UpSamples != st.HealthOK {
		t.Fatalf("stats = %+v", st)
	}
}

// TestValidatorKindReportsCallbackState and a spec whose hash does not match never runs.
func TestValidatorKindAndSpecMismatch(t *testing.T) {
	r := newRunner(t, func() (bool, string) { return true, "4 validators active" })
	bad := assignment(4, `{"kind":"validator"}`)
	bad.Terms.TaskSpecHash = common.Hash{0xee}
	r.Sync(context.Background(), []watcher.Assignment{assignment(3, `{"kind":"validator"}`), bad})
	eventually(t, "validator running", func() bool {
		s, _ := status(r, 3)
		return s.State == tasks.StateRunning && s.ValidatorState == "4 validators active"
	})
	eventually(t, "spec error", func() bool {
		s, _ := status(r, 4)
		return s.State == tasks.StateSpecError && strings.Contains(s.LastError, "hash mismatch")
	})
	st, _ := r.Stats(3, time.Time{}, time.Now().Add(time.Hour))
	if st.Samples == 0 || st.UpSamples != st.Samples {
		t.Fatalf("validator stats = %+v", st)
	}
}

// TestSpecUpdateRestartsTask: a new on-chain spec (URI and hash) replaces the running task.
func TestSpecUpdateRestartsTask(t *testing.T) {
	r := newRunner(t, func() (bool, string) { return true, "" })
	ctx := context.Background()
	r.Sync(ctx, []watcher.Assignment{assignment(5, `{"kind":"validator"}`)})
	eventually(t, "validator running", func() bool { s, _ := status(r, 5); return s.State == tasks.StateRunning })
	before, _ := status(r, 5)
	r.Sync(ctx, []watcher.Assignment{assignment(5, `{"kind":"process","process":{"command":"/bin/sleep","args":["30"]}}`)})
	eventually(t, "process running", func() bool {
		s, _ := status(r, 5)
		return s.Kind == tasks.KindProcess && s.State == tasks.StateRunning
	})
	after, _ := status(r, 5)
	if after.SpecHash == before.SpecHash {
		t.Fatal("spec hash unchanged")
	}
	r.Sync(ctx, []watcher.Assignment{assignment(5, `{"kind":"process","process":{"command":"/bin/sleep","args":["30"]}}`)})
	if again, _ := status(r, 5); again.PID != after.PID {
		t.Fatalf("an unchanged spec restarted the process: pid %d -> %d", after.PID, again.PID)
	}
}
