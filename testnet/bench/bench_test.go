package bench

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/duties"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
	"github.com/stingerdvt/stinger/testnet/devnet"
)

func TestOptionsValidateNamesTheFlag(t *testing.T) {
	ok := DefaultOptions()
	ok.Binary = "/bin/true"
	tests := []struct {
		name   string
		mutate func(*Options)
		want   string
	}{
		{"defaults", func(*Options) {}, ""},
		{"no sizes", func(o *Options) { o.Validators = nil }, "--validators"},
		{"zero validators", func(o *Options) { o.Validators = []int{100, 0} }, "--validators 0"},
		{"no epochs", func(o *Options) { o.Epochs = 0 }, "--epochs 0"},
		{"no warm-up", func(o *Options) { o.WarmupSlots = 0 }, "--warmup-slots 0"},
		{"short slot", func(o *Options) { o.Slot = time.Second }, "--slot 1s"},
		{"bad preset", func(o *Options) { o.Preset = "gnosis" }, "--preset"},
		{"5 nodes", func(o *Options) { o.Nodes = 5 }, "--nodes 5"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			tt.mutate(&o)
			err := o.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to mention %q", err, tt.want)
			}
		})
	}
	if d := ok.devnetOptions(1000); !d.Dealer || d.Chain || !strings.HasSuffix(d.Dir, "v1000") {
		t.Fatalf("devnet options %+v: want dealer keys, no chain, dir .../v1000", d)
	}
}

func TestSimDeltaIsTheWindowsScore(t *testing.T) {
	before := beaconsim.Stats{ByType: map[beaconsim.DutyType]beaconsim.Counters{
		beaconsim.DutyAttestation:   {Expected: 100, Correct: 90, Late: 5},
		beaconsim.DutySyncCommittee: {Expected: 50, Correct: 50},
	}}
	after := beaconsim.Stats{ByType: map[beaconsim.DutyType]beaconsim.Counters{
		beaconsim.DutyAttestation:   {Expected: 300, Correct: 288, Late: 6, InvalidSignatures: 1},
		beaconsim.DutySyncCommittee: {Expected: 50, Correct: 50},
		beaconsim.DutyProposal:      {Expected: 2, Correct: 1},
	}}
	got, onTime := simDelta(before, after)
	want := []SimDuty{
		{Type: "attestation", Counters: beaconsim.Counters{Expected: 200, Correct: 198, Late: 1, InvalidSignatures: 1}, OnTimePercent: 99},
		{Type: "proposal", Counters: beaconsim.Counters{Expected: 2, Correct: 1}, OnTimePercent: 50},
	}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] {
		t.Fatalf("simDelta = %+v, want %+v (types with nothing in the window left out)", got, want)
	}
	if onTime != 99 {
		t.Fatalf("attestations on time %v, want 99", onTime)
	}
}

func TestTargets(t *testing.T) {
	att := duties.DutyAttester.String()
	result := func(validators int, p99 int64, late int, correct uint64) *Result {
		return &Result{Validators: validators,
			AllDuties:          []DutyStats{{Type: att, Succeeded: 4000, Late: late, P99Millis: p99}},
			Simulator:          []SimDuty{{Type: "attestation", Counters: beaconsim.Counters{Expected: 1000, Correct: correct}}},
			AttestationsOnTime: 100 * float64(correct) / 1000}
	}
	tests := []struct {
		name string
		r    *Result
		want []bool
	}{
		{"1,000 fast and complete", result(1000, 499, 0, 1000), []bool{true}},
		{"1,000 slow", result(1000, 500, 0, 1000), []bool{false}},
		{"1,000 one late at a node", result(1000, 300, 1, 1000), []bool{false}},
		{"1,000 one missed at the simulator", result(1000, 300, 0, 999), []bool{false}},
		{"10,000 at 99%", result(10000, 9000, 50, 990), []bool{true}},
		{"10,000 at 98.9%", result(10000, 9000, 50, 989), []bool{false}},
		{"other sizes have no target", result(100, 4300, 0, 1000), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := targets(tt.r)
			if len(got) != len(tt.want) {
				t.Fatalf("%d targets, want %d: %+v", len(got), len(tt.want), got)
			}
			for i := range got {
				if got[i].Met != tt.want[i] {
					t.Errorf("target %q met = %v, want %v (%s)", got[i].Name, got[i].Met, tt.want[i], got[i].Detail)
				}
			}
		})
	}
}

func TestFormatPrintsEveryTable(t *testing.T) {
	r := *result1000()
	var b bytes.Buffer
	if err := Format(&b, []Result{r, {Validators: 10000, Error: "devnet: nodes did not start"}}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{"== 1000 validators", "node0", "simulator", "attester", "4321",
		"attestations on time (correct within their slot): 100.00%", "target 1,000 validators",
		"== 10000 validators", "NOT MEASURED: devnet: nodes did not start"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

func result1000() *Result {
	r := &Result{Validators: 1000, Nodes: 4, Preset: "mainnet", SlotSeconds: 12, FirstSlot: 4, LastSlot: 35,
		Processes:          []ProcResult{{Name: "node0", PID: 1, CPUSeconds: 10, CPUPercent: 2.6, RSSMiB: 100, PeakMiB: 120}},
		NodeDuties:         []NodeDuties{{Node: "node0", Duties: []DutyStats{{Type: "attester", Succeeded: 1000, P99Millis: 4321}}}},
		Simulator:          []SimDuty{{Type: "attestation", Counters: beaconsim.Counters{Expected: 1000, Correct: 1000}, OnTimePercent: 100}},
		AttestationsOnTime: 100}
	r.AllDuties = r.NodeDuties[0].Duties
	r.Targets = targets(r)
	return r
}

// TestWaitReady waits until every node's /readyz answers 200, and gives up after the timeout naming the
// node that is not ready.
func TestWaitReady(t *testing.T) {
	tests := []struct {
		name       string
		notReady   [2]int32 // 503 answers before 200, per node (-1: never ready)
		timeout    time.Duration
		wantErr    string
		wantPolled bool
	}{
		{name: "ready at once", timeout: time.Second},
		{name: "second node ready after 2 polls", notReady: [2]int32{0, 2}, timeout: 10 * time.Second, wantPolled: true},
		{name: "never ready", notReady: [2]int32{0, -1}, timeout: 700 * time.Millisecond, wantErr: "node1 not ready"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &devnet.Manifest{}
			for i := range 2 {
				var calls atomic.Int32
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					if r.URL.Path != "/readyz" {
						http.NotFound(w, r)
						return
					}
					if n := tt.notReady[i]; n < 0 || calls.Add(1) <= n {
						http.Error(w, `{"status":"initializing"}`, http.StatusServiceUnavailable)
						return
					}
					_, _ = w.Write([]byte(`{"status":"healthy"}`))
				}))
				t.Cleanup(srv.Close)
				m.Nodes = append(m.Nodes, devnet.NodeInfo{Name: fmt.Sprintf("node%d", i), API: srv.URL})
			}
			start := time.Now()
			at, err := waitReady(context.Background(), m, tt.timeout)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if at.Before(start) || (tt.wantPolled && at.Sub(start) < time.Second) {
				t.Fatalf("ready %s after the start, want %s", at.Sub(start), map[bool]string{true: ">= 1s (2 polls of 500 ms)", false: ">= 0"}[tt.wantPolled])
			}
		})
	}
}
