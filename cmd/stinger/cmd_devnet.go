package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/spf13/cobra"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/internal/logging"
	"github.com/stingerdvt/stinger/testnet/beaconsim"
	"github.com/stingerdvt/stinger/testnet/compose"
	"github.com/stingerdvt/stinger/testnet/devnet"
	"github.com/stingerdvt/stinger/testnet/prysm"
)

func newDevnetCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "devnet",
		Short: "Local devnets: a whole cluster on loopback, a beacon chain simulator, its score, a compose project",
	}
	cmd.AddCommand(newDevnetBeaconCmd(), newDevnetScoreCmd(), newDevnetUpCmd(), newDevnetDownCmd(), newDevnetComposeCmd(),
		newDevnetBuildClientsCmd())
	return cmd
}

func newDevnetBeaconCmd() *cobra.Command {
	cfg := beaconsim.DefaultConfig()
	var locks []string
	var logLevel string
	cmd := &cobra.Command{
		Use:   "beacon",
		Short: "Run the beacon chain simulator: a strict Beacon API that checks every signature and keeps score",
		Long: `Serves the standard Beacon API on --listen for a simulated chain whose scored validators are those of
the --lock files (plus --extra-validators that the simulator signs for itself), and its score on
GET /stinger/sim/v1/stats (see "stinger devnet score"). Runs until SIGINT or SIGTERM.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			keys, err := lockValidators(locks)
			if err != nil {
				return err
			}
			cfg.Validators = keys
			if err := cfg.Validate(); err != nil {
				return err
			}
			logger, err := logging.New(logLevel, "console", cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			return beaconsim.Run(ctx, cfg, logger)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&cfg.Listen, "listen", cfg.Listen, "HTTP listen address host:port")
	fl.StringArrayVar(&locks, "lock", nil, "cluster lock file whose validators are scored (repeatable)")
	fl.IntVar(&cfg.ExtraValidators, "extra-validators", 0, "validators the simulator adds and signs for itself")
	fl.DurationVar(&cfg.SlotDuration, "slot", cfg.SlotDuration, "slot duration (whole seconds, at least 1s)")
	fl.StringVar(&cfg.Preset, "preset", cfg.Preset, "consensus preset: minimal or mainnet")
	fl.DurationVar(&cfg.GenesisDelay, "genesis-delay", cfg.GenesisDelay, "time from start to slot 0")
	fl.StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn, error")
	return cmd
}

// lockValidators reads the validators' group public keys of every lock file, in order; a key that
// several files share (the same lock from several operators' directories) counts once.
func lockValidators(paths []string) ([]phase0.BLSPubKey, error) {
	var out []phase0.BLSPubKey
	seen := make(map[phase0.BLSPubKey]bool)
	for _, p := range paths {
		lock, err := cluster.LoadLock(p)
		if err != nil {
			return nil, err
		}
		for i, v := range lock.Validators {
			b, err := hex.DecodeString(strings.TrimPrefix(v.PublicKey, "0x"))
			if err != nil || len(b) != len(phase0.BLSPubKey{}) {
				return nil, fmt.Errorf("--lock %s: distributed_validators[%d].public_key %q: want 0x + 48 bytes hex", p, i, v.PublicKey)
			}
			pk := phase0.BLSPubKey(b)
			if !seen[pk] {
				seen[pk] = true
				out = append(out, pk)
			}
		}
	}
	return out, nil
}

func newDevnetScoreCmd() *cobra.Command {
	var dir, beacon string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "score",
		Short: "Print the beacon chain simulator's score: duties expected, correct, late, missed, invalid, slashable",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if beacon == "" {
				m, err := devnet.LoadManifest(dir)
				if err != nil {
					return fmt.Errorf("%w (or give --beacon URL)", err)
				}
				beacon = m.Beacon.URL
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), 10*time.Second)
			defer cancel()
			st, err := beaconsim.FetchStats(ctx, nil, beacon)
			if err != nil {
				return err
			}
			if asJSON {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(st)
			}
			if err := beaconsim.FormatScore(cmd.OutOrStdout(), st); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "\ncorrect duties: %.2f%% of %d due, slashable offences: %d\n",
				devnet.Percent(st.Totals), st.Totals.Expected, st.Totals.Slashable)
			return nil
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "./devnet", "devnet directory (its devnet.json names the simulator)")
	cmd.Flags().StringVar(&beacon, "beacon", "", "simulator base URL, e.g. http://127.0.0.1:5052 (overrides --dir)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the raw stats JSON")
	return cmd
}

func newDevnetDownCmd() *cobra.Command {
	var dir string
	var grace time.Duration
	cmd := &cobra.Command{
		Use:   "down",
		Short: "Stop every process of a devnet (by the PIDs in its devnet.json)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return devnet.Down(dir, grace, func(s string) { fmt.Fprintln(cmd.OutOrStdout(), s) })
		},
	}
	cmd.Flags().StringVar(&dir, "dir", "./devnet", "devnet directory")
	cmd.Flags().DurationVar(&grace, "timeout", 10*time.Second, "time each process gets after SIGTERM before SIGKILL")
	return cmd
}

func newDevnetUpCmd() *cobra.Command {
	opts := devnet.DefaultOptions()
	var noChain bool
	cmd := &cobra.Command{
		Use:   "up",
		Short: "Start a whole local cluster as processes: simulator, DKG, N nodes, geth --dev with the marketplace",
		Long: `Starts, on 127.0.0.1 only: the beacon chain simulator; N operator directories with identities; a
definition approved by all; a real DKG among N "stinger dkg" processes (keystores with a cheap KDF:
devnet only); N "stinger run" nodes; and geth --dev (built once into the user cache) with the
marketplace contracts, a Network registered, whitelisted and installed into a DAM that whitelists the
operators. --dir holds every node's data, logs/ and devnet.json. Shows a live status until SIGINT or
SIGTERM, then stops everything; "stinger devnet down" stops it from another shell.

With --beacon prysm a real proof-of-stake chain replaces the simulator: geth and Prysm's beacon node
(built once by "stinger devnet build-clients"), a genesis of interop validators whose first
--validators keys are split among the nodes by a trusted dealer, and Prysm's validator client for the
--extra-validators after them.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			exe, err := os.Executable()
			if err != nil {
				return fmt.Errorf("find the stinger executable: %w", err)
			}
			opts.Binary, opts.Chain, opts.Progress = exe, !noChain, cmd.OutOrStdout()
			if opts.Beacon == devnet.BeaconPrysm {
				// Prysm's defaults: the preset it is built with, and slots a loaded 2-core machine keeps up with.
				if !cmd.Flags().Changed("preset") {
					opts.Preset = prysm.Preset
				}
				if !cmd.Flags().Changed("slot") {
					opts.Slot = 4 * time.Second
				}
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			d, err := devnet.Start(ctx, opts)
			if err != nil {
				return err
			}
			defer func() {
				fmt.Fprintln(cmd.OutOrStdout(), "\nStopping the devnet...")
				d.Close()
				fmt.Fprintln(cmd.OutOrStdout(), "Stopped. Data and logs are in", opts.Dir)
			}()
			if err := d.SetSupervisor(os.Getpid()); err != nil {
				return err
			}
			m := d.Manifest()
			printEndpoints(cmd.OutOrStdout(), &m)
			return watchDevnet(ctx, cmd.OutOrStdout(), d)
		},
	}
	fl := cmd.Flags()
	fl.IntVar(&opts.Nodes, "nodes", opts.Nodes, "number of operators (3f+1)")
	fl.IntVar(&opts.Validators, "validators", opts.Validators, "distributed validators created by the DKG")
	fl.IntVar(&opts.ExtraValidators, "extra-validators", 0, "validators the simulator (--beacon prysm: Prysm's validator client) signs for itself (default: as many as --validators)")
	fl.DurationVar(&opts.Slot, "slot", opts.Slot, "slot duration (whole seconds)")
	fl.StringVar(&opts.Preset, "preset", opts.Preset, "consensus preset: minimal or mainnet")
	fl.StringVar(&opts.Dir, "dir", opts.Dir, "directory for every node's data, the logs and devnet.json")
	fl.BoolVar(&noChain, "no-chain", false, "do not start geth --dev and the marketplace contracts")
	fl.StringVar(&opts.Geth, "geth", "", "geth binary (default: $STINGER_GETH, or built once with go install into the user cache)")
	fl.StringVar(&opts.Beacon, "beacon", devnet.BeaconSim, "beacon node: sim (the simulator) or prysm (a real chain: geth + Prysm "+
		prysm.Version+", built once by stinger devnet build-clients; defaults to --preset mainnet and --slot 4s; "+
		"the cluster's keys are interop keys split by a trusted dealer)")
	return cmd
}

func printEndpoints(w io.Writer, m *devnet.Manifest) {
	fmt.Fprintf(w, "\nDevnet up in %s (devnet.json has every endpoint and PID; logs in %s/logs)\n", m.Dir, m.Dir)
	if p := m.Prysm; p != nil {
		fmt.Fprintf(w, "  prysm beacon node %s   execution (geth) %s   validator client: interop indices %d..%d   files %s\n",
			m.Beacon.URL, p.ExecutionRPC, p.ValidatorStart, p.ValidatorStart+p.ValidatorCount-1, p.Dir)
	} else {
		fmt.Fprintf(w, "  beacon simulator  %s   score: %s   (stinger devnet score --dir %s)\n", m.Beacon.URL, m.Beacon.ScoreURL, m.Dir)
	}
	if c := m.Chain; c != nil {
		fmt.Fprintf(w, "  geth --dev        %s  %s  chain id %d\n", c.RPC, c.WS, c.ChainID)
		fmt.Fprintf(w, "  marketplace       NetworkRegistry %s  DAMFactory %s  DAM %s  Network %s\n", c.Registry, c.Factory, c.DAM, c.NetworkID)
	}
	for _, n := range m.Nodes {
		fmt.Fprintf(w, "  %-6s API %s  metrics %s/metrics  p2p %s  peer %s  operator %s\n", n.Name, n.API, n.Metrics, n.P2P, n.PeerID, n.Address)
	}
	for _, note := range m.Notes {
		fmt.Fprintln(w, "  note:", note)
	}
	fmt.Fprintln(w)
}

// watchDevnet shows the status once per slot (a refreshed screen on a terminal, a line otherwise) until
// ctx ends.
func watchDevnet(ctx context.Context, w io.Writer, d *devnet.Devnet) error {
	m := d.Manifest()
	screen := isTerminal(w)
	tick := time.NewTicker(m.SlotTime)
	defer tick.Stop()
	for {
		st := devnet.Poll(ctx, &m)
		exited := d.Exited()
		if screen {
			fmt.Fprint(w, "\033[H\033[2J")
			printEndpoints(w, &m)
			if err := devnet.FormatScreen(w, &m, st); err != nil {
				return err
			}
			for _, e := range exited {
				fmt.Fprintln(w, "EXITED:", e)
			}
			fmt.Fprintln(w, "\nCtrl-C stops the devnet.")
		} else {
			line := devnet.FormatLine(st)
			if len(exited) > 0 {
				line += " | exited: " + strings.Join(exited, "; ")
			}
			fmt.Fprintln(w, time.Now().UTC().Format("15:04:05"), line)
		}
		select {
		case <-ctx.Done():
			return nil
		case <-tick.C:
		}
	}
}

func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

func newDevnetComposeCmd() *cobra.Command {
	opts := compose.DefaultOptions()
	cmd := &cobra.Command{
		Use:   "compose",
		Short: "Write a Docker Compose devnet project (simulator + N nodes) using the local stinger:dev image",
		Long: `Writes --out: compose.yaml (the beacon chain simulator and N nodes on a private network, each with its
own data directory mounted at /data; image from "make docker", nothing pulled), the nodes' keys,
a README, and Prometheus + Grafana (with a stinger dashboard) and geth behind the compose profiles
"monitoring" and "chain", off by default. Keys come from a trusted dealer run now (INSECURE: devnet
only; "stinger devnet up" runs a real DKG).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			opts.ForkVersion = devnet.ForkVersion()
			if err := compose.Generate(opts); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Wrote %s: %d nodes, %d validators (keys from a trusted dealer: devnet only).\n"+
				"  cd %s && docker compose up   (Compose v1: docker-compose up)\n  node0 API http://127.0.0.1:%d   simulator http://127.0.0.1:%d\n",
				opts.Out, opts.Nodes, opts.Validators, opts.Out, opts.APIBasePort, opts.BeaconPort)
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Out, "out", "", "project directory (must be empty or missing)")
	fl.IntVar(&opts.Nodes, "nodes", opts.Nodes, "number of operators (3f+1)")
	fl.IntVar(&opts.Validators, "validators", opts.Validators, "distributed validators")
	fl.IntVar(&opts.ExtraValidators, "extra-validators", 0, "validators the simulator signs for itself (default: as many as --validators)")
	fl.DurationVar(&opts.Slot, "slot", opts.Slot, "slot duration (whole seconds)")
	fl.StringVar(&opts.Preset, "preset", opts.Preset, "consensus preset: minimal or mainnet")
	fl.StringVar(&opts.Image, "image", opts.Image, "stinger image (built locally by make docker)")
	fl.StringVar(&opts.Subnet, "subnet", opts.Subnet, "private network IPv4 /24")
	fl.IntVar(&opts.BeaconPort, "beacon-port", opts.BeaconPort, "host port (127.0.0.1) of the simulator")
	fl.IntVar(&opts.APIBasePort, "api-base-port", opts.APIBasePort, "host port (127.0.0.1) of node0's API; node i uses base+i")
	_ = cmd.MarkFlagRequired("out")
	return cmd
}

func newDevnetBuildClientsCmd() *cobra.Command {
	var geth string
	cmd := &cobra.Command{
		Use:   "build-clients",
		Short: "Build and cache geth and Prysm (beacon-chain, validator, prysmctl) for `devnet up --beacon prysm`",
		Long: `Builds geth ` + devnet.GethVersion + ` (go install) and Prysm ` + prysm.Version + ` (go build of a small module embedded in
stinger that repeats Prysm's replace directive; go install refuses Prysm) into the user cache
directory, unless they are there already; works from any directory. Needs the go toolchain and the
module proxy. Cold, Prysm takes minutes and over 1 GB of memory.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			out := cmd.OutOrStdout()
			progress := func(format string, args ...any) { fmt.Fprintf(out, format+"\n", args...) }
			start := time.Now()
			g, err := devnet.FindGeth(ctx, geth, progress)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "geth %s: %s (%s)\n", devnet.GethVersion, g, time.Since(start).Round(time.Second))
			start = time.Now()
			b, err := prysm.Build(ctx, progress)
			if err != nil {
				return err
			}
			fmt.Fprintf(out, "prysm %s: %s, %s, %s (%s)\n", prysm.Version, b.BeaconChain, b.Validator, b.Prysmctl,
				time.Since(start).Round(time.Second))
			return nil
		},
	}
	cmd.Flags().StringVar(&geth, "geth", "", "use this geth binary instead of building one (default: $STINGER_GETH, or the cache)")
	return cmd
}
