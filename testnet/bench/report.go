package bench

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// Format prints every result as tables: processes, each node's duties, all nodes' duties, the
// simulator's score and the targets.
func Format(w io.Writer, results []Result) error {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', tabwriter.AlignRight)
	for i, r := range results {
		if i > 0 {
			fmt.Fprintln(tw)
		}
		formatOne(tw, &r)
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	return nil
}

func formatOne(w *tabwriter.Writer, r *Result) {
	fmt.Fprintf(w, "== %d validators (+%d of the simulator's), %d nodes, %s preset, %d s slots; dir %s\n",
		r.Validators, r.ExtraValidators, r.Nodes, r.Preset, r.SlotSeconds, r.Dir)
	if r.Error != "" {
		fmt.Fprintf(w, "NOT MEASURED: %s\n", r.Error)
	}
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	if len(r.Processes) == 0 {
		return
	}
	fmt.Fprintf(w, "measured slots %d..%d (%d slots, %.0f s); load average %s before, %s after\n\n",
		r.FirstSlot, r.LastSlot, r.LastSlot-r.FirstSlot+1, r.WindowSeconds, r.LoadBefore, r.LoadAfter)
	fmt.Fprintln(w, "process\tPID\tCPU s\tCPU % of 1 core\tRSS MiB\twindow peak MiB\tVmHWM MiB\t")
	for _, p := range r.Processes {
		if p.Error != "" {
			fmt.Fprintf(w, "%s\t%d\t%s\t\t\t\t\t\n", p.Name, p.PID, p.Error)
			continue
		}
		fmt.Fprintf(w, "%s\t%d\t%.1f\t%.1f\t%.0f\t%.0f\t%.0f\t\n", p.Name, p.PID, p.CPUSeconds, p.CPUPercent,
			p.RSSMiB, p.WindowPeakMiB, p.PeakMiB)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "latency: slot start → broadcast (negative: done ahead, before its slot); \"after trigger\" subtracts the duty's fixed start in the slot (2/3 for aggregator and sync_contribution, -1/2 for randao and the selection proofs); attester and sync_message go on the slot's head event (1/3 at the latest), so their latency includes the wait for the block")
	fmt.Fprintln(w, "node\tduty\tsucceeded\tfailed\tlate\tp50 ms\tp99 ms\tmax ms\ttrigger ms\tp50 after trigger\tp99 after trigger\t")
	rows := append(slices.Clone(r.NodeDuties), NodeDuties{Node: "all nodes", Duties: r.AllDuties})
	for _, nd := range rows {
		if nd.Error != "" {
			fmt.Fprintf(w, "%s\t%s\t\t\t\t\t\t\t\t\t\t\n", nd.Node, nd.Error)
			continue
		}
		for _, d := range nd.Duties {
			fmt.Fprintf(w, "%s\t%s\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t%d\t\n", nd.Node, d.Type, d.Succeeded, d.Failed, d.Late,
				d.P50Millis, d.P99Millis, d.MaxMillis, d.TriggerMillis, d.P50Millis-d.TriggerMillis, d.P99Millis-d.TriggerMillis)
		}
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "simulator\texpected\tcorrect\tlate\tmissed\tincorrect\tinvalid sig\ton time %\t")
	for _, s := range r.Simulator {
		fmt.Fprintf(w, "%s\t%d\t%d\t%d\t%d\t%d\t%d\t%.2f\t\n", s.Type, s.Expected, s.Correct, s.Late, s.Missed,
			s.Incorrect, s.InvalidSignatures, s.OnTimePercent)
	}
	fmt.Fprintf(w, "attestations on time (correct within their slot): %.2f%%\n", r.AttestationsOnTime)
	var reasons []string
	for _, d := range r.AllDuties {
		for reason, n := range d.Reasons {
			reasons = append(reasons, fmt.Sprintf("  %s %d× %s", d.Type, n, reason))
		}
	}
	if len(reasons) > 0 {
		slices.Sort(reasons)
		fmt.Fprintf(w, "duties not performed (all nodes, first reasons):\n%s\n", strings.Join(reasons, "\n"))
	}
	for _, t := range r.Targets {
		verdict := "NOT MET"
		if t.Met {
			verdict = "MET"
		}
		fmt.Fprintf(w, "target %s: %s (%s)\n", t.Name, verdict, t.Detail)
	}
}
