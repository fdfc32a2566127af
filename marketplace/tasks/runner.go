package tasks

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/ethereum/go-ethereum/common"
	"github.com/prometheus/client_golang/prometheus"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/marketplace/watcher"
)

// ValidatorState reports whether the cluster's validator duties are being performed (for tasks of
// kind validator), with a short human-readable detail.
type ValidatorState func() (up bool, detail string)

// Options configures a Runner.
type Options struct {
	Fetcher        *Fetcher       // task spec fetcher (nil: default)
	HealthClient   *http.Client   // client for http health checks (nil: default)
	Validator      ValidatorState // state of validator-kind tasks (nil: always down)
	Now            func() time.Time
	SampleInterval time.Duration // sampling period of tasks without a health check (default 10 s)
	HistoryLimit   int           // samples kept per Network (default 100,000)
	DockerSocket   string        // Docker Engine API socket for container tasks (default /var/run/docker.sock)
	HistoryPath    string        // bbolt file persisting samples across restarts ("" = memory only)
	Log            *zap.Logger
	Registerer     prometheus.Registerer
}

// Status is the state of one Network's task, as shown on the node API.
type Status struct {
	NetworkID      uint64           `json:"network_id"`
	DAMs           []common.Address `json:"dams"`
	Kind           Kind             `json:"kind,omitempty"`
	State          string           `json:"state"`
	Healthy        *bool            `json:"healthy,omitempty"`
	LastHealthErr  string           `json:"last_health_error,omitempty"`
	LastError      string           `json:"last_error,omitempty"`
	Restarts       int              `json:"restarts"`
	PID            int              `json:"pid,omitempty"`
	ContainerID    string           `json:"container_id,omitempty"`
	Since          time.Time        `json:"since"`
	SpecURI        string           `json:"spec_uri"`
	SpecHash       common.Hash      `json:"spec_hash"`
	LastCheck      time.Time        `json:"last_check,omitempty"`
	OutputTail     string           `json:"output_tail,omitempty"`
	ValidatorState string           `json:"validator_state,omitempty"`
}

// Task states.
const (
	StateFetching  = "fetching_spec"
	StateSpecError = "spec_error"
	StateRunning   = "running"
	StateBackoff   = "backoff"
	StateProbing   = "probing"
	StateFailed    = "failed"
	StateStopped   = "stopped"
)

// Runner starts, supervises and stops the tasks of the operator's assignments.
type Runner struct {
	opts    Options
	log     *zap.Logger
	metrics *metrics
	docker  *docker
	store   *historyStore

	mu      sync.Mutex
	tasks   map[uint64]*task
	history map[uint64]*history
	wg      sync.WaitGroup
}

// New returns a Runner.
func New(opts Options) (*Runner, error) {
	if opts.Log == nil {
		return nil, errors.New("tasks: no logger")
	}
	if opts.Fetcher == nil {
		opts.Fetcher = &Fetcher{}
	}
	if opts.HealthClient == nil {
		opts.HealthClient = &http.Client{}
	}
	if opts.Validator == nil {
		opts.Validator = func() (bool, string) { return false, "no validator state source" }
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.SampleInterval <= 0 {
		opts.SampleInterval = 10 * time.Second
	}
	if opts.DockerSocket == "" {
		opts.DockerSocket = DefaultDockerSocket
	}
	if opts.HistoryLimit <= 0 {
		opts.HistoryLimit = 100_000
	}
	m, err := newMetrics(opts.Registerer)
	if err != nil {
		return nil, err
	}
	r := &Runner{opts: opts, log: opts.Log, metrics: m, docker: newDocker(opts.DockerSocket),
		tasks: map[uint64]*task{}, history: map[uint64]*history{}}
	if opts.HistoryPath != "" {
		if r.store, err = openHistoryStore(opts.HistoryPath); err != nil {
			return nil, err
		}
	}
	return r, nil
}

// Close stops every task and closes the history store.
func (r *Runner) Close() error {
	r.StopAll()
	if r.store != nil {
		return r.store.close()
	}
	return nil
}

// historyOf returns the Network's history, loading persisted samples on first use. r.mu is held.
func (r *Runner) historyOf(id uint64) (*history, bool) {
	if h, ok := r.history[id]; ok {
		return h, true
	}
	h := newHistory(r.opts.HistoryLimit)
	if r.store == nil {
		return h, false
	}
	h.id, h.store = id, r.store
	h.onErr = func(err error) {
		r.log.Warn("persist task sample", zap.Uint64("network_id", id), zap.Error(err))
	}
	samples, err := r.store.load(id, r.opts.HistoryLimit)
	if err != nil {
		r.log.Warn("load task history", zap.Uint64("network_id", id), zap.Error(err))
	}
	h.samples = samples
	return h, len(samples) > 0
}

// Source is what Run follows: the watcher's assignments and their change signal.
type Source interface {
	Assignments() []watcher.Assignment
	Changed() <-chan struct{}
}

// Run keeps the tasks in line with src until ctx ends, then stops every task and waits for them.
func (r *Runner) Run(ctx context.Context, src Source) error {
	defer r.StopAll()
	for {
		ch := src.Changed()
		r.Sync(ctx, src.Assignments())
		select {
		case <-ctx.Done():
			return nil
		case <-ch:
		}
	}
}

// Sync starts tasks for new Networks, restarts tasks whose spec changed and stops tasks of Networks
// no longer assigned. Tasks live until their assignment goes or ctx ends.
func (r *Runner) Sync(ctx context.Context, assignments []watcher.Assignment) {
	want := map[uint64][]watcher.Assignment{}
	for _, a := range assignments {
		want[a.NetworkID] = append(want[a.NetworkID], a)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	for id, t := range r.tasks {
		as, ok := want[id]
		if ok && as[0].Terms.TaskSpecHash == t.specHash && as[0].Terms.TaskSpecURI == t.specURI {
			t.setDAMs(dams(as))
			continue
		}
		r.log.Info("stopping Network task", zap.Uint64("network_id", id), zap.Bool("still_assigned", ok))
		t.stop()
		delete(r.tasks, id)
	}
	for id, as := range want {
		if _, running := r.tasks[id]; running || ctx.Err() != nil {
			continue
		}
		h, _ := r.historyOf(id)
		r.history[id] = h
		t := newTask(r, as[0], dams(as), h)
		tctx, cancel := context.WithCancel(ctx)
		t.cancel = cancel
		r.tasks[id] = t
		r.log.Info("starting Network task", zap.Uint64("network_id", id), zap.String("spec_uri", t.specURI))
		r.wg.Add(1)
		go func() {
			defer r.wg.Done()
			defer cancel()
			t.run(tctx)
		}()
	}
}

// StopAll stops every task and waits for them to exit.
func (r *Runner) StopAll() {
	r.mu.Lock()
	for id, t := range r.tasks {
		t.stop()
		delete(r.tasks, id)
	}
	r.mu.Unlock()
	r.wg.Wait()
}

// Snapshot returns the state of every task, by Network id.
func (r *Runner) Snapshot() []Status {
	r.mu.Lock()
	ts := make([]*task, 0, len(r.tasks))
	for _, t := range r.tasks {
		ts = append(ts, t)
	}
	r.mu.Unlock()
	out := make([]Status, 0, len(ts))
	for _, t := range ts {
		out = append(out, t.snapshot())
	}
	slices.SortFunc(out, func(a, b Status) int { return int(a.NetworkID) - int(b.NetworkID) })
	return out
}

// Stats summarises a Network's task samples in [from, to). ok=false if the Network never ran here.
func (r *Runner) Stats(networkID uint64, from, to time.Time) (PeriodStats, bool) {
	r.mu.Lock()
	h, ok := r.historyOf(networkID)
	if ok {
		r.history[networkID] = h
	}
	t := r.tasks[networkID]
	r.mu.Unlock()
	if !ok {
		return PeriodStats{}, false
	}
	st := h.stats(from, to)
	if t != nil {
		s := t.snapshot()
		st.Restarts, st.Kind = s.Restarts, s.Kind
	}
	return st, true
}

func dams(as []watcher.Assignment) []common.Address {
	out := make([]common.Address, 0, len(as))
	for _, a := range as {
		out = append(out, a.DAM)
	}
	return out
}
