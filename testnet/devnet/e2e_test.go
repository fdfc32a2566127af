//go:build e2e

package devnet_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stingerdvt/stinger/duties"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
	"github.com/stingerdvt/stinger/testnet/devnet"
	"github.com/stingerdvt/stinger/testnet/faults"
	"github.com/stingerdvt/stinger/testnet/score"
)

// Suite parameters: small and fast enough for CI's 2 cores (minimal preset: 8 slots per epoch).
const (
	e2eNodes      = 4
	e2eValidators = 4
	e2eSlot       = 2 * time.Second
	slotsPerEpoch = 8
	epoch         = slotsPerEpoch * e2eSlot
	// minCorrect is the share of duties that must be correct whenever at least t nodes are up.
	minCorrect = 0.99
)

// stingerBinary builds cmd/stinger (or uses $STINGER_BIN).
func stingerBinary(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("STINGER_BIN"); p != "" {
		return p
	}
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	bin := filepath.Join(t.TempDir(), "stinger")
	cmd := exec.Command("go", "build", "-o", bin, "./cmd/stinger")
	cmd.Dir = root
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build stinger: %v\n%s", err, out)
	}
	return bin
}

// suite is a running devnet and its helpers.
type suite struct {
	t       *testing.T
	d       *devnet.Devnet
	m       devnet.Manifest
	proxy   *faults.Proxy
	first   beaconsim.Stats
	genesis time.Time
	// partition cuts nodes' p2p ports off (nil when iptables cannot be used: partitionErr says why).
	partition    *faults.Partition
	partitionErr error
}

// p2pPort is node i's libp2p TCP port (its address in the lock).
func (s *suite) p2pPort(i int) int {
	s.t.Helper()
	var port int
	if _, err := fmt.Sscanf(s.m.Nodes[i].P2P, "/ip4/127.0.0.1/tcp/%d", &port); err != nil {
		s.t.Fatalf("node%d p2p address %q: %v", i, s.m.Nodes[i].P2P, err)
	}
	return port
}

// succeeded counts node i's succeeded duties in slots first..last (from its GET /v1/duties).
func (s *suite) succeeded(i int, first, last uint64) int {
	s.t.Helper()
	var ds duties.DutiesResponse
	url := fmt.Sprintf("%s%s?from_slot=%d&to_slot=%d", s.m.Nodes[i].API, duties.DutiesPath, first, last)
	if err := getJSON(url, &ds); err != nil {
		s.t.Fatalf("read node%d's duties: %v", i, err)
	}
	n := 0
	for _, o := range ds.Duties {
		if o.Status == duties.StatusSucceeded {
			n++
		}
	}
	return n
}

func (s *suite) stats() beaconsim.Stats {
	s.t.Helper()
	st, err := beaconsim.FetchStats(context.Background(), nil, s.m.Beacon.URL)
	if err != nil {
		s.t.Fatalf("read score: %v", err)
	}
	return st
}

// meter takes the suite's snapshots on the simulator's slot clock (shared with the compose suite).
func (s *suite) meter() *score.Meter {
	return &score.Meter{Genesis: s.genesis, Slot: e2eSlot, Stats: s.stats}
}

// snapAt reads the score 100 ms after slot starts (after the simulator counted its duties as expected,
// before any of them can have been performed).
func (s *suite) snapAt(slot uint64) beaconsim.Stats {
	s.t.Helper()
	return s.meter().SnapAt(slot)
}

func (s *suite) slotNow() uint64 { return s.meter().SlotNow() }

// observe runs action and waits d, scoring every slot from the next one on.
func (s *suite) observe(d time.Duration, action func()) score.Window {
	s.t.Helper()
	return s.meter().Observe(d, action)
}

// recovered scores an epoch that starts 2 slots after the slot in which failed nodes answered again:
// recovery within 2 slots.
func (s *suite) recovered() score.Window {
	s.t.Helper()
	return s.meter().Observe(epoch, nil)
}

// require checks a window in which at least t nodes were up.
func (s *suite) require(name, phase string, w score.Window) {
	s.t.Helper()
	if w.Slashable != 0 || w.Invalid != 0 {
		s.t.Errorf("%s (%s): %d slashable, %d invalid signatures: want 0", name, phase, w.Slashable, w.Invalid)
	}
	if w.Due == 0 {
		s.t.Errorf("%s (%s): no duty was due", name, phase)
	}
	if w.Ratio() < minCorrect {
		s.t.Errorf("%s (%s): %.2f%% correct, want >= %.0f%%: %s\nnodes' failed duties in slots %d-%d:\n%s",
			name, phase, 100*w.Ratio(), 100*minCorrect, w, w.First, w.Last, s.failures(w.First, w.Last))
	}
}

// failures lists every node's duties that did not succeed in slots first..last (from GET /v1/duties).
func (s *suite) failures(first, last uint64) string {
	var b strings.Builder
	for _, n := range s.m.Nodes {
		var ds duties.DutiesResponse
		url := fmt.Sprintf("%s%s?from_slot=%d&to_slot=%d", n.API, duties.DutiesPath, first, last)
		if err := getJSON(url, &ds); err != nil {
			fmt.Fprintf(&b, "  %s: %v\n", n.Name, err)
			continue
		}
		for _, o := range ds.Duties {
			if o.Status != duties.StatusSucceeded {
				fmt.Fprintf(&b, "  %s slot %d %s %s at %s: %s\n", n.Name, o.Slot, o.Duty, o.Status, o.Stage, o.Reason)
			}
		}
	}
	return b.String()
}

// restart starts node i again and returns once its API answers.
func (s *suite) restart(i int) {
	s.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := s.d.RestartNode(ctx, i); err != nil {
		s.t.Fatalf("restart node%d: %v", i, err)
	}
}

func (s *suite) stop(i int) {
	s.t.Helper()
	if err := s.d.StopNode(i); err != nil {
		s.t.Fatalf("stop node%d: %v", i, err)
	}
}

func result(name string, ok bool, format string, args ...any) {
	verdict := "PASS"
	if !ok {
		verdict = "FAIL"
	}
	fmt.Printf("fault scenario %-28s %s: %s\n", name, verdict, fmt.Sprintf(format, args...))
}

// TestFaultSuite runs the process devnet (4 nodes, real DKG, the simulator as judge) through every fault
// scenario in turn and asserts on the simulator's score: >= 99% of duties correct whenever at least t
// nodes are up, zero slashable offences and zero invalid signatures always, and >= 99% again from 2 slots
// after failed nodes answer again (recovery within 2 slots). A fault's window starts 2 slots after it is
// made, as a recovery's does: in the slot a node fails, a duty whose QBFT round-1 leader it was can miss
// its deadline (at 2 s slots an aggregation has 667 ms left, the round timer is 1 s); the note of the
// commit that made this choice says so. The network partition is real: iptables
// drops one node's p2p packets (faults.Partition; CI runs as root), and a frozen node (SIGSTOP) is a
// scenario of its own. Each scenario prints one line.
func TestFaultSuite(t *testing.T) {
	if testing.Short() {
		t.Skip("fault suite: long")
	}
	bin := stingerBinary(t)
	opts := devnet.DefaultOptions()
	opts.Binary, opts.Dir, opts.Chain = bin, filepath.Join(t.TempDir(), "devnet"), false
	opts.Nodes, opts.Validators, opts.Slot = e2eNodes, e2eValidators, e2eSlot
	var proxy *faults.Proxy
	opts.NodeBeaconURLs = func(i int, sim string) []string {
		if i != 0 {
			return []string{sim}
		}
		var err error
		if proxy, err = faults.NewProxy(sim); err != nil {
			t.Fatalf("fault proxy: %v", err)
		}
		return []string{proxy.URL(), sim}
	}
	if testing.Verbose() {
		opts.Progress = os.Stdout
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	d, err := devnet.Start(ctx, opts)
	cancel()
	if err != nil {
		t.Fatalf("start devnet: %v", err)
	}
	t.Cleanup(func() {
		if proxy != nil {
			proxy.Close()
		}
		d.Close()
		if t.Failed() {
			for _, n := range d.Manifest().Nodes {
				t.Logf("%s log tail:\n%s", n.Name, tailFile(n.Log, 3000))
			}
		}
	})
	s := &suite{t: t, d: d, m: d.Manifest(), proxy: proxy}
	if s.partition, s.partitionErr = faults.NewPartition("devnet-e2e"); s.partition != nil {
		t.Cleanup(func() {
			if err := s.partition.Close(); err != nil {
				t.Errorf("remove the partition's iptables chain: %v", err)
			}
		})
	}
	var genesis struct {
		Data struct {
			Time string `json:"genesis_time"`
		} `json:"data"`
	}
	if err := getJSON(s.m.Beacon.URL+"/eth/v1/beacon/genesis", &genesis); err != nil {
		t.Fatal(err)
	}
	sec, err := strconv.ParseInt(genesis.Data.Time, 10, 64)
	if err != nil {
		t.Fatalf("genesis_time %q: %v", genesis.Data.Time, err)
	}
	s.genesis = time.Unix(sec, 0)

	// Warm-up: genesis, first duties; then a baseline epoch with every node up.
	waitForSlot(t, s, slotsPerEpoch+2)
	s.first = s.snapAt(s.slotNow() + 1)
	w := s.observe(epoch, nil)
	s.require("baseline", "all up", w)
	result("baseline", !t.Failed(), "%s", w)
	if t.Failed() {
		t.FailNow() // the cluster does not work at all: every scenario would fail for the same reason
	}

	scenarios := []struct {
		name string
		run  func(name string) bool
	}{
		{"one node down 2 epochs", func(name string) bool {
			s.stop(3)
			w := s.observe(2*epoch, nil)
			s.require(name, "node3 down", w)
			s.restart(3)
			r := s.recovered()
			s.require(name, "after restart", r)
			result(name, !s.t.Failed(), "down: %s | after: %s", w, r)
			return !s.t.Failed()
		}},
		{"network partition of one node", func(name string) bool {
			// iptables drops every packet to or from node1's p2p port, and lets the others' p2p ports talk
			// only among themselves (node1 redialling from a random port stays cut off): node1 keeps its
			// beacon node and its state but reaches no peer and no peer reaches it, then the link heals.
			if s.partition == nil {
				if os.Getenv("E2E_REQUIRE_PARTITION") != "" { // .ci/run sets it when running as root
					s.t.Fatalf("%s: %v", name, s.partitionErr)
				}
				result(name, true, "SKIPPED: %v", s.partitionErr)
				s.t.Skip(s.partitionErr)
			}
			var kept []int
			for i := range s.m.Nodes {
				if i != 1 {
					kept = append(kept, s.p2pPort(i))
				}
			}
			if err := s.partition.Isolate(s.p2pPort(1)); err != nil {
				s.t.Fatal(err)
			}
			if err := s.partition.RestrictTo(kept...); err != nil {
				s.t.Fatal(err)
			}
			w := s.observe(epoch, nil)
			s.require(name, "node1 cut off", w)
			// The partition must have held: node1 alone cannot reach t partial signatures, so it completed
			// no duty of the window (a leak past the firewall shows here).
			leaked := s.succeeded(1, w.First, w.Last)
			if err := s.partition.Heal(); err != nil {
				s.t.Fatal(err)
			}
			if leaked != 0 {
				s.t.Errorf("%s: node1 completed %d duties while cut off from its peers: want 0", name, leaked)
			}
			r := s.recovered()
			s.require(name, "healed", r)
			result(name, !s.t.Failed(), "cut off: %s | node1 succeeded %d | healed: %s", w, leaked, r)
			return !s.t.Failed()
		}},
		{"one node frozen (SIGSTOP)", func(name string) bool {
			// SIGSTOP: node1 neither sends nor answers (peers, beacon node), keeping its state, then resumes.
			if err := s.d.PauseNode(1); err != nil {
				s.t.Fatal(err)
			}
			w := s.observe(epoch, nil)
			s.require(name, "node1 frozen", w)
			if err := s.d.ResumeNode(1); err != nil {
				s.t.Fatal(err)
			}
			r := s.recovered()
			s.require(name, "resumed", r)
			result(name, !s.t.Failed(), "frozen: %s | resumed: %s", w, r)
			return !s.t.Failed()
		}},
		{"two nodes down then back", func(name string) bool {
			s.stop(2)
			s.stop(3)
			// From 2 slots after the stop (duties already under way may finish) nothing may be signed.
			w := s.observe(epoch, nil)
			performed := w.Correct + w.Late + w.Incorrect
			if w.Slashable != 0 || w.Invalid != 0 || performed != 0 {
				s.t.Errorf("%s: %d slashable, %d invalid, %d duties performed with 2 of 4 nodes down: want 0",
					name, w.Slashable, w.Invalid, performed)
			}
			s.restart(2)
			s.restart(3)
			r := s.recovered()
			s.require(name, "back", r)
			result(name, !s.t.Failed(), "below threshold: %s | back: %s", w, r)
			return !s.t.Failed()
		}},
		{"rolling restart", func(name string) bool {
			w := s.observe(0, func() {
				for i := range e2eNodes {
					s.stop(i)
					s.restart(i)
					time.Sleep(2 * e2eSlot)
				}
			})
			s.require(name, "one node at a time", w)
			result(name, !s.t.Failed(), "%s", w)
			return !s.t.Failed()
		}},
		{"beacon node errors", func(name string) bool {
			w, node0 := s.beaconFault(name, faults.Fail)
			result(name, !s.t.Failed(), "%s | %s", w, node0)
			return !s.t.Failed()
		}},
		{"beacon node timeouts", func(name string) bool {
			w, node0 := s.beaconFault(name, faults.Hang)
			result(name, !s.t.Failed(), "%s | %s", w, node0)
			return !s.t.Failed()
		}},
	}
	for _, sc := range scenarios {
		t.Run(sc.name, func(t *testing.T) {
			s.t = t
			sc.run(sc.name)
		})
		if exited := d.Exited(); len(exited) > 0 {
			t.Fatalf("devnet processes exited unexpectedly, later scenarios would fail for the same reason: %v", exited)
		}
	}
	s.t = t
	end := s.stats()
	total := score.Snapshots{A: s.first, A1: s.first, A2: s.first, B: end, B1: end, B2: end}.Window()
	if total.Slashable != 0 || total.Invalid != 0 {
		t.Errorf("whole suite: %d slashable, %d invalid signatures: want 0", total.Slashable, total.Invalid)
	}
	fmt.Printf("fault suite total (incl. the deliberate below-threshold window): %s\n", total)
}

// beaconFault makes node0's first beacon node fail (mode) for an epoch: node0 must fail over to its
// second beacon node, so its own duties and the cluster's stay >= 99% correct.
func (s *suite) beaconFault(name string, mode faults.Mode) (w score.Window, node0 string) {
	t := s.t
	if s.proxy == nil {
		t.Fatal("no fault proxy in front of node0's beacon node")
	}
	from := currentSlot(t, s)
	w = s.observe(epoch, func() { s.proxy.Set(mode, 503) })
	s.proxy.Set(faults.Pass, 0)
	to := currentSlot(t, s)
	s.require(name, "node0's first beacon node "+mode.String(), w)
	_, failed, hung := s.proxy.Counts()
	if failed+hung == 0 {
		t.Errorf("%s: node0 never called the faulty beacon node", name)
	}
	// node0's own outcomes over the fault window (from its API) must show the failover worked.
	var ds duties.DutiesResponse
	url := fmt.Sprintf("%s%s?from_slot=%d&to_slot=%d", s.m.Nodes[0].API, duties.DutiesPath, from+1, to-1)
	if err := getJSON(url, &ds); err != nil {
		t.Errorf("%s: read node0's duties: %v", name, err)
		return w, ""
	}
	ok, bad := 0, []string{}
	for _, o := range ds.Duties {
		if o.Status == duties.StatusSucceeded {
			ok++
		} else {
			bad = append(bad, fmt.Sprintf("slot %d %s %s %s: %s", o.Slot, o.Duty, o.Status, o.Stage, o.Reason))
		}
	}
	// The cluster's score above is the requirement. node0's own outcomes must show that it kept working
	// through its second beacon node; the share it reports as succeeded is printed (a broadcaster that
	// waits for every beacon node reports duties late that the chain scored correct).
	if ok == 0 {
		t.Errorf("%s: node0 succeeded none of its %d duties while its first beacon node was faulty:\n%s", name,
			len(bad), strings.Join(bad, "\n"))
	}
	node0 = fmt.Sprintf("node0's own outcomes: %d of %d succeeded", ok, ok+len(bad))
	return w, node0
}
