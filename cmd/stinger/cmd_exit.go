package main

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	eth2api "github.com/attestantio/go-eth2-client/api"
	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/spf13/cobra"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/config"
	"github.com/stingerdvt/stinger/dkg"
	"github.com/stingerdvt/stinger/duties"
	"github.com/stingerdvt/stinger/duties/beacon"
	"github.com/stingerdvt/stinger/eth2/signing"
	"github.com/stingerdvt/stinger/internal/atomicfile"
)

// exitFlags are the settings every exit subcommand shares.
type exitFlags struct {
	dataDir, lockFile string
	beaconURLs        []string
	timeout           time.Duration
}

func (f *exitFlags) bind(cmd *cobra.Command) {
	cmd.Flags().StringVar(&f.dataDir, "data-dir", config.Default().DataDir, "data directory (operator.key, validator_keys/)")
	cmd.Flags().StringVar(&f.lockFile, "cluster-lock-file", "", "cluster lock (default <data-dir>/cluster-lock.json)")
	cmd.Flags().StringSliceVar(&f.beaconURLs, "beacon-node-urls", config.Default().BeaconNodeURLs, "Beacon API endpoints")
	cmd.Flags().DurationVar(&f.timeout, "timeout", 30*time.Second, "timeout for the beacon node calls")
}

func (f *exitFlags) lock() (*cluster.Lock, error) {
	path := f.lockFile
	if path == "" {
		path = filepath.Join(f.dataDir, cluster.LockFileName)
	}
	lock, err := cluster.LoadLock(path)
	if err != nil {
		return nil, err
	}
	if err := lock.Verify(); err != nil {
		return nil, fmt.Errorf("cluster lock %s is invalid: %w", path, err)
	}
	return lock, nil
}

// chain connects to the beacon nodes and returns the pool, the network and
// the current epoch.
func (f *exitFlags) chain(ctx context.Context) (*beacon.Pool, *signing.Network, phase0.Epoch, error) {
	pool, err := beacon.New(ctx, beacon.Config{Addresses: f.beaconURLs, Timeout: f.timeout})
	if err != nil {
		return nil, nil, 0, err
	}
	network, err := duties.NetworkFromBeacon(ctx, pool)
	if err != nil {
		return nil, nil, 0, err
	}
	return pool, network, network.EpochAt(time.Now()), nil
}

func newExitCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "exit",
		Short: "Voluntary exits, threshold-signed: sign a partial on t operators, combine, broadcast",
		Long: `A distributed validator exits with a voluntary exit signed by its group key, which no operator holds:
1. at least t operators each run "stinger exit sign --validator PUBKEY", which writes a partial exit file;
2. anyone gathers the partial files and runs "stinger exit combine FILES... --out exit.json", which checks each
   partial against its operator's public share, recovers the signature and verifies it;
3. "stinger exit broadcast --exit exit.json" submits it to the beacon nodes (any time later).`,
	}
	cmd.AddCommand(newExitSignCmd(), newExitCombineCmd(), newExitBroadcastCmd())
	return cmd
}

func newExitSignCmd() *cobra.Command {
	var (
		f         exitFlags
		validator string
		epoch     int64
		out       string
	)
	cmd := &cobra.Command{
		Use:   "sign",
		Short: "Sign this operator's partial voluntary exit for one validator of the cluster",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), f.timeout)
			defer cancel()
			lock, err := f.lock()
			if err != nil {
				return err
			}
			id, err := cluster.LoadIdentity(f.dataDir)
			if err != nil {
				return err
			}
			idx, err := lock.Definition.OperatorIndex(id.Key.GetPublic())
			if err != nil {
				return err
			}
			vi := -1
			for i, v := range lock.Validators {
				if strings.EqualFold(v.PublicKey, "0x"+strings.TrimPrefix(validator, "0x")) {
					vi = i
				}
			}
			if vi < 0 {
				return fmt.Errorf("--validator %s is not a validator of this cluster", validator)
			}
			shares, err := dkg.LoadShares(f.dataDir, lock, idx)
			if err != nil {
				return err
			}
			pool, network, current, err := f.chain(ctx)
			if err != nil {
				return err
			}
			pkBytes, _ := hex.DecodeString(strings.TrimPrefix(lock.Validators[vi].PublicKey, "0x"))
			pubkey := phase0.BLSPubKey(pkBytes)
			resp, err := pool.Validators(ctx, &eth2api.ValidatorsOpts{State: "head", PubKeys: []phase0.BLSPubKey{pubkey}})
			if err != nil {
				return fmt.Errorf("look up validator %s: %w", lock.Validators[vi].PublicKey, err)
			}
			if len(resp.Data) != 1 {
				return fmt.Errorf("validator %s is not known to the beacon node (deposit not processed yet?)", lock.Validators[vi].PublicKey)
			}
			var index phase0.ValidatorIndex
			for i := range resp.Data {
				index = i
			}
			exitEpoch := current
			if epoch >= 0 {
				exitEpoch = phase0.Epoch(epoch)
			}
			partial, err := duties.SignExitPartial(network, current, &phase0.VoluntaryExit{Epoch: exitEpoch, ValidatorIndex: index},
				pubkey, idx, shares[vi])
			if err != nil {
				return err
			}
			if out == "" {
				out = filepath.Join(f.dataDir, "exits", fmt.Sprintf("partial-exit-%d-op%d.json", index, idx))
			}
			raw, err := json.MarshalIndent(partial, "", "  ")
			if err != nil {
				return err
			}
			if err := os.MkdirAll(filepath.Dir(out), 0o700); err != nil {
				return err
			}
			if err := atomicfile.WriteNew(out, append(raw, '\n'), 0o600); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Wrote partial exit of validator %d (epoch %d) by operator %d to %s\n", index, exitEpoch, idx, out)
			return nil
		},
	}
	f.bind(cmd)
	cmd.Flags().StringVar(&validator, "validator", "", "validator public key (0x-hex) to exit")
	cmd.Flags().Int64Var(&epoch, "epoch", -1, "exit epoch (default: the current epoch)")
	cmd.Flags().StringVar(&out, "out", "", "partial exit file (default <data-dir>/exits/partial-exit-<index>-op<operator>.json)")
	_ = cmd.MarkFlagRequired("validator")
	return cmd
}

func newExitCombineCmd() *cobra.Command {
	var (
		f   exitFlags
		out string
	)
	cmd := &cobra.Command{
		Use:   "combine PARTIAL_FILE...",
		Short: "Check partial exits against the lock, recover the validator's signature and store the signed exit",
		Args:  cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, cancel := context.WithTimeout(cmd.Context(), f.timeout)
			defer cancel()
			lock, err := f.lock()
			if err != nil {
				return err
			}
			var partials []*duties.PartialExit
			for _, path := range args {
				raw, err := os.ReadFile(path)
				if err != nil {
					return err
				}
				var p duties.PartialExit
				if err := json.Unmarshal(raw, &p); err != nil || p.Exit == nil {
					return fmt.Errorf("partial exit %s: not a partial exit file (%v)", path, err)
				}
				partials = append(partials, &p)
			}
			_, network, current, err := f.chain(ctx)
			if err != nil {
				return err
			}
			signed, err := duties.CombineExit(lock, network, current, partials)
			if err != nil {
				return err
			}
			if err := duties.SaveExit(out, signed); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Wrote the signed exit of validator %d (epoch %d) to %s\n",
				signed.Message.ValidatorIndex, signed.Message.Epoch, out)
			return nil
		},
	}
	f.bind(cmd)
	cmd.Flags().StringVar(&out, "out", "exit.json", "signed exit file (never overwritten)")
	return cmd
}

func newExitBroadcastCmd() *cobra.Command {
	var (
		f    exitFlags
		file string
	)
	cmd := &cobra.Command{
		Use:   "broadcast",
		Short: "Submit a signed voluntary exit to the beacon nodes",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if file == "" {
				return errors.New("--exit is required")
			}
			ctx, cancel := context.WithTimeout(cmd.Context(), f.timeout)
			defer cancel()
			exit, err := duties.LoadExit(file)
			if err != nil {
				return err
			}
			pool, err := beacon.New(ctx, beacon.Config{Addresses: f.beaconURLs, Timeout: f.timeout})
			if err != nil {
				return err
			}
			if err := duties.BroadcastExit(ctx, pool, exit); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Broadcast the exit of validator %d (epoch %d)\n", exit.Message.ValidatorIndex, exit.Message.Epoch)
			return nil
		},
	}
	f.bind(cmd)
	cmd.Flags().StringVar(&file, "exit", "exit.json", "signed exit file from `stinger exit combine`")
	return cmd
}
