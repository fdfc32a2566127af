package tasks

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"syscall"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/marketplace/watcher"
)

// processNice is the CPU niceness of task processes: validator duties keep priority.
const processNice = 10

type task struct {
	r        *Runner
	id       uint64
	specURI  string
	specHash common.Hash
	hist     *history
	cancel   context.CancelFunc
	done     chan struct{}

	mu     sync.Mutex
	status Status
	up     bool
}

func newTask(r *Runner, a watcher.Assignment, damList []common.Address, h *history) *task {
	return &task{
		r: r, id: a.NetworkID, specURI: a.Terms.TaskSpecURI, specHash: a.Terms.TaskSpecHash, hist: h,
		done: make(chan struct{}),
		status: Status{NetworkID: a.NetworkID, DAMs: damList, State: StateFetching, Since: r.opts.Now(),
			SpecURI: a.Terms.TaskSpecURI, SpecHash: a.Terms.TaskSpecHash},
	}
}

func (t *task) labels() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	dam := ""
	if len(t.status.DAMs) > 0 {
		dam = t.status.DAMs[0].Hex()
	}
	return []string{strconv.FormatUint(t.id, 10), dam, string(t.status.Kind)}
}

func (t *task) setDAMs(d []common.Address) {
	t.mu.Lock()
	t.status.DAMs = d
	t.mu.Unlock()
}

func (t *task) update(fn func(s *Status)) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fn(&t.status)
}

func (t *task) setState(state, lastErr string) {
	now := t.r.opts.Now()
	t.update(func(s *Status) {
		if s.State != state {
			s.Since = now
		}
		s.State = state
		if lastErr != "" {
			s.LastError = lastErr
		}
	})
}

func (t *task) setUp(up bool) {
	t.mu.Lock()
	t.up = up
	t.mu.Unlock()
}

func (t *task) isUp() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.up
}

func (t *task) snapshot() Status {
	t.mu.Lock()
	defer t.mu.Unlock()
	s := t.status
	s.DAMs = append([]common.Address(nil), s.DAMs...)
	return s
}

// stop cancels the task; the runner's WaitGroup waits for it.
func (t *task) stop() {
	t.mu.Lock()
	c := t.cancel
	t.mu.Unlock()
	if c != nil {
		c()
	}
}

// run runs the task until ctx (cancelled by stop) ends.
func (t *task) run(ctx context.Context) {
	defer close(t.done)
	spec := t.fetch(ctx)
	if spec == nil {
		t.setState(StateStopped, "")
		return
	}
	t.update(func(s *Status) { s.Kind = spec.Kind })
	var wg sync.WaitGroup
	wg.Go(func() { t.observe(ctx, spec) })
	switch spec.Kind {
	case KindProcess:
		t.runProcess(ctx, spec)
	case KindProbe:
		t.setState(StateProbing, "")
		<-ctx.Done()
	case KindValidator:
		t.setState(StateRunning, "")
		<-ctx.Done()
	case KindContainer:
		t.runContainer(ctx, spec)
	}
	wg.Wait()
	t.setUp(false)
	t.r.metrics.up.WithLabelValues(t.labels()...).Set(0)
	t.setState(StateStopped, "")
}

// fetch retrieves and checks the spec, retrying with backoff; nil when ctx ends first.
func (t *task) fetch(ctx context.Context) *Spec {
	backoff := time.Second
	for {
		spec, err := t.r.opts.Fetcher.Fetch(ctx, t.specURI, t.specHash)
		if err == nil {
			return spec
		}
		t.setState(StateSpecError, err.Error())
		t.r.log.Error("Network task spec rejected", zap.Uint64("network_id", t.id), zap.String("uri", t.specURI), zap.Error(err))
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, 5*time.Minute)
	}
}

// observe samples the task (and runs its health check) on an interval.
func (t *task) observe(ctx context.Context, spec *Spec) {
	interval := t.r.opts.SampleInterval
	if spec.Health != nil {
		interval = time.Duration(spec.Health.Interval)
	}
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		t.sample(ctx, spec)
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

func (t *task) sample(ctx context.Context, spec *Spec) {
	s := Sample{At: t.r.opts.Now()}
	lbl := t.labels()
	if spec.Health != nil {
		err := check(ctx, spec.Health, t.r.opts.HealthClient)
		if ctx.Err() != nil {
			return
		}
		s.HasHealth, s.HealthOK = true, err == nil
		ok := err == nil
		result := "ok"
		if !ok {
			result = "fail"
		}
		t.r.metrics.checks.WithLabelValues(append(lbl, result)...).Inc()
		t.r.metrics.healthy.WithLabelValues(lbl...).Set(b2f(ok))
		t.update(func(st *Status) {
			st.Healthy, st.LastCheck = &ok, s.At
			st.LastHealthErr = ""
			if err != nil {
				st.LastHealthErr = err.Error()
			}
		})
	}
	switch spec.Kind {
	case KindProbe:
		s.Up = s.HealthOK
	case KindValidator:
		up, detail := t.r.opts.Validator()
		s.Up = up
		t.update(func(st *Status) { st.ValidatorState = detail })
	default:
		s.Up = t.isUp()
	}
	t.r.metrics.up.WithLabelValues(lbl...).Set(b2f(s.Up))
	t.hist.add(s)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// runProcess runs the binary until ctx ends, restarting it with exponential backoff.
func (t *task) runProcess(ctx context.Context, spec *Spec) {
	p := spec.Process
	backoff := time.Duration(spec.Restart.InitialBackoff)
	for ctx.Err() == nil {
		out := &tailWriter{limit: 4096}
		cmd := exec.CommandContext(ctx, p.Command, p.Args...)
		cmd.Dir = p.Dir
		cmd.Env = os.Environ()
		for k, v := range p.Env {
			cmd.Env = append(cmd.Env, k+"="+v)
		}
		cmd.Stdout, cmd.Stderr = out, out
		cmd.Cancel = func() error { return cmd.Process.Signal(syscall.SIGTERM) }
		cmd.WaitDelay = 5 * time.Second
		started := time.Now()
		err := cmd.Start()
		if err == nil {
			_ = syscall.Setpriority(syscall.PRIO_PROCESS, cmd.Process.Pid, processNice)
			t.setUp(true)
			t.update(func(s *Status) { s.PID = cmd.Process.Pid })
			t.setState(StateRunning, "")
			err = cmd.Wait()
			t.setUp(false)
			t.update(func(s *Status) { s.PID, s.OutputTail = 0, out.String() })
		}
		if ctx.Err() != nil {
			return
		}
		if time.Since(started) > time.Duration(spec.Restart.MaxBackoff) {
			backoff = time.Duration(spec.Restart.InitialBackoff) // it ran long enough: start over
		}
		msg := fmt.Sprintf("process exited: %v", err)
		if err == nil {
			msg = "process exited with status 0"
		}
		t.setState(StateBackoff, msg)
		t.update(func(s *Status) { s.Restarts++ })
		t.r.metrics.restarts.WithLabelValues(t.labels()...).Inc()
		t.r.log.Warn("Network task process exited, restarting", zap.Uint64("network_id", t.id),
			zap.String("reason", msg), zap.Duration("backoff", backoff))
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(2*backoff, time.Duration(spec.Restart.MaxBackoff))
	}
}

// tailWriter keeps the last `limit` bytes written.
type tailWriter struct {
	mu    sync.Mutex
	buf   []byte
	limit int
}

func (w *tailWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.buf = append(w.buf, p...)
	if len(w.buf) > w.limit {
		w.buf = append([]byte(nil), w.buf[len(w.buf)-w.limit:]...)
	}
	return len(p), nil
}

func (w *tailWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return string(w.buf)
}
