package prysm

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/attestantio/go-eth2-client/spec/phase0"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/ethclient"

	"github.com/stingerdvt/stinger/testnet/internal/httpjson"
)

// Config configures a chain.
type Config struct {
	// Dir receives the genesis files, every client's data and logs/ (created if missing; must be empty).
	Dir string
	// Binaries are the Prysm programs (Build).
	Binaries Binaries
	// Geth is the geth binary.
	Geth string
	// Validators is the number of genesis validators: interop indices 0 .. Validators-1.
	Validators int
	// OwnStart and OwnCount are the interop indices Prysm's validator client signs for; every other
	// index is left to someone else (OwnCount 0: no validator client).
	OwnStart, OwnCount int
	// Slot is the slot duration (whole seconds; 0: 4 s, which a loaded 2-core machine keeps up with).
	Slot time.Duration
	// GenesisDelay is the time from Start to genesis (0: 40 s, time for every client to start).
	GenesisDelay time.Duration
	// GenesisForkVersion is the network's genesis fork version; the later forks' derive from it
	// (ForkVersionsFrom).
	GenesisForkVersion phase0.Version
	// FeeRecipient receives the execution fees of the blocks Prysm's validator client proposes.
	FeeRecipient common.Address
	// Progress receives one line per step (nil: discarded).
	Progress io.Writer
}

// Validate checks the configuration.
func (c *Config) Validate() error {
	switch {
	case c.Dir == "":
		return errors.New("prysm chain: no directory given")
	case c.Binaries.BeaconChain == "" || c.Binaries.Validator == "" || c.Binaries.Prysmctl == "":
		return errors.New("prysm chain: Prysm binaries missing (Build)")
	case c.Geth == "":
		return errors.New("prysm chain: no geth binary given")
	case c.Validators < 1:
		return fmt.Errorf("prysm chain: %d validators: want at least 1", c.Validators)
	case c.OwnStart < 0 || c.OwnCount < 0 || c.OwnStart+c.OwnCount > c.Validators:
		return fmt.Errorf("prysm chain: validator client indices [%d, %d) outside the %d genesis validators",
			c.OwnStart, c.OwnStart+c.OwnCount, c.Validators)
	case c.Slot != 0 && (c.Slot < time.Second || c.Slot%time.Second != 0):
		return fmt.Errorf("prysm chain: slot %s: want whole seconds", c.Slot)
	}
	return nil
}

// ports are the loopback ports of one chain.
type ports struct {
	gethHTTP, gethAuth, gethP2P                             int
	beaconHTTP, beaconRPC, beaconTCP, beaconUDP, beaconQUIC int
	beaconMonitoring, validatorMonitoring, validatorHTTP    int
}

// Chain is a running geth + Prysm chain.
type Chain struct {
	// BeaconURL is the beacon node's Beacon API base URL.
	BeaconURL string
	// ExecutionRPC is geth's JSON-RPC URL.
	ExecutionRPC string
	// Genesis is what the genesis state says.
	Genesis Genesis
	// Dir holds the chain's files; ConfigFile is the beacon chain config.
	Dir, ConfigFile string

	forkVersion phase0.Version

	mu    sync.Mutex
	procs []*proc // start order: geth, beacon-chain, validator
}

// Start generates a genesis (see generateGenesis), initialises geth with it and starts geth, Prysm's
// beacon node and, for OwnCount > 0, Prysm's validator client for the interop indices [OwnStart,
// OwnStart+OwnCount). It returns once the Beacon API answers and geth's genesis block is the one the
// beacon state names. On error every started process is stopped.
func Start(ctx context.Context, cfg Config) (_ *Chain, err error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if cfg.Slot == 0 {
		cfg.Slot = 4 * time.Second
	}
	if cfg.GenesisDelay == 0 {
		cfg.GenesisDelay = 40 * time.Second
	}
	if cfg.Dir, err = filepath.Abs(cfg.Dir); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("prysm chain: %w", err)
	}
	progress := func(format string, args ...any) {
		if cfg.Progress != nil {
			fmt.Fprintf(cfg.Progress, format+"\n", args...)
		}
	}
	ps, err := freePorts(11)
	if err != nil {
		return nil, err
	}
	p := ports{ps[0], ps[1], ps[2], ps[3], ps[4], ps[5], ps[6], ps[7], ps[8], ps[9], ps[10]}
	genesisTime := time.Now().Add(cfg.GenesisDelay).Truncate(time.Second)
	start := time.Now()
	files, g, err := generateGenesis(ctx, &cfg, genesisTime)
	if err != nil {
		return nil, fmt.Errorf("generate genesis: %w", err)
	}
	progress("Genesis: %d interop validators, Electra at epoch 0, %s slots, genesis at %s (in %s); generated in %s",
		g.Validators, cfg.Slot, g.Time.UTC().Format(time.TimeOnly), time.Until(g.Time).Round(time.Second),
		time.Since(start).Round(time.Millisecond))
	gethDir := filepath.Join(cfg.Dir, "geth")
	if err := run(ctx, cfg.Geth, "init", "--datadir", gethDir, files.GethGenesis); err != nil {
		return nil, fmt.Errorf("geth init: %w", err)
	}
	c := &Chain{BeaconURL: fmt.Sprintf("http://127.0.0.1:%d", p.beaconHTTP),
		ExecutionRPC: fmt.Sprintf("http://127.0.0.1:%d", p.gethHTTP), Genesis: *g, Dir: cfg.Dir, ConfigFile: files.Config,
		forkVersion: cfg.GenesisForkVersion}
	defer func() {
		if err != nil {
			c.Close()
		}
	}()
	logs := filepath.Join(cfg.Dir, "logs")
	if err := c.start("geth", logs, cfg.Geth, gethArgs(gethDir, files, p)); err != nil {
		return nil, err
	}
	if err := c.checkExecutionGenesis(ctx); err != nil {
		return nil, err
	}
	if err := c.start("beacon-chain", logs, cfg.Binaries.BeaconChain, beaconArgs(&cfg, files, p)); err != nil {
		return nil, err
	}
	if err := c.waitBeacon(ctx); err != nil {
		return nil, err
	}
	progress("Prysm %s beacon node: %s (gRPC 127.0.0.1:%d); geth: %s", Version, c.BeaconURL, p.beaconRPC, c.ExecutionRPC)
	if cfg.OwnCount > 0 {
		if err := c.start("validator", logs, cfg.Binaries.Validator, validatorArgs(&cfg, files, p)); err != nil {
			return nil, err
		}
		progress("Prysm validator client: interop indices %d..%d", cfg.OwnStart, cfg.OwnStart+cfg.OwnCount-1)
	}
	return c, nil
}

func gethArgs(dir string, f genesisFiles, p ports) []string {
	return []string{"--datadir", dir, "--networkid", fmt.Sprint(ChainID), "--syncmode", "full",
		"--nodiscover", "--maxpeers", "0", "--port", fmt.Sprint(p.gethP2P), "--ipcdisable",
		"--http", "--http.addr", "127.0.0.1", "--http.port", fmt.Sprint(p.gethHTTP), "--http.api", "eth,net,web3",
		"--authrpc.addr", "127.0.0.1", "--authrpc.port", fmt.Sprint(p.gethAuth), "--authrpc.jwtsecret", f.JWT,
		"--verbosity", "3"}
}

func beaconArgs(cfg *Config, f genesisFiles, p ports) []string {
	return []string{"--datadir", filepath.Join(cfg.Dir, "beacon"), "--genesis-state", f.GenesisSSZ,
		"--chain-config-file", f.Config, "--execution-endpoint", fmt.Sprintf("http://127.0.0.1:%d", p.gethAuth),
		"--jwt-secret", f.JWT, "--chain-id", fmt.Sprint(ChainID), "--network-id", fmt.Sprint(ChainID),
		"--contract-deployment-block", "0", "--interop-eth1data-votes",
		// Alone on loopback: no discovery, no peers, nothing to sync from.
		"--no-discovery", "--min-sync-peers", "0", "--minimum-peers-per-subnet", "0",
		"--p2p-local-ip", "127.0.0.1", "--p2p-host-ip", "127.0.0.1", "--p2p-tcp-port", fmt.Sprint(p.beaconTCP),
		"--p2p-udp-port", fmt.Sprint(p.beaconUDP), "--p2p-quic-port", fmt.Sprint(p.beaconQUIC),
		"--rpc-host", "127.0.0.1", "--rpc-port", fmt.Sprint(p.beaconRPC),
		"--http-host", "127.0.0.1", "--http-port", fmt.Sprint(p.beaconHTTP),
		"--monitoring-host", "127.0.0.1", "--monitoring-port", fmt.Sprint(p.beaconMonitoring),
		"--suggested-fee-recipient", cfg.FeeRecipient.Hex(), "--subscribe-all-subnets",
		"--accept-terms-of-use", "--force-clear-db", "--verbosity", "info"}
}

func validatorArgs(cfg *Config, f genesisFiles, p ports) []string {
	return []string{"--datadir", filepath.Join(cfg.Dir, "validator"), "--chain-config-file", f.Config,
		"--beacon-rpc-provider", fmt.Sprintf("127.0.0.1:%d", p.beaconRPC),
		"--interop-start-index", fmt.Sprint(cfg.OwnStart), "--interop-num-validators", fmt.Sprint(cfg.OwnCount),
		"--suggested-fee-recipient", cfg.FeeRecipient.Hex(),
		"--monitoring-host", "127.0.0.1", "--monitoring-port", fmt.Sprint(p.validatorMonitoring),
		"--http-host", "127.0.0.1", "--http-port", fmt.Sprint(p.validatorHTTP),
		"--disable-account-metrics", "--accept-terms-of-use", "--force-clear-db", "--verbosity", "info"}
}

func (c *Chain) start(name, logs, bin string, args []string) error {
	p, err := startProc(name, logs, bin, args)
	if err != nil {
		return err
	}
	c.mu.Lock()
	c.procs = append(c.procs, p)
	c.mu.Unlock()
	return nil
}

func (c *Chain) proc(name string) *proc {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, p := range c.procs {
		if p.Name == name {
			return p
		}
	}
	return nil
}

// checkExecutionGenesis waits for geth's RPC and checks that its genesis block is the beacon state's.
func (c *Chain) checkExecutionGenesis(ctx context.Context) error {
	geth := c.proc("geth")
	var hash common.Hash
	err := poll(ctx, 60*time.Second, func() error {
		if done, err := geth.exited(); done {
			return fmt.Errorf("%w: geth exited: %v:\n%s", errGiveUp, err, geth.logTail(2000))
		}
		cl, err := ethclient.DialContext(ctx, c.ExecutionRPC)
		if err != nil {
			return err
		}
		defer cl.Close()
		h, err := cl.HeaderByNumber(ctx, common.Big0)
		if err != nil {
			return err
		}
		hash = h.Hash()
		return nil
	})
	if err != nil {
		return fmt.Errorf("wait for geth at %s: %w", c.ExecutionRPC, err)
	}
	if want := common.Hash(c.Genesis.ExecutionBlockHash); hash != want {
		return fmt.Errorf("geth's genesis block %s is not the beacon genesis state's execution block %s "+
			"(the two genesis files differ: see %s)", hash, want, c.Dir)
	}
	return nil
}

// waitBeacon waits until the Beacon API serves the genesis.
func (c *Chain) waitBeacon(ctx context.Context) error {
	bn := c.proc("beacon-chain")
	err := poll(ctx, 120*time.Second, func() error {
		if done, err := bn.exited(); done {
			return fmt.Errorf("%w: beacon-chain exited: %v:\n%s", errGiveUp, err, bn.logTail(3000))
		}
		var g struct {
			Data struct {
				Root        string `json:"genesis_validators_root"`
				ForkVersion string `json:"genesis_fork_version"`
			} `json:"data"`
		}
		if err := GetJSON(ctx, c.BeaconURL+"/eth/v1/beacon/genesis", &g); err != nil {
			return err
		}
		if want := fmt.Sprintf("%#x", c.Genesis.ValidatorsRoot[:]); !strings.EqualFold(g.Data.Root, want) {
			return fmt.Errorf("%w: beacon node's genesis validators root %s is not the generated state's %s",
				errGiveUp, g.Data.Root, want)
		}
		if want := fmt.Sprintf("%#x", c.forkVersion[:]); !strings.EqualFold(g.Data.ForkVersion, want) {
			return fmt.Errorf("%w: beacon node's genesis fork version %s is not the configured %s", errGiveUp,
				g.Data.ForkVersion, want)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("wait for the Prysm beacon node at %s: %w", c.BeaconURL, err)
	}
	return nil
}

// Processes lists the running programs in start order.
func (c *Chain) Processes() []Process {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make([]Process, len(c.procs))
	for i, p := range c.procs {
		out[i] = p.Process
	}
	return out
}

// Exited lists the programs that ended without being asked to.
func (c *Chain) Exited() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []string
	for _, p := range c.procs {
		if done, err := p.exited(); done {
			out = append(out, fmt.Sprintf("%s (PID %d) exited: %v; log %s", p.Name, p.PID, err, p.Log))
		}
	}
	return out
}

// Close stops the programs in the reverse of their start order (SIGTERM, SIGKILL after 10 s).
func (c *Chain) Close() {
	c.mu.Lock()
	procs := append([]*proc(nil), c.procs...)
	c.mu.Unlock()
	for i := len(procs) - 1; i >= 0; i-- {
		procs[i].stop(10 * time.Second)
	}
}

// errGiveUp stops poll early.
var errGiveUp = errors.New("gave up")

// poll calls f every 250 ms until it returns nil or an error wrapping errGiveUp, or timeout passes.
func poll(ctx context.Context, timeout time.Duration, f func() error) error {
	deadline := time.Now().Add(timeout)
	for {
		err := f()
		if err == nil || errors.Is(err, errGiveUp) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
}

// GetJSON GETs url and decodes a 2xx JSON answer into v (nil: only the status counts).
func GetJSON(ctx context.Context, url string, v any) error {
	return doJSON(ctx, http.MethodGet, url, nil, v)
}

// PostJSON POSTs body as JSON to url and decodes a 2xx JSON answer into v.
func PostJSON(ctx context.Context, url string, body, v any) error {
	return doJSON(ctx, http.MethodPost, url, body, v)
}

func doJSON(ctx context.Context, method, url string, body, v any) error {
	return httpjson.Do(ctx, 10*time.Second, method, url, body, v)
}
