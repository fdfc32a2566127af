package tasks_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap/zaptest"

	"github.com/stingerdvt/stinger/marketplace/tasks"
	"github.com/stingerdvt/stinger/marketplace/watcher"
)

// TestHistorySurvivesRestart: samples persisted by one runner are what a new runner on the same file
// reports for the Network, before its task runs again.
func TestHistorySurvivesRestart(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	open := func() *tasks.Runner {
		r, err := tasks.New(tasks.Options{Log: zaptest.NewLogger(t), Registerer: prometheus.NewRegistry(),
			Validator: func() (bool, string) { return true, "" }, SampleInterval: 10 * time.Millisecond, HistoryPath: path})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	r1 := open()
	r1.Sync(context.Background(), []watcher.Assignment{assignment(21, `{"kind":"validator"}`)})
	eventually(t, "samples recorded", func() bool {
		st, _ := r1.Stats(21, time.Time{}, time.Now().Add(time.Hour))
		return st.Samples >= 5
	})
	if err := r1.Close(); err != nil {
		t.Fatal(err)
	}
	before, _ := r1.Stats(21, time.Time{}, time.Now().Add(time.Hour))

	r2 := open()
	defer r2.Close()
	after, ok := r2.Stats(21, time.Time{}, time.Now().Add(time.Hour))
	if !ok || after.Samples != before.Samples || after.UpSamples != before.UpSamples {
		t.Fatalf("after restart: %+v (ok=%v), before: %+v", after, ok, before)
	}
	if _, ok := r2.Stats(22, time.Time{}, time.Now()); ok {
		t.Fatal("a Network that never ran has stats")
	}
}
