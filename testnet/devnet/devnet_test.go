package devnet

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/duties"
	"github.com/stingerdvt/stinger/p2p"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

func TestOptionsValidateNamesTheFlag(t *testing.T) {
	ok := DefaultOptions()
	ok.Binary = "/bin/true"
	tests := []struct {
		name   string
		mutate func(*Options)
		want   string
	}{
		{"defaults are valid", func(*Options) {}, ""},
		{"no binary", func(o *Options) { o.Binary = "" }, "no stinger binary"},
		{"no dir", func(o *Options) { o.Dir = "" }, "--dir"},
		{"3 nodes", func(o *Options) { o.Nodes = 3 }, "--nodes 3"},
		{"5 nodes is not 3f+1", func(o *Options) { o.Nodes = 5 }, "--nodes 5"},
		{"7 nodes", func(o *Options) { o.Nodes = 7 }, ""},
		{"no validators", func(o *Options) { o.Validators = 0 }, "--validators 0"},
		{"negative extra", func(o *Options) { o.ExtraValidators = -1 }, "--extra-validators -1"},
		{"sub-second slot", func(o *Options) { o.Slot = 500 * time.Millisecond }, "--slot 500ms"},
		{"fractional slot", func(o *Options) { o.Slot = 1500 * time.Millisecond }, "--slot 1.5s"},
		{"unknown preset", func(o *Options) { o.Preset = "gnosis" }, "--preset"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := ok
			tt.mutate(&o)
			err := o.Validate()
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want it to mention %q", err, tt.want)
			}
		})
	}
}

func TestManifestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	m := &Manifest{Dir: dir, Preset: "minimal", SlotSeconds: 2, Beacon: BeaconInfo{URL: "http://127.0.0.1:1"},
		Nodes: []NodeInfo{{Name: "node0", API: "http://127.0.0.1:2", Process: Process{PID: 42}}},
		Chain: &ChainInfo{RPC: "http://127.0.0.1:3", NetworkID: "1"}}
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	got, err := LoadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.SlotTime != 2*time.Second || got.Nodes[0].PID != 42 || got.Chain.RPC != m.Chain.RPC || got.Beacon.URL != m.Beacon.URL {
		t.Fatalf("round trip lost data: %+v", got)
	}
	if _, err := LoadManifest(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not found") {
		t.Fatalf("missing manifest: err %v", err)
	}
}

func TestPrepareDirRefusesForeignOrRunningDirectories(t *testing.T) {
	t.Run("missing dir is created", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "a", "b")
		if err := prepareDir(dir); err != nil {
			t.Fatal(err)
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			t.Fatalf("not created: %v", err)
		}
	})
	t.Run("foreign files are never touched", func(t *testing.T) {
		dir := t.TempDir()
		precious := filepath.Join(dir, "precious.txt")
		if err := os.WriteFile(precious, []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := prepareDir(dir); err == nil || !strings.Contains(err.Error(), "no devnet.json") {
			t.Fatalf("err %v, want a refusal", err)
		}
		if _, err := os.Stat(precious); err != nil {
			t.Fatalf("foreign file removed: %v", err)
		}
	})
	t.Run("a stopped devnet is wiped", func(t *testing.T) {
		dir := t.TempDir()
		if err := (&Manifest{Dir: dir}).Save(); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, "old.log"), []byte("x"), 0o600); err != nil {
			t.Fatal(err)
		}
		if err := prepareDir(dir); err != nil {
			t.Fatal(err)
		}
		if entries, _ := os.ReadDir(dir); len(entries) != 0 {
			t.Fatalf("not wiped: %v", entries)
		}
	})
	t.Run("a running devnet is refused", func(t *testing.T) {
		dir := t.TempDir()
		cmd := sleeper(t, dir)
		if err := (&Manifest{Dir: dir, Nodes: []NodeInfo{{Name: "node0", Process: Process{PID: cmd.Process.Pid}}}}).Save(); err != nil {
			t.Fatal(err)
		}
		if err := prepareDir(dir); err == nil || !strings.Contains(err.Error(), "still running") {
			t.Fatalf("err %v, want still running", err)
		}
	})
}

// sleeper starts a process whose command line mentions marker, as a devnet child's does.
func sleeper(t *testing.T, marker string) *exec.Cmd {
	t.Helper()
	// A command after sleep keeps sh itself running (sh would otherwise exec sleep, whose command line
	// does not mention marker, a race that made this test flaky).
	cmd := exec.Command("sh", "-c", "sleep 60; : "+marker)
	if err := cmd.Start(); err != nil {
		t.Skipf("cannot start sh: %v", err)
	}
	// Right after exec, /proc/PID/cmdline can still read empty: wait until it names marker, as a
	// devnet child's does long before anyone looks.
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(time.Millisecond) {
		raw, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", cmd.Process.Pid))
		if strings.Contains(string(raw), marker) || time.Now().After(deadline) {
			break
		}
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})
	return cmd
}

func TestDownStopsOnlyProcessesOfThisDevnet(t *testing.T) {
	dir := t.TempDir()
	ours := sleeper(t, dir)
	foreign := sleeper(t, "someone-else")
	m := &Manifest{Dir: dir, Beacon: BeaconInfo{Process: Process{PID: foreign.Process.Pid}},
		Nodes: []NodeInfo{{Name: "node0", Process: Process{PID: ours.Process.Pid}}}}
	if err := m.Save(); err != nil {
		t.Fatal(err)
	}
	var lines []string
	if err := Down(dir, 5*time.Second, func(s string) { lines = append(lines, s) }); err != nil {
		t.Fatal(err)
	}
	out := strings.Join(lines, "\n")
	if !strings.Contains(out, "stopping node0") || !strings.Contains(out, "beacon: PID") {
		t.Fatalf("report:\n%s", out)
	}
	if ok, _ := alive(ours.Process.Pid, dir); ok {
		t.Fatal("devnet process still running")
	}
	if ok, _ := alive(foreign.Process.Pid, ""); !ok {
		t.Fatal("a foreign process was signalled")
	}
}

// fakeNode serves the node API endpoints the status screen reads; missing ones answer 404.
func fakeNode(t *testing.T, health int, withPeers, withDuties bool) string {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /eigen/node/health", func(w http.ResponseWriter, _ *http.Request) { w.WriteHeader(health) })
	if withPeers {
		mux.HandleFunc("GET "+p2p.PeersPath, func(w http.ResponseWriter, _ *http.Request) {
			_ = json.NewEncoder(w).Encode(p2p.PeersResponse{Peers: []p2p.PeerStatus{{Connected: true}, {Connected: true}, {}}})
		})
	}
	if withDuties {
		mux.HandleFunc("GET "+duties.DutiesPath, func(w http.ResponseWriter, _ *http.Request) {
			_ = json.NewEncoder(w).Encode(duties.DutiesResponse{Duties: []duties.Outcome{
				{Slot: 5, Duty: "attester", Status: duties.StatusSucceeded},
				{Slot: 6, Duty: "attester", Status: duties.StatusFailed, Stage: "consensus", Reason: "no quorum"},
				{Slot: 4, Duty: "proposer", Status: duties.StatusLate, Stage: "broadcast"},
				{Slot: 7, Duty: "attester", Status: duties.StatusSucceeded},
			}})
		})
	}
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestPollToleratesMissingEndpointsAndDeadNodes(t *testing.T) {
	sim := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/stinger/sim/v1/stats" {
			http.NotFound(w, r)
			return
		}
		_ = json.NewEncoder(w).Encode(beaconsim.Stats{CurrentSlot: 17, HeadSlot: 17, JustifiedEpoch: 1,
			Totals: beaconsim.Counters{Expected: 200, Correct: 199, Missed: 1}})
	}))
	defer sim.Close()
	dead := httptest.NewServer(http.NotFoundHandler())
	deadURL := dead.URL
	dead.Close()
	m := &Manifest{Preset: "minimal", Beacon: BeaconInfo{URL: sim.URL}, Nodes: []NodeInfo{
		{Name: "node0", API: fakeNode(t, http.StatusOK, true, true)},
		{Name: "node1", API: fakeNode(t, http.StatusPartialContent, false, false)},
		{Name: "node2", API: deadURL},
	}}
	st := Poll(context.Background(), m)
	if st.SimErr != "" || st.Slot != 17 || st.Epoch != 2 || st.Score.Correct != 199 {
		t.Fatalf("simulator part: %+v", st)
	}
	want := []NodeStatus{
		{Name: "node0", Health: 200, Peers: 2, PeersTotal: 3, DutiesOK: 2, DutiesFailed: 2,
			LastFailure: "slot 6 attester: failed at consensus: no quorum"},
		{Name: "node1", Health: 206, Peers: -1, PeersTotal: -1, DutiesOK: -1, DutiesFailed: -1},
		{Name: "node2", Peers: -1, PeersTotal: -1, DutiesOK: -1, DutiesFailed: -1, Err: "no answer"},
	}
	for i, w := range want {
		if st.Nodes[i] != w {
			t.Errorf("node %d:\n got %+v\nwant %+v", i, st.Nodes[i], w)
		}
	}
	var screen strings.Builder
	if err := FormatScreen(&screen, m, st); err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{"slot 17", "epoch 2", "199 of 200 due (99.50%)", "node0  healthy", "2/3", "no quorum",
		"node1  partial", "n/a", "node2  down"} {
		if !strings.Contains(screen.String(), s) {
			t.Errorf("screen lacks %q:\n%s", s, screen.String())
		}
	}
	if line := FormatLine(st); !strings.Contains(line, "correct 199/200 (99.5%)") || strings.Contains(line, "\n") {
		t.Errorf("line: %q", line)
	}
	st = Poll(context.Background(), &Manifest{Beacon: BeaconInfo{URL: deadURL}})
	if !strings.Contains(FormatLine(st), "simulator: fetch stats") {
		t.Errorf("unreachable simulator: %q", FormatLine(st))
	}
}

func TestChildEnvDropsStingerVariables(t *testing.T) {
	got := childEnv([]string{"PATH=/bin", "STINGER_GETH=/x/geth", "STINGER_LOG_LEVEL=debug", "HOME=/root", "XSTINGER_A=1"})
	if want := "PATH=/bin HOME=/root XSTINGER_A=1"; strings.Join(got, " ") != want {
		t.Fatalf("childEnv = %v, want %s", got, want)
	}
}
