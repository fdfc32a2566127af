package app_test

import (
	"context"
	"errors"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/app"
)

// recorder collects lifecycle events in order.
type recorder struct {
	mu     sync.Mutex
	events []string
}

func (r *recorder) add(e string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.events = append(r.events, e)
}

func (r *recorder) get() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string{}, r.events...)
}

func hook(r *recorder, name string, startErr error) app.Hook {
	return app.Hook{
		Name:  name,
		Start: func(context.Context) error { r.add("start " + name); return startErr },
		Stop:  func(context.Context) error { r.add("stop " + name); return nil },
	}
}

func TestLifecycleStartsInOrderAndStopsInReverse(t *testing.T) {
	tests := []struct {
		name    string
		failAt  int // index of the hook whose Start fails; -1 for none
		want    []string
		wantErr string
	}{
		{
			name:   "clean run",
			failAt: -1,
			want:   []string{"start a", "start b", "start c", "stop c", "stop b", "stop a"},
		},
		{
			name:    "start failure stops only started hooks",
			failAt:  1,
			want:    []string{"start a", "start b", "stop a"},
			wantErr: "start b: boom",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &recorder{}
			lc := app.NewLifecycle(zap.NewNop(), time.Second, time.Second)
			for i, name := range []string{"a", "b", "c"} {
				var err error
				if i == tt.failAt {
					err = errors.New("boom")
				}
				lc.Append(hook(r, name, err))
			}
			ctx, cancel := context.WithCancel(context.Background())
			done := make(chan error, 1)
			go func() { done <- lc.Run(ctx) }()
			if tt.failAt < 0 {
				waitFor(t, func() bool { return len(r.get()) == 3 })
				cancel()
			}
			err := <-done
			cancel()
			if tt.wantErr == "" && err != nil {
				t.Fatalf("Run = %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("Run error = %v, want %q", err, tt.wantErr)
			}
			if got := r.get(); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("events = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestLifecycleBoundsAStuckStop(t *testing.T) {
	r := &recorder{}
	// Each stuck hook gets 200ms of a 2s budget: the remaining 1.6s leave
	// ample room for the first hook's stop even on a loaded machine.
	lc := app.NewLifecycle(zap.NewNop(), 2*time.Second, 200*time.Millisecond)
	lc.Append(hook(r, "first", nil))
	lc.Append(app.Hook{Name: "stuck", Stop: func(context.Context) error { select {} }})
	lc.Append(app.Hook{Name: "slow", Stop: func(ctx context.Context) error { <-ctx.Done(); return ctx.Err() }})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	begin := time.Now()
	err := lc.Run(ctx)
	elapsed := time.Since(begin)
	if elapsed > 2*time.Second {
		t.Errorf("shutdown took %s, want within the 2s budget", elapsed)
	}
	for _, want := range []string{"stop slow", "stop stuck"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Run error = %v, want it to mention %q", err, want)
		}
	}
	if got := r.get(); !reflect.DeepEqual(got, []string{"start first", "stop first"}) {
		t.Errorf("events = %v: the first hook must still be stopped after the stuck ones", got)
	}
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("condition not met within 5s")
		}
		time.Sleep(5 * time.Millisecond)
	}
}
