package main

import (
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/stingerdvt/stinger/testnet/bench"
)

func newBenchCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "bench",
		Short: "Benchmarks of a whole local cluster",
	}
	cmd.AddCommand(newBenchDutiesCmd())
	return cmd
}

func newBenchDutiesCmd() *cobra.Command {
	opts := bench.DefaultOptions()
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "duties",
		Short: "Measure duty latency, CPU and memory of N local nodes at several cluster sizes",
		Long: `For each --validators size, starts a process devnet on 127.0.0.1 (the beacon chain simulator and --nodes
"stinger run" processes; keys from a trusted dealer, no execution chain), waits --warmup-slots slots
after genesis and after every node is ready, measures --epochs epochs and reports per node its CPU time and memory (from /proc), per
duty type the outcomes and the latency from slot start to broadcast (p50, p99, max, from each node's
GET /v1/duties), and the simulator's score (attestations correct within their slot). Each size's data
and logs stay in --dir/v<size>. Linux only (reads /proc).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			exe, err := os.Executable()
			if err != nil {
				return fmt.Errorf("find the stinger executable: %w", err)
			}
			opts.Binary = exe
			opts.Progress = cmd.ErrOrStderr()
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			results, runErr := bench.Run(ctx, opts)
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				if err := enc.Encode(results); err != nil {
					return err
				}
			} else if err := bench.Format(cmd.OutOrStdout(), results); err != nil {
				return err
			}
			return runErr
		},
	}
	fl := cmd.Flags()
	fl.IntSliceVar(&opts.Validators, "validators", opts.Validators, "cluster sizes to measure, one devnet each")
	fl.IntVar(&opts.Nodes, "nodes", opts.Nodes, "number of operators (3f+1)")
	fl.IntVar(&opts.ExtraValidators, "extra-validators", 0, "validators the simulator signs for itself (default: as many as the cluster's)")
	fl.StringVar(&opts.Preset, "preset", opts.Preset, "consensus preset: minimal or mainnet")
	fl.DurationVar(&opts.Slot, "slot", opts.Slot, "slot duration (whole seconds)")
	fl.IntVar(&opts.Epochs, "epochs", opts.Epochs, "epochs measured")
	fl.IntVar(&opts.WarmupSlots, "warmup-slots", opts.WarmupSlots, "slots not measured after genesis and after every node is ready (/readyz)")
	fl.StringVar(&opts.Dir, "dir", opts.Dir, "directory for the devnets (one per size: DIR/v<validators>), kept for the logs")
	fl.BoolVar(&asJSON, "json", false, "print the results as JSON")
	return cmd
}
