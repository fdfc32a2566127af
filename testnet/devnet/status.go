package devnet

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"github.com/stingerdvt/stinger/duties"
	"github.com/stingerdvt/stinger/p2p"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
)

// NodeStatus is one node as its API reports it. Counters are -1 where the endpoint is missing or the
// node does not answer.
type NodeStatus struct {
	Name string
	// Health is the HTTP status of /eigen/node/health (0: no answer).
	Health int
	// Peers is how many cluster peers are connected, of PeersTotal.
	Peers, PeersTotal int
	// DutiesOK and DutiesFailed count the outcomes (failed includes late) of the last 64 slots.
	DutiesOK, DutiesFailed int
	// LastFailure is the most recent failed duty: slot, duty, stage and reason.
	LastFailure string
	// Err is why the node could not be read at all.
	Err string
}

// Status is a snapshot of the devnet: the simulator's view and every node's.
type Status struct {
	Slot, Epoch    uint64
	HeadSlot       uint64
	JustifiedEpoch uint64
	FinalizedEpoch uint64
	Score          beaconsim.Counters
	// SimErr is why the simulator could not be read.
	SimErr string
	// Chain is set on a real chain (--beacon prysm), which has no simulator score: its head and
	// checkpoints as the beacon node tells them, or why it could not be read.
	Chain string
	Nodes []NodeStatus
}

// Poll reads the simulator's stats and every node's /eigen/node/health, /v1/peers and /v1/duties
// concurrently. It never fails: what cannot be read is reported in the Status.
func Poll(ctx context.Context, m *Manifest) Status {
	var st Status
	var wg sync.WaitGroup
	wg.Go(func() {
		if m.Prysm != nil {
			st.Chain = pollChain(ctx, m.Beacon.URL)
			return
		}
		stats, err := beaconsim.FetchStats(ctx, nil, m.Beacon.URL)
		if err != nil {
			st.SimErr = err.Error()
			return
		}
		st.Slot, st.HeadSlot = stats.CurrentSlot, stats.HeadSlot
		st.JustifiedEpoch, st.FinalizedEpoch, st.Score = stats.JustifiedEpoch, stats.FinalizedEpoch, stats.Totals
		if p, err := beaconsim.PresetByName(m.Preset); err == nil && p.SlotsPerEpoch > 0 {
			st.Epoch = stats.CurrentSlot / p.SlotsPerEpoch
		}
	})
	st.Nodes = make([]NodeStatus, len(m.Nodes))
	for i, n := range m.Nodes {
		wg.Go(func() { st.Nodes[i] = pollNode(ctx, n) })
	}
	wg.Wait()
	return st
}

func pollNode(ctx context.Context, n NodeInfo) NodeStatus {
	ns := NodeStatus{Name: n.Name, Peers: -1, PeersTotal: -1, DutiesOK: -1, DutiesFailed: -1}
	code, err := getStatus(ctx, n.API+"/eigen/node/health")
	if err != nil {
		ns.Err = "no answer"
		return ns
	}
	ns.Health = code
	var peers p2p.PeersResponse
	if getJSON(ctx, n.API+p2p.PeersPath, &peers) == nil {
		ns.Peers, ns.PeersTotal = 0, len(peers.Peers)
		for _, p := range peers.Peers {
			if p.Connected {
				ns.Peers++
			}
		}
	}
	var ds duties.DutiesResponse
	if getJSON(ctx, n.API+duties.DutiesPath, &ds) == nil {
		ns.DutiesOK, ns.DutiesFailed = 0, 0
		var last *duties.Outcome
		for i, o := range ds.Duties {
			if o.Status == duties.StatusSucceeded {
				ns.DutiesOK++
				continue
			}
			ns.DutiesFailed++
			if last == nil || o.Slot >= last.Slot {
				last = &ds.Duties[i]
			}
		}
		if last != nil {
			ns.LastFailure = fmt.Sprintf("slot %d %s: %s", last.Slot, last.Duty, last.Status)
			if last.Stage != "" {
				ns.LastFailure += " at " + string(last.Stage)
			}
			if last.Reason != "" {
				ns.LastFailure += ": " + last.Reason
			}
		}
	}
	return ns
}

// Percent returns 100·correct/expected of the scored duties that are due (0 when none is).
func Percent(c beaconsim.Counters) float64 {
	if c.Expected == 0 {
		return 0
	}
	return 100 * float64(c.Correct) / float64(c.Expected)
}

// FormatLine renders st on one line (for logs and non-terminals).
func FormatLine(st Status) string {
	var b strings.Builder
	if st.Chain != "" {
		b.WriteString(st.Chain)
	} else if st.SimErr != "" {
		fmt.Fprintf(&b, "simulator: %s", st.SimErr)
	} else {
		fmt.Fprintf(&b, "slot %d epoch %d justified %d finalized %d | duties correct %d/%d (%.1f%%) missed %d slashable %d",
			st.Slot, st.Epoch, st.JustifiedEpoch, st.FinalizedEpoch, st.Score.Correct, st.Score.Expected,
			Percent(st.Score), st.Score.Missed, st.Score.Slashable)
	}
	for _, n := range st.Nodes {
		fmt.Fprintf(&b, " | %s %s peers %s ok %s failed %s", n.Name, healthWord(n), count(n.Peers), count(n.DutiesOK), count(n.DutiesFailed))
	}
	return b.String()
}

// FormatScreen renders st as a screen: the chain and score, then one row per node.
func FormatScreen(w io.Writer, m *Manifest, st Status) error {
	if st.Chain != "" {
		fmt.Fprintf(w, "beacon node %s: %s\n\n", m.Beacon.URL, st.Chain)
	} else if st.SimErr != "" {
		fmt.Fprintf(w, "simulator %s: %s\n", m.Beacon.URL, st.SimErr)
	} else {
		fmt.Fprintf(w, "slot %d   epoch %d   head %d   justified %d   finalized %d\n", st.Slot, st.Epoch, st.HeadSlot,
			st.JustifiedEpoch, st.FinalizedEpoch)
		fmt.Fprintf(w, "cluster duties (simulator score): correct %d of %d due (%.2f%%), late %d, missed %d, invalid signatures %d, slashable %d\n\n",
			st.Score.Correct, st.Score.Expected, Percent(st.Score), st.Score.Late, st.Score.Missed,
			st.Score.InvalidSignatures, st.Score.Slashable)
	}
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "node\thealth\tpeers\tduties ok\tfailed\tlast failure")
	nodes := append([]NodeStatus(nil), st.Nodes...)
	sort.SliceStable(nodes, func(i, j int) bool { return nodes[i].Name < nodes[j].Name })
	for _, n := range nodes {
		peers := count(n.Peers)
		if n.PeersTotal >= 0 {
			peers = fmt.Sprintf("%d/%d", n.Peers, n.PeersTotal)
		}
		last := n.LastFailure
		if last == "" {
			last = "-"
		}
		if len(last) > 100 {
			last = last[:100] + "…"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", n.Name, healthWord(n), peers, count(n.DutiesOK), count(n.DutiesFailed), last)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write status: %w", err)
	}
	return nil
}

func healthWord(n NodeStatus) string {
	switch {
	case n.Err != "":
		return "down"
	case n.Health == http.StatusOK:
		return "healthy"
	case n.Health == http.StatusPartialContent:
		return "partial"
	case n.Health == http.StatusServiceUnavailable:
		return "unhealthy"
	default:
		return fmt.Sprint(n.Health)
	}
}

func count(v int) string {
	if v < 0 {
		return "n/a"
	}
	return fmt.Sprint(v)
}

// getStatus GETs url and returns the HTTP status code.
func getStatus(ctx context.Context, url string) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return 0, err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
	return resp.StatusCode, nil
}
