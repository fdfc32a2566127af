package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/stingerdvt/stinger/duties"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
	"github.com/stingerdvt/stinger/testnet/devnet"
	"github.com/stingerdvt/stinger/testnet/internal/httpjson"
)

// Options configures a benchmark run.
type Options struct {
	// Binary is the stinger executable the devnet runs (required).
	Binary string
	// Dir holds one devnet directory per size (<dir>/v<validators>), kept after the run for the logs.
	Dir string
	// Validators lists the cluster sizes measured, one devnet each, in order.
	Validators []int
	// Nodes is the number of operators (3f+1).
	Nodes int
	// ExtraValidators are validators the simulator signs for itself (0: devnet's default, as many as the
	// cluster's).
	ExtraValidators int
	// Preset is minimal or mainnet; Slot the slot duration.
	Preset string
	Slot   time.Duration
	// Epochs is the measured window in epochs; WarmupSlots the slots not measured after genesis and
	// after every node is ready (its /readyz answers 200: at 10,000 validators nodes take a minute or
	// two to check their deposits first).
	Epochs      int
	WarmupSlots int
	// ProcRoot is where the proc file system is mounted ("/proc").
	ProcRoot string
	// Progress receives one line per step (nil: discarded).
	Progress io.Writer
}

// DefaultOptions are the `stinger bench duties` defaults: 4 nodes, mainnet preset, 12 s slots, one
// measured epoch after 4 warm-up slots.
func DefaultOptions() Options {
	return Options{Dir: "./bench", Validators: []int{100, 1000, 10000}, Nodes: 4, Preset: "mainnet",
		Slot: 12 * time.Second, Epochs: 1, WarmupSlots: 4, ProcRoot: "/proc"}
}

// Validate checks the options; errors name the flag.
func (o *Options) Validate() error {
	if len(o.Validators) == 0 {
		return errors.New("--validators: want at least one size")
	}
	for _, v := range o.Validators {
		if v < 1 {
			return fmt.Errorf("--validators %d: want at least 1", v)
		}
	}
	if o.Epochs < 1 {
		return fmt.Errorf("--epochs %d: want at least 1", o.Epochs)
	}
	if o.WarmupSlots < 1 {
		return fmt.Errorf("--warmup-slots %d: want at least 1 (the nodes need a slot to fetch their duties)", o.WarmupSlots)
	}
	if o.Slot < 2*time.Second {
		return fmt.Errorf("--slot %s: want at least 2s (the samples are taken a fraction of a slot before each boundary)", o.Slot)
	}
	d := o.devnetOptions(o.Validators[0])
	return d.Validate()
}

func (o *Options) devnetOptions(validators int) devnet.Options {
	return devnet.Options{Binary: o.Binary, Dir: filepath.Join(o.Dir, fmt.Sprintf("v%d", validators)), Nodes: o.Nodes,
		Validators: validators, ExtraValidators: o.ExtraValidators, Slot: o.Slot, Preset: o.Preset, Dealer: true,
		Progress: o.Progress}
}

func (o *Options) progress(format string, args ...any) {
	if o.Progress != nil {
		fmt.Fprintf(o.Progress, time.Now().Format("15:04:05 ")+format+"\n", args...)
	}
}

// Result is the measurement of one cluster size.
type Result struct {
	Validators      int    `json:"validators"`
	ExtraValidators int    `json:"extra_validators"`
	Nodes           int    `json:"nodes"`
	Preset          string `json:"preset"`
	SlotSeconds     int    `json:"slot_seconds"`
	// FirstSlot..LastSlot is the measured window; WindowSeconds its length.
	FirstSlot     uint64  `json:"first_slot"`
	LastSlot      uint64  `json:"last_slot"`
	WindowSeconds float64 `json:"window_seconds"`
	// LoadBefore and LoadAfter are the machine's load averages (1, 5, 15 min) at the window's ends.
	LoadBefore string `json:"load_average_before"`
	LoadAfter  string `json:"load_average_after"`
	Dir        string `json:"dir"`
	// Processes are the nodes, then the simulator.
	Processes []ProcResult `json:"processes"`
	// NodeDuties are each node's outcomes by duty type; AllDuties merges every node's.
	NodeDuties []NodeDuties `json:"node_duties"`
	AllDuties  []DutyStats  `json:"all_nodes_duties"`
	// Simulator is the simulator's score over the window, by duty type.
	Simulator []SimDuty `json:"simulator"`
	// AttestationsOnTime is the percentage of the window's attestations correct within their slot.
	AttestationsOnTime float64  `json:"attestations_on_time_percent"`
	Targets            []Target `json:"targets,omitempty"`
	Notes              []string `json:"notes,omitempty"`
	// Error is why this size could not be measured (then the rest may be missing).
	Error string `json:"error,omitempty"`
}

// ProcResult is one process's resource use over the window.
type ProcResult struct {
	Name       string  `json:"name"`
	PID        int     `json:"pid"`
	CPUSeconds float64 `json:"cpu_seconds"`
	// CPUPercent is CPUSeconds over the window's length, in percent of one core.
	CPUPercent float64 `json:"cpu_percent_of_one_core"`
	RSSMiB     float64 `json:"rss_mib"`
	// WindowPeakMiB is the highest RSS sampled (once per slot) in the window; PeakMiB is VmHWM.
	WindowPeakMiB float64 `json:"window_peak_rss_mib"`
	PeakMiB       float64 `json:"peak_rss_mib"`
	Error         string  `json:"error,omitempty"`
}

// NodeDuties is one node's outcomes of the window.
type NodeDuties struct {
	Node   string      `json:"node"`
	Duties []DutyStats `json:"duties"`
	Error  string      `json:"error,omitempty"`
}

// SimDuty is the simulator's score of one duty type over the window.
type SimDuty struct {
	Type string `json:"type"`
	beaconsim.Counters
	// OnTimePercent is Correct / Expected.
	OnTimePercent float64 `json:"on_time_percent"`
}

// Target is one of the performance targets, checked for the size it names.
type Target struct {
	Name   string `json:"name"`
	Met    bool   `json:"met"`
	Detail string `json:"detail"`
}

// Run measures every size in turn; a size that fails is reported with its Error and the next one runs.
// It returns early only when ctx ends.
func Run(ctx context.Context, o Options) ([]Result, error) {
	if err := o.Validate(); err != nil {
		return nil, err
	}
	var out []Result
	for _, v := range o.Validators {
		r := measure(ctx, &o, v)
		out = append(out, r)
		if err := ctx.Err(); err != nil {
			return out, err
		}
	}
	return out, nil
}

// measure runs one size.
func measure(ctx context.Context, o *Options, validators int) Result {
	dopts := o.devnetOptions(validators)
	r := Result{Validators: validators, ExtraValidators: o.ExtraValidators, Nodes: o.Nodes, Preset: o.Preset,
		SlotSeconds: int(o.Slot / time.Second), Dir: dopts.Dir}
	if r.ExtraValidators == 0 {
		r.ExtraValidators = validators
	}
	fail := func(err error) Result {
		r.Error = err.Error()
		o.progress("%d validators: %v", validators, err)
		return r
	}
	o.progress("%d validators: starting the devnet in %s", validators, dopts.Dir)
	d, err := devnet.Start(ctx, dopts)
	if err != nil {
		return fail(err)
	}
	defer func() {
		o.progress("%d validators: stopping the devnet", validators)
		d.Close()
	}()
	m := d.Manifest()
	preset, err := beaconsim.PresetByName(o.Preset)
	if err != nil {
		return fail(err)
	}
	genesis, err := genesisTime(ctx, m.Beacon.URL)
	if err != nil {
		return fail(err)
	}
	slotStart := func(s uint64) time.Time { return genesis.Add(time.Duration(s) * o.Slot) }
	ready, err := waitReady(ctx, &m, readyTimeout)
	if err != nil {
		return fail(err)
	}
	r.FirstSlot = uint64(o.WarmupSlots)
	if ready.After(genesis) {
		r.FirstSlot += uint64(ready.Sub(genesis) / o.Slot)
	}
	r.LastSlot = r.FirstSlot + uint64(o.Epochs)*preset.SlotsPerEpoch - 1
	// Samples are taken a twelfth of a slot before each boundary: every duty of the slot before is done
	// by then (or late), and the next slot's duties are not yet expected by the simulator.
	lead := o.Slot / 12
	begin, end := slotStart(r.FirstSlot).Add(-lead), slotStart(r.LastSlot+1).Add(-lead)
	o.progress("%d validators: genesis %s; warm-up until slot %d, measuring slots %d..%d (until %s)", validators,
		genesis.Format("15:04:05"), r.FirstSlot, r.FirstSlot, r.LastSlot, end.Add(lead).Format("15:04:05"))
	if err := sleepUntil(ctx, begin); err != nil {
		return fail(err)
	}
	procs := processes(&m)
	before := sampleAll(o.ProcRoot, procs)
	r.LoadBefore = LoadAverage(o.ProcRoot)
	simBefore, err := beaconsim.FetchStats(ctx, nil, m.Beacon.URL)
	if err != nil {
		return fail(err)
	}
	start := time.Now()
	peak := make([]uint64, len(procs))
	for s := r.FirstSlot + 1; s <= r.LastSlot+1; s++ {
		if err := sleepUntil(ctx, slotStart(s).Add(-lead)); err != nil {
			return fail(err)
		}
		for i, p := range sampleAll(o.ProcRoot, procs) {
			peak[i] = max(peak[i], p.RSS)
		}
		if gone := d.Exited(); len(gone) > 0 {
			r.Notes = append(r.Notes, gone...)
			return fail(fmt.Errorf("a process exited during the window: %s", strings.Join(gone, "; ")))
		}
	}
	after := sampleAll(o.ProcRoot, procs)
	window := time.Since(start)
	r.WindowSeconds = window.Seconds()
	r.LoadAfter = LoadAverage(o.ProcRoot)
	simAfter, err := beaconsim.FetchStats(ctx, nil, m.Beacon.URL)
	if err != nil {
		return fail(err)
	}
	if simBefore.CurrentSlot != r.FirstSlot-1 || simAfter.CurrentSlot != r.LastSlot {
		r.Notes = append(r.Notes, fmt.Sprintf("simulator score sampled in slots %d and %d, want %d and %d: "+
			"its window is off by the difference", simBefore.CurrentSlot, simAfter.CurrentSlot, r.FirstSlot-1, r.LastSlot))
	}
	r.Processes = procResults(procs, before, after, peak, window)
	r.Simulator, r.AttestationsOnTime = simDelta(simBefore, simAfter)
	if simAfter.Totals.Slashable > simBefore.Totals.Slashable {
		r.Notes = append(r.Notes, fmt.Sprintf("%d slashable offences in the window", simAfter.Totals.Slashable-simBefore.Totals.Slashable))
	}
	// Outcomes are final at the end of their slot; one more slot of margin.
	o.progress("%d validators: window done; collecting the nodes' duty outcomes after slot %d", validators, r.LastSlot+1)
	if err := sleepUntil(ctx, slotStart(r.LastSlot+2)); err != nil {
		return fail(err)
	}
	var all []duties.Outcome
	for _, n := range m.Nodes {
		outs, err := fetchOutcomes(ctx, n.API, r.FirstSlot, r.LastSlot)
		nd := NodeDuties{Node: n.Name}
		if err != nil {
			nd.Error = err.Error()
		} else {
			nd.Duties = Summarize(outs, o.Slot)
			all = append(all, outs...)
		}
		r.NodeDuties = append(r.NodeDuties, nd)
	}
	r.AllDuties = Summarize(all, o.Slot)
	r.Targets = targets(&r)
	return r
}

type proc struct {
	name string
	pid  int
}

func processes(m *devnet.Manifest) []proc {
	var ps []proc
	for _, n := range m.Nodes {
		ps = append(ps, proc{n.Name, n.PID})
	}
	return append(ps, proc{"simulator", m.Beacon.PID})
}

type sample struct {
	ProcSample
	err error
}

func sampleAll(root string, ps []proc) []sample {
	out := make([]sample, len(ps))
	for i, p := range ps {
		out[i].ProcSample, out[i].err = ReadProc(root, p.pid)
	}
	return out
}

const mib = 1 << 20

func procResults(ps []proc, before, after []sample, peak []uint64, window time.Duration) []ProcResult {
	out := make([]ProcResult, len(ps))
	for i, p := range ps {
		pr := ProcResult{Name: p.name, PID: p.pid}
		if err := errors.Join(before[i].err, after[i].err); err != nil {
			pr.Error = err.Error()
		} else {
			cpu := after[i].CPU - before[i].CPU
			pr.CPUSeconds = cpu.Seconds()
			pr.CPUPercent = 100 * cpu.Seconds() / window.Seconds()
			pr.RSSMiB = float64(after[i].RSS) / mib
			pr.WindowPeakMiB = float64(max(peak[i], after[i].RSS, before[i].RSS)) / mib
			pr.PeakMiB = float64(after[i].PeakRSS) / mib
		}
		out[i] = pr
	}
	return out
}

// simDelta is the simulator's score between two snapshots, by duty type (types with nothing expected or
// performed are left out), and the percentage of attestations correct within their slot.
func simDelta(before, after beaconsim.Stats) ([]SimDuty, float64) {
	var out []SimDuty
	onTime := 0.0
	for _, typ := range []beaconsim.DutyType{beaconsim.DutyAttestation, beaconsim.DutyAggregation,
		beaconsim.DutyProposal, beaconsim.DutySyncCommittee, beaconsim.DutySyncContribution,
		beaconsim.DutyVoluntaryExit, beaconsim.DutyRegistration} {
		a, b := after.ByType[typ], before.ByType[typ]
		c := beaconsim.Counters{Expected: a.Expected - b.Expected, Correct: a.Correct - b.Correct,
			Missed: a.Missed - b.Missed, Late: a.Late - b.Late, InvalidSignatures: a.InvalidSignatures - b.InvalidSignatures,
			Slashable: a.Slashable - b.Slashable, Incorrect: a.Incorrect - b.Incorrect}
		if c == (beaconsim.Counters{}) {
			continue
		}
		sd := SimDuty{Type: string(typ), Counters: c}
		if c.Expected > 0 {
			sd.OnTimePercent = 100 * float64(c.Correct) / float64(c.Expected)
		}
		if typ == beaconsim.DutyAttestation {
			onTime = sd.OnTimePercent
		}
		out = append(out, sd)
	}
	return out, onTime
}

// targets checks the targets for the sizes they name: at 1,000 validators p99 attestation
// latency (slot start → broadcast, the wait for the slot's block included) under 500 ms with nothing
// missed; at 10,000 validators at least 99% of attestations on time.
func targets(r *Result) []Target {
	att, _ := Find(r.AllDuties, duties.DutyAttester.String())
	var sim SimDuty
	for _, s := range r.Simulator {
		if s.Type == string(beaconsim.DutyAttestation) {
			sim = s
		}
	}
	switch r.Validators {
	case 1000:
		nothingMissed := att.Succeeded > 0 && att.Failed+att.Late == 0 && sim.Expected > 0 &&
			sim.Correct == sim.Expected && sim.InvalidSignatures == 0
		missed := fmt.Sprintf("nodes: %d failed, %d late; simulator: %d of %d attestations correct in their slot, %d invalid",
			att.Failed, att.Late, sim.Correct, sim.Expected, sim.InvalidSignatures)
		return []Target{{Name: "1,000 validators: p99 attestation latency (slot start → broadcast) < 500 ms, nothing missed",
			Met:    nothingMissed && att.P99Millis < 500,
			Detail: fmt.Sprintf("p99 %d ms over %d node broadcasts; %s", att.P99Millis, att.Succeeded, missed)}}
	case 10000:
		return []Target{{Name: "10,000 validators: >= 99% of attestations on time", Met: sim.Expected > 0 && r.AttestationsOnTime >= 99,
			Detail: fmt.Sprintf("%.2f%% (%d of %d correct within their slot)", r.AttestationsOnTime, sim.Correct, sim.Expected)}}
	}
	return nil
}

func sleepUntil(ctx context.Context, t time.Time) error {
	timer := time.NewTimer(time.Until(t))
	defer timer.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-timer.C:
		return nil
	}
}

// readyTimeout bounds the wait for the nodes' readiness.
const readyTimeout = 10 * time.Minute

// waitReady polls every node's /readyz until all answer 200 and returns when that was.
func waitReady(ctx context.Context, m *devnet.Manifest, timeout time.Duration) (time.Time, error) {
	deadline := time.Now().Add(timeout)
	for {
		var notReady error
		for _, n := range m.Nodes {
			if err := getJSON(ctx, n.API+"/readyz", nil); err != nil {
				notReady = fmt.Errorf("%s not ready: %w", n.Name, err)
				break
			}
		}
		if notReady == nil {
			return time.Now(), nil
		}
		if time.Now().After(deadline) {
			return time.Time{}, fmt.Errorf("nodes not ready after %s: %w", timeout, notReady)
		}
		if err := sleepUntil(ctx, time.Now().Add(500*time.Millisecond)); err != nil {
			return time.Time{}, err
		}
	}
}

func genesisTime(ctx context.Context, beaconURL string) (time.Time, error) {
	var g struct {
		Data struct {
			GenesisTime string `json:"genesis_time"`
		} `json:"data"`
	}
	if err := getJSON(ctx, beaconURL+"/eth/v1/beacon/genesis", &g); err != nil {
		return time.Time{}, fmt.Errorf("read genesis time: %w", err)
	}
	sec, err := strconv.ParseInt(g.Data.GenesisTime, 10, 64)
	if err != nil {
		return time.Time{}, fmt.Errorf("read genesis time: genesis_time %q: %w", g.Data.GenesisTime, err)
	}
	return time.Unix(sec, 0), nil
}

func fetchOutcomes(ctx context.Context, api string, from, to uint64) ([]duties.Outcome, error) {
	var resp duties.DutiesResponse
	url := fmt.Sprintf("%s%s?from_slot=%d&to_slot=%d", api, duties.DutiesPath, from, to)
	if err := getJSON(ctx, url, &resp); err != nil {
		return nil, fmt.Errorf("read duty outcomes: %w", err)
	}
	return resp.Duties, nil
}

// getJSON GETs url (30 s at most) and decodes a 2xx JSON answer into v.
func getJSON(ctx context.Context, url string, v any) error {
	return httpjson.Get(ctx, 30*time.Second, url, v)
}
