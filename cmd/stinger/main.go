package main

import (
	"fmt"
	"io"
	"os"

	"github.com/spf13/cobra"
)

// Set at build time with -ldflags "-X main.version=... -X main.commit=...".
var (
	version = "dev"
	commit  = "unknown"
)

func main() {
	os.Exit(run(os.Args[1:], os.Environ(), os.Stdout, os.Stderr))
}

// run executes the CLI with args and env and returns the process exit code:
// 0 on success, 1 on any error (printed to stderr as "stinger: ...").
func run(args, env []string, stdout, stderr io.Writer) int {
	root := newRootCmd(env)
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.Execute()
	if err == nil {
		return 0
	}
	fmt.Fprintf(stderr, "stinger: %v\n", err)
	return 1
}

func newRootCmd(env []string) *cobra.Command {
	root := &cobra.Command{
		Use:   "stinger",
		Short: "Distributed-validator operator daemon with a marketplace agent",
		Long: `stinger runs one operator's node of an Ethereum distributed-validator cluster: threshold BLS
keys, QBFT consensus on what to sign, slashing-protected signing, partial-signature exchange over
libp2p, and a marketplace agent. Start with "stinger identity create" and "stinger run --config FILE".`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(
		newRunCmd(env),
		newIdentityCmd(),
		newConfigCmd(env),
		newCreateCmd(),
		newDefinitionCmd(),
		newDKGCmd(),
		newLockCmd(),
		newPeersCmd(),
		newRelayCmd(),
		newReportCmd(),
		newExitCmd(),
		newHealthCmd(),
		newDevnetCmd(),
		newBenchCmd(),
		newVersionCmd(),
	)
	return root
}
