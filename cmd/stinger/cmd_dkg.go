package main

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/spf13/cobra"
	"go.uber.org/zap"

	"github.com/stingerdvt/stinger/cluster"
	"github.com/stingerdvt/stinger/config"
	"github.com/stingerdvt/stinger/dkg"
	"github.com/stingerdvt/stinger/eth2/bls"
	"github.com/stingerdvt/stinger/eth2/keystore"
	"github.com/stingerdvt/stinger/eth2/signing"
	"github.com/stingerdvt/stinger/internal/logging"
	"github.com/stingerdvt/stinger/p2p"
)

// definitionFlags are the cluster-definition settings shared by
// `create definition` and `create cluster`.
type definitionFlags struct {
	name, network, forkVersion, credType string
	validators, threshold                int
	withdrawal, feeRecipients            []string
	amountsGwei                          []uint
}

func (f *definitionFlags) bind(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringVar(&f.name, "name", "stinger cluster", "cluster name")
	fl.IntVar(&f.validators, "validators", 1, "number of distributed validators")
	fl.IntVar(&f.threshold, "threshold", 0, "signing threshold t (default ⌈2n/3⌉)")
	fl.StringVar(&f.network, "network", "hoodi", "network: mainnet, holesky, hoodi, sepolia, or a custom name with --fork-version")
	fl.StringVar(&f.forkVersion, "fork-version", "", "genesis fork version (0x + 4 bytes) of a custom network")
	fl.StringVar(&f.credType, "credential-type", cluster.CredentialExecution, "withdrawal credential type: 0x01, or 0x02 (compounding)")
	fl.StringSliceVar(&f.withdrawal, "withdrawal-address", nil, "withdrawal address (one for all validators, or one per validator)")
	fl.StringSliceVar(&f.feeRecipients, "fee-recipient", nil, "fee recipient address (one for all validators, or one per validator)")
	fl.UintSliceVar(&f.amountsGwei, "deposit-amount-gwei", nil, "deposit amounts per validator in Gwei (default one 32 ETH deposit)")
}

func (f *definitionFlags) params(ops []cluster.Operator) (cluster.NewDefinitionParams, error) {
	fv := f.forkVersion
	if fv == "" {
		n, err := signing.NetworkByName(f.network)
		if err != nil {
			return cluster.NewDefinitionParams{}, fmt.Errorf("--network %q is not a preset: give its --fork-version", f.network)
		}
		fv = fmt.Sprintf("%#x", n.GenesisForkVersion[:])
	}
	if len(f.withdrawal) == 0 || len(f.feeRecipients) == 0 {
		return cluster.NewDefinitionParams{}, errors.New("--withdrawal-address and --fee-recipient are required")
	}
	var amounts []uint64
	for _, a := range f.amountsGwei {
		amounts = append(amounts, uint64(a))
	}
	return cluster.NewDefinitionParams{
		Name: f.name, Operators: ops, Threshold: f.threshold, NumValidators: f.validators,
		Network: f.network, ForkVersion: fv, CredentialType: f.credType,
		WithdrawalAddresses: f.withdrawal, FeeRecipients: f.feeRecipients, DepositAmounts: amounts,
		Now: time.Now(),
	}, nil
}

func newCreateCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "create", Short: "Create a cluster definition, or a whole local cluster with a trusted dealer"}
	cmd.AddCommand(newCreateDefinitionCmd(), newCreateClusterCmd())
	return cmd
}

// parseOperator parses [NAME=]PEER_ID[@MULTIADDR[,MULTIADDR...]].
func parseOperator(s string) (cluster.Operator, error) {
	var op cluster.Operator
	if name, rest, ok := strings.Cut(s, "="); ok {
		op.Name, s = name, rest
	}
	pid, addrs, _ := strings.Cut(s, "@")
	op.PeerID = pid
	op.Addresses = []string{}
	if addrs != "" {
		op.Addresses = strings.Split(addrs, ",")
	}
	if op.PeerID == "" {
		return op, fmt.Errorf("--operator %q: expected [NAME=]PEER_ID[@MULTIADDR[,MULTIADDR]]", s)
	}
	return op, nil
}

func newCreateDefinitionCmd() *cobra.Command {
	var (
		df        definitionFlags
		operators []string
		out       string
	)
	cmd := &cobra.Command{
		Use:   "definition",
		Short: "Write a cluster definition that every operator then approves with `stinger definition sign`",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var ops []cluster.Operator
			for _, s := range operators {
				op, err := parseOperator(s)
				if err != nil {
					return err
				}
				ops = append(ops, op)
			}
			p, err := df.params(ops)
			if err != nil {
				return err
			}
			def, err := cluster.NewDefinition(p)
			if err != nil {
				return fmt.Errorf("create definition: %w", err)
			}
			if _, err := os.Stat(out); err == nil {
				return fmt.Errorf("create definition: %s exists: refusing to overwrite it", out)
			}
			if err := def.Save(out); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Wrote %s (definition_hash %s, %d operators, threshold %d, %d validators)\n",
				out, def.DefinitionHash, len(def.Operators), def.Threshold, def.NumValidators)
			return nil
		},
	}
	df.bind(cmd)
	cmd.Flags().StringArrayVar(&operators, "operator", nil, "operator as [NAME=]PEER_ID@MULTIADDR, repeated in operator order")
	cmd.Flags().StringVar(&out, "out", "cluster-definition.json", "output file")
	return cmd
}

func newDefinitionCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "definition", Short: "Approve a cluster definition"}
	var file, dataDir string
	sign := &cobra.Command{
		Use:   "sign",
		Short: "Add this operator's approval (a signature over the definition hash) to the definition file in place",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			def, err := cluster.LoadDefinition(file)
			if err != nil {
				return err
			}
			id, err := cluster.LoadIdentity(dataDir)
			if err != nil {
				return err
			}
			if err := def.Approve(id.Key); err != nil {
				return err
			}
			if err := def.Save(file); err != nil {
				return err
			}
			approved := 0
			for _, op := range def.Operators {
				if op.Approval != "" {
					approved++
				}
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Approved %s as %s (%d of %d operators have approved)\n", file, id.PeerID, approved, len(def.Operators))
			return nil
		},
	}
	sign.Flags().StringVar(&file, "definition", "cluster-definition.json", "cluster definition file")
	sign.Flags().StringVar(&dataDir, "data-dir", config.Default().DataDir, "data directory holding operator.key")
	cmd.AddCommand(sign)
	return cmd
}

func newDKGCmd() *cobra.Command {
	var (
		file, dataDir, listen, logLevel string
		relays                          []string
		timeout                         time.Duration
		insecureKeys                    bool
	)
	cmd := &cobra.Command{
		Use:   "dkg",
		Short: "Run the distributed key generation with the other operators of an approved definition",
		Long: `Every operator runs "stinger dkg" at about the same time. The ceremony creates every validator of the
definition; no machine ever holds a whole validator key. Outputs in --data-dir: cluster-lock.json,
validator_keys/keystore-<i>.json (+ .txt password, mode 0600) and deposit-data.json.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			logger, err := logging.New(logLevel, "console", cmd.ErrOrStderr())
			if err != nil {
				return err
			}
			def, err := cluster.LoadDefinition(file)
			if err != nil {
				return err
			}
			id, err := cluster.LoadIdentity(dataDir)
			if err != nil {
				return err
			}
			var listenAddrs []string
			if listen != "" {
				listenAddrs = []string{listen}
			}
			las, err := p2p.ParseMultiaddrs(listenAddrs)
			if err != nil {
				return fmt.Errorf("--p2p-listen: %w", err)
			}
			ras, err := p2p.ParseMultiaddrs(relays)
			if err != nil {
				return fmt.Errorf("--relay: %w", err)
			}
			out := dkg.OutputOptions{Rand: rand.Reader}
			if insecureKeys {
				logger.Warn("Keystores use a cheap KDF (--insecure-keys): for tests and devnets only")
				out.Keystore = []keystore.Option{keystore.WithPBKDF2(2)}
			}
			ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
			defer stop()
			start := time.Now()
			res, err := dkg.RunNetwork(ctx, dkg.NetworkConfig{
				Definition: def, Key: id.Key, ListenAddrs: las, Relays: ras, Timeout: timeout,
				DataDir: dataDir, Output: out, Rand: rand.Reader, Logger: logger,
				Progress: progressPrinter(cmd.OutOrStdout(), logger),
			})
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "DKG complete in %s: %d validators, lock hash %s, outputs in %s\n",
				time.Since(start).Round(time.Millisecond), len(res.Lock.Validators), res.Lock.LockHash, dataDir)
			return nil
		},
	}
	cmd.Flags().StringVar(&file, "definition", "cluster-definition.json", "approved cluster definition")
	cmd.Flags().StringVar(&dataDir, "data-dir", config.Default().DataDir, "data directory (operator.key in, outputs out)")
	cmd.Flags().StringVar(&listen, "p2p-listen", "", "p2p listen multiaddr (default: this operator's address in the definition)")
	cmd.Flags().StringSliceVar(&relays, "relay", nil, "circuit relay v2 multiaddr(s) ending in /p2p/<id>")
	cmd.Flags().DurationVar(&timeout, "timeout", 10*time.Minute, "ceremony timeout")
	cmd.Flags().BoolVar(&insecureKeys, "insecure-keys", false, "encrypt keystores with a cheap KDF (tests and devnets only)")
	cmd.Flags().StringVar(&logLevel, "log-level", "info", "log level: debug, info, warn, error")
	return cmd
}

// progressPrinter shows progress on one refreshed line on a terminal, and
// as log lines otherwise.
func progressPrinter(w io.Writer, logger *zap.Logger) func(dkg.Progress) {
	tty := false
	if f, ok := w.(*os.File); ok {
		if info, err := f.Stat(); err == nil && info.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return func(p dkg.Progress) {
		if tty {
			fmt.Fprintf(w, "\rDKG: round %-8s validators done %d/%d", p.Round, p.ValidatorsDone, p.Validators)
			if p.Round == dkg.RoundLock {
				fmt.Fprintln(w)
			}
			return
		}
		logger.Info("DKG progress", zap.Stringer("round", p.Round), zap.Int("validators_done", p.ValidatorsDone), zap.Int("validators", p.Validators))
	}
}

func newLockCmd() *cobra.Command {
	cmd := &cobra.Command{Use: "lock", Short: "Inspect cluster lock files"}
	verify := &cobra.Command{
		Use:   "verify FILE",
		Short: "Check every hash, signature, public share and deposit datum of a cluster lock",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			lock, err := cluster.LoadLock(args[0])
			if err != nil {
				return err
			}
			if err := lock.Verify(); err != nil {
				return fmt.Errorf("lock %s is invalid:\n%w", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Lock %s is valid: cluster %q, %d operators, threshold %d, %d validators, lock hash %s\n",
				args[0], lock.Definition.Name, len(lock.Definition.Operators), lock.Definition.Threshold, len(lock.Validators), lock.LockHash)
			return nil
		},
	}
	cmd.AddCommand(verify)
	return cmd
}

func newCreateClusterCmd() *cobra.Command {
	var (
		df                definitionFlags
		nodes, basePort   int
		out, keysDir      string
		split, insecureKS bool
	)
	cmd := &cobra.Command{
		Use:   "cluster",
		Short: "Create every operator's directory at once with a trusted dealer (INSECURE: tests, devnets, key migration)",
		Long: `Creates --nodes operator directories (node0, node1, ...) under --out, each with an operator key, the cluster
lock, its share keystores and the deposit data. One process sees every whole validator key: never use
this for real funds except to move an existing solo validator into a cluster (--split-existing-keys).`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprintln(cmd.ErrOrStderr(), "WARNING: trusted-dealer mode: this machine sees every whole validator key. INSECURE for real funds; use `stinger dkg` instead.")
			var secrets []*bls.SecretKey
			if split {
				var err error
				if secrets, err = loadExistingKeys(keysDir); err != nil {
					return err
				}
				df.validators = len(secrets)
			}
			if _, err := os.Stat(out); err == nil {
				entries, _ := os.ReadDir(out)
				if len(entries) > 0 {
					return fmt.Errorf("create cluster: %s is not empty: refusing to overwrite", out)
				}
			}
			keys := make([]crypto.PrivKey, nodes)
			ops := make([]cluster.Operator, nodes)
			for i := range nodes {
				id, err := cluster.CreateIdentity(nodeDir(out, i), rand.Reader)
				if err != nil {
					return err
				}
				keys[i] = id.Key
				ops[i] = cluster.Operator{PeerID: id.PeerID.String(), Name: fmt.Sprintf("node%d", i),
					Addresses: []string{fmt.Sprintf("/ip4/127.0.0.1/tcp/%d", basePort+i)}}
			}
			p, err := df.params(ops)
			if err != nil {
				return err
			}
			def, err := cluster.NewDefinition(p)
			if err != nil {
				return fmt.Errorf("create cluster: %w", err)
			}
			lock, shares, err := dkg.Deal(dkg.DealerParams{Definition: def, Keys: keys, Secrets: secrets, Rand: rand.Reader})
			if err != nil {
				return err
			}
			opts := dkg.OutputOptions{Rand: rand.Reader}
			if insecureKS {
				opts.Keystore = []keystore.Option{keystore.WithPBKDF2(2)}
			}
			for i := range nodes {
				if err := dkg.WriteOutputs(nodeDir(out, i), lock, shares[i], opts); err != nil {
					return err
				}
			}
			if err := def.Save(filepath.Join(out, "cluster-definition.json")); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Created %d operators (%s/node0..node%d), threshold %d, %d validators, lock hash %s\n",
				nodes, out, nodes-1, def.Threshold, len(lock.Validators), lock.LockHash)
			return nil
		},
	}
	df.bind(cmd)
	cmd.Flags().IntVar(&nodes, "nodes", 4, "number of operators")
	cmd.Flags().IntVar(&basePort, "base-port", 3610, "p2p TCP port of node0; node i listens on base+i")
	cmd.Flags().StringVar(&out, "out", "cluster", "output directory")
	cmd.Flags().BoolVar(&split, "split-existing-keys", false, "split the existing EIP-2335 keystores of --keys-dir instead of drawing new keys")
	cmd.Flags().StringVar(&keysDir, "keys-dir", "", "directory of keystore-*.json files, each with its password in a .txt file beside it")
	cmd.Flags().BoolVar(&insecureKS, "insecure-keys", false, "encrypt keystores with a cheap KDF (tests and devnets only)")
	return cmd
}

func nodeDir(out string, i int) string { return filepath.Join(out, fmt.Sprintf("node%d", i)) }

// loadExistingKeys decrypts every keystore-*.json in dir (sorted by name)
// with the password in the .txt file beside it.
func loadExistingKeys(dir string) ([]*bls.SecretKey, error) {
	if dir == "" {
		return nil, errors.New("--split-existing-keys needs --keys-dir")
	}
	paths, err := filepath.Glob(filepath.Join(dir, "keystore*.json"))
	if err != nil || len(paths) == 0 {
		return nil, fmt.Errorf("--keys-dir %s: no keystore*.json files", dir)
	}
	sort.Strings(paths)
	var out []*bls.SecretKey
	for _, p := range paths {
		ks, err := keystore.ReadFile(p)
		if err != nil {
			return nil, err
		}
		pw, err := os.ReadFile(strings.TrimSuffix(p, ".json") + ".txt")
		if err != nil {
			return nil, fmt.Errorf("password for %s: %w", p, err)
		}
		sk, err := ks.Decrypt(string(pw))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", p, err)
		}
		out = append(out, sk)
	}
	return out, nil
}
